#include "model/runtime/device.h"

#include "base/errors.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <cctype>
#include <cstdio>

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
    const std::string device = lower(deviceName.empty() ? "auto" : deviceName);
    const std::string precision = lower(precisionName.empty() ? "auto" : precisionName);
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

    if (precision == "auto" || precision == "fp32" || precision == "float32")
        r.dtype = at::kFloat;
    else if (precision == "fp16" || precision == "float16" || precision == "half")
        r.dtype = at::kHalf;
    else if (precision == "bf16" || precision == "bfloat16")
        r.dtype = at::kBFloat16;
    else
        throw GenerationError("precision \"" + precisionName +
                              "\" is unknown (auto, fp32, fp16 or bf16)");

    r.storageDtype = r.dtype;
    if (r.device.is_cuda()) {
        r.t5Dtype = at::kHalf; // the original casts T5 to float16
        r.t5StorageDtype = at::kHalf;
        r.description = describeCudaDevice(r.device.has_index() ? r.device.index() : 0);
    } else {
        // CPU half precision: fp16 matmul does not exist and bf16 is slower and inaccurate, so
        // half precision is a storage option only and every op computes in float32.
        if (r.dtype != at::kFloat)
            r.note = std::string(dtypeName(r.dtype)) +
                     " weights on the CPU are stored only; computing in float32";
        r.dtype = at::kFloat;
        r.t5Dtype = at::kFloat;
        r.t5StorageDtype = r.storageDtype;
        r.description = "cpu (" + std::to_string(at::get_num_threads()) + " threads)";
    }
    return r;
}

} // namespace footfall::model
