#include "cli/manifest.h"

#include "base/errors.h"
#include "cli/cli_options.h"
#include "io/audio_file.h"
#include "io/file_naming.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <stdexcept>

namespace footfall::cli {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxVariations = 1000;
constexpr std::size_t kMaxCombinations = 10000;

// Options of footfall-cli's table that make no sense per row, and what to do instead.
const std::map<std::string, std::string>& commandLineOnly() {
    static const std::map<std::string, std::string> keys{
        {"help", "it is not a setting"},
        {"version", "it is not a setting"},
        {"lora-info", "it inspects a LoRA file instead of generating"},
        {"tokenizer-check", "it checks the T5 tokenizer instead of generating"},
        {"recall", "give the take's settings as keys instead"},
        {"batch", "use \"variations\" for several takes of a row"},
        {"output", "the batch's --output folder holds every take"},
        {"no-sidecar", "sidecars are how a batch recognises finished takes"},
        {"json", "it is an option of the batch command"},
        {"quiet", "it is an option of the batch command"},
        {"benchmark", "it is not a setting"},
        {"draft", "give the draft's steps and sampler as keys"},
        {"final", "it renders one recalled draft take"}};
    return keys;
}

const std::vector<OptionSpec>& specs() {
    static const std::vector<OptionSpec> table = optionSpecs();
    return table;
}

const OptionSpec* findSpec(const std::string& name) {
    for (const OptionSpec& s : specs())
        if (s.name == name)
            return &s;
    return nullptr;
}

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

// A manifest row before it is interpreted: its first line and its key/value object.
struct RawRow {
    int line = 0;
    nlohmann::json values;
};

struct RawManifest {
    std::vector<RawRow> rows;
    std::vector<ManifestError> errors;
};

RawManifest readJsonLines(std::istream& in) {
    RawManifest m;
    std::string text;
    for (int line = 1; std::getline(in, text); ++line) {
        const std::string t = trim(text);
        if (t.empty() || t[0] == '#')
            continue; // blank lines and comments
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(t);
        } catch (const nlohmann::json::parse_error& e) {
            // "[json.exception.parse_error.101] parse error at line 1, column 9: ..." names
            // the line within the row; the manifest line is reported instead.
            std::string what = e.what();
            if (const auto bracket = what.find("] "); bracket != std::string::npos)
                what = what.substr(bracket + 2);
            if (const auto at = what.find("at line 1, "); at != std::string::npos)
                what.replace(at, 11, "at ");
            m.errors.push_back({line, "", "not valid JSON: " + what});
            continue;
        }
        if (!j.is_object()) {
            m.errors.push_back({line, "", "a row must be a JSON object ({\"prompt\": ...})"});
            continue;
        }
        m.rows.push_back({line, std::move(j)});
    }
    return m;
}

// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
struct CsvRecord {
    int line = 0;
    std::vector<std::string> cells;
};

std::vector<CsvRecord> readCsvRecords(std::istream& in, RawManifest& m) {
    std::vector<CsvRecord> records;
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CsvRecord record{1, {}};
    std::string cell;
    bool quoted = false, cellStarted = false;
    int line = 1;
    const auto endRecord = [&] {
        record.cells.push_back(cell);
        const bool blank = record.cells.size() == 1 && trim(record.cells[0]).empty();
        if (!blank)
            records.push_back(std::move(record));
        record = CsvRecord{line, {}};
        cell.clear();
        cellStarted = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                cell += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n')
                    ++line;
                cell += c;
            }
        } else if (c == '"' && !cellStarted) {
            quoted = cellStarted = true;
        } else if (c == ',') {
            record.cells.push_back(cell);
            cell.clear();
            cellStarted = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            ++line;
            endRecord();
        } else {
            cell += c;
            cellStarted = true;
        }
    }
    if (quoted)
        m.errors.push_back({record.line, "", "a quoted field is not closed"});
    else if (!cell.empty() || !record.cells.empty())
        endRecord();
    return records;
}

