// Stable Audio Open behind the Engine interface. Torch-free header.
#pragma once

#include "engine/engine.h"

#include <memory>
#include <string>
#include <vector>

namespace footfall {

struct SaoEngineOptions {
    std::string modelDir;   // folder as downloaded (model_config.json, model.safetensors,
                            // text_encoder/, tokenizer/)
    std::string checkpoint; // explicit model weights file (overrides modelDir's)
    std::string config;     // explicit model_config.json (overrides modelDir's)
    std::string t5Dir;      // explicit t5-base folder
    std::string device = "auto";
    std::string precision = "auto"; // auto | fp32 | fp16 | bf16 (CUDA; the CPU always runs fp32)
    bool lowMemory = false;         // free the T5 after encoding, VAE encoder only on demand
    bool fullWindow = false;        // sample the model's whole window, not just the duration
    // LoRAs applied to every request before the request's own (they add up). createEngine puts
    // the seed's `--checkpoint lora.ckpt --config lora_config.json` here (strength 1).
    std::vector<LoraSelection> loras;
};

// The files makeSaoEngine() uses, located from the options (no weights read).
struct SaoModelLocation {
    std::string modelConfig;
    std::string weights;
    std::string t5Config;
    std::string t5Weights;
    std::string tokenizer;
};
// Throws GenerationError naming the missing file and where it was looked for.
SaoModelLocation locateSaoModel(const SaoEngineOptions& options);

// Whether a weights file holds a LoRAW LoRA (tensor names ending in lora_down/lora_up.weight)
// rather than a model. Reads only the safetensors header or the checkpoint's pickle (no tensor
// data); false for anything it cannot read (the model loader then reports the problem).
bool isLoraFile(const std::string& path);

// Validates the files (cheaply) and returns an engine that loads weights on first use or
// at once; throws GenerationError naming the file/key that is wrong.
std::unique_ptr<Engine> makeSaoEngine(const SaoEngineOptions& options);

} // namespace footfall
