// A take's metadata back into its request: the "request" record round-trips, older takes are
// read from their fields, and a recalled take generates the same audio again.
#include "engines/engine_factory.h"
#include "generation/recall.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace footfall;

namespace {

GenerationRequest everyFieldSet() {
    GenerationRequest r;
    r.prompt = "Schritte auf Kies, \xC3\xA4ngstlich";
    r.negativePrompt = "wind";
    r.durationSeconds = 3.25;
    r.steps = 37;
    r.cfgScale = 4.5;
    r.seed = 4294967295LL;
    r.sampler = "dpmpp-2m";
    r.batchSize = 3;
    r.loras.push_back({"/l/a.safetensors", 0.25, "/l/a.json", true, false});
    r.loras.push_back({"/l/b.ckpt", 1.75, "", false, true});
    r.initAudioPath = "/takes/x.wav";
    r.initNoiseLevel = 0.5;
    EngineOptions& e = r.engine;
    e.engine = "sao";
    e.modelDir = "/models/sao";
    e.checkpoint = "/models/w.ckpt";
    e.config = "/models/c.json";
    e.t5Dir = "/models/t5";
    e.device = "cuda";
    e.precision = "bf16";
    e.lowMemory = true;
    e.fullWindow = true;
    return r;
}

bool sameRequest(const GenerationRequest& a, const GenerationRequest& b) {
    return a.prompt == b.prompt && a.negativePrompt == b.negativePrompt &&
           a.durationSeconds == b.durationSeconds && a.steps == b.steps &&
           a.cfgScale == b.cfgScale && a.seed == b.seed && a.sampler == b.sampler &&
           a.batchSize == b.batchSize && a.loras == b.loras && a.initAudioPath == b.initAudioPath &&
           a.initNoiseLevel == b.initNoiseLevel && a.engine == b.engine;
}

} // namespace