RawManifest readCsv(std::istream& in) {
    RawManifest m;
    const std::vector<CsvRecord> records = readCsvRecords(in, m);
    if (records.empty())
        return m;
    std::vector<std::string> header;
    for (const std::string& cell : records.front().cells) {
        const std::string key = trim(cell);
        if (key.empty())
            throw GenerationError("the CSV header (line " + std::to_string(records.front().line) +
                                  ") has an empty column name");
        if (std::find(header.begin(), header.end(), key) != header.end())
            throw GenerationError("the CSV header names \"" + key + "\" twice");
        header.push_back(key);
    }
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        if (rec.cells.size() > header.size()) {
            m.errors.push_back({rec.line, "",
                                std::to_string(rec.cells.size()) + " fields, the header has " +
                                    std::to_string(header.size())});
            continue;
        }
        RawRow row{rec.line, nlohmann::json::object()};
        try {
            for (std::size_t c = 0; c < rec.cells.size(); ++c) {
                const std::string value = trim(rec.cells[c]);
                if (value.empty())
                    continue; // an empty cell leaves the setting to the defaults
                if (header[c] == "variations" || header[c] == "matrix" || !isRowKey(header[c]))
                    row.values[header[c]] = value; // checked with the row's other keys
                else
                    addRowValue(row.values, header[c], value, true);
            }
        } catch (const std::invalid_argument& e) {
            m.errors.push_back({rec.line, "", e.what()});
            continue;
        }
        m.rows.push_back(std::move(row));
    }
    return m;
}

bool isFlagText(const std::string& text, bool& value) {
    std::string t;
    for (char c : text)
        t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (t.empty() || t == "true" || t == "yes" || t == "1" || t == "on")
        value = true;
    else if (t == "false" || t == "no" || t == "0" || t == "off")
        value = false;
    else
        return false;
    return true;
}

// A JSON value as the command-line argument(s) of option `spec`.
std::vector<std::string> valueArguments(const OptionSpec& spec, const nlohmann::json& v) {
    const std::string option = "--" + spec.name;
    if (v.is_null())
        return {};
    if (!spec.takesValue) {
        bool on = false;
        if (v.is_boolean())
            on = v.get<bool>();
        else if (!(v.is_string() && isFlagText(v.get<std::string>(), on)))
            throw std::invalid_argument("expects true or false, got " + v.dump());
        return on ? std::vector<std::string>{option} : std::vector<std::string>{};
    }
    const auto scalar = [&](const nlohmann::json& x) -> std::string {
        if (x.is_string())
            return x.get<std::string>();
        if (x.is_number())
            return x.dump(); // integers as written, reals in their shortest exact form
        throw std::invalid_argument(
            "expects " +
            std::string(x.is_boolean() ? "a value, not true or false" : "a text or a number") +
            ", got " + x.dump());
    };
    if (v.is_array()) {
        if (!spec.repeatable)
            throw std::invalid_argument("takes one value, not a list");
        std::vector<std::string> args;
        for (const auto& item : v)
            args.push_back(option + "=" + scalar(item));
        return args;
    }
    return {option + "=" + scalar(v)};
}

// The row's settings through footfall-cli's own parser, so that keys mean exactly what the
// options mean. Errors name the key at fault.
CliOptions interpretRow(const nlohmann::json& values, std::string& badKey) {
    std::vector<std::string> args;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const OptionSpec* spec = findSpec(it.key());
        try {
            const auto a = valueArguments(*spec, it.value());
            args.insert(args.end(), a.begin(), a.end());
        } catch (const std::invalid_argument& e) {
            badKey = it.key();
            throw std::invalid_argument("\"" + it.key() + "\" " + e.what());
        }
    }
    try {
        return parseCommandLine(args);
    } catch (const std::exception& whole) {
        // Find the key at fault: parse each on its own (only on this error path).
        for (auto it = values.begin(); it != values.end(); ++it) {
            try {
                parseCommandLine(valueArguments(*findSpec(it.key()), it.value()));
            } catch (const std::exception&) {
                badKey = it.key();
                break;
            }
        }
        throw std::invalid_argument(whole.what());
    }
}

bool isIdentifier(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

// "{name}" -> the combination's value; other braces stay as they are.
std::string substitute(const std::string& s, const std::map<std::string, std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '{') {
            const auto close = s.find('}', i + 1);
            if (close != std::string::npos) {
                const std::string name = s.substr(i + 1, close - i - 1);
                if (isIdentifier(name)) {
                    const auto it = values.find(name);
                    if (it == values.end())
                        throw std::invalid_argument("{" + name + "} is not a key of \"matrix\"");
                    out += it->second;
                    i = close + 1;
                    continue;
                }
            }
        }
        out += s[i++];
    }
    return out;
}

