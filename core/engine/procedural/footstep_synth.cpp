#include "engine/procedural/footstep_synth.h"

#include "engine/procedural/procedural_rng.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace footfall {

using procedural::FastNoise;
using procedural::LaneNoise;
using procedural::Rng;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kMaxModes = 12;
constexpr int kParticleBankSize = 128; // pre-computed resonator tunings per take
constexpr float kPeakCeiling = 0.88f;  // about -1.1 dBFS
constexpr double kBaseStepPeak = 0.5;  // medium walker, close, before surface/footwear factors

// --- profiles ------------------------------------------------------------------------------

struct FootwearProfile {
    double attackMs;     // heel contact rise: hardness of the sole
    double decayMs;      // contact force decay
    double brightnessHz; // excitation bandwidth (two one-pole low-passes)
    double click;        // impulse at contact: heel tap sharpness
    double heelToeMs;    // heel strike -> toe (ball) impact
    double toeLevel;
    double level;
    double roll; // scuff noise between heel and toe
    double slap; // sandal/skin slap after the toe
    double thump;
};

FootwearProfile footwearProfile(Footwear footwear) {
    switch (footwear) {
    case Footwear::Sneakers:
        return {2.5, 18, 2500, 0.05, 95, 0.75, 0.65, 0.12, 0.0, 0.8};
    case Footwear::Boots:
        return {1.0, 14, 5000, 0.35, 85, 0.7, 1.0, 0.10, 0.0, 1.2};
    case Footwear::HighHeels:
        return {0.12, 5, 15000, 1.0, 95, 0.45, 0.85, 0.02, 0.0, 0.25};
    case Footwear::DressShoes:
        return {0.35, 8, 9000, 0.7, 100, 0.65, 0.85, 0.12, 0.0, 0.7};
    case Footwear::Barefoot:
        return {4.5, 25, 1000, 0.0, 110, 0.8, 0.4, 0.05, 0.3, 0.9};
    case Footwear::Sandals:
        return {0.8, 10, 6000, 0.3, 90, 0.7, 0.6, 0.08, 0.7, 0.6};
    }
    return {2.5, 18, 2500, 0.05, 95, 0.75, 0.65, 0.12, 0.0, 0.8};
}

struct GaitProfile {
    double heelToeScale;
    double level;
    double attackScale;
    double toeScale;
    double brightScale;
    double rollScale;
};

