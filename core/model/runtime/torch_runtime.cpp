#include "model/runtime/torch_runtime.h"

#include "model/runtime/cpu_block_cache.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <dlfcn.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <link.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace footfall {

namespace {

// Which shared object provides the BLAS entry point libtorch calls. The Debian reference
// libblas is ~20x slower than OpenBLAS and is picked silently when OpenBLAS is missing.
std::string resolvedBlas() {
    void* sym = dlsym(RTLD_DEFAULT, "sgemm_");
    if (!sym)
        return {};
    Dl_info info{};
    if (dladdr(sym, &info) && info.dli_fname) {
        char real[4096];
        if (realpath(info.dli_fname, real))
            return real;
        return info.dli_fname;
    }
    return {};
}

} // namespace

const TorchRuntimeInfo& initTorchRuntime(int threads) {
    static TorchRuntimeInfo info;
    static std::once_flag once;
    std::call_once(once, [threads] {
        const unsigned cores = std::thread::hardware_concurrency();
        info.threads = threads > 0 ? threads : static_cast<int>(cores ? cores : 1);
        // FOOTFALL_THREADS overrides: on a loaded 2-core machine ATen's spinning OpenMP pool
        // can lose to a single ATen thread (OpenBLAS runs its own threads either way).
        bool overridden = threads > 0;
        if (threads <= 0)
            if (const char* env = std::getenv("FOOTFALL_THREADS")) {
                const int n = std::atoi(env);
                if (n > 0 && n <= 1024) {
                    info.threads = n;
                    overridden = true;
                }
            }
        at::set_num_threads(info.threads);
#ifdef __GLIBC__
        // A DiT step allocates and frees hundreds of MB of temporaries (1-30 MB each). glibc
        // serves large ones by mmap and gives the heap top back to the kernel, so every step
        // page-faults its memory in again: a full-size CFG step took 3.3 s in footfall-cli
        // against 1.3 s with these two settings (same peak RSS, 4.4 GB). Freed memory stays
        // with the process for the next step instead.
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
        // Larger blocks than that (the VAE's full-rate activations) are reused by LibTorch's
        // allocator instead (cpu_block_cache.h).
        info.cpuBlockCache = model::installCpuBlockCache();
        // The original turns TF32 off before sampling; with it on, CUDA results drift past the
        // parity tolerances (the VAE by 6e-4).
        at::globalContext().setAllowTF32CuBLAS(false);
        at::globalContext().setAllowTF32CuDNN(false);
        info.blas = resolvedBlas();
        info.torchVersion = TORCH_VERSION;
        info.cudaAvailable = at::hasCUDA();
        // Pip LibTorch carries MKL inside libtorch_cpu: that is not the reference BLAS.
        const bool reference = !at::hasMKL() && info.blas.find("openblas") == std::string::npos &&
                               info.blas.find("blis") == std::string::npos &&
                               info.blas.find("mkl") == std::string::npos &&
                               info.blas.find("atlas") == std::string::npos && !info.blas.empty();
        // A threaded BLAS that is not MKL parallelises each GEMM itself; an explicit thread
        // count from the caller or FOOTFALL_THREADS applies to every phase.
        const bool threadedBlas = !at::hasMKL() &&
                                  info.blas.find("openblas") != std::string::npos &&
                                  info.blas.find("serial") == std::string::npos;
        info.matmulThreads = (!overridden && threadedBlas) ? 1 : info.threads;
        if (reference) {
            info.warning = "LibTorch is using the reference BLAS (" + info.blas +
                           "): generation will be about 20x slower. Install libopenblas0-pthread.";
            std::fprintf(stderr, "footfall: warning: %s\n", info.warning.c_str());
        }
    });
    return info;
}

namespace {

// OpenBLAS's own thread count, looked up at run time (absent with MKL or another BLAS).
using OpenBlasGetFn = int (*)();
using OpenBlasSetFn = void (*)(int);
OpenBlasGetFn openBlasGet() {
    static const auto fn =
        reinterpret_cast<OpenBlasGetFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return fn;
}
OpenBlasSetFn openBlasSet() {
    static const auto fn =
        reinterpret_cast<OpenBlasSetFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    return fn;
}

} // namespace

MatmulPhaseThreads::MatmulPhaseThreads(std::optional<at::ScalarType> oneDnnDtype)
    : m_previous(at::get_num_threads()) {
    const bool reduced = oneDnnDtype && *oneDnnDtype != at::kFloat;
    const int wanted = reduced ? initTorchRuntime().threads : initTorchRuntime().matmulThreads;
    if (wanted != m_previous)
        at::set_num_threads(wanted);
    // On the bf16 path ATen's threads do the heavy work (oneDNN); the few float32 products left
    // (attention, embeddings) would wake OpenBLAS's spinning threads against them: 3.8 s vs
    // 2.8 s per full-size CFG step, measured in footfall-cli.
    if (reduced && openBlasGet() && openBlasSet() && initTorchRuntime().threads > 1) {
        m_previousBlas = openBlasGet()();
        openBlasSet()(1);
    }
}

MatmulPhaseThreads::~MatmulPhaseThreads() {
    if (at::get_num_threads() != m_previous)
        at::set_num_threads(m_previous);
    if (m_previousBlas > 0 && openBlasSet())
        openBlasSet()(m_previousBlas);
}

} // namespace footfall
