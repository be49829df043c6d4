// Stable Audio Open behind the Engine interface. Torch-free header.
#pragma once

#include "engine/engine.h"

#include <memory>
#include <string>

namespace footfall {

struct SaoEngineOptions {
    std::string modelDir;   // folder as downloaded (model_config.json, model.safetensors, text_encoder/, tokenizer/)
    std::string checkpoint; // explicit model weights file (overrides modelDir's)
    std::string config;     // explicit model_config.json (overrides modelDir's)
    std::string t5Dir;      // explicit t5-base folder
    std::string device = "auto";
    bool lowMemory = false;
};

// Validates the files (cheaply) and returns an engine that loads weights on first use or
// at once; throws GenerationError naming the file/key that is wrong.
std::unique_ptr<Engine> makeSaoEngine(const SaoEngineOptions& options);

} // namespace footfall
