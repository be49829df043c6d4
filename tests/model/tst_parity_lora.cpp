// LoRAW LoRA against the original (case `lora`): both file forms (.ckpt read by the restricted
// unpickler, .safetensors), merged weights (training-faithful and LoRAW-gradio strength²),
// DiT outputs with the LoRA merged, and exact unmerge back to the base weights.
#include "engine/engine.h"
#include "model/dit.h"
#include "model/lora_apply.h"
#include "model/lora_file.h"
#include "model/model_config.h"
#include "model/weights.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cstring>
#include <memory>

using namespace footfall::model;
using namespace footfall::test;

namespace {

bool bitEqual(const at::Tensor& a, const at::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const at::Tensor ca = a.contiguous(), cb = b.contiguous();
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.nbytes())) == 0;
}

// expected.<prefix>.<weight key> tensors of the case.
std::vector<std::string> expectedWithPrefix(const ParityCase& c, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& name : c.expectedNames())
        if (name.rfind(prefix + ".", 0) == 0)
            out.push_back(name);
    return out;
}

} // namespace

class TestParityLora : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lora_data() {
        QTest::addColumn<QString>("fileKey");
        if (!parityDirExists()) {
            QTest::newRow("no-fixtures") << QString();
            return;
        }
        QTest::newRow("ckpt") << QStringLiteral("lora_file");
        QTest::newRow("safetensors") << QStringLiteral("lora_file_safetensors");
    }

    void lora() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, fileKey);
        const ParityCase c = loadParityCase("lora");
        const auto& weights = c.json.at("weights");
        const std::string loraPath =
            parityPath(weights.at(fileKey.toStdString()).get<std::string>());
        const ModelConfig config = loadModelConfig(parityPath("model_config.json"));
        QVERIFY2(config.lora.has_value(), "model_config.json has no lora section");

        DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
        dit.load(WeightSource::open(parityPath(weights.at("file").get<std::string>())));
        ParameterList params;
        dit.collectParameters(params, "model.model.");
        std::map<std::string, at::Tensor> before;
        for (const auto& [name, tensor] : params.named())
            before[name] = *tensor;

        auto lora = std::make_shared<LoraFile>(readLoraFile(loraPath));
        QCOMPARE(lora->modules.size(), c.json.at("lora_keys").size() / 2);
        LoraMerger merger(params.named());

        // The LoRA's training settings: the case's lora_config == model_config.json's section.
        LoraSpec spec(lora, 1.0);
        spec.config = LoraTrainingConfig::fromModelConfig(*config.lora);
        const LoraTrainingConfig fromCase = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora", c.json.at("lora_config")}}, "lora.json");
        QCOMPARE(*spec.config.alpha, *fromCase.alpha);
        QCOMPARE(*spec.config.rank, *fromCase.rank);
        merger.apply({spec});
        QCOMPARE(merger.touchedCount(), lora->modules.size());

        // Merged weights: W + up@down * alpha/rank.
        const auto merged = expectedWithPrefix(c, "merged");
        QVERIFY(!merged.empty());
        for (const auto& name : merged) {
            const std::string key = name.substr(std::strlen("merged."));
            const NamedParameter* p = params.find(key);
            QVERIFY2(p, key.c_str());
            FOOTFALL_VERIFY_CLOSE(*p->tensor, c.expected(name), c.tolerance(name),
                                  fileKey.toStdString() + " " + name);
        }

        // DiT outputs with the LoRA (the original ran the un-merged LoRA forward; the merged
        // model matches it within the case tolerance, as LoRAW's own dump_weights does).
        DitConditioning cond;
        cond.crossAttnCond = c.input("cross_attn_cond");
        cond.globalCond = c.input("global_cond");
        const at::Tensor x = c.input("x"), t = c.input("t");
        for (const auto& [name, scale] : std::vector<std::pair<std::string, double>>{
                 {"out_cfg1_lora", 1.0}, {"out_cfg6_lora", 6.0}, {"out_cfg6_merged", 6.0}}) {
            DitGuidance guidance;
            guidance.cfgScale = scale;
            const at::Tensor out = dit.forward(x, t, cond, guidance);
            FOOTFALL_VERIFY_CLOSE(out, c.expected(name), c.tolerance(name),
                                  fileKey.toStdString() + " " + name);
        }

        // LoRAW gradio: scale 1, slider 0.5 squared.
        LoraSpec gradio(lora, 0.5, LoraMergeMode::LorawGradioCompatible);
        gradio.config = spec.config; // ignored in this mode, as LoRAW's gradio does
        merger.apply({gradio});
        const auto gradioNames = expectedWithPrefix(c, "merged_gradio_mul0.5");
        QVERIFY(!gradioNames.empty());
        for (const auto& name : gradioNames) {
            const std::string key = name.substr(std::strlen("merged_gradio_mul0.5."));
            FOOTFALL_VERIFY_CLOSE(*params.find(key)->tensor, c.expected(name), c.tolerance(name),
                                  fileKey.toStdString() + " " + name);
        }

        // Unmerge: the base weights, bit for bit, and the case's base tensors.
        merger.unmerge();
        for (const auto& [name, tensor] : params.named())
            QVERIFY2(bitEqual(*tensor, before[name]), name.c_str());
        for (const auto& name : expectedWithPrefix(c, "base")) {
            const std::string key = name.substr(std::strlen("base."));
            FOOTFALL_VERIFY_CLOSE(*params.find(key)->tensor, c.expected(name), c.tolerance(name),
                                  fileKey.toStdString() + " " + name);
        }
        // And the DiT is the base model again (dit_forward's cfg-6 output equals out_cfg6 there;
        // here: differs from the LoRA output).
        DitGuidance guidance;
        guidance.cfgScale = 6.0;
        const at::Tensor baseOut = dit.forward(x, t, cond, guidance);
        QVERIFY(!allClose(baseOut, c.expected("out_cfg6_lora"), c.tolerance("out_cfg6_lora")).ok);
    }
};

QTEST_APPLESS_MAIN(TestParityLora)
#include "tst_parity_lora.moc"
