// The seed's library entry point, kept for scripts and the CLI: generate_footsteps(...).
// This header pulls in ATen's Tensor type; include it only where a tensor is wanted.
#pragma once

#include "audio/audio_buffer.h"
#include "engine/take_pipeline.h"
#include "pipeline/engine_factory.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <string>

namespace footfall {

struct FootstepsArguments {
    std::string prompt;
    std::string checkpoint;   // seed: --checkpoint (model weights or LoRA)
    std::string config;       // seed: --config
    std::string output = "."; // folder
    double duration = 6.0;
    double cfgScale = 7.0;
    int steps = 100;
    std::int64_t seed = -1;
    std::string sampler;
    std::string negativePrompt;
    std::string device = "auto";
    std::string engine = "auto";
    std::string modelDir;
    AudioFormat format = AudioFormat::Wav32Float;
};

struct FootstepsResult {
    at::Tensor audio;   // float32 [channels, samples]
    AudioBuffer buffer; // the same samples, planar
    int sampleRate = 0;
    std::string path; // the saved file (always saved)
    nlohmann::json metadata;
};

// Generates one take and saves it; throws GenerationError with a readable message.
FootstepsResult generate_footsteps(const FootstepsArguments& args,
                                   const ProgressCallback& progress = {},
                                   const CancelToken* cancel = nullptr);

} // namespace footfall
