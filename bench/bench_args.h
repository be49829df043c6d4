// Command-line helpers shared by the benchmarks.
#pragma once

#include <sstream>
#include <string>
#include <vector>

namespace footfall::bench {

// "a,b,,c" -> {"a", "b", "c"}
inline std::vector<std::string> splitList(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty())
            out.push_back(item);
    return out;
}

} // namespace footfall::bench
