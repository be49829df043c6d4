#include "audio/spectrogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace footfall {

void fftInPlace(std::vector<std::complex<float>>& data) {
    const std::size_t n = data.size();
    if (n == 0 || (n & (n - 1)) != 0)
        throw std::invalid_argument("fftInPlace: the size must be a power of two");
    // Bit-reversal permutation.
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j)
            std::swap(data[i], data[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const double angle = -2.0 * M_PI / static_cast<double>(len);
        const std::complex<double> step(std::cos(angle), std::sin(angle));
        for (std::size_t start = 0; start < n; start += len) {
            std::complex<double> w(1.0, 0.0);
            for (std::size_t k = 0; k < len / 2; ++k) {
                const std::complex<float> wf(static_cast<float>(w.real()),
                                             static_cast<float>(w.imag()));
                const std::complex<float> u = data[start + k];
                const std::complex<float> v = data[start + k + len / 2] * wf;
                data[start + k] = u + v;
                data[start + k + len / 2] = u - v;
                w *= step;
            }
        }
    }
}

Spectrogram computeSpectrogram(const AudioBuffer& audio, int fftSize, int hop, float floorDb) {
    if (fftSize < 2 || (fftSize & (fftSize - 1)) != 0 || hop <= 0)
        throw std::invalid_argument("computeSpectrogram: fftSize must be a power of two >= 2 "
                                    "and hop > 0");
    Spectrogram s;
    s.sampleRate = audio.sampleRate();
    s.fftSize = fftSize;
    s.hop = hop;
    s.bins = fftSize / 2 + 1;
    s.floorDb = floorDb;
    const std::size_t n = audio.frames();
    if (n == 0 || audio.channels() == 0)
        return s;

    std::vector<float> mono(n, 0.0f);
    const float scale = 1.0f / static_cast<float>(audio.channels());
    for (int c = 0; c < audio.channels(); ++c) {
        const float* x = audio.channel(c);
        for (std::size_t i = 0; i < n; ++i)
            mono[i] += x[i] * scale;
    }
    std::vector<float> window(static_cast<std::size_t>(fftSize));
    double windowSum = 0.0;
    for (int i = 0; i < fftSize; ++i) {
        window[static_cast<std::size_t>(i)] =
            static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / fftSize));
        windowSum += window[static_cast<std::size_t>(i)];
    }
    // A sine of amplitude A gives |X| = A * sum(w) / 2 at its bin.
    const float norm = static_cast<float>(2.0 / windowSum);

    s.columns = (n + static_cast<std::size_t>(hop) - 1) / static_cast<std::size_t>(hop);
    s.db.assign(s.columns * static_cast<std::size_t>(s.bins), floorDb);
    std::vector<std::complex<float>> frame(static_cast<std::size_t>(fftSize));
    const long long half = fftSize / 2;
    for (std::size_t k = 0; k < s.columns; ++k) {
        const long long centre = static_cast<long long>(k) * hop;
        for (int i = 0; i < fftSize; ++i) {
            const long long at = centre - half + i;
            const float v = (at >= 0 && at < static_cast<long long>(n))
                                ? mono[static_cast<std::size_t>(at)]
                                : 0.0f;
            frame[static_cast<std::size_t>(i)] = {v * window[static_cast<std::size_t>(i)], 0.0f};
        }
        fftInPlace(frame);
        float* out = s.db.data() + k * static_cast<std::size_t>(s.bins);
        for (int b = 0; b < s.bins; ++b) {
            const float mag = std::abs(frame[static_cast<std::size_t>(b)]) * norm;
            out[b] = std::max(floorDb, 20.0f * std::log10(std::max(mag, 1e-12f)));
        }
    }
    return s;
}

} // namespace footfall
