#include "cli/index_command.h"

#include "generation/library_index.h"
#include "io/metadata.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace footfall::cli {

namespace fs = std::filesystem;

std::string indexUsage() {
    return R"(Usage: footfall-cli index DIR [--output FILE.csv] [--json]

Lists every take under DIR (recursively) from its sidecar: file, path, duration, sample rate,
channels, format, prompt, seed, engine, model, LoRAs, loudness, peak, UCS fields, created.
Writes FILE.csv and FILE.json (default: DIR/library.csv and DIR/library.json). Takes that are
not whole (an interrupted batch) are left out and listed. See docs/batch.md.

Options:
  -o, --output FILE.csv  where the index goes; the JSON is written next to it
  --json                 print the result as JSON
  -h, --help             this help
)";
}

int runIndexCommand(const std::vector<std::string>& args) {
    std::string folder, csvPath;
    bool json = false;
    const auto fail = [&json](const std::string& message) {
        std::cerr << "footfall-cli: error: " << message << "\n";
        if (json)
            std::cout << nlohmann::json{{"success", false}, {"error", message}}.dump(2) << "\n";
        return 1;
    };
    try {
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string& arg = args[i];
            if (arg == "-h" || arg == "--help") {
                std::cout << indexUsage();
                return 0;
            } else if (arg == "--json") {
                json = true;
            } else if (arg == "-o" || arg == "--output") {
                if (i + 1 >= args.size())
                    throw std::invalid_argument(arg + " needs a file name");
                csvPath = args[++i];
            } else if (arg.rfind("--output=", 0) == 0) {
                csvPath = arg.substr(9);
            } else if (!arg.empty() && arg[0] == '-') {
                throw std::invalid_argument("unknown option \"" + arg +
                                            "\" for index (see footfall-cli index --help)");
            } else if (folder.empty()) {
                folder = arg;
            } else {
                throw std::invalid_argument("one folder only (\"" + folder + "\" and \"" + arg +
                                            "\")");
            }
        }
        if (folder.empty())
            throw std::invalid_argument("index needs a folder: footfall-cli index DIR");
        if (csvPath.empty())
            csvPath = (fs::path(folder) / "library.csv").string();
        if (fs::path(csvPath).extension() != ".csv")
            throw std::invalid_argument("--output must name a .csv file (the .json goes next to "
                                        "it), got \"" +
                                        csvPath + "\"");
    } catch (const std::exception& e) {
        return fail(e.what());
    }
    try {
        const LibraryScan scan = scanLibrary(folder);
        const std::string jsonPath = fs::path(csvPath).replace_extension(".json").string();
        nlohmann::json index;
        index["folder"] = fs::absolute(folder).lexically_normal().string();
        index["columns"] = libraryIndexColumns();
        index["count"] = scan.entries.size();
        index["takes"] = libraryIndexJson(scan.entries);
        if (fs::path(csvPath).has_parent_path())
            fs::create_directories(fs::path(csvPath).parent_path());
        writeFileAtomically(csvPath, libraryIndexCsv(scan.entries));
        writeFileAtomically(jsonPath, index.dump(2) + "\n");
        for (const std::string& p : scan.problems)
            std::cerr << "footfall-cli: left out " << p << "\n";
        if (json) {
            std::cout << nlohmann::json{{"success", true},
                                        {"takes", scan.entries.size()},
                                        {"csv", csvPath},
                                        {"json", jsonPath},
                                        {"left_out", scan.problems}}
                             .dump(2)
                      << "\n";
        } else {
            std::cout << "indexed " << scan.entries.size() << " takes into " << csvPath << " and "
                      << jsonPath;
            if (!scan.problems.empty())
                std::cout << " (" << scan.problems.size() << " left out: not whole)";
            std::cout << "\n";
        }
        return 0;
    } catch (const std::exception& e) {
        return fail(e.what());
    }
}

} // namespace footfall::cli
