// Which device and dtypes the model runs in: the user's device/precision settings resolved
// against this LibTorch and machine.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>

namespace footfall::model {

struct DeviceSettings {
    std::string device = "auto"; // auto | cpu | cuda
    // auto | fp32 | fp16 | bf16. CUDA computes in it; the CPU computes fp32 and only stores the
    // weights in fp16/bf16 (half the memory; upcast right before each op).
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
    std::string description; // "cpu (2 threads)", "cuda:0 NVIDIA H100 80GB HBM3 (79.1 GiB)"
    std::string note;        // why a request was not honoured as given (fallbacks)
};

// auto: CUDA when this libtorch has it and a GPU is visible, else the CPU. Throws
// GenerationError when "cuda" is asked for and unavailable, or for unknown names.
ResolvedDevice resolveDevice(const std::string& device, const std::string& precision);
const char* dtypeName(at::ScalarType type); // "float32", "float16", "bfloat16"

} // namespace footfall::model
