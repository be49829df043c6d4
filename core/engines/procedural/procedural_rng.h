// Random numbers of the procedural engine. Our own generators (not <random> distributions,
// whose output differs between standard libraries) so that a seed gives the same take
// everywhere.
#pragma once

#include <cstddef>
#include <cstdint>

namespace footfall::procedural {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// xoshiro256**: decisions (timing, levels, frequencies).
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        std::uint64_t s = seed;
        for (auto& word : m_s)
            word = splitmix64(s);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double bipolar() { return 2.0 * uniform() - 1.0; } // [-1, 1)
    // Sum of two uniforms: a soft, bounded "natural" jitter in [-1, 1] peaking at 0.
    double triangular() { return uniform() + uniform() - 1.0; }
    bool chance(double p) { return uniform() < p; }
    // Independent child stream (per step, per channel ...).
    std::uint64_t fork() { return next() ^ 0xD1B54A32D192ED03ull; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

// xorshift32: audio-rate white noise, one per sample, cheap enough for the inner loops.
class FastNoise {
public:
    explicit FastNoise(std::uint64_t seed)
        : m_s(static_cast<std::uint32_t>(seed ^ (seed >> 32)) | 1u) {}
    std::uint32_t nextBits() {
        m_s ^= m_s << 13;
        m_s ^= m_s >> 17;
        m_s ^= m_s << 5;
        return m_s;
    }
    float next() { // [-1, 1)
        return static_cast<float>(static_cast<std::int32_t>(nextBits())) * (1.0f / 2147483648.0f);
    }
    float unit() { return static_cast<float>(nextBits() >> 8) * (1.0f / 16777216.0f); } // [0, 1)

private:
    std::uint32_t m_s;
};

// Eight interleaved xorshift32 lanes: fills whole noise buffers with SIMD (the compiler
// vectorises the lane loop), far cheaper than one generator call per sample.
class LaneNoise {
public:
    static constexpr std::size_t kLanes = 8;
    explicit LaneNoise(std::uint64_t seed) {
        for (auto& lane : m_s)
            lane = static_cast<std::uint32_t>(splitmix64(seed)) | 1u;
    }
    // Writes roundUp(n) values in [-1, 1): out must hold roundUp(n).
    void fill(float* out, std::size_t n) {
        std::uint32_t s[kLanes]; // local copy: lets the compiler keep the lanes in registers
        for (std::size_t l = 0; l < kLanes; ++l)
            s[l] = m_s[l];
        for (std::size_t i = 0; i < n; i += kLanes) {
            float v[kLanes];
            for (std::size_t l = 0; l < kLanes; ++l) {
                std::uint32_t x = s[l];
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                s[l] = x;
                v[l] = static_cast<float>(static_cast<std::int32_t>(x)) * (1.0f / 2147483648.0f);
            }
            for (std::size_t l = 0; l < kLanes; ++l)
                out[i + l] = v[l];
        }
        for (std::size_t l = 0; l < kLanes; ++l)
            m_s[l] = s[l];
    }
    static std::size_t roundUp(std::size_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

private:
    std::uint32_t m_s[kLanes];
};

} // namespace footfall::procedural
