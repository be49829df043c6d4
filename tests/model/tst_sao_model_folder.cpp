// A stable-audio-open folder as downloaded, built from the tiny parity model (model_config.json,
// model.safetensors, text_encoder/{config.json, model.safetensors}, tokenizer/spiece.model
// trained here), driven through the Engine interface; and the errors for broken folders.
#include "engine_run.h"
#include "engines/sao/sao_engine.h"
#include "generation/engine.h"
#include "io/audio_file.h"
#include "parity.h"
#include "tiny_sao_model.h"
#include "torch_save_writer.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace footfall;
using namespace footfall::test;

namespace {

void writeJson(const QString& path, const nlohmann::json& json) {
    std::ofstream(path.toStdString()) << json.dump(1);
}

bool copy(const QString& from, const QString& to) {
    return copyReplacing(from, to);
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const GenerationError& e) {
        qInfo("%s", e.what()); // the sentence a user would see
        return QString::fromUtf8(e.what());
    }
    return QString();
}

} // namespace

class TestSaoModelFolder : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_parity;
    QString m_model; // the complete folder
    QString m_spiece;

    // A fresh copy of the complete folder to break.
    QString cloneFolder(const QString& name) {
        const QString dir = m_tmp.filePath(name);
        for (const QString rel :
             {"model_config.json", "model.safetensors", "text_encoder/config.json",
              "text_encoder/model.safetensors", "tokenizer/spiece.model"})
            copy(m_model + "/" + rel, dir + "/" + rel);
        return dir;
    }

    GenerationRequest request() const {
        GenerationRequest r;
        r.prompt = "footsteps on gravel";
        r.durationSeconds = 0.1;
        r.steps = 4;
        r.cfgScale = 7.0;
        r.seed = 1234;
        r.engine.device = "cpu";
        return r;
    }

    EngineOptions options(const QString& dir) const {
        EngineOptions o;
        o.modelDir = dir.toStdString();
        o.device = "cpu";
        o.precision = "fp32"; // exact comparisons: not the hardware-dependent auto
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_parity = parityDir();
        QVERIFY(m_tmp.isValid());
        const TinySaoModel tiny = buildTinySaoModel(m_parity, m_tmp.path());
        if (!tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
        QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
        m_model = tiny.folder;
        m_spiece = tiny.spiece;
    }

    void generatesThroughTheEngine() {
        auto engine = makeSaoEngine(options(m_model));
        QCOMPARE(engine->name(), std::string("sao"));
        QCOMPARE(engine->defaultSampler(), std::string("dpmpp-3m-sde"));
        QVERIFY(QString::fromStdString(engine->deviceDescription()).startsWith("cpu"));

        std::vector<Progress> seen;
        GenerationRequest r = request();
        r.batchSize = 2;
        const auto takes = test::runEngine(
            *engine, r, [&](const Progress& p) { seen.push_back(p); }, nullptr);
        QCOMPARE(takes.size(), size_t(2));
        for (size_t i = 0; i < takes.size(); ++i) {
            const auto& g = takes[i];
            QCOMPARE(g.seed, int64_t(1234 + i));
            QCOMPARE(g.audio.channels(), 2);
            QCOMPARE(g.audio.sampleRate(), 44100);
            QCOMPARE(g.audio.frames(), size_t(4410)); // trimmed to 0.1 s
            float peak = 0;
            for (int c = 0; c < 2; ++c)
                for (float v : g.audio.channelVector(c)) {
                    QVERIFY(std::isfinite(v));
                    peak = std::max(peak, std::abs(v));
                }
            QVERIFY(peak > 0.0f);
            const auto& d = g.engineDetails;
            QCOMPARE(d.at("sampler").get<std::string>(), std::string("dpmpp-3m-sde"));
            QCOMPARE(d.at("steps").get<int>(), 4);
            QCOMPARE(d.at("cfg_scale").get<double>(), 7.0);
            QCOMPARE(d.at("latent_length").get<int>(),
                     552); // ceil(4410 / 8), not the window's 2756
            QCOMPARE(d.at("window").get<std::string>(), std::string("duration"));
            QCOMPARE(d.at("dtype").get<std::string>(), std::string("float32"));
            QVERIFY(d.at("device").get<std::string>().rfind("cpu", 0) == 0);
            // The model's identity is the engine's (written once, as the take's "model").
            QVERIFY(!d.contains("model"));
            const nlohmann::json model = engine->modelInfo();
            QCOMPARE(model.at("weights").at("file").get<std::string>(),
                     std::string("model.safetensors"));
            QVERIFY(model.at("weights").at("bytes").get<int64_t>() > 0);
            QCOMPARE(model.at("tokenizer").at("file").get<std::string>(),
                     std::string("spiece.model"));
        }
        // Different seeds, different takes.
        QVERIFY(takes[0].audio.channelVector(0) != takes[1].audio.channelVector(0));

        // Progress: Loading, Encoding, every sampler step, Decoding, per take.
        int samplingSteps = 0;
        bool encoding = false, decoding = false, loading = false;
        for (const auto& p : seen) {
            loading = loading || p.phase == Phase::Loading;
            encoding = encoding || p.phase == Phase::Encoding;
            decoding = decoding || p.phase == Phase::Decoding;
            if (p.phase == Phase::Sampling && p.step > 0) {
                ++samplingSteps;
                QCOMPARE(p.total, 4);
                QCOMPARE(p.takes, 2);
            }
        }
        QVERIFY(loading && encoding && decoding);
        QCOMPARE(samplingSteps, 8);

        // The same seed reproduces the take exactly.
        GenerationRequest again = request();
        const auto repeat = test::runEngine(*engine, again, {}, nullptr);
        QCOMPARE(repeat.front().audio.channelVector(0), takes[0].audio.channelVector(0));
        QCOMPARE(repeat.front().audio.channelVector(1), takes[0].audio.channelVector(1));
    }

    void optionsAndVariants() {
        EngineOptions o = options(m_model);
        o.fullWindow = true;
        o.lowMemory = true;
        auto engine = makeSaoEngine(o);
        GenerationRequest r = request();
        r.negativePrompt = "wind";
        r.sampler = "dpmpp-2m";
        auto takes = test::runEngine(*engine, r, {}, nullptr);
        QCOMPARE(takes.front().audio.frames(), size_t(4410));
        QCOMPARE(takes.front().engineDetails.at("latent_length").get<int>(), 2756);
        QCOMPARE(takes.front().engineDetails.at("window").get<std::string>(), std::string("full"));
        QCOMPARE(takes.front().engineDetails.at("negative_prompt").get<std::string>(),
                 std::string("wind"));
        // Low memory frees the T5 after encoding; the next take loads it again.
        takes = test::runEngine(*engine, r, {}, nullptr);
        QCOMPARE(takes.size(), size_t(1));

        // Variation of an existing take (resampled from 22.05 kHz, mono).
        const QString init = m_tmp.filePath("init.wav");
        AudioBuffer audio(1, 2205, 22050);
        for (size_t i = 0; i < audio.frames(); ++i)
            audio.channel(0)[i] = 0.3f * std::sin(0.05f * static_cast<float>(i));
        writeAudioFile(init.toStdString(), audio, WriteOptions{});
        GenerationRequest v = request();
        v.initAudioPath = init.toStdString();
        v.initNoiseLevel = 2.0;
        takes = test::runEngine(*engine, v, {}, nullptr);
        QCOMPARE(takes.front().engineDetails.at("init_noise_level").get<double>(), 2.0);
        QCOMPARE(takes.front().engineDetails.at("sigma_max").get<double>(), 2.0);
        QCOMPARE(takes.front().audio.frames(), size_t(4410));
    }

    // Init audio is a real input, not an echoed setting: it changes the take, other audio gives
    // another take with the same seed, and the same audio the same take again.
    void initAudioShapesTheTake() {
        auto engine = makeSaoEngine(options(m_model));
        const auto writeInit = [&](const QString& name, float frequency) {
            const QString path = m_tmp.filePath(name);
            AudioBuffer audio(2, 4410, 44100);
            for (int c = 0; c < 2; ++c)
                for (size_t i = 0; i < audio.frames(); ++i)
                    audio.channel(c)[i] = 0.5f * std::sin(frequency * static_cast<float>(i) + c) *
                                          std::exp(-static_cast<float>(i) / 1500.0f);
            writeAudioFile(path.toStdString(), audio, WriteOptions{});
            return path.toStdString();
        };
        const auto relativeDifference = [](const AudioBuffer& a, const AudioBuffer& b) {
            double diff = 0, norm = 0;
            for (int c = 0; c < a.channels(); ++c)
                for (size_t i = 0; i < a.frames(); ++i) {
                    diff += std::pow(double(a.channel(c)[i]) - b.channel(c)[i], 2);
                    norm += std::pow(double(b.channel(c)[i]), 2);
                }
            return std::sqrt(diff / std::max(norm, 1e-30));
        };
        const GeneratedAudio plain = test::runOne(*engine, request());
        GenerationRequest v = request();
        v.initAudioPath = writeInit("init-a.wav", 0.07f);
        v.initNoiseLevel = 1.0;
        const GeneratedAudio a = test::runOne(*engine, v);
        QVERIFY(relativeDifference(a.audio, plain.audio) > 1e-3);
        const GeneratedAudio again = test::runOne(*engine, v);
        QCOMPARE(again.audio.channelVector(0), a.audio.channelVector(0));
        v.initAudioPath = writeInit("init-b.wav", 0.31f);
        const GeneratedAudio b = test::runOne(*engine, v);
        QVERIFY(relativeDifference(b.audio, a.audio) > 1e-3);
    }

    void separateT5Folder() {
        const QString t5 = m_tmp.filePath("t5-base");
        QVERIFY(copy(m_parity + "/t5_config.json", t5 + "/config.json"));
        QVERIFY(copy(m_parity + "/t5_encoder.safetensors", t5 + "/model.safetensors"));
        QVERIFY(copy(m_spiece, t5 + "/spiece.model"));
        const QString dir = m_tmp.filePath("without-t5");
        copy(m_model + "/model_config.json", dir + "/model_config.json");
        copy(m_model + "/model.safetensors", dir + "/model.safetensors");
        EngineOptions o = options(dir);
        QVERIFY(errorOf([&] { makeSaoEngine(o); }).contains("text_encoder"));
        o.t5Dir = t5.toStdString();
        auto engine = makeSaoEngine(o);
        QCOMPARE(test::runEngine(*engine, request(), {}, nullptr).size(), size_t(1));
    }

    void cancelBetweenSteps() {
        auto engine = makeSaoEngine(options(m_model));
        CancelToken token;
        int steps = 0;
        bool cancelled = false;
        try {
            test::runEngine(
                *engine, request(),
                [&](const Progress& p) {
                    if (p.phase == Phase::Sampling && p.step > 0 && ++steps == 2)
                        token.cancel();
                },
                &token);
        } catch (const Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(steps, 2);
    }

    void requestErrors() {
        auto engine = makeSaoEngine(options(m_model));
        GenerationRequest r = request();
        r.durationSeconds = 2.0;
        QVERIFY(errorOf([&] { test::runEngine(*engine, r, {}, nullptr); }).contains("window"));
        r = request();
        r.sampler = "pingpong";
        QVERIFY(
            errorOf([&] { test::runEngine(*engine, r, {}, nullptr); }).contains("dpmpp-3m-sde"));
        r = request();
        r.engine.device = "quantum";
        QVERIFY(!errorOf([&] { test::runEngine(*engine, r, {}, nullptr); }).isEmpty());
    }

    void missingFilesNameTheFile_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("config") << "model_config.json";
        QTest::newRow("weights") << "model.safetensors";
        QTest::newRow("t5 config") << "text_encoder/config.json";
        QTest::newRow("t5 weights") << "text_encoder/model.safetensors";
        QTest::newRow("tokenizer") << "tokenizer/spiece.model";
    }

    void missingFilesNameTheFile() {
        QFETCH(QString, file);
        const QString dir = cloneFolder("missing-" + QString(file).replace('/', '-'));
        QVERIFY(QFile::remove(dir + "/" + file));
        const QString error = errorOf([&] { makeSaoEngine(options(dir)); });
        const QString name =
            QFileInfo(file).fileName() == "model.safetensors" && !file.contains('/')
                ? "model.safetensors"
                : QFileInfo(file).fileName();
        QVERIFY2(error.contains(name), qPrintable(error));
    }

    void truncatedWeights() {
        const QString dir = cloneFolder("truncated");
        QFile f(dir + "/model.safetensors");
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() / 2));
        f.close();
        const QString error = errorOf([&] { makeSaoEngine(options(dir)); });
        QVERIFY2(error.contains("model.safetensors"), qPrintable(error));
    }

    void configDoesNotMatchWeights() {
        const QString dir = cloneFolder("mismatch");
        nlohmann::json config = readJsonFile((dir + "/model_config.json").toStdString());
        config["model"]["diffusion"]["config"]["depth"] = 3;
        writeJson(dir + "/model_config.json", config);
        QString error = errorOf([&] { makeSaoEngine(options(dir)); });
        QVERIFY2(error.contains("model_config.json") && error.contains("model.model."),
                 qPrintable(error));

        const QString t5 = cloneFolder("t5-mismatch");
        nlohmann::json t5Config = readJsonFile((t5 + "/text_encoder/config.json").toStdString());
        t5Config["d_ff"] = 256;
        writeJson(t5 + "/text_encoder/config.json", t5Config);
        error = errorOf([&] { makeSaoEngine(options(t5)); });
        QVERIFY2(error.contains("DenseReluDense.wi.weight") && error.contains("config.json"),
                 qPrintable(error));

        // A conditioner the config lacks shows up as an unexpected key.
        const QString extra = cloneFolder("extra-conditioner");
        nlohmann::json noStart = readJsonFile((extra + "/model_config.json").toStdString());
        auto& configs = noStart["model"]["conditioning"]["configs"];
        for (auto it = configs.begin(); it != configs.end(); ++it)
            if ((*it)["id"] == "seconds_start") {
                configs.erase(it);
                break;
            }
        noStart["model"]["diffusion"]["cross_attention_cond_ids"] = {"prompt", "seconds_total"};
        noStart["model"]["diffusion"]["global_cond_ids"] = {"seconds_total"};
        noStart["model"]["diffusion"]["config"]["global_cond_dim"] = 64;
        writeJson(extra + "/model_config.json", noStart);
        error = errorOf([&] { makeSaoEngine(options(extra)); });
        QVERIFY2(!error.isEmpty() && error.contains("model_config.json"), qPrintable(error));
    }

    void modelCkptInsteadOfSafetensors() {
        // Convert the tiny model to a torch.save checkpoint with Debian's python3-torch.
        const QString dir = cloneFolder("ckpt");
        QFile::remove(dir + "/model.safetensors");
        const QString script = R"(
import json, struct, sys, torch
data = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', data[:8])[0]
header = json.loads(data[8:8 + n])
sd = {}
for k, v in header.items():
    if k == '__metadata__': continue
    b, e = v['data_offsets']
    sd[k] = torch.frombuffer(bytearray(data[8 + n + b:8 + n + e]), dtype=torch.float32).reshape(v['shape'])
torch.save({'state_dict': sd}, sys.argv[2])
)";
        FOOTFALL_RUN_TORCH_PYTHON(script, m_model + "/model.safetensors", dir + "/model.ckpt");
        auto engine = makeSaoEngine(options(dir));
        const auto takes = test::runEngine(*engine, request(), {}, nullptr);
        QCOMPARE(engine->modelInfo().at("weights").at("file").get<std::string>(),
                 std::string("model.ckpt"));
        // Same weights, same take as the safetensors folder.
        const auto referenceEngine = makeSaoEngine(options(m_model));
        const auto reference = test::runEngine(*referenceEngine, request(), {}, nullptr);
        QCOMPARE(takes.front().audio.channelVector(0), reference.front().audio.channelVector(0));
    }
};

QTEST_APPLESS_MAIN(TestSaoModelFolder)
#include "tst_sao_model_folder.moc"
