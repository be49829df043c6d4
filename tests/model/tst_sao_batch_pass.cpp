// Batched takes: N takes of one request sampled and decoded in one DiT/VAE pass (CFG included)
// are the takes generated one by one (same seed -> same audio, within the float rounding of
// batched matmuls), for every sampler of the model, with a negative prompt, and with different
// prompts in one pipeline pass. Passes are split as --batch-pass asks, each take records its
// pass, and progress names the takes a pass makes.
#include "engines/sao/sao_engine.h"
#include "generation/engine.h"
#include "generation/take_generation.h"
#include "model/sao/model_files.h"
#include "model/sao/sao_model.h"
#include "parity.h"
#include "tiny_sao_model.h"

#include <ATen/ATen.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace footfall;
using namespace footfall::test;

namespace {

// Relative L2 distance of two takes' samples.
double relativeL2(const AudioBuffer& a, const AudioBuffer& b) {
    if (a.channels() != b.channels() || a.frames() != b.frames())
        return INFINITY;
    double diff = 0, norm = 0;
    for (int c = 0; c < b.channels(); ++c)
        for (std::size_t i = 0; i < b.frames(); ++i) {
            const double d = double(a.channel(c)[i]) - double(b.channel(c)[i]);
            diff += d * d;
            norm += double(b.channel(c)[i]) * double(b.channel(c)[i]);
        }
    return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

// Batched matmuls sum in another order: float32 rounding, amplified a little by the sampler.
constexpr double kSameTake = 1e-4;

} // namespace

class TestSaoBatchPass : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    TinySaoModel m_tiny;
    std::unique_ptr<Engine> m_engine;

    GenerationRequest request(int takes, int batchPass) const {
        GenerationRequest r;
        r.prompt = "boots on gravel";
        r.durationSeconds = 0.1; // 552 latents: the tiny model's attention is long
        r.steps = 4;
        r.seed = 101;
        r.batchSize = takes;
        r.engine.device = "cpu";
        r.engine.precision = "fp32"; // the comparison is about batching, not precision
        r.engine.batchPass = batchPass;
        return r;
    }

