// Soak: many takes in one process, as a long session makes them, through the whole path
// (engine, analysis, files on disk). Resident memory after the first take and after the last
// shows whether anything accumulates; flat means within 5 %.
//
//   bench_soak [--procedural N] [--sao-model DIR --sao-takes N] [--keep DIR]
//
// Procedural takes are 2 s stereo (prompts cycle through the engine's surfaces); SAO takes
// are 0.1 s at 8 steps with whatever model folder is given (the tiny parity model is enough to
// see accumulation). Takes are written to a temporary folder and removed at the end unless
// --keep names a folder. Prints one line per phase and a JSON summary last.
#include "base/process_status.h"
#include "engines/engine_factory.h"
#include "generation/take_generation.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace footfall;

namespace {

// Resident memory now, in KiB.
long residentKiB() {
    return static_cast<long>(footfall::procStatusMb("VmRSS") * 1024.0);
}

struct SoakResult {
    std::string name;
    int takes = 0;
    long rssStartKiB = 0; // after the first take
    long rssEndKiB = 0;   // after the last
    double seconds = 0;
    bool flat() const { return rssEndKiB <= rssStartKiB * 105 / 100; }
    nlohmann::json json() const {
        return {{"takes", takes},
                {"rss_after_first_mb", rssStartKiB / 1024.0},
                {"rss_after_last_mb", rssEndKiB / 1024.0},
                {"growth_percent", 100.0 * double(rssEndKiB - rssStartKiB) / double(rssStartKiB)},
                {"flat_within_5_percent", flat()},
                {"seconds", seconds}};
    }
};

SoakResult soak(const std::string& name, Engine& engine, GenerationRequest request, int takes,
                const std::string& folder) {
    const char* prompts[] = {"boots on gravel",  "heels on marble", "sneakers on wood",
                             "barefoot on sand", "running on snow", "walking on leaves"};
    SoakResult r;
    r.name = name;
    r.takes = takes;
    OutputOptions out;
    out.folder = folder;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < takes; ++i) {
        request.prompt = prompts[i % 6];
        request.seed = 1000 + i;
        const std::vector<Take> made = generateTakes(engine, request, out, {}, nullptr);
        if (made.size() != 1 || !made.front().saveError.empty())
            throw GenerationError("take " + std::to_string(i) + " was not saved");
        if (i == 0)
            r.rssStartKiB = residentKiB();
        if ((i + 1) % std::max(1, takes / 5) == 0)
            std::fprintf(stderr, "%s: %d takes, resident %.1f MB\n", name.c_str(), i + 1,
                         residentKiB() / 1024.0);
    }
    r.rssEndKiB = residentKiB();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%-10s %4d takes in %6.1f s: resident %.1f MB after the first, %.1f MB after the "
                "last (%+.1f %%) -> %s\n",
                name.c_str(), takes, r.seconds, r.rssStartKiB / 1024.0, r.rssEndKiB / 1024.0,
                100.0 * double(r.rssEndKiB - r.rssStartKiB) / double(r.rssStartKiB),
                r.flat() ? "flat" : "GROWS");
    return r;
}

} // namespace

int main(int argc, char** argv) {
    int procedural = 500, saoTakes = 20;
    std::string saoModel, keep;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--procedural" && hasValue)
            procedural = std::atoi(argv[++i]);
        else if (a == "--sao-model" && hasValue)
            saoModel = argv[++i];
        else if (a == "--sao-takes" && hasValue)
            saoTakes = std::atoi(argv[++i]);
        else if (a == "--keep" && hasValue)
            keep = argv[++i];
        else {
            std::fprintf(stderr, "usage: bench_soak [--procedural N] [--sao-model DIR "
                                 "--sao-takes N] [--keep DIR]\n");
            return 1;
        }
    }
    const fs::path folder =
        keep.empty() ? fs::temp_directory_path() / ("footfall-soak-" + std::to_string(::getpid()))
                     : fs::path(keep);
    nlohmann::json summary;
    summary["rss_start_is"] = "after the first take";
    try {
        std::printf("resident at start (before any take): %.1f MB\n", residentKiB() / 1024.0);
        if (procedural > 0) {
            GenerationRequest r;
            r.durationSeconds = 2.0;
            auto engine = createEngine(r.engine);
            summary["procedural"] =
                soak("procedural", *engine, r, procedural, (folder / "procedural").string()).json();
        }
        if (!saoModel.empty() && saoTakes > 0) {
            GenerationRequest r;
            r.engine.engine = "sao";
            r.engine.modelDir = saoModel;
            r.engine.device = "cpu";
            r.durationSeconds = 0.1;
            r.steps = 8;
            auto engine = createEngine(r.engine);
            summary["sao"] = soak("sao", *engine, r, saoTakes, (folder / "sao").string()).json();
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_soak: %s\n", e.what());
        return 1;
    }
    if (keep.empty())
        fs::remove_all(folder);
    std::printf("%s\n", summary.dump(2).c_str());
    return 0;
}
