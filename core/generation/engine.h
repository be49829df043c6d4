// The one interface every generator implements (procedural, Stable Audio Open), and the
// resolved form of a request that engines receive.
#pragma once

#include "audio/audio_buffer.h"
#include "base/cancel.h"
#include "base/errors.h"
#include "base/progress.h"
#include "generation/generation_request.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace footfall {

// One take of a validated request: `request.seed` is this take's seed (never -1),
// `request.sampler` is named (never empty) and `request.batchSize` is 1.
struct ResolvedTake {
    GenerationRequest request;
    int index = 0; // take within the run
    int count = 1; // takes in the run
};

struct GeneratedAudio {
    AudioBuffer audio;
    nlohmann::json engineDetails; // engine-specific facts that reproduce the take
};

class Engine {
public:
    virtual ~Engine() = default;
    virtual std::string name() const = 0;                  // "procedural", "sao"
    virtual std::vector<std::string> samplers() const = 0; // the first is the default
    std::string defaultSampler() const { return samplers().front(); }
    virtual std::string deviceDescription() const = 0; // e.g. "cpu (2 threads)"
    // Model / checkpoint / config identities for the metadata.
    virtual nlohmann::json modelInfo() const { return nlohmann::json::object(); }
    // Whether CFG scale and diffusion steps shape this engine's output; when not, a take's
    // metadata records them as null (not applicable).
    virtual bool usesDiffusionSettings() const { return true; }
    // What this engine cannot do with an otherwise valid request (a duration beyond the
    // model's window, LoRAs for an engine without them), one sentence each. Cheap: nothing
    // is loaded.
    virtual std::vector<std::string> checkRequest(const GenerationRequest&) const { return {}; }
    // One take. Reports progress with take/takes from `take`; throws Cancelled or
    // GenerationError.
    virtual GeneratedAudio generate(const ResolvedTake& take, const ProgressCallback& progress,
                                    const CancelToken* cancel) = 0;
    // How many of takes[from..] (from takes[from] on, in order) one pass can make together:
    // at least 1, at most what memory and the engine's options allow.
    virtual size_t batchPassSize(const std::vector<ResolvedTake>& takes, size_t from) const {
        (void)takes;
        (void)from;
        return 1;
    }
    // Those takes in one pass, one result per take in order, each what generate() makes for it
    // alone. Progress names takes[0].index with passTakes = takes.size(). The default runs them
    // one by one.
    virtual std::vector<GeneratedAudio> generateBatch(const std::vector<ResolvedTake>& takes,
                                                      const ProgressCallback& progress,
                                                      const CancelToken* cancel);
};

// Validates `request` (validateRequest, the sampler against the engine's, the engine's own
// checks) and splits it into takes with their seeds: a random base seed for -1, then +1 per
// take. Throws GenerationError with the first problem.
std::vector<ResolvedTake> resolveRequest(const GenerationRequest& request, const Engine& engine);

} // namespace footfall
