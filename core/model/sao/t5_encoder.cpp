#include "model/sao/t5_encoder.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace footfall::model {
namespace {

int64_t positiveInt(const nlohmann::json& json, const char* key, int64_t fallback,
                    const std::string& origin) {
    if (!json.contains(key))
        return fallback;
    const auto& value = json.at(key);
    if (!value.is_number_integer() || value.get<int64_t>() <= 0)
        throw GenerationError("T5 config " + origin + ": '" + key +
                              "' must be a positive integer, not " + value.dump());
    return value.get<int64_t>();
}

at::Tensor activation(const at::Tensor& x, const std::string& name) {
    if (name == "relu")
        return at::relu(x);
    if (name == "gelu_new") // HF's NewGELU: the tanh approximation
        return at::gelu(x, "tanh");
    if (name == "gelu")
        return at::gelu(x);
    return at::silu(x); // "silu" / "swish", validated in fromJson
}

// HF clamps fp16 hidden states when they overflowed, so that later blocks see finite values.
at::Tensor clampHalfOverflow(const at::Tensor& x) {
    if (x.scalar_type() != at::kHalf)
        return x;
    const double max = 65504.0;
    const double limit = at::isinf(x).any().item<bool>() ? max - 1000.0 : max;
    return at::clamp(x, -limit, limit);
}

} // namespace

T5Config T5Config::fromJson(const nlohmann::json& json, const std::string& origin) {
    if (!json.is_object())
        throw GenerationError("T5 config " + origin + " is not a JSON object");
    T5Config c;
    c.vocabSize = positiveInt(json, "vocab_size", c.vocabSize, origin);
    c.dModel = positiveInt(json, "d_model", c.dModel, origin);
    c.dKv = positiveInt(json, "d_kv", c.dKv, origin);
    c.dFf = positiveInt(json, "d_ff", c.dFf, origin);
    c.numLayers = positiveInt(json, "num_layers", c.numLayers, origin);
    c.numHeads = positiveInt(json, "num_heads", c.numHeads, origin);
    c.numBuckets = positiveInt(json, "relative_attention_num_buckets", c.numBuckets, origin);
    c.maxDistance = positiveInt(json, "relative_attention_max_distance", c.maxDistance, origin);
    if (json.contains("layer_norm_epsilon")) {
        if (!json.at("layer_norm_epsilon").is_number())
            throw GenerationError("T5 config " + origin + ": 'layer_norm_epsilon' is not a number");
        c.layerNormEpsilon = json.at("layer_norm_epsilon").get<double>();
    }
    if (json.contains("feed_forward_proj")) {
        if (!json.at("feed_forward_proj").is_string())
            throw GenerationError("T5 config " + origin + ": 'feed_forward_proj' is not a string");
        c.feedForwardProj = json.at("feed_forward_proj").get<std::string>();
    }
    // HF: "<act>" or "gated-<act>", and "gated-gelu" means gelu_new.
    const std::string& proj = c.feedForwardProj;
    c.gated = proj.rfind("gated-", 0) == 0;
    c.activation = c.gated ? proj.substr(6) : proj;
    if (c.activation == "gelu" && c.gated)
        c.activation = "gelu_new";
    if (c.activation == "swish")
        c.activation = "silu";
    if (c.activation != "relu" && c.activation != "gelu_new" && c.activation != "gelu" &&
        c.activation != "silu")
        throw GenerationError("T5 config " + origin + ": feed_forward_proj '" + proj +
                              "' is not supported (relu, gated-gelu, gelu_new, silu)");
    if (c.numBuckets < 4 || c.numBuckets % 2 != 0)
        throw GenerationError("T5 config " + origin +
                              ": relative_attention_num_buckets must be even and at least 4");
    return c;
}

T5Config T5Config::fromFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw GenerationError("the T5 config " + path + " cannot be opened");
    nlohmann::json json;
    try {
        in >> json;
    } catch (const std::exception& e) {
        throw GenerationError("the T5 config " + path + " is not valid JSON: " + e.what());
    }
    return fromJson(json, path);
}

T5Encoder::T5Encoder(T5Config config) : m_config(std::move(config)) {
    m_blocks.resize(static_cast<size_t>(m_config.numLayers));
}

