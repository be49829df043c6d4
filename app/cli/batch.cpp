#include "cli/batch.h"

#include "base/errors.h"
#include "cli/manifest.h"
#include "engines/engine_factory.h"
#include "generation/library_index.h"
#include "generation/take_generation.h"
#include "io/file_check.h"
#include "io/metadata.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>

namespace footfall::cli {

namespace fs = std::filesystem;

namespace {

// The first SIGINT/SIGTERM lets the take in progress finish and be saved, then the batch
// stops; a second one cancels that take too (nothing of it is kept: files are written whole
// or not at all).
std::atomic<int> g_signals{0};
CancelToken g_cancel;

void onSignal(int) {
    if (g_signals.fetch_add(1) >= 1)
        g_cancel.cancel();
}

void installSignalHandlers() {
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

struct BatchArgs {
    std::string manifest;
    std::string output = "outputs";
    std::int64_t baseSeed = 0;
    int shardIndex = 0;
    int shardCount = 1;
    bool shardGiven = false;
    bool json = false;
    bool quiet = false;
    bool dryRun = false;
    bool help = false;
    nlohmann::json defaults = nlohmann::json::object();
};

long long wholeNumber(const std::string& what, const std::string& text) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(text, &used);
        if (used == text.size())
            return v;
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(what + " expects a whole number, got \"" + text + "\"");
}

// "I/N" with 0 <= I < N.
void parseShard(const std::string& text, const std::string& what, BatchArgs& a) {
    const auto slash = text.find('/');
    if (slash == std::string::npos)
        throw std::invalid_argument(what + " expects I/N (e.g. 0/4), got \"" + text + "\"");
    const long long i = wholeNumber(what, text.substr(0, slash));
    const long long n = wholeNumber(what, text.substr(slash + 1));
    if (n < 1 || n > 1000000 || i < 0 || i >= n)
        throw std::invalid_argument(what + " " + text + " is out of range (0 <= I < N)");
    a.shardIndex = static_cast<int>(i);
    a.shardCount = static_cast<int>(n);
}

BatchArgs parseBatchArgs(const std::vector<std::string>& args) {
    BatchArgs a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg.empty() || arg[0] != '-' || arg == "-") {
            if (!a.manifest.empty())
                throw std::invalid_argument("one manifest only (\"" + a.manifest + "\" and \"" +
                                            arg + "\")");
            a.manifest = arg;
            continue;
        }
        std::string name = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const std::string option = "--" + name;
        const auto value = [&]() -> std::string {
            if (inlineValue)
                return *inlineValue;
            if (i + 1 >= args.size())
                throw std::invalid_argument(option + " needs a value");
            return args[++i];
        };
        if (name == "h" || name == "help") {
            a.help = true;
        } else if (name == "seed") {
            const long long s = wholeNumber("--seed", value());
            if (s < 0 || s > RequestLimits::maxSeed)
                throw std::invalid_argument("--seed " + std::to_string(s) +
                                            " is out of range (0 to 4294967295)");
            a.baseSeed = s;
        } else if (name == "shard") {
            parseShard(value(), "--shard", a);
            a.shardGiven = true;
        } else if (name == "o" || name == "output") {
            a.output = value();
            const std::string ext = fs::path(a.output).extension().string();
            if (ext == ".wav" || ext == ".flac")
                throw std::invalid_argument("--output is the batch's folder, not a file");
        } else if (name == "json") {
            a.json = true;
        } else if (name == "q" || name == "quiet") {
            a.quiet = true;
        } else if (name == "dry-run") {
            a.dryRun = true;
        } else if (name == "variations") {
            a.defaults["variations"] = value(); // checked with each row's own
        } else if (isRowKey(name)) {
            // A setting for every row that does not give it.
            addRowValue(a.defaults, name,
                        rowKeyTakesValue(name) ? value() : inlineValue.value_or(""), false);
        } else {
            throw std::invalid_argument("unknown option \"" + arg +
                                        "\" for batch (see footfall-cli batch --help)");
        }
    }
    return a;
}