class TestRecall : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestRoundTripsThroughJson() {
        const GenerationRequest r = everyFieldSet();
        QVERIFY(sameRequest(requestFromJson(requestToJson(r)), r));
        // Through text too (what a sidecar holds).
        const auto text = requestToJson(r).dump();
        QVERIFY(sameRequest(requestFromJson(nlohmann::json::parse(text)), r));
        // Each field matters: changing one breaks equality.
        GenerationRequest other = r;
        other.loras[1].doraIgnoreMagnitude = false;
        QVERIFY(!sameRequest(requestFromJson(requestToJson(other)), r));
    }

    void badJsonNamesTheKey() {
        nlohmann::json j = requestToJson(everyFieldSet());
        j["steps"] = "many";
        try {
            requestFromJson(j);
            QFAIL("a string for steps was accepted");
        } catch (const GenerationError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("steps"), e.what());
        }
        j = requestToJson(everyFieldSet());
        j["loras"] = "a.ckpt";
        QVERIFY_THROWS_EXCEPTION(GenerationError, requestFromJson(j));
        QVERIFY_THROWS_EXCEPTION(GenerationError, requestFromJson(nlohmann::json::array()));
    }

    void recallUsesTheTakesSeedAndOneTake() {
        GenerationRequest r = everyFieldSet();
        r.seed = -1; // a random run: the take's own seed is what recall must give
        nlohmann::json m = {{"prompt", r.prompt}, {"seed", 123456}, {"request", requestToJson(r)}};
        const GenerationRequest back = recallRequest(m);
        QCOMPARE(back.seed, std::int64_t(123456));
        QCOMPARE(back.batchSize, 1);
        QCOMPARE(back.loras.size(), std::size_t(2));
        QVERIFY(back.engine == r.engine);
        QVERIFY_THROWS_EXCEPTION(GenerationError, recallRequest(nlohmann::json::object()));
        QVERIFY_THROWS_EXCEPTION(GenerationError, recallRequest({{"prompt", "x"}}));
    }

    void olderTakesAreReadFromTheirFields() {
        // No "request": the fields the engine and take pipeline wrote before it existed.
        const nlohmann::json m = {
            {"prompt", "boots on gravel"},
            {"negative_prompt", "rain"},
            {"seed", 77},
            {"target_duration_seconds", 2.5},
            {"diffusion_steps", 50},
            {"cfg_scale", 6.0},
            {"sampler", "dpmpp-2m-sde"},
            {"engine", "sao"},
            {"checkpoint", nullptr},
            {"config", nullptr},
            {"model", {{"model_config", {{"path", "/models/sao/model_config.json"}}}}},
            {"loras",
             {{{"path", "/l/a.safetensors"},
               {"strength", 0.25},
               {"mode", "loraw-gradio-compatible"},
               {"dora_handling", "magnitude ignored (LoRAW gradio behaviour)"},
               {"config", "/l/a_config.json"}},
              {{"path", "/l/b.ckpt"},
               {"mode", "training_faithful"},
               {"dora_handling", "magnitude ignored (LoRAW gradio behaviour)"},
               {"config", nullptr}},
              {{"path", "/l/c.ckpt"},
               {"mode", "training-faithful"},
               {"dora_handling", "training-faithful"},
               {"config", "/models/sao/model_config.json"}},
              {{"path", "/l/d.ckpt"}, {"config", "embedded in d.ckpt"}},
              {{"strength", 1.0}}}}};
        const GenerationRequest r = recallRequest(m);
        QCOMPARE(r.prompt, std::string("boots on gravel"));
        QCOMPARE(r.negativePrompt, std::string("rain"));
        QCOMPARE(r.seed, std::int64_t(77));
        QCOMPARE(r.durationSeconds, 2.5);
        QCOMPARE(r.steps, 50);
        QCOMPARE(r.cfgScale, 6.0);
        QCOMPARE(r.sampler, std::string("dpmpp-2m-sde"));
        QCOMPARE(r.engine.engine, std::string("sao"));
        QCOMPARE(r.engine.modelDir, std::string("/models/sao"));
        QCOMPARE(r.loras.size(), std::size_t(4)); // the entry without a path is dropped
        const auto& a = r.loras[0];
        QCOMPARE(a.strength, 0.25);
        QVERIFY(a.lorawGradioCompatible);
        QVERIFY(!a.doraIgnoreMagnitude); // implied by Gradio mode, not told apart: off
        QCOMPARE(a.configPath, std::string("/l/a_config.json"));
        const auto& b = r.loras[1];
        QCOMPARE(b.strength, 1.0);
        QVERIFY(!b.lorawGradioCompatible);
        QVERIFY(b.doraIgnoreMagnitude);
        QVERIFY(b.configPath.empty());
        // The model folder's own config and an embedded one are not LoRA settings.
        QVERIFY(r.loras[2].configPath.empty() && !r.loras[2].doraIgnoreMagnitude);
        QVERIFY(r.loras[3].configPath.empty() && !r.loras[3].lorawGradioCompatible);
    }

    void recalledTakeSoundsTheSame() {
        QTemporaryDir dir;
        GenerationRequest r;
        r.prompt = "heavy boots on wet marble";
        r.durationSeconds = 1.5;
        r.seed = -1;
        r.batchSize = 2;
        r.engine.engine = "procedural";
        OutputOptions out;
        out.folder = dir.path().toStdString();
        out.format = AudioFormat::Wav16;
        auto engine = createEngine(r.engine);
        const auto takes = generateTakes(*engine, r, out, {}, nullptr);
        QCOMPARE(takes.size(), std::size_t(2));

        // The second take, from its sidecar file, and from its audio file's name.
        const RecalledTake recalled = recallTakeFile(takes[1].sidecarPath);
        QCOMPARE(recalled.request.seed, takes[1].metadata["seed"].get<std::int64_t>());
        QVERIFY(recalled.format && *recalled.format == AudioFormat::Wav16);
        QCOMPARE(recallTakeFile(takes[1].audioPath).request.seed, recalled.request.seed);

        QTemporaryDir again;
        out.folder = again.path().toStdString();
        auto engine2 = createEngine(recalled.request.engine);
        const auto regenerated = generateTakes(*engine2, recalled.request, out, {}, nullptr);
        QCOMPARE(regenerated.size(), std::size_t(1));
        QVERIFY(regenerated[0].audio.channelVector(0) == takes[1].audio.channelVector(0));
        QVERIFY(regenerated[0].audio.channelVector(1) == takes[1].audio.channelVector(1));
        QVERIFY(regenerated[0].audio.channelVector(0) != takes[0].audio.channelVector(0));
    }

    void unreadableFilesAreClearErrors() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("none.json").toStdString();
        try {
            recallTakeFile(missing);
            QFAIL("a missing file was recalled");
        } catch (const GenerationError& e) {
            QVERIFY(QString::fromUtf8(e.what()).contains("none.json"));
        }
        const std::string garbage = dir.filePath("garbage.json").toStdString();
        std::ofstream(garbage) << "{ not json";
        QVERIFY_THROWS_EXCEPTION(GenerationError, recallTakeFile(garbage));
        const std::string other = dir.filePath("other.json").toStdString();
        std::ofstream(other) << R"({"hello": "world"})";
        QVERIFY_THROWS_EXCEPTION(GenerationError, recallTakeFile(other));
    }
};

QTEST_APPLESS_MAIN(TestRecall)
#include "tst_recall.moc"
