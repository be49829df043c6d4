// Test signals whose measurements are known in closed form.
#pragma once

#include "audio/audio_buffer.h"

#include <cmath>
#include <cstdint>

namespace footfall::test {

inline AudioBuffer sine(double freq, double amplitude, double seconds, int channels = 2,
                        int rate = 44100, bool invertRight = false) {
    const auto frames = static_cast<std::size_t>(seconds * rate);
    AudioBuffer b(channels, frames, rate);
    for (std::size_t i = 0; i < frames; ++i) {
        const float v = static_cast<float>(amplitude * std::sin(2.0 * M_PI * freq * i / rate));
        for (int c = 0; c < channels; ++c)
            b.channel(c)[i] = (invertRight && c == 1) ? -v : v;
    }
    return b;
}

// Deterministic white noise in [-amplitude, amplitude], independent per channel.
inline AudioBuffer noise(double amplitude, double seconds, std::uint64_t seed = 1, int channels = 2,
                         int rate = 44100) {
    const auto frames = static_cast<std::size_t>(seconds * rate);
    AudioBuffer b(channels, frames, rate);
    std::uint64_t s = seed * 0x9E3779B97F4A7C15ULL + 1;
    for (int c = 0; c < channels; ++c)
        for (std::size_t i = 0; i < frames; ++i) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            b.channel(c)[i] =
                static_cast<float>(amplitude * ((s >> 11) * (1.0 / 9007199254740992.0) * 2 - 1));
        }
    return b;
}

} // namespace footfall::test
