// The precision names a generation request may carry: --precision, the app's list, engine
// options. What each means on which device is model/runtime/device.h's resolveDevice.
#pragma once

#include <string>

namespace footfall {

inline constexpr const char* kPrecisionNames[] = {"auto", "fp32", "bf16", "fp16", "bf16-storage"};

inline bool isPrecisionName(const std::string& name) {
    for (const char* known : kPrecisionNames)
        if (name == known)
            return true;
    return false;
}

// "auto, fp32, bf16, fp16 or bf16-storage"
inline std::string precisionNameList() {
    std::string out;
    const size_t n = sizeof kPrecisionNames / sizeof kPrecisionNames[0];
    for (size_t i = 0; i < n; ++i)
        out += std::string(i == 0 ? "" : i + 1 == n ? " or " : ", ") + kPrecisionNames[i];
    return out;
}

} // namespace footfall
