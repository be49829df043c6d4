// footfall-cli's command line: the seed's options plus Footfall's.
#pragma once

#include "engine/generation_request.h"
#include "engine/take_pipeline.h"
#include "pipeline/engine_factory.h"

#include <string>
#include <vector>

namespace footfall::cli {

struct CliOptions {
    GenerationRequest request;
    EngineOptions engine;
    OutputOptions output;
    bool json = false;
    bool quiet = false;
    bool help = false;
    bool version = false;
    std::string loraInfo;  // --lora-info FILE: inspect and exit
    int benchmarkRuns = 0; // --benchmark N: generate N times, report medians
};

// Throws std::invalid_argument with one readable line on a bad command line.
CliOptions parseCommandLine(const std::vector<std::string>& args);

std::string usage();

} // namespace footfall::cli