// --shard, else a Slurm array task's place in its array, else the whole manifest.
void shardFromEnvironment(BatchArgs& a) {
    const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
    const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
    if (a.shardGiven || !id || !count)
        return;
    const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
    const long long first = min ? wholeNumber("SLURM_ARRAY_TASK_MIN", min) : 0;
    const long long index = wholeNumber("SLURM_ARRAY_TASK_ID", id) - first;
    parseShard(std::to_string(index) + "/" + count,
               "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (an array with gaps or steps? give "
               "--shard)",
               a);
}

// Engines are made once per process for each distinct EngineOptions and reused by every
// row that names the same engine, model and device.
class EngineCache {
public:
    Engine* get(const EngineOptions& options, std::string& error) {
        for (Entry& e : m_entries) {
            if (e.options == options) {
                error = e.error;
                return e.engine.get();
            }
        }
        Entry e;
        e.options = options;
        try {
            e.engine = createEngine(options);
            ++m_created;
        } catch (const std::exception& ex) {
            e.error = ex.what();
        }
        m_entries.push_back(std::move(e));
        error = m_entries.back().error;
        return m_entries.back().engine.get();
    }
    int created() const { return m_created; }

private:
    struct Entry {
        EngineOptions options;
        std::unique_ptr<Engine> engine;
        std::string error;
    };
    std::vector<Entry> m_entries;
    int m_created = 0;
};

// Empty when the take at `path` is whole and was made from this take's settings: the
// sidecar's request (seed included) and format are the row's.
std::string unfinishedReason(const BatchTake& take, const std::string& path) {
    const SavedTakeCheck check = checkSavedTake(path);
    if (!check.ok())
        return check.problem;
    const nlohmann::json& m = check.metadata;
    const bool keepSampler = !take.request.sampler.empty();
    if (!m.contains("request") || comparableRequest(m["request"], keepSampler) !=
                                      comparableRequest(requestToJson(take.request), keepSampler))
        return "the take there was made from other settings";
    if (m.value("format", std::string()) != audioFormatName(take.output.format))
        return "the take there has another format";
    return {};
}

std::string takeLabel(const BatchTake& t) {
    std::string label = "line " + std::to_string(t.line);
    if (!t.combination.empty())
        label += " (" + t.combination + ")";
    char variation[16];
    std::snprintf(variation, sizeof variation, " v%02d", t.variation);
    return label + variation;
}

nlohmann::json nullable(const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

int fail(const BatchArgs& a, const std::string& message) {
    std::cerr << "footfall-cli: error: " << message << "\n";
    if (a.json)
        std::cout << nlohmann::json{{"success", false}, {"error", message}}.dump(2) << "\n";
    return 1;
}

void printSummary(const nlohmann::json& s) {
    const int takes = s["takes_in_shard"].get<int>();
    std::printf("batch %s, shard %s: %d %s: ", s["manifest"].get<std::string>().c_str(),
                s["shard"].get<std::string>().c_str(), takes, takes == 1 ? "take" : "takes");
    if (s["dry_run"].get<bool>())
        std::printf("%d to do, %d already there", s["planned"].get<int>(), s["skipped"].get<int>());
    else
        std::printf("%d done, %d skipped (already there), %d failed", s["done"].get<int>(),
                    s["skipped"].get<int>(), s["failed"].get<int>());
    if (s["not_started"].get<int>() > 0)
        std::printf(", %d not started", s["not_started"].get<int>());
    if (const int rows = s["row_errors"].get<int>(); rows > 0)
        std::printf("; %d manifest %s with errors", rows, rows == 1 ? "row" : "rows");
    std::printf(" (%.1f s", s["seconds"].get<double>());
    if (s["takes_per_minute"].is_number())
        std::printf(", %.1f takes/min", s["takes_per_minute"].get<double>());
    std::printf(")\n");
    if (!s["failures"].empty()) {
        std::printf("failures:\n");
        for (const auto& f : s["failures"]) {
            std::string where = "line " + std::to_string(f["line"].get<int>());
            if (f["combination"].is_string())
                where += " (" + f["combination"].get<std::string>() + ")";
            if (f["variation"].is_number()) {
                char variation[16];
                std::snprintf(variation, sizeof variation, " v%02d", f["variation"].get<int>());
                where += variation;
            }
            std::printf("  %s: %s\n", where.c_str(), f["reason"].get<std::string>().c_str());
        }
    }
    if (s["interrupted"].get<bool>())
        std::printf("interrupted: run the same command again to resume\n");
}

} // namespace

