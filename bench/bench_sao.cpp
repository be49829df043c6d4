// Stable Audio Open 1.0 at full size with deterministic random weights (no model files):
// each component timed 1 warm-up + N runs (min and median; peak RSS from /proc/self/status
// VmHWM). Only figures measured in the same run are compared (e.g. --compare-cpu):
//   t5        T5-base encoder on one 128-token prompt
//   dit       one DiT forward with CFG (batch 2) at 130 latents (6 s), real conditioning sizes;
//             the naive form prepares the conditioning inside every call (as the original does)
//   dit_step  the same step with the per-take precompute (prepare() once, forward per step)
//   dit_1024  the prepared step at the full 47 s window (1024 latents): the length lever
//   vae       Oobleck decode of 130 latents
// Usage: bench_sao [--device cpu|cuda] [--dtype fp32|fp16|bf16] [--storage fp32|fp16|bf16]
//                  [--runs N] [--only t5|dit|vae] [--threads N] [--long-runs N] [--no-long]
//                  [--config model_config.json] [--compare-cpu]
// --dtype is the compute dtype (activations), --storage the weights' dtype (default: the same);
// on the CPU, --storage bf16/fp16 keeps half the weight bytes and still computes float32 (each
// weight upcast right before its op). "peak RSS during runs" resets VmHWM after building (via
// /proc/self/clear_refs), so the random-weight generation does not count.
// Prints a table and one JSON line. --compare-cpu
// times nothing: it runs each component on the device and on the CPU (float32) with the same
// weights and inputs and prints the largest differences (scripts/device-check uses it).
// A 6 s DiT CFG step takes ~15 s on a 2-core CPU; the 1024-latent step ~8x that.
#include "model/runtime/torch_runtime.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/sao_model.h"
#include "model/sao/t5_encoder.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

using namespace footfall;
using namespace footfall::model;
using nlohmann::json;

namespace {

struct Options {
    std::string device = "cpu";
    std::string dtype = "fp32";
    std::string storage; // empty: the compute dtype
    int runs = 3;
    int longRuns = -1; // -1: 1 on the CPU (a 1024-latent CFG step takes minutes there), else runs
    bool noLong = false;
    std::string only; // empty: all
    int threads = 0;  // 0: as the app (initTorchRuntime: the machine's cores)
    std::string config;
    bool compareCpu = false; // CUDA: same weights and inputs on the CPU (fp32), max differences
};

[[noreturn]] void usage(const std::string& error) {
    std::cerr
        << "bench_sao: " << error << "\n"
        << "usage: bench_sao [--device cpu|cuda] [--dtype fp32|fp16|bf16]\n"
           "                 [--storage fp32|fp16|bf16] [--runs N]\n"
           "                 [--only t5|dit|vae] [--threads N] [--long-runs N] [--no-long]\n"
           "                 [--config sao-1.0-model_config.json] [--compare-cpu]\n"
           "--compare-cpu (meant for --device cuda): no timings; runs T5, the DiT CFG forward and\n"
           "the VAE decode with the same weights and inputs on the device and on the CPU\n"
           "(fp32) and prints the largest differences.\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    o.config = (std::filesystem::path(__FILE__).parent_path().parent_path() / "tests" / "model" /
                "data" / "sao-1.0-model_config.json")
                   .string();
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                usage(a + " needs a value");
            return argv[++i];
        };
        try {
            if (a == "--device")
                o.device = next();
            else if (a == "--dtype")
                o.dtype = next();
            else if (a == "--storage")
                o.storage = next();
            else if (a == "--runs")
                o.runs = std::stoi(next());
            else if (a == "--long-runs")
                o.longRuns = std::stoi(next());
            else if (a == "--no-long")
                o.noLong = true;
            else if (a == "--only")
                o.only = next();
            else if (a == "--threads")
                o.threads = std::stoi(next());
            else if (a == "--config")
                o.config = next();
            else if (a == "--compare-cpu")
                o.compareCpu = true;
            else if (a == "--help" || a == "-h")
                usage("help");
            else
                usage("unknown option " + a);
        } catch (const std::logic_error&) {
            usage("bad number for " + a);
        }
    }
    if (o.device != "cpu" && o.device != "cuda")
        usage("--device must be cpu or cuda");
    if (o.dtype != "fp32" && o.dtype != "fp16" && o.dtype != "bf16")
        usage("--dtype must be fp32, fp16 or bf16");
    if (o.storage.empty())
        o.storage = o.dtype;
    if (o.storage != "fp32" && o.storage != "fp16" && o.storage != "bf16")
        usage("--storage must be fp32, fp16 or bf16");
    if (!o.only.empty() && o.only != "t5" && o.only != "dit" && o.only != "vae")
        usage("--only must be t5, dit or vae");
    if (o.runs < 1)
        usage("--runs must be at least 1");
    return o;
}

