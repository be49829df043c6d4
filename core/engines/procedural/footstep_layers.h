// One footstep's sound, layer by layer: the ground-reaction force (heel strike, roll, toe), the
// surface's answer to it (modal, particle or filtered-noise model), the extra layers (body thump,
// floorboard creak, sandal slap; splashes, bubbles and squelch on wet ground), then distance.
#pragma once

#include "engines/procedural/footstep_dsp.h"
#include "engines/procedural/footstep_plan.h"
#include "engines/procedural/footstep_profiles.h"
#include "engines/procedural/footstep_prompt.h"
#include "engines/procedural/procedural_rng.h"

#include <array>
#include <cstddef>
#include <vector>

namespace footfall::procedural {

constexpr int kParticleBankSize = 128; // pre-computed resonator tunings per take

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

// The profiles for params, then from rng the per-foot character and the resonator banks.
TakeContext makeTakeContext(const FootstepParams& params, int sampleRate, Rng& rng);

// Buffers reused from step to step.
struct Scratch {
    std::vector<float> force, excitation, main, extra, step;
    std::vector<float> noiseA, noiseB, noiseC; // white noise in [-1, 1), padded to 8
};

// One footstep, mono, in s.step; returns the gain that brings it to the planned level.
float renderStep(const TakeContext& ctx, const StepPlan& plan, Scratch& s, std::size_t maxFrames);

} // namespace footfall::procedural
