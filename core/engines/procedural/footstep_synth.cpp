// The synth's entry point: plans the walk when constructed; render() builds each step's sound
// and places it in stereo (constant-power pan, interaural delay, early reflections), then fades
// the edges and applies the peak ceiling.
#include "engines/procedural/footstep_synth.h"

#include "engines/procedural/footstep_dsp.h"
#include "engines/procedural/footstep_layers.h"
#include "engines/procedural/footstep_profiles.h"
#include "engines/procedural/procedural_rng.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace footfall {

using procedural::Rng;

namespace {

constexpr float kPeakCeiling = 0.88f; // about -1.1 dBFS

} // namespace

FootstepSynth::FootstepSynth(const FootstepParams& params, std::uint64_t seed,
                             double durationSeconds, int sampleRate)
    : m_params(params), m_sampleRate(sampleRate),
      m_frames(static_cast<std::size_t>(std::llround(std::max(0.0, durationSeconds) * sampleRate))),
      m_seed(seed), m_plan(procedural::planWalk(params, seed, m_frames, sampleRate)) {}

std::vector<double> FootstepSynth::onsets() const {
    std::vector<double> out;
    for (const auto& step : m_plan.steps)
        out.push_back(step.onset);
    return out;
}

nlohmann::json FootstepSynth::details() const {
    auto j = toJson(m_params);
    j["step_count"] = stepCount();
    j["surface_model"] =
        procedural::surfaceModelName(procedural::surfaceProfile(m_params.surface).model);
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    j["pan_start"] = round3(m_plan.panStart);
    j["pan_end"] = round3(m_plan.panEnd);
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

    Rng rng(m_seed ^ 0x5851F42D4C957F2Dull); // the plan used the plain seed
    const procedural::TakeContext ctx = procedural::makeTakeContext(m_params, sr, rng);

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
    const auto reflLp = static_cast<float>(procedural::onePoleCoeff(persp.reflectionLowpassHz, sr));

    // Everything below works step by step on the few hundred ms each step covers (cache
    // friendly); the full-length channels are touched once to zero them.
    std::vector<float> channels[2] = {std::vector<float>(m_frames, 0.0f),
                                      std::vector<float>(m_frames, 0.0f)};
    float* left = channels[0].data();
    float* right = channels[1].data();
    procedural::Scratch scratch;
    std::vector<float> reflected;
    const double maxItd = 0.0003 * sr; // ~0.3 ms interaural delay at the side
    const auto itdLp = static_cast<float>(procedural::onePoleCoeff(1200.0, sr));

    int done = 0;
    for (const auto& step : m_plan.steps) {
        const auto onset = static_cast<std::size_t>(std::llround(step.onset * sr));
        if (onset < m_frames) {
            procedural::StepPlan plan = step;
            plan.level *= persp.gain;
            const float k = procedural::renderStep(ctx, plan, scratch, m_frames - onset);
            const auto& x = scratch.step;
            const std::size_t count = std::min(x.size(), m_frames - onset);
            const double pan = std::clamp(step.pan, -1.0, 1.0);
            const double theta = (pan + 1.0) * procedural::kPi / 4.0; // constant-power pan
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
    const float peak =
        std::max(procedural::peakAbs(left, m_frames), procedural::peakAbs(right, m_frames));
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
