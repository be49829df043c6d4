// torchaudio.transforms.Resample as the original applies it to init audio (sinc_interp_hann,
// lowpass width 6, rolloff 0.99), in LibTorch.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace footfall::model {

// audio [C, T] at inRate -> [C, ceil(T * outRate / inRate)] (float32). The same tensor when the
// rates are equal. Throws GenerationError for a rate <= 0.
at::Tensor resampleLikeTorchaudio(const at::Tensor& audio, int64_t inRate, int64_t outRate);

} // namespace footfall::model
