#include "model/runtime/cpu_features.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace footfall::model {

namespace {

std::string trimmed(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

void applyFlags(CpuFeatures& f, const std::string& list) {
    std::set<std::string> flags;
    std::istringstream words(list);
    for (std::string w; words >> w;)
        flags.insert(w);
    f.avx2 = flags.count("avx2") > 0;
    f.avx512f = flags.count("avx512f") > 0;
    f.avx512Bf16 = flags.count("avx512_bf16") > 0;
    f.amxBf16 = flags.count("amx_bf16") > 0;
}

} // namespace

std::string CpuFeatures::flagList() const {
    std::string out;
    const auto add = [&out](bool on, const char* name) {
        if (on)
            out += (out.empty() ? "" : " ") + std::string(name);
    };
    add(avx2, "avx2");
    add(avx512f, "avx512f");
    add(avx512Bf16, "avx512_bf16");
    add(amxBf16, "amx_bf16");
    return out.empty() ? "none of avx2/avx512f/avx512_bf16/amx_bf16" : out;
}

CpuFeatures parseCpuInfo(const std::string& text) {
    CpuFeatures f;
    bool haveFlags = false, haveModel = false;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line) && !(haveFlags && haveModel);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = trimmed(line.substr(0, colon));
        const std::string value = trimmed(line.substr(colon + 1));
        if (key == "flags" && !haveFlags) {
            applyFlags(f, value);
            haveFlags = true;
        } else if (key == "model name" && !haveModel) {
            f.modelName = value;
            haveModel = true;
        }
    }
    return f;
}

const CpuFeatures& cpuFeatures() {
    static const CpuFeatures features = [] {
        std::ifstream in("/proc/cpuinfo");
        std::ostringstream text;
        text << in.rdbuf();
        CpuFeatures f = parseCpuInfo(text.str());
        if (const char* flags = std::getenv("FOOTFALL_CPU_FLAGS"))
            applyFlags(f, flags);
        return f;
    }();
    return features;
}

} // namespace footfall::model
