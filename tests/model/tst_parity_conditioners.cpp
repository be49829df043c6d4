// The "conditioners" parity case: T5 conditioner (mask zeroing), number conditioners and the
// assembly of cross-attention / global conditioning, against the original's tensors.
#include "engine/engine.h"
#include "model/conditioners.h"
#include "model/model_config.h"
#include "model/safetensors.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>

using namespace footfall::model;
using footfall::GenerationError;

namespace {

QString parityDir() {
    const QByteArray env = qgetenv("FOOTFALL_PARITY_DIR");
    return env.isEmpty() ? QString(FOOTFALL_DEFAULT_PARITY_DIR) : QString::fromLocal8Bit(env);
}

// numpy allclose: |a - e| <= atol + rtol |e|. Reports the largest absolute error.
void expectClose(const at::Tensor& actual, const at::Tensor& expected, const nlohmann::json& tol,
                 const std::string& name) {
    QVERIFY2(actual.sizes() == expected.sizes(),
             qPrintable(QString("%1: shape %2 vs %3")
                            .arg(QString::fromStdString(name))
                            .arg(QString::fromStdString(shapeToString(actual.sizes())))
                            .arg(QString::fromStdString(shapeToString(expected.sizes())))));
    const double rtol = tol.at("rtol").get<double>();
    const double atol = tol.at("atol").get<double>();
    const at::Tensor a = actual.to(at::kDouble).cpu();
    const at::Tensor e = expected.to(at::kDouble).cpu();
    const at::Tensor diff = (a - e).abs();
    const double maxErr = diff.numel() ? diff.max().item<double>() : 0.0;
    const int64_t bad = (diff > atol + rtol * e.abs()).sum().item<int64_t>();
    qInfo("%s: max abs err %.3g (atol %.3g, rtol %.3g)", name.c_str(), maxErr, atol, rtol);
    QVERIFY2(bad == 0, qPrintable(QString("%1: %2 elements outside tolerance, max abs err %3")
                                      .arg(QString::fromStdString(name))
                                      .arg(bad)
                                      .arg(maxErr)));
}

std::vector<double> toVector(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

} // namespace

class TestParityConditioners : public QObject {
    Q_OBJECT

private:
    QString m_dir;
    nlohmann::json m_case;
    SafetensorsFile m_tensors;
    ModelConfig m_config;
    T5Config m_t5Config;
    WeightSource m_model;
    WeightSource m_t5;

    at::Tensor input(const std::string& name) { return m_tensors.tensorF32("input." + name); }
    at::Tensor expected(const std::string& name) { return m_tensors.tensorF32("expected." + name); }
    const nlohmann::json& tolerance(const std::string& name) {
        const auto& tol = m_case.at("tolerance");
        // prompt_mask carries no entry of its own: the masks' tolerance applies.
        return tol.contains(name) ? tol.at(name) : tol.at("cross_attn_mask");
    }
    std::unique_ptr<MultiConditioner> makeConditioner() {
        auto mc = std::make_unique<MultiConditioner>(m_config.conditioning, m_t5Config, nullptr);
        mc->load(m_model);
        mc->loadT5(m_t5);
        return mc;
    }

private Q_SLOTS:
    void initTestCase() {
        m_dir = parityDir();
        if (!QFileInfo::exists(m_dir + "/conditioners.json"))
            QSKIP(
                qPrintable("parity fixtures not found at " + m_dir + " (set FOOTFALL_PARITY_DIR)"));
        std::ifstream in((m_dir + "/conditioners.json").toStdString());
        m_case = nlohmann::json::parse(in);
        m_tensors = SafetensorsFile::open((m_dir + "/conditioners.safetensors").toStdString());
        m_config = loadModelConfig((m_dir + "/model_config.json").toStdString());
        m_t5Config = T5Config::fromFile((m_dir + "/t5_config.json").toStdString());
        m_model = WeightSource::open((m_dir + "/model.safetensors").toStdString());
        m_t5 = WeightSource::open((m_dir + "/t5_encoder.safetensors").toStdString());
    }

    void promptEmbeddingsAreMaskZeroed() {
        const auto mc = makeConditioner();
        QCOMPARE(mc->t5Conditioners().size(), size_t(1));
        const T5Conditioner& t5 = *mc->t5Conditioners().front();
        QVERIFY(!t5.hasProjection()); // d_model == cond_dim: Identity, as in SAO
        QCOMPARE(t5.maxLength(), input("prompt_input_ids").size(1));
        const at::Tensor mask = input("prompt_attention_mask");
        const CondTensor out = t5.encodeTokens(input("prompt_input_ids").to(at::kLong), mask);
        QCOMPARE(out.mask.scalar_type(), at::kBool);
        expectClose(out.value, expected("prompt_embeds"), tolerance("prompt_embeds"),
                    "prompt_embeds");
        expectClose(out.mask, expected("prompt_mask"), tolerance("prompt_mask"), "prompt_mask");
        // Padded positions are exact zeros.
        const at::Tensor padded = out.value.masked_select(out.mask.logical_not().unsqueeze(-1));
        QVERIFY(padded.numel() > 0);
        QCOMPARE(padded.abs().max().item<float>(), 0.0f);
    }

