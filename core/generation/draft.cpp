#include "generation/draft.h"

#include "generation/recall.h"

#include <algorithm>
#include <filesystem>

namespace footfall {

GenerationRequest draftOf(const GenerationRequest& full, const Engine& engine) {
    // A draft of a draft stands for the same full request, not for the draft settings.
    GenerationRequest r = finalOf(full);
    r.renderedFrom.reset();
    DraftRecord record{r.steps, r.sampler};
    if (engine.usesDiffusionSettings()) {
        if (record.sampler.empty())
            record.sampler = engine.defaultSampler();
        const std::vector<std::string> samplers = engine.samplers();
        const auto has = [&samplers](const char* name) {
            return std::find(samplers.begin(), samplers.end(), name) != samplers.end();
        };
        r.sampler = has(DraftPreset::sampler)                ? DraftPreset::sampler
                    : has(DraftPreset::rectifiedFlowSampler) ? DraftPreset::rectifiedFlowSampler
                                                             : engine.defaultSampler();
        r.steps = std::min(r.steps, DraftPreset::steps);
    }
    r.draft = record;
    return r;
}

GenerationRequest finalOf(const GenerationRequest& draft) {
    GenerationRequest r = draft;
    if (!r.draft)
        return r;
    r.steps = r.draft->steps;
    r.sampler = r.draft->sampler;
    r.draft.reset();
    return r;
}

bool isDraftTake(const nlohmann::json& metadata) {
    return metadata.is_object() && metadata.contains("request") &&
           metadata["request"].is_object() && metadata["request"].contains("draft") &&
           metadata["request"]["draft"].is_object();
}

bool isStochasticSampler(const std::string& sampler) {
    return sampler.find("sde") != std::string::npos ||
           sampler.find("ancestral") != std::string::npos || sampler == "pingpong";
}

GenerationRequest finalOfTake(const nlohmann::json& draftMetadata) {
    const GenerationRequest draft = recallRequest(draftMetadata);
    if (!draft.draft)
        throw GenerationError("this take is not a draft: it was generated at full quality");
    GenerationRequest r = finalOf(draft);
    DraftSource source;
    if (isStochasticSampler(r.sampler) && !draft.sampler.empty() &&
        !isStochasticSampler(draft.sampler)) {
        r.sampler = draft.sampler;
        source.keptSampler = draft.sampler;
    }
    if (draftMetadata.contains("output_path") && draftMetadata["output_path"].is_string()) {
        source.path = draftMetadata["output_path"].get<std::string>();
        source.take = std::filesystem::path(source.path).filename().string();
    }
    source.seed = draft.seed;
    r.renderedFrom = source;
    return r;
}

} // namespace footfall
