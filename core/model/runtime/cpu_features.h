// What the CPU can do for reduced-precision matrix products, read from /proc/cpuinfo at run
// time: machines here differ (AMD without AVX-512, AMD with AVX512-BF16, Intel with AMX), and a
// bf16 path is ~2-5x faster than float32 only where bf16 matrix units exist, slower elsewhere.
#pragma once

#include <string>

namespace footfall::model {

struct CpuFeatures {
    std::string modelName; // "AMD EPYC 9654 96-Core Processor"
    bool avx2 = false;
    bool avx512f = false;
    bool avx512Bf16 = false; // vdpbf16ps: oneDNN's avx512_core_bf16 kernels
    bool amxBf16 = false;    // AMX tiles: oneDNN's avx512_core_amx kernels

    // bf16 matrix units: where oneDNN's bf16 matmul and convolution beat float32.
    bool hasBf16MatrixUnits() const { return avx512Bf16 || amxBf16; }
    // The flags above that are present, space-separated ("avx2 avx512f avx512_bf16").
    std::string flagList() const;
};

// Parses the text of /proc/cpuinfo (the first processor's "flags" and "model name").
CpuFeatures parseCpuInfo(const std::string& text);
// This machine's features, read once. FOOTFALL_CPU_FLAGS (a space-separated flag list)
// replaces the flags read, to try the other hardware's path.
const CpuFeatures& cpuFeatures();

} // namespace footfall::model
