// LibTorch process set-up: thread count and a check for the slow reference BLAS.
#pragma once

#include <string>

namespace footfall {

struct TorchRuntimeInfo {
    int threads = 1;
    std::string blas;    // the BLAS library libtorch resolved (path), if found
    std::string warning; // non-empty when the reference BLAS is in use
    bool cudaAvailable = false;
    std::string torchVersion;
};

// Idempotent. threads <= 0: the machine's cores. Returns what it found; warns on stderr once.
const TorchRuntimeInfo& initTorchRuntime(int threads = 0);

} // namespace footfall
