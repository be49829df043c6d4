// footfall-bench: Stable Audio Open 1.0 at full size, component by component, with the app's own
// precision and thread policy (precision auto, the DiT's matmul threads, the VAE on all cores).
// Weights are deterministic random ones (no files needed) or, with --model DIR, a model folder
// loaded through the app's own loader (load_ms is then the real load). Each component: 1
// warm-up + N runs, min and median; peak RSS from /proc/self/status VmHWM.
//   t5        T5-base encoder on one 128-token prompt
//   dit       one DiT forward with CFG (batch 2) at 130 latents (6 s), real conditioning sizes;
//             prepare() inside every call (as the original does)
//   dit_step  the same step with the per-take precompute (prepare() once, forward per step)
//   dit_1024  the prepared step at the full 47 s window (1024 latents)
//   vae       Oobleck decode of 130 latents
// --precision fp32,bf16 measures each precision in the same run on the same weights and inputs:
// ratios are printed only between them, with each reduced precision's quality against fp32
// (relative L2 error of the DiT CFG forward, the VAE decode and T5; the DiT gate is 1e-2,
// kDitGate; --check-gates makes a miss exit 1, the CTest tst_bf16_gate_full_size).
// Usage: footfall-bench [--device cpu|cuda] [--precision auto|fp32|bf16|fp16|bf16-storage[,...]]
//                       [--runs N] [--only t5|dit|vae] [--threads N] [--long-runs N] [--no-long]
//                       [--config model_config.json] [--model DIR] [--json] [--cfg SCALE]
//                       [--latents N] [--compare-cpu] [--check-gates]
// --compare-cpu times nothing: it runs each component on the device and on the CPU (float32)
// with the same weights and inputs and prints the largest differences (scripts/device-check).
// A 6 s DiT CFG step takes seconds on a 2-core CPU; the 1024-latent step ~8x that.
#include "base/process_status.h"
#include "bench_args.h"
#include "model/formats/safetensors.h"
#include "model/runtime/cpu_block_cache.h"
#include "model/runtime/cpu_features.h"
#include "model/runtime/torch_runtime.h"
#include "model/runtime/weights.h"
#include "model/sao/conditioners.h"
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
    std::vector<std::string> precisions = {"auto"}; // as the app; several: measured side by side
    int runs = 3;
    int longRuns = -1; // -1: 1 on the CPU (a 1024-latent CFG step takes minutes there), else runs
    bool noLong = false;
    std::string only; // empty: all
    int threads = 0;  // 0: as the app (initTorchRuntime: the machine's cores)
    std::string config;
    std::string modelDir;    // load this folder through the app's loader instead of random weights
    bool json = false;       // only the JSON line on stdout
    double cfgScale = 7.0;   // the DiT rows' CFG scale
    int64_t latents = 130;   // the take's length in latents: 130 = 6 s of SAO 1.0
    bool compareCpu = false; // CUDA: same weights and inputs on the CPU (fp32), max differences
    bool checkGates = false; // exit 1 when a reduced precision misses its quality gate
    std::string writeModel;  // write a random-weight model folder for --config here, then exit
    std::string t5From;      // ... with text_encoder/ and tokenizer/ linked from this folder
};

// One DiT forward with CFG at full size against float32 (relative L2 error): the quality target
// of the CPU's bf16 path. Met with oneDNN's float32-result kernel (onednn_linear.h: 0.92% on
// random SAO 1.0 weights, AMD EPYC); ATen's bf16 linear misses it (1.18%), so resolveDevice's
// auto does not choose bf16 without that kernel.
constexpr double kDitGate = 1e-2;