    std::vector<Take> run(const GenerationRequest& r, const QString& folder,
                          std::vector<Progress>* events = nullptr) {
        OutputOptions out;
        out.folder = folder.toStdString();
        ProgressCallback progress;
        if (events)
            progress = [events](const Progress& p) { events->push_back(p); };
        return generateTakes(*m_engine, r, out, progress, nullptr);
    }

private Q_SLOTS:
    void initTestCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_tiny = buildTinySaoModel(parityDir(), m_dir.path());
        if (!m_tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tiny.skipReason));
        QVERIFY2(m_tiny.error.isEmpty(), qPrintable(m_tiny.error));
        EngineOptions o;
        o.modelDir = m_tiny.folder.toStdString();
        o.device = "cpu";
        o.precision = "fp32";
        m_engine = makeSaoEngine(o);
    }

    void batchedTakesEqualSingleTakes_data() {
        QTest::addColumn<QString>("sampler");
        QTest::addColumn<QString>("negative");
        for (const std::string& s : m_engine->samplers())
            QTest::newRow(s.c_str()) << QString::fromStdString(s) << QString();
        QTest::newRow("negative prompt")
            << QString::fromStdString(m_engine->defaultSampler()) << QString("metal clank");
    }
    void batchedTakesEqualSingleTakes() {
        QFETCH(QString, sampler);
        QFETCH(QString, negative);
        GenerationRequest alone = request(4, 1);
        alone.sampler = sampler.toStdString();
        alone.negativePrompt = negative.toStdString();
        GenerationRequest together = alone;
        together.engine.batchPass = 4;
        const QString a = m_dir.filePath("alone-" + sampler),
                      b = m_dir.filePath("together-" + sampler);
        std::vector<Progress> events;
        const std::vector<Take> single = run(alone, a);
        const std::vector<Take> batched = run(together, b, &events);
        QCOMPARE(batched.size(), size_t(4));
        QCOMPARE(single.size(), size_t(4));
        for (size_t i = 0; i < 4; ++i) {
            QCOMPARE(batched[i].metadata["seed"], single[i].metadata["seed"]);
            const double d = relativeL2(batched[i].audio, single[i].audio);
            QVERIFY2(d < kSameTake, qPrintable(QString("take %1: %2").arg(i).arg(d)));
            const nlohmann::json& pass = batched[i].metadata["engine_details"]["batch_pass"];
            QCOMPARE(pass.value("takes", 0), 4);
            QCOMPARE(pass.value("index", -1), int(i));
            QVERIFY(!single[i].metadata["engine_details"].contains("batch_pass"));
            // Every take is on disk, whole, before the run returns.
            QVERIFY(QFileInfo(QString::fromStdString(batched[i].audioPath)).size() > 44);
        }
        // Four different takes, not one take four times.
        for (size_t i = 1; i < 4; ++i)
            QVERIFY(relativeL2(batched[i].audio, batched[0].audio) > 0.05);
        // One sampling phase for the four of them.
        int samplingPasses = 0;
        for (const Progress& p : events)
            if (p.phase == Phase::Sampling && p.step == 0) {
                ++samplingPasses;
                QCOMPARE(p.passTakes, 4);
                QCOMPARE(p.take, 0);
                QCOMPARE(p.takes, 4);
            }
        QCOMPARE(samplingPasses, 1);
    }

    void passesFollowTheLimit() {
        std::vector<Progress> events;
        const std::vector<Take> takes = run(request(5, 2), m_dir.filePath("limit"), &events);
        QCOMPARE(takes.size(), size_t(5));
        // 2 + 2 + 1: the last take alone, without a batch_pass record.
        const int expected[][2] = {{2, 0}, {2, 1}, {2, 0}, {2, 1}, {1, 0}};
        for (size_t i = 0; i < 5; ++i) {
            const nlohmann::json& details = takes[i].metadata["engine_details"];
            const int size =
                details.contains("batch_pass") ? details["batch_pass"]["takes"].get<int>() : 1;
            const int index =
                details.contains("batch_pass") ? details["batch_pass"]["index"].get<int>() : 0;
            QCOMPARE(size, expected[i][0]);
            QCOMPARE(index, expected[i][1]);
        }
        std::vector<int> firstTakes;
        for (const Progress& p : events)
            if (p.phase == Phase::Sampling && p.step == 0)
                firstTakes.push_back(p.take);
        QCOMPARE(firstTakes, (std::vector<int>{0, 2, 4}));
        // The automatic limit makes passes of more than one take here (the tiny model fits).
        const std::vector<ResolvedTake> automatic = resolveRequest(request(4, 0), *m_engine);
        QVERIFY(m_engine->batchPassSize(automatic, 0) > 1);
        QVERIFY(m_engine->batchPassSize(automatic, 0) <= 4);
    }

    void badBatchPassIsRefused() {
        OutputOptions out;
        out.folder = m_dir.filePath("bad").toStdString();
        for (int bad : {-1, RequestLimits::maxBatch + 1}) {
            bool refused = false;
            try {
                generateTakes(*m_engine, request(2, bad), out, {}, nullptr);
            } catch (const GenerationError& e) {
                refused = QString(e.what()).contains("batch pass");
            }
            QVERIFY2(refused, qPrintable(QString::number(bad)));
        }
    }

    // The pipeline itself: takes of different prompts and seeds in one pass.
    void differentPromptsInOnePipelinePass() {
        model::DeviceSettings settings;
        settings.device = "cpu";
        settings.precision = "fp32";
        model::SaoPipeline pipeline(model::locateSaoModel(m_tiny.folder.toStdString(), "", "", ""),
                                    settings);
        std::vector<model::SaoTake> takes(3);
        const char* prompts[] = {"boots on gravel", "heels on wet concrete", "snow"};
        for (size_t i = 0; i < takes.size(); ++i) {
            takes[i].prompt = prompts[i];
            takes[i].durationSeconds = 0.1;
            takes[i].sampling.steps = 4;
            takes[i].sampling.sampler = "euler";
            takes[i].seed = 7 + 3 * i;
        }
        if (!pipeline.config().diffusion.isRectifiedFlow())
            for (auto& t : takes)
                t.sampling.sampler = "dpmpp-2m";
        const std::vector<model::SaoOutput> together = pipeline.generateBatch(takes, {}, nullptr);
        QCOMPARE(together.size(), takes.size());
        for (size_t i = 0; i < takes.size(); ++i) {
            const model::SaoOutput alone = pipeline.generate(takes[i], {}, nullptr);
            QCOMPARE(together[i].audio.sizes(), alone.audio.sizes());
            const double d = (together[i].audio - alone.audio).norm().item<double>() /
                             alone.audio.norm().item<double>();
            QVERIFY2(d < kSameTake, qPrintable(QString("take %1: %2").arg(i).arg(d)));
        }
        // Takes that cannot share a pass are refused, not mixed.
        takes[1].durationSeconds = 0.15;
        QVERIFY(!model::SaoPipeline::canShareBatch(takes[0], takes[1]));
        QVERIFY_THROWS_EXCEPTION(GenerationError, pipeline.generateBatch(takes, {}, nullptr));
    }
};

QTEST_GUILESS_MAIN(TestSaoBatchPass)
#include "tst_sao_batch_pass.moc"