void T5Encoder::collectParameters(ParameterList& out, const std::string& prefix,
                                  bool withTiedAlias) {
    const T5Config& c = m_config;
    out.add(prefix + "shared.weight", &m_embedding, {c.vocabSize, c.dModel});
    if (withTiedAlias)
        out.add(prefix + "encoder.embed_tokens.weight", &m_embedding, {c.vocabSize, c.dModel});
    for (size_t i = 0; i < m_blocks.size(); ++i) {
        T5Block& b = m_blocks[i];
        const std::string p = prefix + "encoder.block." + std::to_string(i) + ".layer.";
        out.add(p + "0.SelfAttention.q.weight", &b.q, {c.innerDim(), c.dModel});
        out.add(p + "0.SelfAttention.k.weight", &b.k, {c.innerDim(), c.dModel});
        out.add(p + "0.SelfAttention.v.weight", &b.v, {c.innerDim(), c.dModel});
        out.add(p + "0.SelfAttention.o.weight", &b.o, {c.dModel, c.innerDim()});
        if (i == 0)
            out.add(p + "0.SelfAttention.relative_attention_bias.weight", &m_relativeBias,
                    {c.numBuckets, c.numHeads});
        out.add(p + "0.layer_norm.weight", &b.attentionNorm, {c.dModel});
        if (c.gated) {
            out.add(p + "1.DenseReluDense.wi_0.weight", &b.wi0, {c.dFf, c.dModel});
            out.add(p + "1.DenseReluDense.wi_1.weight", &b.wi1, {c.dFf, c.dModel});
        } else {
            out.add(p + "1.DenseReluDense.wi.weight", &b.wi, {c.dFf, c.dModel});
        }
        out.add(p + "1.DenseReluDense.wo.weight", &b.wo, {c.dModel, c.dFf});
        out.add(p + "1.layer_norm.weight", &b.ffNorm, {c.dModel});
    }
    out.add(prefix + "encoder.final_layer_norm.weight", &m_finalNorm, {c.dModel});
}

void T5Encoder::load(const WeightSource& source, const WeightTarget& target,
                     const std::string& prefix) {
    const std::string shared = prefix + "shared.weight";
    const std::string alias = prefix + "encoder.embed_tokens.weight";
    // The embedding is tied: files carry shared.weight, encoder.embed_tokens.weight or both.
    ParameterList params;
    collectParameters(params, prefix, source.contains(shared) && source.contains(alias));
    ParameterList list;
    for (const auto& e : params.entries()) {
        if (e.name == shared && !source.contains(shared) && source.contains(alias))
            list.add(alias, e.tensor, e.shape);
        else
            list.add(e.name, e.tensor, e.shape);
    }
    LoadOptions options;
    options.target = target;
    options.strictPrefixes = {prefix + "shared.", prefix + "encoder."};
    loadParameters(list, source, options);
    m_compute = target.compute;
}

void T5Encoder::to(const WeightTarget& target) {
    ParameterList params;
    collectParameters(params);
    for (const auto& e : params.entries())
        if (e.tensor->defined())
            *e.tensor = e.tensor->to(target.device, target.dtype);
    m_compute = target.compute;
}

at::ScalarType T5Encoder::storageDtype() const {
    return m_embedding.defined() ? m_embedding.scalar_type() : at::kFloat;
}

at::ScalarType T5Encoder::computeDtype() const {
    return m_compute.value_or(storageDtype());
}

void T5Encoder::release() {
    ParameterList params;
    collectParameters(params);
    for (const auto& e : params.entries())
        *e.tensor = at::Tensor();
}

at::Tensor T5Encoder::relativePositionBuckets(int64_t queryLength, int64_t keyLength) const {
    // The same fp32 tensor arithmetic as HF's _relative_position_bucket, so that the
    // log-spaced buckets truncate identically at their borders.
    const auto longs = at::TensorOptions().dtype(at::kLong);
    const at::Tensor context = at::arange(queryLength, longs).unsqueeze(1);
    const at::Tensor memory = at::arange(keyLength, longs).unsqueeze(0);
    at::Tensor relative = memory - context;
    const int64_t buckets = m_config.numBuckets / 2; // bidirectional: half per direction
    at::Tensor result = (relative > 0).to(at::kLong) * buckets;
    relative = relative.abs();
    const int64_t maxExact = buckets / 2;
    const at::Tensor isSmall = relative < maxExact;
    at::Tensor large =
        (at::log(relative.to(at::kFloat) / maxExact) /
         std::log(static_cast<double>(m_config.maxDistance) / static_cast<double>(maxExact)) *
         static_cast<double>(buckets - maxExact))
            .to(at::kLong) +
        maxExact;
    large = at::clamp_max(large, buckets - 1);
    return result + at::where(isSmall, relative, large);
}