nlohmann::json substituteAll(const nlohmann::json& v,
                             const std::map<std::string, std::string>& values) {
    if (v.is_string())
        return substitute(v.get<std::string>(), values);
    if (v.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : v)
            out.push_back(substituteAll(item, values));
        return out;
    }
    return v;
}

struct Combination {
    std::string label; // "footwear=boots, surface=gravel"
    std::map<std::string, std::string> values;
};

// Every combination of the matrix's lists: keys in alphabetical order, the last varying
// fastest. One empty combination for a row without a matrix.
std::vector<Combination> combinations(const nlohmann::json& matrix) {
    if (matrix.is_null())
        return {Combination{}};
    if (!matrix.is_object() || matrix.empty())
        throw std::invalid_argument("\"matrix\" must be an object of lists, e.g. "
                                    "{\"surface\": [\"gravel\", \"snow\"]}");
    std::vector<std::pair<std::string, std::vector<std::string>>> lists;
    std::size_t count = 1;
    for (auto it = matrix.begin(); it != matrix.end(); ++it) {
        if (!isIdentifier(it.key()))
            throw std::invalid_argument("matrix key \"" + it.key() +
                                        "\" must be a name (letters, digits, _ and -)");
        if (!it->is_array() || it->empty())
            throw std::invalid_argument("matrix \"" + it.key() + "\" must be a non-empty list");
        std::vector<std::string> items;
        for (const auto& x : *it) {
            if (x.is_string())
                items.push_back(x.get<std::string>());
            else if (x.is_number())
                items.push_back(x.dump());
            else
                throw std::invalid_argument("matrix \"" + it.key() +
                                            "\" may hold texts and numbers only");
        }
        count *= items.size();
        if (count > kMaxCombinations)
            throw std::invalid_argument("the matrix makes more than " +
                                        std::to_string(kMaxCombinations) + " combinations");
        lists.emplace_back(it.key(), std::move(items));
    }
    std::vector<Combination> out;
    std::vector<std::size_t> index(lists.size(), 0);
    for (std::size_t n = 0; n < count; ++n) {
        Combination c;
        for (std::size_t k = 0; k < lists.size(); ++k) {
            const std::string& value = lists[k].second[index[k]];
            c.values[lists[k].first] = value;
            c.label += (k ? ", " : "") + lists[k].first + "=" + value;
        }
        out.push_back(std::move(c));
        for (std::size_t k = lists.size(); k-- > 0;) {
            if (++index[k] < lists[k].second.size())
                break;
            index[k] = 0;
        }
    }
    return out;
}

int readVariations(const nlohmann::json& v) {
    if (v.is_null())
        return 1;
    long long n = 0;
    const std::string digits = v.is_string() ? v.get<std::string>() : std::string();
    if (v.is_number_integer() || v.is_number_unsigned()) {
        n = v.get<long long>();
    } else if (!digits.empty() && digits.size() < 10 &&
               std::all_of(digits.begin(), digits.end(),
                           [](char c) { return c >= '0' && c <= '9'; })) {
        n = std::stoll(digits); // a CSV cell
    } else {
        throw std::invalid_argument("\"variations\" expects a whole number, got " + v.dump());
    }
    if (n < 1 || n > kMaxVariations)
        throw std::invalid_argument("\"variations\" " + std::to_string(n) +
                                    " is out of range (1 to " + std::to_string(kMaxVariations) +
                                    ")");
    return static_cast<int>(n);
}

// `a` without what equals `b` (recursively in objects): the settings a row changes.
nlohmann::json differences(const nlohmann::json& a, const nlohmann::json& b) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = a.begin(); it != a.end(); ++it) {
        const auto other = b.find(it.key());
        if (other != b.end() && *other == *it)
            continue;
        if (other != b.end() && it->is_object() && other->is_object())
            out[it.key()] = differences(*it, *other);
        else
            out[it.key()] = *it;
    }
    return out;
}

