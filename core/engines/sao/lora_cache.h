// The SAO engine's LoRAs: parsed LoRA files kept between requests, each request's selection
// resolved into merge specs (training settings, merge key, take metadata), and the merge into
// the loaded DiT's weights, done only when the selection changes.
// Torch header: include only from core/engines and tests.
#pragma once

#include "generation/generation_request.h"
#include "model/lora/lora_apply.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace footfall::model {
struct ModelConfig;
class SaoPipeline;
} // namespace footfall::model

namespace footfall {

// The LoRAs of one request, ready to merge.
struct ResolvedLoras {
    std::vector<model::LoraSpec> specs;
    std::string key; // what decides the merged weights, field by field; "" when there are none
    nlohmann::json details = nlohmann::json::array(); // one object per LoRA, for the take
};

class LoraCache {
public:
    LoraCache();
    ~LoraCache();
    LoraCache(const LoraCache&) = delete;
    LoraCache& operator=(const LoraCache&) = delete;

    // Reads each selection's file (again only when its size or mtime changed) and its training
    // settings: the selection's config's `lora` section, else the Lightning checkpoint's
    // embedded config, else `model`'s, else none (alpha = rank). Throws GenerationError for a
    // missing or bad file or config.
    ResolvedLoras resolve(const std::vector<LoraSelection>& selections,
                          const model::ModelConfig& model);

    // Brings the pipeline's DiT (loaded first) to `loras`: nothing when they are what is merged
    // now, else back to the base weights bit for bit and the new ones merged (all validated
    // first: on a GenerationError the weights stay as they were). No LoRAs means the base
    // weights. A reload of the model (another device) drops the merge; the next call merges
    // again. Returns whether the weights changed.
    bool merge(model::SaoPipeline& pipeline, const ResolvedLoras& loras);
    const std::string& mergedKey() const { return m_mergedKey; }

private:
    struct CachedFile {
        uint64_t size = 0;
        std::filesystem::file_time_type mtime;
        std::shared_ptr<const model::LoraFile> file;
        uint64_t lastUse = 0;
    };
    const CachedFile& file(const std::string& path);
    void trim(const std::set<std::string>& inUse);

    std::map<std::string, CachedFile> m_files; // by path
    uint64_t m_tick = 0;
    std::unique_ptr<model::LoraMerger> m_merger; // over the DiT of m_mergerModel
    uint64_t m_mergerModel = 0;                  // SaoPipeline::modelGeneration() it points into
    std::string m_mergedKey;                     // what is merged now ("" = base weights)
};

} // namespace footfall
