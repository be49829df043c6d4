// Rendering one footstep: the force envelope, the surface models and the extra layers.
#include "engines/procedural/footstep_layers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace footfall::procedural {

namespace {

// The surface's answer to one step's force, written to s.main (same length as s.force).
void renderSurface(const TakeContext& ctx, const StepPlan& plan, Rng& rng, FastNoise& events,
                   Scratch& s, double heelToe, double bright, std::size_t forceEnd) {
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
    case SurfaceModel::Modal: {
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
    case SurfaceModel::Particle: {
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
    case SurfaceModel::Noise: {
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

} // namespace

TakeContext makeTakeContext(const FootstepParams& params, int sampleRate, Rng& rng) {
    const int sr = sampleRate;
    TakeContext ctx;
    ctx.params = params;
    ctx.foot = footwearProfile(params.footwear);
    ctx.gait = gaitProfile(params.gait);
    ctx.surface = surfaceProfile(params.surface);
    ctx.perspective = perspectiveProfile(params.perspective);
    ctx.sampleRate = sr;
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
    return ctx;
}

// One footstep, mono, in s.step; returns the gain that brings it to the planned level.
float renderStep(const TakeContext& ctx, const StepPlan& plan, Scratch& s, std::size_t maxFrames) {
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
    if (surf.model == SurfaceModel::Modal)
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
        const bool grains = surf.model != SurfaceModel::Modal;
        LaneNoise noise(rng.next());
        noise.fill(s.noiseA.data(), surf.model == SurfaceModel::Particle ? n : contact);
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
    const double slap = fw.slap * (surf.model == SurfaceModel::Modal ? 1.0 : 0.1);
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

} // namespace footfall::procedural
