// The draft preset (generation/draft.h): a draft keeps the seed and every setting but the
// steps and sampler, records what it stands for, and finalOf brings the full settings back;
// drafts and final renders round-trip through a take's metadata and recall.
#include "engines/procedural/procedural_engine.h"
#include "generation/draft.h"
#include "generation/recall.h"
#include "generation/take_generation.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>

using namespace footfall;

namespace {

// An engine that is only asked for its samplers (nothing is generated).
class SamplerEngine : public Engine {
public:
    explicit SamplerEngine(std::vector<std::string> samplers) : m_samplers(std::move(samplers)) {}
    std::string name() const override { return "sao"; }
    std::vector<std::string> samplers() const override { return m_samplers; }
    std::string deviceDescription() const override { return "none"; }
    GeneratedAudio generate(const ResolvedTake&, const ProgressCallback&,
                            const CancelToken*) override {
        throw GenerationError("not a generating engine");
    }

private:
    std::vector<std::string> m_samplers;
};

// Stable Audio Open 1.0 (v-objective) and small (rectified flow), as their samplers read.
SamplerEngine vObjective() {
    return SamplerEngine({"dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m", "k-euler", "v-ddim"});
}
SamplerEngine rectifiedFlow() {
    return SamplerEngine({"pingpong", "euler"});
}

GenerationRequest fullRequest() {
    GenerationRequest r;
    r.prompt = "heavy boots on wet marble";
    r.negativePrompt = "music";
    r.durationSeconds = 3.5;
    r.steps = 100;
    r.cfgScale = 6.5;
    r.seed = 987654;
    r.sampler = "dpmpp-2m-sde";
    r.batchSize = 2;
    r.loras.push_back({"/l/gravel.safetensors", 0.75, "/l/gravel.json", false, true});
    r.initAudioPath = "/takes/init.wav";
    r.initNoiseLevel = 0.4;
    r.engine.engine = "sao";
    r.engine.modelDir = "/models/sao";
    r.engine.precision = "fp32";
    return r;
}

// Every setting except steps, sampler and the draft records.
void compareAllButDiffusion(const GenerationRequest& a, const GenerationRequest& b) {
    QCOMPARE(a.prompt, b.prompt);
    QCOMPARE(a.negativePrompt, b.negativePrompt);
    QCOMPARE(a.durationSeconds, b.durationSeconds);
    QCOMPARE(a.cfgScale, b.cfgScale);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.batchSize, b.batchSize);
    QVERIFY(a.loras == b.loras);
    QCOMPARE(a.initAudioPath, b.initAudioPath);
    QCOMPARE(a.initNoiseLevel, b.initNoiseLevel);
    QVERIFY(a.engine == b.engine);
}

GenerationRequest proceduralRequest(std::int64_t seed) {
    GenerationRequest r;
    r.prompt = "boots on gravel";
    r.durationSeconds = 1.0;
    r.seed = seed;
    r.engine.engine = "procedural";
    return r;
}

} // namespace

