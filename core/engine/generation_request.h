// What the user asks for. Shared by every engine, the CLI and the app.
#pragma once

#include <cstdint>
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
};

struct GenerationRequest {
    std::string prompt;
    std::string negativePrompt;
    double durationSeconds = 6.0;
    int steps = 100;
    double cfgScale = 7.0;
    std::int64_t seed = -1;      // -1: pick one at random; the seed used is reported per take
    std::string sampler;         // empty: the engine's default
    int batchSize = 1;           // takes per run
    std::string device = "auto"; // auto | cpu | cuda
    std::vector<LoraSelection> loras;
    std::string initAudioPath; // optional: variation of an existing take (SAO only)
    double initNoiseLevel = 1.0;
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
};

// Every problem with a request, one readable sentence each; empty when the request is sane.
std::vector<std::string> validateRequest(const GenerationRequest& request);

// Resolves seed -1 to a random non-negative seed; any other seed passes through.
std::int64_t resolveSeed(std::int64_t seed);

} // namespace footfall
