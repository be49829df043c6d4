// Progress of a generation: which phase, which step of it, which take of the run.
#pragma once

#include <functional>

namespace footfall {

enum class Phase { Loading, Encoding, Sampling, Decoding, Analysing, Saving, Done };
const char* phaseName(Phase phase);

struct Progress {
    Phase phase = Phase::Loading;
    int step = 0;  // within the phase (sampling: sampler step)
    int total = 0; // 0 when the phase has no steps
    int take = 0;  // index of the take within the batch
    int takes = 1;
    int passTakes = 1; // takes made together in this pass: take .. take + passTakes - 1
};
using ProgressCallback = std::function<void(const Progress&)>;

} // namespace footfall
