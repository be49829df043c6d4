// footfall-cli batch's manifest: rows of settings (JSON Lines, or CSV with a header row) whose
// keys are footfall-cli's own long options, matrix rows expanded, each row turned into its
// takes with deterministic seeds and file names. docs/batch.md describes the format and rules.
#pragma once

#include "generation/generation_request.h"
#include "generation/take_generation.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace footfall::cli {

// A row that cannot be used, with the manifest line it starts on.
struct ManifestError {
    int line = 0;
    std::string key; // the key at fault, when one is
    std::string reason;
};

// One take of the manifest: a (row, variation) work item.
struct BatchTake {
    int line = 0;              // the manifest line of its row (1-based)
    std::string combination;   // a matrix row's values, "footwear=boots, surface=gravel"
    int variation = 1;         // 1 ... variations
    std::string fileName;      // in the batch's output folder; the same on every run
    GenerationRequest request; // seed resolved, one take
    OutputOptions output;      // format and naming; the folder is the batch's
};

struct BatchPlan {
    std::vector<BatchTake> takes; // in manifest order: rows, then variations
    std::vector<ManifestError> errors;
    int rows = 0; // usable rows after matrix expansion
};

struct PlanOptions {
    std::int64_t baseSeed = 0;
    // Settings for every row that does not give the key itself (the batch command line's
    // generation options), as row values: "device": "cuda".
    nlohmann::json defaults = nlohmann::json::object();
};

// Reads and plans a manifest. Problems of single rows go to `errors` (the other rows are
// planned); throws GenerationError when the file cannot be read at all.
BatchPlan planManifest(const std::string& path, const PlanOptions& options);

// A row value for key `name` from text (a command-line argument or a CSV cell): "" for a
// flag given without a value. Throws std::invalid_argument when `name` is no manifest key.
void addRowValue(nlohmann::json& row, const std::string& name, const std::string& text,
                 bool fromCsv);

// Whether `name` is a key of rows (an option of footfall-cli's table that a row may set).
bool isRowKey(const std::string& name);
// Whether the option `name` takes a value (false for flags such as low-memory).
bool rowKeyTakesValue(const std::string& name);

// The seed of variation `variation` (1-based) of a row without an explicit seed, and the
// identifying part of its file name (docs/batch.md, "Seeds and file names").
std::int64_t derivedSeed(std::int64_t base, const std::string& soundKey, int occurrence,
                         int variation);
std::string takeId(const std::string& soundKey, int occurrence, std::int64_t seed);

// The settings a finished take must have been made with, as requestToJson writes them,
// without what may differ between runs of the same row (device, precision, low memory; the
// sampler when the row leaves it to the engine).
nlohmann::json comparableRequest(const nlohmann::json& requestJson, bool keepSampler);

} // namespace footfall::cli
