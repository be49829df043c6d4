// Softmax over the last dimension, in place: attention's weights on the CPU's bf16 path.
// LibTorch 1.13's CPU softmax makes four passes with 8-wide Sleef exp: ~0.45 ms on a DiT layer's
// [2, 24, 131, 131] scores on 2 threads, a third of its attention; one AVX-512 loop per row
// takes half of that.
#pragma once

#include <ATen/core/Tensor.h>

namespace footfall::model {

// x = softmax(x, -1) in place. Float32 CPU contiguous tensors on CPUs with AVX-512 take the
// vector loop (exp within 2 ulp, the same max-shifted formula as ATen); anything else ATen's.
void softmaxLastDimInPlace(at::Tensor& x);

// Whether softmaxLastDimInPlace(x) takes the vector loop (for tests and benchmarks).
bool vectorSoftmaxApplies(const at::Tensor& x);

} // namespace footfall::model
