// DiT (with CFG inside the forward) and number conditioners against the original
// stable-audio-tools outputs: every dit_forward* case of the parity set, every expected output,
// with dimensions, weights and tolerances read from the case files.
#include "base/errors.h"
#include "dit_parity_case.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/number_conditioner.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <memory>
#include <string>
#include <vector>

using namespace footfall::model;
using namespace footfall::test;

namespace {

// Cases to run: those named dit_forward* in the set's manifest.json, else the set A names.
std::vector<std::string> ditCases() {
    std::vector<std::string> names;
    try {
        const auto manifest = readJsonFile(parityPath("manifest.json"));
        for (auto it = manifest.at("cases").begin(); it != manifest.at("cases").end(); ++it)
            if (it.key().rfind("dit_forward", 0) == 0)
                names.push_back(it.key());
    } catch (const std::exception&) {
    }
    if (names.empty())
        names = {"dit_forward", "dit_forward_small"};
    return names;
}

std::unique_ptr<DiffusionTransformer> loadDit(const ParityCase& c) {
    const DiffusionConfig config =
        parseDiffusionConfig(c.json.at("config"), c.name + ".json config");
    auto dit = std::make_unique<DiffusionTransformer>(config.dit, config.objective);
    const std::string prefix =
        c.json.at("weights").value("key_prefix", std::string("model.model."));
    dit->load(WeightSource::open(parityPath(c.json.at("weights").at("file").get<std::string>())),
              {}, prefix);
    return dit;
}

// A DiT case with its model loaded and its inputs.
struct LoadedDitCase {
    ParityCase c;
    std::unique_ptr<DiffusionTransformer> dit;
    at::Tensor x, t;
};

LoadedDitCase loadDitCase(const QString& name) {
    LoadedDitCase loaded{loadParityCase(name.toStdString()), nullptr, {}, {}};
    loaded.dit = loadDit(loaded.c);
    loaded.x = loaded.c.input("x");
    loaded.t = loaded.c.input("t");
    return loaded;
}

} // namespace

