// NumberConditioner of stable-audio-tools: seconds_start / seconds_total.
// x -> clamp(min, max) -> (x - min) / (max - min) -> NumberEmbedder:
// Linear(257 -> cond_dim)([u, sin(2π u w), cos(2π u w)]), output [B, 1, cond_dim], mask ones [B,
// 1].
#pragma once

#include "model/runtime/weights.h"
#include "model/sao/model_config.h"

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

namespace footfall::model {

class NumberConditioner {
public:
    static constexpr int64_t kEmbedderDim = 256; // NumberEmbedder default dim

    NumberConditioner(std::string id, const NumberConditionerConfig& config, int64_t outputDim);

    const std::string& id() const { return m_id; }
    const NumberConditionerConfig& config() const { return m_config; }
    int64_t outputDim() const { return m_outputDim; }

    // Keys: prefix + "embedder.embedding.0.weights" [128], ".1.weight" [D, 257], ".1.bias" [D].
    // The checkpoint prefix is "conditioner.conditioners.<id>." (defaultPrefix()).
    void collectParameters(ParameterList& out, const std::string& prefix);
    std::string defaultPrefix() const { return "conditioner.conditioners." + m_id + "."; }
    // target.dtype: storage; target.computeDtype(): what forward() computes and returns in.
    void load(const WeightSource& weights, const WeightTarget& target = {});
    bool isLoaded() const { return m_weights.defined(); }
    // For weights filled through collectParameters (load() sets it): nullopt = weights' dtype.
    void setComputeDtype(std::optional<at::ScalarType> dtype) { m_compute = dtype; }
    at::ScalarType computeDtype() const;

    struct Output {
        at::Tensor embeds; // [B, 1, outputDim]
        at::Tensor mask;   // [B, 1] float ones (as the original returns)
    };
    Output forward(const std::vector<double>& values) const;
    Output forward(const at::Tensor& values) const; // [B] (any float dtype/device)

private:
    std::string m_id;
    NumberConditionerConfig m_config;
    int64_t m_outputDim;
    std::optional<at::ScalarType> m_compute; // unset: the weights' dtype
    at::Tensor m_weights;                    // embedder.embedding.0.weights [128]
    at::Tensor m_linearWeight;               // embedder.embedding.1.weight [D, 257]
    at::Tensor m_linearBias;                 // embedder.embedding.1.bias [D]
};

} // namespace footfall::model
