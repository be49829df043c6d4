// The out-of-line building blocks: coefficients, peak measurement, envelopes, mixing.
#include "engines/procedural/footstep_dsp.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace footfall::procedural {

double onePoleCoeff(double cutoffHz, int sampleRate) {
    return 1.0 - std::exp(-2.0 * kPi * cutoffHz / sampleRate);
}

float peakAbs(const float* x, std::size_t n) {
    std::int32_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::int32_t bits;
        std::memcpy(&bits, x + i, sizeof bits);
        bits &= 0x7fffffff;
        m = std::max(m, bits);
    }
    float peak;
    std::memcpy(&peak, &m, sizeof peak);
    return peak;
}

void addImpact(std::vector<float>& force, double startSec, double amp, double attackSec,
               double decaySec, int sampleRate) {
    if (amp <= 0.0)
        return;
    const auto n = static_cast<std::ptrdiff_t>(force.size());
    const auto start = static_cast<std::ptrdiff_t>(std::lround(startSec * sampleRate));
    const auto attack = std::max<std::ptrdiff_t>(1, std::lround(attackSec * sampleRate));
    RaisedCosine rise(kPi / double(attack));
    for (std::ptrdiff_t i = 0; i < attack && start + i < n; ++i) {
        const double v = amp * rise.next();
        if (start + i >= 0)
            force[start + i] += static_cast<float>(v);
    }
    // Down to -60 dB; the count is known, so the loop has no data-dependent exit.
    const auto k = static_cast<float>(std::exp(-1.0 / (decaySec * sampleRate)));
    const auto count = static_cast<std::ptrdiff_t>(6.907755 * decaySec * sampleRate);
    const std::ptrdiff_t first = std::max<std::ptrdiff_t>(0, start + attack);
    const std::ptrdiff_t end = std::min(n, start + attack + count);
    auto a = static_cast<float>(amp * std::pow(double(k), double(first - (start + attack))));
    for (std::ptrdiff_t i = first; i < end; ++i) {
        a *= k;
        force[i] += a;
    }
}

void addBump(std::vector<float>& x, double startSec, double lengthSec, double amp, int sampleRate) {
    if (amp <= 0.0 || lengthSec <= 0.0)
        return;
    const auto n = static_cast<std::ptrdiff_t>(x.size());
    const auto start = static_cast<std::ptrdiff_t>(std::lround(startSec * sampleRate));
    const auto len = std::max<std::ptrdiff_t>(2, std::lround(lengthSec * sampleRate));
    RaisedCosine hann(2.0 * kPi / double(len));
    for (std::ptrdiff_t i = 1; i < len && start + i < n; ++i) {
        const double v = amp * hann.next();
        if (start + i >= 0)
            x[start + i] += static_cast<float>(v);
    }
}

BandPass makeBandPass(double freq, double q, int sampleRate) {
    const double w = 2.0 * kPi * freq / sampleRate;
    const double alpha = std::sin(w) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    return {static_cast<float>(alpha / a0), static_cast<float>(-2.0 * std::cos(w) / a0),
            static_cast<float>((1.0 - alpha) / a0)};
}

void mixRelative(std::vector<float>& dst, std::size_t first, const float* src, std::size_t len,
                 double amount, float ref) {
    const float peak = peakAbs(src, len);
    if (peak <= 0.0f || amount <= 0.0)
        return;
    const auto k = static_cast<float>(amount * ref / peak);
    const std::size_t end = std::min(dst.size(), first + len);
    for (std::size_t i = first; i < end; ++i)
        dst[i] += k * src[i - first];
}

} // namespace footfall::procedural
