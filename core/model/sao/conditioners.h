// The conditioning half of Stable Audio Open (stable-audio-tools conditioners.py and
// ConditionedDiffusionModelWrapper.get_conditioning_inputs): the T5 prompt
// conditioner and the assembly of cross-attention / global conditioning in config order.
#pragma once

#include "model/runtime/weights.h"
#include "model/sao/model_config.h"
#include "model/sao/number_conditioner.h"
#include "model/sao/t5_encoder.h"
#include "model/sao/tokenizer/tokenizer.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace footfall::model {

// One conditioner's output as the original returns it: value [B, S, D] (or [B, D]) and
// mask [B, S] (bool).
struct CondTensor {
    at::Tensor value;
    at::Tensor mask;
};
using CondMap = std::map<std::string, CondTensor>; // conditioner id -> output

// T5Conditioner: tokenize (</s> appended, padded/truncated to max_length) -> T5 encoder with
// the attention mask -> proj_out (only when d_model != cond_dim or project_out) -> padded
// positions zeroed. Output float32 on the T5's device.
class T5Conditioner {
public:
    // `outputDim` is model.conditioning.cond_dim. The tokenizer may be null when only
    // encodeTokens() is used (parity tests feed token ids).
    T5Conditioner(std::string id, const T5ConditionerConfig& config, int64_t outputDim,
                  T5Config t5Config, std::shared_ptr<const SpmTokenizer> tokenizer);

    const std::string& id() const { return m_id; }
    int64_t maxLength() const { return m_maxLength; }
    bool hasProjection() const { return m_projected; }
    const T5Encoder& encoder() const { return m_encoder; }

    // T5 weights (HF T5EncoderModel keys), e.g. text_encoder/model.safetensors.
    void loadEncoder(const WeightSource& t5Weights, const WeightTarget& target = {});
    // proj_out from the SAO checkpoint (conditioner.conditioners.<id>.proj_out.*), only when the
    // config implies one. target.dtype: storage; target.computeDtype(): what it computes in.
    void loadProjection(const WeightSource& modelWeights, const WeightTarget& target = {});
    // For proj_out filled through collectParameters: nullopt = the weights' dtype.
    void setProjectionComputeDtype(std::optional<at::ScalarType> dtype) { m_projCompute = dtype; }
    // Keys/shapes this conditioner needs from the SAO checkpoint (proj_out or nothing).
    void collectParameters(ParameterList& out);
    bool isEncoderLoaded() const { return m_encoder.isLoaded(); }
    void releaseEncoder() { m_encoder.release(); }
    void moveEncoder(const WeightTarget& target) { m_encoder.to(target); }

    TokenBatch tokenize(const std::vector<std::string>& prompts) const;
    // ids [B, L] int64, mask [B, L] (bool or 0/1).
    CondTensor encodeTokens(const at::Tensor& ids, const at::Tensor& mask) const;
    CondTensor operator()(const std::vector<std::string>& prompts) const;

private:
    std::string m_id;
    int64_t m_maxLength;
    int64_t m_outputDim;
    bool m_projected;
    T5Encoder m_encoder;
    std::shared_ptr<const SpmTokenizer> m_tokenizer;
    std::optional<at::ScalarType> m_projCompute; // unset: proj_out's storage dtype
    at::Tensor m_projWeight;                     // [cond_dim, d_model]
    at::Tensor m_projBias;                       // [cond_dim]
};

// What one batch item is conditioned on, by conditioner id (MultiConditioner's metadata dict):
// texts for T5 conditioners ("prompt"), numbers for number conditioners ("seconds_start",
// "seconds_total"). Ids the model does not use are ignored, as in the original.
struct ConditioningMetadata {
    std::map<std::string, std::string> texts;
    std::map<std::string, double> numbers;
};

// MultiConditioner: every conditioner of model.conditioning, in config order. T5 conditioners
// share one T5 (the original loads t5-base once per conditioner; SAO has one).
class MultiConditioner {
public:
    MultiConditioner(const ConditioningConfig& config, const T5Config& t5Config,
                     std::shared_ptr<const SpmTokenizer> tokenizer);

    // Checkpoint tensors (number embedders, any proj_out) under conditioner.conditioners.<id>.
    void collectParameters(ParameterList& out);
    // Strict over "conditioner.": a conditioner tensor that no configured conditioner uses is
    // an error (the checkpoint belongs to another config). target.dtype is the storage dtype of
    // number embedders and proj_out, target.computeDtype() what they compute in.
    void load(const WeightSource& modelWeights, const WeightTarget& target = {});
    void loadT5(const WeightSource& t5Weights, const WeightTarget& t5Target = {});
    bool isT5Loaded() const;
    void releaseT5(); // low-memory mode: free the T5 after encoding
    void moveT5(const WeightTarget& target);
    bool hasT5() const { return !m_t5.empty(); }

    CondMap operator()(const std::vector<ConditioningMetadata>& batch) const;
    // For parity tests: the T5 conditioner `t5Id` gets these token ids instead of tokenizing.
    CondMap withTokens(const std::vector<ConditioningMetadata>& batch, const std::string& t5Id,
                       const at::Tensor& ids, const at::Tensor& mask) const;

    const std::vector<std::unique_ptr<T5Conditioner>>& t5Conditioners() const { return m_t5; }
    const std::vector<std::unique_ptr<NumberConditioner>>& numberConditioners() const {
        return m_numbers;
    }

private:
    CondMap run(const std::vector<ConditioningMetadata>& batch, const std::string& tokenId,
                const at::Tensor* ids, const at::Tensor* mask) const;

    std::vector<std::string> m_order; // config order of ids
    std::vector<std::unique_ptr<T5Conditioner>> m_t5;
    std::vector<std::unique_ptr<NumberConditioner>> m_numbers;
};

// TokenBatch -> (ids int64 [B, L], mask bool [B, L]) on the CPU.
at::Tensor tokenIdsTensor(const TokenBatch& batch);
at::Tensor tokenMaskTensor(const TokenBatch& batch);

// What the DiT takes (get_conditioning_inputs). Undefined tensors when the config lists no ids.
struct ConditioningInputs {
    at::Tensor crossAttnCond; // [B, S_total, cond_dim]: ids of cross_attention_cond_ids in order
    at::Tensor crossAttnMask; // [B, S_total] bool (the DiT ignores it, as the original)
    at::Tensor globalCond;    // [B, sum of dims]: global_cond_ids in order, sequence axis squeezed
};

// Throws GenerationError naming the id when the config refers to a conditioner that produced
// nothing.
ConditioningInputs assembleConditioning(const CondMap& conditioning,
                                        const DiffusionConfig& diffusion);

} // namespace footfall::model
