// A take's metadata (what its sidecar holds) back into the request that made it: same seed,
// same settings, one take. Used by the app's "Recall settings" and `footfall-cli --recall`.
#pragma once

#include "generation/generation_request.h"
#include "io/audio_file.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace footfall {

// Takes written by this version carry the request itself ("request"); older takes are read
// from their individual fields. Throws GenerationError when `metadata` is not a take's.
GenerationRequest recallRequest(const nlohmann::json& metadata);

struct RecalledTake {
    GenerationRequest request;
    std::optional<AudioFormat> format; // the take's file format, when recorded
};

// Reads a sidecar (TAKE.json) and recalls it; a take's audio file whose sidecar sits next to
// it is accepted too. Throws GenerationError naming the file when it cannot be read.
RecalledTake recallTakeFile(const std::string& path);

} // namespace footfall