std::string batchUsage() {
    return R"(Usage: footfall-cli batch MANIFEST [options] [generation options]

Generates every take of MANIFEST (JSON Lines, or CSV with a header row) into one folder.
Takes that are already there and whole are skipped, so the same command resumes a run.
Rows use footfall-cli's long option names as keys, plus "variations" and "matrix";
see docs/batch.md.

Options:
  --output DIR       the folder for every take (default: outputs)
  --seed BASE        base of the seeds of rows without a seed (default: 0)
  --variations N     takes of each row that does not say (default: 1)
  --shard I/N        run part I of N (0 <= I < N); default from SLURM_ARRAY_TASK_ID and
                     SLURM_ARRAY_TASK_COUNT when set, else the whole manifest
  --json             print the summary as JSON
  --dry-run          list the takes and whether they are there; generate nothing
  -q, --quiet        no progress lines
  -h, --help         this help

Generation options (--device cuda, --model DIR, --steps N, ...) apply to every row that
does not set them. Exit status: 0 when every take of the shard is there, 1 otherwise.
)";
}

int runBatchCommand(const std::vector<std::string>& args) {
    BatchArgs a;
    try {
        a = parseBatchArgs(args);
        if (a.help) {
            std::cout << batchUsage();
            return 0;
        }
        if (a.manifest.empty())
            throw std::invalid_argument("batch needs a manifest: footfall-cli batch MANIFEST "
                                        "[--output DIR] (see footfall-cli batch --help)");
        shardFromEnvironment(a);
    } catch (const std::exception& e) {
        return fail(a, e.what());
    }

    PlanOptions planOptions;
    planOptions.baseSeed = a.baseSeed;
    planOptions.defaults = a.defaults;
    BatchPlan plan;
    try {
        plan = planManifest(a.manifest, planOptions);
        if (!a.dryRun)
            checkOutputFolder(a.output);
    } catch (const std::exception& e) {
        return fail(a, e.what());
    }

    // Work items, not rows, are dealt out: take k goes to shard k mod N, so shards stay
    // balanced however the variations are spread over the rows.
    std::vector<const BatchTake*> mine;
    for (std::size_t k = 0; k < plan.takes.size(); ++k)
        if (static_cast<int>(k % static_cast<std::size_t>(a.shardCount)) == a.shardIndex)
            mine.push_back(&plan.takes[k]);

    // Leftovers of writes a killed run did not finish, by the file they were meant to become.
    std::map<std::string, std::vector<std::string>> leftovers;
    for (const LeftoverFile& f : leftoverTemporaryFiles(a.output))
        leftovers[fs::path(f.target).lexically_normal().string()].push_back(f.path);
    const auto removeLeftovers = [&leftovers](const std::string& target) {
        const auto it = leftovers.find(fs::path(target).lexically_normal().string());
        if (it == leftovers.end())
            return;
        std::error_code ec;
        for (const std::string& p : it->second)
            fs::remove(p, ec);
        leftovers.erase(it);
    };

    installSignalHandlers();
    EngineCache engines;
    nlohmann::json failures = nlohmann::json::array();
    for (const ManifestError& e : plan.errors)
        failures.push_back({{"line", e.line},
                            {"variation", nullptr},
                            {"combination", nullptr},
                            {"key", nullable(e.key)},
                            {"file", nullptr},
                            {"reason", e.reason}});
    nlohmann::json takes = nlohmann::json::array();
    int done = 0, skipped = 0, failed = 0, notStarted = 0, planned = 0;
    const auto started = std::chrono::steady_clock::now();
    const std::size_t count = mine.size();
    for (std::size_t j = 0; j < count; ++j) {
        const BatchTake& t = *mine[j];
        const std::string path = (fs::path(a.output) / t.fileName).string();
        nlohmann::json record{{"line", t.line},
                              {"combination", nullable(t.combination)},
                              {"variation", t.variation},
                              {"seed", t.request.seed},
                              {"file", t.fileName}};
        const auto progress = [&](const std::string& what) {
            if (!a.quiet)
                std::cerr << "[" << j + 1 << "/" << count << "] " << takeLabel(t) << " "
                          << t.fileName << ": " << what << std::endl;
        };
        const auto failTake = [&](const std::string& reason) {
            ++failed;
            record["status"] = "failed";
            failures.push_back({{"line", t.line},
                                {"variation", t.variation},
                                {"combination", nullable(t.combination)},
                                {"key", nullptr},
                                {"file", t.fileName},
                                {"reason", reason}});
            progress("failed: " + reason);
        };
        if (g_signals.load() > 0) {
            ++notStarted;
            record["status"] = "not_started";
            takes.push_back(std::move(record));
            continue;
        }
        const std::string unfinished = unfinishedReason(t, path);
        if (unfinished.empty()) {
            ++skipped;
            record["status"] = "skipped";
            progress("already there");
            takes.push_back(std::move(record));
            continue;
        }
        std::error_code ec;
        const bool replacing = fs::exists(path, ec) || fs::exists(sidecarPathFor(path), ec);
        if (a.dryRun) {
            ++planned;
            record["status"] = "planned";
            progress(replacing ? "to redo (" + unfinished + ")" : "to do");
            takes.push_back(std::move(record));
            continue;
        }

        std::string engineError;
        Engine* engine = engines.get(t.request.engine, engineError);
        if (!engine) {
            failTake(engineError);
            takes.push_back(std::move(record));
            continue;
        }
        // Whatever is there is not this take (or not all of it): it is made again.
        fs::remove(path, ec);
        fs::remove(sidecarPathFor(path), ec);
        removeLeftovers(path);
        removeLeftovers(sidecarPathFor(path));
        OutputOptions out = t.output;
        out.folder = a.output;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            const std::vector<Take> made =
                generateTakes(*engine, t.request, out, {}, &g_cancel, {});
            const std::string savedAs = fs::path(made.front().audioPath).filename().string();
            if (savedAs != t.fileName) {
                failTake("saved as " + savedAs + " instead of " + t.fileName);
            } else {
                ++done;
                record["status"] = "done";
                char seconds[32];
                std::snprintf(
                    seconds, sizeof seconds, "%.2f s",
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
                progress(std::string("done in ") + seconds +
                         (replacing ? " (replaced: " + unfinished + ")" : ""));
            }
        } catch (const Cancelled&) {
            ++notStarted;
            record["status"] = "not_started";
            progress("cancelled");
        } catch (const std::exception& e) {
            failTake(e.what());
        }
        takes.push_back(std::move(record));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const bool interrupted = g_signals.load() > 0;
    const int rowErrors = static_cast<int>(plan.errors.size());

    nlohmann::json s;
    s["manifest"] = a.manifest;
    s["output"] = a.output;
    s["shard"] = std::to_string(a.shardIndex) + "/" + std::to_string(a.shardCount);
    s["base_seed"] = a.baseSeed;
    s["rows"] = plan.rows;
    s["takes_in_manifest"] = plan.takes.size();
    s["takes_in_shard"] = count;
    s["done"] = done;
    s["skipped"] = skipped;
    s["failed"] = failed;
    s["row_errors"] = rowErrors;
    s["planned"] = planned;
    s["not_started"] = notStarted;
    s["interrupted"] = interrupted;
    s["dry_run"] = a.dryRun;
    s["engines_created"] = engines.created();
    s["seconds"] = seconds;
    s["takes_per_minute"] =
        done > 0 && seconds > 0 ? nlohmann::json(done * 60.0 / seconds) : nlohmann::json();
    s["failures"] = failures;
    s["takes"] = takes;
    const bool success = rowErrors == 0 && failed == 0 && notStarted == 0 && !interrupted;
    s["success"] = success;
    if (a.json)
        std::cout << s.dump(2) << "\n";
    else
        printSummary(s);
    std::cout.flush();
    return success ? 0 : 1;
}

} // namespace footfall::cli
