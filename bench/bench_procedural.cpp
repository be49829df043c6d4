// Speed of the procedural engine: median (and best) milliseconds per 10 s stereo take for a
// few representative prompts, and the real-time factor. Target: >= 1000x on one core.
//
//   bench_procedural [runs] [seconds]
#include "engines/procedural/procedural_engine.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

} // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::max(7, std::atoi(argv[1])) : 9;
    const double seconds = argc > 2 ? std::max(0.1, std::atof(argv[2])) : 10.0;
    const std::vector<std::string> prompts = {"walking on concrete",
                                              "high heels on marble",
                                              "heavy boots on wet marble",
                                              "barefoot on carpet",
                                              "running on gravel",
                                              "sneaking through leaves",
                                              "walking on snow",
                                              "boots on a metal grating",
                                              "heavy man on floorboards",
                                              "walking on grass",
                                              "distant footsteps in a parking garage"};

    auto engine = footfall::makeProceduralEngine();
    std::printf("procedural engine: %d runs of a %.1f s stereo take per prompt (1 thread)\n", runs,
                seconds);
    std::printf("%-40s %10s %10s %10s\n", "prompt", "median ms", "best ms", "x realtime");
    std::vector<double> medians;
    for (const auto& prompt : prompts) {
        footfall::GenerationRequest request;
        request.prompt = prompt;
        request.durationSeconds = seconds;
        std::vector<double> ms;
        for (int r = 0; r < runs + 1; ++r) {
            request.seed = 1000 + r;
            const auto t0 = std::chrono::steady_clock::now();
            const auto take =
                engine->generate(footfall::resolveRequest(request, *engine).front(), {}, nullptr);
            const auto t1 = std::chrono::steady_clock::now();
            if (take.audio.frames() == 0) {
                std::fprintf(stderr, "no audio for \"%s\"\n", prompt.c_str());
                return 1;
            }
            if (r > 0) // the first run warms caches and the allocator
                ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        }
        const double med = median(ms);
        medians.push_back(med);
        std::printf("%-40s %10.2f %10.2f %10.0f\n", prompt.c_str(), med,
                    *std::min_element(ms.begin(), ms.end()), seconds * 1000.0 / med);
    }
    const double overall = median(medians);
    std::printf("%-40s %10.2f %10s %10.0f\n", "median over prompts", overall, "",
                seconds * 1000.0 / overall);
    return 0;
}
