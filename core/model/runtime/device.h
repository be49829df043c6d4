// Which device and dtypes the model runs in: the user's device/precision settings resolved
// against this LibTorch and machine.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "model/runtime/cpu_features.h"

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

namespace footfall::model {

struct DeviceSettings {
    std::string device = "auto"; // auto | cpu | cuda
    // auto | fp32 | bf16 | fp16 | bf16-storage (base/precision.h). CUDA computes in fp16/bf16.
    // The CPU: bf16 = the DiT's linear layers and the VAE's convolutions in bf16 (bf16 matrix
    // units), the rest float32; fp16 / bf16-storage = weights stored in 16 bits, every op in
    // float32; auto = the DiT's linear layers in bf16 where the CPU has bf16 matrix units
    // (AMX-BF16 or AVX512-BF16), else fp32.
    std::string precision = "auto";
    // Free the T5 after encoding; VAE encoder only on demand; on the CPU, DiT weights stored
    // in fp16 (8x more accurate than bf16 in tests/model/tst_weight_storage.cpp).
    bool lowMemory = false;
};

struct ResolvedDevice {
    at::Device device = at::kCPU;
    at::ScalarType dtype = at::kFloat;        // compute: DiT, VAE, number conditioners
    at::ScalarType t5Dtype = at::kFloat;      // compute: float16 on CUDA, as the original runs T5
    at::ScalarType storageDtype = at::kFloat; // how those weights are held
    at::ScalarType t5StorageDtype = at::kFloat;
    // The DiT's linear layers run in it when set (the CPU's bf16 path, mixed_precision.h).
    std::optional<at::ScalarType> matmulDtype;
    // The VAE's convolutions and weights. On the CPU only an explicit "bf16" puts them in bf16:
    // measured on full-size random weights it was no faster and 11% off (footfall-bench).
    std::optional<at::ScalarType> vaeMatmulDtype;
    at::ScalarType vaeStorageDtype = at::kFloat;
    std::string precision; // what runs: "fp32", "bf16", "fp16", "bf16-storage", "fp16-storage"
    std::string precisionReason; // why: "auto: this CPU has bf16 matrix units (avx512_bf16)"
    std::string description;     // "cpu (2 threads)", "cuda:0 NVIDIA H100 80GB HBM3 (79.1 GiB)"
    std::string note;            // why a request was not honoured as given (fallbacks)
};

// auto: CUDA when this libtorch has it and a GPU is visible, else the CPU. Throws
// GenerationError when "cuda" is asked for and unavailable, or for unknown names. `cpu`: the
// features the CPU precision choice is made from (default: this machine's, cpuFeatures()).
ResolvedDevice resolveDevice(const std::string& device, const std::string& precision);
ResolvedDevice resolveDevice(const std::string& device, const std::string& precision,
                             const CpuFeatures& cpu);
// `bf16LinearWithFloatResult`: whether the bf16 linear layers can give float32 results
// (onednn_linear.h, default: whether this build has it). Without it the bf16 DiT misses the
// 1e-2 quality target (one more bf16 rounding per layer), so auto keeps float32.
ResolvedDevice resolveDevice(const std::string& device, const std::string& precision,
                             const CpuFeatures& cpu, bool bf16LinearWithFloatResult);
const char* dtypeName(at::ScalarType type); // "float32", "float16", "bfloat16"
// What computes the DiT's linear layers, for takes and benchmarks: "aten" (the compute dtype),
// "onednn, float32 result" (onednn_linear.h; "onednn, packed weights, float32 result" with
// `packedWeights`: DiffusionTransformer::packWeights) or "aten, result rounded to bfloat16".
std::string matmulKernelName(const ResolvedDevice& r, bool packedWeights = false);
// MemAvailable of /proc/meminfo in bytes; nothing where it cannot be read.
std::optional<int64_t> availableHostMemory();

} // namespace footfall::model
