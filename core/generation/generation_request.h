// What the user asks for, in one type shared by the CLI, the app, recall and every engine:
// the take settings, the engine and model that run them. It is validated once, where it
// enters the core (resolveRequest), and engines receive it resolved (ResolvedTake).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace footfall {

struct LoraSelection {
    std::string path;       // .ckpt or .safetensors as LoRAW writes it
    double strength = 1.0;  // 0 ... 2
    std::string configPath; // optional LoRAW model_config with a "lora" section
    // LoRAW's Gradio UI scales by strength twice (strength squared); reproduce that when set.
    bool lorawGradioCompatible = false;
    // DoRA: LoRAW-Gradio behaviour (ignore the magnitude vectors) instead of training-faithful.
    bool doraIgnoreMagnitude = false;

    bool operator==(const LoraSelection& o) const;
    bool operator!=(const LoraSelection& o) const { return !(*this == o); }
};

// Which engine runs the request, on which model and device. Two requests with equal engine
// options can share one loaded engine (the app caches it).
struct EngineOptions {
    std::string engine = "auto"; // auto | sao | procedural
    std::string modelDir;        // a stable-audio-open-1.0 / -small folder as downloaded
    std::string checkpoint;      // model weights (.safetensors/.ckpt), or a LoRAW LoRA
    std::string config;          // model_config.json (or a LoRA's training config)
    std::string t5Dir; // separate t5-base folder (config.json, model.safetensors, spiece.model)
    std::string device = "auto";    // auto | cpu | cuda
    std::string precision = "auto"; // auto | fp32 | fp16 | bf16 (CUDA; the CPU computes fp32)
    bool lowMemory = false;
    bool fullWindow = false; // sample the model's whole window, then trim
    // Most takes one DiT/VAE pass makes together; 0: as many as memory allows (the engine
    // decides). How a run is carried out, not what it makes: not part of operator== or the
    // request's JSON.
    int batchPass = 0;

    bool operator==(const EngineOptions& o) const;
    bool operator!=(const EngineOptions& o) const { return !(*this == o); }
};

// On a draft (generation/draft.h, draftOf): the full-quality settings the draft stands for,
// which finalOf restores. Recorded in the take's request as "draft".
struct DraftRecord {
    int steps = 100;
    std::string sampler; // as the full request named it (empty: the engine's default)

    bool operator==(const DraftRecord& o) const { return steps == o.steps && sampler == o.sampler; }
    bool operator!=(const DraftRecord& o) const { return !(*this == o); }
};

// On a final render of a draft take (finalOfTake): the draft take it repeats at full quality.
// Recorded in the take's request as "rendered_from_draft".
struct DraftSource {
    std::string take;       // the draft take's file name
    std::string path;       // and where it was
    std::int64_t seed = -1; // its seed (the final's too)
    // The draft's sampler when the final kept it instead of the full request's stochastic one
    // (finalOfTake); empty when the full request's sampler ran.
    std::string keptSampler;

    bool operator==(const DraftSource& o) const {
        return take == o.take && path == o.path && seed == o.seed && keptSampler == o.keptSampler;
    }
    bool operator!=(const DraftSource& o) const { return !(*this == o); }
};

struct GenerationRequest {
    std::string prompt;
    std::string negativePrompt;
    double durationSeconds = 6.0;
    int steps = 100;
    double cfgScale = 7.0;
    std::int64_t seed = -1; // -1: pick one at random; the seed used is reported per take
    std::string sampler;    // empty: the engine's default
    int batchSize = 1;      // takes per run; take i uses seed + i
    std::vector<LoraSelection> loras;
    std::string initAudioPath; // optional: variation of an existing take (SAO only)
    double initNoiseLevel = 1.0;
    EngineOptions engine;
    std::optional<DraftRecord> draft;        // set on a draft: what it is a draft of
    std::optional<DraftSource> renderedFrom; // set on a final render: the draft it repeats
};

// Limits the request validator enforces; the UI uses them for its spin boxes.
struct RequestLimits {
    static constexpr double minDuration = 0.1;
    static constexpr double maxDuration = 600.0;
    static constexpr int minSteps = 1;
    static constexpr int maxSteps = 1000;
    static constexpr double minCfg = 0.0;
    static constexpr double maxCfg = 50.0;
    static constexpr int maxBatch = 64;
    static constexpr double maxLoraStrength = 2.0;
    static constexpr std::size_t maxPromptLength = 2000;
    static constexpr std::int64_t maxSeed = 4294967295LL; // seeds are 32-bit unsigned
};

// Unknown engine, device or precision names, one sentence each.
std::vector<std::string> validateEngineOptions(const EngineOptions& options);

// Every engine-independent problem with a request (values and the files it names), one
// readable sentence each; empty when the request is sane. resolveRequest() adds the engine's.
std::vector<std::string> validateRequest(const GenerationRequest& request);

// The seed of take `index` of a run that starts at `base` (wraps inside the seed range).
std::int64_t takeSeed(std::int64_t base, int index);

// The request as the take's metadata records it ("request"), and back. requestFromJson
// accepts what requestToJson wrote; unknown keys are ignored, missing ones keep defaults,
// values of the wrong type throw GenerationError naming the key.
nlohmann::json requestToJson(const GenerationRequest& request);
GenerationRequest requestFromJson(const nlohmann::json& json);

} // namespace footfall
