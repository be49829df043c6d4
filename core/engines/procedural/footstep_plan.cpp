// Planning the walk: step times and feet, levels, the stereo path.
#include "engines/procedural/footstep_plan.h"

#include "engines/procedural/footstep_profiles.h"
#include "engines/procedural/procedural_rng.h"

#include <algorithm>
#include <cmath>

namespace footfall::procedural {

namespace {

constexpr double kBaseStepPeak = 0.5; // medium walker, close, before surface/footwear factors

} // namespace

WalkPlan planWalk(const FootstepParams& params, std::uint64_t seed, std::size_t frames,
                  int sampleRate) {
    WalkPlan plan;
    Rng rng(seed);
    const double duration = static_cast<double>(frames) / sampleRate;
    const double pace = std::clamp(params.paceStepsPerSecond, 0.2, 10.0);
    const double interval = 1.0 / pace;
    const auto persp = perspectiveProfile(params.perspective);
    const auto fw = footwearProfile(params.footwear);
    const auto gt = gaitProfile(params.gait);
    const auto surf = surfaceProfile(params.surface);

    // Walking path: from one side toward the other, direction and extent per seed.
    const double side = rng.chance(0.5) ? -1.0 : 1.0;
    plan.panStart = side * rng.uniform(0.25, 0.55) * persp.panSpread;
    plan.panEnd = -side * rng.uniform(0.15, 0.5) * persp.panSpread;

    // Per-foot asymmetry, fixed for the take.
    const double footInterval[2] = {1.0 + 0.015 * rng.bipolar(), 1.0 + 0.015 * rng.bipolar()};
    const double footLevel[2] = {1.0 + 0.05 * rng.bipolar(), 1.0 + 0.05 * rng.bipolar()};
    const bool leftFirst = rng.chance(0.5);
    const bool weakLeft = rng.chance(0.5);

    const double weightLevel = 0.6 + 0.8 * params.weight;
    const double baseLevel = kBaseStepPeak * fw.level * gt.level * weightLevel * surf.level;

    double t = rng.uniform(0.06, 0.06 + 0.5 * interval);
    t = std::min(t, 0.3 * duration);
    for (int k = 0; frames > 0; ++k) {
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
        step.pan = plan.panStart + (plan.panEnd - plan.panStart) * along +
                   (step.leftFoot ? -0.04 : 0.04) * persp.panSpread;
        step.seed = rng.fork();
        plan.steps.push_back(step);

        double next = interval * footInterval[foot] * (1.0 + 0.03 * rng.triangular());
        if (params.gait == Gait::Limp)
            next *= step.weakFoot ? 0.7 : 1.3; // little time spent on the injured leg
        t += next;
    }
    return plan;
}

} // namespace footfall::procedural
