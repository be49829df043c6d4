#include "engines/sao/lora_cache.h"

#include "base/errors.h"
#include "model/sao/sao_model.h"

#include <algorithm>
#include <cstdio>

namespace fs = std::filesystem;

namespace footfall {

using namespace model;

namespace {

// Files kept parsed beyond those of the current request.
constexpr size_t kCacheSize = 8;

// Bit-exact text of a double, so that the merge key tells every strength apart.
std::string exactNumber(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%a", v);
    return text;
}

// Training settings for one selection (see LoraCache::resolve); `origin` names where they came
// from (null: nowhere).
LoraTrainingConfig trainingConfig(const LoraSelection& selection, const LoraFile& file,
                                  const ModelConfig& model, nlohmann::json& origin) {
    origin = nullptr;
    if (!selection.configPath.empty()) {
        LoraTrainingConfig c = LoraTrainingConfig::fromFile(selection.configPath);
        if (c.present) {
            origin = selection.configPath;
            return c;
        }
    }
    if (file.embeddedConfig.is_object() && file.embeddedConfig.contains("lora")) {
        origin = "embedded in " + fs::path(file.path).filename().string();
        return LoraTrainingConfig::fromJson(file.embeddedConfig,
                                            file.path + " (embedded model_config)");
    }
    LoraTrainingConfig c = LoraTrainingConfig::fromModelConfig(model);
    if (c.present)
        origin = model.path;
    return c;
}

} // namespace

LoraCache::LoraCache() = default;
LoraCache::~LoraCache() = default;

const LoraCache::CachedFile& LoraCache::file(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw GenerationError("LoRA file not found: " + path);
    const uint64_t size = fs::file_size(path, ec);
    const fs::file_time_type mtime = ec ? fs::file_time_type() : fs::last_write_time(path, ec);
    if (ec)
        throw GenerationError("cannot read LoRA file '" + path + "': " + ec.message());
    auto it = m_files.find(path);
    if (it == m_files.end() || it->second.size != size || it->second.mtime != mtime) {
        auto parsed = std::make_shared<const LoraFile>(readLoraFile(path));
        it = m_files.insert_or_assign(path, CachedFile{size, mtime, std::move(parsed), 0}).first;
    }
    it->second.lastUse = ++m_tick;
    return it->second;
}

// Keeps the files in use plus the most recently used others, kCacheSize at most.
void LoraCache::trim(const std::set<std::string>& inUse) {
    while (m_files.size() > std::max(kCacheSize, inUse.size())) {
        auto oldest = m_files.end();
        for (auto it = m_files.begin(); it != m_files.end(); ++it)
            if (!inUse.count(it->first) &&
                (oldest == m_files.end() || it->second.lastUse < oldest->second.lastUse))
                oldest = it;
        if (oldest == m_files.end())
            return;
        m_files.erase(oldest);
    }
}

ResolvedLoras LoraCache::resolve(const std::vector<LoraSelection>& selections,
                                 const ModelConfig& model) {
    ResolvedLoras r;
    std::set<std::string> inUse;
    for (const LoraSelection& sel : selections) {
        const CachedFile& cached = file(sel.path);
        const LoraFile& lora = *cached.file;
        inUse.insert(sel.path);
        nlohmann::json configOrigin;
        LoraSpec spec(cached.file, sel.strength,
                      sel.lorawGradioCompatible ? LoraMergeMode::LorawGradioCompatible
                                                : LoraMergeMode::TrainingFaithful);
        spec.config = trainingConfig(sel, lora, model, configOrigin);
        spec.doraIgnoreMagnitude = sel.doraIgnoreMagnitude;
        const bool gradio = spec.mode == LoraMergeMode::LorawGradioCompatible;

        std::set<int64_t> ranks;
        for (const LoraModule& m : lora.modules)
            ranks.insert(m.rank());
        std::set<double> scales;
        for (const int64_t rank : ranks)
            scales.insert(gradio ? 1.0 : spec.config.scale(rank));
        const auto oneOrAll = [](const auto& set) {
            return set.size() == 1 ? nlohmann::json(*set.begin()) : nlohmann::json(set);
        };
        // loraIdentity()'s fields, from the bytes the reader hashed (no second pass).
        nlohmann::json j = {{"file", fs::path(sel.path).filename().string()},
                            {"path", sel.path},
                            {"size", lora.fileSize},
                            {"sha256", lora.sha256},
                            {"strength", sel.strength}};
        j["mode"] = loraMergeModeName(spec.mode);
        j["scale"] = oneOrAll(scales);
        j["rank"] = oneOrAll(ranks);
        j["dora"] = lora.hasDora();
        j["config"] = configOrigin;
        j["format"] = lora.format;
        j["modules"] = lora.modules.size();
        j["applied"] = sel.strength > 0.0;
        if (gradio) {
            j["effective_scale"] = sel.strength * sel.strength;
        } else {
            j["alpha"] =
                spec.config.alpha ? nlohmann::json(*spec.config.alpha) : nlohmann::json("rank");
            j["multiplier"] = spec.config.multiplier;
            if (scales.size() == 1)
                j["effective_scale"] = *scales.begin() * spec.config.multiplier * sel.strength;
        }
        if (lora.hasDora())
            j["dora_handling"] = gradio || sel.doraIgnoreMagnitude
                                     ? "magnitude ignored (LoRAW gradio behaviour)"
                                     : "training-faithful";
        if (!sel.configPath.empty() && configOrigin != nlohmann::json(sel.configPath))
            j["config_note"] = sel.configPath + " has no `lora` section";
        r.details.push_back(std::move(j));

        const std::string fields[] = {sel.path,
                                      std::to_string(cached.size),
                                      std::to_string(cached.mtime.time_since_epoch().count()),
                                      exactNumber(sel.strength),
                                      loraMergeModeName(spec.mode),
                                      spec.doraIgnoreMagnitude ? "dora-magnitude-ignored"
                                                               : "dora-magnitude-used",
                                      spec.config.toJson().dump()};
        for (const std::string& field : fields)
            r.key += field + '\x1f';
        r.key += '\x1e';
        r.specs.push_back(std::move(spec));
    }
    trim(inUse);
    return r;
}

bool LoraCache::merge(SaoPipeline& pipeline, const ResolvedLoras& loras) {
    pipeline.ensureLoaded();
    if (pipeline.modelGeneration() != m_mergerModel) {
        // Another DiT: its weights are the base ones, and the old pointers are gone.
        m_merger.reset();
        m_mergedKey.clear();
        m_mergerModel = pipeline.modelGeneration();
    }
    if (loras.key == m_mergedKey)
        return false;
    // The merger reads and replaces plain weights: ditParameters() unpacks the CPU bf16 path's
    // packed ones (DiffusionTransformer::packWeights), packed again when the merge is done.
    auto parameters = pipeline.ditParameters();
    const struct Repack {
        SaoPipeline& pipeline;
        ~Repack() { pipeline.packDitWeights(); }
    } repack{pipeline};
    const bool reloading = pipeline.settings().lowMemory && pipeline.canReloadDitWeights();
    if (!m_merger) {
        LoraMergeOptions options;
        options.backupOnHost = pipeline.settings().lowMemory; // keep the base copies off the GPU
        // Low-memory mode keeps no copies of the base weights: they are read from the file
        // again (2 GB less for SAO 1.0's bf16 DiT while a LoRA is on).
        if (reloading)
            options.reloadBase = [&pipeline](const std::string& key, const at::Tensor& like) {
                return pipeline.reloadDitWeight(key, like);
            };
        m_merger = std::make_unique<LoraMerger>(std::move(parameters), options);
    }
    try {
        if (loras.specs.empty())
            m_merger->unmerge();
        else
            m_merger->apply(loras.specs);
    } catch (...) {
        // Keeping copies, a validation error leaves the old merge and a failed merge the base
        // weights. Reading them again, a failure can leave any mix: no key matches it, so the
        // next take restores and merges again.
        if (reloading && m_merger->isMerged())
            m_mergedKey = std::string(1, '\0');
        else if (!m_merger->isMerged())
            m_mergedKey.clear();
        throw;
    }
    m_mergedKey = loras.key;
    return true;
}

} // namespace footfall
