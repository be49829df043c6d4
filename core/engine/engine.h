// The one interface every generator implements (procedural, Stable Audio Open).
#pragma once

#include "audio/audio_buffer.h"
#include "engine/generation_request.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace footfall {

enum class Phase { Loading, Encoding, Sampling, Decoding, Analysing, Saving, Done };
const char* phaseName(Phase phase);

struct Progress {
    Phase phase = Phase::Loading;
    int step = 0;  // within the phase (sampling: sampler step)
    int total = 0; // 0 when the phase has no steps
    int take = 0;  // index of the take within the batch
    int takes = 1;
};
using ProgressCallback = std::function<void(const Progress&)>;

// Shared between the thread that runs the engine and whoever wants it to stop.
class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

// Thrown by engines when the cancel token is set; callers treat it as "no takes, no error".
struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("generation cancelled") {}
};

// A user-facing failure (bad file, bad parameter): the message is shown as is.
struct GenerationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline void throwIfCancelled(const CancelToken* token) {
    if (token && token->isCancelled())
        throw Cancelled();
}

struct GeneratedAudio {
    AudioBuffer audio;
    std::int64_t seed = 0;
    nlohmann::json engineDetails; // engine-specific facts that reproduce the take
};

class Engine {
public:
    virtual ~Engine() = default;
    virtual std::string name() const = 0; // "procedural", "sao"
    virtual std::string defaultSampler() const = 0;
    virtual std::string deviceDescription() const = 0; // e.g. "cpu (2 threads)"
    // Model / checkpoint / config identities for the metadata.
    virtual nlohmann::json modelInfo() const { return nlohmann::json::object(); }
    // One buffer per take (request.batchSize). Seeds: request.seed resolved, +1 per take.
    virtual std::vector<GeneratedAudio> generate(const GenerationRequest& request,
                                                 const ProgressCallback& progress,
                                                 const CancelToken* cancel) = 0;
};

} // namespace footfall
