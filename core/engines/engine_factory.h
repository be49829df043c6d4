// Picks and builds an engine from what the user gave (CLI flags or app settings).
#pragma once

#include "generation/engine.h"
#include "generation/generation_request.h"

#include <memory>
#include <string>

namespace footfall {

// "auto" chooses SAO when a model is given, else the procedural engine.
// A LoRA as checkpoint: when `checkpoint` is a LoRAW LoRA (detected by content: its tensor names)
// and `modelDir` is given, the engine loads the model folder and applies that LoRA at strength
// 1 to every take, with `config` as the LoRA's training config (its `lora` section gives
// alpha/rank); the request's own LoRAs add to it. Without `modelDir` that is an error
// ("... is a LoRA: give the base model with --model DIR").
// Throws GenerationError with one clear sentence when files are missing or wrong.
std::unique_ptr<Engine> createEngine(const EngineOptions& options);

// Resolved engine name for `options` without loading anything ("sao" or "procedural").
std::string resolveEngineName(const EngineOptions& options);

} // namespace footfall
