#include "io/file_naming.h"

#include <cctype>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace footfall {

namespace fs = std::filesystem;

std::string sanitizePrompt(const std::string& prompt, std::size_t maxLength) {
    std::string out;
    bool pendingSeparator = false;
    for (unsigned char ch : prompt) {
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
    return out.empty() ? std::string("untitled") : out;
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
    // CamelCase words, letters and digits only (UCS reserves '_' for block separators).
    std::string out;
    bool startWord = true;
    for (unsigned char ch : prompt) {
        if (std::isalnum(ch) && ch < 128) {
            out += static_cast<char>(startWord ? std::toupper(ch) : std::tolower(ch));
            startWord = false;
        } else {
            startWord = true;
        }
        if (out.size() >= 25)
            break;
    }
    return out.empty() ? std::string("Untitled") : out;
}

namespace {

std::string ucsBlock(const std::string& value, const std::string& fallback) {
    std::string out;
    for (unsigned char ch : value)
        if (std::isalnum(ch) && ch < 128)
            out += static_cast<char>(ch);
    if (out.size() > 32)
        out.resize(32);
    return out.empty() ? fallback : out;
}

} // namespace

std::string ucsFileName(const std::string& templ, const UcsFields& fields,
                        const std::string& extension) {
    std::string name;
    for (std::size_t i = 0; i < templ.size();) {
        if (templ[i] == '<') {
            const std::size_t end = templ.find('>', i);
            if (end != std::string::npos) {
                const std::string key = templ.substr(i + 1, end - i - 1);
                if (key == "FXName")
                    name += ucsBlock(fields.fxName, "Untitled");
                else if (key == "Creator")
                    name += ucsBlock(fields.creator, "FF");
                else if (key == "Source")
                    name += ucsBlock(fields.source, "Footfall");
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
        name = "FEETHmn_Untitled_FF_Footfall";
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

} // namespace footfall
