// Signal building blocks of the procedural engine: one-pole and band-pass coefficients,
// force envelopes (impacts, Hann bumps), a four-lane float vector and the modal resonator bank
// that runs on it, peak measurement and peak-relative mixing.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace footfall::procedural {

constexpr double kPi = 3.14159265358979323846;

// Coefficient a of the one-pole low-pass y += a * (x - y).
double onePoleCoeff(double cutoffHz, int sampleRate);

// Peak |x| on the bit patterns: for non-negative IEEE floats integer order is float order,
// and an integer max loop vectorises where a float one (NaN rules) does not.
float peakAbs(const float* x, std::size_t n);

// 0.5 * (1 - cos(k * step)) for k = 1, 2, ... by a rotating phasor: std::cos per sample
// was a visible part of the render time.
class RaisedCosine {
public:
    explicit RaisedCosine(double step) : m_c(std::cos(step)), m_s(std::sin(step)) {}
    double next() {
        const double re = m_re * m_c - m_im * m_s;
        m_im = m_re * m_s + m_im * m_c;
        m_re = re;
        return 0.5 * (1.0 - m_re);
    }

private:
    double m_c, m_s, m_re = 1.0, m_im = 0.0;
};

// Raised-cosine rise over attack, then exponential decay: one sub-impact of the
// ground-reaction force.
void addImpact(std::vector<float>& force, double startSec, double amp, double attackSec,
               double decaySec, int sampleRate);

// Hann bump: the sustained part of the stance (rolling, scuffing, dragging).
void addBump(std::vector<float>& x, double startSec, double lengthSec, double amp, int sampleRate);

// Two-pole band-pass (constant 0 dB peak) coefficients for the particle resonators.
struct BandPass {
    float b0, a1, a2; // b2 = -b0
};
BandPass makeBandPass(double freq, double q, int sampleRate);

// Four resonators at once: GCC/Clang vector extensions (SSE/NEON); a plain struct elsewhere.
#if defined(__GNUC__) || defined(__clang__)
typedef float F4 __attribute__((vector_size(16)));
inline F4 splat(float v) {
    return F4{v, v, v, v};
}
inline float lane(const F4& v, int i) {
    return v[i];
}
#else
struct F4 {
    float v[4];
    F4 operator+(const F4& o) const {
        return {v[0] + o.v[0], v[1] + o.v[1], v[2] + o.v[2], v[3] + o.v[3]};
    }
    F4 operator-(const F4& o) const {
        return {v[0] - o.v[0], v[1] - o.v[1], v[2] - o.v[2], v[3] - o.v[3]};
    }
    F4 operator*(const F4& o) const {
        return {v[0] * o.v[0], v[1] * o.v[1], v[2] * o.v[2], v[3] * o.v[3]};
    }
    F4& operator+=(const F4& o) { return *this = *this + o; }
};
inline F4 splat(float x) {
    return F4{{x, x, x, x}};
}
inline float lane(const F4& v, int i) {
    return v.v[i];
}
#endif

// Modal bank in groups of four resonators; G groups, unrolled by the compiler.
template <int G>
void runModes(const float* x, float* out, std::size_t n, const F4* a1, const F4* a2, const F4* g,
              float direct) {
    F4 y1[G], y2[G], ca1[G], ca2[G], cg[G];
    for (int k = 0; k < G; ++k) {
        y1[k] = splat(0.0f);
        y2[k] = splat(0.0f);
        ca1[k] = a1[k];
        ca2[k] = a2[k];
        cg[k] = g[k];
    }
    for (std::size_t i = 0; i < n; ++i) {
        const F4 xv = splat(x[i]);
        F4 acc = splat(0.0f);
        for (int k = 0; k < G; ++k) {
            const F4 y = cg[k] * xv + ca1[k] * y1[k] - ca2[k] * y2[k];
            y2[k] = y1[k];
            y1[k] = y;
            acc += y;
        }
        out[i] = (lane(acc, 0) + lane(acc, 1)) + (lane(acc, 2) + lane(acc, 3)) + direct * x[i];
    }
}

// Adds k * src to dst[first ...] so that src's peak sits at amount * ref.
void mixRelative(std::vector<float>& dst, std::size_t first, const float* src, std::size_t len,
                 double amount, float ref);

} // namespace footfall::procedural
