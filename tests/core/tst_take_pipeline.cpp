// Request validation, the take pipeline and the metadata schema, with a fake engine.
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"
#include "signals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace footfall;

namespace {

// A sine whose frequency follows the seed, so seeds are visible in the audio.
class SineEngine : public Engine {
public:
    int calls = 0;
    int cancelAfter = -1; // cancel token set by the engine itself after this many takes
    CancelToken* token = nullptr;
    std::string name() const override { return "sine"; }
    std::vector<std::string> samplers() const override { return {"none", "other"}; }
    std::string deviceDescription() const override { return "cpu (test)"; }
    nlohmann::json modelInfo() const override { return {{"name", "sine"}}; }
    GeneratedAudio generate(const ResolvedTake& take, const ProgressCallback& p,
                            const CancelToken* cancel) override {
        const GenerationRequest& r = take.request;
        if (cancelAfter >= 0 && calls >= cancelAfter && token)
            token->cancel();
        throwIfCancelled(cancel);
        ++calls;
        if (p)
            p({Phase::Sampling, 1, 1, 0, 1});
        GeneratedAudio g;
        g.audio = test::sine(100.0 + r.seed % 1000, 0.5, r.durationSeconds);
        g.engineDetails = {{"frequency", 100.0 + r.seed % 1000}};
        return g;
    }
};

} // namespace

