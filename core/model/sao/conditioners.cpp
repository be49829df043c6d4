#include "model/sao/conditioners.h"

#include "base/errors.h"

#include <ATen/ATen.h>

namespace footfall::model {

T5Conditioner::T5Conditioner(std::string id, const T5ConditionerConfig& config, int64_t outputDim,
                             T5Config t5Config, std::shared_ptr<const SpmTokenizer> tokenizer)
    : m_id(std::move(id)), m_maxLength(config.maxLength), m_outputDim(outputDim),
      m_projected(t5Config.dModel != outputDim || config.projectOut),
      m_encoder(std::move(t5Config)), m_tokenizer(std::move(tokenizer)) {
    if (m_maxLength < 1)
        throw GenerationError("conditioner '" + m_id + "': max_length must be at least 1");
}

void T5Conditioner::loadEncoder(const WeightSource& t5Weights, const WeightTarget& target) {
    m_encoder.load(t5Weights, target);
}

void T5Conditioner::collectParameters(ParameterList& out) {
    if (!m_projected)
        return;
    const std::string prefix = "conditioner.conditioners." + m_id + ".proj_out.";
    out.add(prefix + "weight", &m_projWeight, {m_outputDim, m_encoder.config().dModel});
    out.add(prefix + "bias", &m_projBias, {m_outputDim});
}

void T5Conditioner::loadProjection(const WeightSource& modelWeights, const WeightTarget& target) {
    ParameterList params;
    collectParameters(params);
    if (params.size() == 0)
        return;
    LoadOptions options;
    options.target = target;
    options.strictPrefixes = {"conditioner.conditioners." + m_id + "."};
    loadParameters(params, modelWeights, options);
    m_projCompute = target.compute;
}

TokenBatch T5Conditioner::tokenize(const std::vector<std::string>& prompts) const {
    if (!m_tokenizer)
        throw GenerationError("conditioner '" + m_id + "' has no tokenizer");
    return m_tokenizer->tokenize(prompts, static_cast<int>(m_maxLength));
}

CondTensor T5Conditioner::encodeTokens(const at::Tensor& ids, const at::Tensor& mask) const {
    const at::Tensor boolMask = mask.to(at::kBool);
    at::Tensor embeddings = m_encoder.forward(ids, boolMask);
    if (m_projected) {
        if (!m_projWeight.defined())
            throw GenerationError("conditioner '" + m_id + "': proj_out weights are not loaded");
        // The original casts the T5 output to proj_out's dtype first (its compute dtype when
        // the weights are only stored in half).
        embeddings = embeddings.to(m_projCompute.value_or(m_projWeight.scalar_type()));
        embeddings = at::linear(embeddings, computeView(m_projWeight, embeddings),
                                computeView(m_projBias, embeddings));
    }
    // Padded positions become exact zeros (embeddings * mask.float() in the original, which
    // also promotes an fp16 T5 output to float32).
    const at::Tensor deviceMask = boolMask.to(embeddings.device());
    embeddings = embeddings.to(at::kFloat) * deviceMask.unsqueeze(-1).to(at::kFloat);
    return {embeddings, deviceMask};
}

CondTensor T5Conditioner::operator()(const std::vector<std::string>& prompts) const {
    const TokenBatch batch = tokenize(prompts);
    return encodeTokens(tokenIdsTensor(batch), tokenMaskTensor(batch));
}

MultiConditioner::MultiConditioner(const ConditioningConfig& config, const T5Config& t5Config,
                                   std::shared_ptr<const SpmTokenizer> tokenizer) {
    for (const auto& c : config.configs) {
        m_order.push_back(c.id);
        if (c.type == "t5")
            m_t5.push_back(
                std::make_unique<T5Conditioner>(c.id, c.t5, config.condDim, t5Config, tokenizer));
        else if (c.type == "number")
            m_numbers.push_back(
                std::make_unique<NumberConditioner>(c.id, c.number, config.condDim));
        else
            throw GenerationError("conditioner '" + c.id + "' has type '" + c.type +
                                  "', which Footfall does not support (t5, number)");
    }
}

void MultiConditioner::collectParameters(ParameterList& out) {
    for (auto& t5 : m_t5)
        t5->collectParameters(out);
    for (auto& number : m_numbers)
        number->collectParameters(out, number->defaultPrefix());
}

void MultiConditioner::load(const WeightSource& modelWeights, const WeightTarget& target) {
    ParameterList params;
    collectParameters(params);
    LoadOptions options;
    options.target = target;
    options.strictPrefixes = {"conditioner."};
    loadParameters(params, modelWeights, options);
    for (auto& t5 : m_t5)
        t5->setProjectionComputeDtype(target.compute);
    for (auto& number : m_numbers)
        number->setComputeDtype(target.compute);
}

void MultiConditioner::loadT5(const WeightSource& t5Weights, const WeightTarget& t5Target) {
    for (auto& t5 : m_t5)
        t5->loadEncoder(t5Weights, t5Target);
}

bool MultiConditioner::isT5Loaded() const {
    for (const auto& t5 : m_t5)
        if (!t5->isEncoderLoaded())
            return false;
    return true;
}

void MultiConditioner::releaseT5() {
    for (auto& t5 : m_t5)
        t5->releaseEncoder();
}

void MultiConditioner::moveT5(const WeightTarget& target) {
    for (auto& t5 : m_t5)
        t5->moveEncoder(target);
}

CondMap MultiConditioner::operator()(const std::vector<ConditioningMetadata>& batch) const {
    return run(batch, std::string(), nullptr, nullptr);
}

CondMap MultiConditioner::withTokens(const std::vector<ConditioningMetadata>& batch,
                                     const std::string& t5Id, const at::Tensor& ids,
                                     const at::Tensor& mask) const {
    return run(batch, t5Id, &ids, &mask);
}

CondMap MultiConditioner::run(const std::vector<ConditioningMetadata>& batch,
                              const std::string& tokenId, const at::Tensor* ids,
                              const at::Tensor* mask) const {
    if (batch.empty())
        throw GenerationError("conditioning needs at least one batch item");
    CondMap out;
    for (const auto& t5 : m_t5) {
        if (ids && t5->id() == tokenId) {
            out[t5->id()] = t5->encodeTokens(*ids, *mask);
            continue;
        }
        std::vector<std::string> texts;
        for (const auto& item : batch) {
            const auto it = item.texts.find(t5->id());
            if (it == item.texts.end())
                throw GenerationError("conditioner key '" + t5->id() +
                                      "' (a text) not found in the conditioning metadata");
            texts.push_back(it->second);
        }
        out[t5->id()] = (*t5)(texts);
    }
    for (const auto& number : m_numbers) {
        std::vector<double> values;
        for (const auto& item : batch) {
            const auto it = item.numbers.find(number->id());
            if (it == item.numbers.end())
                throw GenerationError("conditioner key '" + number->id() +
                                      "' (a number) not found in the conditioning metadata");
            values.push_back(it->second);
        }
        const auto result = number->forward(values);
        out[number->id()] = {result.embeds, result.mask};
    }
    return out;
}

at::Tensor tokenIdsTensor(const TokenBatch& batch) {
    return at::tensor(batch.ids, at::TensorOptions().dtype(at::kLong))
        .view({batch.batch, batch.length});
}

at::Tensor tokenMaskTensor(const TokenBatch& batch) {
    return at::tensor(batch.mask, at::TensorOptions().dtype(at::kLong))
        .view({batch.batch, batch.length})
        .to(at::kBool);
}

ConditioningInputs assembleConditioning(const CondMap& conditioning,
                                        const DiffusionConfig& diffusion) {
    const auto lookup = [&](const std::string& id, const char* list) -> const CondTensor& {
        const auto it = conditioning.find(id);
        if (it == conditioning.end())
            throw GenerationError(std::string("model.diffusion.") + list + " names '" + id +
                                  "', but no conditioner with that id produced an output");
        return it->second;
    };
    ConditioningInputs out;
    if (!diffusion.crossAttentionCondIds.empty()) {
        std::vector<at::Tensor> values, masks;
        for (const auto& id : diffusion.crossAttentionCondIds) {
            const CondTensor& c = lookup(id, "cross_attention_cond_ids");
            at::Tensor value = c.value;
            at::Tensor mask = c.mask.defined() ? c.mask.to(at::kBool)
                                               : at::ones({value.size(0), value.size(1)},
                                                          value.options().dtype(at::kBool));
            // 2-D inputs get a sequence axis (as the original does).
            if (value.dim() == 2) {
                value = value.unsqueeze(1);
                mask = mask.dim() == 1 ? mask.unsqueeze(1) : mask;
            }
            values.push_back(value);
            masks.push_back(mask.to(value.device()));
        }
        out.crossAttnCond = at::cat(values, 1);
        out.crossAttnMask = at::cat(masks, 1);
    }
    if (!diffusion.globalCondIds.empty()) {
        std::vector<at::Tensor> values;
        for (const auto& id : diffusion.globalCondIds)
            values.push_back(lookup(id, "global_cond_ids").value);
        at::Tensor global = at::cat(values, -1);
        if (global.dim() == 3)
            global = global.squeeze(1);
        out.globalCond = global;
    }
    return out;
}

} // namespace footfall::model
