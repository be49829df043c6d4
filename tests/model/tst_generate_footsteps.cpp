// The library entry point for scripts: audio as a tensor and a buffer, always saved.
#include "engines/generate_footsteps.h"
#include "io/audio_file.h"

#include <ATen/ATen.h>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace footfall;

class TestGenerateFootsteps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void returnsTensorBufferPathAndMetadata() {
        QTemporaryDir dir;
        GenerationRequest request;
        request.prompt = "boots on concrete";
        request.durationSeconds = 1.5;
        request.seed = 99;
        OutputOptions output;
        output.folder = dir.path().toStdString();
        const auto result = generate_footsteps(request, output);
        QCOMPARE(result.sampleRate, 44100);
        QCOMPARE(result.audio.dim(), int64_t(2));
        QCOMPARE(result.audio.size(0), int64_t(2));
        QCOMPARE(result.audio.size(1), int64_t(66150));
        QCOMPARE(result.audio.scalar_type(), at::kFloat);
        QVERIFY(std::filesystem::exists(result.path));
        QCOMPARE(result.metadata["seed"].get<int>(), 99);
        QCOMPARE(result.metadata["output_path"].get<std::string>(), result.path);
        // Tensor, buffer and file hold the same samples.
        const auto fromFile = readAudioFile(result.path);
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < result.buffer.frames(); i += 101) {
                QCOMPARE(result.audio[c][static_cast<int64_t>(i)].item<float>(),
                         result.buffer.sample(c, i));
                QCOMPARE(fromFile.sample(c, i), result.buffer.sample(c, i));
            }
    }
    void errorsAreGenerationErrors() {
        GenerationRequest request;
        request.prompt = "boots";
        OutputOptions output;
        output.folder = "/proc/no-such-place";
        QVERIFY_THROWS_EXCEPTION(GenerationError, generate_footsteps(request, output));
        output.folder = QDir::tempPath().toStdString();
        request.steps = 0;
        QVERIFY_THROWS_EXCEPTION(GenerationError, generate_footsteps(request, output));
    }
};

QTEST_APPLESS_MAIN(TestGenerateFootsteps)
#include "tst_generate_footsteps.moc"
