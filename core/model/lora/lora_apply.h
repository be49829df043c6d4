// Applying LoRAW LoRAs to a model: key mapping, scale, DoRA, merge into the base weights in
// float32 and exact unmerge.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "model/lora/lora_config.h"
#include "model/lora/lora_file.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

enum class LoraMergeMode {
    // W' = W + strength * multiplier * alpha/rank * U·D; DoRA: W' = s ⊙ (W + c·U·D),
    // b' = s ⊙ b, s = m / ||W + alpha/rank·U·D||_row (LoRAW's training forward, merged).
    TrainingFaithful,
    // LoRAW gradio's LoRAMerger: W' = W + strength² * U·D (alpha/rank ignored: its scale is
    // 16/16 = 1, and the slider scales both lora_down and lora_up); DoRA modules are merged as
    // plain LoRA at full strength (magnitude ignored). Strength 0 leaves the LoRA out.
    LorawGradioCompatible,
};
const char* loraMergeModeName(LoraMergeMode mode); // "training-faithful", "loraw-gradio-compatible"
LoraMergeMode loraMergeModeFromName(const std::string& name); // throws GenerationError

struct LoraSpec {
    LoraSpec() = default;
    LoraSpec(std::shared_ptr<const LoraFile> file_, double strength_ = 1.0,
             LoraMergeMode mode_ = LoraMergeMode::TrainingFaithful)
        : file(std::move(file_)), strength(strength_), mode(mode_) {}

    std::shared_ptr<const LoraFile> file;
    double strength = 1.0; // 0…2; 0 leaves the LoRA out entirely
    LoraMergeMode mode = LoraMergeMode::TrainingFaithful;
    // Not present: the Lightning checkpoint's embedded config if any, else alpha = rank.
    LoraTrainingConfig config;
    // Fallback: merge DoRA modules as plain LoRA (magnitude vectors ignored), as LoRAW's gradio
    // does. Always the case in LorawGradioCompatible mode.
    bool doraIgnoreMagnitude = false;
};

struct LoraMergeOptions {
    // Keep the pristine copies of non-CPU weights in host memory (saves device memory; unmerge
    // then copies them back). Off: the original tensors themselves are kept (no copy at all).
    bool backupOnHost = false;
    // Reads a base weight again (from the model's file), given its key and a tensor of the
    // shape, dtype and device it must have; throws GenerationError when it cannot. When set, no
    // base weight is kept while it is merged (low-memory mode: 2 GB for SAO 1.0's bf16 DiT),
    // and apply() replaces the weights one by one: a failure part-way leaves some merged, but
    // every weight that may differ from its base stays listed, and the next apply() or
    // unmerge() reads them all again.
    std::function<at::Tensor(const std::string& key, const at::Tensor& like)> reloadBase;
};

struct LoraTarget {
    std::string moduleId;  // LoRAW id
    std::string weightKey; // the model's key, e.g.
                           // "model.model.transformer.layers.0.self_attn.to_qkv.weight"
    std::string biasKey;   // empty when the module has no bias
};

// The base key LoRAW's naming implies: '/' -> '.', plus ".weight".
std::string loraBaseWeightKey(const std::string& moduleId);

class LoraMerger {
public:
    // `parameters`: the live weights by their original key names (ParameterList::named()).
    // Merging REPLACES the tensors behind the pointers (it never writes into them: they may
    // alias a read-only mapping); the pointers must stay valid while the merger is used, and
    // the model must not run during apply()/unmerge().
    explicit LoraMerger(std::vector<std::pair<std::string, at::Tensor*>> parameters,
                        LoraMergeOptions options = {});
    LoraMerger(const LoraMerger&) = delete;
    LoraMerger& operator=(const LoraMerger&) = delete;

    // Maps every module of the file to a base weight with matching shape, or throws
    // GenerationError naming the file, the module and the key/shape that does not fit.
    std::vector<LoraTarget> resolve(const LoraFile& file) const;

    // Validates every LoRA first (nothing changes on a validation error), restores the base
    // weights, then merges the LoRAs in the given order (they add up; DoRA applies to the
    // weights merged so far) in float32 and casts back to each weight's dtype and device.
    // If merging itself fails (memory), the base weights are left in place and it rethrows.
    void apply(const std::vector<LoraSpec>& loras);
    // Restores the base weights bit for bit (no-op when nothing is merged). With reloadBase it
    // may throw; the weights not yet restored stay listed (isMerged()).
    void unmerge();

    bool isMerged() const { return !m_pristine.empty(); }
    size_t touchedCount() const { return m_pristine.size(); }
    // One object per LoRA given to the last apply(): file identity, strength, mode, scale,
    // DoRA handling, module count. Empty array after unmerge().
    const nlohmann::json& metadata() const { return m_metadata; }

private:
    struct Param {
        at::Tensor* tensor = nullptr;
    };
    struct Pristine {
        at::Tensor original; // the tensor object that was in place (or its host copy); none
                             // with reloadBase
        at::Device device = at::kCPU;
    };
    const at::Tensor& current(const std::string& key) const;
    // The base weight of `key` now: the slot's tensor unless it is merged (then the kept copy,
    // or reloadBase's answer).
    at::Tensor baseOf(const std::string& key) const;

    std::map<std::string, Param> m_params;
    std::map<std::string, Pristine> m_pristine;
    LoraMergeOptions m_options;
    nlohmann::json m_metadata = nlohmann::json::array();
};

} // namespace footfall::model