// What may differ between two runs of the same row without it being another row: where it
// runs and how the weights are held.
void dropRunSettings(nlohmann::json& request) {
    request.erase("seed");
    request.erase("batch_size");
    if (request.contains("engine") && request["engine"].is_object()) {
        request["engine"].erase("device");
        request["engine"].erase("precision");
        request["engine"].erase("low_memory");
    }
}

// The row's identity: the request's settings that differ from the defaults, without seed,
// batch size and run settings, as compact JSON with sorted keys. Adding a setting to the
// request later does not change the identity of rows that leave it at its default.
std::string soundKeyOf(const GenerationRequest& request) {
    nlohmann::json row = requestToJson(request);
    nlohmann::json defaults = requestToJson(GenerationRequest{});
    dropRunSettings(row);
    dropRunSettings(defaults);
    return differences(row, defaults).dump();
}

std::uint64_t fnv1a64(const std::string& s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

// SplitMix64's finaliser: spreads FNV's weak low bits over the whole word.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// The take's file name, the same on every run: "<prompt>_v01_<id>.wav", or the row's UCS
// template with "_v01-<id>" as UserData. Sets the output options so that generateTakes
// writes exactly that name (the folder holds no file of that name when it runs).
void nameTake(BatchTake& take, const std::string& id) {
    OutputOptions& out = take.output;
    const std::string ext = audioFormatExtension(out.format);
    char variation[16];
    std::snprintf(variation, sizeof variation, "_v%02d", take.variation);
    out.fileName.clear();
    if (out.ucsTemplate.empty()) {
        // Lowercase letters, digits and '_' only: an explicit name passes generateTakes'
        // sanitising unchanged.
        out.fileName = sanitizePrompt(take.request.prompt, 40) + variation + "_" + id;
        take.fileName = out.fileName + "." + ext;
    } else {
        out.ucsTemplate += std::string(variation) + "-" + id;
        take.fileName = ucsFileName(out.ucsTemplate,
                                    {ucsFxName(take.request.prompt), out.creator, out.source}, ext);
    }
}

} // namespace

bool isRowKey(const std::string& name) {
    return findSpec(name) && commandLineOnly().count(name) == 0;
}

bool rowKeyTakesValue(const std::string& name) {
    const OptionSpec* spec = findSpec(name);
    return spec && spec->takesValue;
}

void addRowValue(nlohmann::json& row, const std::string& name, const std::string& text,
                 bool fromCsv) {
    const OptionSpec* spec = findSpec(name);
    if (!spec || !isRowKey(name))
        throw std::invalid_argument("\"" + name + "\" is not a manifest key");
    if (!spec->takesValue) {
        bool on = true;
        if (!isFlagText(text, on))
            throw std::invalid_argument("\"" + name + "\" expects true or false, got \"" + text +
                                        "\"");
        row[name] = on;
    } else if (spec->repeatable) {
        if (!row.contains(name))
            row[name] = nlohmann::json::array();
        if (fromCsv) { // several in one cell: "a.safetensors:0.5;b.ckpt"
            std::stringstream parts(text);
            for (std::string part; std::getline(parts, part, ';');)
                if (!trim(part).empty())
                    row[name].push_back(trim(part));
        } else {
            row[name].push_back(text);
        }
    } else {
        row[name] = text;
    }
}

std::int64_t derivedSeed(std::int64_t base, const std::string& soundKey, int occurrence,
                         int variation) {
    const std::string text = "footfall-batch-seed/" + std::to_string(base) + "/" +
                             std::to_string(occurrence) + "/" + std::to_string(variation) + "/" +
                             soundKey;
    return static_cast<std::int64_t>(mix64(fnv1a64(text)) & 0xffffffffULL);
}

std::string takeId(const std::string& soundKey, int occurrence, std::int64_t seed) {
    const std::string text = "footfall-batch-name/" + std::to_string(occurrence) + "/" +
                             std::to_string(seed) + "/" + soundKey;
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08llx",
                  static_cast<unsigned long long>(mix64(fnv1a64(text)) & 0xffffffffULL));
    return hex;
}

nlohmann::json comparableRequest(const nlohmann::json& requestJson, bool keepSampler) {
    nlohmann::json r = requestJson;
    if (!r.is_object())
        return r;
    if (r.contains("engine") && r["engine"].is_object()) {
        r["engine"].erase("device");
        r["engine"].erase("precision");
        r["engine"].erase("low_memory");
    }
    if (!keepSampler)
        r.erase("sampler");
    return r;
}

