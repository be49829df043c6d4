#include "generation/library_index.h"

#include "base/errors.h"
#include "io/audio_file.h"
#include "io/metadata.h"
#include "io/ucs.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace footfall {

namespace fs = std::filesystem;

namespace {

// Sidecars are a few kB; anything far larger is not one (and is not read whole).
constexpr std::uintmax_t kMaxSidecarBytes = 16 * 1024 * 1024;

std::optional<nlohmann::json> readJsonFile(const fs::path& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec || size > kMaxSidecarBytes)
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    return j;
}

std::string text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number(const nlohmann::json& j, const char* key) {
    if (!j.is_object())
        return std::nullopt;
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
}

bool isInteger(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && (it->is_number_integer() || it->is_number_unsigned());
}

// What makes a JSON file a take's sidecar rather than some other JSON in the folder.
bool looksLikeTakeMetadata(const nlohmann::json& j) {
    return j.is_object() && j.contains("prompt") && j["prompt"].is_string() &&
           isInteger(j, "seed") && j.contains("output_path") && j["output_path"].is_string();
}

// What a take's name says in UCS terms: the sidecar's record when it has one (takes named
// by a UCS template), else the file name read as UCS when it starts with a known CatID.
nlohmann::json ucsOf(const nlohmann::json& m, const std::string& fileName) {
    const auto it = m.find("ucs");
    if (it != m.end() && it->is_object() && !text(*it, "cat_id").empty())
        return *it;
    const UcsFileName name = splitUcsFileName(fs::path(fileName).stem().string());
    if (!findUcsCategory(name.catId) || name.sourceId.empty())
        return nullptr;
    return ucsRecord(name);
}

std::string modelName(const nlohmann::json& m) {
    const auto lastName = [](const std::string& path) {
        fs::path p = fs::path(path).lexically_normal();
        if (p.filename().empty())
            p = p.parent_path(); // "models/sao/" names the folder "sao"
        return p.filename().string();
    };
    if (m.contains("request") && m["request"].is_object() && m["request"].contains("engine") &&
        m["request"]["engine"].is_object()) {
        const nlohmann::json& e = m["request"]["engine"];
        if (!text(e, "model_dir").empty())
            return lastName(text(e, "model_dir"));
        if (!text(e, "checkpoint").empty())
            return lastName(text(e, "checkpoint"));
    }
    if (!text(m, "checkpoint").empty())
        return lastName(text(m, "checkpoint"));
    if (m.contains("model") && m["model"].is_object()) {
        const nlohmann::json& model = m["model"];
        if (model.contains("weights") && model["weights"].is_object() &&
            !text(model["weights"], "file").empty())
            return text(model["weights"], "file");
        if (isInteger(model, "synth_version"))
            return "procedural synth " + model["synth_version"].dump();
    }
    return {};
}

std::vector<std::string> loraList(const nlohmann::json& m) {
    // The user's selection from the request; older takes only have the engine's list.
    const nlohmann::json* list = nullptr;
    if (m.contains("request") && m["request"].is_object() && m["request"].contains("loras"))
        list = &m["request"]["loras"];
    else if (m.contains("loras"))
        list = &m["loras"];
    std::vector<std::string> out;
    if (!list || !list->is_array())
        return out;
    for (const auto& l : *list) {
        if (!l.is_object() || text(l, "path").empty())
            continue;
        const auto strength = number(l, "strength");
        out.push_back(text(l, "path") + ":" + nlohmann::json(strength.value_or(1.0)).dump());
    }
    return out;
}

