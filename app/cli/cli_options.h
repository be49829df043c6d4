// footfall-cli's command line: one table of options (name, help, default, target), parsed
// with CLI11 into the core's GenerationRequest and OutputOptions.
#pragma once

#include "generation/generation_request.h"
#include "generation/take_generation.h"

#include <string>
#include <vector>

namespace footfall::cli {

struct CliOptions {
    GenerationRequest request;
    OutputOptions output;
    bool json = false;
    bool quiet = false;
    bool help = false;
    bool version = false;
    std::string loraInfo;       // --lora-info FILE: inspect and exit
    std::string tokenizerCheck; // --tokenizer-check SPIECE: load it with the SentencePiece module
    std::string recall;         // --recall TAKE.json: the take's settings, then the options given
    int benchmarkRuns = 0;      // --benchmark N: generate N times, report medians
    bool draft = false;         // --draft: the draft preset (generation/draft.h) of the request
    bool final = false;         // --final: with --recall of a draft, its full-quality render
};

// Throws std::invalid_argument with one readable line on a bad command line, and
// GenerationError when the --recall file cannot be recalled.
CliOptions parseCommandLine(const std::vector<std::string>& args);

std::string usage();

// The table's long options (name without dashes) and how each takes its value, for commands
// that read options from elsewhere (footfall-cli batch's manifest rows), so that those keys
// and the command line cannot drift apart.
struct OptionSpec {
    std::string name;        // "prompt", "cfg-scale", "low-memory"
    bool takesValue = true;  // false for flags
    bool repeatable = false; // "lora"
};
std::vector<OptionSpec> optionSpecs();

} // namespace footfall::cli
