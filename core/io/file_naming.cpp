#include "io/file_naming.h"

#include "io/transliterate.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>
#include <vector>

namespace footfall {

namespace fs = std::filesystem;

std::string sanitizePrompt(const std::string& prompt, std::size_t maxLength) {
    std::string out;
    bool pendingSeparator = false;
    for (unsigned char ch : transliterateToAscii(prompt)) {
        if (std::isalnum(ch) && ch < 128) {
            if (pendingSeparator && !out.empty())
                out += '_';
            pendingSeparator = false;
            out += static_cast<char>(std::tolower(ch));
        } else {
            pendingSeparator = true;
        }
        if (out.size() >= maxLength)
            break;
    }
    if (out.size() > maxLength)
        out.resize(maxLength);
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    if (out.empty()) // "untitled", within maxLength too (at least one character)
        out = std::string("untitled").substr(0, std::max<std::size_t>(maxLength, 1));
    return out;
}

std::string timestampStamp(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d_%H%M%S", &tm);
    return buf;
}

std::string timestampedFileName(const std::string& prompt,
                                std::chrono::system_clock::time_point when,
                                const std::string& extension) {
    return timestampStamp(when) + "_" + sanitizePrompt(prompt) + "." + extension;
}

std::string ucsFxName(const std::string& prompt) {
    // CamelCase words, letters and digits only (UCS reserves '_' for block separators and
    // reads a '-' in the FXName as the end of a VendorCategory).
    std::vector<std::string> words(1);
    for (unsigned char ch : transliterateToAscii(prompt)) {
        if (std::isalnum(ch)) {
            std::string& w = words.back();
            w += static_cast<char>(w.empty() ? std::toupper(ch) : std::tolower(ch));
        } else if (!words.back().empty()) {
            words.emplace_back();
        }
    }
    std::string out;
    for (const std::string& w : words) {
        if (w.empty())
            continue;
        if (out.size() + w.size() > kUcsFxNameLength) {
            if (out.empty())
                out = w.substr(0, kUcsFxNameLength);
            break;
        }
        out += w;
    }
    return out.empty() ? std::string("Untitled") : out;
}

std::string ucsTemplateCatId(const std::string& templ) {
    const std::size_t end = templ.find_first_of("_-<");
    return templ.substr(0, end);
}

namespace {

std::string ucsBlock(const std::string& value, const std::string& fallback) {
    std::string out;
    for (unsigned char ch : transliterateToAscii(value))
        if (std::isalnum(ch))
            out += static_cast<char>(ch);
    if (out.size() > 32)
        out.resize(32);
    return out.empty() ? fallback : out;
}

std::string twoDigits(int number) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d", number);
    return buf;
}

} // namespace

std::string ucsFileName(const std::string& templ, const UcsFields& fields,
                        const std::string& extension, int number) {
    std::string name;
    for (std::size_t i = 0; i < templ.size();) {
        if (templ[i] == '<') {
            const std::size_t end = templ.find('>', i);
            if (end != std::string::npos) {
                const std::string key = templ.substr(i + 1, end - i - 1);
                if (key == "FXName")
                    name += ucsBlock(fields.fxName, "Untitled") +
                            (number > 0 ? twoDigits(number) : std::string());
                else if (key == "Creator")
                    name += ucsBlock(fields.creator, kDefaultUcsCreatorId);
                else if (key == "Source")
                    name += ucsBlock(fields.source, kDefaultUcsSourceId);
                i = end + 1;
                continue;
            }
        }
        const unsigned char ch = static_cast<unsigned char>(templ[i++]);
        // CatIDs are case-sensitive; keep letters/digits/'_'/'-' and drop anything path-like.
        if ((std::isalnum(ch) && ch < 128) || ch == '_' || ch == '-')
            name += static_cast<char>(ch);
    }
    if (name.empty())
        name = std::string("FEETHmn_Untitled_") + kDefaultUcsCreatorId + "_" + kDefaultUcsSourceId;
    return name + "." + extension;
}

std::string uniquePath(const std::string& folder, const std::string& fileName) {
    const fs::path dir(folder.empty() ? "." : folder);
    const fs::path base(fileName);
    const std::string stem = base.stem().string();
    const std::string ext = base.extension().string();
    fs::path candidate = dir / base;
    for (int n = 2; fs::exists(candidate) || fs::exists(candidate.string() + ".part"); ++n)
        candidate = dir / (stem + "_" + std::to_string(n) + ext);
    return candidate.string();
}

std::string uniqueUcsPath(const std::string& folder, const std::string& templ,
                          const UcsFields& fields, const std::string& extension) {
    if (templ.find("<FXName>") == std::string::npos) // no FXName to number
        return uniquePath(folder, ucsFileName(templ, fields, extension));
    const fs::path dir(folder.empty() ? "." : folder);
    for (int n = 0;; n = n > 0 ? n + 1 : 2) {
        const fs::path candidate = dir / ucsFileName(templ, fields, extension, n);
        if (!fs::exists(candidate) && !fs::exists(candidate.string() + ".part"))
            return candidate.string();
    }
}

} // namespace footfall