    void numberConditioners() {
        const auto mc = makeConditioner();
        for (const auto& number : mc->numberConditioners()) {
            const auto out = number->forward(toVector(input(number->id())));
            expectClose(out.embeds, expected(number->id() + "_embeds"),
                        tolerance(number->id() + "_embeds"), number->id() + "_embeds");
            expectClose(out.mask, expected(number->id() + "_mask"),
                        tolerance(number->id() + "_mask"), number->id() + "_mask");
        }
    }

    void assemblyInConfigOrder() {
        const auto mc = makeConditioner();
        const std::vector<double> starts = toVector(input("meta_seconds_start"));
        const std::vector<double> totals = toVector(input("meta_seconds_total"));
        std::vector<ConditioningMetadata> meta(starts.size());
        for (size_t i = 0; i < meta.size(); ++i) {
            meta[i].texts["prompt"] = "(token ids given)";
            meta[i].numbers["seconds_start"] = starts[i];
            meta[i].numbers["seconds_total"] = totals[i];
        }
        const CondMap conds =
            mc->withTokens(meta, "prompt", input("prompt_input_ids").to(at::kLong),
                           input("prompt_attention_mask"));
        const ConditioningInputs inputs = assembleConditioning(conds, m_config.diffusion);
        expectClose(inputs.crossAttnCond, expected("cross_attn_cond"), tolerance("cross_attn_cond"),
                    "cross_attn_cond");
        expectClose(inputs.crossAttnMask, expected("cross_attn_mask"), tolerance("cross_attn_mask"),
                    "cross_attn_mask");
        expectClose(inputs.globalCond, expected("global_cond"), tolerance("global_cond"),
                    "global_cond");
    }

    void missingMetadataIsAnError() {
        const auto mc = makeConditioner();
        ConditioningMetadata item;
        item.numbers["seconds_start"] = 0;
        item.numbers["seconds_total"] = 3;
        try {
            (*mc)({item});
            QFAIL("no error for a prompt-less item");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("prompt"), e.what());
        }
        item.texts["prompt"] = "x";
        item.numbers.erase("seconds_total");
        QVERIFY_THROWS_EXCEPTION(
            GenerationError,
            mc->withTokens({item}, "prompt", input("prompt_input_ids").to(at::kLong).slice(0, 0, 1),
                           input("prompt_attention_mask").slice(0, 0, 1)));
    }

    void assemblyNamesAMissingId() {
        DiffusionConfig diffusion = m_config.diffusion;
        diffusion.crossAttentionCondIds.push_back("seconds_end");
        const auto mc = makeConditioner();
        ConditioningMetadata item;
        item.numbers = {{"seconds_start", 0.0}, {"seconds_total", 1.0}};
        const CondMap conds =
            mc->withTokens({item}, "prompt", input("prompt_input_ids").to(at::kLong).slice(0, 0, 1),
                           input("prompt_attention_mask").slice(0, 0, 1));
        try {
            assembleConditioning(conds, diffusion);
            QFAIL("no error for an unknown id");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("seconds_end"), e.what());
        }
    }

    // cond_dim != d_model (or project_out) -> proj_out Linear from the checkpoint, applied
    // before the mask.
    void projectionWhenDimsDiffer() {
        ConditioningConfig conditioning = m_config.conditioning;
        conditioning.condDim = m_t5Config.dModel + 8;
        const int64_t d = m_t5Config.dModel;
        const int64_t out = conditioning.condDim;
        std::vector<ConditionerConfig> onlyT5;
        for (const auto& c : conditioning.configs)
            if (c.type == "t5")
                onlyT5.push_back(c);
        conditioning.configs = onlyT5;
        MultiConditioner mc(conditioning, m_t5Config, nullptr);
        mc.loadT5(m_t5);
        // Missing proj_out: a clear error naming the key.
        try {
            mc.load(m_model);
            QFAIL("no error for a missing proj_out");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("conditioner.conditioners.prompt.proj_out.weight"),
                     e.what());
        }
        const at::Tensor w = at::linspace(-0.1, 0.1, out * d).view({out, d});
        const at::Tensor b = at::linspace(-1, 1, out);
        WeightSource proj;
        proj.addTensors({{"conditioner.conditioners.prompt.proj_out.weight", w},
                         {"conditioner.conditioners.prompt.proj_out.bias", b}},
                        "proj_out");
        mc.load(proj);
        const at::Tensor ids = input("prompt_input_ids").to(at::kLong);
        const at::Tensor mask = input("prompt_attention_mask");
        const CondTensor got = mc.t5Conditioners().front()->encodeTokens(ids, mask);
        const at::Tensor raw = expected("prompt_t5_raw");
        const at::Tensor want = at::linear(raw, w, b) * mask.unsqueeze(-1);
        QCOMPARE(got.value.sizes(), want.sizes());
        QVERIFY((got.value - want).abs().max().item<double>() < 1e-4);
    }

    void unknownConditionerKeyInCheckpoint() {
        std::map<std::string, at::Tensor> extra{
            {"conditioner.conditioners.seconds_end.embedder.embedding.0.weights",
             at::zeros({128})}};
        WeightSource source;
        source.addTensors(extra, "extra");
        for (const auto& key : m_model.keys())
            if (key.rfind("conditioner.", 0) == 0)
                extra[key] = m_model.raw(key);
        WeightSource withExtra;
        withExtra.addTensors(extra, "with-extra");
        MultiConditioner mc(m_config.conditioning, m_t5Config, nullptr);
        try {
            mc.load(withExtra);
            QFAIL("no error for a conditioner key the config does not know");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("seconds_end"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestParityConditioners)
#include "tst_parity_conditioners.moc"