GaitProfile gaitProfile(Gait gait) {
    switch (gait) {
    case Gait::Walk:
        return {1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    case Gait::Run:
        return {0.35, 1.45, 0.8, 1.4, 1.15, 0.5};
    case Gait::Jog:
        return {0.55, 1.25, 0.9, 1.2, 1.08, 0.7};
    case Gait::Sneak:
        return {1.9, 0.35, 2.2, 0.8, 0.6, 1.5};
    case Gait::Limp:
        return {1.2, 0.9, 1.0, 1.0, 1.0, 1.8};
    case Gait::March:
        return {0.7, 1.3, 0.85, 0.8, 1.1, 0.6};
    }
    return {1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
}

enum class Model { Modal, Particle, Noise };
const char* modelName(Model model) {
    switch (model) {
    case Model::Modal:
        return "modal";
    case Model::Particle:
        return "particle";
    case Model::Noise:
        return "filtered_noise";
    }
    return "modal";
}

struct Mode {
    double freq;
    double t60;
    double gain;
};

struct SurfaceProfile {
    Model model = Model::Modal;
    std::vector<Mode> modes; // modal: at most kMaxModes
    double direct = 0.5;     // contact noise heard directly, next to the modes
    double freqJitter = 0.03;
    double grit = 0.0; // sparse grain clicks under the sole (rate per second at full force)
    // particle (PhISEM)
    double rate = 0.0;    // collisions per second at full energy
    double burstMs = 1.0; // decay of one collision's noise burst
    double fLo = 1000, fHi = 4000, q = 2.0;
    double sustainMs = 50; // grains keep settling after the force peak
    // filtered noise
    double noiseLo = 100, noiseHi = 1000, am = 0.0;
    double thump = 0.5;
    double level = 1.0;
    double creak = 0.0;  // chance per step (wood)
    double rattle = 0.0; // secondary impacts (metal grating)
    double soft = 0.0;   // soft ground: wetness squelches instead of splashing only
};

SurfaceProfile surfaceProfile(Surface surface) {
    SurfaceProfile s;
    switch (surface) {
    case Surface::Marble:
        // Dense, hard and polished: bright, short modes and a crisp direct tap.
        s.modes = {{310, 0.03, 0.35}, {1420, 0.07, 0.7}, {2350, 0.06, 0.8}, {3350, 0.055, 0.7},
                   {4550, 0.05, 0.6}, {5900, 0.04, 0.5}, {7600, 0.03, 0.4}, {9800, 0.025, 0.3}};
        s.direct = 0.7;
        s.grit = 40;
        s.thump = 0.45;
        s.level = 1.0;
        break;
    case Surface::Concrete:
        // Rough, heavily damped slab: broad mid modes, gritty contact.
        s.modes = {{170, 0.03, 0.5},    {480, 0.022, 0.55},  {910, 0.018, 0.5},
                   {1600, 0.016, 0.45}, {2500, 0.014, 0.35}, {3800, 0.012, 0.25}};
        s.direct = 0.9;
        s.grit = 400;
        s.freqJitter = 0.08;
        s.thump = 0.55;
        s.level = 0.9;
        break;
    case Surface::Wood:
        // Floorboards on joists: low, hollow modes; boards creak under weight.
        s.modes = {{95, 0.14, 0.9},  {165, 0.12, 0.8}, {255, 0.1, 0.75},   {390, 0.09, 0.6},
                   {610, 0.07, 0.5}, {930, 0.05, 0.4}, {1450, 0.035, 0.3}, {2250, 0.025, 0.2}};
        s.direct = 0.45;
        s.grit = 60;
        s.thump = 0.9;
        s.creak = 0.3;
        s.level = 0.9;
        break;
    case Surface::Metal:
        // Steel plate / grating: inharmonic plate modes with a long ring, rattling bars.
        s.modes = {{212, 0.9, 0.5},    {347, 0.85, 0.55}, {528, 0.8, 0.6},    {761, 0.7, 0.55},
                   {1043, 0.65, 0.5},  {1397, 0.55, 0.5}, {1810, 0.5, 0.45},  {2450, 0.42, 0.4},
                   {3120, 0.35, 0.35}, {3980, 0.3, 0.3},  {5200, 0.22, 0.25}, {6600, 0.16, 0.2}};
        s.direct = 0.35;
        s.freqJitter = 0.01;
        s.rattle = 1.0;
        s.thump = 0.5;
        s.level = 0.95;
        break;
    case Surface::Gravel:
        // Stones knocking: fairly sparse, tonal clicks.
        s.model = Model::Particle;
        s.rate = 2600;
        s.burstMs = 1.2;
        s.fLo = 1300;
        s.fHi = 6500;
        s.q = 5.0;
        s.sustainMs = 70;
        s.direct = 0.15;
        s.thump = 0.4;
        s.level = 0.85;
        s.soft = 0.6;
        break;
    case Surface::Snow:
        // Compacting snow: dense crunch of tiny fractures, damped body.
        s.model = Model::Particle;
        s.rate = 9000;
        s.burstMs = 0.5;
        s.fLo = 900;
        s.fHi = 5500;
        s.q = 1.3;
        s.sustainMs = 120;
        s.direct = 0.05;
        s.thump = 0.3;
        s.level = 0.75;
        s.soft = 1.0;
        break;
    case Surface::Sand:
        // Very dense, soft grains: a muffled hiss.
        s.model = Model::Particle;
        s.rate = 14000;
        s.burstMs = 0.3;
        s.fLo = 300;
        s.fHi = 2200;
        s.q = 0.9;
        s.sustainMs = 90;
        s.direct = 0.05;
        s.thump = 0.5;
        s.level = 0.6;
        s.soft = 1.0;
        break;
    case Surface::Leaves:
        // Dry leaves: crisp, longer crackles and a rustling tail.
        s.model = Model::Particle;
        s.rate = 2200;
        s.burstMs = 3.0;
        s.fLo = 2500;
        s.fHi = 9500;
        s.q = 2.0;
        s.sustainMs = 130;
        s.direct = 0.05;
        s.thump = 0.3;
        s.level = 0.7;
        s.soft = 1.0;
        break;
    case Surface::Carpet:
        // Pile absorbs the contact: low-passed noise and a soft thud.
        s.model = Model::Noise;
        s.noiseLo = 60;
        s.noiseHi = 700;
        s.am = 0.15;
        s.sustainMs = 40;
        s.direct = 0.35;
        s.thump = 1.0;
        s.level = 0.45;
        s.soft = 1.0;
        break;
    case Surface::Grass:
        // Blades brushing the shoe: band-passed, rustling noise.
        s.model = Model::Noise;
        s.noiseLo = 1100;
        s.noiseHi = 6500;
        s.am = 0.8;
        s.sustainMs = 90;
        s.direct = 0.1;
        s.thump = 0.5;
        s.level = 0.55;
        s.soft = 1.0;
        break;
    }
    return s;
}

struct PerspectiveProfile {
    double gain;
    double lowpassHz; // 0: none (air absorption / occlusion)
    double reflectionGain;
    double reflectionLowpassHz;
    int taps;
    double firstTapMs;
    double lastTapMs;
    double panSpread; // far sources cross a smaller angle
};

PerspectiveProfile perspectiveProfile(Perspective perspective) {
    switch (perspective) {
    case Perspective::Close:
        return {1.0, 0.0, 0.2, 6000, 3, 5.0, 19.0, 1.0};
    case Perspective::Mid:
        return {0.55, 9000, 0.34, 5000, 5, 8.0, 45.0, 0.8};
    case Perspective::Far:
        return {0.3, 3800, 0.5, 3500, 8, 13.0, 95.0, 0.55};
    }
    return {1.0, 0.0, 0.2, 6000, 3, 5.0, 19.0, 1.0};
}

// --- small DSP helpers ---------------------------------------------------------------------

double onePoleCoeff(double cutoffHz, int sampleRate) {
    return 1.0 - std::exp(-2.0 * kPi * cutoffHz / sampleRate);
}

// Peak |x| on the bit patterns: for non-negative IEEE floats integer order is float order,
// and an integer max loop vectorises where a float one (NaN rules) does not.
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

// Hann bump: the sustained part of the stance (rolling, scuffing, dragging).
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

// Two-pole band-pass (constant 0 dB peak) coefficients for the particle resonators.
struct BandPass {
    float b0, a1, a2; // b2 = -b0
};
BandPass makeBandPass(double freq, double q, int sampleRate) {
    const double w = 2.0 * kPi * freq / sampleRate;
    const double alpha = std::sin(w) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    return {static_cast<float>(alpha / a0), static_cast<float>(-2.0 * std::cos(w) / a0),
            static_cast<float>((1.0 - alpha) / a0)};
}

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

// Everything that is fixed for the whole take.
struct TakeContext {
    FootstepParams params;
    FootwearProfile foot;
    GaitProfile gait;
    SurfaceProfile surface;
    PerspectiveProfile perspective;
    int sampleRate;
    // Per-foot character (left, right): a walker's two feet never sound identical.
    double footHeelToe[2];
    double footBright[2];
    double footModeShift[2];
    std::array<BandPass, kParticleBankSize> particleBank; // log-uniform tunings
    std::array<BandPass, 32> splashBank;
};

struct Scratch {
    std::vector<float> force, excitation, main, extra, step;
    std::vector<float> noiseA, noiseB, noiseC; // white noise in [-1, 1), padded to 8
};

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

// The surface's answer to one step's force, written to s.main (same length as s.force).
void renderSurface(const TakeContext& ctx, const FootstepSynth::StepPlan& plan, Rng& rng,
                   FastNoise& events, Scratch& s, double heelToe, double bright,
                   std::size_t forceEnd) {
    const auto n = s.force.size();
    const auto& surf = ctx.surface;
    const int sr = ctx.sampleRate;
    const int foot = plan.leftFoot ? 0 : 1;

    // Excitation: force-shaped noise plus contact clicks and grain clicks, band-limited by
    // the sole (hard soles reach high, rubber and skin do not).
    s.excitation.assign(n, 0.0f);
    std::size_t lastClick = 0;
    const double click = ctx.foot.click * (1.0 + 0.15 * rng.bipolar());
    auto addClick = [&](double atSec, double amp) {
        const auto i = static_cast<std::size_t>(std::lround(atSec * sr));
        if (i < n) {
            s.excitation[i] += static_cast<float>(amp);
            lastClick = std::max(lastClick, i);
        }
    };
    addClick(0.0, 6.0 * click);
    addClick(heelToe, 6.0 * click * ctx.foot.toeLevel * 0.6);
    if (surf.rattle > 0.0) {
        // Grating bars bouncing after each impact.
        for (double base : {0.0, heelToe}) {
            double t = base, amp = 2.5 * surf.rattle;
            const int count = 2 + static_cast<int>(rng.uniform() * 3.0);
            for (int k = 0; k < count; ++k) {
                t += rng.uniform(0.006, 0.028);
                amp *= rng.uniform(0.35, 0.7);
                addClick(t, amp * (rng.chance(0.5) ? 1.0 : -1.0));
            }
        }
    }
    // Beyond the force and the clicks the excitation is silence plus the filters' tail.
    const std::size_t exEnd =
        std::min(std::min(n, forceEnd + static_cast<std::size_t>(0.01 * sr)),
                 std::max(forceEnd, lastClick + 1) + static_cast<std::size_t>(0.003 * sr));
    {
        const float a = static_cast<float>(onePoleCoeff(bright, sr));
        const float gritP = static_cast<float>(surf.grit / sr);
        const float* na = s.noiseA.data();
        const float* nb = s.noiseB.data();
        float lp1 = 0.0f, lp2 = 0.0f;
        for (std::size_t i = 0; i < exEnd; ++i) {
            const float f = s.force[i];
            float x = s.excitation[i] + na[i] * f;
            if (std::fabs(nb[i]) < gritP * f)
                x += 3.0f * f * events.next();
            lp1 += a * (x - lp1);
            lp2 += a * (lp1 - lp2);
            s.excitation[i] = lp2;
        }
    }

    s.main.resize(n); // every model writes all of it
    switch (surf.model) {
    case Model::Modal: {
        // Bank of damped two-pole resonators, retuned for every step (where the foot lands
        // on the slab/board changes which modes ring and how).
        F4 a1[3], a2[3], g[3];
        float fa1[12] = {}, fa2[12] = {}, fg[12] = {};
        const double weightShift = 1.0 - 0.08 * (ctx.params.weight - 0.5);
        const double damping = 1.0 - 0.3 * ctx.params.wetness;
        const std::size_t count = std::min<std::size_t>(surf.modes.size(), kMaxModes);
        for (std::size_t m = 0; m < count; ++m) {
            const Mode& mode = surf.modes[m];
            const double f = mode.freq * ctx.footModeShift[foot] * weightShift *
                             (1.0 + surf.freqJitter * rng.bipolar());
            const double t60 = mode.t60 * damping * (1.0 + 0.15 * rng.bipolar());
            const double gain = mode.gain * (1.0 + 0.3 * rng.bipolar());
            if (f >= 0.45 * sr)
                continue;
            const double r = std::exp(-6.907755 / (t60 * sr));
            const double w = 2.0 * kPi * f / sr;
            fa1[m] = static_cast<float>(2.0 * r * std::cos(w));
            fa2[m] = static_cast<float>(r * r);
            // sin(w) normalises the impulse response amplitude to the mode's gain.
            fg[m] = static_cast<float>(gain * std::sin(w));
        }
        for (int k = 0; k < 3; ++k) {
            a1[k] = F4{fa1[4 * k], fa1[4 * k + 1], fa1[4 * k + 2], fa1[4 * k + 3]};
            a2[k] = F4{fa2[4 * k], fa2[4 * k + 1], fa2[4 * k + 2], fa2[4 * k + 3]};
            g[k] = F4{fg[4 * k], fg[4 * k + 1], fg[4 * k + 2], fg[4 * k + 3]};
        }
        const auto direct = static_cast<float>(surf.direct);
        const int groups = static_cast<int>((count + 3) / 4);
        if (groups <= 1)
            runModes<1>(s.excitation.data(), s.main.data(), n, a1, a2, g, direct);
        else if (groups == 2)
            runModes<2>(s.excitation.data(), s.main.data(), n, a1, a2, g, direct);
        else
            runModes<3>(s.excitation.data(), s.main.data(), n, a1, a2, g, direct);
        break;
    }
    case Model::Particle: {
        // PhISEM (Cook): collisions happen with a probability that follows the system energy
        // (here the foot's force, held while the grains settle); each adds a decaying noise
        // burst and retunes one of two resonators.
        const float hold = static_cast<float>(std::exp(-1.0 / (surf.sustainMs * 1e-3 * sr)));
        const float burstDecay = static_cast<float>(std::exp(-1.0 / (surf.burstMs * 1e-3 * sr)));
        const auto pScale = static_cast<float>(surf.rate / sr);
        const auto direct = static_cast<float>(surf.direct);
        BandPass r0 = ctx.particleBank[rng.next() % kParticleBankSize];
        BandPass r1 = ctx.particleBank[rng.next() % kParticleBankSize];
        const float* na = s.noiseA.data();
        const float* nb = s.noiseB.data();
        const float* nc = s.noiseC.data();
        float s01 = 0, s02 = 0, s11 = 0, s12 = 0; // resonator states (y1, y2)
        float x1 = 0, x2 = 0;                     // shared input history
        float energy = 0.0f, level = 0.0f;
        // Grains of different sizes ring at different pitches: one of the two resonators is
        // retuned every ~3 ms. Collisions themselves are branch-free (they are too frequent
        // and random for branch prediction).
        constexpr std::size_t kBlock = 128;
        for (std::size_t start = 0, block = 0; start < n; start += kBlock, ++block) {
            (block % 2 ? r1 : r0) = ctx.particleBank[events.nextBits() % kParticleBankSize];
            const std::size_t end = std::min(n, start + kBlock);
            for (std::size_t i = start; i < end; ++i) {
                energy = std::max(s.force[i], energy * hold);
                const float strength = 0.2f + 0.8f * na[i] * na[i];
                const float hit = std::fabs(nb[i]) < pScale * energy ? energy * strength : 0.0f;
                level = level * burstDecay + hit;
                const float x = level * nc[i];
                const float y0 = r0.b0 * (x - x2) - r0.a1 * s01 - r0.a2 * s02;
                const float y1 = r1.b0 * (x - x2) - r1.a1 * s11 - r1.a2 * s12;
                x2 = x1;
                x1 = x;
                s02 = s01;
                s01 = y0;
                s12 = s11;
                s11 = y1;
                s.main[i] = y0 + y1 + direct * s.excitation[i];
            }
        }
        break;
    }
    case Model::Noise: {
        // Band-limited noise following the held force, with a slow random amplitude
        // modulation for the rustle of grass.
        const float hold = static_cast<float>(std::exp(-1.0 / (surf.sustainMs * 1e-3 * sr)));
        const auto hp = static_cast<float>(onePoleCoeff(surf.noiseLo, sr));
        const auto lp = static_cast<float>(onePoleCoeff(surf.noiseHi, sr));
        const auto amLp = static_cast<float>(onePoleCoeff(35.0, sr));
        const auto am = static_cast<float>(surf.am);
        const auto direct = static_cast<float>(surf.direct);
        const float* nb = s.noiseB.data();
        const float* nc = s.noiseC.data();
        float energy = 0, hpState = 0, lp1 = 0, lp2 = 0, mod = 0;
        for (std::size_t i = 0; i < n; ++i) {
            energy = std::max(s.force[i], energy * hold);
            mod += amLp * (nb[i] - mod);
            const float gain = energy * (1.0f + am * (8.0f * std::fabs(mod) - 1.0f));
            const float x = nc[i] * gain + direct * s.excitation[i];
            hpState += hp * (x - hpState);
            lp1 += lp * ((x - hpState) - lp1);
            lp2 += lp * (lp1 - lp2);
            s.main[i] = lp2;
        }
        break;
    }
    }
}

// Adds k * src to dst[first ...] so that src's peak sits at amount * ref.
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

// Low thump of body weight: a damped low resonator driven by the heel force.
void addThump(const TakeContext& ctx, Rng& rng, Scratch& s, double amount, float ref) {
    if (amount <= 0.0)
        return;
    const int sr = ctx.sampleRate;
    const auto n = std::min<std::size_t>(s.force.size(), static_cast<std::size_t>(0.22 * sr));
    const double f = (95.0 - 45.0 * ctx.params.weight) * (1.0 + 0.08 * rng.bipolar());
    const double r = std::exp(-6.907755 / (0.09 * sr));
    const double w = 2.0 * kPi * f / sr;
    const auto a1 = static_cast<float>(2.0 * r * std::cos(w));
    const auto a2 = static_cast<float>(r * r);
    s.extra.resize(n);
    float y1 = 0, y2 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const float y = s.force[i] + a1 * y1 - a2 * y2;
        y2 = y1;
        y1 = y;
        s.extra[i] = y;
    }
    mixRelative(s.main, 0, s.extra.data(), n, amount, ref);
}

// Floorboard creak: stick-slip pulses at a gliding rate exciting a few board resonances.
void addCreak(const TakeContext& ctx, Rng& rng, Scratch& s, double amount, float ref) {
    const int sr = ctx.sampleRate;
    const double start = rng.uniform(0.02, 0.09);
    const double length = rng.uniform(0.15, 0.35);
    const auto first = static_cast<std::size_t>(start * sr);
    const auto len = static_cast<std::size_t>(length * sr);
    if (first + len >= s.main.size())
        return;
    float a1[3], a2[3], g[3], y1[3] = {}, y2[3] = {};
    for (int m = 0; m < 3; ++m) {
        const double f = rng.uniform(380.0, 1500.0);
        const double r = std::exp(-6.907755 / (0.035 * sr));
        const double w = 2.0 * kPi * f / sr;
        a1[m] = static_cast<float>(2.0 * r * std::cos(w));
        a2[m] = static_cast<float>(r * r);
        g[m] = static_cast<float>(std::sin(w) * rng.uniform(0.5, 1.0));
    }
    const double rate0 = rng.uniform(18.0, 40.0);
    const double rate1 = rate0 * rng.uniform(1.4, 2.6);
    s.extra.assign(len + static_cast<std::size_t>(0.05 * sr), 0.0f);
    double phase = 0.0;
    for (std::size_t i = 0; i < s.extra.size(); ++i) {
        float x = 0.0f;
        if (i < len) {
            const double t = double(i) / len;
            phase += (rate0 + (rate1 - rate0) * t) / sr;
            if (phase >= 1.0) {
                phase -= 1.0 + 0.15 * rng.bipolar();
                x = static_cast<float>(0.5 * (1.0 - std::cos(2.0 * kPi * t)) *
                                       rng.uniform(0.6, 1.0));
            }
        }
        float sum = 0.0f;
        for (int m = 0; m < 3; ++m) {
            const float y = g[m] * x + a1[m] * y1[m] - a2[m] * y2[m];
            y2[m] = y1[m];
            y1[m] = y;
            sum += y;
        }
        s.extra[i] = sum;
    }
    mixRelative(s.main, first, s.extra.data(), s.extra.size(), amount, ref);
}

// Sandal / skin slap: a short, band-limited noise burst.
void addSlap(const TakeContext& ctx, FastNoise& noise, Scratch& s, double atSec, double amount,
             float ref) {
    const int sr = ctx.sampleRate;
    const auto first = static_cast<std::size_t>(atSec * sr);
    const auto len = static_cast<std::size_t>(0.012 * sr);
    if (amount <= 0.0 || first + len >= s.main.size())
        return;
    const auto decay = static_cast<float>(std::exp(-1.0 / (0.0025 * sr)));
    const auto a = static_cast<float>(onePoleCoeff(3500.0, sr));
    float env = static_cast<float>(amount) * ref * 1.6f, lp = 0.0f;
    for (std::size_t i = 0; i < len; ++i) {
        lp += a * (noise.next() - lp);
        s.main[first + i] += env * lp;
        env *= decay;
    }
}

// Wet ground: droplets thrown up (high-passed particle splashes and chirping bubbles) and,
// on soft ground, a squelch as the sole lifts.
void addWet(const TakeContext& ctx, Rng& rng, FastNoise& events, Scratch& s, double heelToe,
            float ref) {
    const double wet = ctx.params.wetness;
    if (wet <= 0.0)
        return;
    const int sr = ctx.sampleRate;
    const auto n = s.main.size();

    // Splash particles: fresh noise, so they do not correlate with the surface's grains.
    {
        LaneNoise fresh(rng.next());
        fresh.fill(s.noiseC.data(), n);
        fresh.fill(s.noiseB.data(), n);
        const float* nb = s.noiseB.data();
        const float* nc = s.noiseC.data();
        s.extra.resize(n);
        const auto hold = static_cast<float>(std::exp(-1.0 / (0.06 * sr)));
        const auto burstDecay = static_cast<float>(std::exp(-1.0 / (0.0015 * sr)));
        const auto pScale = static_cast<float>(1800.0 * wet / sr);
        BandPass r = ctx.splashBank[rng.next() % ctx.splashBank.size()];
        float e = 0, level = 0, x1 = 0, x2 = 0, y1 = 0, y2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            e = std::max(s.force[i], e * hold);
            const float p = pScale * e;
            const float u = std::fabs(nb[i]);
            if (u < p) {
                level += e * (u / p);
                r = ctx.splashBank[events.nextBits() % ctx.splashBank.size()];
            }
            level *= burstDecay;
            const float x = level * nc[i];
            const float y = r.b0 * (x - x2) - r.a1 * y1 - r.a2 * y2;
            x2 = x1;
            x1 = x;
            y2 = y1;
            y1 = y;
            s.extra[i] = y;
        }
        mixRelative(s.main, 0, s.extra.data(), n, 0.35 * wet, ref);
    }

    // Bubbles: decaying sinusoids with rising pitch (van den Doel's bubble model).
    const int bubbles = static_cast<int>(wet * (1.0 + 3.0 * rng.uniform()));
    for (int b = 0; b < bubbles; ++b) {
        const auto first = static_cast<std::size_t>(rng.uniform(0.0, heelToe + 0.08) * sr);
        const double tau = rng.uniform(0.004, 0.011);
        const auto len = static_cast<std::size_t>(5.0 * tau * sr);
        const double f0 = rng.uniform(700.0, 2600.0);
        const double rise = rng.uniform(0.4, 1.2) / (5.0 * tau); // relative rise per second
        const double amp = 0.18 * wet * ref * rng.uniform(0.5, 1.0);
        if (first + len >= n)
            continue;
        double re = 0.0, im = 1.0, c = 1.0, sn = 0.0;
        const double decay = std::exp(-1.0 / (tau * sr));
        double env = amp;
        for (std::size_t i = 0; i < len; ++i) {
            if (i % 16 == 0) {
                const double f = f0 * (1.0 + rise * double(i) / sr);
                const double w = 2.0 * kPi * std::min(f, 0.45 * sr) / sr;
                c = std::cos(w);
                sn = std::sin(w);
            }
            const double nre = re * c - im * sn;
            im = re * sn + im * c;
            re = nre;
            // Smooth 1 ms onset so the sinusoid does not click in.
            const double onset = std::min(1.0, double(i) / (0.001 * sr));
            s.main[first + i] += static_cast<float>(env * onset * re);
            env *= decay;
        }
    }

    // Squelch on soft ground: low-mid noise with a fast, irregular suction flutter.
    if (ctx.surface.soft > 0.0) {
        const double start = std::max(0.0, heelToe - 0.03);
        const double length = rng.uniform(0.12, 0.2);
        const auto first = static_cast<std::size_t>(start * sr);
        const auto len = static_cast<std::size_t>(length * sr);
        if (first + len < n) {
            const auto hp = static_cast<float>(onePoleCoeff(300.0, sr));
            const auto lp = static_cast<float>(onePoleCoeff(1100.0, sr));
            const auto flutter = static_cast<float>(onePoleCoeff(45.0, sr));
            const float* nb = s.noiseB.data() + first; // independent of the splash's use
            const float* nc = s.noiseC.data() + first;
            float h = 0, l1 = 0, l2 = 0, mod = 0;
            s.extra.resize(len);
            RaisedCosine hann(2.0 * kPi / double(len));
            for (std::size_t i = 0; i < len; ++i) {
                mod += flutter * (nb[len - 1 - i] - mod);
                const float x = nc[len - 1 - i];
                h += hp * (x - h);
                l1 += lp * ((x - h) - l1);
                l2 += lp * (l1 - l2);
                s.extra[i] = static_cast<float>(hann.next()) * std::fabs(mod) * l2;
            }
            mixRelative(s.main, first, s.extra.data(), len, 0.45 * wet * ctx.surface.soft, ref);
        }
    }
}

