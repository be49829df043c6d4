// A library entry point for scripts: one request in, one saved take out, with its audio as a
// tensor. This header pulls in ATen's Tensor type; include it only where a tensor is wanted.
#pragma once

#include "audio/audio_buffer.h"
#include "engines/engine_factory.h"
#include "generation/take_generation.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <string>

namespace footfall {

struct FootstepsResult {
    at::Tensor audio;   // float32 [channels, samples]
    AudioBuffer buffer; // the same samples, planar
    int sampleRate = 0;
    std::string path; // the saved file (always saved)
    nlohmann::json metadata;
};

// Builds the request's engine, generates its first take and saves it into output.folder;
// throws GenerationError with a readable message.
FootstepsResult generate_footsteps(const GenerationRequest& request,
                                   const OutputOptions& output = {},
                                   const ProgressCallback& progress = {},
                                   const CancelToken* cancel = nullptr);

} // namespace footfall
