// Timing of LoRA strength switches (unmerge + merge) against DiT forwards and a short
// generation, for bench/bench_lora.cpp (which links footfall_core without the Torch headers).
// Torch-free header.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace footfall {

struct LoraBenchmarkOptions {
    std::string parityDir; // model_config.json, model.safetensors, lora_tiny.ckpt, lora.safetensors
    int repeats = 21;      // medians over this many runs (tiny model)
    int steps = 8;         // sampler steps of the "generation" (dpmpp-2m, CFG 6)
    int syntheticLayers = 2;   // SAO-1.0-width DiT layers with random weights (0: skip)
    int syntheticRank = 16;    // rank of the synthetic LoRA
    int syntheticLength = 256; // latent frames of the synthetic forward
    int syntheticRepeats = 5;
    int threads = 0; // at::set_num_threads when > 0
};

// Returns {"tiny": {...}, "synthetic": {...}} with medians in milliseconds and ratios; `log`
// receives progress lines. Throws GenerationError when the files are missing.
nlohmann::json runLoraBenchmark(const LoraBenchmarkOptions& options,
                                const std::function<void(const std::string&)>& log = {});

} // namespace footfall
