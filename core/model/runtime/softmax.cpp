#include "model/runtime/softmax.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FOOTFALL_SOFTMAX_AVX512 1
#include <immintrin.h>
#endif

namespace footfall::model {

namespace {

#ifdef FOOTFALL_SOFTMAX_AVX512

#define FOOTFALL_AVX512 __attribute__((target("avx512f")))

// The masked forms with a full mask: GCC 12 warns (-Wmaybe-uninitialized) on the plain
// intrinsics' undefined pass-through operand.
constexpr __mmask16 kAll = 0xFFFF;

FOOTFALL_AVX512 inline __m512 maximum(__m512 a, __m512 b) {
    return _mm512_mask_max_ps(a, kAll, a, b);
}

FOOTFALL_AVX512 inline float horizontalMax(__m512 v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    return *std::max_element(lanes, lanes + 16);
}

FOOTFALL_AVX512 inline float horizontalSum(__m512 v) {
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, v);
    float sum = 0.0f;
    for (const float lane : lanes)
        sum += lane;
    return sum;
}

// e^x for x <= 0 (max-shifted scores): x = n·ln2 + r with |r| <= ln2/2 (ln2 in two parts, as
// Cephes does), e^r by Cephes' degree-6 polynomial (~1 ulp), times 2^n by scalef, which
// underflows to 0 smoothly. Inputs below -104 give 0, as expf does.
FOOTFALL_AVX512 inline __m512 expNonPositive(__m512 x) {
    x = maximum(x, _mm512_set1_ps(-104.0f));
    const __m512 scaled = _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f));
    const __m512 n = _mm512_mask_roundscale_ps(scaled, kAll, scaled,
                                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    const __m512 r2 = _mm512_mul_ps(r, r);
    const __m512 y = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0f));
    return _mm512_mask_scalef_ps(y, kAll, y, n);
}

FOOTFALL_AVX512 void softmaxRowsAvx512(float* data, int64_t first, int64_t last, int64_t n) {
    const int64_t whole = n - n % 16;
    const __mmask16 tail = static_cast<__mmask16>((1u << (n - whole)) - 1u);
    for (int64_t row = first; row < last; ++row) {
        float* x = data + row * n;
        __m512 vmax = _mm512_set1_ps(-INFINITY);
        for (int64_t j = 0; j < whole; j += 16)
            vmax = maximum(vmax, _mm512_loadu_ps(x + j));
        if (tail)
            vmax = _mm512_mask_max_ps(vmax, tail, vmax, _mm512_maskz_loadu_ps(tail, x + whole));
        const __m512 shift = _mm512_set1_ps(horizontalMax(vmax));
        __m512 vsum = _mm512_setzero_ps();
        for (int64_t j = 0; j < whole; j += 16) {
            const __m512 e = expNonPositive(_mm512_sub_ps(_mm512_loadu_ps(x + j), shift));
            _mm512_storeu_ps(x + j, e);
            vsum = _mm512_add_ps(vsum, e);
        }
        if (tail) {
            const __m512 e =
                expNonPositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + whole), shift));
            _mm512_mask_storeu_ps(x + whole, tail, e);
            vsum = _mm512_mask_add_ps(vsum, tail, vsum, e);
        }
        // Divided, not multiplied by the reciprocal: one rounding per weight instead of two.
        const __m512 sum = _mm512_set1_ps(horizontalSum(vsum));
        for (int64_t j = 0; j < whole; j += 16)
            _mm512_storeu_ps(x + j, _mm512_div_ps(_mm512_loadu_ps(x + j), sum));
        if (tail)
            _mm512_mask_storeu_ps(x + whole, tail,
                                  _mm512_div_ps(_mm512_maskz_loadu_ps(tail, x + whole), sum));
    }
}

bool cpuHasAvx512() {
    static const bool has = __builtin_cpu_supports("avx512f");
    return has;
}

#endif

} // namespace

bool vectorSoftmaxApplies(const at::Tensor& x) {
#ifdef FOOTFALL_SOFTMAX_AVX512
    return x.defined() && x.device().is_cpu() && x.scalar_type() == at::kFloat &&
           x.is_contiguous() && x.dim() >= 1 && x.numel() > 0 && x.size(-1) > 0 && cpuHasAvx512();
#else
    (void)x;
    return false;
#endif
}

void softmaxLastDimInPlace(at::Tensor& x) {
#ifdef FOOTFALL_SOFTMAX_AVX512
    if (vectorSoftmaxApplies(x)) {
        const int64_t n = x.size(-1);
        const int64_t rows = x.numel() / n;
        float* data = x.data_ptr<float>();
        // ~16k scores per task: enough to outweigh waking a thread.
        const int64_t grain = std::max<int64_t>(1, 16384 / n);
        at::parallel_for(0, rows, grain, [data, n](int64_t first, int64_t last) {
            softmaxRowsAvx512(data, first, last, n);
        });
        return;
    }
#endif
    x.copy_(at::softmax(x, -1));
}

} // namespace footfall::model
