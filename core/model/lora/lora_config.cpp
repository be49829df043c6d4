#include "model/lora/lora_config.h"

#include "base/errors.h"
#include "model/sao/model_config.h"

#include <cmath>
#include <fstream>

namespace footfall::model {

namespace {

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
    throw GenerationError("LoRA config '" + origin + "': " + what);
}

// A present, non-null value of the section (null counts as absent, as LoRAW's .get() does).
const nlohmann::json* field(const nlohmann::json& section, const char* key) {
    const auto it = section.find(key);
    return it == section.end() || it->is_null() ? nullptr : &*it;
}

double number(const nlohmann::json& v, const std::string& origin, const char* key) {
    if (!v.is_number())
        fail(origin, std::string("`lora.") + key + "` must be a number, not " + v.dump());
    const double d = v.get<double>();
    if (!std::isfinite(d))
        fail(origin, std::string("`lora.") + key + "` is not finite");
    return d;
}

} // namespace

double LoraTrainingConfig::scale(int64_t fileRank) const {
    const double r = static_cast<double>(effectiveRank(fileRank));
    return alpha.value_or(r) / r;
}

LoraTrainingConfig LoraTrainingConfig::fromJson(const nlohmann::json& json,
                                                const std::string& origin) {
    LoraTrainingConfig c;
    if (!json.is_object())
        throw GenerationError("LoRA config '" + origin + "' is not a JSON object");
    const nlohmann::json* section = &json;
    if (json.contains("lora"))
        section = &json["lora"];
    else if (json.contains("model_type") || json.contains("model"))
        return c; // a model config without a LoRA section
    if (!section->is_object())
        fail(origin, "`lora` is not an object");
    c.present = true;
    const nlohmann::json& s = *section;
    if (const nlohmann::json* v = field(s, "alpha")) {
        const double alpha = number(*v, origin, "alpha");
        if (alpha < 0)
            fail(origin, "`lora.alpha` is negative");
        if (alpha > 0) // 0 means alpha = rank, as LoRAW reads it
            c.alpha = alpha;
    }
    if (const nlohmann::json* v = field(s, "rank")) {
        const double rank = number(*v, origin, "rank");
        if (rank < 1 || rank != std::floor(rank) || rank > 1e9)
            fail(origin, "`lora.rank` must be a positive integer, not " + v->dump());
        c.rank = static_cast<int64_t>(rank);
    }
    if (const nlohmann::json* v = field(s, "multiplier"))
        c.multiplier = number(*v, origin, "multiplier");
    if (const nlohmann::json* v = field(s, "weight_decompose")) {
        if (!v->is_boolean())
            fail(origin, "`lora.weight_decompose` must be true or false, not " + v->dump());
        c.weightDecompose = v->get<bool>();
    }
    if (const nlohmann::json* v = field(s, "component_whitelist")) {
        const std::string wrong =
            "`lora.component_whitelist` must be a list of names, not " + v->dump();
        if (!v->is_array())
            fail(origin, wrong);
        for (const auto& name : *v) {
            if (!name.is_string())
                fail(origin, wrong);
            c.componentWhitelist.push_back(name.get<std::string>());
        }
    }
    return c;
}

LoraTrainingConfig LoraTrainingConfig::fromFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw GenerationError("cannot open LoRA config '" + path + "'");
    nlohmann::json json;
    try {
        in >> json;
    } catch (const nlohmann::json::exception& e) {
        throw GenerationError("LoRA config '" + path + "' is not valid JSON: " + e.what());
    }
    return fromJson(json, path);
}

LoraTrainingConfig LoraTrainingConfig::fromModelConfig(const ModelConfig& config) {
    return fromJson(config.raw, config.path.empty() ? "model_config.json" : config.path);
}

nlohmann::json LoraTrainingConfig::toJson() const {
    nlohmann::json j = nlohmann::json::object();
    if (!present)
        return j;
    j["alpha"] = alpha ? nlohmann::json(*alpha) : nlohmann::json(nullptr);
    j["rank"] = rank ? nlohmann::json(*rank) : nlohmann::json(nullptr);
    j["multiplier"] = multiplier;
    j["weight_decompose"] = weightDecompose;
    j["component_whitelist"] = componentWhitelist;
    return j;
}

} // namespace footfall::model