// One footstep, mono, in s.step; returns the gain that brings it to the planned level.
float renderStep(const TakeContext& ctx, const FootstepSynth::StepPlan& plan, Scratch& s,
                 std::size_t maxFrames) {
    Rng rng(plan.seed);
    FastNoise events(rng.next());
    const int sr = ctx.sampleRate;
    const int foot = plan.leftFoot ? 0 : 1;
    const auto& fw = ctx.foot;
    const auto& gt = ctx.gait;
    const auto& surf = ctx.surface;

    const double heelToe = fw.heelToeMs * 1e-3 * gt.heelToeScale * ctx.footHeelToe[foot] *
                           (1.0 + 0.08 * rng.triangular());
    const double weightSoft = 1.0 + 0.4 * ctx.params.weight; // heavier: slower, fuller contact
    const double attack =
        fw.attackMs * 1e-3 * gt.attackScale * weightSoft * (1.0 + 0.1 * rng.bipolar());
    const double decay = fw.decayMs * 1e-3 * (1.0 + 0.1 * rng.bipolar());
    const double bright =
        std::min(0.45 * sr, fw.brightnessHz * gt.brightScale * ctx.footBright[foot] *
                                (1.0 - 0.15 * ctx.params.wetness));
    const double roll = fw.roll * gt.rollScale * (plan.weakFoot ? 2.0 : 1.0);
    const double toe = fw.toeLevel * gt.toeScale * (1.0 + 0.1 * rng.bipolar());

    // Length: until the surface has died away to about -45 dB (a fade hides the rest).
    double tail = 0.06;
    if (surf.model == Model::Modal)
        for (const auto& m : surf.modes)
            tail = std::max(tail, m.t60 * 0.75);
    else
        tail = std::max(tail, surf.sustainMs * 1e-3 * 3.5 + 0.03);
    double length = heelToe + 0.04 + tail;
    if (ctx.params.wetness > 0.0)
        length = std::max(length, heelToe + 0.25);
    if (surf.creak > 0.0)
        length = std::max(length, 0.5);
    const auto n = std::min(maxFrames, static_cast<std::size_t>(length * sr));
    s.step.resize(n);
    if (n == 0)
        return 0.0f;

    // Ground-reaction force: heel strike, roll, toe (ball of the foot).
    s.force.assign(n, 0.0f);
    addImpact(s.force, 0.0, 1.0, attack, decay, sr);
    addImpact(s.force, heelToe, toe, attack * 1.6, decay * 1.3, sr);
    addBump(s.force, 0.0, heelToe + 2.0 * decay, roll, sr);
    // Where the force has ended (impacts are cut at -60 dB): beyond it only tails ring.
    const double forceEndSec =
        std::max(heelToe + attack * 1.6 + 6.91 * decay * 1.3, heelToe + 2.0 * decay);
    const std::size_t forceEnd = std::min(n, static_cast<std::size_t>(forceEndSec * sr) + 2);

    // White noise, only as far as each use needs it: A drives the contact excitation (it
    // ends with the force), B decides grain collisions, C is the grains' own noise.
    const std::size_t padded = LaneNoise::roundUp(n);
    s.noiseA.resize(padded);
    s.noiseB.resize(padded);
    s.noiseC.resize(padded);
    {
        const std::size_t contact = std::min(n, forceEnd + static_cast<std::size_t>(0.01 * sr));
        const bool grains = surf.model != Model::Modal;
        LaneNoise noise(rng.next());
        noise.fill(s.noiseA.data(), surf.model == Model::Particle ? n : contact);
        noise.fill(s.noiseB.data(), grains ? n : contact);
        if (grains)
            noise.fill(s.noiseC.data(), n);
    }

    renderSurface(ctx, plan, rng, events, s, heelToe, bright, forceEnd);
    const float ref = peakAbs(s.main.data(), n);

    const double thump =
        surf.thump * fw.thump * (0.15 + 1.1 * ctx.params.weight * ctx.params.weight);
    addThump(ctx, rng, s, thump * (plan.weakFoot ? 0.6 : 1.0), ref);
    if (surf.creak > 0.0 && rng.chance(surf.creak * (0.5 + ctx.params.weight)))
        addCreak(ctx, rng, s, rng.uniform(0.15, 0.35), ref);
    // A slap needs a hard, smooth floor; soft ground swallows it.
    const double slap = fw.slap * (surf.model == Model::Modal ? 1.0 : 0.1);
    if (slap > 0.0)
        addSlap(ctx, events, s, heelToe + rng.uniform(0.02, 0.05), slap, ref);
    addWet(ctx, rng, events, s, heelToe, ref);

    // Distance (air absorption), DC blocker.
    const double lpHz = ctx.perspective.lowpassHz;
    const float dcR = static_cast<float>(1.0 - 2.0 * kPi * 25.0 / sr);
    float dcX = 0, dcY = 0;
    if (lpHz > 0.0) {
        const auto a = static_cast<float>(onePoleCoeff(lpHz, sr));
        float lp1 = 0, lp2 = 0;
        for (std::size_t i = 0; i < n; ++i) {
            lp1 += a * (s.main[i] - lp1);
            lp2 += a * (lp1 - lp2);
            dcY = lp2 - dcX + dcR * dcY;
            dcX = lp2;
            s.step[i] = dcY;
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            dcY = s.main[i] - dcX + dcR * dcY;
            dcX = s.main[i];
            s.step[i] = dcY;
        }
    }
    // Fade the last 20 ms: steps cut by the take's end or by the tail estimate never click.
    const auto fade = std::min<std::size_t>(n, static_cast<std::size_t>(0.02 * sr));
    for (std::size_t i = 0; i < fade; ++i)
        s.step[n - 1 - i] *= static_cast<float>(i) / fade;
    const float peak = peakAbs(s.step.data(), n);
    return peak > 0.0f ? static_cast<float>(plan.level / peak) : 0.0f;
}

} // namespace

