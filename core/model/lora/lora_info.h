// `footfall-cli --lora-info FILE` and LoRA identities for take metadata. Torch-free header.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace footfall {

struct LoraModuleInfo {
    std::string id;      // LoRAW module id ("model/model/transformer/layers/0/self_attn/to_qkv")
    std::string baseKey; // the weight it changes
                         // ("model.model.transformer.layers.0.self_attn.to_qkv.weight")
    int64_t rank = 0;
    int64_t inFeatures = 0;
    int64_t outFeatures = 0;
    int64_t kernelSize = 0; // Conv1d modules; 0 for Linear
    bool dora = false;
};

struct LoraInfo {
    std::string path;
    std::string fileName;
    std::string format; // "loraw-ckpt", "safetensors", "lightning-ckpt"
    std::string formatDescription;
    uint64_t fileSize = 0;
    std::string sha256;
    size_t tensorCount = 0;
    size_t moduleCount = 0;
    std::vector<int64_t> ranks;      // distinct ranks, ascending
    std::vector<std::string> dtypes; // distinct dtypes ("float32", ...)
    bool dora = false;
    size_t doraModuleCount = 0;
    int64_t parameterCount = 0;          // elements in all LoRA tensors
    std::vector<std::string> components; // top-level targeted components, e.g. "transformer"
    int64_t embedDim = 0;                // from transformer/project_in (0 when unknown)
    int64_t layerCount = 0;              // transformer layers touched
    std::string modelGuess; // "Stable Audio Open 1.0", "Stable Audio Open small", or ""
    std::vector<LoraModuleInfo> modules;
    nlohmann::json embeddedConfig; // Lightning checkpoint model_config (null when absent)
    nlohmann::json fileMetadata;   // safetensors __metadata__
    std::vector<std::string> notes;
};

// Reads the file (restricted unpickler / safetensors) and describes it. Throws
// footfall::GenerationError for a bad, foreign or unsafe file.
LoraInfo inspectLoraFile(const std::string& path);
std::string formatLoraInfo(const LoraInfo& info); // human report, several lines
nlohmann::json toJson(const LoraInfo& info);

// {"file": name, "path": path, "size": bytes, "sha256": hex, "strength": s} for take metadata.
// Hashes the file (no parsing); throws GenerationError when it cannot be read.
nlohmann::json loraIdentity(const std::string& path, double strength);

} // namespace footfall
