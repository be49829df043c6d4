// Names and shapes of the tensors in a weights file, .ckpt (torch.save zip) or .safetensors,
// from the safetensors header or the checkpoint's pickle only: no tensor data is read.
// Torch-free header.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace footfall::model {

using WeightShapes = std::map<std::string, std::vector<int64_t>>;

// A .ckpt contributes its state dict (checkpointStateDict). Throws GenerationError naming the
// file when it is neither format or is damaged.
WeightShapes readWeightShapes(const std::string& path);

} // namespace footfall::model
