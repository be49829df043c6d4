#include "model/runtime/mixed_precision.h"

#include "model/runtime/onednn_linear.h"
#include "model/runtime/softmax.h"
#include "model/runtime/weights.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

namespace footfall::model {

namespace {

bool mixes(const at::Tensor& x, std::optional<at::ScalarType> matmul) {
    return matmul && *matmul != x.scalar_type();
}

} // namespace

at::Tensor mixedLinear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       std::optional<at::ScalarType> matmul) {
    if (!mixes(x, matmul))
        return at::linear(x, computeView(weight, x), computeView(bias, x));
    const at::Tensor xm = x.to(*matmul);
    // The bias in the matmul dtype too: the same result whether it is stored so or not.
    const at::Tensor w = computeView(weight, xm), b = computeView(bias, xm);
    // bf16 with a float32 result straight from the kernel where oneDNN is built in.
    if (auto y = oneDnnBf16Linear(xm, w, b))
        return y->scalar_type() == x.scalar_type() ? *y : y->to(x.scalar_type());
    return at::linear(xm, w, b).to(x.scalar_type());
}

at::Tensor mixedLinear(const at::Tensor& x, const PackedLinearWeight& weight,
                       const at::Tensor& bias) {
    const at::Tensor xm = x.to(at::kBFloat16);
    if (auto y = oneDnnBf16Linear(xm, weight, computeView(bias, xm)))
        return *y;
    return mixedLinear(x.to(at::kFloat), weight.unpack(), bias, at::kBFloat16);
}

at::Tensor mixedConv1d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       int64_t stride, int64_t padding, int64_t dilation,
                       std::optional<at::ScalarType> matmul) {
    const at::Tensor xm = mixes(x, matmul) ? x.to(*matmul) : x;
    const at::Tensor y = at::conv1d(xm, computeView(weight, xm), computeView(bias, xm), {stride},
                                    {padding}, {dilation});
    return y.scalar_type() == x.scalar_type() ? y : y.to(x.scalar_type());
}

// conv_transpose1d with stride s as one ordinary convolution: LibTorch 1.13's oneDNN bf16
// transposed convolution is broken (it checks the weight as a forward one and throws). With a
// kernel of K = T·s taps, output m = n + padding of phase r = m mod s and index q = m div s is
// Σ_t w[r + s·t] · x[q − t]: for every phase a T-tap convolution of x. All s phases are one
// conv1d with s·out output channels (padding T − 1, full length L + T − 1), interleaved after.
at::Tensor polyphaseConvTranspose1d(const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, int64_t s, int64_t padding) {
    const int64_t in = weight.size(0), out = weight.size(1), k = weight.size(2);
    const int64_t taps = k / s;
    // weight [in, out, T·s] -> [in, out, T, s] -> flipped taps -> [s, out, in, T] -> [s·out, in, T]
    const at::Tensor phases = weight.reshape({in, out, taps, s})
                                  .flip({2})
                                  .permute({3, 1, 0, 2})
                                  .reshape({s * out, in, taps})
                                  .contiguous();
    const at::Tensor stackedBias = bias.defined() ? bias.repeat({s}) : at::Tensor();
    const at::Tensor z = at::conv1d(x, phases, stackedBias, {1}, {taps - 1});
    const int64_t b = x.size(0), q = z.size(2);
    const at::Tensor interleaved =
        z.reshape({b, s, out, q}).permute({0, 2, 3, 1}).reshape({b, out, q * s});
    const int64_t length = (x.size(2) - 1) * s - 2 * padding + k;
    return interleaved.narrow(2, padding, length);
}

at::Tensor mixedConvTranspose1d(const at::Tensor& x, const at::Tensor& weight,
                                const at::Tensor& bias, int64_t stride, int64_t padding,
                                int64_t dilation, std::optional<at::ScalarType> matmul) {
    if (!mixes(x, matmul))
        return at::conv_transpose1d(x, computeView(weight, x), computeView(bias, x), {stride},
                                    {padding}, {0}, 1, {dilation});
    const at::Tensor xm = x.to(*matmul);
    const at::Tensor w = computeView(weight, xm), b = computeView(bias, xm);
    const int64_t k = w.size(2);
    if (dilation == 1 && stride >= 1 && k % stride == 0 && padding >= 0 && padding < k)
        return polyphaseConvTranspose1d(xm, w, b, stride, padding).to(x.scalar_type());
    // Any other shape: float32 (never taken by the Oobleck decoder, whose kernels are 2·stride).
    return at::conv_transpose1d(x, computeView(weight, x), computeView(bias, x), {stride},
                                {padding}, {0}, 1, {dilation});
}

at::Tensor mixedAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                          std::optional<at::ScalarType> matmul, bool batchedKernel) {
    // softmax(q kᵀ / √d) v, unmasked (scaled_dot_product_attention's math; absent in 1.13).
    const double scale = std::sqrt(static_cast<double>(q.size(-1)));
    // Batch items a few at a time when their scores together would be large (batched takes
    // with long latents): each chunk's scores stay in memory the allocator keeps instead of a
    // fresh mapping per layer and step. Items are independent, so the result is the same.
    constexpr int64_t kScoreBytesPerChunk = 16ll << 20;
    const int64_t items = q.dim() > 2 ? q.size(0) : 1;
    const int64_t itemScoreBytes =
        q.numel() / std::max<int64_t>(1, items) / std::max<int64_t>(1, q.size(-1)) * k.size(-2) * 4;
    if (items > 1 && itemScoreBytes * items > kScoreBytesPerChunk) {
        const int64_t chunk = std::max<int64_t>(1, kScoreBytesPerChunk / itemScoreBytes);
        std::vector<at::Tensor> parts;
        for (int64_t i = 0; i < items; i += chunk) {
            const int64_t n = std::min(chunk, items - i);
            parts.push_back(mixedAttention(q.narrow(0, i, n), k.narrow(0, i, n), v.narrow(0, i, n),
                                           matmul, batchedKernel));
        }
        return at::cat(parts, 0);
    }
    if (!mixes(q, matmul)) {
        if (batchedKernel) {
            // 1/√d inside the product's kernel; softmax in place: two passes over the scores
            // fewer. x·(1/√d) and x/√d are the same float for SAO's d = 64 (a power of two).
            if (auto scores =
                    oneDnnBatchedMatmul(q, k.transpose(-2, -1), static_cast<float>(1.0 / scale))) {
                softmaxLastDimInPlace(*scores);
                if (auto y = oneDnnBatchedMatmul(*scores, v))
                    return *y;
                return at::matmul(*scores, v);
            }
        }
        const at::Tensor scores = at::matmul(q, k.transpose(-2, -1)) / scale;
        return at::matmul(at::softmax(scores, -1), v);
    }
    const at::Tensor scores =
        at::matmul(q.to(*matmul), k.to(*matmul).transpose(-2, -1)).to(q.scalar_type()) / scale;
    const at::Tensor weights = at::softmax(scores, -1);
    return at::matmul(weights.to(*matmul), v.to(*matmul)).to(q.scalar_type());
}

} // namespace footfall::model
