// Running an engine directly, take by take, as generateTakes does but without saving.
#pragma once

#include "generation/engine.h"

#include <vector>

namespace footfall::test {

struct EngineTake : GeneratedAudio {
    std::int64_t seed = 0; // the take's resolved seed
};

// Resolves `request` (validation included: throws GenerationError) and generates each take.
inline std::vector<EngineTake> runEngine(Engine& engine, const GenerationRequest& request,
                                         const ProgressCallback& progress = {},
                                         const CancelToken* cancel = nullptr) {
    std::vector<EngineTake> out;
    for (const ResolvedTake& take : resolveRequest(request, engine)) {
        EngineTake t;
        static_cast<GeneratedAudio&>(t) = engine.generate(take, progress, cancel);
        t.seed = take.request.seed;
        out.push_back(std::move(t));
    }
    return out;
}

// The first take only.
inline GeneratedAudio runOne(Engine& engine, GenerationRequest request,
                             const ProgressCallback& progress = {},
                             const CancelToken* cancel = nullptr) {
    request.batchSize = 1;
    return runEngine(engine, request, progress, cancel).front();
}

} // namespace footfall::test