class TestDraft : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void draftKeepsEverythingButStepsAndSampler() {
        const GenerationRequest full = fullRequest();
        const SamplerEngine engine = vObjective();
        const GenerationRequest draft = draftOf(full, engine);
        compareAllButDiffusion(draft, full);
        QCOMPARE(draft.steps, DraftPreset::steps);
        QVERIFY(draft.steps < full.steps);
        QCOMPARE(draft.sampler, std::string(DraftPreset::sampler));
        QVERIFY(draft.draft.has_value());
        QCOMPARE(draft.draft->steps, 100);
        QCOMPARE(draft.draft->sampler, std::string("dpmpp-2m-sde"));
        QVERIFY(!draft.renderedFrom);
    }

    void finalOfADraftIsTheFullRequest() {
        const GenerationRequest full = fullRequest();
        const SamplerEngine engine = vObjective();
        const GenerationRequest final = finalOf(draftOf(full, engine));
        compareAllButDiffusion(final, full);
        QCOMPARE(final.steps, full.steps);
        QCOMPARE(final.sampler, full.sampler);
        QVERIFY(!final.draft);
        // The engine's default sampler is named in the record, and comes back named.
        GenerationRequest byDefault = full;
        byDefault.sampler.clear();
        const GenerationRequest draft = draftOf(byDefault, engine);
        QCOMPARE(draft.draft->sampler, std::string("dpmpp-3m-sde"));
        QCOMPARE(finalOf(draft).sampler, std::string("dpmpp-3m-sde"));
        QCOMPARE(finalOf(draft).steps, 100);
        // A request that is no draft stays as it is.
        const GenerationRequest same = finalOf(full);
        QCOMPARE(same.steps, full.steps);
        QCOMPARE(same.sampler, full.sampler);
        QVERIFY(!same.draft);
    }

    // Render final of a draft whose full sampler is stochastic keeps the draft's deterministic
    // sampler at the full steps (the auditioned variation, rendered clean), and says so; a
    // deterministic full sampler is used as asked; so is a stochastic one when the draft's was
    // stochastic too. The record survives the metadata round trip.
    void finalKeepsTheDraftSamplerWhenTheFullOneIsStochastic_data() {
        QTest::addColumn<bool>("rectified");
        QTest::addColumn<QString>("fullSampler");
        QTest::addColumn<QString>("finalSampler");
        QTest::addColumn<QString>("kept");
        QTest::newRow("default dpmpp-3m-sde") << false << ""
                                              << "dpmpp-2m"
                                              << "dpmpp-2m";
        QTest::newRow("dpmpp-2m-sde") << false << "dpmpp-2m-sde"
                                      << "dpmpp-2m"
                                      << "dpmpp-2m";
        QTest::newRow("k-euler") << false << "k-euler"
                                 << "k-euler"
                                 << "";
        QTest::newRow("rectified, euler") << true << "euler"
                                          << "euler"
                                          << "";
        QTest::newRow("rectified, pingpong") << true << "pingpong"
                                             << "pingpong"
                                             << "";
    }
    void finalKeepsTheDraftSamplerWhenTheFullOneIsStochastic() {
        QFETCH(bool, rectified);
        QFETCH(QString, fullSampler);
        QFETCH(QString, finalSampler);
        QFETCH(QString, kept);
        QVERIFY(isStochasticSampler("dpmpp-3m-sde") && isStochasticSampler("pingpong") &&
                isStochasticSampler("k-dpm-2-ancestral") && !isStochasticSampler("dpmpp-2m") &&
                !isStochasticSampler("euler") && !isStochasticSampler("v-ddim"));
        GenerationRequest full = fullRequest();
        full.sampler = fullSampler.toStdString();
        const SamplerEngine engine = rectified ? rectifiedFlow() : vObjective();
        const GenerationRequest draft = draftOf(full, engine);
        const nlohmann::json metadata = {{"prompt", draft.prompt},
                                         {"seed", draft.seed},
                                         {"output_path", "/takes/draft.wav"},
                                         {"request", requestToJson(draft)}};
        const GenerationRequest final = finalOfTake(metadata);
        QCOMPARE(final.steps, full.steps);
        QCOMPARE(QString::fromStdString(final.sampler), finalSampler);
        QVERIFY(final.renderedFrom.has_value());
        QCOMPARE(QString::fromStdString(final.renderedFrom->keptSampler), kept);
        const nlohmann::json j = requestToJson(final);
        QCOMPARE(j["rendered_from_draft"].contains("kept_draft_sampler"), !kept.isEmpty());
        QVERIFY(requestFromJson(j).renderedFrom == final.renderedFrom);
    }

    void rectifiedFlowDraftsWithItsDefaultSampler() {
        GenerationRequest full = fullRequest();
        full.sampler = "euler";
        const SamplerEngine engine = rectifiedFlow();
        const GenerationRequest draft = draftOf(full, engine);
        QCOMPARE(draft.sampler, std::string("pingpong"));
        QCOMPARE(draft.steps, DraftPreset::steps);
        QCOMPARE(finalOf(draft).sampler, std::string("euler"));
        // Its drafts name a sampler the engine has (resolveRequest refuses others).
        const auto samplers = engine.samplers();
        QVERIFY(std::find(samplers.begin(), samplers.end(), draft.sampler) != samplers.end());
    }

    void aDraftNeverTakesMoreStepsThanTheFullRequest() {
        GenerationRequest full = fullRequest();
        full.steps = 8;
        const SamplerEngine engine = vObjective();
        const GenerationRequest draft = draftOf(full, engine);
        QCOMPARE(draft.steps, 8);
        QCOMPARE(finalOf(draft).steps, 8);
    }

    void aDraftOfADraftStandsForTheSameFullRequest() {
        const SamplerEngine engine = vObjective();
        const GenerationRequest twice = draftOf(draftOf(fullRequest(), engine), engine);
        QCOMPARE(twice.draft->steps, 100);
        QCOMPARE(twice.draft->sampler, std::string("dpmpp-2m-sde"));
        QCOMPARE(twice.steps, DraftPreset::steps);
    }

    void proceduralDraftsOnlyRecordThemselves() {
        const auto engine = makeProceduralEngine();
        GenerationRequest full = proceduralRequest(42);
        full.steps = 100;
        const GenerationRequest draft = draftOf(full, *engine);
        QCOMPARE(draft.steps, full.steps);
        QCOMPARE(draft.sampler, full.sampler);
        compareAllButDiffusion(draft, full);
        QVERIFY(draft.draft.has_value());
        QCOMPARE(draft.draft->steps, 100);
        const GenerationRequest final = finalOf(draft);
        QCOMPARE(final.steps, full.steps);
        QCOMPARE(final.sampler, full.sampler);
        QVERIFY(!final.draft);
    }

    void recordsRoundTripThroughJson() {
        GenerationRequest r = draftOf(fullRequest(), vObjective());
        r.renderedFrom = DraftSource{"take_01.wav", "/lib/take_01.wav", 5, "dpmpp-2m"};
        const nlohmann::json j = requestToJson(r);
        QCOMPARE(j["draft"]["of_steps"].get<int>(), 100);
        QCOMPARE(j["draft"]["of_sampler"].get<std::string>(), std::string("dpmpp-2m-sde"));
        const GenerationRequest back = requestFromJson(nlohmann::json::parse(j.dump()));
        QVERIFY(back.draft == r.draft);
        QVERIFY(back.renderedFrom == r.renderedFrom);
        QCOMPARE(back.steps, r.steps);
        QCOMPARE(back.sampler, r.sampler);
        // A request that is neither carries neither key, and reads back as neither.
        const nlohmann::json plain = requestToJson(fullRequest());
        QVERIFY(!plain.contains("draft"));
        QVERIFY(!plain.contains("rendered_from_draft"));
        QVERIFY(!requestFromJson(plain).draft);
        QVERIFY(!requestFromJson(plain).renderedFrom);
        // Wrong types name the key.
        nlohmann::json bad = j;
        bad["draft"]["of_steps"] = "many";
        try {
            requestFromJson(bad);
            QFAIL("a string for of_steps was accepted");
        } catch (const GenerationError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("of_steps"), e.what());
        }
        bad = j;
        bad["rendered_from_draft"] = 3;
        QVERIFY_THROWS_EXCEPTION(GenerationError, requestFromJson(bad));
    }

    void draftAndFinalTakesLinkThroughTheirMetadata() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto engine = makeProceduralEngine();
        OutputOptions out;
        out.folder = dir.path().toStdString();
        GenerationRequest full = proceduralRequest(-1); // random: the take's seed is recorded
        full.batchSize = 2;
        const std::vector<Take> drafts =
            generateTakes(*engine, draftOf(full, *engine), out, {}, nullptr);
        QCOMPARE(drafts.size(), std::size_t(2));
        const Take& draft = drafts[1];
        QVERIFY(isDraftTake(draft.metadata));
        QCOMPARE(draft.metadata["draft"], draft.metadata["request"]["draft"]);

        // The sidecar recalls as the draft it was.
        const RecalledTake recalled = recallTakeFile(draft.sidecarPath);
        QVERIFY(recalled.request.draft.has_value());
        QCOMPARE(recalled.request.draft->steps, full.steps);
        QCOMPARE(recalled.request.seed, draft.metadata["seed"].get<std::int64_t>());

        // Its final: the same seed and settings, linked to the draft take.
        const GenerationRequest finalRequest = finalOfTake(draft.metadata);
        QVERIFY(!finalRequest.draft);
        QCOMPARE(finalRequest.seed, draft.metadata["seed"].get<std::int64_t>());
        QCOMPARE(finalRequest.batchSize, 1);
        QVERIFY(finalRequest.renderedFrom.has_value());
        QCOMPARE(finalRequest.renderedFrom->path, draft.audioPath);
        QCOMPARE(finalRequest.renderedFrom->take,
                 std::filesystem::path(draft.audioPath).filename().string());
        QCOMPARE(finalRequest.renderedFrom->seed, finalRequest.seed);

        const std::vector<Take> finals = generateTakes(*engine, finalRequest, out, {}, nullptr);
        QCOMPARE(finals.size(), std::size_t(1));
        const Take& final = finals.front();
        QVERIFY(!isDraftTake(final.metadata));
        QCOMPARE(final.metadata["seed"], draft.metadata["seed"]);
        QCOMPARE(final.metadata["rendered_from_draft"]["take"].get<std::string>(),
                 finalRequest.renderedFrom->take);
        const GenerationRequest back = recallTakeFile(final.sidecarPath).request;
        QVERIFY(back.renderedFrom == finalRequest.renderedFrom);
        QVERIFY(!back.draft);
        // Procedural drafts are full quality already: the final is the same sound.
        QVERIFY(final.audio.interleaved() == draft.audio.interleaved());

        // A take that is no draft has no final render.
        QVERIFY_THROWS_EXCEPTION(GenerationError, finalOfTake(final.metadata));
        QVERIFY(!isDraftTake(nlohmann::json::object()));
    }
};

QTEST_APPLESS_MAIN(TestDraft)
#include "tst_draft.moc"
