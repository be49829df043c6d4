// Softmax over the last dimension, in place: attention's weights on the CPU's bf16 path.
// LibTorch 1.13's CPU softmax makes four passes with 8-wide Sleef exp and costs ~0.65 ms on a
// DiT layer's [2, 24, 131, 131] scores (a third of its attention); one AVX-512 loop per row
// needs a fraction of that.
#pragma once

#include <ATen/core/Tensor.h>

namespace footfall::model {

// x = softmax(x, -1) in place. Float32 CPU contiguous tensors on CPUs with AVX-512 take the
// vector loop (exp within 2 ulp, the same max-shifted formula as ATen); anything else ATen's.
void softmaxLastDimInPlace(at::Tensor& x);

// Whether softmaxLastDimInPlace(x) takes the vector loop (for tests and benchmarks).
bool vectorSoftmaxApplies(const at::Tensor& x);

} // namespace footfall::model
