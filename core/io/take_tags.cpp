#include "io/take_tags.h"

#include "audio/export_processing.h"
#include "footfall_version.h"
#include "io/metadata.h"
#include "io/transliterate.h"
#include "io/ucs.h"

#include <cctype>
#include <cmath>
#include <ctime>
#include <filesystem>

namespace footfall {

namespace fs = std::filesystem;

namespace {

std::string text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const nlohmann::json& object(const nlohmann::json& j, const char* key) {
    static const nlohmann::json empty = nlohmann::json::object();
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

int integer(const nlohmann::json& j, const char* key, int fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<int>() : fallback;
}

std::string compact(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What the W= field cannot say about the samples.
std::string formatNote(AudioFormat format) {
    switch (format) {
    case AudioFormat::Wav32Float:
        return "; 32-bit float";
    case AudioFormat::Wav16:
        return "; TPDF dither";
    case AudioFormat::Flac:
        return "; FLAC";
    case AudioFormat::Wav24:
        break;
    }
    return "";
}

std::string appVersion(const nlohmann::json& m) {
    const std::string v = text(m, "app_version");
    return v.empty() ? std::string(FOOTFALL_VERSION) : v;
}

// "FF" (a take), "FFEXP" (an export) or "FFSEL" (a dragged selection), then the file's
// YYMMDDHHMMSS and the seed: unique per file, at most 32 characters as bext allows.
std::string originatorReference(const nlohmann::json& m) {
    const std::string kind = text(object(m, "source_take"), "kind");
    std::string ref = kind == "export" ? "FFEXP" : kind == "selection" ? "FFSEL" : "FF";
    const std::string stamp = text(m, "timestamp");
    for (std::size_t i = 2; i < stamp.size(); ++i)
        if (std::isdigit(static_cast<unsigned char>(stamp[i])))
            ref += stamp[i];
    if (m.contains("seed") && m["seed"].is_number_integer())
        ref += "S" + std::to_string(m["seed"].get<std::int64_t>());
    return ref.substr(0, 32);
}

void addNumber(VorbisComments& c, const char* key, const nlohmann::json& value) {
    if (value.is_number())
        c.emplace_back(key, value.dump());
}

} // namespace

std::string codingHistoryLine(AudioFormat format, int sampleRate, int channels,
                              const std::string& text) {
    const char* mode = channels == 1 ? "mono" : channels == 2 ? "stereo" : "multitrack";
    return "A=PCM,F=" + std::to_string(sampleRate) +
           ",W=" + std::to_string(audioFormatBits(format)) + ",M=" + mode + ",T=" + text + "\r\n";
}

std::string codingHistoryFor(const nlohmann::json& m, AudioFormat format) {
    const int rate = integer(m, "sample_rate", 44100);
    const int channels = integer(m, "channels", 2);
    const std::string engine = text(m, "engine");
    const nlohmann::json& source = object(m, "source_take");
    if (source.empty())
        return codingHistoryLine(format, rate, channels,
                                 "Footfall " + appVersion(m) + "; " + engine + formatNote(format));
    const AudioFormat sourceFormat =
        parseAudioFormat(text(source, "format")).value_or(AudioFormat::Wav32Float);
    const std::string kind = text(source, "kind").empty() ? "export" : text(source, "kind");
    return codingHistoryLine(sourceFormat, rate, channels,
                             "Footfall " + appVersion(m) + "; " + engine +
                                 formatNote(sourceFormat)) +
           codingHistoryLine(format, rate, channels,
                             std::string("Footfall ") + FOOTFALL_VERSION + "; " + kind +
                                 formatNote(format));
}

VorbisComments metadataToVorbisComments(const nlohmann::json& m) {
    VorbisComments c;
    if (!m.is_object())
        return c;
    const std::string prompt = text(m, "prompt");
    const nlohmann::json& ucs = object(m, "ucs");
    const std::string fxName = text(ucs, "fx_name");
    c.emplace_back("TITLE", fxName.empty() ? prompt : fxName);
    c.emplace_back("DESCRIPTION", prompt);
    if (!text(m, "timestamp").empty())
        c.emplace_back("DATE", text(m, "timestamp"));
    c.emplace_back("ENCODER", "Footfall " + appVersion(m));
    c.emplace_back("ORIGINATOR", "Footfall");
    for (const auto& [key, name] : std::initializer_list<std::pair<const char*, const char*>>{
             {"cat_id", "CATID"},
             {"category", "CATEGORY"},
             {"subcategory", "SUBCATEGORY"},
             {"category_full", "CATEGORYFULL"},
             {"fx_name", "FXNAME"},
             {"creator_id", "CREATORID"},
             {"source_id", "SOURCEID"},
             {"user_category", "USERCATEGORY"},
             {"vendor_category", "VENDORCATEGORY"},
             {"user_data", "USERDATA"}})
        if (!text(ucs, key).empty())
            c.emplace_back(name, text(ucs, key));
    c.emplace_back("FOOTFALL_VERSION", appVersion(m));
    if (m.contains("seed"))
        addNumber(c, "FOOTFALL_SEED", m["seed"]);
    if (!text(m, "engine").empty())
        c.emplace_back("FOOTFALL_ENGINE", text(m, "engine"));
    if (!text(m, "sampler").empty())
        c.emplace_back("FOOTFALL_SAMPLER", text(m, "sampler"));
    addNumber(c, "FOOTFALL_CFG_SCALE", m.value("cfg_scale", nlohmann::json()));
    addNumber(c, "FOOTFALL_STEPS", m.value("diffusion_steps", nlohmann::json()));
    addNumber(c, "FOOTFALL_DURATION", m.value("target_duration_seconds", nlohmann::json()));
    if (!text(m, "negative_prompt").empty())
        c.emplace_back("FOOTFALL_NEGATIVE_PROMPT", text(m, "negative_prompt"));
    if (m.contains("model"))
        c.emplace_back("FOOTFALL_MODEL", compact(m["model"]));
    if (m.contains("loras"))
        c.emplace_back("FOOTFALL_LORAS", compact(m["loras"]));
    const nlohmann::json& loudness = object(m, "loudness");
    addNumber(c, "FOOTFALL_LOUDNESS_LUFS", loudness.value("integrated_lufs", nlohmann::json()));
    addNumber(c, "FOOTFALL_LOUDNESS_RANGE_LU",
              loudness.value("loudness_range_lu", nlohmann::json()));
    addNumber(c, "FOOTFALL_TRUE_PEAK_DBTP", loudness.value("true_peak_dbtp", nlohmann::json()));
    addNumber(c, "FOOTFALL_PEAK_DBFS", m.value("peak_db", nlohmann::json()));
    if (!text(object(m, "source_take"), "path").empty())
        c.emplace_back("FOOTFALL_SOURCE_TAKE", text(object(m, "source_take"), "path"));
    c.emplace_back("FOOTFALL_METADATA", compact(m));
    return c;
}

CueMarkers stepMarkers(const AudioBuffer& audio) {
    CueMarkers markers;
    for (const FrameRange& step : detectSteps(audio))
        markers.push_back({step.first, "step " + std::to_string(markers.size() + 1)});
    return markers;
}

CueMarkers markersInRange(const CueMarkers& markers, std::size_t first, std::size_t count) {
    CueMarkers out;
    for (const CueMarker& m : markers)
        if (m.frame >= first && m.frame - first < count)
            out.push_back({m.frame - first, m.label});
    return out;
}

CueMarkers takeMarkers(const std::string& path, const AudioBuffer& audio) {
    CueMarkers markers = readMarkers(path);
    return markers.empty() ? stepMarkers(audio) : markers;
}

WriteOptions takeWriteOptions(const nlohmann::json& m, AudioFormat format,
                              std::uint32_t ditherSeed) {
    WriteOptions w;
    w.format = format;
    w.ditherSeed = ditherSeed;
    w.bext.description = transliterateToAscii(text(m, "prompt"));
    w.bext.originator = "Footfall";
    w.bext.originatorReference = originatorReference(m);
    const std::string stamp = text(m, "timestamp"); // YYYY-MM-DDTHH:MM:SS
    if (stamp.size() >= 19) {
        w.bext.originationDate = stamp.substr(0, 10);
        w.bext.originationTime = stamp.substr(11, 8);
    }
    const nlohmann::json& source = object(m, "source_take");
    if (source.contains("first_frame") && source["first_frame"].is_number_integer() &&
        source["first_frame"].get<std::int64_t>() >= 0)
        w.bext.timeReference = source["first_frame"].get<std::uint64_t>();
    w.bext.codingHistory = codingHistoryFor(m, format);
    if (m.contains("loudness") && m["loudness"].is_object())
        w.bext.loudness = loudnessFromJson(m["loudness"]);
    w.ixml = metadataToIxml(m);
    w.vorbisComments = metadataToVorbisComments(m);
    return w;
}

std::optional<nlohmann::json> readTakeMetadata(const std::string& path) {
    for (const auto& [key, value] : readVorbisComments(path)) {
        if (key != "FOOTFALL_METADATA")
            continue;
        nlohmann::json j = nlohmann::json::parse(value, nullptr, false);
        if (j.is_discarded())
            return std::nullopt;
        return j;
    }
    if (const std::optional<std::string> ixml = readChunk(path, "iXML"))
        return metadataFromIxml(*ixml);
    return std::nullopt;
}

std::string metadataTimestamp(std::chrono::system_clock::time_point when) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return buf;
}

nlohmann::json derivedTakeMetadata(const nlohmann::json& takeMetadata,
                                   const std::string& sourcePath, const std::string& path,
                                   AudioFormat format, std::size_t firstFrame, std::size_t frames,
                                   const std::string& kind,
                                   std::chrono::system_clock::time_point when) {
    nlohmann::json m = takeMetadata.is_object() ? takeMetadata : nlohmann::json::object();
    const double rate = integer(m, "sample_rate", 44100);
    const int channels = integer(m, "channels", 2);
    m["source_take"] = {{"path", fs::absolute(sourcePath).lexically_normal().string()},
                        {"format", m.value("format", nlohmann::json())},
                        {"timestamp", m.value("timestamp", nlohmann::json())},
                        {"first_frame", firstFrame},
                        {"frames", frames},
                        {"start_seconds", static_cast<double>(firstFrame) / rate},
                        {"end_seconds", static_cast<double>(firstFrame + frames) / rate},
                        {"kind", kind}};
    m["output_path"] = fs::absolute(path).lexically_normal().string();
    m["format"] = audioFormatName(format);
    m["timestamp"] = metadataTimestamp(when);
    m["num_samples"] = frames;
    m["audio_shape"] = {channels, frames};
    m["actual_duration_seconds"] = static_cast<double>(frames) / rate;
    // A UCS record only when this file's own name is a UCS name (a CatID from the list).
    const UcsFileName ucs = splitUcsFileName(fs::path(path).stem().string());
    if (findUcsCategory(ucs.catId))
        m["ucs"] = ucsRecord(ucs);
    else
        m.erase("ucs");
    return m;
}

} // namespace footfall
