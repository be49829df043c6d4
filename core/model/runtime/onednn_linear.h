// bf16 linear layers through oneDNN called directly, with a float32 result: the bf16 path's
// products accumulate in float32 inside the kernel either way, but ATen's bf16 `linear` rounds
// the output to bf16 (one more rounding per layer: 1.18% vs 0.93% relative error for a
// full-size CFG step of the DiT) and is slower (oneDNN's brgemm kernel on plain row-major
// weights, no reorder: 1.3-1.6x faster on the DiT's shapes, measured on an AMD EPYC with
// avx512_bf16). Built when CMake finds oneDNN (FOOTFALL_ONEDNN; Debian's libtorch uses the same
// libdnnl.so.2); without it, or where oneDNN has no kernel for the shapes, callers use ATen.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <optional>

namespace footfall::model {

// Whether this build calls oneDNN directly (CMake FOOTFALL_ONEDNN and the library found) and
// the environment does not switch it off (FOOTFALL_ONEDNN=off or 0: ATen's bf16 linear).
bool oneDnnLinearAvailable();

// x [..., K] in bf16 (any layout), weight [N, K] bf16, bias [N] (any float dtype) or
// undefined: x·weightᵀ + bias as float32 [..., N]. nullopt when the tensors do not fit (not
// CPU, not bf16, switched off) or oneDNN has no kernel for them on this CPU; the caller then
// uses ATen.
std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor& x, const at::Tensor& weight,
                                           const at::Tensor& bias);

// A bf16 weight [N, K] reordered once into the blocked layout oneDNN's bf16 kernel reads, so
// that no call repacks it: 14% less time for the DiT's linear layers than plain row-major
// weights (e.g. 16.1 -> 13.8 ms for 262x1536 by 1536x12288; AMD EPYC, avx512_bf16, 2 threads).
// The packed data replaces the plain weight (same size), and unpack() gives it back bit for bit.
class PackedLinearWeight {
public:
    PackedLinearWeight();
    ~PackedLinearWeight();
    PackedLinearWeight(const PackedLinearWeight&);
    PackedLinearWeight& operator=(const PackedLinearWeight&);
    PackedLinearWeight(PackedLinearWeight&&) noexcept;
    PackedLinearWeight& operator=(PackedLinearWeight&&) noexcept;

    // weight: bf16 [N, K] on the CPU. nullopt when oneDNN is not built in or switched off, or
    // has no bf16 kernel for this shape on this CPU: the caller keeps the plain weight.
    static std::optional<PackedLinearWeight> pack(const at::Tensor& weight);

    bool empty() const { return !m_layout; }
    int64_t outFeatures() const { return m_n; } // N
    int64_t inFeatures() const { return m_k; }  // K
    // The plain bf16 [N, K] weight, equal to the one packed.
    at::Tensor unpack() const;

    struct Layout; // oneDNN's memory descriptor (kept out of this header)

private:
    // The kernels read the packed bytes and layout.
    friend std::optional<at::Tensor>
    oneDnnBf16Linear(const at::Tensor& x, const PackedLinearWeight& weight, const at::Tensor& bias);
    friend bool oneDnnBf16LinearAccumulate(const at::Tensor& x, const PackedLinearWeight& weight,
                                           const at::Tensor& bias, at::Tensor& into);
    friend std::optional<at::Tensor> oneDnnBf16SwiGlu(const at::Tensor& x,
                                                      const PackedLinearWeight& value,
                                                      const at::Tensor& valueBias,
                                                      const PackedLinearWeight& gate,
                                                      const at::Tensor& gateBias);
    at::Tensor m_data; // the packed bytes
    int64_t m_n = 0, m_k = 0;
    std::shared_ptr<const Layout> m_layout;
};

// As above, with a packed weight. nullopt when oneDNN has no kernel for this input length with
// that layout; the caller then unpacks.
std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor& x, const PackedLinearWeight& weight,
                                           const at::Tensor& bias);

// The residual form: into += x·weightᵀ + bias inside the kernel (its sum post-op), `into`
// float32, contiguous, of the result's shape. False (into unchanged) where not served.
bool oneDnnBf16LinearAccumulate(const at::Tensor& x, const PackedLinearWeight& weight,
                                const at::Tensor& bias, at::Tensor& into);

// The DiT's feed-forward gate (GLU with SiLU) on x [..., K] bf16: (x·valueᵀ + valueBias) ·
// silu(x·gateᵀ + gateBias), the activation and the product inside the second product's
// epilogue, rounded once to bf16 (the next layer's input): [..., N] bf16. nullopt where not
// served.
std::optional<at::Tensor> oneDnnBf16SwiGlu(const at::Tensor& x, const PackedLinearWeight& value,
                                           const at::Tensor& valueBias,
                                           const PackedLinearWeight& gate,
                                           const at::Tensor& gateBias);

// a [..., M, K] · b [..., K, N] in float32 (same leading dims, no broadcasting): attention's
// small per-head products (q·kᵀ, weights·v) as one batched oneDNN call. ATen 1.13 runs them
// one head at a time on one thread, ~18x slower at SAO's sizes (48 heads of 131x64), a fifth
// of a bf16 DiT step. The product is multiplied by `outputScale` inside the kernel (attention's
// 1/√d, saving a pass over the scores). nullopt where it does not apply; the caller then uses
// ATen.
std::optional<at::Tensor> oneDnnBatchedMatmul(const at::Tensor& a, const at::Tensor& b,
                                              float outputScale = 1.0f);

} // namespace footfall::model
