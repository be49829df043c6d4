// This process's memory as Linux reports it in /proc/self/status: for benchmarks, soak runs
// and the tests that watch for growth.
#pragma once

namespace footfall {

// A /proc/self/status field in MB ("VmRSS": resident now, "VmHWM": peak resident); 0 when
// the field is absent (not Linux).
double procStatusMb(const char* field);

// Resets the peak (VmHWM) to the current resident size (Linux >= 4.0); false when refused.
bool resetPeakRss();

} // namespace footfall