at::Tensor T5Encoder::rmsNorm(const at::Tensor& x, const at::Tensor& weight) const {
    // T5LayerNorm: no mean subtraction, no bias; variance in fp32; back to a half weight's
    // dtype (the weight as computed: float32 when half weights are only stored).
    const at::Tensor w = computeView(weight, x);
    const at::Tensor variance = x.to(at::kFloat).pow(2).mean(-1, true);
    at::Tensor y = x * at::rsqrt(variance + m_config.layerNormEpsilon);
    if (w.scalar_type() == at::kHalf || w.scalar_type() == at::kBFloat16)
        y = y.to(w.scalar_type());
    return w * y;
}

at::Tensor T5Encoder::positionBias(int64_t length, const at::Tensor& attentionMask,
                                   at::ScalarType dtype) const {
    const at::Tensor buckets = relativePositionBuckets(length, length).to(m_relativeBias.device());
    // [L, L, H] -> [1, H, L, L]; gathered rows converted (not the whole table) when the
    // weights are stored in another dtype than `dtype`.
    at::Tensor bias =
        at::embedding(m_relativeBias, buckets).to(dtype).permute({2, 0, 1}).unsqueeze(0);
    // Padded keys get finfo(dtype).min added (HF's extended attention mask); queries at padded
    // positions are computed normally.
    const double minValue = dtype == at::kHalf       ? -65504.0
                            : dtype == at::kBFloat16 ? -3.3895313892515355e38
                            : dtype == at::kDouble   ? std::numeric_limits<double>::lowest()
                                                     : std::numeric_limits<float>::lowest();
    const at::Tensor mask =
        attentionMask.to(m_relativeBias.device(), dtype).unsqueeze(1).unsqueeze(1);
    return bias + (1.0 - mask) * minValue;
}

at::Tensor T5Encoder::forward(const at::Tensor& inputIds, const at::Tensor& attentionMask) const {
    if (!isLoaded())
        throw GenerationError("the T5 encoder has no weights loaded");
    // Not TORCH_CHECK: that would put this source file's path into the installed binary.
    if (inputIds.dim() != 2 || attentionMask.sizes() != inputIds.sizes())
        throw GenerationError("T5Encoder::forward: ids and mask must both be [batch, length]");
    const T5Config& c = m_config;
    const auto device = m_embedding.device();
    const at::Tensor ids = inputIds.to(device, at::kLong);
    const int64_t b = ids.size(0);
    const int64_t n = ids.size(1);
    const auto dtype = computeDtype();
    if (n > 0) {
        const int64_t maxId = ids.max().item<int64_t>();
        const int64_t minId = ids.min().item<int64_t>();
        if (minId < 0 || maxId >= c.vocabSize)
            throw GenerationError("token id " + std::to_string(minId < 0 ? minId : maxId) +
                                  " is outside the T5 vocabulary of " +
                                  std::to_string(c.vocabSize) +
                                  " (does the tokenizer belong to this T5?)");
    }

    // No sqrt(d_model) scaling in T5. The gathered rows are converted, not the whole table.
    at::Tensor h = at::embedding(m_embedding, ids).to(dtype);
    const at::Tensor bias = positionBias(n, attentionMask, dtype);
    const auto heads = [&](const at::Tensor& x) {
        return x.view({b, n, c.numHeads, c.dKv}).transpose(1, 2);
    };
    for (const T5Block& block : m_blocks) {
        const at::Tensor normed = rmsNorm(h, block.attentionNorm);
        const at::Tensor q = heads(at::linear(normed, computeView(block.q, normed)));
        const at::Tensor k = heads(at::linear(normed, computeView(block.k, normed)));
        const at::Tensor v = heads(at::linear(normed, computeView(block.v, normed)));
        // No 1/sqrt(d_kv): T5 folds it into the initialisation of q.
        const at::Tensor scores = at::matmul(q, k.transpose(-1, -2)) + bias;
        const at::Tensor weights = at::softmax(scores.to(at::kFloat), -1).to(scores.scalar_type());
        const at::Tensor context =
            at::matmul(weights, v).transpose(1, 2).reshape({b, n, c.innerDim()});
        h = clampHalfOverflow(h + at::linear(context, computeView(block.o, context)));

        const at::Tensor ffIn = rmsNorm(h, block.ffNorm);
        at::Tensor ff =
            c.gated ? activation(at::linear(ffIn, computeView(block.wi0, ffIn)), c.activation) *
                          at::linear(ffIn, computeView(block.wi1, ffIn))
                    : activation(at::linear(ffIn, computeView(block.wi, ffIn)), c.activation);
        // HF casts the activations to wo's dtype; with weights only stored in half, wo is
        // computed in the activations' dtype instead.
        const at::Tensor wo = computeView(block.wo, h);
        h = clampHalfOverflow(h + at::linear(ff.to(wo.scalar_type()), wo));
    }
    return rmsNorm(h, m_finalNorm);
}

} // namespace footfall::model