BatchPlan planManifest(const std::string& path, const PlanOptions& options) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw GenerationError("cannot read the manifest " + path);
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    // A byte order mark (spreadsheets write one) is not part of the first key.
    char bom[3] = {};
    if (!in.read(bom, 3) || bom[0] != '\xEF' || bom[1] != '\xBB' || bom[2] != '\xBF') {
        in.clear();
        in.seekg(0);
    }
    const RawManifest raw = ext == ".csv" ? readCsv(in) : readJsonLines(in);

    BatchPlan plan;
    plan.errors = raw.errors;
    std::map<std::string, int> occurrences; // sound key -> rows seen
    std::map<std::string, int> fileOwners;  // file name -> line
    for (const RawRow& row : raw.rows) {
        // Keys first: every unknown key is an error of its own, named.
        nlohmann::json values = options.defaults;
        bool keysOk = true;
        for (auto it = row.values.begin(); it != row.values.end(); ++it) {
            const std::string& key = it.key();
            if (key == "variations" || key == "matrix" || isRowKey(key)) {
                values[key] = it.value();
                continue;
            }
            keysOk = false;
            const auto only = commandLineOnly().find(key);
            plan.errors.push_back(
                {row.line, key,
                 only != commandLineOnly().end()
                     ? "\"" + key + "\" cannot be a manifest key: " + only->second
                     : "unknown key \"" + key +
                           "\" (keys are footfall-cli's long options without dashes, plus "
                           "variations and matrix)"});
        }
        if (!keysOk)
            continue;

        int variations = 1;
        std::vector<Combination> combos;
        try {
            variations = readVariations(values.value("variations", nlohmann::json()));
            combos = combinations(values.value("matrix", nlohmann::json()));
        } catch (const std::invalid_argument& e) {
            plan.errors.push_back(
                {row.line, values.contains("matrix") ? "matrix" : "variations", e.what()});
            continue;
        }
        const bool hasMatrix = values.contains("matrix");
        values.erase("variations");
        values.erase("matrix");

        for (const Combination& combo : combos) {
            const std::string where = combo.label.empty() ? "" : " (" + combo.label + ")";
            std::string badKey;
            CliOptions cli;
            try {
                nlohmann::json settings = values;
                if (hasMatrix)
                    for (auto it = settings.begin(); it != settings.end(); ++it) {
                        badKey = it.key();
                        *it = substituteAll(*it, combo.values);
                    }
                badKey.clear();
                cli = interpretRow(settings, badKey);
            } catch (const std::exception& e) {
                plan.errors.push_back({row.line, badKey, e.what() + where});
                continue;
            }
            const std::vector<std::string> problems = validateRequest(cli.request);
            if (!problems.empty()) {
                plan.errors.push_back({row.line, "", problems.front() + where});
                continue;
            }
            ++plan.rows;
            const std::string key = soundKeyOf(cli.request);
            const int occurrence = occurrences[key]++;
            const bool explicitSeed = cli.request.seed >= 0;
            for (int v = 1; v <= variations; ++v) {
                BatchTake take;
                take.line = row.line;
                take.combination = combo.label;
                take.variation = v;
                take.request = cli.request;
                take.request.batchSize = 1;
                take.request.seed = explicitSeed
                                        ? takeSeed(cli.request.seed, v - 1)
                                        : derivedSeed(options.baseSeed, key, occurrence, v);
                take.output = cli.output;
                nameTake(take, takeId(key, occurrence, take.request.seed));
                const auto owner = fileOwners.emplace(take.fileName, row.line);
                if (!owner.second) {
                    plan.errors.push_back({row.line, "",
                                           "variation " + std::to_string(v) + where +
                                               " would be named " + take.fileName +
                                               " like a take of line " +
                                               std::to_string(owner.first->second)});
                    continue;
                }
                plan.takes.push_back(std::move(take));
            }
        }
    }
    std::stable_sort(
        plan.errors.begin(), plan.errors.end(),
        [](const ManifestError& a, const ManifestError& b) { return a.line < b.line; });
    return plan;
}

} // namespace footfall::cli
