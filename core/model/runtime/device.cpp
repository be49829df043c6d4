#include "model/runtime/device.h"

#include "base/errors.h"
#include "base/precision.h"
#include "model/runtime/onednn_linear.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <cctype>
#include <cstdio>
#include <fstream>

namespace footfall::model {

namespace {

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// GPU name and memory through the CUDA driver API, looked up at run time so that this file
// needs no CUDA headers (Debian's libtorch is CPU-only; CUDA builds of LibTorch work too).
std::string describeCudaDevice(int index) {
    std::string out = "cuda:" + std::to_string(index);
    void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return out;
    using InitFn = int (*)(unsigned);
    using GetFn = int (*)(int*, int);
    using NameFn = int (*)(char*, int, int);
    using MemFn = int (*)(size_t*, int);
    const auto init = reinterpret_cast<InitFn>(dlsym(lib, "cuInit"));
    const auto get = reinterpret_cast<GetFn>(dlsym(lib, "cuDeviceGet"));
    const auto name = reinterpret_cast<NameFn>(dlsym(lib, "cuDeviceGetName"));
    const auto mem = reinterpret_cast<MemFn>(dlsym(lib, "cuDeviceTotalMem_v2"));
    int dev = 0;
    if (init && get && init(0) == 0 && get(&dev, index) == 0) {
        char buffer[256] = {0};
        if (name && name(buffer, sizeof buffer - 1, dev) == 0)
            out += std::string(" ") + buffer;
        size_t bytes = 0;
        if (mem && mem(&bytes, dev) == 0) {
            char gib[32];
            std::snprintf(gib, sizeof gib, "%.1f", static_cast<double>(bytes) / (1ull << 30));
            out += std::string(" (") + gib + " GiB)";
        }
    }
    return out; // the library stays loaded: CUDA keeps using it
}

} // namespace

const char* dtypeName(at::ScalarType type) {
    switch (type) {
    case at::kHalf:
        return "float16";
    case at::kBFloat16:
        return "bfloat16";
    case at::kDouble:
        return "float64";
    default:
        return "float32";
    }
}

ResolvedDevice resolveDevice(const std::string& deviceName, const std::string& precisionName) {
    return resolveDevice(deviceName, precisionName, cpuFeatures());
}

ResolvedDevice resolveDevice(const std::string& deviceName, const std::string& precisionName,
                             const CpuFeatures& cpu) {
    return resolveDevice(deviceName, precisionName, cpu, oneDnnLinearAvailable());
}

ResolvedDevice resolveDevice(const std::string& deviceName, const std::string& precisionName,
                             const CpuFeatures& cpu, bool bf16LinearWithFloatResult) {
    const std::string device = lower(deviceName.empty() ? "auto" : deviceName);
    const std::string precision = lower(precisionName.empty() ? "auto" : precisionName);
    // Names first: a typo is an error whatever the device.
    enum class Asked { Auto, Fp32, Bf16, Fp16, Bf16Storage } asked;
    if (precision == "auto")
        asked = Asked::Auto;
    else if (precision == "fp32" || precision == "float32")
        asked = Asked::Fp32;
    else if (precision == "bf16" || precision == "bfloat16")
        asked = Asked::Bf16;
    else if (precision == "fp16" || precision == "float16" || precision == "half")
        asked = Asked::Fp16;
    else if (precision == "bf16-storage")
        asked = Asked::Bf16Storage;
    else
        throw GenerationError("precision \"" + precisionName + "\" is unknown (" +
                              precisionNameList() + ")");

    const bool cudaUsable = at::hasCUDA() && at::getNumGPUs() > 0;
    ResolvedDevice r;
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
        // at::hasCUDA() is also false when a CUDA build sees no GPU: tell the two apart by
        // whether LibTorch's CUDA library is part of this process.
        const bool cudaBuild = at::hasCUDA() || dlopen("libc10_cuda.so", RTLD_NOLOAD | RTLD_LAZY);
        if (!cudaUsable)
            throw GenerationError(cudaBuild
                                      ? "device cuda was requested, but no CUDA GPU is visible"
                                      : "device cuda was requested, but this LibTorch was built "
                                        "without CUDA (use --device cpu)");
        r.device = at::Device(device == "cuda" ? std::string("cuda:0") : device);
    } else if (device == "auto") {
        r.device = cudaUsable ? at::Device("cuda:0") : at::Device(at::kCPU);
    } else if (device != "cpu") {
        throw GenerationError("device \"" + deviceName + "\" is unknown (auto, cpu or cuda)");
    }