FootstepSynth::FootstepSynth(const FootstepParams& params, std::uint64_t seed,
                             double durationSeconds, int sampleRate)
    : m_params(params), m_sampleRate(sampleRate),
      m_frames(static_cast<std::size_t>(std::llround(std::max(0.0, durationSeconds) * sampleRate))),
      m_seed(seed) {
    Rng rng(seed);
    const double duration = static_cast<double>(m_frames) / m_sampleRate;
    const double pace = std::clamp(params.paceStepsPerSecond, 0.2, 10.0);
    const double interval = 1.0 / pace;
    const auto persp = perspectiveProfile(params.perspective);
    const auto fw = footwearProfile(params.footwear);
    const auto gt = gaitProfile(params.gait);
    const auto surf = surfaceProfile(params.surface);

    // Walking path: from one side toward the other, direction and extent per seed.
    const double side = rng.chance(0.5) ? -1.0 : 1.0;
    m_panStart = side * rng.uniform(0.25, 0.55) * persp.panSpread;
    m_panEnd = -side * rng.uniform(0.15, 0.5) * persp.panSpread;

    // Per-foot asymmetry, fixed for the take.
    const double footInterval[2] = {1.0 + 0.015 * rng.bipolar(), 1.0 + 0.015 * rng.bipolar()};
    const double footLevel[2] = {1.0 + 0.05 * rng.bipolar(), 1.0 + 0.05 * rng.bipolar()};
    const bool leftFirst = rng.chance(0.5);
    const bool weakLeft = rng.chance(0.5);

    const double weightLevel = 0.6 + 0.8 * params.weight;
    const double baseLevel = kBaseStepPeak * fw.level * gt.level * weightLevel * surf.level;

    double t = rng.uniform(0.06, 0.06 + 0.5 * interval);
    t = std::min(t, 0.3 * duration);
    for (int k = 0; m_frames > 0; ++k) {
        if (k > 0 && t >= duration - 0.08)
            break;
        StepPlan step;
        step.onset = t;
        step.leftFoot = (k % 2 == 0) == leftFirst;
        const int foot = step.leftFoot ? 0 : 1;
        step.weakFoot = params.gait == Gait::Limp && step.leftFoot == weakLeft;
        const double jitterDb = 1.5 * rng.triangular();
        step.level = baseLevel * footLevel[foot] * std::pow(10.0, jitterDb / 20.0) *
                     (step.weakFoot ? 0.65 : 1.0);
        const double along = duration > 0.0 ? t / duration : 0.0;
        // Feet land slightly either side of the walking line.
        step.pan = m_panStart + (m_panEnd - m_panStart) * along +
                   (step.leftFoot ? -0.04 : 0.04) * persp.panSpread;
        step.seed = rng.fork();
        m_steps.push_back(step);

        double next = interval * footInterval[foot] * (1.0 + 0.03 * rng.triangular());
        if (params.gait == Gait::Limp)
            next *= step.weakFoot ? 0.7 : 1.3; // little time spent on the injured leg
        t += next;
    }
}

