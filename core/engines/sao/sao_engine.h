// Stable Audio Open behind the Engine interface. Torch-free header.
#pragma once

#include "generation/engine.h"

#include <memory>
#include <string>
#include <vector>

namespace footfall {

// Whether a weights file holds a LoRAW LoRA (tensor names ending in lora_down/lora_up.weight)
// rather than a model. Reads only the safetensors header or the checkpoint's pickle (no tensor
// data); false for anything it cannot read (the model loader then reports the problem).
bool isLoraFile(const std::string& path);

// Locates and validates the model files of `options` (cheaply: headers and configs, no
// weights) and returns an engine that loads the weights on first use. `fixedLoras` are applied
// to every take before the request's own (they add up); createEngine puts a LoRA given as
// `--checkpoint lora.ckpt --config lora_config.json` there. Throws GenerationError naming the
// file or key that is wrong.
std::unique_ptr<Engine> makeSaoEngine(const EngineOptions& options,
                                      const std::vector<LoraSelection>& fixedLoras = {});

} // namespace footfall
