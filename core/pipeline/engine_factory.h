// Picks and builds an engine from what the user gave (CLI flags or app settings).
#pragma once

#include "engine/engine.h"

#include <memory>
#include <string>

namespace footfall {

struct EngineOptions {
    std::string engine = "auto"; // auto | sao | procedural
    std::string modelDir;        // a stable-audio-open-1.0 / -small folder as downloaded
    std::string checkpoint;      // seed compatibility: model.safetensors/.ckpt or a LoRA
    std::string config;          // model_config.json (or LoRAW config with a lora section)
    std::string t5Dir; // separate t5-base folder (config.json, model.safetensors, spiece.model)
    std::string device = "auto";    // auto | cpu | cuda
    std::string precision = "auto"; // auto | fp32 | fp16 | bf16 (CUDA only; CPU computes fp32)
    bool lowMemory = false;
    bool fullWindow = false; // sample the model's whole window, then trim
};

// Same options = the same engine: callers that cache an engine compare with this.
bool operator==(const EngineOptions& a, const EngineOptions& b);
inline bool operator!=(const EngineOptions& a, const EngineOptions& b) {
    return !(a == b);
}

// "auto" chooses SAO when a model is given, else the procedural engine.
// Seed compatibility: when `checkpoint` is a LoRAW LoRA (detected by content: its tensor names)
// and `modelDir` is given, the engine loads the model folder and applies that LoRA at strength
// 1 to every take, with `config` as the LoRA's training config (its `lora` section gives
// alpha/rank); the request's own LoRAs add to it. Without `modelDir` that is an error
// ("... is a LoRA: give the base model with --model DIR").
// Throws GenerationError with one clear sentence when files are missing or wrong.
std::unique_ptr<Engine> createEngine(const EngineOptions& options);

// Resolved engine name for `options` without loading anything ("sao" or "procedural").
std::string resolveEngineName(const EngineOptions& options);

} // namespace footfall
