// How many sampler steps are enough: for every sampler of a model, the final latents at N steps
// against the same sampler's 100-step result (relative L2), from the same starting noise,
// conditioning and noise stream. Prints, per sampler, the fewest steps within --within (default
// 0.05) of 100 steps: the numbers behind the app's draft preset (core/generation/draft.h).
// Usage: bench_steps [--parity DIR] [--model DIR] [--within D] [--steps 4,8,...] [--samplers a,b]
//   --parity DIR  the fixtures' tiny models (model_config.json, model_config_small.json), default
//                 ../shared/parity next to the source tree
//   --model DIR   a full-size Stable Audio Open folder (random weights are fine), 6 s take
#include "bench_args.h"
#include "model/runtime/torch_runtime.h"
#include "model/sao/model_files.h"
#include "model/sao/sao_model.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace footfall;
using namespace footfall::model;

namespace {

double relativeL2(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).norm().item<double>() /
           b.to(at::kDouble).norm().item<double>();
}

struct Model {
    std::string label;
    std::unique_ptr<SaoPipeline> pipeline;
    ConditioningInputs cond;
    at::Tensor noise;
    double cfg = 7.0;
};

Model parityModel(const std::string& dir, const std::string& config, const std::string& weights) {
    SaoModelFiles files;
    files.modelConfig = dir + "/" + config;
    files.weights = dir + "/" + weights;
    files.t5Config = dir + "/t5_config.json";
    files.t5Weights = dir + "/t5_encoder.safetensors";
    DeviceSettings settings;
    settings.device = "cpu";
    Model m;
    m.label = "tiny " + config;
    m.pipeline = std::make_unique<SaoPipeline>(files, settings);
    SaoPipeline& p = *m.pipeline;
    p.ensureLoaded();
    // Token ids instead of a tokenizer: a fixed prompt of 12 tokens.
    at::manual_seed(5);
    const at::Tensor ids = at::randint(1, 30, {1, 12}, at::TensorOptions(at::kLong));
    const at::Tensor mask = at::ones({1, 12}, at::TensorOptions(at::kBool));
    std::vector<ConditioningMetadata> meta(1);
    for (const auto& c : p.config().conditioning.configs)
        if (c.type == "number")
            meta[0].numbers[c.id] = c.id == "seconds_start" ? 0.0 : 1.0;
    m.cond = assembleConditioning(p.conditioner().withTokens(meta, "prompt", ids, mask),
                                  p.config().diffusion);
    m.noise = at::randn(
        {1, p.config().ioChannels > 0 ? p.config().ioChannels : p.config().diffusion.dit.ioChannels,
         p.config().latentLength()});
    m.cfg = p.config().diffusion.isRectifiedFlow() ? 1.0 : 7.0;
    return m;
}

Model fullModel(const std::string& dir) {
    DeviceSettings settings;
    settings.device = "cpu";
    Model m;
    m.label = "full size " + dir;
    m.pipeline = std::make_unique<SaoPipeline>(locateSaoModel(dir, {}, {}, {}), settings);
    SaoPipeline& p = *m.pipeline;
    p.ensureLoaded();
    ConditioningMetadata meta;
    for (const auto& t5 : p.conditioner().t5Conditioners())
        meta.texts[t5->id()] = "heavy boots on wet marble";
    meta.numbers["seconds_start"] = 0;
    meta.numbers["seconds_total"] = 6;
    m.cond = p.condition({meta});
    const LatentPlan plan = p.plan(6.0, false);
    at::manual_seed(5);
    m.noise = at::randn({1, p.config().diffusion.dit.ioChannels, plan.latentLength});
    return m;
}

} // namespace

int main(int argc, char** argv) {
    std::string parity =
        (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "shared" /
         "parity")
            .string();
    std::string modelDir;
    double within = 0.05;
    std::vector<int64_t> counts = {4, 8, 12, 16, 20, 30, 50};
    std::vector<std::string> only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const std::string v = i + 1 < argc ? argv[i + 1] : "";
        if (a == "--parity")
            parity = v, ++i;
        else if (a == "--model")
            modelDir = v, ++i;
        else if (a == "--within")
            within = std::stod(v), ++i;
        else if (a == "--samplers")
            only = bench::splitList(v), ++i;
        else if (a == "--steps") {
            counts.clear();
            for (const auto& s : bench::splitList(v))
                counts.push_back(std::stoll(s));
            ++i;
        } else {
            std::cerr << "usage: bench_steps [--parity DIR] [--model DIR] [--within D] "
                         "[--steps 4,8,...] [--samplers a,b]\n";
            return 2;
        }
    }
    initTorchRuntime();
    std::vector<Model> models;
    try {
        if (!modelDir.empty()) {
            models.push_back(fullModel(modelDir));
        } else {
            models.push_back(parityModel(parity, "model_config.json", "model.safetensors"));
            models.push_back(
                parityModel(parity, "model_config_small.json", "model_small.safetensors"));
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_steps: " << e.what() << "\n";
        return 1;
    }
    nlohmann::json out = nlohmann::json::array();
    for (Model& m : models) {
        SaoPipeline& p = *m.pipeline;
        const bool rf = p.config().diffusion.isRectifiedFlow();
        std::printf("\n%s (%s, CFG %.1f, %s): final latents vs 100 steps, relative L2\n",
                    m.label.c_str(), rf ? "rectified flow" : "v objective", m.cfg,
                    p.device().precision.c_str());
        std::printf("%-14s", "sampler");
        for (int64_t n : counts)
            std::printf(" %7lld", static_cast<long long>(n));
        std::printf("   fewest within %.3g\n", within);
        for (const std::string& sampler : rf ? rfSamplerNames() : kSamplerNames()) {
            if (!only.empty() && std::find(only.begin(), only.end(), sampler) == only.end())
                continue;
            auto sample = [&](int64_t steps) {
                SamplerSettings s;
                s.sampler = sampler;
                s.steps = steps;
                s.cfgScale = m.cfg;
                SeededNoise stream(11);
                return p.sample(m.cond, nullptr, m.noise, {}, s, &stream);
            };
            const auto t0 = std::chrono::steady_clock::now();
            const at::Tensor reference = sample(100);
            const double referenceSeconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::printf("%-14s", sampler.c_str());
            int64_t fewest = -1;
            nlohmann::json errors;
            for (int64_t n : counts) {
                const double err = relativeL2(sample(n), reference);
                errors[std::to_string(n)] = err;
                std::printf(" %7.4f", err);
                std::fflush(stdout);
                if (fewest < 0 && err <= within)
                    fewest = n;
            }
            std::printf("   %s  (100 steps: %.1f s)\n",
                        fewest > 0 ? std::to_string(fewest).c_str() : "none", referenceSeconds);
            out.push_back({{"model", m.label},
                           {"sampler", sampler},
                           {"within", within},
                           {"fewest_steps", fewest > 0 ? nlohmann::json(fewest) : nlohmann::json()},
                           {"relative_l2_by_steps", errors},
                           {"seconds_100_steps", referenceSeconds}});
        }
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
}
