// footfall-cli: headless generation with the same options as the app.
#include "cli/batch.h"
#include "cli/cli_options.h"
#include "cli/index_command.h"
#include "cli/progress_display.h"
#include "cli/summary.h"
#include "engines/engine_factory.h"
#include "footfall_version.h"
#include "generation/draft.h"
#include "generation/take_generation.h"
#include "model/lora/lora_info.h"
#include "model/sao/tokenizer/tokenizer.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

using namespace footfall;

namespace {

CancelToken g_cancel;

void onSignal(int) {
    g_cancel.cancel();
}

int fail(const cli::CliOptions* options, const std::string& message) {
    std::cerr << "footfall-cli: error: " << message << "\n";
    if (options && options->json)
        std::cout << nlohmann::json{{"success", false}, {"error", message}}.dump(2) << "\n";
    return 1;
}

// --tokenizer-check: proves that this installation finds and loads the SentencePiece module
// (the T5 tokenizer) without needing a whole model. FOOTFALL_TOKENIZER=process checks the
// server process instead.
int runTokenizerCheck(const cli::CliOptions& o) {
    const model::SpmTokenizer tokenizer(o.tokenizerCheck);
    const bool process = tokenizer.backend() == model::TokenizerBackend::Process;
    const std::string where =
        process ? model::SpmTokenizer::serverPath() : model::SpmTokenizer::modulePath();
    const std::string text = o.request.prompt.empty() ? "footsteps on gravel" : o.request.prompt;
    const std::vector<int> ids = tokenizer.encode(text);
    if (o.json) {
        std::cout << nlohmann::json{{process ? "spm_server" : "spm_module", where},
                                    {"tokenizer_backend", process ? "process" : "module"},
                                    {"tokenizer_model", o.tokenizerCheck},
                                    {"vocab_size", tokenizer.vocabSize()},
                                    {"text", text},
                                    {"ids", ids}}
                         .dump(2)
                  << "\n";
        return 0;
    }
    std::cout << (process ? "SentencePiece server: " : "SentencePiece module: ") << where << "\n"
              << "tokenizer: " << o.tokenizerCheck << " (" << tokenizer.vocabSize()
              << " pieces)\nids of \"" << text << "\":";
    for (const int id : ids)
        std::cout << " " << id;
    std::cout << "\n";
    return 0;
}

int runBenchmark(Engine& engine, cli::CliOptions& o) {
    std::vector<double> seconds;
    const std::string folder =
        (std::filesystem::temp_directory_path() / ("footfall-bench-" + std::to_string(::getpid())))
            .string();
    OutputOptions out = o.output;
    out.folder = folder;
    GenerationRequest r = o.request;
    r.batchSize = 1;
    if (r.prompt.empty())
        r.prompt = "footsteps on concrete";
    for (int i = 0; i < o.benchmarkRuns; ++i) {
        r.seed = (o.request.seed < 0 ? 1000 : o.request.seed) + i;
        const auto t0 = std::chrono::steady_clock::now();
        generateTakes(engine, r, out, {}, &g_cancel);
        seconds.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::filesystem::remove_all(folder);
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    nlohmann::json j{{"engine", engine.name()},
                     {"device", engine.deviceDescription()},
                     {"runs", seconds.size()},
                     {"duration_seconds", r.durationSeconds},
                     {"steps", r.steps},
                     {"median_seconds", median},
                     {"min_seconds", seconds.front()},
                     {"max_seconds", seconds.back()},
                     {"real_time_factor", r.durationSeconds / median}};
    if (o.json)
        std::cout << j.dump(2) << "\n";
    else
        std::printf("benchmark: %s on %s, %d runs of %.2f s: median %.4f s (min %.4f, max %.4f), "
                    "%.1fx real time\n",
                    engine.name().c_str(), engine.deviceDescription().c_str(),
                    static_cast<int>(seconds.size()), r.durationSeconds, median, seconds.front(),
                    seconds.back(), r.durationSeconds / median);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    // Commands first: "batch" and "index" are never option values of a plain generation.
    if (argc > 1 && std::string(argv[1]) == "batch")
        return cli::runBatchCommand(std::vector<std::string>(argv + 2, argv + argc));
    if (argc > 1 && std::string(argv[1]) == "index")
        return cli::runIndexCommand(std::vector<std::string>(argv + 2, argv + argc));
    cli::CliOptions options;
    try {
        options = cli::parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        return fail(nullptr, e.what());
    }
    if (options.help) {
        std::cout << cli::usage();
        return 0;
    }
    if (options.version) {
        std::cout << "footfall-cli " << FOOTFALL_VERSION << "\n";
        return 0;
    }
    if (!options.loraInfo.empty()) {
        try {
            const LoraInfo info = inspectLoraFile(options.loraInfo);
            if (options.json)
                std::cout << toJson(info).dump(2) << "\n";
            else
                std::cout << formatLoraInfo(info);
            return 0;
        } catch (const std::exception& e) {
            return fail(&options, e.what());
        }
    }
    if (!options.tokenizerCheck.empty()) {
        try {
            return runTokenizerCheck(options);
        } catch (const std::exception& e) {
            return fail(&options, e.what());
        }
    }
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    // Progress goes to stderr: a bar on a terminal, plain lines in a log; none with --quiet or
    // --json.
    const bool terminal = ::isatty(STDERR_FILENO);
    cli::ProgressDisplay display(std::cerr, terminal,
                                 terminal ? cli::terminalWidth(STDERR_FILENO) : 80);
    const bool showProgress = !options.quiet && !options.json;
    try {
        // The request is validated once, by generateTakes, before any weights are read.
        auto engine = createEngine(options.request.engine);
        if (options.draft)
            options.request = draftOf(options.request, *engine);
        if (options.benchmarkRuns > 0)
            return runBenchmark(*engine, options);

        display.start(ProgressClock::now());
        const auto takes =
            generateTakes(*engine, options.request, options.output,
                          showProgress ? display.callback() : ProgressCallback{}, &g_cancel);
        display.clear();
        if (options.json) {
            if (takes.size() == 1) {
                std::cout << takes.front().metadata.dump(2) << "\n";
            } else {
                nlohmann::json all = nlohmann::json::array();
                for (const auto& t : takes)
                    all.push_back(t.metadata);
                std::cout << all.dump(2) << "\n";
            }
        } else if (!options.quiet) {
            for (const auto& t : takes)
                std::cout << cli::formatSummary(t.metadata);
        }
        return 0;
    } catch (const Cancelled&) {
        display.clear();
        return fail(&options, "cancelled; takes finished before the cancel are saved");
    } catch (const GenerationError& e) {
        display.clear();
        return fail(&options, e.what());
    } catch (const std::exception& e) {
        display.clear();
        return fail(&options, std::string("unexpected failure: ") + e.what());
    }
}
