#include "generation/generation_request.h"

#include "base/errors.h"
#include "base/precision.h"

#include <cmath>
#include <filesystem>
#include <sstream>

namespace footfall {

namespace fs = std::filesystem;

bool LoraSelection::operator==(const LoraSelection& o) const {
    return path == o.path && strength == o.strength && configPath == o.configPath &&
           lorawGradioCompatible == o.lorawGradioCompatible &&
           doraIgnoreMagnitude == o.doraIgnoreMagnitude;
}

bool EngineOptions::operator==(const EngineOptions& o) const {
    return engine == o.engine && modelDir == o.modelDir && checkpoint == o.checkpoint &&
           config == o.config && t5Dir == o.t5Dir && device == o.device &&
           precision == o.precision && lowMemory == o.lowMemory && fullWindow == o.fullWindow;
}

namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

bool blank(const std::string& s) {
    for (unsigned char c : s)
        if (c != ' ' && (c < '\t' || c > '\r'))
            return false;
    return true;
}

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool validUtf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            extra = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + extra >= s.size())
            return false;
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static const std::uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < minimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

bool hasControlCharacters(const std::string& s) {
    for (unsigned char c : s)
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
            return true;
    return false;
}

void checkText(const std::string& text, const char* what, std::vector<std::string>& errors) {
    if (text.size() > RequestLimits::maxPromptLength)
        errors.push_back(std::string("the ") + what + " is longer than " +
                         std::to_string(RequestLimits::maxPromptLength) + " characters");
    else if (!validUtf8(text))
        errors.push_back(std::string("the ") + what + " is not valid UTF-8 text");
    else if (hasControlCharacters(text))
        errors.push_back(std::string("the ") + what + " contains control characters");
}

void checkFile(const std::string& path, const std::string& what, std::vector<std::string>& errors) {
    std::error_code ec;
    if (!fs::exists(path, ec))
        errors.push_back(what + " not found: " + path);
    else if (!fs::is_regular_file(path, ec))
        errors.push_back(what + " is not a file: " + path);
}

} // namespace

std::vector<std::string> validateEngineOptions(const EngineOptions& o) {
    std::vector<std::string> errors;
    if (o.engine != "auto" && o.engine != "sao" && o.engine != "procedural")
        errors.push_back("engine \"" + o.engine + "\" is unknown (auto, sao or procedural)");
    if (o.device != "auto" && o.device != "cpu" && o.device != "cuda")
        errors.push_back("device \"" + o.device + "\" is unknown (auto, cpu or cuda)");
    if (!isPrecisionName(o.precision))
        errors.push_back("precision \"" + o.precision + "\" is unknown (" + precisionNameList() +
                         ")");
    if (o.batchPass < 0 || o.batchPass > RequestLimits::maxBatch)
        errors.push_back("batch pass " + std::to_string(o.batchPass) + " is out of range (0 for " +
                         "as memory allows, or 1 to " + std::to_string(RequestLimits::maxBatch) +
                         ")");
    return errors;
}

