#include "model/sao/number_conditioner.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <cmath>

namespace footfall::model {

namespace {
constexpr double kPi = 3.14159265358979323846; // Python math.pi
} // namespace

NumberConditioner::NumberConditioner(std::string id, const NumberConditionerConfig& config,
                                     int64_t outputDim)
    : m_id(std::move(id)), m_config(config), m_outputDim(outputDim) {}

void NumberConditioner::collectParameters(ParameterList& out, const std::string& prefix) {
    out.add(prefix + "embedder.embedding.0.weights", &m_weights, {kEmbedderDim / 2});
    out.add(prefix + "embedder.embedding.1.weight", &m_linearWeight,
            {m_outputDim, kEmbedderDim + 1});
    out.add(prefix + "embedder.embedding.1.bias", &m_linearBias, {m_outputDim});
}

void NumberConditioner::load(const WeightSource& weights, const WeightTarget& target) {
    ParameterList params;
    collectParameters(params, defaultPrefix());
    LoadOptions options;
    options.target = target;
    options.strictPrefixes = {defaultPrefix()};
    loadParameters(params, weights, options);
    m_compute = target.compute;
}

at::ScalarType NumberConditioner::computeDtype() const {
    return m_compute.value_or(m_weights.defined() ? m_weights.scalar_type() : at::kFloat);
}

NumberConditioner::Output NumberConditioner::forward(const std::vector<double>& values) const {
    for (double v : values)
        if (!std::isfinite(v))
            throw GenerationError("'" + m_id + "' must be a finite number");
    // torch.tensor(list of Python floats) is float32.
    std::vector<float> asFloat(values.begin(), values.end());
    const at::Tensor t =
        at::from_blob(asFloat.data(), {static_cast<int64_t>(asFloat.size())}, at::kFloat).clone();
    return forward(t);
}

NumberConditioner::Output NumberConditioner::forward(const at::Tensor& values) const {
    if (!isLoaded())
        throw GenerationError("number conditioner '" + m_id +
                              "' used before its weights were loaded");
    const at::Tensor x = values.reshape({-1}).to(m_weights.device(), at::kFloat);
    // Same float32 op order as the original: clamp, subtract, divide, then the embedder dtype.
    const at::Tensor u = ((x.clamp(m_config.minVal, m_config.maxVal) - m_config.minVal) /
                          (m_config.maxVal - m_config.minVal))
                             .to(computeDtype());
    const at::Tensor col = u.unsqueeze(1);
    const at::Tensor freqs = col * computeView(m_weights, col).unsqueeze(0) * 2 * kPi;
    const at::Tensor features = at::cat({col, at::sin(freqs), at::cos(freqs)}, -1);
    Output out;
    out.embeds = at::linear(features, computeView(m_linearWeight, features),
                            computeView(m_linearBias, features))
                     .unsqueeze(1);
    out.mask = at::ones({x.size(0), 1}, at::TensorOptions().dtype(at::kFloat).device(x.device()));
    return out;
}

} // namespace footfall::model