[[noreturn]] void usage(const std::string& error) {
    std::cerr
        << "footfall-bench: " << error << "\n"
        << "usage: footfall-bench [--device cpu|cuda] [--precision NAME[,NAME...]] [--runs N]\n"
           "                      [--only t5|dit|vae] [--threads N] [--long-runs N] [--no-long]\n"
           "                      [--config sao-1.0-model_config.json] [--model DIR] [--json]\n"
           "                      [--cfg SCALE] [--latents N] [--compare-cpu] [--check-gates]\n"
           "       footfall-bench --write-model DIR --t5-from SAO_FOLDER [--config CONFIG]\n"
           "--latents N: the take's length (default 130 = 6 s); --cfg 1: no guidance (SAO small).\n"
           "--precision: auto (default: what the app picks on this machine), fp32, bf16, fp16,\n"
           "bf16-storage; a comma-separated list runs each on the same weights and inputs and\n"
           "compares them (speed ratios and quality against fp32). --dtype is an alias.\n"
           "--model DIR: a Stable Audio Open folder, loaded as the app loads it (load_ms).\n"
           "--json: print only the JSON result line on stdout.\n"
           "--write-model DIR: a model folder for --config with random weights (as this bench\n"
           "uses), laid out like the published ones; text_encoder/ and tokenizer/ are links to\n"
           "those of --t5-from (e.g. a folder from make_full_random_model.py). For end-to-end\n"
           "runs of models that tool does not write (SAO small).\n"
           "--check-gates: exit 1 when a reduced precision's DiT forward is further than 1e-2\n"
           "(relative L2) from fp32's (list fp32 among the precisions).\n"
           "--compare-cpu (meant for --device cuda): no timings; runs T5, the DiT CFG forward and\n"
           "the VAE decode with the same weights and inputs on the device and on the CPU\n"
           "(fp32) and prints the largest differences.\n";
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    o.config = FOOTFALL_BENCH_DEFAULT_CONFIG;
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
            else if (a == "--precision" || a == "--dtype")
                o.precisions = bench::splitList(next());
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
            else if (a == "--model")
                o.modelDir = next();
            else if (a == "--cfg")
                o.cfgScale = std::stod(next());
            else if (a == "--latents")
                o.latents = std::stoll(next());
            else if (a == "--json")
                o.json = true;
            else if (a == "--write-model")
                o.writeModel = next();
            else if (a == "--t5-from")
                o.t5From = next();
            else if (a == "--check-gates")
                o.checkGates = true;
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
    if (o.precisions.empty())
        usage("--precision needs at least one name");
    if (!o.only.empty() && o.only != "t5" && o.only != "dit" && o.only != "vae")
        usage("--only must be t5, dit or vae");
    if (o.latents < 1)
        usage("--latents must be at least 1");
    if (o.runs < 1)
        usage("--runs must be at least 1");
    if (o.compareCpu && !o.modelDir.empty())
        usage("--compare-cpu uses random weights; leave out --model");
    return o;
}

