#include "engine/generation_request.h"

#include "engine/engine.h"

#include <cmath>
#include <random>
#include <sstream>

namespace footfall {

const char* phaseName(Phase phase) {
    switch (phase) {
    case Phase::Loading:
        return "loading";
    case Phase::Encoding:
        return "encoding";
    case Phase::Sampling:
        return "sampling";
    case Phase::Decoding:
        return "decoding";
    case Phase::Analysing:
        return "analysing";
    case Phase::Saving:
        return "saving";
    case Phase::Done:
        return "done";
    }
    return "unknown";
}

namespace {

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

bool blank(const std::string& s) {
    for (unsigned char c : s)
        if (!std::isspace(c))
            return false;
    return true;
}

} // namespace

std::vector<std::string> validateRequest(const GenerationRequest& r) {
    using L = RequestLimits;
    std::vector<std::string> errors;
    if (blank(r.prompt))
        errors.push_back("the prompt is empty: describe the footsteps, e.g. \"heavy boots on wet "
                         "marble\"");
    if (r.prompt.size() > L::maxPromptLength)
        errors.push_back("the prompt is longer than " + std::to_string(L::maxPromptLength) +
                         " characters");
    if (r.negativePrompt.size() > L::maxPromptLength)
        errors.push_back("the negative prompt is longer than " +
                         std::to_string(L::maxPromptLength) + " characters");
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
    if (r.seed < -1 || r.seed > 4294967295LL)
        errors.push_back("seed " + std::to_string(r.seed) +
                         " is out of range (-1 for random, or 0 to 4294967295)");
    if (r.batchSize < 1 || r.batchSize > L::maxBatch)
        errors.push_back("batch size " + std::to_string(r.batchSize) + " is out of range (1 to " +
                         std::to_string(L::maxBatch) + ")");
    if (r.device != "auto" && r.device != "cpu" && r.device != "cuda")
        errors.push_back("device \"" + r.device + "\" is unknown (auto, cpu or cuda)");
    for (const auto& lora : r.loras)
        if (!std::isfinite(lora.strength) || lora.strength < 0.0 ||
            lora.strength > L::maxLoraStrength)
            errors.push_back("LoRA strength " + number(lora.strength) + " for " + lora.path +
                             " is out of range (0 to " + number(L::maxLoraStrength) + ")");
    if (!std::isfinite(r.initNoiseLevel) || r.initNoiseLevel <= 0.0 || r.initNoiseLevel > 1000.0)
        errors.push_back("init noise level " + number(r.initNoiseLevel) + " is out of range");
    return errors;
}

std::int64_t resolveSeed(std::int64_t seed) {
    if (seed >= 0)
        return seed;
    std::random_device rd;
    // Same range as the original (numpy randint(0, 2**32 - 1)).
    const std::uint64_t v = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
    return static_cast<std::int64_t>(v % 4294967295ULL);
}

} // namespace footfall
