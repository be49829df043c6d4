// Take file names: "YYYYMMDD_HHMMSS_<sanitized prompt>.<ext>" or a UCS-style template.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace footfall {

constexpr std::size_t kMaxPromptStemLength = 60;

// Lowercase ASCII letters, digits and '_' only (other letters transliterated first: "café" ->
// "cafe"); runs of anything else become one '_'; never empty ("untitled"), never longer than
// maxLength, never a separator or "..".
std::string sanitizePrompt(const std::string& prompt, std::size_t maxLength = kMaxPromptStemLength);

std::string timestampStamp(std::chrono::system_clock::time_point when); // local YYYYMMDD_HHMMSS

std::string timestampedFileName(const std::string& prompt,
                                std::chrono::system_clock::time_point when,
                                const std::string& extension);

// UCS: CatID_FXName_CreatorID_SourceID, '_' only between blocks. A template such as
// "FEETHmn_<FXName>_<Creator>_<Source>" has its fields filled in and sanitised (ASCII letters
// and digits only). Without --creator/--source the defaults below stand in.
constexpr std::size_t kUcsFxNameLength = 25; // UCS: "under 25 characters preferably"
constexpr const char* kDefaultUcsCreatorId = "FF";
constexpr const char* kDefaultUcsSourceId = "FOOTFALL";

struct UcsFields {
    std::string fxName;  // usually ucsFxName(prompt)
    std::string creator; // CreatorID, e.g. initials; empty: kDefaultUcsCreatorId
    std::string source;  // SourceID, project or library; empty: kDefaultUcsSourceId
};
// `number` > 0 is appended to the FXName as two digits ("HeavyBoots02"): where UCS tools read
// it as part of the name, not as a UserData block (after SourceID) nor a VendorCategory ('-').
std::string ucsFileName(const std::string& templ, const UcsFields& fields,
                        const std::string& extension, int number = 0);
// The prompt transliterated to ASCII, as CamelCase words of letters and digits, cut at a word
// boundary to at most kUcsFxNameLength characters (a first word longer than that is cut).
std::string ucsFxName(const std::string& prompt);
// The CatID a template starts with: its first block up to '_' or '-' (a UserCategory).
std::string ucsTemplateCatId(const std::string& templ);

// `folder/fileName`, or with "_2", "_3", ... before the extension if that exists already.
// Never returns an existing path.
std::string uniquePath(const std::string& folder, const std::string& fileName);
// The UCS form of uniquePath: the first file has the plain FXName, a collision counter goes
// into the FXName (ucsFileName's `number`: 02, 03, ...), never after the SourceID.
std::string uniqueUcsPath(const std::string& folder, const std::string& templ,
                          const UcsFields& fields, const std::string& extension);

} // namespace footfall
