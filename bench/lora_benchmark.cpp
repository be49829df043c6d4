#include "lora_benchmark.h"

#include "model/formats/safetensors.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/samplers.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <sstream>

namespace footfall {

namespace {

using namespace footfall::model;
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0.0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

template <typename F> double timeMs(F&& f) {
    const auto start = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

template <typename F> nlohmann::json measure(int repeats, F&& f) {
    f(); // warm-up
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i)
        times.push_back(timeMs(f));
    return {{"median_ms", median(times)},
            {"min_ms", *std::min_element(times.begin(), times.end())},
            {"repeats", repeats}};
}

std::string join(const std::string& dir, const std::string& file) {
    return dir + "/" + file;
}

at::Tensor generation(const DiffusionTransformer& dit, const at::Tensor& noise,
                      const DitConditioning& cond, int steps) {
    DitGuidance guidance;
    guidance.cfgScale = 6.0;
    const auto prepared = dit.prepare(cond, guidance);
    KSamplingOptions options;
    options.sampler = "dpmpp-2m";
    options.steps = steps;
    options.sigmaMin = 0.3;
    options.sigmaMax = 500.0;
    return sampleK(
        [&](const at::Tensor& x, const at::Tensor& t) { return dit.forward(x, t, prepared); },
        noise, at::Tensor(), options, nullptr);
}

} // namespace

nlohmann::json runLoraBenchmark(const LoraBenchmarkOptions& o,
                                const std::function<void(const std::string&)>& log) {
    auto say = [&](const std::string& s) {
        if (log)
            log(s);
    };
    if (o.threads > 0)
        at::set_num_threads(o.threads);
    nlohmann::json result;
    result["threads"] = at::get_num_threads();

    // ---- tiny parity model with the parity LoRA
    {
        const ModelConfig config = loadModelConfig(join(o.parityDir, "model_config.json"));
        DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
        dit.load(WeightSource::open(join(o.parityDir, "model.safetensors")));
        ParameterList params;
        dit.collectParameters(params, "model.model.");
        auto lora = std::make_shared<LoraFile>(readLoraFile(join(o.parityDir, "lora_tiny.ckpt")));
        LoraMerger merger(params.named());
        const SafetensorsFile data = SafetensorsFile::open(join(o.parityDir, "lora.safetensors"));
        DitConditioning cond;
        cond.crossAttnCond = data.tensorF32("input.cross_attn_cond");
        cond.globalCond = data.tensorF32("input.global_cond");
        const at::Tensor x = data.tensorF32("input.x"), t = data.tensorF32("input.t");
        LoraSpec spec(lora, 1.0);
        spec.config = LoraTrainingConfig::fromModelConfig(config);

        say("tiny model: strength switches");
        int flip = 0;
        nlohmann::json tiny;
        tiny["lora_modules"] = lora->modules.size();
        tiny["switch"] = measure(o.repeats, [&] {
            spec.strength = (flip++ % 2) ? 0.5 : 1.0;
            merger.apply({spec});
        });
        {
            std::vector<double> only;
            for (int i = 0; i < o.repeats; ++i) {
                merger.apply({spec});
                only.push_back(timeMs([&] { merger.unmerge(); }));
            }
            tiny["unmerge"] = {{"median_ms", median(only)}, {"repeats", o.repeats}};
        }
        merger.apply({spec});
        say("tiny model: DiT forwards");
        DitGuidance guidance;
        guidance.cfgScale = 6.0;
        tiny["dit_forward_cfg6_batch2"] =
            measure(o.repeats, [&] { dit.forward(x, t, cond, guidance); });
        say("tiny model: generations");
        const at::Tensor noise = at::randn(x.sizes());
        tiny["generation"] =
            measure(std::max(3, o.repeats / 3), [&] { generation(dit, noise, cond, o.steps); });
        tiny["generation"]["what"] = "dpmpp-2m, " + std::to_string(o.steps) +
                                     " steps, CFG 6, batch 2 (DiT only: no T5 / VAE)";
        const double sw = tiny["switch"]["median_ms"].get<double>();
        tiny["switch_over_forward"] =
            sw / tiny["dit_forward_cfg6_batch2"]["median_ms"].get<double>();
        tiny["switch_over_generation"] = sw / tiny["generation"]["median_ms"].get<double>();
        merger.unmerge();
        result["tiny"] = tiny;
    }

    // ---- SAO 1.0 width (embed 1536, 24 heads, cond 768), a few layers, random weights
    if (o.syntheticLayers > 0) {
        say("synthetic SAO-1.0-width model: " + std::to_string(o.syntheticLayers) + " layers");
        DitConfig c;
        c.ioChannels = 64;
        c.embedDim = 1536;
        c.numHeads = 24;
        c.depth = o.syntheticLayers;
        c.condTokenDim = 768;
        c.projectCondTokens = false;
        c.globalCondDim = 1536;
        DiffusionTransformer dit(c, DiffusionObjective::V);
        ParameterList params;
        dit.collectParameters(params, "model.model.");
        at::manual_seed(0);
        int64_t elements = 0;
        for (const auto& entry : params.entries()) {
            *entry.tensor = at::randn(entry.shape) * 0.02;
            elements += entry.tensor->numel();
        }
        // LoRA on every Linear under transformer/ (2 + 7 per layer), rank r.
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        int64_t loraModules = 0, transformerElements = 0;
        for (const auto& entry : params.entries()) {
            const std::string& n = entry.name;
            const bool linear = entry.shape.size() == 2 &&
                                n.find(".transformer.") != std::string::npos && n.size() > 7 &&
                                n.compare(n.size() - 7, 7, ".weight") == 0;
            if (!linear)
                continue;
            std::string id = n.substr(0, n.size() - 7);
            std::replace(id.begin(), id.end(), '.', '/');
            tensors.emplace_back(id + "/lora_down.weight",
                                 at::randn({o.syntheticRank, entry.shape[1]}) * 0.01);
            tensors.emplace_back(id + "/lora_up.weight",
                                 at::randn({entry.shape[0], o.syntheticRank}) * 0.01);
            ++loraModules;
            transformerElements += entry.shape[0] * entry.shape[1];
        }
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(tensors, "synthetic"));
        LoraMerger merger(params.named());
        LoraSpec spec(lora, 1.0);
        int flip = 0;
        nlohmann::json s;
        s["layers"] = o.syntheticLayers;
        s["rank"] = o.syntheticRank;
        s["lora_modules"] = loraModules;
        s["dit_parameters"] = elements;
        s["merged_parameters"] = transformerElements;
        s["switch"] = measure(o.syntheticRepeats, [&] {
            spec.strength = (flip++ % 2) ? 0.5 : 1.0;
            merger.apply({spec});
        });
        const at::Tensor x = at::randn({1, 64, o.syntheticLength});
        const at::Tensor t = at::full({1}, 0.5);
        DitConditioning cond;
        cond.crossAttnCond = at::randn({1, 65, 768});
        cond.globalCond = at::randn({1, 1536});
        DitGuidance guidance;
        guidance.cfgScale = 7.0;
        s["dit_forward_cfg7_batch1"] = measure(std::max(1, o.syntheticRepeats / 2),
                                               [&] { dit.forward(x, t, cond, guidance); });
        s["latent_length"] = o.syntheticLength;
        const double sw = s["switch"]["median_ms"].get<double>();
        const double fw = s["dit_forward_cfg7_batch1"]["median_ms"].get<double>();
        s["switch_over_forward"] = sw / fw;
        // Both scale ~linearly with depth: estimate for the 24-layer SAO 1.0 DiT.
        s["estimate_24_layers_switch_ms"] = sw / o.syntheticLayers * 24;
        s["estimate_24_layers_forward_ms"] = fw / o.syntheticLayers * 24;
        s["estimate_100_step_generation_switch_ratio"] = sw / (100 * fw);
        merger.unmerge();
        result["synthetic_sao10_width"] = s;
    }
    return result;
}

} // namespace footfall