std::vector<std::string> validateRequest(const GenerationRequest& r) {
    using L = RequestLimits;
    std::vector<std::string> errors;
    if (blank(r.prompt))
        errors.push_back("the prompt is empty: describe the footsteps, e.g. \"heavy boots on wet "
                         "marble\"");
    checkText(r.prompt, "prompt", errors);
    checkText(r.negativePrompt, "negative prompt", errors);
    if (!std::isfinite(r.durationSeconds) || r.durationSeconds < L::minDuration ||
        r.durationSeconds > L::maxDuration)
        errors.push_back("duration " + number(r.durationSeconds) + " s is out of range (" +
                         number(L::minDuration) + " to " + number(L::maxDuration) + " s)");
    if (r.steps < L::minSteps || r.steps > L::maxSteps)
        errors.push_back("steps " + std::to_string(r.steps) + " is out of range (" +
                         std::to_string(L::minSteps) + " to " + std::to_string(L::maxSteps) + ")");
    if (!std::isfinite(r.cfgScale) || r.cfgScale < L::minCfg || r.cfgScale > L::maxCfg)
        errors.push_back("CFG scale " + number(r.cfgScale) + " is out of range (" +
                         number(L::minCfg) + " to " + number(L::maxCfg) + ")");
    if (r.seed < -1 || r.seed > L::maxSeed)
        errors.push_back("seed " + std::to_string(r.seed) +
                         " is out of range (-1 for random, or 0 to " + std::to_string(L::maxSeed) +
                         ")");
    if (r.batchSize < 1 || r.batchSize > L::maxBatch)
        errors.push_back("batch size " + std::to_string(r.batchSize) + " is out of range (1 to " +
                         std::to_string(L::maxBatch) + ")");
    for (const auto& lora : r.loras) {
        if (!std::isfinite(lora.strength) || lora.strength < 0.0 ||
            lora.strength > L::maxLoraStrength)
            errors.push_back("LoRA strength " + number(lora.strength) + " for " + lora.path +
                             " is out of range (0 to " + number(L::maxLoraStrength) + ")");
        checkFile(lora.path, "LoRA file", errors);
        if (!lora.configPath.empty())
            checkFile(lora.configPath, "LoRA config", errors);
    }
    if (!r.initAudioPath.empty())
        checkFile(r.initAudioPath, "init audio", errors);
    if (!std::isfinite(r.initNoiseLevel) || r.initNoiseLevel <= 0.0 || r.initNoiseLevel > 1000.0)
        errors.push_back("init noise level " + number(r.initNoiseLevel) +
                         " is out of range (above 0, at most 1000)");
    for (auto& e : validateEngineOptions(r.engine))
        errors.push_back(std::move(e));
    return errors;
}

std::int64_t takeSeed(std::int64_t base, int index) {
    constexpr std::int64_t range = RequestLimits::maxSeed + 1;
    return (base + index) % range;
}

namespace {

// Every setting, as all takes record them.
nlohmann::json settingsToJson(const GenerationRequest& r) {
    nlohmann::json loras = nlohmann::json::array();
    for (const auto& l : r.loras)
        loras.push_back({{"path", l.path},
                         {"strength", l.strength},
                         {"config", l.configPath},
                         {"loraw_gradio_compatible", l.lorawGradioCompatible},
                         {"dora_ignore_magnitude", l.doraIgnoreMagnitude}});
    const EngineOptions& e = r.engine;
    return {{"prompt", r.prompt},
            {"negative_prompt", r.negativePrompt},
            {"duration_seconds", r.durationSeconds},
            {"steps", r.steps},
            {"cfg_scale", r.cfgScale},
            {"seed", r.seed},
            {"sampler", r.sampler},
            {"batch_size", r.batchSize},
            {"loras", loras},
            {"init_audio", r.initAudioPath},
            {"init_noise_level", r.initNoiseLevel},
            {"engine",
             {{"engine", e.engine},
              {"model_dir", e.modelDir},
              {"checkpoint", e.checkpoint},
              {"config", e.config},
              {"t5_dir", e.t5Dir},
              {"device", e.device},
              {"precision", e.precision},
              {"low_memory", e.lowMemory},
              {"full_window", e.fullWindow}}}};
}

} // namespace

nlohmann::json requestToJson(const GenerationRequest& r) {
    nlohmann::json j = settingsToJson(r);
    // Only drafts and final renders carry these: other takes' records stay as they were.
    if (r.draft)
        j["draft"] = {{"of_steps", r.draft->steps}, {"of_sampler", r.draft->sampler}};
    if (r.renderedFrom) {
        j["rendered_from_draft"] = {{"take", r.renderedFrom->take},
                                    {"path", r.renderedFrom->path},
                                    {"seed", r.renderedFrom->seed}};
        if (!r.renderedFrom->keptSampler.empty())
            j["rendered_from_draft"]["kept_draft_sampler"] = r.renderedFrom->keptSampler;
    }
    return j;
}

