// LoRAW LoRA files in every form this app accepts, read into named LoRA modules:
//  * LoRAW checkpoints (`torch.save(residual_modules.state_dict())`, zip/pickle, read by the
//    restricted unpickler; also the `{"state_dict": {...}}` wrapping that train.py expects),
//  * safetensors with the same keys,
//  * full Lightning checkpoints whose state_dict holds injected LoRA modules
//    (`...to_qkv.lora_down.weight` next to `...to_qkv.original_module.weight`, EMA copy under
//    `diffusion_ema.ema_model.`); ReLoRA checkpoints are refused with the reason.
// Keys: `<module id>/lora_down.weight` [r, in] (Conv1d: [r, in, k]), `<module id>/lora_up.weight`
// [out, r] (Conv1d: [out, r, 1]), DoRA: `<module id>/dora_mag.weight` [out, 1] and `.bias` [out].
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

struct LoraModule {
    std::string id;  // LoRAW module id, e.g. "model/model/transformer/layers/0/self_attn/to_qkv"
    at::Tensor down; // lora_down.weight, as stored (dtype kept; never modified)
    at::Tensor up;   // lora_up.weight
    at::Tensor doraMagnitude; // dora_mag.weight [out, 1]; undefined unless DoRA
    at::Tensor doraBias;      // dora_mag.bias [out] (unused by LoRAW); may be undefined

    int64_t rank() const { return down.size(0); }
    bool isDora() const { return doraMagnitude.defined(); }
    bool isConv() const { return down.dim() == 3; }
    int64_t inFeatures() const { return down.size(1); }
    int64_t outFeatures() const { return up.size(0); }
};

struct LoraFile {
    std::string path;
    std::string format;            // "loraw-ckpt", "safetensors", "lightning-ckpt"
    std::string formatDescription; // one human sentence
    uint64_t fileSize = 0;
    std::string sha256;              // of the whole file
    size_t tensorCount = 0;          // LoRA tensors taken from the file
    std::vector<LoraModule> modules; // sorted by id
    nlohmann::json embeddedConfig;   // a Lightning checkpoint's `model_config` (null when absent)
    nlohmann::json fileMetadata = nlohmann::json::object(); // safetensors __metadata__
    std::vector<std::string> notes;

    std::vector<std::string> dtypes() const; // distinct, e.g. {"float32"}
    bool hasDora() const;
};

// Reads any accepted form (decided by content, not by extension). Throws
// footfall::GenerationError naming the file (and key) for a bad, unsafe or foreign file.
LoraFile readLoraFile(const std::string& path);

// The same validation for tensors already in memory (`label` names them in messages).
LoraFile loraFileFromTensors(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                             const std::string& label);

} // namespace footfall::model
