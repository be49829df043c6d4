// Short-time Fourier transform magnitude in dB, for the take view's spectrogram. Plain C++ (no
// Qt, no Torch) with a small radix-2 FFT of its own.
#pragma once

#include "audio/audio_buffer.h"

#include <complex>
#include <cstddef>
#include <vector>

namespace footfall {

// In-place iterative radix-2 FFT; `data.size()` must be a power of two (throws otherwise).
void fftInPlace(std::vector<std::complex<float>>& data);

struct Spectrogram {
    int sampleRate = 0;
    int fftSize = 0;
    int hop = 0;
    std::size_t columns = 0; // one per hop; column k is centred on frame k * hop
    int bins = 0;            // fftSize / 2 + 1, bin b is b * sampleRate / fftSize Hz
    float floorDb = -120.0f;
    std::vector<float> db; // column-major: db[k * bins + b]

    float at(std::size_t column, int bin) const {
        return db[column * static_cast<std::size_t>(bins) + static_cast<std::size_t>(bin)];
    }
    double binFrequency(double bin) const { return bin * sampleRate / fftSize; }
    bool empty() const { return columns == 0; }
};

// STFT of the channels' mean with a Hann window. Magnitudes are scaled so a full-scale sine
// reads 0 dB; values are clamped at `floorDb`. An empty buffer gives an empty spectrogram.
Spectrogram computeSpectrogram(const AudioBuffer& audio, int fftSize = 1024, int hop = 256,
                               float floorDb = -120.0f);

} // namespace footfall
