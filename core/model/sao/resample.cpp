#include "model/sao/resample.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace footfall::model {

at::Tensor resampleLikeTorchaudio(const at::Tensor& audio, int64_t inRate, int64_t outRate) {
    if (inRate <= 0 || outRate <= 0)
        throw GenerationError("cannot resample from " + std::to_string(inRate) + " Hz to " +
                              std::to_string(outRate) + " Hz");
    if (inRate == outRate)
        return audio;
    const int64_t gcd = std::gcd(inRate, outRate);
    const int64_t orig = inRate / gcd;
    const int64_t target = outRate / gcd;
    const double lowpassWidth = 6.0;
    const double baseFreq = static_cast<double>(std::min(orig, target)) * 0.99;
    const int64_t width =
        static_cast<int64_t>(std::ceil(lowpassWidth * static_cast<double>(orig) / baseFreq));
    const auto f32 = at::TensorOptions().dtype(at::kFloat).device(audio.device());
    // Kernel as torchaudio's _get_sinc_resample_kernel (hann window), in float32.
    const at::Tensor idx = at::arange(-width, width + orig, f32).view({1, 1, -1}) / orig;
    at::Tensor t = at::arange(0, -target, -1, f32).view({-1, 1, 1}) / target + idx;
    t = (t * baseFreq).clamp(-lowpassWidth, lowpassWidth);
    const at::Tensor window = at::cos(t * M_PI / lowpassWidth / 2).pow(2);
    t = t * M_PI;
    const double scale = baseFreq / static_cast<double>(orig);
    at::Tensor kernels = at::where(t == 0, at::ones({}, f32), t.sin() / t);
    kernels = kernels * window * scale;

    const at::Tensor wave = audio.to(at::kFloat).reshape({-1, audio.size(-1)});
    const int64_t length = wave.size(1);
    const at::Tensor padded = at::constant_pad_nd(wave, {width, width + orig});
    at::Tensor out = at::conv1d(padded.unsqueeze(1), kernels, {}, orig); // [N, target, L']
    out = out.transpose(1, 2).reshape({wave.size(0), -1});
    const auto targetLength = static_cast<int64_t>(
        std::ceil(static_cast<double>(target * length) / static_cast<double>(orig)));
    return out.narrow(1, 0, std::min(targetLength, out.size(1)));
}

} // namespace footfall::model
