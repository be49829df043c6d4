// Matrix products in a reduced "matmul dtype" with everything around them in the activations'
// dtype: on CPUs with bf16 matrix units (cpu_features.h) linear layers and convolutions run as
// bf16 oneDNN kernels, 2-4x faster than float32, while normalisation, softmax, activations,
// residual sums and the sampler stay float32 (bf16 layer_norm is slow and the residual stream
// would lose precision). The weights are stored in the matmul dtype, so they are used as they
// are; only the (much smaller) activations are converted on the way in and out.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>

#include <optional>

namespace footfall::model {

class PackedLinearWeight;

// nullopt or equal to x's dtype: the plain op in x's dtype (weights converted to it when stored
// otherwise, as computeView). Else: x converted to `matmul`, the op, the result back in x's dtype.
at::Tensor mixedLinear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       std::optional<at::ScalarType> matmul);
// The same with a weight packed for oneDNN's bf16 kernel (onednn_linear.h): x (float32 or bf16)
// converted to bf16, the result in float32 (the bf16 path's compute dtype); unpacked for this
// call where the kernel does not serve x's length.
at::Tensor mixedLinear(const at::Tensor& x, const PackedLinearWeight& weight,
                       const at::Tensor& bias);
at::Tensor mixedConv1d(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                       int64_t stride, int64_t padding, int64_t dilation,
                       std::optional<at::ScalarType> matmul);
// The mixed path runs as one ordinary convolution over all stride phases (polyphase).
at::Tensor mixedConvTranspose1d(const at::Tensor& x, const at::Tensor& weight,
                                const at::Tensor& bias, int64_t stride, int64_t padding,
                                int64_t dilation, std::optional<at::ScalarType> matmul);
// The same result as conv_transpose1d(x, weight, bias, stride, padding) (no output padding,
// dilation 1, kernel a multiple of the stride), computed as one conv1d. Exposed for its test.
at::Tensor polyphaseConvTranspose1d(const at::Tensor& x, const at::Tensor& weight,
                                    const at::Tensor& bias, int64_t stride, int64_t padding);
// q kᵀ / √d, softmax, · v: the two products in `matmul`, the softmax in x's dtype.
// `batchedKernel`: float32 products as one batched oneDNN call each where it serves them
// (onednn_linear.h; the same sums in another order), else ATen's.
at::Tensor mixedAttention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                          std::optional<at::ScalarType> matmul, bool batchedKernel = false);

} // namespace footfall::model
