// The LoRA's training settings: the LoRAW `lora` section of the model config it was trained
// with. The one parser of that section (the model config itself only keeps the raw JSON).
// Torch-free.
//
// The rule, after LoRAW (NeuralNotW0rk/LoRAW, loraw/network.py create_lora_from_config and
// loraw/modules.py LoRAModule):
//   key                  present                          absent
//   rank                 positive integer                 the file's rank (per module)
//   alpha                number >= 0; 0 or null = rank    alpha = rank
//   multiplier           number                           1.0
//   component_whitelist  list of names                    no check (every module is allowed)
//   weight_decompose     true / false                     false (the file decides anyway)
//   dropout, module_dropout, lr                           training only: not read
// scale = alpha / rank, with the CONFIGURED rank: LoRAW computes it once from the config,
// before it clamps a module's rank to min(rank, in, out) and before loading a file of another
// rank, and never recomputes it. A LoRAW file stores min(rank, in, out) as each module's rank,
// which is why the file's rank stands in when the config has none. LoRAW's training entry point
// insists on rank, alpha, multiplier and the whitelist; its LoRAWrapper/LoRANetwork defaults
// are rank 16, alpha 16, multiplier 1.0, no whitelist, dropout off, no DoRA; its gradio
// merger runs on those defaults (scale 1). Absent values here keep that scale of 1 (alpha =
// rank) rather than guessing rank 16. A negative alpha (a flipped LoRA in LoRAW) is rejected:
// it is far more likely a typo than intended.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace footfall::model {

struct ModelConfig;

struct LoraTrainingConfig {
    bool present = false;         // false: no `lora` section anywhere (all defaults)
    std::optional<double> alpha;  // absent (or 0 in the file): alpha = rank
    std::optional<int64_t> rank;  // absent: the file's rank
    double multiplier = 1.0;      // LoRAW's forward multiplier
    bool weightDecompose = false; // DoRA (the files say so themselves: dora_mag tensors)
    std::vector<std::string> componentWhitelist; // empty: no check

    // The rank alpha is divided by, for a module stored with `fileRank`.
    int64_t effectiveRank(int64_t fileRank) const { return rank.value_or(fileRank); }
    // alpha / rank for a module stored with `fileRank` (1 without alpha).
    double scale(int64_t fileRank) const;

    // Accepts a whole model_config.json object (uses its "lora" section; a model config
    // without one: not present) or the bare section. Throws GenerationError naming `origin`
    // and the field (e.g. "`lora.alpha`") for bad values.
    static LoraTrainingConfig fromJson(const nlohmann::json& json, const std::string& origin);
    static LoraTrainingConfig fromFile(const std::string& path);
    // The `lora` section of a parsed model config (origin: its path).
    static LoraTrainingConfig fromModelConfig(const ModelConfig& config);
    // {"alpha", "rank", "multiplier", "weight_decompose", "component_whitelist"} (alpha/rank
    // null when absent); an empty object when not present.
    nlohmann::json toJson() const;
};

} // namespace footfall::model
