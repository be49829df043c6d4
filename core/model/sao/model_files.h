// The files of one Stable Audio Open model, and where they are in a folder as downloaded
// (model_config.json, model.safetensors or model.ckpt, text_encoder/, tokenizer/).
// Torch-free.
#pragma once

#include <string>

namespace footfall::model {

struct SaoModelFiles {
    std::string modelConfig; // model_config.json
    std::string weights;     // model.safetensors or model.ckpt
    std::string t5Config;    // text_encoder/config.json (HF T5 config)
    std::string t5Weights;   // text_encoder/model.safetensors (HF T5EncoderModel keys)
    std::string tokenizer;   // tokenizer/spiece.model; empty: token ids must be supplied
};

// Finds the files: explicit `config` / `checkpoint` / `t5Dir` win over the folder's own.
// Reads no weights. Throws GenerationError naming the missing file and where it looked.
SaoModelFiles locateSaoModel(const std::string& modelDir, const std::string& checkpoint,
                             const std::string& config, const std::string& t5Dir);

} // namespace footfall::model
