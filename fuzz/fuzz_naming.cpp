// Prompt -> file name and UCS names: sanitizePrompt, timestampedFileName, ucsFxName,
// ucsFileName, ucsTemplateCatId, splitUcsFileName / ucsRecord, the CatID look-ups, and
// transliterateToAscii underneath. The input is up to four fields separated by NUL bytes:
// prompt, UCS template, CreatorID, SourceID. Besides crashes and sanitizer reports, the
// documented properties of each result are checked (ASCII only, allowed characters, length
// bounds, never a path separator or "..").
#include "fuzz_input.h"

#include "base/errors.h"
#include "io/file_naming.h"
#include "io/transliterate.h"
#include "io/ucs.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

using namespace footfall;

namespace {

bool isAscii(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0x80)
            return false;
    return true;
}

bool onlyChars(const std::string& s, bool (*allowed)(unsigned char)) {
    for (unsigned char c : s)
        if (!allowed(c))
            return false;
    return true;
}

bool stemChar(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}
bool alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A file name: no separator, no NUL, not "." or "..".
bool safeFileName(const std::string& name) {
    return !name.empty() && name != "." && name != ".." &&
           name.find_first_of(std::string("/\\\0", 3)) == std::string::npos;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> fields;
    for (size_t begin = 0; fields.size() < 4;) {
        const size_t nul = input.find('\0', begin);
        fields.push_back(input.substr(begin, nul == std::string::npos ? nul : nul - begin));
        if (nul == std::string::npos)
            break;
        begin = nul + 1;
    }
    fields.resize(4);
    const std::string& prompt = fields[0];

    const std::string ascii = transliterateToAscii(prompt);
    FOOTFALL_FUZZ_CHECK(isAscii(ascii));

    const std::string stem = sanitizePrompt(prompt);
    FOOTFALL_FUZZ_CHECK(!stem.empty() && stem.size() <= kMaxPromptStemLength);
    FOOTFALL_FUZZ_CHECK(onlyChars(stem, stemChar) && safeFileName(stem));
    for (size_t maxLength : {size_t(1), size_t(2), size_t(7), size % 97 + 1}) {
        const std::string s = sanitizePrompt(prompt, maxLength);
        FOOTFALL_FUZZ_CHECK(!s.empty() && s.size() <= std::max<size_t>(maxLength, 1));
        FOOTFALL_FUZZ_CHECK(onlyChars(s, stemChar) && safeFileName(s));
    }
    const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1764547200));
    FOOTFALL_FUZZ_CHECK(safeFileName(timestampedFileName(prompt, when, "wav")));

    const std::string fx = ucsFxName(prompt);
    FOOTFALL_FUZZ_CHECK(fx.size() <= kUcsFxNameLength && onlyChars(fx, alnum));

    const std::string& templ = fields[1];
    (void)ucsTemplateCatId(templ);
    UcsFields ucs{fx, fields[2], fields[3]};
    for (int number : {0, 2, 99}) {
        try {
            const std::string name = ucsFileName(templ, ucs, "wav", number);
            FOOTFALL_FUZZ_CHECK(safeFileName(name) && isAscii(name));
            (void)ucsRecord(splitUcsFileName(name.substr(0, name.size() - 4))).dump();
        } catch (const GenerationError&) {
        }
    }
    ucs.fxName = prompt; // a caller may pass any text as the FXName
    try {
        FOOTFALL_FUZZ_CHECK(safeFileName(ucsFileName(templ, ucs, "flac")));
    } catch (const GenerationError&) {
    }

    // Any bytes as a file name (the record is JSON: invalid UTF-8 is the caller's to handle).
    const UcsFileName split = splitUcsFileName(input.substr(0, 512));
    (void)ucsRecord(split).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    (void)findUcsCategory(split.catId);
    if (templ.size() <= 64) {
        (void)similarUcsCatIds(templ, 3);
        try {
            (void)requireUcsCategory(templ);
        } catch (const GenerationError&) {
        }
    }
    return 0;
}
