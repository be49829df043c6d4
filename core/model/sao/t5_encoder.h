// The T5 encoder stack (HF T5EncoderModel semantics, keys included) used by SAO's T5
// conditioner: embedding without scaling, pre-RMS-norm blocks, attention without 1/sqrt(d)
// and a bucketed relative position bias from block 0 shared by every block.
#pragma once

#include "model/runtime/weights.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace footfall::model {

struct T5Config {
    // HF T5Config defaults, used where config.json omits a key (as HF does).
    int64_t vocabSize = 32128;
    int64_t dModel = 512;
    int64_t dKv = 64;
    int64_t dFf = 2048;
    int64_t numLayers = 6;
    int64_t numHeads = 8;
    int64_t numBuckets = 32;
    int64_t maxDistance = 128;
    double layerNormEpsilon = 1e-6;
    std::string feedForwardProj = "relu"; // "relu" (t5-base) or "gated-gelu" (v1.1 / flan)
    std::string activation = "relu";      // derived: relu | gelu_new | gelu | silu
    bool gated = false;                   // derived: wi_0/wi_1 instead of wi

    int64_t innerDim() const { return numHeads * dKv; }

    // Throws GenerationError naming `origin` (the file) on bad values.
    static T5Config fromJson(const nlohmann::json& json, const std::string& origin);
    static T5Config fromFile(const std::string& path);
};

struct T5Block {
    at::Tensor attentionNorm; // layer.0.layer_norm.weight [d_model]
    at::Tensor q, k, v;       // [inner, d_model]
    at::Tensor o;             // [d_model, inner]
    at::Tensor ffNorm;        // layer.1.layer_norm.weight
    at::Tensor wi;            // [d_ff, d_model] (not gated)
    at::Tensor wi0, wi1;      // [d_ff, d_model] (gated)
    at::Tensor wo;            // [d_model, d_ff]
};

class T5Encoder {
public:
    explicit T5Encoder(T5Config config);

    const T5Config& config() const { return m_config; }

    // Every tensor under HF's T5EncoderModel key (prefix "" for a text_encoder/ file).
    // withTiedAlias also lists encoder.embed_tokens.weight (the same tensor as shared.weight),
    // as HF's state_dict() does.
    void collectParameters(ParameterList& out, const std::string& prefix = "",
                           bool withTiedAlias = false);

    // Strict load: every key present with its exact shape, no unknown shared./encoder. keys.
    // Either of the tied embedding keys suffices. target.dtype is the storage dtype,
    // target.computeDtype() the dtype forward() computes and returns in.
    void load(const WeightSource& source, const WeightTarget& target = {},
              const std::string& prefix = "");
    bool isLoaded() const { return m_embedding.defined(); }
    // Casts/moves every weight (e.g. fp16 on CUDA as the original runs T5); sets the compute
    // dtype as load() does.
    void to(const WeightTarget& target);
    // The dtype forward() computes in (unset: the weights' dtype) and the weights' dtype.
    at::ScalarType computeDtype() const;
    at::ScalarType storageDtype() const;
    // Drops the weights (low-memory mode); load() again to use it.
    void release();

    // inputIds [B, L] integer, attentionMask [B, L] (bool or 0/1) -> last_hidden_state
    // [B, L, d_model] in computeDtype() on the weights' device. Padded positions are NOT zeroed
    // (the conditioner does that), exactly as HF returns them.
    at::Tensor forward(const at::Tensor& inputIds, const at::Tensor& attentionMask) const;

    // HF's bidirectional bucket of (key - query) for every pair, [queryLength, keyLength] int64.
    at::Tensor relativePositionBuckets(int64_t queryLength, int64_t keyLength) const;

private:
    at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight) const;
    at::Tensor positionBias(int64_t length, const at::Tensor& attentionMask,
                            at::ScalarType dtype) const;

    T5Config m_config;
    std::optional<at::ScalarType> m_compute; // unset: the weights' dtype
    at::Tensor m_embedding;                  // shared.weight [vocab, d_model]
    at::Tensor m_relativeBias; // block.0 ... relative_attention_bias.weight [buckets, heads]
    at::Tensor m_finalNorm;    // encoder.final_layer_norm.weight
    std::vector<T5Block> m_blocks;
};

} // namespace footfall::model