LibraryEntry entryFor(const nlohmann::json& m, const AudioFileInfo& audio,
                      const fs::path& audioPath, const fs::path& root) {
    LibraryEntry e;
    e.fileName = audioPath.filename().string();
    e.path = audioPath.lexically_relative(root).generic_string();
    e.sampleRate = audio.sampleRate;
    e.channels = audio.channels;
    e.durationSeconds =
        number(m, "actual_duration_seconds")
            .value_or(audio.sampleRate > 0 ? static_cast<double>(audio.frames) / audio.sampleRate
                                           : 0.0);
    e.format = text(m, "format");
    e.prompt = text(m, "prompt");
    e.seed = m["seed"].get<std::int64_t>();
    e.engine = text(m, "engine");
    e.model = modelName(m);
    e.loras = loraList(m);
    if (m.contains("loudness")) {
        e.integratedLufs = number(m["loudness"], "integrated_lufs");
        e.truePeakDbtp = number(m["loudness"], "true_peak_dbtp");
    }
    e.peakDbfs = number(m, "peak_db");
    e.ucs = ucsOf(m, e.fileName);
    e.created = text(m, "timestamp");
    return e;
}

nlohmann::json optionalJson(const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json();
}

std::string csvField(const nlohmann::json& v) {
    std::string s;
    if (v.is_null())
        return s;
    if (v.is_string()) {
        s = v.get<std::string>();
    } else if (v.is_array()) {
        for (const auto& item : v)
            s +=
                (s.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : item.dump());
    } else {
        s = v.dump();
    }
    const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                       (!s.empty() && (s.front() == ' ' || s.back() == ' '));
    if (!quote)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

} // namespace

SavedTakeCheck checkSavedTake(const std::string& audioPath) {
    SavedTakeCheck c;
    const fs::path audio(audioPath);
    std::error_code ec;
    if (!fs::is_regular_file(audio, ec)) {
        c.problem = "the audio file " + audio.filename().string() + " is missing";
        return c;
    }
    const fs::path sidecar = sidecarPathFor(audioPath);
    if (!fs::is_regular_file(sidecar, ec)) {
        c.problem = "the sidecar " + sidecar.filename().string() + " is missing";
        return c;
    }
    const auto metadata = readJsonFile(sidecar);
    if (!metadata) {
        c.problem = "the sidecar " + sidecar.filename().string() + " is not valid JSON";
        return c;
    }
    c.metadata = *metadata;
    const nlohmann::json& m = c.metadata;
    if (!looksLikeTakeMetadata(m) || !isInteger(m, "num_samples") || !isInteger(m, "channels") ||
        !isInteger(m, "sample_rate")) {
        c.problem = "the sidecar " + sidecar.filename().string() + " is not a take's metadata";
        return c;
    }
    const std::string recorded = fs::path(text(m, "output_path")).filename().string();
    if (recorded != audio.filename().string()) {
        c.problem = "the sidecar describes " + recorded + ", not " + audio.filename().string();
        return c;
    }
    c.audio = probeAudioFile(audioPath);
    if (!c.audio) {
        c.problem = audio.filename().string() + " cannot be opened as audio";
        return c;
    }
    const AudioFileInfo& a = *c.audio;
    if (!a.complete) {
        c.problem = audio.filename().string() + " is cut short (an interrupted write)";
        return c;
    }
    const auto frames = m["num_samples"].get<std::int64_t>();
    if (a.frames != frames) {
        c.problem = audio.filename().string() + " has " + std::to_string(a.frames) +
                    " frames, its sidecar says " + std::to_string(frames);
        return c;
    }
    if (a.channels != m["channels"].get<int>() || a.sampleRate != m["sample_rate"].get<int>()) {
        c.problem = audio.filename().string() + " has " + std::to_string(a.channels) +
                    " channels at " + std::to_string(a.sampleRate) +
                    " Hz, its sidecar says otherwise";
        return c;
    }
    if (const auto format = parseAudioFormat(text(m, "format"))) {
        if (audioFormatExtension(*format) != a.container) {
            c.problem = audio.filename().string() + " is " + a.container + ", its sidecar says " +
                        text(m, "format");
            return c;
        }
    }
    return c;
}