namespace {

// Reads `key` into `target` when present; a value of another type is an error.
template <typename T>
void read(const nlohmann::json& j, const char* key, T& target, const std::string& where) {
    if (!j.contains(key) || j[key].is_null())
        return;
    const nlohmann::json& v = j[key];
    bool ok = false;
    if constexpr (std::is_same_v<T, std::string>)
        ok = v.is_string();
    else if constexpr (std::is_same_v<T, bool>)
        ok = v.is_boolean();
    else if constexpr (std::is_integral_v<T>)
        ok = v.is_number_integer() || v.is_number_unsigned();
    else
        ok = v.is_number();
    if (!ok)
        throw GenerationError(where + "\"" + key + "\" has the wrong type (" + v.type_name() + ")");
    target = v.get<T>();
}

} // namespace

GenerationRequest requestFromJson(const nlohmann::json& j) {
    if (!j.is_object())
        throw GenerationError("a request must be a JSON object");
    GenerationRequest r;
    const std::string where = "request: ";
    read(j, "prompt", r.prompt, where);
    read(j, "negative_prompt", r.negativePrompt, where);
    read(j, "duration_seconds", r.durationSeconds, where);
    read(j, "steps", r.steps, where);
    read(j, "cfg_scale", r.cfgScale, where);
    read(j, "seed", r.seed, where);
    read(j, "sampler", r.sampler, where);
    read(j, "batch_size", r.batchSize, where);
    read(j, "init_audio", r.initAudioPath, where);
    read(j, "init_noise_level", r.initNoiseLevel, where);
    if (j.contains("loras") && !j["loras"].is_null()) {
        if (!j["loras"].is_array())
            throw GenerationError(where + "\"loras\" must be a list");
        for (const auto& l : j["loras"]) {
            if (!l.is_object())
                throw GenerationError(where + "each of \"loras\" must be an object");
            LoraSelection s;
            const std::string at = where + "LoRA ";
            read(l, "path", s.path, at);
            read(l, "strength", s.strength, at);
            read(l, "config", s.configPath, at);
            read(l, "loraw_gradio_compatible", s.lorawGradioCompatible, at);
            read(l, "dora_ignore_magnitude", s.doraIgnoreMagnitude, at);
            r.loras.push_back(std::move(s));
        }
    }
    if (j.contains("engine") && j["engine"].is_object()) {
        const nlohmann::json& e = j["engine"];
        const std::string at = where + "engine ";
        read(e, "engine", r.engine.engine, at);
        read(e, "model_dir", r.engine.modelDir, at);
        read(e, "checkpoint", r.engine.checkpoint, at);
        read(e, "config", r.engine.config, at);
        read(e, "t5_dir", r.engine.t5Dir, at);
        read(e, "device", r.engine.device, at);
        read(e, "precision", r.engine.precision, at);
        read(e, "low_memory", r.engine.lowMemory, at);
        read(e, "full_window", r.engine.fullWindow, at);
    }
    if (j.contains("draft") && !j["draft"].is_null()) {
        if (!j["draft"].is_object())
            throw GenerationError(where + "\"draft\" must be an object");
        DraftRecord d;
        const std::string at = where + "draft ";
        read(j["draft"], "of_steps", d.steps, at);
        read(j["draft"], "of_sampler", d.sampler, at);
        r.draft = d;
    }
    if (j.contains("rendered_from_draft") && !j["rendered_from_draft"].is_null()) {
        if (!j["rendered_from_draft"].is_object())
            throw GenerationError(where + "\"rendered_from_draft\" must be an object");
        DraftSource d;
        const std::string at = where + "rendered_from_draft ";
        read(j["rendered_from_draft"], "take", d.take, at);
        read(j["rendered_from_draft"], "path", d.path, at);
        read(j["rendered_from_draft"], "seed", d.seed, at);
        read(j["rendered_from_draft"], "kept_draft_sampler", d.keptSampler, at);
        r.renderedFrom = d;
    }
    return r;
}

} // namespace footfall
