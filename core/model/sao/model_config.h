// stable-audio-tools model_config.json, parsed into plain structs. Torch-free.
// Every number the model needs comes from the file; defaults are those of the original
// constructors when a key is absent. Bad values throw footfall::GenerationError naming the
// file and the JSON path of the key (e.g. "model.diffusion.config.embed_dim").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace footfall::model {

// OobleckEncoder / OobleckDecoder constructor arguments (autoencoders.py), defaults as the
// original's.
struct OobleckConfig {
    int64_t audioChannels = 2; // encoder "in_channels" / decoder "out_channels"
    int64_t channels = 128;
    int64_t latentDim = 32; // encoder: output channels (2 x latent_dim for a VAE); decoder: input
    std::vector<int64_t> cMults{1, 2, 4, 8};
    std::vector<int64_t> strides{2, 4, 8, 8};
    bool useSnake = false;           // SnakeBeta, else ELU
    bool useNearestUpsample = false; // decoder only: nearest upsample + conv, not a transposed conv
    bool finalTanh = true;           // decoder only (original default true; SAO sets false)
};

// model.pretransform: an AutoencoderPretransform around the Oobleck VAE; everything OobleckVae
// needs. Only "autoencoder" with Oobleck coders and an optional "vae" bottleneck is accepted.
struct PretransformConfig {
    double scale = 1.0;        // latents = encode / scale; decode(latents * scale)
    bool modelHalf = false;    // not used: the device settings pick the dtype
    bool iterateBatch = false; // encode/decode one batch item at a time (memory only)
    bool chunked = false;      // decode in overlapping chunks of 128 latents (overlap 32)
    OobleckConfig encoder;
    OobleckConfig decoder;
    bool softClip = false;         // the decoder object's "soft_clip": tanh after decoding
    std::string bottleneckType;    // "vae" for SAO; empty when absent
    int64_t latentDim = 0;         // channels of the diffused latents
    int64_t downsamplingRatio = 0; // the product of the strides
    int64_t ioChannels = 0;        // audio channels of the autoencoder

    bool vaeBottleneck() const { return bottleneckType == "vae"; }
};

struct T5ConditionerConfig {
    std::string modelName = "t5-base";
    int64_t maxLength = 128;
    bool enableGrad = false;
    bool projectOut = false;
};

struct NumberConditionerConfig {
    double minVal = 0.0;
    double maxVal = 1.0;
};

struct ConditionerConfig {
    std::string id;
    std::string type;               // "t5" or "number" (others are rejected)
    T5ConditionerConfig t5;         // when type == "t5"
    NumberConditionerConfig number; // when type == "number"
    nlohmann::json raw;             // the conditioner's "config" object
};

struct ConditioningConfig {
    int64_t condDim = 0;
    std::vector<ConditionerConfig> configs;
    const ConditionerConfig* find(const std::string& id) const;
};

enum class QkNorm { None, LayerNorm, L2 };

// DiffusionTransformer + ContinuousTransformer + TransformerBlock arguments (dit.py,
// transformer.py). Only the options SAO-type models use are representable; others are rejected.
struct DitConfig {
    int64_t ioChannels = 32;
    int64_t patchSize = 1;
    int64_t embedDim = 768;
    int64_t condTokenDim = 0;
    bool projectCondTokens = true;
    int64_t globalCondDim = 0;
    bool projectGlobalCond = true;
    int64_t depth = 12;
    int64_t numHeads = 8;
    std::string transformerType = "continuous_transformer";
    std::string globalCondType = "prepend";
    std::string timestepCondType = "global";
    QkNorm qkNorm = QkNorm::None;
    double ffMult = 4.0;
    bool rotaryPosEmb = true;
    int64_t finalCrossAttnIx = -1; // layers after it do not cross-attend (-1: all do)

    // Derived sizes (all as the original computes them).
    int64_t dimHeads() const { return embedDim / numHeads; }
    int64_t rotaryDim() const; // max(dim_heads // 2, 32)
    int64_t condEmbedDim() const { return projectCondTokens ? embedDim : condTokenDim; }
    int64_t globalEmbedDim() const { return projectGlobalCond ? embedDim : globalCondDim; }
    int64_t crossKvHeads() const { return condEmbedDim() / dimHeads(); }
    int64_t ffInnerDim() const {
        return static_cast<int64_t>(static_cast<double>(embedDim) * ffMult);
    }
    bool layerCrossAttends(int64_t layer) const {
        return condTokenDim > 0 && (finalCrossAttnIx == -1 || layer <= finalCrossAttnIx);
    }
};

enum class DiffusionObjective { V, RectifiedFlow, RfDenoiser };
const char* objectiveName(DiffusionObjective objective);

struct DiffusionConfig {
    std::string type = "dit";
    DiffusionObjective objective = DiffusionObjective::V;
    std::vector<std::string> crossAttentionCondIds;
    std::vector<std::string> globalCondIds;
    DitConfig dit;
    nlohmann::json distributionShiftOptions; // null when absent
    bool isRectifiedFlow() const { return objective != DiffusionObjective::V; }
};

struct ModelConfig {
    std::string path; // for messages; "" when parsed from memory
    std::string modelType = "diffusion_cond";
    int64_t sampleSize = 0;
    int64_t sampleRate = 0;
    int64_t audioChannels = 2;
    int64_t ioChannels = 0; // model.io_channels: channels of the diffused latent
    PretransformConfig pretransform;
    ConditioningConfig conditioning;
    DiffusionConfig diffusion;
    nlohmann::json raw; // the whole file; LoRAW's `lora` section is read from it (lora_config.h)

    // Latent frames for sample_size (floor, as generate_diffusion_cond does).
    int64_t latentLength() const {
        return pretransform.downsamplingRatio > 0 ? sampleSize / pretransform.downsamplingRatio
                                                  : sampleSize;
    }
};

// `source` names the file in messages.
ModelConfig parseModelConfig(const nlohmann::json& json,
                             const std::string& source = "model_config.json");
ModelConfig loadModelConfig(const std::string& path);
// Only the "model.pretransform" object (e.g. a parity case's "config"); messages still name
// keys by their full path ("model.pretransform.config.latent_dim").
PretransformConfig parsePretransformConfig(const nlohmann::json& pretransform,
                                           const std::string& source = "model_config.json");
// Only the "model.diffusion" object (e.g. a parity case's "config"); no cross-section checks.
DiffusionConfig parseDiffusionConfig(const nlohmann::json& diffusion,
                                     const std::string& source = "model_config.json");

} // namespace footfall::model
