// Physically informed footstep synthesis: a ground-reaction envelope per step (heel strike,
// roll, toe) excites a surface model (modal resonators, PhISEM-style particles or filtered
// noise), placed along a walking path in stereo with early reflections.
#pragma once

#include "audio/audio_buffer.h"
#include "engines/procedural/footstep_plan.h"
#include "engines/procedural/footstep_prompt.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <vector>

namespace footfall {

class FootstepSynth {
public:
    static constexpr int kSampleRate = 44100;

    // Plans the steps (timing, levels, stereo path) for one take; rendering is deterministic
    // for (params, seed, durationSeconds, sampleRate).
    FootstepSynth(const FootstepParams& params, std::uint64_t seed, double durationSeconds,
                  int sampleRate = kSampleRate);

    int stepCount() const { return static_cast<int>(m_plan.steps.size()); }
    std::size_t frames() const { return m_frames; }
    // Step onsets (heel strike) in seconds.
    std::vector<double> onsets() const;
    // The prompt interpretation plus what the plan decided (step_count, pan path, model).
    nlohmann::json details() const;

    // Stereo take. onProgress(done, total) runs after each step and after the final mix
    // (total = stepCount() + 1); it may throw (cancellation) to abort.
    AudioBuffer render(const std::function<void(int done, int total)>& onProgress = {}) const;

private:
    FootstepParams m_params;
    int m_sampleRate;
    std::size_t m_frames;
    std::uint64_t m_seed;
    procedural::WalkPlan m_plan;
};

} // namespace footfall