class TestParityDit : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ditForward_data() {
        QTest::addColumn<QString>("caseName");
        if (!parityDirExists()) {
            QTest::newRow("no-fixtures") << QString();
            return;
        }
        for (const auto& name : ditCases())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void ditForward() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, caseName);
        const auto [c, dit, x, t] = loadDitCase(caseName);
        const auto names = c.expectedNames();
        QVERIFY(!names.empty());
        for (const auto& name : names) {
            DitExpectation e;
            QVERIFY2(ditExpectationFor(c, name, &e),
                     ("unknown expected output '" + name + "' in " + c.name).c_str());
            DitGuidance guidance;
            guidance.cfgScale = e.cfgScale;
            const at::Tensor out = dit->forward(x, t, ditConditioning(c, e), guidance);
            FOOTFALL_VERIFY_CLOSE(out, c.expected(name), c.tolerance(name), c.name + "." + name);
        }
    }

    // The prepared per-take state is reused across steps: a CFG-prepared state evaluated outside
    // the CFG interval must give the unguided output, and repeated calls must agree exactly.
    void preparedReuse_data() { ditForward_data(); }
    void preparedReuse() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, caseName);
        const auto [c, dit, x, t] = loadDitCase(caseName);
        DitGuidance guidance;
        guidance.cfgScale = 3.0;
        guidance.cfgIntervalMin = 2.0; // sigma is in [0, 1]: never guided
        guidance.cfgIntervalMax = 3.0;
        const auto prepared = dit->prepare(ditConditioning(c, DitExpectation{}), guidance);
        QVERIFY(prepared.hasUncond);
        QVERIFY(!dit->usesGuidance(t, prepared));
        const at::Tensor first = dit->forward(x, t, prepared);
        FOOTFALL_VERIFY_CLOSE(first, c.expected("out_cfg1"), c.tolerance("out_cfg1"),
                              c.name + ".out_cfg1 (unguided from a CFG-prepared state)");
        QVERIFY(at::equal(first, dit->forward(x, t, prepared)));

        guidance.cfgIntervalMin = 0.0;
        guidance.cfgIntervalMax = 1.0;
        const auto guided = dit->prepare(ditConditioning(c, DitExpectation{}), guidance);
        QVERIFY(dit->usesGuidance(t, guided));
        QVERIFY(at::equal(dit->forward(x, t, guided), dit->forward(x, t, guided)));
    }

    // The guided pass skips the null branch's cross-attention when its values are zero (the
    // bias-free to_cond_embed and to_kv map zeroed tokens to zero). Skipped or not, the result
    // is the unguided pair combined; a negative prompt's values are not zero and run in full.
    void nullBranchCrossAttentionIsSkippedExactly_data() { ditForward_data(); }
    void nullBranchCrossAttentionIsSkippedExactly() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, caseName);
        const auto [c, dit, x, t] = loadDitCase(caseName);
        for (const double scale : {6.0, 0.5}) {
            DitGuidance guidance;
            guidance.cfgScale = scale;
            const auto guided = dit->prepare(ditConditioning(c, DitExpectation{}), guidance);
            QVERIFY(guided.hasUncond);
            QVERIFY(guided.uncondCrossIsZero);
            QVERIFY(dit->usesGuidance(t, guided));

            DitExpectation nullBranch;
            nullBranch.zeroCond = true;
            const auto plainCond = dit->prepare(ditConditioning(c, DitExpectation{}));
            const auto plainNull = dit->prepare(ditConditioning(c, nullBranch));
            QVERIFY(!plainNull.hasUncond && !plainNull.uncondCrossIsZero); // all rows computed
            const at::Tensor cond = dit->forward(x, t, plainCond);
            const at::Tensor uncond = dit->forward(x, t, plainNull);
            const at::Tensor expected = uncond + (cond - uncond) * scale;
            const at::Tensor out = dit->forward(x, t, guided);
            const double relative =
                (out - expected).norm().item<double>() / expected.norm().item<double>();
            QVERIFY2(relative < 1e-5, qPrintable(QString("relative error %1").arg(relative)));
        }
        if (c.hasInput("negative_cross_attn_cond")) {
            DitExpectation negative;
            negative.negative = true;
            DitGuidance guidance;
            guidance.cfgScale = 6.0;
            QVERIFY(!dit->prepare(ditConditioning(c, negative), guidance).uncondCrossIsZero);
        }
    }

    // A checkpoint of another config fails loudly, listing what does not match: each DiT case's
    // config against the weights of a case with another config.
    void wrongCheckpoint() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        std::vector<ParityCase> cases;
        for (const auto& name : ditCases())
            cases.push_back(loadParityCase(name));
        int checked = 0;
        for (const auto& own : cases)
            for (const auto& other : cases) {
                if (own.json.at("config") == other.json.at("config"))
                    continue;
                const DiffusionConfig config = parseDiffusionConfig(own.json.at("config"));
                DiffusionTransformer dit(config.dit, config.objective);
                const auto& weights = other.json.at("weights");
                const std::string file = weights.at("file").get<std::string>();
                try {
                    dit.load(WeightSource::open(parityPath(file)), {},
                             weights.value("key_prefix", std::string("model.model.")));
                    QFAIL(qPrintable(
                        QString::fromStdString(own.name + " loaded the weights of " + other.name)));
                } catch (const footfall::GenerationError& e) {
                    const std::string message = e.what();
                    qInfo("%s", message.c_str());
                    QVERIFY2(message.find(file) != std::string::npos, message.c_str());
                    QVERIFY2(message.find("expected") != std::string::npos, message.c_str());
                }
                QVERIFY(!dit.isLoaded()); // nothing is loaded when anything is wrong
                ++checked;
            }
        if (checked == 0)
            QSKIP("the parity set has no two DiT cases with different configs");
    }

    void numberConditioners() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const ParityCase c = loadParityCase("conditioners");
        const auto& ncJson = c.json.at("weights").at("number_conditioners");
        const WeightSource weights =
            WeightSource::open(parityPath(ncJson.at("file").get<std::string>()));
        NumberConditionerConfig numberConfig;
        numberConfig.minVal = c.json.at("number_conditioner_config").at("min_val").get<double>();
        numberConfig.maxVal = c.json.at("number_conditioner_config").at("max_val").get<double>();

        std::map<std::string, std::unique_ptr<NumberConditioner>> conditioners;
        int checked = 0;
        for (const auto& name : c.expectedNames()) {
            const auto pos = name.rfind("_embeds");
            if (pos == std::string::npos || pos + 7 != name.size())
                continue;
            const std::string id = name.substr(0, pos);
            if (!c.hasInput(id) || !weights.contains("conditioner.conditioners." + id +
                                                     ".embedder.embedding.0.weights"))
                continue;
            const at::Tensor expected = c.expected(name);
            auto nc = std::make_unique<NumberConditioner>(id, numberConfig, expected.size(-1));
            nc->load(weights);
            const auto out = nc->forward(c.input(id));
            FOOTFALL_VERIFY_CLOSE(out.embeds, expected, c.tolerance(name), name);
            if (c.hasExpected(id + "_mask"))
                FOOTFALL_VERIFY_CLOSE(out.mask, c.expected(id + "_mask"), c.tolerance(id + "_mask"),
                                      id + "_mask");
            // Same through the list-of-doubles entry point (Python floats -> float32).
            const at::Tensor in = c.input(id);
            std::vector<double> values(in.data_ptr<float>(), in.data_ptr<float>() + in.numel());
            QVERIFY(at::equal(nc->forward(values).embeds, out.embeds));
            conditioners[id] = std::move(nc);
            ++checked;
        }
        QVERIFY2(checked > 0, "no number-conditioner outputs in the conditioners case");

        // global_cond = concat over global_cond_ids of the metadata's embeddings (last axis).
        if (c.hasExpected("global_cond")) {
            const ModelConfig config = loadModelConfig(parityPath("model_config.json"));
            std::vector<at::Tensor> parts;
            for (const auto& id : config.diffusion.globalCondIds) {
                QVERIFY2(conditioners.count(id), id.c_str());
                const auto* cc = config.conditioning.find(id);
                QVERIFY(cc);
                QCOMPARE(cc->number.minVal, numberConfig.minVal);
                QCOMPARE(cc->number.maxVal, numberConfig.maxVal);
                parts.push_back(conditioners[id]->forward(c.input("meta_" + id)).embeds);
            }
            const at::Tensor global = at::cat(parts, -1).squeeze(1);
            FOOTFALL_VERIFY_CLOSE(global, c.expected("global_cond"), c.tolerance("global_cond"),
                                  "global_cond");
        }
    }

    void clampsToRange() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const WeightSource weights = WeightSource::open(parityPath("model.safetensors"));
        NumberConditionerConfig config;
        config.minVal = 0;
        config.maxVal = 512;
        NumberConditioner nc(
            "seconds_total", config,
            weights.shape("conditioner.conditioners.seconds_total.embedder.embedding.1.bias")[0]);
        nc.load(weights);
        QVERIFY(at::equal(nc.forward({600.0}).embeds, nc.forward({512.0}).embeds));
        QVERIFY(at::equal(nc.forward({-3.0}).embeds, nc.forward({0.0}).embeds));
        QVERIFY_THROWS_EXCEPTION(footfall::GenerationError, nc.forward({std::nan("")}));
    }
};

QTEST_APPLESS_MAIN(TestParityDit)
#include "tst_parity_dit.moc"
