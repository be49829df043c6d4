// Take file names: "YYYYMMDD_HHMMSS_<sanitized prompt>.<ext>" or a UCS-style template.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace footfall {

constexpr std::size_t kMaxPromptStemLength = 60;

// Lowercase ASCII letters, digits and '_' only; runs of anything else become one '_';
// never empty ("untitled"), never longer than maxLength, never a separator or "..".
std::string sanitizePrompt(const std::string& prompt, std::size_t maxLength = kMaxPromptStemLength);

std::string timestampStamp(std::chrono::system_clock::time_point when); // local YYYYMMDD_HHMMSS

std::string timestampedFileName(const std::string& prompt,
                                std::chrono::system_clock::time_point when,
                                const std::string& extension);

// UCS: CatID_FXName_CreatorID_SourceID, '_' only between blocks. A template such as
// "FEETHmn_<FXName>_<Creator>_<Source>" has its fields filled in and sanitised
// (FXName as CamelCase words, bounded to 25 chars).
struct UcsFields {
    std::string fxName;  // usually derived from the prompt
    std::string creator; // creator id, e.g. initials
    std::string source;  // source id / project
};
std::string ucsFileName(const std::string& templ, const UcsFields& fields,
                        const std::string& extension);
std::string ucsFxName(const std::string& prompt);

// `folder/fileName`, or with "_2", "_3", ... before the extension if that exists already.
// Never returns an existing path.
std::string uniquePath(const std::string& folder, const std::string& fileName);

} // namespace footfall