// Messages for the reader go to stderr; with --json stdout holds only the JSON line.
bool g_quiet = false;
#define SAY(...)                                                                                   \
    do {                                                                                           \
        if (!g_quiet)                                                                              \
            std::printf(__VA_ARGS__);                                                              \
    } while (0)

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
          bool isDit, bool mixed) {
    for (const NamedParameter& p : params.entries()) {
        const bool keep = isDit && DiffusionTransformer::keepsComputePrecision(p.name, mixed);
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

double relativeL2(const at::Tensor& a, const at::Tensor& reference) {
    const at::Tensor r = reference.to(at::kCPU, at::kDouble);
    return (a.to(at::kCPU, at::kDouble) - r).norm().item<double>() /
           std::max(1e-30, r.norm().item<double>());
}

// --write-model: every checkpoint tensor the loader expects for `config` (DiT, conditioners,
// the whole VAE), random as in these benches, in one model.safetensors next to the config.
int writeRandomModel(const Options& o, const ModelConfig& config) {
    namespace fs = std::filesystem;
    if (o.t5From.empty() || !fs::is_directory(fs::path(o.t5From) / "text_encoder") ||
        !fs::is_directory(fs::path(o.t5From) / "tokenizer"))
        usage("--write-model needs --t5-from FOLDER with text_encoder/ and tokenizer/");
    const fs::path dir(o.writeModel);
    fs::create_directories(dir);
    ParameterList params;
    DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
    dit.collectParameters(params);
    MultiConditioner conditioner(config.conditioning, t5BaseConfig(), nullptr);
    conditioner.collectParameters(params);
    const auto f32 = at::TensorOptions().dtype(at::kFloat);
    at::manual_seed(0);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const NamedParameter& p : params.entries())
        tensors.emplace_back(p.name, randomWeight(p.name, p.shape, f32));
    for (const auto& [name, shape] :
         oobleckParameterShapes(config.pretransform, "pretransform.model."))
        tensors.emplace_back(name, randomWeight(name, shape, f32));
    writeSafetensors((dir / "model.safetensors").string(), tensors);
    fs::copy_file(o.config, dir / "model_config.json", fs::copy_options::overwrite_existing);
    for (const char* part : {"text_encoder", "tokenizer"}) {
        fs::remove(dir / part);
        fs::create_directory_symlink(fs::absolute(fs::path(o.t5From) / part), dir / part);
    }
    int64_t count = 0;
    for (const auto& t : tensors)
        count += t.second.numel();
    std::fprintf(stderr, "footfall-bench: wrote %s (%zu tensors, %lld parameters)\n",
                 dir.string().c_str(), tensors.size(), static_cast<long long>(count));
    return 0;
}

// Random weights for the precision `r` (storage, compute and matmul dtypes as the app loads them),
// or (copyFrom) the same weights as another set, converted.
Modules buildModules(const ModelConfig& config, const std::function<bool(const char*)>& wants,
                     const ResolvedDevice& r, const Modules* copyFrom = nullptr) {
    const at::ScalarType compute = r.dtype, storage = r.storageDtype;
    const auto options = at::TensorOptions().dtype(compute).device(r.device);
    auto copyOrFill = [&](const ParameterList& params, const ParameterList* from, bool isDit,
                          at::ScalarType stored) {
        if (!from) {
            fill(params, options, stored, isDit, r.matmulDtype.has_value());
            return;
        }
        for (size_t i = 0; i < params.size(); ++i) {
            const auto& e = params.entries()[i];
            const bool keep = isDit && DiffusionTransformer::keepsComputePrecision(
                                           e.name, r.matmulDtype.has_value());
            *e.tensor = from->entries()[i].tensor->to(options.dtype(keep ? compute : stored));
        }
    };
    Modules m;
    if (wants("t5")) {
        m.t5 = std::make_unique<T5Encoder>(t5BaseConfig());
        ParameterList params, from;
        m.t5->collectParameters(params);
        if (copyFrom)
            copyFrom->t5->collectParameters(from);
        copyOrFill(params, copyFrom ? &from : nullptr, false, r.t5StorageDtype);
        m.t5->to({r.t5StorageDtype, r.device, r.t5Dtype}); // sets the compute dtype
    }
    if (wants("dit")) {
        m.dit = std::make_unique<DiffusionTransformer>(config.diffusion.dit,
                                                       config.diffusion.objective);
        ParameterList params, from;
        m.dit->collectParameters(params);
        if (copyFrom)
            copyFrom->dit->collectParameters(from);
        copyOrFill(params, copyFrom ? &from : nullptr, true, storage);
        m.dit->setComputeDtype(compute);
        m.dit->setMatmulDtype(r.matmulDtype);
        m.dit->packWeights(); // as load() does
    }
    if (wants("vae")) {
        const PretransformConfig& vc = config.pretransform;
        const std::string prefix = "pretransform.model.";
        if (copyFrom) {
            for (const auto& [name, t] : copyFrom->vaeWeights)
                m.vaeWeights[name] = t.to(options);
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
        lo.target = {r.vaeStorageDtype, r.device, compute, r.vaeMatmulDtype};
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
int compareWithCpu(const std::string& precision, const ModelConfig& config,
                   const std::function<bool(const char*)>& wants, const ResolvedDevice& resolved) {
    const ResolvedDevice cpuFp32 = resolveDevice("cpu", "fp32");
    const Modules ref = buildModules(config, wants, cpuFp32);
    const Modules dev = buildModules(config, wants, resolved, &ref);
    json results = json::object();
    std::printf("\n%s %s (weights stored %s) vs cpu float32, same random weights and inputs "
                "(TF32 off)\n",
                resolved.description.c_str(), resolved.precision.c_str(),
                dtypeName(resolved.storageDtype));
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
    j["bench"] = "footfall-bench --compare-cpu";
    j["device"] = resolved.description;
    j["precision"] = precision;
    j["storage"] = dtypeName(resolved.storageDtype);
    j["results"] = results;
    std::printf("%s\n", j.dump().c_str());
    return 0;
}
} // namespace

namespace {

// One precision measured: timings, memory, and the outputs its quality is judged by.
struct PrecisionRun {
    std::string name;
    ResolvedDevice resolved;
    std::vector<Row> rows;
    double loadMs = -1;  // --model: the app's load; else -1
    double buildMs = -1; // random weights: building them
    double peakRssMb = 0, rssAfterLoadMb = 0;
    bool packedWeights = false;                // the DiT's linear weights in oneDNN's layout
    std::map<std::string, at::Tensor> outputs; // float32 on the CPU, same inputs every run
    const Row* row(const std::string& n) const {
        for (const Row& r : rows)
            if (r.name == n)
                return &r;
        return nullptr;
    }
};

PrecisionRun measure(const Options& o, const std::string& precision, const ModelConfig& config,
                     const std::function<bool(const char*)>& wants) {
    PrecisionRun run;
    run.name = precision;
    run.resolved = resolveDevice(o.device, precision);
    const ResolvedDevice& r = run.resolved;
    const bool cuda = r.device.is_cuda();
    const auto options = at::TensorOptions().dtype(r.dtype).device(r.device);
    const int longRuns = o.longRuns >= 0 ? o.longRuns : (cuda ? o.runs : 1);
    const DitConfig& dc = config.diffusion.dit;

    // Inputs first, from their own seed: identical for every precision.
    at::manual_seed(99);
    const int64_t shortLength = o.latents; // default ceil(6 s * 44100 / 2048)
    const at::Tensor ids = at::randint(0, 32128, {1, 128}, at::TensorOptions(at::kLong));
    const at::Tensor mask = at::ones({1, 128}, at::TensorOptions(at::kBool));
    DitConditioning cond;
    if (dc.condTokenDim > 0)
        cond.crossAttnCond = at::randn({1, crossAttentionTokens(config), dc.condTokenDim});
    if (dc.globalCondDim > 0)
        cond.globalCond = at::randn({1, dc.globalCondDim});
    const at::Tensor x = at::randn({1, dc.ioChannels, shortLength});
    const at::Tensor z = at::randn({1, config.pretransform.latentDim, shortLength});
    const at::Tensor xl = at::randn({1, dc.ioChannels, config.latentLength()});
    const at::Tensor t = at::full({1}, 0.5); // sigma sin(pi/4): inside the CFG interval
    DitGuidance guidance;
    guidance.cfgScale = o.cfgScale;

    // The model: loaded as the app loads it, or random weights from a fixed seed (the same
    // weights whatever the precision: generated in float32, then stored as the precision says).
    std::unique_ptr<SaoPipeline> pipeline;
    Modules modules;
    const DiffusionTransformer* dit = nullptr;
    const OobleckVae* vae = nullptr;
    std::function<at::Tensor()> encodeText;
    const double start = now();
    if (!o.modelDir.empty()) {
        DeviceSettings settings;
        settings.device = o.device;
        settings.precision = precision;
        pipeline = std::make_unique<SaoPipeline>(locateSaoModel(o.modelDir, {}, {}, {}), settings);
        pipeline->ensureLoaded();
        run.resolved = pipeline->device();
        dit = &pipeline->dit();
        vae = &pipeline->vae();
        ConditioningMetadata meta;
        std::string prompt = "heavy leather boots walking slowly on wet marble in a large hall";
        while (prompt.size() < 600) // long enough for T5's 128 tokens
            prompt += " with footsteps on gravel, wood and snow";
        for (const auto& t5c : pipeline->conditioner().t5Conditioners())
            meta.texts[t5c->id()] = prompt;
        meta.numbers["seconds_start"] = 0;
        meta.numbers["seconds_total"] = 6;
        encodeText = [&pipeline, meta] {
            const ConditioningInputs in = pipeline->condition({meta});
            return in.crossAttnCond;
        };
        run.loadMs = (now() - start) * 1e3;
        // The DiT rows on the prompt's real conditioning, as a generation sees it.
        const ConditioningInputs real = pipeline->condition({meta});
        cond.crossAttnCond = real.crossAttnCond.to(at::kCPU, at::kFloat);
        cond.globalCond = real.globalCond.to(at::kCPU, at::kFloat);
    } else {
        at::manual_seed(1234);
        modules = buildModules(config, wants, r);
        modules.vaeWeights.clear();
        dit = modules.dit.get();
        vae = modules.vae.get();
        if (modules.t5)
            encodeText = [&modules, &ids, &mask, &r] {
                return modules.t5->forward(ids.to(r.device), mask.to(r.device));
            };
        run.buildMs = (now() - start) * 1e3;
        trimCpuMemory(); // as SaoPipeline after loading: building's temporaries go back
    }
    if (cuda)
        sync(at::ones({1}, options));
    run.rssAfterLoadMb = procStatusMb("VmRSS");
    run.packedWeights = dit && dit->packedWeightCount() > 0;
    const double peakLoad = procStatusMb("VmHWM");
    std::fprintf(stderr, "footfall-bench: %s: model ready in %.1f s, RSS %.0f MB (peak %.0f MB)\n",
                 precision.c_str(), now() - start, run.rssAfterLoadMb, peakLoad);

    if (encodeText && wants("t5")) {
        const MatmulPhaseThreads threads; // as SaoPipeline::condition
        Row row{"t5",
                o.modelDir.empty() ? "T5-base encoder, 1 x 128 tokens"
                                   : "prompt conditioning (tokenizer, T5, numbers)",
                {}};
        row.timing = timeIt("t5", 1, o.runs, encodeText);
        run.outputs["t5"] = encodeText().to(at::kCPU, at::kFloat);
        run.rows.push_back(row);
    }
    if (dit && wants("dit")) {
        const MatmulPhaseThreads threads(r.matmulDtype); // as SaoPipeline::sample
        DitConditioning c = cond;
        if (c.crossAttnCond.defined())
            c.crossAttnCond = c.crossAttnCond.to(options);
        if (c.globalCond.defined())
            c.globalCond = c.globalCond.to(options);
        const at::Tensor xd = x.to(options), td = t.to(options);
        Row naive{"dit",
                  "DiT forward, " + std::to_string(shortLength) + " latents, prepare() inside",
                  {}};
        naive.timing = timeIt("dit", 1, o.runs, [&] { return dit->forward(xd, td, c, guidance); });
        run.rows.push_back(naive);
        DiffusionTransformer::Prepared prepared;
        Row prep{"dit_prepare", "DiT prepare() once per take (cross K/V, global embed)", {}};
        prep.timing = timeIt("prepare", 1, o.runs, [&] {
            prepared = dit->prepare(c, guidance);
            return prepared.keys.empty() ? prepared.globalEmbed : prepared.keys.back();
        });
        run.rows.push_back(prep);
        Row step{"dit_step",
                 "DiT step, " + std::to_string(shortLength) + " latents, prepared once per take",
                 {}};
        step.timing = timeIt("dit_step", 1, o.runs, [&] { return dit->forward(xd, td, prepared); });
        run.rows.push_back(step);
        run.outputs["dit"] = dit->forward(xd, td, prepared).to(at::kCPU, at::kFloat);
        if (!o.noLong && longRuns > 0) {
            const at::Tensor xld = xl.to(options);
            Row lr{"dit_" + std::to_string(xl.size(2)),
                   "DiT step, " + std::to_string(xl.size(2)) + " latents (full window), prepared",
                   {}};
            lr.timing = timeIt(lr.name, cuda ? 1 : 0, longRuns,
                               [&] { return dit->forward(xld, td, prepared); });
            run.rows.push_back(lr);
        }
    }
    if (vae && wants("vae")) {
        const at::Tensor zd = z.to(options);
        Row row{"vae", "Oobleck decode, " + std::to_string(shortLength) + " latents", {}};
        row.timing = timeIt("vae", 1, o.runs, [&] { return vae->decode(zd); });
        run.outputs["vae"] = vae->decode(zd).to(at::kCPU, at::kFloat);
        run.rows.push_back(row);
    }
    run.peakRssMb = procStatusMb("VmHWM");
    return run;
}

double medianMs(const PrecisionRun& run, const std::string& row) {
    const Row* r = run.row(row);
    return r ? r->timing.median() * 1e3 : -1.0;
}

json orNull(double value) {
    return value < 0 ? json() : json(std::round(value * 10) / 10);
}

} // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    g_quiet = o.json;
    const TorchRuntimeInfo& runtime = initTorchRuntime(o.threads);
    auto wants = [&](const char* part) { return o.only.empty() || o.only == part; };
    const CpuFeatures& cpu = cpuFeatures();
    try {
        const ModelConfig config = loadModelConfig(
            o.modelDir.empty() ? o.config : locateSaoModel(o.modelDir, {}, {}, {}).modelConfig);
        if (!o.writeModel.empty())
            return writeRandomModel(o, config);
        if (o.compareCpu)
            return compareWithCpu(o.precisions.front(), config, wants,
                                  resolveDevice(o.device, o.precisions.front()));
        const std::string loadStart = loadAverage();
        std::fprintf(stderr,
                     "footfall-bench: %s (%s), %d ATen threads (DiT fp32 matmul: %d), "
                     "BLAS %s, torch %s, load average %s\n",
                     cpu.modelName.c_str(), cpu.flagList().c_str(), runtime.threads,
                     runtime.matmulThreads, runtime.blas.empty() ? "?" : runtime.blas.c_str(),
                     runtime.torchVersion.c_str(), loadStart.c_str());

        std::vector<PrecisionRun> runs;
        for (const std::string& precision : o.precisions) {
            resetPeakRss(); // each precision's own peak (the previous one's model is freed)
            runs.push_back(measure(o, precision, config, wants));
            trimCpuMemory(); // the previous precision's freed blocks are not the next one's
        }
        const std::string loadEnd = loadAverage();

        // --- report ----------------------------------------------------------------------
        SAY("\nSAO 1.0 full size, %s: CPU %s (%s), %d ATen threads, BLAS %s, torch %s\n",
            o.modelDir.empty() ? "random weights" : o.modelDir.c_str(), cpu.modelName.c_str(),
            cpu.flagList().c_str(), runtime.threads, runtime.blas.c_str(),
            runtime.torchVersion.c_str());
        SAY("load average %s (start) / %s (end); 1 warm-up + %d runs, medians\n", loadStart.c_str(),
            loadEnd.c_str(), o.runs);
        const PrecisionRun* fp32 = nullptr;
        for (const PrecisionRun& run : runs)
            if (run.resolved.precision == "fp32")
                fp32 = fp32 ? fp32 : &run;
        json j;
        j["bench"] = "footfall-bench";
        j["cpu_model"] = cpu.modelName;
        j["cpu_features"] = cpu.flagList();
        j["bf16_matrix_units"] = cpu.hasBf16MatrixUnits();
        j["threads"] = runtime.threads;
        j["fp32_matmul_threads"] = runtime.matmulThreads;
        j["blas"] = runtime.blas;
        j["torch"] = runtime.torchVersion;
        j["weights"] = o.modelDir.empty() ? "random" : o.modelDir;
        j["runs_per_row"] = o.runs;
        j["load_average_start"] = loadStart;
        j["load_average_end"] = loadEnd;
        json list = json::array();
        bool gateFailed = false;
        for (const PrecisionRun& run : runs) {
            const ResolvedDevice& r = run.resolved;
            SAY("\n== precision %s -> %s (%s)%s%s\n", run.name.c_str(), r.precision.c_str(),
                r.precisionReason.c_str(), r.note.empty() ? "" : "; ", r.note.c_str());
            SAY("%-12s %10s %10s %8s  %s\n", "component", "min s", "median s", "cpu/wall", "what");
            for (const Row& row : run.rows)
                SAY("%-12s %10.3f %10.3f %8.2f  %s\n", row.name.c_str(), row.timing.min(),
                    row.timing.median(), row.timing.cpuOverWall, row.what.c_str());
            SAY("peak RSS %.0f MB; RSS with the model loaded %.0f MB%s\n", run.peakRssMb,
                run.rssAfterLoadMb,
                run.loadMs >= 0
                    ? (", load " + std::to_string(std::lround(run.loadMs)) + " ms").c_str()
                    : "");
            json e;
            e["precision"] = r.precision;
            e["requested"] = run.name;
            e["precision_reason"] = r.precisionReason;
            e["device"] = r.description;
            e["matmul_dtype"] = dtypeName(r.matmulDtype.value_or(r.dtype));
            e["matmul_kernel"] = matmulKernelName(r, run.packedWeights);
            e["weights_dtype"] = dtypeName(r.storageDtype);
            e["dit_threads"] = r.matmulDtype && *r.matmulDtype != at::kFloat
                                   ? runtime.threads
                                   : runtime.matmulThreads;
            e["dit_step_ms"] = orNull(medianMs(run, "dit_step"));
            e["dit_forward_ms"] = orNull(medianMs(run, "dit"));
            e["dit_prepare_ms"] = orNull(medianMs(run, "dit_prepare"));
            e["dit_full_window_step_ms"] =
                orNull(medianMs(run, "dit_" + std::to_string(config.latentLength())));
            e["vae_decode_ms"] = orNull(medianMs(run, "vae"));
            e["t5_encode_ms"] = orNull(medianMs(run, "t5"));
            e["load_ms"] = orNull(run.loadMs);
            e["build_ms"] = orNull(run.buildMs);
            e["peak_rss_mb"] = std::round(run.peakRssMb);
            e["rss_loaded_mb"] = std::round(run.rssAfterLoadMb);
            if (fp32 && &run != fp32) {
                // Quality gate: the same inputs and weights against fp32 of this run.
                json q;
                SAY("quality vs fp32 (relative L2 error):");
                for (const auto& [part, out] : run.outputs) {
                    const auto ref = fp32->outputs.find(part);
                    if (ref == fp32->outputs.end())
                        continue;
                    const double err = relativeL2(out, ref->second);
                    q[part + "_rel_l2"] = err;
                    SAY(" %s %.3g", part.c_str(), err);
                }
                if (q.contains("dit_rel_l2")) {
                    const double err = q["dit_rel_l2"].get<double>();
                    q["dit_gate"] = kDitGate;
                    q["dit_passes_gate"] = err <= kDitGate;
                    SAY(" (DiT gate %g: %s)", kDitGate, err <= kDitGate ? "pass" : "FAIL");
                    if (err > kDitGate)
                        gateFailed = true;
                }
                SAY("\n");
                e["quality_vs_fp32"] = q;
                json ratios;
                SAY("time ratio vs fp32, same run:");
                for (const char* part : {"dit_step", "dit", "vae", "t5"}) {
                    const double a = medianMs(run, part), b = medianMs(*fp32, part);
                    if (a > 0 && b > 0) {
                        ratios[part] = a / b;
                        SAY(" %s %.2fx", part, a / b);
                    }
                }
                SAY("\n");
                e["time_ratio_vs_fp32"] = ratios;
            }
            list.push_back(e);
        }
        // The first precision's figures at the top level (the app's when it is "auto").
        for (const auto& [key, value] : list.front().items())
            j[key] = value;
        j["precisions"] = list;
        std::printf("%s\n", j.dump().c_str());
        if (o.checkGates && gateFailed) {
            std::cerr << "footfall-bench: a precision missed its quality gate (see above)\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "footfall-bench: " << e.what() << "\n";
        return 1;
    }
}