// /proc/self/status field in MB (VmHWM: peak RSS, VmRSS: current).
double procStatusMb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::atof(line.c_str() + key.size()) / 1024.0; // kB
    return 0.0;
}

// Resets VmHWM to the current RSS (Linux >= 4.0: "5" > /proc/self/clear_refs).
bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

double processCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Waits for the device: reading one value back synchronises the CUDA stream (no CUDA headers
// needed; the reduction is negligible next to what it waits for).
void sync(const at::Tensor& t) {
    if (t.defined() && t.is_cuda())
        (void)t.sum().item<double>();
}

struct Timing {
    std::vector<double> runs;
    double warmup = 0;
    double cpuOverWall = 0; // process CPU seconds / wall seconds over the timed runs
    double min() const { return *std::min_element(runs.begin(), runs.end()); }
    double median() const {
        std::vector<double> s = runs;
        std::sort(s.begin(), s.end());
        const size_t n = s.size();
        return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
};

Timing timeIt(const std::string& label, int warmups, int runs,
              const std::function<at::Tensor()>& fn) {
    Timing t;
    for (int i = 0; i < warmups; ++i) {
        const double t0 = now();
        sync(fn());
        t.warmup = now() - t0;
        std::fprintf(stderr, "  %-10s warm-up %.3f s\n", label.c_str(), t.warmup);
    }
    const double cpu0 = processCpuSeconds(), wall0 = now();
    for (int i = 0; i < runs; ++i) {
        const double t0 = now();
        sync(fn());
        t.runs.push_back(now() - t0);
        std::fprintf(stderr, "  %-10s run %d %.3f s\n", label.c_str(), i + 1, t.runs.back());
    }
    t.cpuOverWall = (processCpuSeconds() - cpu0) / std::max(1e-9, now() - wall0);
    return t;
}

// Deterministic weights in the range an initialised network has, so activations stay finite
// (denormals or infinities would distort CPU timings): matrices/convs ~ N(0, 1/fan_in), norm
// scales 1, biases/shifts 0, SnakeBeta log-scale parameters 0, weight_norm g 1, rotary
// frequencies as the original computes them.
at::Tensor randomWeight(const std::string& name, const std::vector<int64_t>& shape,
                        const at::TensorOptions& options) {
    auto endsWith = [&](const std::string& s) {
        return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    const auto f32 = options.dtype(at::kFloat);
    at::Tensor t;
    if (endsWith("inv_freq")) {
        const int64_t half = shape.at(0);
        t = at::pow(10000.0, -at::arange(0, 2 * half, 2, f32) / static_cast<double>(2 * half));
    } else if (endsWith("timestep_features.weight")) {
        t = at::randn(shape, f32);
    } else if (endsWith("weight_g") || endsWith("gamma") || endsWith("norm.weight") ||
               endsWith("layer_norm.weight")) {
        t = at::ones(shape, f32);
    } else if (shape.size() == 1 || endsWith("alpha") || endsWith("beta") || endsWith("bias")) {
        t = at::zeros(shape, f32);
    } else {
        int64_t fanIn = 1;
        for (size_t i = 1; i < shape.size(); ++i)
            fanIn *= shape[i];
        t = at::randn(shape, f32).mul_(1.0 / std::sqrt(static_cast<double>(fanIn)));
    }
    return t.to(options.dtype().toScalarType());
}

// Random weights generated in float32 and stored in `storage` (one tensor at a time, so the
// float32 copy of the whole model never exists); the DiT's angle buffers stay in the compute
// dtype as DiffusionTransformer::load keeps them.
void fill(const ParameterList& params, const at::TensorOptions& options, at::ScalarType storage,
          bool isDit) {
    for (const NamedParameter& p : params.entries()) {
        const bool keep = isDit && DiffusionTransformer::keepsComputePrecision(p.name);
        *p.tensor = randomWeight(p.name, p.shape,
                                 options.dtype(keep ? options.dtype().toScalarType() : storage));
    }
}

// The modules under test, all resident at once (as a generation holds them).
struct Modules {
    std::unique_ptr<T5Encoder> t5;
    std::unique_ptr<DiffusionTransformer> dit;
    std::unique_ptr<OobleckVae> vae;
    std::map<std::string, at::Tensor> vaeWeights; // the decoder's checkpoint tensors
};

T5Config t5BaseConfig() {
    T5Config tc; // t5-base config.json
    tc.vocabSize = 32128;
    tc.dModel = 768;
    tc.dKv = 64;
    tc.dFf = 3072;
    tc.numLayers = 12;
    tc.numHeads = 12;
    return tc;
}

// Random weights stored in `storage` computing in `options`' dtype, or (copyFrom) the same
// weights as another set, converted.
Modules buildModules(const ModelConfig& config, const std::function<bool(const char*)>& wants,
                     const at::TensorOptions& options, at::ScalarType storage,
                     const Modules* copyFrom = nullptr) {
    const at::ScalarType compute = options.dtype().toScalarType();
    auto copyOrFill = [&](const ParameterList& params, const ParameterList* from, bool isDit) {
        if (!from) {
            fill(params, options, storage, isDit);
            return;
        }
        for (size_t i = 0; i < params.size(); ++i) {
            const auto& e = params.entries()[i];
            const bool keep = isDit && DiffusionTransformer::keepsComputePrecision(e.name);
            *e.tensor = from->entries()[i].tensor->to(options.dtype(keep ? compute : storage));
        }
    };
    Modules m;
    if (wants("t5")) {
        m.t5 = std::make_unique<T5Encoder>(t5BaseConfig());
        ParameterList params, from;
        m.t5->collectParameters(params);
        if (copyFrom)
            copyFrom->t5->collectParameters(from);
        copyOrFill(params, copyFrom ? &from : nullptr, false);
        m.t5->to({storage, options.device(), compute}); // sets the compute dtype
    }
    if (wants("dit")) {
        m.dit = std::make_unique<DiffusionTransformer>(config.diffusion.dit,
                                                       config.diffusion.objective);
        ParameterList params, from;
        m.dit->collectParameters(params);
        if (copyFrom)
            copyFrom->dit->collectParameters(from);
        copyOrFill(params, copyFrom ? &from : nullptr, true);
        m.dit->setComputeDtype(compute);
    }
    if (wants("vae")) {
        const PretransformConfig& vc = config.pretransform;
        const std::string prefix = "pretransform.model.";
        if (copyFrom) {
            m.vaeWeights = copyFrom->vaeWeights;
        } else {
            // The checkpoint's tensors in the compute dtype (float32 on the CPU, as SAO 1.0's
            // file): the VAE folds the weight norm from them and stores the result.
            for (const auto& [name, shape] : oobleckParameterShapes(vc, prefix))
                if (name.rfind(prefix + "decoder.", 0) == 0)
                    m.vaeWeights[name] = randomWeight(name, shape, options);
        }
        WeightSource source;
        source.addTensors(m.vaeWeights, "random weights");
        VaeLoadOptions lo;
        lo.prefix = prefix;
        lo.target = {storage, options.device(), compute};
        lo.withEncoder = false;
        m.vae = std::make_unique<OobleckVae>(vc, source, lo);
    }
    return m;
}

struct Row {
    std::string name;
    std::string what;
    Timing timing;
};

at::ScalarType scalarType(const std::string& dtype) {
    return dtype == "fp16" ? at::kHalf : dtype == "bf16" ? at::kBFloat16 : at::kFloat;
}

// SAO 1.0's DiT conditioning sizes: cross-attention tokens = T5's max_length + one per number
// conditioner listed there; global = the number conditioners' embeddings side by side.
int64_t crossAttentionTokens(const ModelConfig& config) {
    int64_t tokens = 0;
    for (const std::string& id : config.diffusion.crossAttentionCondIds) {
        const ConditionerConfig* cc = config.conditioning.find(id);
        tokens += cc && cc->type == "t5" ? cc->t5.maxLength : 1;
    }
    return tokens;
}

// --compare-cpu: the same weights and inputs on the device and on the CPU in float32.
int compareWithCpu(const Options& o, const ModelConfig& config,
                   const std::function<bool(const char*)>& wants, const at::TensorOptions& options,
                   const ResolvedDevice& resolved) {
    const auto cpu = at::TensorOptions().dtype(at::kFloat);
    const Modules ref = buildModules(config, wants, cpu, at::kFloat);
    const Modules dev = buildModules(config, wants, options, scalarType(o.storage), &ref);
    json results = json::object();
    std::printf("\n%s %s (weights stored %s) vs cpu float32, same random weights and inputs "
                "(TF32 off)\n",
                resolved.description.c_str(), o.dtype.c_str(), o.storage.c_str());
    std::printf("%-6s %14s %14s %14s %14s\n", "part", "max |cpu|", "max abs diff", "diff/max",
                "rms diff/rms");
    auto report = [&](const char* name, const at::Tensor& a, const at::Tensor& bIn) {
        const at::Tensor b = bIn.to(at::kCPU, at::kFloat);
        const at::Tensor d = (b - a).abs();
        const double maxRef = a.abs().max().item<double>();
        const double maxDiff = d.max().item<double>();
        const double rmsRef = a.pow(2).mean().sqrt().item<double>();
        const double rmsDiff = d.pow(2).mean().sqrt().item<double>();
        const bool finite = b.isfinite().all().item<bool>();
        std::printf("%-6s %14.4g %14.4g %14.4g %14.4g%s\n", name, maxRef, maxDiff, maxDiff / maxRef,
                    rmsDiff / rmsRef, finite ? "" : "  (non-finite values!)");
        results[name] = {{"max_abs_cpu", maxRef},
                         {"max_abs_diff", maxDiff},
                         {"relative_max", maxDiff / maxRef},
                         {"relative_rms", rmsDiff / rmsRef},
                         {"finite", finite}};
    };
    if (ref.t5) {
        const at::Tensor ids = at::randint(0, 32128, {1, 128}, at::TensorOptions(at::kLong));
        const at::Tensor mask = at::ones({1, 128}, at::TensorOptions(at::kBool));
        report("t5", ref.t5->forward(ids, mask), dev.t5->forward(ids, mask));
    }
    if (ref.dit) {
        const DitConfig& dc = config.diffusion.dit;
        DitConditioning cond;
        cond.crossAttnCond = at::randn({1, crossAttentionTokens(config), dc.condTokenDim});
        cond.globalCond = at::randn({1, dc.globalCondDim});
        DitGuidance guidance;
        guidance.cfgScale = 7.0;
        const at::Tensor x = at::randn({1, dc.ioChannels, 130});
        const at::Tensor t = at::full({1}, 0.5);
        report("dit", ref.dit->forward(x, t, cond, guidance),
               dev.dit->forward(x, t, cond, guidance));
    }
    if (ref.vae) {
        const at::Tensor z = at::randn({1, ref.vae->latentChannels(), 130});
        report("vae", ref.vae->decode(z), dev.vae->decode(z));
    }
    json j;
    j["bench"] = "bench_sao --compare-cpu";
    j["device"] = resolved.description;
    j["dtype"] = o.dtype;
    j["storage"] = o.storage;
    j["results"] = results;
    std::printf("%s\n", j.dump().c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    const TorchRuntimeInfo& runtime = initTorchRuntime(o.threads);
    const bool cuda = o.device == "cuda";
    if (!cuda && o.dtype != "fp32")
        usage("--dtype fp16/bf16 is for --device cuda (the CPU runs float32)");

    ResolvedDevice resolved;
    try {
        resolved = resolveDevice(o.device, o.dtype);
    } catch (const std::exception& e) {
        std::cerr << "bench_sao: " << e.what() << "\n";
        return 1;
    }
    const at::ScalarType dtype = scalarType(o.dtype);
    const auto options = at::TensorOptions().dtype(dtype).device(resolved.device);
    const int longRuns = o.longRuns >= 0 ? o.longRuns : (cuda ? o.runs : 1);
    auto wants = [&](const char* part) { return o.only.empty() || o.only == part; };

    const ModelConfig config = loadModelConfig(o.config);
    const DitConfig& dc = config.diffusion.dit;
    at::manual_seed(1234);

    const std::string loadStart = loadAverage();
    std::fprintf(stderr,
                 "bench_sao: %s, %s, at::get_num_threads() %d, BLAS %s, torch %s, load average "
                 "%s\n",
                 resolved.description.c_str(), o.dtype.c_str(), at::get_num_threads(),
                 runtime.blas.empty() ? "?" : runtime.blas.c_str(), runtime.torchVersion.c_str(),
                 loadStart.c_str());

    // --- build the modules (all resident at once, as a generation holds them) ----------------
    const double buildStart = now();
    if (o.compareCpu)
        return compareWithCpu(o, config, wants, options, resolved);
    Modules modules = buildModules(config, wants, options, scalarType(o.storage));
    modules.vaeWeights.clear(); // only a --compare-cpu reference needs them
    const auto& t5 = modules.t5;
    const auto& dit = modules.dit;
    const auto& vae = modules.vae;
    if (cuda)
        sync(at::ones({1}, options));
    const double buildSeconds = now() - buildStart;
    const double rssAfterBuild = procStatusMb("VmRSS");
    const double peakRssBuild = procStatusMb("VmHWM");
    const bool hwmReset = resetPeakRss();
    std::fprintf(stderr, "bench_sao: modules built in %.1f s, RSS %.0f MB (peak %.0f MB)\n",
                 buildSeconds, rssAfterBuild, peakRssBuild);

    std::vector<Row> rows;
    const int64_t shortLength = 130; // ceil(6 s * 44100 / 2048)
    const int64_t longLength = config.latentLength();

    if (t5) {
        const at::Tensor ids =
            at::randint(0, 32128, {1, 128}, at::TensorOptions(at::kLong)).to(resolved.device);
        const at::Tensor mask =
            at::ones({1, 128}, at::TensorOptions(at::kBool)).to(resolved.device);
        Row r{"t5", "T5-base encoder, 1 x 128 tokens", {}};
        r.timing = timeIt("t5", 1, o.runs, [&] { return t5->forward(ids, mask); });
        rows.push_back(r);
    }

    if (dit) {
        const int64_t crossTokens = crossAttentionTokens(config);
        DitConditioning cond;
        if (dc.condTokenDim > 0)
            cond.crossAttnCond = at::randn({1, crossTokens, dc.condTokenDim}, options);
        if (dc.globalCondDim > 0)
            cond.globalCond = at::randn({1, dc.globalCondDim}, options);
        DitGuidance guidance;
        guidance.cfgScale = 7.0;
        const at::Tensor t = at::full({1}, 0.5, options); // sigma sin(pi/4): inside the interval
        auto latents = [&](int64_t length) {
            return at::randn({1, dc.ioChannels, length}, options);
        };
        const at::Tensor x = latents(shortLength);
        std::fprintf(stderr, "bench_sao: DiT %lld cross tokens, global %lld, CFG batch 2\n",
                     static_cast<long long>(crossTokens), static_cast<long long>(dc.globalCondDim));

        Row naive{"dit", "DiT fwd CFG b2, 130 latents, prepare() inside (as the original)", {}};
        naive.timing = timeIt("dit", 1, o.runs, [&] { return dit->forward(x, t, cond, guidance); });
        rows.push_back(naive);

        DiffusionTransformer::Prepared prepared;
        Row prep{"dit_prepare", "DiT prepare() once per take (cross K/V, global embed)", {}};
        prep.timing = timeIt("prepare", 1, o.runs, [&] {
            prepared = dit->prepare(cond, guidance);
            return prepared.keys.empty() ? prepared.globalEmbed : prepared.keys.back();
        });
        rows.push_back(prep);

        Row step{"dit_step", "DiT step CFG b2, 130 latents, prepared once per take", {}};
        step.timing = timeIt("dit_step", 1, o.runs, [&] { return dit->forward(x, t, prepared); });
        rows.push_back(step);

        if (!o.noLong && longRuns > 0) {
            const at::Tensor xl = latents(longLength);
            Row lr{"dit_" + std::to_string(longLength),
                   "DiT step CFG b2, " + std::to_string(longLength) +
                       " latents (full window), prepared",
                   {}};
            lr.timing = timeIt(lr.name, cuda ? 1 : 0, longRuns,
                               [&] { return dit->forward(xl, t, prepared); });
            rows.push_back(lr);
        }
    }

    if (vae) {
        const at::Tensor z = at::randn({1, vae->latentChannels(), shortLength}, options);
        Row r{"vae", "Oobleck decode, 130 latents (266240 samples)", {}};
        r.timing = timeIt("vae", 1, o.runs, [&] { return vae->decode(z); });
        rows.push_back(r);
    }

    const double peakRss = std::max(procStatusMb("VmHWM"), hwmReset ? 0.0 : peakRssBuild);
    const double peakRssRuns = hwmReset ? procStatusMb("VmHWM") : 0.0;
    const std::string loadEnd = loadAverage();

    // --- report ------------------------------------------------------------------------------
    std::printf("\nSAO 1.0 full size, random weights: %s, compute %s, weights stored %s, %d "
                "intra-op threads, BLAS %s, MKL %s, oneDNN %s\n",
                resolved.description.c_str(), o.dtype.c_str(), o.storage.c_str(),
                at::get_num_threads(), runtime.blas.empty() ? "?" : runtime.blas.c_str(),
                at::hasMKL() ? "yes" : "no", at::hasMKLDNN() ? "yes" : "no");
    std::printf("load average: %s (start) / %s (end); runs: 1 warm-up + %d", loadStart.c_str(),
                loadEnd.c_str(), o.runs);
    if (!o.noLong && dit)
        std::printf(" (%s %d)", cuda ? "full window 1 warm-up +" : "full window: no warm-up,",
                    longRuns);
    std::printf("\n\n%-12s %10s %10s %8s  %s\n", "component", "min s", "median s", "cpu/wall",
                "what");
    for (const Row& r : rows)
        std::printf("%-12s %10.3f %10.3f %8.2f  %s\n", r.name.c_str(), r.timing.min(),
                    r.timing.median(), r.timing.cpuOverWall, r.what.c_str());
    std::printf("peak RSS (VmHWM) %.0f MB (T5, DiT, VAE encoder and decoder resident); RSS after "
                "building %.0f MB; peak RSS during runs %s MB\n",
                std::max(peakRss, peakRssBuild), rssAfterBuild,
                hwmReset ? std::to_string(std::lround(peakRssRuns)).c_str() : "?");

    json j;
    j["bench"] = "bench_sao";
    j["device"] = resolved.description;
    j["dtype"] = o.dtype;
    j["storage"] = o.storage;
    j["threads"] = at::get_num_threads();
    j["blas"] = runtime.blas;
    j["torch"] = runtime.torchVersion;
    j["mkl"] = at::hasMKL();
    j["mkldnn"] = at::hasMKLDNN();
    j["load_average_start"] = loadStart;
    j["load_average_end"] = loadEnd;
    j["runs"] = o.runs;
    j["build_seconds"] = buildSeconds;
    j["peak_rss_mb"] = std::round(std::max(peakRss, peakRssBuild));
    j["rss_after_build_mb"] = std::round(rssAfterBuild);
    j["peak_rss_build_mb"] = std::round(peakRssBuild);
    if (hwmReset)
        j["peak_rss_runs_mb"] = std::round(peakRssRuns);
    json results = json::object();
    for (const Row& r : rows) {
        json e;
        e["min_s"] = r.timing.min();
        e["median_s"] = r.timing.median();
        e["runs_s"] = r.timing.runs;
        e["cpu_over_wall"] = r.timing.cpuOverWall;
        results[r.name] = e;
    }
    j["results"] = results;
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
