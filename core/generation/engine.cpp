#include "generation/engine.h"

#include <algorithm>
#include <random>

namespace footfall {

namespace {

std::int64_t randomSeed() {
    std::random_device rd;
    const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    return static_cast<std::int64_t>(v % (RequestLimits::maxSeed + 1));
}

} // namespace

std::vector<GeneratedAudio> Engine::generateBatch(const std::vector<ResolvedTake>& takes,
                                                  const ProgressCallback& progress,
                                                  const CancelToken* cancel) {
    std::vector<GeneratedAudio> out;
    for (const ResolvedTake& take : takes)
        out.push_back(generate(take, progress, cancel));
    return out;
}

std::vector<ResolvedTake> resolveRequest(const GenerationRequest& request, const Engine& engine) {
    std::vector<std::string> errors = validateRequest(request);
    const std::vector<std::string> samplers = engine.samplers();
    if (!request.sampler.empty() &&
        std::find(samplers.begin(), samplers.end(), request.sampler) == samplers.end()) {
        std::string known;
        for (const auto& n : samplers)
            known += (known.empty() ? "" : ", ") + n;
        errors.push_back("sampler \"" + request.sampler + "\" does not exist for the " +
                         engine.name() + " engine (" + known + ")");
    }
    if (errors.empty())
        errors = engine.checkRequest(request);
    if (!errors.empty())
        throw GenerationError(errors.front());

    const std::int64_t base = request.seed >= 0 ? request.seed : randomSeed();
    std::vector<ResolvedTake> takes;
    for (int i = 0; i < request.batchSize; ++i) {
        ResolvedTake t;
        t.request = request;
        t.request.seed = takeSeed(base, i);
        t.request.batchSize = 1;
        if (t.request.sampler.empty())
            t.request.sampler = engine.defaultSampler();
        t.index = i;
        t.count = request.batchSize;
        takes.push_back(std::move(t));
    }
    return takes;
}

} // namespace footfall
