// SaoPipeline::plan for any VAE stride set: how many latents a duration needs and how many frames
// the take keeps. Odd decoder strides decode fewer than latents · ratio samples (3L - 1 per
// stride-3 block), so the plan must ask for enough latents that the decoded audio still covers
// the duration. Checked as properties over several stride sets and durations, on configs built
// here (no weights are loaded: plan() needs the config only).
#include "base/errors.h"
#include "model/sao/model_files.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/sao_model.h"
#include "parity.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace footfall::model;
using footfall::GenerationError;
using nlohmann::json;

namespace {

// The SAO small config with the given strides on both coders, a window of `windowLatents`
// latents, and the prompt conditioner left out (plan() needs no T5).
std::string writeConfig(const QString& dir, const std::vector<int64_t>& strides,
                        int64_t windowLatents, int64_t patch) {
    json c = footfall::test::readJsonFile(std::string(FOOTFALL_SOURCE_DIR) +
                                          "/tests/model/data/sao-small-model_config.json");
    int64_t ratio = 1;
    for (int64_t s : strides)
        ratio *= s;
    json& pre = c["model"]["pretransform"]["config"];
    const json mults = json(std::vector<int64_t>(strides.size(), 1));
    for (const char* coder : {"encoder", "decoder"}) {
        pre[coder]["config"]["strides"] = strides;
        pre[coder]["config"]["c_mults"] = mults;
    }
    pre["downsampling_ratio"] = ratio;
    c["sample_size"] = windowLatents * ratio;
    c["model"]["diffusion"]["config"]["patch_size"] = patch;
    json kept = json::array();
    for (const json& cond : c["model"]["conditioning"]["configs"])
        if (cond["type"] != "t5")
            kept.push_back(cond);
    c["model"]["conditioning"]["configs"] = kept;
    c["model"]["diffusion"]["cross_attention_cond_ids"] = json::array({"seconds_total"});
    const std::string path = QDir(dir).filePath("model_config.json").toStdString();
    std::ofstream(path) << c.dump(2);
    return path;
}

std::unique_ptr<SaoPipeline> pipelineFor(const std::string& config) {
    SaoModelFiles files;
    files.modelConfig = config;
    files.weights = "/nonexistent/model.safetensors"; // never read by plan()
    DeviceSettings settings;
    settings.device = "cpu";
    return std::make_unique<SaoPipeline>(files, settings);
}

OobleckConfig decoderWith(const std::vector<int64_t>& strides) {
    OobleckConfig d;
    d.strides = strides;
    d.useNearestUpsample = false;
    return d;
}

} // namespace

class TestLatentPlan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void decodedLengthOfOddStrides() {
        // The transposed conv (kernel 2s, stride s, padding ceil(s/2)): n -> n·s for even s,
        // n·s - 1 for odd s; blocks apply the strides in reverse order.
        QCOMPARE(oobleckDecodedLength(decoderWith({2, 4, 8}), 5), int64_t(5 * 64));
        QCOMPARE(oobleckDecodedLength(decoderWith({3}), 7), int64_t(20));
        QCOMPARE(oobleckDecodedLength(decoderWith({2, 2, 3}), 4), int64_t(((4 * 3 - 1) * 2) * 2));
        QCOMPARE(oobleckDecodedLength(decoderWith({3, 2}), 4), int64_t((4 * 2) * 3 - 1));
    }

    void planCoversTheDuration_data() {
        QTest::addColumn<std::vector<int64_t>>("strides");
        QTest::addColumn<int>("patch");
        QTest::newRow("sao small [2,4,4,8,8]") << std::vector<int64_t>{2, 4, 4, 8, 8} << 1;
        QTest::newRow("[2,2,3]") << std::vector<int64_t>{2, 2, 3} << 1;
        QTest::newRow("[2,2,3] patch 2") << std::vector<int64_t>{2, 2, 3} << 2;
        QTest::newRow("[3,3,5] patch 3") << std::vector<int64_t>{3, 3, 5} << 3;
        QTest::newRow("[5]") << std::vector<int64_t>{5} << 1;
    }
    void planCoversTheDuration() {
        QFETCH(std::vector<int64_t>, strides);
        QFETCH(int, patch);
        QTemporaryDir tmp;
        const int64_t window = 60;
        const auto pipeline = pipelineFor(writeConfig(tmp.path(), strides, window, patch));
        const OobleckConfig decoder = decoderWith(strides);
        const double rate = static_cast<double>(pipeline->sampleRate());
        int64_t ratio = 1;
        for (int64_t s : strides)
            ratio *= s;
        // Durations up to just under the window's decodable length, including exact multiples
        // of the ratio (where an odd stride's shortfall matters most).
        const int64_t maxFrames = oobleckDecodedLength(decoder, window);
        std::vector<int64_t> frames = {1,         ratio - 1,      ratio,         ratio + 1,
                                       7 * ratio, 13 * ratio + 5, maxFrames - 1, maxFrames};
        for (int64_t wanted : frames) {
            const double seconds = static_cast<double>(wanted) / rate;
            const LatentPlan p = pipeline->plan(seconds, false);
            const QByteArray where = QByteArray::number(qlonglong(wanted)) + " frames";
            QVERIFY2(p.latentLength % patch == 0, where.constData());
            QVERIFY2(p.latentLength <= window, where.constData());
            QCOMPARE(p.sampleSize, p.latentLength * ratio);
            const int64_t decoded = oobleckDecodedLength(decoder, p.latentLength);
            // The take is as long as asked and the decoder makes at least that much.
            QVERIFY2(p.outputFrames == wanted,
                     (where + " -> " + QByteArray::number(qlonglong(p.outputFrames))).constData());
            QVERIFY2(decoded >= p.outputFrames, where.constData());
            // ...with no more latents than needed.
            if (p.latentLength > patch)
                QVERIFY2(oobleckDecodedLength(decoder, p.latentLength - patch) < wanted,
                         where.constData());
        }
        // The full window: every latent, and frames no more than the decoder makes.
        const LatentPlan full = pipeline->plan(static_cast<double>(window * ratio) / rate, true);
        QCOMPARE(full.latentLength, window);
        QCOMPARE(full.outputFrames, maxFrames);
    }

    void beyondTheWindowIsRefused() {
        QTemporaryDir tmp;
        const auto pipeline = pipelineFor(writeConfig(tmp.path(), {2, 2, 3}, 20, 1));
        const double window = pipeline->windowSeconds();
        QVERIFY_THROWS_EXCEPTION(GenerationError, pipeline->plan(window * 2, false));
        QVERIFY_THROWS_EXCEPTION(GenerationError, pipeline->plan(0.0, false));
        QVERIFY_THROWS_EXCEPTION(GenerationError, pipeline->plan(-1.0, false));
        QVERIFY_THROWS_EXCEPTION(GenerationError, pipeline->plan(std::nan(""), false));
    }
};

QTEST_GUILESS_MAIN(TestLatentPlan)
#include "tst_latent_plan.moc"
