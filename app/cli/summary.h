// footfall-cli's human-readable take summary (sections as README.md lists them).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace footfall::cli {

std::string formatSummary(const nlohmann::json& metadata);

} // namespace footfall::cli
