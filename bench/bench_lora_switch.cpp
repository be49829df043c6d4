// Cost of switching a LoRA's strength between two takes in the Stable Audio Open engine, driven
// through the Engine interface, against one whole generation.
//
//   bench_lora_switch --model DIR --lora FILE [--lora-config CFG] [--runs N] [--steps N]
//                     [--duration S] [--device cpu|cuda|auto] [--threads N] [--low-memory]
//                     [--json]
//
// DIR: a stable-audio-open folder (e.g. the tiny one tests/support/tiny_sao_model.h builds).
// Each run generates one take at strength 1 (the merge is reused: "fixed"), one at strength 0.5
// (unmerge, merge, DiT prepare: "switch"), and an untimed one back at strength 1. The engine
// reports the unmerge + merge and DiT prepare times of a switching take in its details
// ("lora_switch"); the switch cost is their sum. Medians over N runs (at least 7).
#include "engines/engine_factory.h"
#include "generation/engine.h"
#include "model/runtime/torch_runtime.h"

#include <nlohmann/json.hpp>

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
    return n == 0 ? 0.0 : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: bench_lora_switch --model DIR --lora FILE [--lora-config CFG] "
                         "[--runs N] [--steps N] [--duration S] [--device D] [--threads N] "
                         "[--low-memory] [--json]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    using namespace footfall;
    EngineOptions engineOptions;
    engineOptions.engine = "sao";
    engineOptions.device = "cpu";
    LoraSelection lora;
    int runs = 9;
    GenerationRequest request;
    request.prompt = "footsteps on gravel";
    request.durationSeconds = 0.4;
    request.steps = 100;
    request.cfgScale = 7.0;
    request.seed = 1234;
    bool json = false;
    int threads = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
                usage();
            return argv[++i];
        };
        if (a == "--model")
            engineOptions.modelDir = next();
        else if (a == "--lora")
            lora.path = next();
        else if (a == "--lora-config")
            lora.configPath = next();
        else if (a == "--runs")
            runs = std::max(7, std::atoi(next().c_str()));
        else if (a == "--steps")
            request.steps = std::max(1, std::atoi(next().c_str()));
        else if (a == "--duration")
            request.durationSeconds = std::atof(next().c_str());
        else if (a == "--device")
            engineOptions.device = next();
        else if (a == "--threads")
            threads = std::atoi(next().c_str());
        else if (a == "--low-memory")
            engineOptions.lowMemory = true;
        else if (a == "--json")
            json = true;
        else
            usage();
    }
    if (engineOptions.modelDir.empty() || lora.path.empty())
        usage();

    try {
        initTorchRuntime(threads); // before createEngine, which would pick all cores
        request.engine = engineOptions;
        auto engine = createEngine(request.engine);
        const auto timed = [&](double strength, nlohmann::json* details) {
            GenerationRequest r = request;
            lora.strength = strength;
            r.loras = {lora};
            const auto start = std::chrono::steady_clock::now();
            const GeneratedAudio take =
                engine->generate(resolveRequest(r, *engine).front(), {}, nullptr);
            const double ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count();
            if (details)
                *details = take.engineDetails;
            return ms;
        };
        // Warm-up: loads the model, reads the LoRA, first merge.
        timed(1.0, nullptr);
        timed(1.0, nullptr);

        std::vector<double> fixed, switching, mergeMs, prepareMs, switchMs;
        for (int i = 0; i < runs; ++i) {
            fixed.push_back(timed(1.0, nullptr));
            nlohmann::json details;
            switching.push_back(timed(0.5, &details)); // differs from the merged 1.0
            const nlohmann::json& s = details.at("lora_switch");
            mergeMs.push_back(s.at("unmerge_merge_ms").get<double>());
            prepareMs.push_back(s.at("dit_prepare_ms").get<double>());
            switchMs.push_back(mergeMs.back() + prepareMs.back());
            // Back to strength 1 for the next fixed run (not timed).
            timed(1.0, nullptr);
        }
        nlohmann::json r;
        r["device"] = engine->deviceDescription();
        r["low_memory"] = engineOptions.lowMemory;
        r["runs"] = runs;
        r["steps"] = request.steps;
        r["duration_seconds"] = request.durationSeconds;
        r["lora"] = lora.path;
        r["generation_ms"] = median(fixed);
        r["generation_with_switch_ms"] = median(switching);
        r["unmerge_merge_ms"] = median(mergeMs);
        r["dit_prepare_ms"] = median(prepareMs);
        r["switch_ms"] = median(switchMs);
        r["switch_over_generation"] = median(switchMs) / median(fixed);
        if (json) {
            std::printf("%s\n", r.dump(2).c_str());
        } else {
            std::printf("LoRA strength switch, %s%s, %d runs, %d steps, %.2f s take\n",
                        r["device"].get<std::string>().c_str(),
                        engineOptions.lowMemory ? ", low-memory" : "", runs, request.steps,
                        request.durationSeconds);
            std::printf("  whole generation (merge reused)   median %9.2f ms\n", median(fixed));
            std::printf("  whole generation with a switch    median %9.2f ms\n", median(switching));
            std::printf("  unmerge + merge                   median %9.3f ms\n", median(mergeMs));
            std::printf("  DiT prepare (cross-attn K/V)      median %9.3f ms\n", median(prepareMs));
            std::printf("  switch = unmerge + merge + prepare median %8.3f ms\n", median(switchMs));
            std::printf("  switch / generation               %.4f\n",
                        median(switchMs) / median(fixed));
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_lora_switch: %s\n", e.what());
        return 1;
    }
}
