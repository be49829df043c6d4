// LibTorch process set-up: thread count and a check for the slow reference BLAS.
#pragma once

#include <c10/core/ScalarType.h>

#include <optional>
#include <string>

namespace footfall {

struct TorchRuntimeInfo {
    int threads = 1; // ATen intra-op threads: the machine's cores (FOOTFALL_THREADS overrides)
    int matmulThreads = 1; // for matmul-bound phases (T5, DiT), see MatmulPhaseThreads
    std::string blas;      // the BLAS library libtorch resolved (path), if found
    std::string warning;   // non-empty when the reference BLAS is in use
    bool cudaAvailable = false;
    bool cpuBlockCache = false; // large CPU blocks reused (cpu_block_cache.h)
    std::string torchVersion;
};

// Idempotent. threads <= 0: the machine's cores. Returns what it found; warns on stderr once.
const TorchRuntimeInfo& initTorchRuntime(int threads = 0);

// While alive, the calling thread runs ATen ops with `matmulThreads`, then goes back. With a
// threaded BLAS other than MKL (OpenBLAS-pthread runs its own threads in every GEMM), ATen's
// OpenMP workers only spin against the BLAS threads in float32 matmul-bound work. Measured on
// a 2-core machine (full-size SAO 1.0, bench_sao): DiT CFG forward 3.2 s with 1 ATen thread vs
// 6.4 s with 2, T5 0.18 vs 0.44 s. oneDNN work (convolutions, and bf16 matmuls on the CPU's
// bf16 path) runs on ATen's own threads and wants all cores: with `oneDnnDtype` bf16/fp16 (a
// reduced matmul dtype) nothing changes.
class MatmulPhaseThreads {
public:
    explicit MatmulPhaseThreads(std::optional<at::ScalarType> oneDnnDtype = std::nullopt);
    ~MatmulPhaseThreads();
    MatmulPhaseThreads(const MatmulPhaseThreads&) = delete;
    MatmulPhaseThreads& operator=(const MatmulPhaseThreads&) = delete;

private:
    int m_previous;
    int m_previousBlas = 0; // OpenBLAS threads to restore (0: not changed)
};

} // namespace footfall
