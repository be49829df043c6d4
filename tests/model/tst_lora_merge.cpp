// Applying LoRAs to model weights: key mapping and its errors, strengths, several LoRAs at once,
// LoRAW's gradio-compatible mode, DoRA, and the exact unmerge back to the base weights.
#include "model/formats/safetensors.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"

#include "lora_checks.h"
#include "parity.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace footfall;
using namespace footfall::model;
using namespace footfall::test;

namespace {

// The DiT weights of the parity model in a map, plus named pointers like ParameterList::named().
struct Model {
    std::map<std::string, at::Tensor> tensors;
    std::vector<std::pair<std::string, at::Tensor*>> named() {
        std::vector<std::pair<std::string, at::Tensor*>> out;
        for (auto& [k, t] : tensors)
            out.emplace_back(k, &t);
        return out;
    }
};

Model loadModel(const std::string& file, const std::string& prefix = "model.model.") {
    Model m;
    const SafetensorsFile f = SafetensorsFile::open(footfall::test::parityPath(file));
    for (const auto& key : f.keys())
        if (key.rfind(prefix, 0) == 0)
            m.tensors[key] = f.tensor(key); // zero-copy, read-only: the merger must not write
    return m;
}

} // namespace

class TestLoraMerge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void smallModelLoraMergesAndUnmerges() {
        // A LoRA shaped for the SAO-small-type DiT (qk-norm, its own widths) applies there:
        // W' = W + strength * (alpha / rank) * up @ down, and unmerge restores W bit for bit.
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model small = loadModel("model_small.safetensors");
        const std::string key = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
        QVERIFY(small.tensors.count(key));
        const at::Tensor base = small.tensors[key].clone();
        const int64_t rank = 2;
        const at::Tensor down = at::randn({rank, base.size(1)});
        const at::Tensor up = at::randn({base.size(0), rank});
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/self_attn/to_qkv/lora_down.weight", down},
             {"model/model/transformer/layers/0/self_attn/to_qkv/lora_up.weight", up}},
            "small.safetensors"));
        LoraMerger merger(small.named());
        LoraSpec spec{lora};
        spec.strength = 0.5;
        merger.apply({spec}); // no config: alpha = rank, scale 1
        QVERIFY(merger.isMerged());
        const at::Tensor expected = base + 0.5 * at::matmul(up, down);
        QVERIFY(at::allclose(small.tensors[key], expected, 1e-5, 1e-5));
        merger.unmerge();
        QVERIFY(at::equal(small.tensors[key], base));
    }

    void mappingErrors() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model model = loadModel("model.safetensors");
        LoraMerger merger(model.named());
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
        QCOMPARE(merger.resolve(*lora).size(), size_t(16));
        // Wrong shape for one module.
        auto wrong = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/self_attn/to_qkv/lora_down.weight",
              at::randn({4, 128})},
             {"model/model/transformer/layers/0/self_attn/to_qkv/lora_up.weight",
              at::randn({300, 4})}},
            "wrong.safetensors"));
        VERIFY_ERROR(merger.resolve(*wrong),
                     "model.model.transformer.layers.0.self_attn.to_qkv.weight");
        VERIFY_ERROR(merger.apply({LoraSpec{wrong}}), "another model");
        QVERIFY(!merger.isMerged());
        // A module the model does not have.
        auto missing = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/7/self_attn/to_qkv/lora_down.weight",
              at::randn({4, 128})},
             {"model/model/transformer/layers/7/self_attn/to_qkv/lora_up.weight",
              at::randn({384, 4})}},
            "deep.safetensors"));
        VERIFY_ERROR(merger.apply({LoraSpec{missing}}), "layers/7/self_attn/to_qkv");
        // The LoRA for the SAO-1.0-type tiny model on the SAO-small-type tiny model.
        Model small = loadModel("model_small.safetensors");
        LoraMerger smallMerger(small.named());
        VERIFY_ERROR(smallMerger.apply({LoraSpec{lora}}), "another model");
        QVERIFY(!smallMerger.isMerged());
        // Differently rooted ids (EMA copy / DiT-relative) map by suffix from transformer/.
        auto ema = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/transformer/layers/1/cross_attn/to_kv/lora_down.weight", at::randn({4, 64})},
             {"model/transformer/layers/1/cross_attn/to_kv/lora_up.weight", at::randn({128, 4})}},
            "ema.safetensors"));
        const auto targets = merger.resolve(*ema);
        QCOMPARE(targets.at(0).weightKey,
                 std::string("model.model.transformer.layers.1.cross_attn.to_kv.weight"));
        // Strength limits and a config whose whitelist does not cover the modules.
        LoraSpec tooStrong{lora};
        tooStrong.strength = 2.5;
        VERIFY_ERROR(merger.apply({tooStrong}), "outside 0");
        LoraSpec otherConfig{lora};
        otherConfig.config = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora", {{"component_whitelist", {"pretransform"}}, {"alpha", 8}}}},
            "other.json");
        VERIFY_ERROR(merger.apply({otherConfig}), "component_whitelist");
        VERIFY_ERROR(
            LoraTrainingConfig::fromJson(nlohmann::json{{"lora", {{"rank", "four"}}}}, "bad.json"),
            "lora.rank");
    }

    void mergeUnmergeBitExact() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
            Model model = loadModel("model.safetensors");
            for (auto& [k, t] : model.tensors)
                if (dtype != at::kFloat)
                    t = t.to(dtype);
            std::map<std::string, at::Tensor> before;
            for (auto& [k, t] : model.tensors)
                before[k] = t.clone();
            const void* qkvData =
                model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"]
                    .data_ptr();
            auto lora = std::make_shared<LoraFile>(
                readLoraFile(footfall::test::parityPath("lora_tiny.ckpt")));
            LoraMerger merger(model.named());
            LoraSpec spec{lora};
            spec.config =
                LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
            merger.apply({spec});
            QCOMPARE(merger.touchedCount(), size_t(16));
            const at::Tensor& qkv =
                model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"];
            QCOMPARE(qkv.scalar_type(), dtype);
            QVERIFY(
                !bitEqual(qkv, before["model.model.transformer.layers.0.self_attn.to_qkv.weight"]));
            QVERIFY(bitEqual(model.tensors["model.model.transformer.layers.0.pre_norm.gamma"],
                             before["model.model.transformer.layers.0.pre_norm.gamma"]));
            // Switch strength between takes, then back to base.
            spec.strength = 0.3;
            merger.apply({spec});
            spec.mode = LoraMergeMode::LorawGradioCompatible;
            merger.apply({spec, spec});
            QCOMPARE(merger.metadata().size(), size_t(2));
            merger.unmerge();
            QVERIFY(!merger.isMerged());
            for (auto& [k, t] : model.tensors)
                QVERIFY2(bitEqual(t, before[k]), k.c_str());
            QCOMPARE(model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"]
                         .data_ptr(),
                     qkvData); // the very same tensor is back
        }
    }

    void strengthsAndSeveralLoras() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model model = loadModel("model.safetensors");
        const std::string key = "model.model.transformer.layers.1.ff.ff.2.weight";
        const at::Tensor base = model.tensors[key].clone();
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
        const LoraModule* mod = nullptr;
        for (const auto& m : lora->modules)
            if (m.id == "model/model/transformer/layers/1/ff/ff/2")
                mod = &m;
        QVERIFY(mod);
        const at::Tensor ud = at::matmul(mod->up, mod->down);
        LoraMerger merger(model.named());
        auto close = [](const at::Tensor& a, const at::Tensor& b) {
            return at::allclose(a, b, 1e-5, 1e-6);
        };
        // No config: alpha = rank -> scale 1.
        LoraSpec plain{lora, 0.5};
        merger.apply({plain});
        QVERIFY(close(model.tensors[key], base + 0.5 * ud));
        // Config alpha 8 / rank 4 -> scale 2; two LoRAs add up.
        LoraSpec withConfig{lora, 1.5};
        withConfig.config =
            LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
        merger.apply({plain, withConfig});
        QVERIFY(close(model.tensors[key], base + (0.5 + 3.0) * ud));
        QCOMPARE(merger.metadata()[1]["scale"].get<double>(), 2.0);
        QCOMPARE(merger.metadata()[1]["effective_scale"].get<double>(), 3.0);
        // LoRAW gradio: strength squared, alpha/rank ignored.
        LoraSpec gradio{lora, 0.5, LoraMergeMode::LorawGradioCompatible};
        gradio.config = withConfig.config;
        merger.apply({gradio});
        QVERIFY(close(model.tensors[key], base + 0.25 * ud));
        QCOMPARE(merger.metadata()[0]["mode"].get<std::string>(),
                 std::string("loraw-gradio-compatible"));
        // Strength 0: left out; switching back and forth is deterministic.
        merger.apply({LoraSpec{lora, 0.0}});
        QVERIFY(bitEqual(model.tensors[key], base));
        merger.apply({withConfig});
        const at::Tensor first = model.tensors[key].clone();
        merger.apply({plain});
        merger.apply({withConfig});
        QVERIFY(bitEqual(model.tensors[key], first));
    }

    // 16-bit weights are merged one at a time through one reused float32 copy: every touched
    // weight must be exactly its own base + the deltas in order, rounded once, whatever the
    // sizes of the weights merged before it.
    void sixteenBitWeightsMergeOneAtATime() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        for (at::ScalarType dtype : {at::kBFloat16, at::kHalf}) {
            Model model = loadModel("model.safetensors");
            for (auto& [k, t] : model.tensors)
                t = t.to(dtype);
            std::map<std::string, at::Tensor> before;
            for (auto& [k, t] : model.tensors)
                before[k] = t.clone();
            auto lora = std::make_shared<LoraFile>(
                readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
            LoraSpec plain{lora, 0.5};
            LoraSpec withConfig{lora, 1.5}; // alpha 8 / rank 4: scale 2, c = 3
            withConfig.config =
                LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
            LoraMerger merger(model.named());
            for (int round = 0; round < 2; ++round) { // the second one reuses the outputs
                merger.apply({plain, withConfig});
                for (const LoraModule& m : lora->modules) {
                    const std::string key = loraBaseWeightKey(m.id);
                    const at::Tensor& base = before.at(key);
                    const at::Tensor up = m.up.to(at::kFloat).reshape({m.outFeatures(), -1});
                    const at::Tensor down = m.down.to(at::kFloat).reshape({m.rank(), -1});
                    const at::Tensor expected = base.to(at::kFloat)
                                                    .reshape({base.size(0), -1})
                                                    .addmm_(up, down, 1.0, 0.5)
                                                    .addmm_(up, down, 1.0, 3.0)
                                                    .to(dtype)
                                                    .reshape(base.sizes());
                    QVERIFY2(bitEqual(model.tensors.at(key), expected), key.c_str());
                }
            }
            merger.unmerge();
            for (auto& [k, t] : model.tensors)
                QVERIFY2(bitEqual(t, before[k]), k.c_str());
        }
    }

    // reloadBase: no base copies are kept; merges, switches and unmerge give the very bits of the
    // merger that keeps copies, and a failing reload part-way leaves every weight that may
    // differ listed, so the next apply or unmerge puts everything right.
    void reloadedBaseWeightsMatchKeptCopies() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
        LoraSpec full{lora, 1.0};
        full.config = LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
        LoraSpec half = full;
        half.strength = 0.5;
        const std::string qkvKey = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
        for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
            Model kept = loadModel("model.safetensors");
            Model reread = loadModel("model.safetensors");
            std::map<std::string, at::Tensor> before;
            for (auto& [k, t] : kept.tensors) {
                t = t.to(dtype).clone();
                reread.tensors[k] = t.clone();
                before[k] = t.clone();
            }
            std::vector<std::string> reads;
            std::string failOn;
            LoraMergeOptions options;
            options.reloadBase = [&](const std::string& key, const at::Tensor& like) {
                if (key == failOn)
                    throw GenerationError("cannot read " + key);
                reads.push_back(key);
                return before.at(key).to(like.device(), like.scalar_type(), false, true);
            };
            LoraMerger keeping(kept.named());
            LoraMerger reloading(reread.named(), options);
            auto same = [&](const char* step) {
                for (const auto& [k, t] : kept.tensors)
                    QVERIFY2(bitEqual(reread.tensors.at(k), t),
                             (std::string(step) + " " + k).c_str());
            };

            const at::Tensor baseQkv = reread.tensors.at(qkvKey);
            keeping.apply({full});
            reloading.apply({full});
            same("merge");
            QVERIFY(reads.empty()); // the first merge reads nothing: the model holds the base
            QCOMPARE(baseQkv.use_count(), 1); // and no copy of it is kept
            QCOMPARE(reloading.touchedCount(), keeping.touchedCount());

            keeping.apply({half});
            reloading.apply({half});
            same("switch");
            QCOMPARE(reads.size(), keeping.touchedCount()); // each touched weight read once

            // A read fails part-way through a switch: the call fails, and whatever was changed
            // stays listed; the next apply restores and merges everything.
            failOn = "model.model.transformer.layers.1.ff.ff.0.proj.weight";
            VERIFY_ERROR(reloading.apply({full}), "cannot read");
            QVERIFY(reloading.isMerged());
            failOn.clear();
            reloading.apply({full});
            keeping.apply({full});
            same("after a failed switch");

            // Unmerge failing part-way, then again.
            failOn = "model.model.transformer.layers.1.self_attn.to_out.weight";
            VERIFY_ERROR(reloading.unmerge(), "cannot read");
            QVERIFY(reloading.isMerged());
            failOn.clear();
            reloading.unmerge();
            QVERIFY(!reloading.isMerged());
            for (const auto& [k, t] : reread.tensors)
                QVERIFY2(bitEqual(t, before.at(k)), k.c_str());

            // A reload of the wrong shape is an error, not a silent mix-up.
            LoraMergeOptions bad;
            bad.reloadBase = [](const std::string&, const at::Tensor& like) {
                return at::zeros({like.size(0) + 1, like.size(1)}, like.options());
            };
            LoraMerger wrong(reread.named(), bad);
            wrong.apply({full});
            VERIFY_ERROR(wrong.apply({half}), "read again");
        }
    }

    void doraTrainingFaithfulAndFallback() {
        // A tiny Linear with bias as the "model"; compare against LoRAW's DoRA forward.
        at::manual_seed(7);
        const int64_t out = 6, in = 5, r = 2;
        const std::string wKey = "model.model.transformer.layers.0.ff.ff.2.weight";
        const std::string bKey = "model.model.transformer.layers.0.ff.ff.2.bias";
        std::map<std::string, at::Tensor> params = {{wKey, at::randn({out, in})},
                                                    {bKey, at::randn({out})}};
        const at::Tensor W = params[wKey].clone();
        const at::Tensor b = params[bKey].clone();
        const at::Tensor down = at::randn({r, in}), up = at::randn({out, r});
        const at::Tensor mag = at::rand({out, 1}) + 0.5;
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/ff/ff/2/lora_down.weight", down},
             {"model/model/transformer/layers/0/ff/ff/2/lora_up.weight", up},
             {"model/model/transformer/layers/0/ff/ff/2/dora_mag.weight", mag},
             {"model/model/transformer/layers/0/ff/ff/2/dora_mag.bias", at::zeros({out})}},
            "dora.safetensors"));
        QVERIFY(lora->hasDora());
        std::vector<std::pair<std::string, at::Tensor*>> named;
        for (auto& [k, t] : params)
            named.emplace_back(k, &t);
        LoraMerger merger(named);
        LoraSpec spec{lora, 0.7};
        spec.config = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora",
                            {{"rank", 4},
                             {"alpha", 8},
                             {"multiplier", 1.0},
                             {"weight_decompose", true},
                             {"component_whitelist", {"transformer"}}}}},
            "dora.json");
        merger.apply({spec});
        const double k = 8.0 / 4.0, c = k * 0.7;
        const at::Tensor x = at::randn({3, in});
        const at::Tensor ud = at::matmul(up, down);
        const at::Tensor norm = at::linalg_vector_norm(W + k * ud, 2, {1}, false);
        const at::Tensor expected =
            (at::matmul(x, W.t()) + b + c * at::matmul(x, ud.t())) * (mag.reshape({-1}) / norm);
        const at::Tensor actual = at::matmul(x, params[wKey].t()) + params[bKey];
        QVERIFY2(at::allclose(actual, expected, 1e-5, 1e-5),
                 qPrintable(QString::number((actual - expected).abs().max().item<double>())));
        // Fallback: magnitude ignored (LoRAW gradio); in gradio mode also full strength.
        spec.doraIgnoreMagnitude = true;
        merger.apply({spec});
        QVERIFY(at::allclose(params[wKey], W + c * ud, 1e-5, 1e-6));
        QVERIFY(bitEqual(params[bKey], b));
        LoraSpec gradio{lora, 0.4, LoraMergeMode::LorawGradioCompatible};
        merger.apply({gradio});
        QVERIFY(at::allclose(params[wKey], W + ud, 1e-5, 1e-6));
        merger.unmerge();
        QVERIFY(bitEqual(params[wKey], W));
        QVERIFY(bitEqual(params[bKey], b));
    }
};

QTEST_APPLESS_MAIN(TestLoraMerge)
#include "tst_lora_merge.moc"
