// LoRA strength switch between takes (unmerge + merge) vs a DiT forward / a short generation.
//   bench_lora [--parity DIR] [--repeats N] [--steps N] [--layers N] [--rank N] [--length N]
//              [--threads N] [--json]
// Prints medians in milliseconds and the ratios.

#include "lora_benchmark.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

// The parity fixtures: --parity, else env FOOTFALL_PARITY_DIR, else ../shared/parity relative to
// the working directory (run from the repository root).
#ifndef FOOTFALL_DEFAULT_PARITY_DIR
#define FOOTFALL_DEFAULT_PARITY_DIR "../shared/parity"
#endif

int main(int argc, char** argv) {
    footfall::LoraBenchmarkOptions options;
    const char* env = std::getenv("FOOTFALL_PARITY_DIR");
    options.parityDir = env ? env : FOOTFALL_DEFAULT_PARITY_DIR;
    bool json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--parity")
            options.parityDir = next();
        else if (a == "--repeats")
            options.repeats = std::stoi(next());
        else if (a == "--steps")
            options.steps = std::stoi(next());
        else if (a == "--layers")
            options.syntheticLayers = std::stoi(next());
        else if (a == "--rank")
            options.syntheticRank = std::stoi(next());
        else if (a == "--length")
            options.syntheticLength = std::stoi(next());
        else if (a == "--threads")
            options.threads = std::stoi(next());
        else if (a == "--json")
            json = true;
        else {
            std::fprintf(stderr,
                         "usage: bench_lora [--parity DIR] [--repeats N] [--steps N] [--layers N] "
                         "[--rank N] [--length N] [--threads N] [--json]\n");
            return 2;
        }
    }
    try {
        const auto r = footfall::runLoraBenchmark(
            options, [](const std::string& s) { std::fprintf(stderr, "... %s\n", s.c_str()); });
        if (json) {
            std::cout << r.dump(2) << "\n";
            return 0;
        }
        const auto& t = r["tiny"];
        std::printf("threads: %d\n", r["threads"].get<int>());
        std::printf("tiny model (%d LoRA modules):\n", t["lora_modules"].get<int>());
        std::printf("  strength switch (unmerge+merge): %9.3f ms (median)\n",
                    t["switch"]["median_ms"].get<double>());
        std::printf("  unmerge alone:                   %9.3f ms\n",
                    t["unmerge"]["median_ms"].get<double>());
        std::printf("  DiT forward (CFG 6, batch 2):    %9.3f ms\n",
                    t["dit_forward_cfg6_batch2"]["median_ms"].get<double>());
        std::printf("  generation (%s): %9.3f ms\n",
                    t["generation"]["what"].get<std::string>().c_str(),
                    t["generation"]["median_ms"].get<double>());
        std::printf("  ratio switch / forward:    %.3f\n", t["switch_over_forward"].get<double>());
        std::printf("  ratio switch / generation: %.4f\n",
                    t["switch_over_generation"].get<double>());
        if (r.contains("synthetic_sao10_width")) {
            const auto& s = r["synthetic_sao10_width"];
            std::printf("SAO-1.0 width (embed 1536), %d layers, rank %d, %d modules, %.1fM merged "
                        "parameters:\n",
                        s["layers"].get<int>(), s["rank"].get<int>(), s["lora_modules"].get<int>(),
                        s["merged_parameters"].get<double>() / 1e6);
            std::printf("  strength switch:                 %9.1f ms\n",
                        s["switch"]["median_ms"].get<double>());
            std::printf("  DiT forward (CFG 7, batch 1, L=%d): %9.1f ms\n",
                        s["latent_length"].get<int>(),
                        s["dit_forward_cfg7_batch1"]["median_ms"].get<double>());
            std::printf("  ratio switch / forward: %.3f\n", s["switch_over_forward"].get<double>());
            std::printf("  24-layer estimate: switch %.0f ms, forward %.0f ms, switch / 100-step "
                        "generation %.4f\n",
                        s["estimate_24_layers_switch_ms"].get<double>(),
                        s["estimate_24_layers_forward_ms"].get<double>(),
                        s["estimate_100_step_generation_switch_ratio"].get<double>());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_lora: %s\n", e.what());
        return 1;
    }
    return 0;
}
