// The "conditioners" parity case: T5 conditioner (mask zeroing), number conditioners and the
// assembly of cross-attention / global conditioning, against the original's tensors.
#include "base/errors.h"
#include "model/sao/conditioners.h"
#include "model/sao/model_config.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace footfall::model;
using namespace footfall::test;
using footfall::GenerationError;

namespace {

std::vector<double> toVector(const at::Tensor& t) {
    const at::Tensor d = t.to(at::kDouble).contiguous();
    return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

} // namespace

class TestParityConditioners : public QObject {
    Q_OBJECT

private:
    ParityCase m_case;
    ModelConfig m_config;
    T5Config m_t5Config;
    WeightSource m_model;
    WeightSource m_t5;

    Tolerance tolerance(const std::string& name) const {
        // prompt_mask carries no entry of its own: the masks' tolerance applies.
        return m_case.requiredTolerance(m_case.hasTolerance(name) ? name : "cross_attn_mask");
    }
    std::unique_ptr<MultiConditioner> makeConditioner() {
        auto mc = std::make_unique<MultiConditioner>(m_config.conditioning, m_t5Config, nullptr);
        mc->load(m_model);
        mc->loadT5(m_t5);
        return mc;
    }

private Q_SLOTS:
    void initTestCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_case = loadParityCase("conditioners");
        m_config = loadModelConfig(parityPath("model_config.json"));
        m_t5Config = T5Config::fromFile(parityPath("t5_config.json"));
        m_model = WeightSource::open(parityPath("model.safetensors"));
        m_t5 = WeightSource::open(parityPath("t5_encoder.safetensors"));
    }

    void promptEmbeddingsAreMaskZeroed() {
        const auto mc = makeConditioner();
        QCOMPARE(mc->t5Conditioners().size(), size_t(1));
        const T5Conditioner& t5 = *mc->t5Conditioners().front();
        QVERIFY(!t5.hasProjection()); // d_model == cond_dim: Identity, as in SAO
        QCOMPARE(t5.maxLength(), m_case.input("prompt_input_ids").size(1));
        const at::Tensor mask = m_case.input("prompt_attention_mask");
        const CondTensor out =
            t5.encodeTokens(m_case.input("prompt_input_ids").to(at::kLong), mask);
        QCOMPARE(out.mask.scalar_type(), at::kBool);
        FOOTFALL_VERIFY_CLOSE(out.value, m_case.expected("prompt_embeds"),
                              tolerance("prompt_embeds"), "prompt_embeds");
        FOOTFALL_VERIFY_CLOSE(out.mask, m_case.expected("prompt_mask"), tolerance("prompt_mask"),
                              "prompt_mask");
        // Padded positions are exact zeros.
        const at::Tensor padded = out.value.masked_select(out.mask.logical_not().unsqueeze(-1));
        QVERIFY(padded.numel() > 0);
        QCOMPARE(padded.abs().max().item<float>(), 0.0f);
    }

    void numberConditioners() {
        const auto mc = makeConditioner();
        for (const auto& number : mc->numberConditioners()) {
            const auto out = number->forward(toVector(m_case.input(number->id())));
            FOOTFALL_VERIFY_CLOSE(out.embeds, m_case.expected(number->id() + "_embeds"),
                                  tolerance(number->id() + "_embeds"), number->id() + "_embeds");
            FOOTFALL_VERIFY_CLOSE(out.mask, m_case.expected(number->id() + "_mask"),
                                  tolerance(number->id() + "_mask"), number->id() + "_mask");
        }
    }

    void assemblyInConfigOrder() {
        const auto mc = makeConditioner();
        const std::vector<double> starts = toVector(m_case.input("meta_seconds_start"));
        const std::vector<double> totals = toVector(m_case.input("meta_seconds_total"));
        std::vector<ConditioningMetadata> meta(starts.size());
        for (size_t i = 0; i < meta.size(); ++i) {
            meta[i].texts["prompt"] = "(token ids given)";
            meta[i].numbers["seconds_start"] = starts[i];
            meta[i].numbers["seconds_total"] = totals[i];
        }
        const CondMap conds =
            mc->withTokens(meta, "prompt", m_case.input("prompt_input_ids").to(at::kLong),
                           m_case.input("prompt_attention_mask"));
        const ConditioningInputs inputs = assembleConditioning(conds, m_config.diffusion);
        FOOTFALL_VERIFY_CLOSE(inputs.crossAttnCond, m_case.expected("cross_attn_cond"),
                              tolerance("cross_attn_cond"), "cross_attn_cond");
        FOOTFALL_VERIFY_CLOSE(inputs.crossAttnMask, m_case.expected("cross_attn_mask"),
                              tolerance("cross_attn_mask"), "cross_attn_mask");
        FOOTFALL_VERIFY_CLOSE(inputs.globalCond, m_case.expected("global_cond"),
                              tolerance("global_cond"), "global_cond");
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
            mc->withTokens({item}, "prompt",
                           m_case.input("prompt_input_ids").to(at::kLong).slice(0, 0, 1),
                           m_case.input("prompt_attention_mask").slice(0, 0, 1)));
    }

    void assemblyNamesAMissingId() {
        DiffusionConfig diffusion = m_config.diffusion;
        diffusion.crossAttentionCondIds.push_back("seconds_end");
        const auto mc = makeConditioner();
        ConditioningMetadata item;
        item.numbers = {{"seconds_start", 0.0}, {"seconds_total", 1.0}};
        const CondMap conds = mc->withTokens(
            {item}, "prompt", m_case.input("prompt_input_ids").to(at::kLong).slice(0, 0, 1),
            m_case.input("prompt_attention_mask").slice(0, 0, 1));
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
        const at::Tensor ids = m_case.input("prompt_input_ids").to(at::kLong);
        const at::Tensor mask = m_case.input("prompt_attention_mask");
        const CondTensor got = mc.t5Conditioners().front()->encodeTokens(ids, mask);
        const at::Tensor raw = m_case.expected("prompt_t5_raw");
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
