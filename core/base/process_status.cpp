#include "base/process_status.h"

#include <cstdlib>
#include <fstream>
#include <string>

namespace footfall {

double procStatusMb(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::atof(line.c_str() + key.size()) / 1024.0; // kB
    return 0.0;
}

bool resetPeakRss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5"; // "5": reset the peak resident size
    out.flush();
    return static_cast<bool>(out);
}

} // namespace footfall
