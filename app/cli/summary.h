// The seed's human-readable take summary.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace footfall::cli {

std::string formatSummary(const nlohmann::json& metadata);

} // namespace footfall::cli