    if (r.device.is_cuda()) {
        // The GPU computes in what is asked; auto stays float32 (the parity reference).
        r.dtype = asked == Asked::Fp16                                  ? at::kHalf
                  : asked == Asked::Bf16 || asked == Asked::Bf16Storage ? at::kBFloat16
                                                                        : at::kFloat;
        r.storageDtype = r.dtype;
        r.vaeStorageDtype = r.dtype;
        r.t5Dtype = at::kHalf; // the original casts T5 to float16
        r.t5StorageDtype = at::kHalf;
        r.precision = r.dtype == at::kHalf ? "fp16" : r.dtype == at::kBFloat16 ? "bf16" : "fp32";
        r.precisionReason = asked == Asked::Auto ? "auto: float32 on CUDA" : "requested";
        r.description = describeCudaDevice(r.device.has_index() ? r.device.index() : 0);
        return r;
    }

    // The CPU: activations always float32; bf16 only for the matrix products, and only where
    // bf16 matrix units make it fast (elsewhere it runs, slowly, when asked for).
    r.dtype = at::kFloat;
    r.t5Dtype = at::kFloat;
    r.description = "cpu (" + std::to_string(at::get_num_threads()) + " threads)";
    const std::string units = cpu.hasBf16MatrixUnits()
                                  ? std::string(cpu.amxBf16 ? "amx_bf16" : "avx512_bf16")
                                  : std::string();
    switch (asked) {
    case Asked::Auto:
        if (cpu.hasBf16MatrixUnits() && bf16LinearWithFloatResult) {
            r.matmulDtype = at::kBFloat16;
            r.storageDtype = at::kBFloat16;
            r.precision = "bf16";
            r.precisionReason = "auto: this CPU has bf16 matrix units (" + units +
                                "): the DiT's linear layers in bf16, the rest float32";
        } else if (cpu.hasBf16MatrixUnits()) {
            r.precision = "fp32";
            r.precisionReason = "auto: this CPU has bf16 matrix units (" + units +
                                "), but this build has no oneDNN bf16 kernel with float32 "
                                "results, and without one bf16 misses the quality target";
        } else {
            r.precision = "fp32";
            r.precisionReason = "auto: this CPU has no bf16 matrix units (AMX-BF16 or "
                                "AVX512-BF16), where float32 is faster";
        }
        break;
    case Asked::Fp32:
        r.precision = "fp32";
        r.precisionReason = "requested";
        break;
    case Asked::Bf16:
        r.matmulDtype = at::kBFloat16;
        r.storageDtype = at::kBFloat16;
        r.vaeMatmulDtype = at::kBFloat16;
        r.vaeStorageDtype = at::kBFloat16;
        r.precision = "bf16";
        r.precisionReason = "requested: the DiT's linear layers and the VAE's convolutions in "
                            "bf16, the rest float32";
        if (!cpu.hasBf16MatrixUnits())
            r.note = "this CPU has no bf16 matrix units (AMX-BF16 or AVX512-BF16): bf16 runs "
                     "slower than fp32 here";
        break;
    case Asked::Fp16:
    case Asked::Bf16Storage:
        // CPU fp16 matmul does not exist: half precision is a storage option, computing float32.
        r.storageDtype = asked == Asked::Fp16 ? at::kHalf : at::kBFloat16;
        r.vaeStorageDtype = r.storageDtype;
        r.precision = asked == Asked::Fp16 ? "fp16-storage" : "bf16-storage";
        r.precisionReason = "requested: weights stored in 16 bits, every op in float32";
        if (asked == Asked::Fp16)
            r.note = "float16 weights on the CPU are stored only; computing in float32";
        break;
    }
    r.t5StorageDtype = r.matmulDtype ? at::kFloat : r.storageDtype;
    return r;
}

std::optional<int64_t> availableHostMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    int64_t kb = 0;
    while (in >> key >> kb) {
        std::getline(in, unit);
        if (key == "MemAvailable:")
            return kb * 1024;
    }
    return std::nullopt;
}

std::string matmulKernelName(const ResolvedDevice& r, bool packedWeights) {
    if (!r.matmulDtype || *r.matmulDtype == r.dtype)
        return "aten";
    if (!r.device.is_cuda() && *r.matmulDtype == at::kBFloat16 && oneDnnLinearAvailable())
        return packedWeights ? "onednn, packed weights, float32 result" : "onednn, float32 result";
    return std::string("aten, result rounded to ") + dtypeName(*r.matmulDtype);
}

} // namespace footfall::model