class TestTakePipeline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validationNamesEachProblem() {
        GenerationRequest r;
        r.prompt = "steps";
        QVERIFY(validateRequest(r).empty());
        auto bad = r;
        bad.prompt = "   ";
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("prompt is empty"));
        bad = r;
        bad.steps = 0;
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("steps 0"));
        bad = r;
        bad.durationSeconds = -1;
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("duration -1"));
        bad = r;
        bad.durationSeconds = std::nan("");
        QCOMPARE(validateRequest(bad).size(), std::size_t(1));
        bad = r;
        bad.cfgScale = 1e9;
        QCOMPARE(validateRequest(bad).size(), std::size_t(1));
        bad = r;
        bad.batchSize = 0;
        QCOMPARE(validateRequest(bad).size(), std::size_t(1));
        bad = r;
        bad.seed = -5;
        QCOMPARE(validateRequest(bad).size(), std::size_t(1));
        bad = r;
        bad.loras.push_back({"x.safetensors", 3.0, ""});
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("LoRA strength"));
        // Files the request names must exist (checked before any engine work).
        QVERIFY(QString::fromStdString(validateRequest(bad).back()).contains("x.safetensors"));
        bad = r;
        bad.initAudioPath = "/no/such/take.wav";
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("init audio"));
        bad = r;
        bad.engine.device = "tpu";
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("tpu"));
        bad = r;
        bad.engine.precision = "int4";
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("int4"));
        bad = r;
        bad.prompt = "boots\x01on gravel";
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("control"));
        bad = r;
        bad.prompt = "boots \xC3\x28 gravel"; // a broken two-byte sequence
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("UTF-8"));
        bad.prompt = "Schritte auf Kies, \xC3\xA4ngstlich"; // valid UTF-8
        QVERIFY(validateRequest(bad).empty());
        bad.prompt = std::string(RequestLimits::maxPromptLength + 1, 'a');
        QVERIFY(QString::fromStdString(validateRequest(bad).front()).contains("longer"));
    }
    void resolvingGivesEachTakeItsSeedAndTheSampler() {
        SineEngine engine;
        GenerationRequest r;
        r.prompt = "steps";
        r.seed = 42;
        r.batchSize = 3;
        auto takes = resolveRequest(r, engine);
        QCOMPARE(takes.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(takes[i].request.seed, std::int64_t(42 + i));
            QCOMPARE(takes[i].request.batchSize, 1);
            QCOMPARE(takes[i].request.sampler, std::string("none")); // the engine's default
            QCOMPARE(takes[i].index, i);
            QCOMPARE(takes[i].count, 3);
        }
        // A random seed is drawn once per run, then +1 per take, inside the seed range.
        r.seed = -1;
        takes = resolveRequest(r, engine);
        QVERIFY(takes[0].request.seed >= 0 && takes[0].request.seed <= RequestLimits::maxSeed);
        QCOMPARE(takes[2].request.seed, takeSeed(takes[0].request.seed, 2));
        // The largest seed wraps to 0 for the next take.
        QCOMPARE(takeSeed(RequestLimits::maxSeed, 1), std::int64_t(0));
        // A sampler the engine does not have is refused for every engine, naming its own.
        r.sampler = "nosuch";
        try {
            resolveRequest(r, engine);
            QFAIL("an unknown sampler was accepted");
        } catch (const GenerationError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("nosuch") && message.contains("none, other"),
                     qPrintable(message));
        }
        r.sampler = "other";
        QCOMPARE(resolveRequest(r, engine).front().request.sampler, std::string("other"));
    }
    void takesAreSavedWithTheSeedsMetadata() {
        QTemporaryDir dir;
        SineEngine engine;
        GenerationRequest r;
        r.prompt = "heavy boots on wet marble";
        r.durationSeconds = 1.0;
        r.seed = 7;
        r.batchSize = 2;
        OutputOptions o;
        o.folder = dir.path().toStdString();
        int saved = 0;
        const auto takes = generateTakes(engine, r, o, {}, nullptr, [&](const Take& t) {
            QVERIFY(std::filesystem::exists(t.audioPath));
            ++saved;
        });
        QCOMPARE(takes.size(), std::size_t(2));
        QCOMPARE(saved, 2);
        QVERIFY(takes[0].audioPath != takes[1].audioPath); // same second: suffixed
        QCOMPARE(takes[0].metadata["seed"].get<int>(), 7);
        QCOMPARE(takes[1].metadata["seed"].get<int>(), 8);

        const auto& m = readSidecar(takes[0].sidecarPath);
        for (const char* key : {"prompt",
                                "checkpoint",
                                "config",
                                "output_path",
                                "timestamp",
                                "generation_time_seconds",
                                "generation_time_minutes",
                                "sample_rate",
                                "audio_shape",
                                "channels",
                                "num_samples",
                                "target_duration_seconds",
                                "actual_duration_seconds",
                                "max_amplitude",
                                "rms",
                                "peak_db",
                                "rms_db",
                                "phase_info",
                                "cfg_scale",
                                "diffusion_steps",
                                "device",
                                "success",
                                "seed",
                                "sampler",
                                "engine",
                                "negative_prompt",
                                "model",
                                "loras",
                                "loudness",
                                "app_version"})
            QVERIFY2(m.contains(key), key);
        for (const char* key : {"status", "correlation", "message"})
            QVERIFY2(m["phase_info"].contains(key), key);
        QCOMPARE(m["audio_shape"], nlohmann::json({2, 44100}));
        QCOMPARE(m["num_samples"].get<int>(), 44100);
        QCOMPARE(m["sample_rate"].get<int>(), 44100);
        QCOMPARE(m["engine"].get<std::string>(), std::string("sine"));
        QCOMPARE(m["sampler"].get<std::string>(), std::string("none"));
        QVERIFY(std::abs(m["max_amplitude"].get<double>() - 0.5) < 1e-3);
        QVERIFY(std::abs(m["peak_db"].get<double>() - (-6.0206)) < 1e-2);
        QCOMPARE(m["phase_info"]["status"].get<std::string>(), std::string("mono"));
        QCOMPARE(m["output_path"].get<std::string>(), takes[0].audioPath);
        QVERIFY(m["success"].get<bool>());
        QVERIFY(m["loudness"]["integrated_lufs"].is_number());
        QCOMPARE(m["engine_details"]["frequency"].get<double>(), 107.0);

        // The file is tagged with the same facts.
        const auto bext = readBroadcastInfo(takes[0].audioPath);
        QCOMPARE(QString::fromStdString(bext->description), QString("heavy boots on wet marble"));
        QVERIFY(readChunk(takes[0].audioPath, "iXML")->find("<seed>7</seed>") != std::string::npos);
        QVERIFY(QString::fromStdString(takes[0].audioPath).contains("_heavy_boots_on_wet_marble"));
    }
    void cancelKeepsTakesAlreadySaved() {
        QTemporaryDir dir;
        CancelToken token;
        SineEngine engine;
        engine.token = &token;
        engine.cancelAfter = 2;
        GenerationRequest r;
        r.prompt = "gravel";
        r.durationSeconds = 0.5;
        r.seed = 1;
        r.batchSize = 5;
        OutputOptions o;
        o.folder = dir.path().toStdString();
        std::vector<std::string> saved;
        QVERIFY_THROWS_EXCEPTION(
            Cancelled, generateTakes(engine, r, o, {}, &token,
                                     [&](const Take& t) { saved.push_back(t.audioPath); }));
        QCOMPARE(saved.size(), std::size_t(2));
        for (const auto& p : saved)
            QVERIFY(std::filesystem::exists(p));
    }
    void badRequestsFailBeforeTheEngineRuns() {
        QTemporaryDir dir;
        SineEngine engine;
        GenerationRequest r;
        r.prompt = "x";
        r.steps = 0;
        OutputOptions o;
        o.folder = dir.path().toStdString();
        QVERIFY_THROWS_EXCEPTION(GenerationError, generateTakes(engine, r, o, {}, nullptr));
        QCOMPARE(engine.calls, 0);
        r.steps = 10;
        o.folder = "/proc/footfall-cannot-write-here";
        QVERIFY_THROWS_EXCEPTION(GenerationError, generateTakes(engine, r, o, {}, nullptr));
        QCOMPARE(engine.calls, 0);
    }
    void ucsNamingAndFormats() {
        QTemporaryDir dir;
        SineEngine engine;
        GenerationRequest r;
        r.prompt = "sneakers on gravel";
        r.durationSeconds = 0.5;
        r.seed = 3;
        OutputOptions o;
        o.folder = dir.path().toStdString();
        o.ucsTemplate = "FEETHmn_<FXName>_<Creator>_<Source>";
        o.creator = "AB";
        o.source = "Proj";
        o.format = AudioFormat::Flac;
        const auto takes = generateTakes(engine, r, o, {}, nullptr);
        QCOMPARE(QString::fromStdString(std::filesystem::path(takes[0].audioPath).filename()),
                 QString("FEETHmn_SneakersOnGravel_AB_Proj.flac"));
        QCOMPARE(readAudioFile(takes[0].audioPath).frames(), std::size_t(22050));
    }
};

QTEST_APPLESS_MAIN(TestTakePipeline)
#include "tst_take_pipeline.moc"
