// LoRAW LoRA against the original (case `lora`): both file forms (.ckpt read by the restricted
// unpickler, .safetensors); LoRAW's two semantics separately: dump_weights' merged weights
// (alpha/rank, no multiplier) and its LoRA forward (alpha/rank x multiplier), which agree only
// at multiplier 1; the LoRAW-gradio merge (strength²); exact unmerge back to the base weights.

#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <QtTest>

#include <cstring>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

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
        const LoraTrainingConfig training = LoraTrainingConfig::fromModelConfig(config);
        QVERIFY2(training.present, "model_config.json has no lora section");
        const LoraTrainingConfig fromCase = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora", c.json.at("lora_config")}}, "lora.json");
        QCOMPARE(*training.alpha, *fromCase.alpha);
        QCOMPARE(*training.rank, *fromCase.rank);
        QCOMPARE(training.multiplier, fromCase.multiplier);
        DitConditioning cond;
        cond.crossAttnCond = c.input("cross_attn_cond");
        cond.globalCond = c.input("global_cond");
        const at::Tensor x = c.input("x"), t = c.input("t");
        const auto checkOutputs = [&](const std::vector<std::pair<std::string, double>>& outputs) {
            for (const auto& [name, scale] : outputs) {
                DitGuidance guidance;
                guidance.cfgScale = scale;
                const at::Tensor out = dit.forward(x, t, cond, guidance);
                FOOTFALL_VERIFY_CLOSE(out, c.expected(name), c.tolerance(name),
                                      fileKey.toStdString() + " " + name);
            }
        };

        // LoRAW's dump_weights: W + up@down * alpha/rank, without the multiplier (it merges
        // the modules as loaded with multiplier 1): our merge with the multiplier set to 1.
        LoraSpec dump(lora, 1.0);
        dump.config = training;
        dump.config.multiplier = 1.0;
        merger.apply({dump});
        QCOMPARE(merger.touchedCount(), lora->modules.size());
        const auto merged = expectedWithPrefix(c, "merged");
        QVERIFY(!merged.empty());
        std::map<std::string, at::Tensor> dumpDeltas;
        for (const auto& name : merged) {
            const std::string key = name.substr(std::strlen("merged."));
            const NamedParameter* p = params.find(key);
            QVERIFY2(p, key.c_str());
            FOOTFALL_VERIFY_CLOSE(*p->tensor, c.expected(name), c.tolerance(name),
                                  fileKey.toStdString() + " " + name);
            dumpDeltas[key] = *p->tensor - before[key];
        }
        checkOutputs({{"out_cfg6_merged", 6.0}});

        // LoRAW's forward (the original ran the un-merged LoRA): W x + up(down(x)) * alpha/rank
        // * multiplier, i.e. our merge with the training config's multiplier; within the case
        // tolerance of the un-merged forward, as LoRAW's own dump_weights is at multiplier 1.
        LoraSpec forward(lora, 1.0);
        forward.config = training;
        merger.apply({forward});
        checkOutputs({{"out_cfg1_lora", 1.0}, {"out_cfg6_lora", 6.0}});
        // The two semantics differ by the multiplier alone.
        for (const auto& [key, dumpDelta] : dumpDeltas) {
            const at::Tensor delta = *params.find(key)->tensor - before[key];
            QVERIFY2(at::allclose(delta, dumpDelta * training.multiplier, 1e-5, 1e-6), key.c_str());
        }

        // LoRAW gradio: scale 1, the slider value (in the expected names) squared.
        std::string gradioPrefix;
        double slider = 0.0;
        const std::regex gradioName("(merged_gradio_mul([0-9]+(?:\\.[0-9]+)?))\\..*");
        for (const auto& name : c.expectedNames()) {
            std::smatch m;
            if (std::regex_match(name, m, gradioName)) {
                QVERIFY2(gradioPrefix.empty() || gradioPrefix == m[1].str(), name.c_str());
                gradioPrefix = m[1].str();
                slider = std::stod(m[2].str());
            }
        }
        QVERIFY2(!gradioPrefix.empty(), "no merged_gradio_mul<strength> outputs");
        LoraSpec gradio(lora, slider, LoraMergeMode::LorawGradioCompatible);
        gradio.config = training; // ignored in this mode, as LoRAW's gradio does
        merger.apply({gradio});
        const auto gradioNames = expectedWithPrefix(c, gradioPrefix);
        QVERIFY(!gradioNames.empty());
        for (const auto& name : gradioNames) {
            const std::string key = name.substr(gradioPrefix.size() + 1);
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