std::vector<double> FootstepSynth::onsets() const {
    std::vector<double> out;
    for (const auto& step : m_steps)
        out.push_back(step.onset);
    return out;
}

nlohmann::json FootstepSynth::details() const {
    auto j = toJson(m_params);
    j["step_count"] = stepCount();
    j["surface_model"] = modelName(surfaceProfile(m_params.surface).model);
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    j["pan_start"] = round3(m_panStart);
    j["pan_end"] = round3(m_panEnd);
    j["synth_version"] = 1;
    return j;
}

AudioBuffer FootstepSynth::render(const std::function<void(int, int)>& onProgress) const {
    const int sr = m_sampleRate;
    const int total = stepCount() + 1;
    if (m_frames == 0) {
        if (onProgress)
            onProgress(total, total);
        return AudioBuffer(2, 0, sr);
    }

    TakeContext ctx;
    ctx.params = m_params;
    ctx.foot = footwearProfile(m_params.footwear);
    ctx.gait = gaitProfile(m_params.gait);
    ctx.surface = surfaceProfile(m_params.surface);
    ctx.perspective = perspectiveProfile(m_params.perspective);
    ctx.sampleRate = sr;
    Rng rng(m_seed ^ 0x5851F42D4C957F2Dull); // the plan used the plain seed
    for (int f = 0; f < 2; ++f) {
        ctx.footHeelToe[f] = 1.0 + 0.06 * rng.bipolar();
        ctx.footBright[f] = 1.0 + 0.05 * rng.bipolar();
        ctx.footModeShift[f] = 1.0 + 0.015 * rng.bipolar();
    }
    {
        const auto& s = ctx.surface;
        const double span = std::log(s.fHi / s.fLo);
        for (auto& bp : ctx.particleBank)
            bp = makeBandPass(s.fLo * std::exp(span * rng.uniform()), s.q * rng.uniform(0.7, 1.4),
                              sr);
        for (auto& bp : ctx.splashBank)
            bp = makeBandPass(2500.0 * std::exp(std::log(4.0) * rng.uniform()), 3.0, sr);
    }

    // Early reflections: a few taps with different delays per channel (decorrelated, like
    // walls at different distances), low-passed by absorption.
    struct Tap {
        std::size_t delay;
        float gain;
    };
    std::vector<Tap> taps[2];
    const auto& persp = ctx.perspective;
    for (int c = 0; c < 2; ++c)
        for (int k = 0; k < persp.taps; ++k) {
            const double frac = persp.taps > 1 ? double(k) / (persp.taps - 1) : 0.0;
            const double ms = (persp.firstTapMs + (persp.lastTapMs - persp.firstTapMs) * frac) *
                              rng.uniform(0.85, 1.15) * (c == 0 ? 1.0 : 1.13);
            taps[c].push_back({static_cast<std::size_t>(ms * 1e-3 * sr),
                               static_cast<float>(persp.reflectionGain * std::pow(0.8, k) *
                                                  rng.uniform(0.8, 1.1))});
        }
    const auto reflLp = static_cast<float>(onePoleCoeff(persp.reflectionLowpassHz, sr));

    // Everything below works step by step on the few hundred ms each step covers (cache
    // friendly); the full-length channels are touched once to zero them.
    std::vector<float> channels[2] = {std::vector<float>(m_frames, 0.0f),
                                      std::vector<float>(m_frames, 0.0f)};
    float* left = channels[0].data();
    float* right = channels[1].data();
    Scratch scratch;
    std::vector<float> reflected;
    const double maxItd = 0.0003 * sr; // ~0.3 ms interaural delay at the side
    const auto itdLp = static_cast<float>(onePoleCoeff(1200.0, sr));

    int done = 0;
    for (const auto& step : m_steps) {
        const auto onset = static_cast<std::size_t>(std::llround(step.onset * sr));
        if (onset < m_frames) {
            StepPlan plan = step;
            plan.level *= persp.gain;
            const float k = renderStep(ctx, plan, scratch, m_frames - onset);
            const auto& x = scratch.step;
            const std::size_t count = std::min(x.size(), m_frames - onset);
            const double pan = std::clamp(step.pan, -1.0, 1.0);
            const double theta = (pan + 1.0) * kPi / 4.0; // constant-power pan
            const auto gl = static_cast<float>(std::cos(theta));
            const auto gr = static_cast<float>(std::sin(theta));
            // Interaural delay only below ~1.2 kHz (where the ear uses it): delaying the
            // highs too would decorrelate bright surfaces (leaves, heels) almost completely.
            const auto delay = static_cast<std::size_t>(std::lround(std::fabs(pan) * maxItd));
            float* nearCh = pan >= 0.0 ? right : left;
            float* farCh = pan >= 0.0 ? left : right;
            const float gNear = k * (pan >= 0.0 ? gr : gl);
            const float gFar = k * (pan >= 0.0 ? gl : gr);
            reflected.resize(count);
            float low = 0.0f, wall = 0.0f;
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t at = onset + i;
                nearCh[at] += gNear * x[i];
                low += itdLp * (x[i] - low);
                farCh[at] += gFar * (x[i] - low);
                if (at + delay < m_frames)
                    farCh[at + delay] += gFar * low;
                wall += reflLp * (k * x[i] - wall);
                reflected[i] = wall;
            }
            for (int c = 0; c < 2; ++c)
                for (const Tap& tap : taps[c]) {
                    if (onset + tap.delay >= m_frames)
                        continue;
                    float* dst = channels[c].data() + onset + tap.delay;
                    const std::size_t n = std::min(count, m_frames - onset - tap.delay);
                    const float* src = reflected.data();
                    for (std::size_t i = 0; i < n; ++i)
                        dst[i] += tap.gain * src[i];
                }
        }
        ++done;
        if (onProgress)
            onProgress(done, total);
    }

    // Edges: a 2 ms fade-in and 10 ms fade-out, then the peak ceiling.
    const auto fadeIn = std::min<std::size_t>(m_frames, static_cast<std::size_t>(0.002 * sr));
    const auto fadeOut = std::min<std::size_t>(m_frames, static_cast<std::size_t>(0.010 * sr));
    for (auto& ch : channels) {
        for (std::size_t i = 0; i < fadeIn; ++i)
            ch[i] *= static_cast<float>(i) / fadeIn;
        for (std::size_t i = 0; i < fadeOut; ++i)
            ch[m_frames - 1 - i] *= static_cast<float>(i) / fadeOut;
    }
    const float peak = std::max(peakAbs(left, m_frames), peakAbs(right, m_frames));
    if (peak > kPeakCeiling) {
        const float k = kPeakCeiling / peak;
        for (auto& ch : channels)
            for (auto& v : ch)
                v *= k;
    }

    AudioBuffer out(2, 0, sr); // adopt the channels instead of copying them
    out.channelVector(0) = std::move(channels[0]);
    out.channelVector(1) = std::move(channels[1]);
    if (onProgress)
        onProgress(total, total);
    return out;
}

} // namespace footfall
