// The draft preset (#9, "Fewer wasted steps"): a quick take with a fast deterministic sampler
// and fewer steps, the same seed and every other setting, that a final render later repeats at
// full quality. The one place the draft settings live: the app's Draft toggle (draftOf) and its
// "Render final" (finalOfTake) both come here. A draft records what it stands for (the
// request's "draft": full steps and sampler) and a final the draft take it repeats
// ("rendered_from_draft"); recallRequest reads both back.
#pragma once

#include "generation/engine.h"
#include "generation/generation_request.h"

#include <nlohmann/json.hpp>

namespace footfall {

struct DraftPreset {
    // Measured with bench/bench_steps on the fixtures' tiny models (final latents against the
    // same sampler's 100-step result, relative L2): dpmpp-2m 6.8% at 8 steps, 2.3% at 12, 0.7% at
    // 20; the rectified-flow dpmpp 2.5% at 12, 0.8% at 20; k-euler and euler need 20 for 5%; the
    // stochastic samplers (SDE, pingpong) never converge pathwise (35-50% at 50 steps).
    static constexpr int steps = 20;
    // Deterministic and good at low step counts: v-objective models, then rectified flow; a
    // model with neither drafts with the engine's default.
    static constexpr const char* sampler = "dpmpp-2m";
    static constexpr const char* rectifiedFlowSampler = "dpmpp";
};

// The draft of `full` as `engine` would run it: DraftPreset::steps (never more than `full`
// asks for) and DraftPreset::sampler, or the engine's default sampler when the engine has no
// such sampler; seed, prompt, duration, CFG, LoRAs and engine options unchanged. An engine
// without diffusion settings (procedural) keeps every setting: the take is only recorded as a
// draft. `draft` records the full request's steps and sampler (an empty sampler named as the
// engine's default). A draft of a draft stands for the same full request.
GenerationRequest draftOf(const GenerationRequest& full, const Engine& engine);

// The full-quality request a draft stands for: its recorded steps and sampler back, the draft
// record gone; everything else, seed included, unchanged. A request that is no draft is
// returned as it is.
GenerationRequest finalOf(const GenerationRequest& draft);

// Whether a take's metadata is a draft's (its request carries the draft record).
bool isDraftTake(const nlohmann::json& metadata);

// Whether a sampler draws fresh noise along the way (SDE, ancestral, pingpong): two step
// counts of it give different variations, not a rougher and a cleaner one of the same.
bool isStochasticSampler(const std::string& sampler);

// The final render of a draft take: its recalled request (recallRequest: the take's own seed),
// finalOf, and `renderedFrom` naming the draft take. When the full request's sampler is
// stochastic (SAO 1.0's default dpmpp-3m-sde), the final keeps the draft's deterministic
// sampler at the full step count, so that it renders the variation the user auditioned
// (bench_steps: dpmpp-2m at 20 steps is within 0.7 % of its 100-step result, an SDE sampler
// 35-50 % from itself at 50); renderedFrom.keptSampler records it. Throws GenerationError
// when `metadata` is not a take's or not a draft's.
GenerationRequest finalOfTake(const nlohmann::json& draftMetadata);

} // namespace footfall
