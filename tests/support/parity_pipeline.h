// The parity fixtures' tiny SAO model (a config and weights of the fixture folder, with the
// fixtures' T5) as a pipeline on the CPU, not loaded yet. Model tests only (links torch).
#pragma once

#include "model/sao/sao_model.h"
#include "parity.h"

#include <memory>
#include <string>

namespace footfall::test {

inline std::unique_ptr<model::SaoPipeline> parityPipeline(const std::string& config,
                                                          const std::string& weights,
                                                          const std::string& precision,
                                                          bool lowMemory = false) {
    model::SaoModelFiles files;
    files.modelConfig = parityPath(config);
    files.weights = parityPath(weights);
    files.t5Config = parityPath("t5_config.json");
    files.t5Weights = parityPath("t5_encoder.safetensors");
    model::DeviceSettings settings;
    settings.device = "cpu";
    settings.precision = precision;
    settings.lowMemory = lowMemory;
    return std::make_unique<model::SaoPipeline>(files, settings);
}

} // namespace footfall::test
