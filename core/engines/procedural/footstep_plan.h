// The walking plan of one take: when each step lands, on which foot, how loud and where in the
// stereo field (a path from one side toward the other). Decided by the seed alone, before any
// sound is made.
#pragma once

#include "engines/procedural/footstep_prompt.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace footfall::procedural {

struct StepPlan {
    double onset = 0.0; // seconds
    bool leftFoot = true;
    bool weakFoot = false; // the injured foot of a limp
    double level = 1.0;    // linear, before perspective
    double pan = 0.0;      // -1 left ... +1 right
    std::uint64_t seed = 0;
};

struct WalkPlan {
    double panStart = 0.0;
    double panEnd = 0.0;
    std::vector<StepPlan> steps;
};

// The steps of a take of `frames` frames; deterministic for (params, seed, frames, sampleRate).
WalkPlan planWalk(const FootstepParams& params, std::uint64_t seed, std::size_t frames,
                  int sampleRate);

} // namespace footfall::procedural
