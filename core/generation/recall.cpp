#include "generation/recall.h"

#include "base/errors.h"
#include "io/take_tags.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace footfall {

namespace fs = std::filesystem;

namespace {

// What takes before the "request" record wrote for a DoRA LoRA with magnitudes ignored.
constexpr const char* kLegacyDoraIgnored = "magnitude ignored (LoRAW gradio behaviour)";

std::string text(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

template <typename T> void number(const nlohmann::json& j, const char* key, T& target) {
    if (j.contains(key) && j[key].is_number())
        target = j[key].get<T>();
}

// A LoRA entry as older takes recorded it (the engine's description of the applied LoRA).
LoraSelection legacyLora(const nlohmann::json& entry, const std::string& modelDir) {
    LoraSelection sel;
    sel.path = text(entry, "path");
    number(entry, "strength", sel.strength);
    // "config" named where the training settings came from: the user's file, the checkpoint
    // ("embedded in ..."), the model folder's model_config.json, or null. Only the first is
    // a setting.
    const std::string config = text(entry, "config");
    const bool embedded = config.rfind("embedded in ", 0) == 0;
    const bool folderConfig = !modelDir.empty() && !config.empty() &&
                              fs::path(config).lexically_normal() ==
                                  (fs::path(modelDir) / "model_config.json").lexically_normal();
    if (!config.empty() && !embedded && !folderConfig)
        sel.configPath = config;
    std::string mode = text(entry, "mode");
    std::replace(mode.begin(), mode.end(), '_', '-');
    sel.lorawGradioCompatible = mode == "loraw-gradio-compatible";
    // Gradio mode ignores DoRA magnitudes anyway; elsewhere the engine recorded the choice.
    sel.doraIgnoreMagnitude =
        !sel.lorawGradioCompatible && text(entry, "dora_handling") == kLegacyDoraIgnored;
    return sel;
}

GenerationRequest legacyRequest(const nlohmann::json& m) {
    GenerationRequest r;
    r.prompt = text(m, "prompt");
    r.negativePrompt = text(m, "negative_prompt");
    number(m, "target_duration_seconds", r.durationSeconds);
    number(m, "diffusion_steps", r.steps);
    number(m, "cfg_scale", r.cfgScale);
    r.sampler = text(m, "sampler");
    r.engine.engine = text(m, "engine").empty() ? "auto" : text(m, "engine");
    r.engine.checkpoint = text(m, "checkpoint");
    r.engine.config = text(m, "config");
    // The model folder is where its model_config.json was, unless files were named one by one.
    if (r.engine.checkpoint.empty() && r.engine.config.empty() && m.contains("model") &&
        m["model"].is_object() && m["model"].contains("model_config") &&
        m["model"]["model_config"].is_object()) {
        const fs::path config = text(m["model"]["model_config"], "path");
        if (config.filename() == "model_config.json")
            r.engine.modelDir = config.parent_path().string();
    }
    if (m.contains("loras") && m["loras"].is_array())
        for (const auto& entry : m["loras"])
            if (entry.is_object() && !text(entry, "path").empty())
                r.loras.push_back(legacyLora(entry, r.engine.modelDir));
    return r;
}

} // namespace

GenerationRequest recallRequest(const nlohmann::json& metadata) {
    if (!metadata.is_object() || !metadata.contains("prompt") || !metadata.contains("seed") ||
        !metadata["seed"].is_number_integer())
        throw GenerationError("this is not the metadata of a Footfall take (no prompt and seed)");
    GenerationRequest r = metadata.contains("request") && metadata["request"].is_object()
                              ? requestFromJson(metadata["request"])
                              : legacyRequest(metadata);
    // The take's own seed; the request may say -1 (random) or a run's first seed.
    r.seed = metadata["seed"].get<std::int64_t>();
    r.batchSize = 1;
    return r;
}

RecalledTake recallTakeFile(const std::string& path) {
    fs::path file(path);
    std::error_code ec;
    if (file.extension() != ".json") {
        fs::path sidecar = file;
        sidecar.replace_extension(".json");
        if (fs::is_regular_file(sidecar, ec))
            file = sidecar;
    }
    if (!fs::is_regular_file(file, ec))
        throw GenerationError("take metadata not found: " + file.string());
    nlohmann::json j;
    if (file.extension() != ".json") {
        // No sidecar: the metadata the take file carries itself (iXML or FLAC comments).
        const std::optional<nlohmann::json> embedded = readTakeMetadata(file.string());
        if (!embedded)
            throw GenerationError(file.string() +
                                  " has no sidecar (.json) and carries no Footfall metadata");
        j = *embedded;
    } else {
        const auto size = fs::file_size(file, ec);
        if (ec || size > 16 * 1024 * 1024)
            throw GenerationError(file.string() +
                                  " is not a take's sidecar (unreadable or too large)");
        std::ifstream in(file);
        j = nlohmann::json::parse(in, nullptr, false);
        if (j.is_discarded())
            throw GenerationError(file.string() + " is not valid JSON");
    }
    try {
        RecalledTake take;
        take.request = recallRequest(j);
        if (j.contains("format") && j["format"].is_string())
            take.format = parseAudioFormat(j["format"].get<std::string>());
        return take;
    } catch (const GenerationError& e) {
        throw GenerationError(file.string() + ": " + e.what());
    }
}

} // namespace footfall