LibraryScan scanLibrary(const std::string& folder) {
    const fs::path root(folder);
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw GenerationError("library folder " + folder + " does not exist");
    LibraryScan scan;
    const auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(root, options, ec), end; !ec && it != end;
         it.increment(ec)) {
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        if (it->is_directory(ec) && name.front() == '.') {
            it.disable_recursion_pending(); // hidden folders are not the library's
            continue;
        }
        if (p.extension() != ".json" || name.front() == '.' || !it->is_regular_file(ec))
            continue;
        const auto m = readJsonFile(p);
        if (!m || !looksLikeTakeMetadata(*m)) {
            // Not a take's sidecar: a manifest or an earlier index is passed over, but one
            // next to an audio file of its name is that take's broken sidecar: say so.
            fs::path audio = p;
            for (const char* ext : {".wav", ".flac"})
                if (audio.replace_extension(ext); fs::is_regular_file(audio, ec)) {
                    scan.problems.push_back(p.lexically_relative(root).generic_string() + ": " +
                                            checkSavedTake(audio.string()).problem);
                    break;
                }
            continue;
        }
        // The audio file the sidecar belongs to: its own extension, else WAV, then FLAC.
        const std::string recordedExt = fs::path(text(*m, "output_path")).extension().string();
        fs::path audio = p;
        if (recordedExt == ".wav" || recordedExt == ".flac") {
            audio.replace_extension(recordedExt);
        } else {
            audio.replace_extension(".wav");
            if (!fs::exists(audio, ec))
                audio.replace_extension(".flac");
        }
        SavedTakeCheck check = checkSavedTake(audio.string());
        if (!check.ok()) {
            scan.problems.push_back(p.lexically_relative(root).generic_string() + ": " +
                                    check.problem);
            continue;
        }
        scan.entries.push_back(entryFor(check.metadata, *check.audio, audio, root));
        scan.entries.back().metadata = std::move(check.metadata);
    }
    std::sort(scan.entries.begin(), scan.entries.end(),
              [](const LibraryEntry& a, const LibraryEntry& b) { return a.path < b.path; });
    std::sort(scan.problems.begin(), scan.problems.end());
    return scan;
}

const std::vector<std::string>& libraryIndexColumns() {
    static const std::vector<std::string> columns{
        "file",           "path",        "duration_seconds",
        "sample_rate",    "channels",    "format",
        "prompt",         "seed",        "engine",
        "model",          "loras",       "integrated_lufs",
        "true_peak_dbtp", "peak_dbfs",   "cat_id",
        "category",       "subcategory", "fx_name",
        "creator_id",     "source_id",   "created"};
    return columns;
}

nlohmann::json libraryIndexJson(const std::vector<LibraryEntry>& entries) {
    nlohmann::json all = nlohmann::json::array();
    for (const LibraryEntry& e : entries) {
        nlohmann::json j;
        j["file"] = e.fileName;
        j["path"] = e.path;
        j["duration_seconds"] = e.durationSeconds;
        j["sample_rate"] = e.sampleRate;
        j["channels"] = e.channels;
        j["format"] = e.format;
        j["prompt"] = e.prompt;
        j["seed"] = e.seed;
        j["engine"] = e.engine;
        j["model"] = e.model;
        j["loras"] = e.loras;
        j["integrated_lufs"] = optionalJson(e.integratedLufs);
        j["true_peak_dbtp"] = optionalJson(e.truePeakDbtp);
        j["peak_dbfs"] = optionalJson(e.peakDbfs);
        for (const char* key :
             {"cat_id", "category", "subcategory", "fx_name", "creator_id", "source_id"})
            j[key] = e.ucs.is_object() && e.ucs.contains(key) ? e.ucs[key] : nlohmann::json();
        j["created"] = e.created;
        all.push_back(std::move(j));
    }
    return all;
}

std::string libraryIndexCsv(const std::vector<LibraryEntry>& entries) {
    const auto& columns = libraryIndexColumns();
    std::string csv;
    for (std::size_t c = 0; c < columns.size(); ++c)
        csv += (c ? "," : "") + csvField(columns[c]);
    csv += "\r\n";
    for (const nlohmann::json& row : libraryIndexJson(entries)) {
        for (std::size_t c = 0; c < columns.size(); ++c)
            csv += (c ? "," : "") + csvField(row[columns[c]]);
        csv += "\r\n";
    }
    return csv;
}

} // namespace footfall
