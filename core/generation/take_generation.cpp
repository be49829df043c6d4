#include "generation/take_generation.h"

#include "footfall_version.h"
#include "io/file_naming.h"
#include "io/metadata.h"
#include "io/take_tags.h"
#include "io/ucs.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace footfall {

namespace fs = std::filesystem;

TakeAnalysis analyseTake(const AudioBuffer& audio) {
    TakeAnalysis a;
    a.levels = measureLevels(audio);
    a.phase = analysePhase(audio);
    a.loudness = measureLoudness(audio);
    return a;
}

void recordAnalysis(nlohmann::json& m, const TakeAnalysis& analysis) {
    m["max_amplitude"] = analysis.levels.peak;
    m["rms"] = analysis.levels.rms;
    m["peak_db"] = analysis.levels.peakDb;
    m["rms_db"] = analysis.levels.rmsDb;
    m["phase_info"] = toJson(analysis.phase);
    m["loudness"] = toJson(analysis.loudness);
}

std::optional<TakeAnalysis> recordedAnalysis(const nlohmann::json& m) {
    if (!m.is_object())
        return std::nullopt;
    const auto number = [&m](const char* key) -> std::optional<double> {
        const auto it = m.find(key);
        return it != m.end() && it->is_number() ? std::optional(it->get<double>()) : std::nullopt;
    };
    const auto peak = number("max_amplitude"), rms = number("rms");
    const auto peakDb = number("peak_db"), rmsDb = number("rms_db");
    if (!peak || !rms || !peakDb || !rmsDb || !m.contains("phase_info") || !m.contains("loudness"))
        return std::nullopt;
    const auto phase = phaseInfoFromJson(m["phase_info"]);
    const nlohmann::json& loudness = m["loudness"];
    if (!phase || !loudness.is_object())
        return std::nullopt;
    // Every key toJson writes (null where undefined): a missing one means an older sidecar.
    const nlohmann::json written = toJson(Loudness{});
    for (auto it = written.begin(); it != written.end(); ++it)
        if (!loudness.contains(it.key()))
            return std::nullopt;
    TakeAnalysis a;
    a.levels = {*peak, *rms, *peakDb, *rmsDb};
    a.phase = *phase;
    a.loudness = loudnessFromJson(loudness);
    return a;
}

void checkOutputFolder(const std::string& folder) {
    const fs::path dir(folder.empty() ? "." : folder);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw GenerationError("output folder " + dir.string() + " is a file, not a folder");
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec)
            throw GenerationError("cannot create output folder " + dir.string() + ": " +
                                  ec.message());
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        throw GenerationError("output folder " + dir.string() + " is not writable");
    // access() says yes to root almost everywhere; creating a file is the real test (a
    // read-only mount, a kernel file system, a full quota). An unnamed file (O_TMPFILE) leaves
    // nothing behind even when the process is killed right here; file systems without it get
    // a named probe.
    int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        const fs::path probe = dir / (".footfall-write-test-" + std::to_string(::getpid()));
        fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::unlink(probe.c_str());
    }
    if (fd < 0)
        throw GenerationError("output folder " + dir.string() + " is not writable (" +
                              std::strerror(errno) + ")");
    ::close(fd);
}

namespace {

std::string isoTimestamp(std::chrono::system_clock::time_point when, const char* format) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

bool namedByUcs(const OutputOptions& output) {
    return !output.ucsTemplate.empty() && output.fileName.empty();
}

// The take's path in the output folder; never an existing file.
std::string takePath(const GenerationRequest& request, const OutputOptions& output,
                     std::chrono::system_clock::time_point when) {
    const std::string ext = audioFormatExtension(output.format);
    if (!output.fileName.empty()) {
        // Only the name: a path in it would escape the checked output folder.
        std::string stem = fs::path(output.fileName).stem().string();
        return uniquePath(output.folder, sanitizePrompt(stem, 120) + "." + ext);
    }
    if (output.ucsTemplate.empty())
        return uniquePath(output.folder, timestampedFileName(request.prompt, when, ext));
    // Empty creator/source: the UCS defaults (a SourceID names a project, never a seed).
    return uniqueUcsPath(output.folder, output.ucsTemplate,
                         {ucsFxName(request.prompt), output.creator, output.source}, ext);
}

double round3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}

// Audio file, then sidecar, each written whole or not at all (writeBytesAtomically); when the
// sidecar fails the audio file goes too, so that no take is left half on disk.
bool writeTakeFiles(Take& take, const AudioBuffer& written) {
    // bext, iXML and FLAC comments all come from the metadata the sidecar holds.
    WriteOptions w = takeWriteOptions(take.metadata, take.format, take.ditherSeed);
    w.samplesPrepared = true;
    // Its footsteps as markers, found on the samples as written by the export's slicer.
    w.markers = stepMarkers(written);
    bool audioWritten = false;
    try {
        writeAudioFile(take.audioPath, written, w);
        audioWritten = true;
        take.sidecarPath = take.withSidecar ? writeSidecar(take.audioPath, take.metadata) : "";
        take.saveError.clear();
        return true;
    } catch (const std::exception& e) {
        if (audioWritten)
            ::unlink(take.audioPath.c_str());
        take.sidecarPath.clear();
        const auto* disk = dynamic_cast<const FileWriteError*>(&e);
        take.saveError = "could not save " + fs::path(take.audioPath).filename().string() + ": " +
                         (disk ? disk->reason() : std::string(e.what()));
        return false;
    }
}

} // namespace

bool saveTake(Take& take) {
    if (take.audio.empty()) {
        take.saveError = "could not save " + fs::path(take.audioPath).filename().string() +
                         ": the take holds no audio";
        return false;
    }
    // Another take may have been given the name meanwhile (it was free while nothing was
    // written): never over it.
    std::error_code ec;
    if (fs::exists(take.audioPath, ec)) {
        const fs::path p(take.audioPath);
        take.audioPath = uniquePath(p.parent_path().string(), p.filename().string());
        take.metadata["output_path"] = take.audioPath;
    }
    return writeTakeFiles(take, samplesAsWritten(take.audio, take.format, take.ditherSeed));
}

nlohmann::json buildTakeMetadata(const Engine& engine, const ResolvedTake& take,
                                 const GeneratedAudio& generated, const TakeAnalysis& analysis,
                                 const OutputOptions& output, const std::string& audioPath,
                                 double generationSeconds) {
    const GenerationRequest& request = take.request;
    const AudioBuffer& audio = generated.audio;
    nlohmann::json m;
    // The established metadata keys, which other tools read.
    m["prompt"] = request.prompt;
    const EngineOptions& e = request.engine;
    m["checkpoint"] = e.checkpoint.empty() ? nlohmann::json() : nlohmann::json(e.checkpoint);
    m["config"] = e.config.empty() ? nlohmann::json() : nlohmann::json(e.config);
    m["output_path"] = audioPath;
    m["timestamp"] = isoTimestamp(std::chrono::system_clock::now(), "%Y-%m-%dT%H:%M:%S");
    m["generation_time_seconds"] = round3(generationSeconds);
    m["generation_time_minutes"] = round3(generationSeconds / 60.0);
    m["sample_rate"] = audio.sampleRate();
    m["audio_shape"] = {audio.channels(), audio.frames()};
    m["channels"] = audio.channels();
    m["num_samples"] = audio.frames();
    m["target_duration_seconds"] = request.durationSeconds;
    m["actual_duration_seconds"] = audio.durationSeconds();
    recordAnalysis(m, analysis);
    // Null where the engine has no such setting (procedural): the value would be a fiction.
    const bool diffusion = engine.usesDiffusionSettings();
    m["cfg_scale"] = diffusion ? nlohmann::json(request.cfgScale) : nlohmann::json();
    m["diffusion_steps"] = diffusion ? nlohmann::json(request.steps) : nlohmann::json();
    m["device"] = engine.deviceDescription();
    m["success"] = true;
    // What reproduces the take.
    m["seed"] = request.seed;
    m["sampler"] = request.sampler;
    m["engine"] = engine.name();
    m["negative_prompt"] = request.negativePrompt;
    m["model"] = engine.modelInfo();
    nlohmann::json loras = nlohmann::json::array();
    for (const auto& l : request.loras)
        loras.push_back({{"path", l.path}, {"strength", l.strength}, {"config", l.configPath}});
    if (generated.engineDetails.contains("loras"))
        loras = generated.engineDetails["loras"]; // the engine knows sizes and hashes
    m["loras"] = loras;
    m["engine_details"] = generated.engineDetails;
    m["format"] = audioFormatName(output.format);
    m["app"] = {{"name", "Footfall"}, {"version", FOOTFALL_VERSION}};
    m["app_version"] = FOOTFALL_VERSION;
    m["rms_convention"] = "plain RMS over all samples, dBFS (no +3 dB AES17 offset)";
    m["request"] = requestToJson(request);
    // A draft and a final render say so where people and other tools look, too (the same
    // records as in "request", which recall reads).
    for (const char* key : {"draft", "rendered_from_draft"})
        if (m["request"].contains(key))
            m[key] = m["request"][key];
    // What the UCS name says, as fields (the file name is their one source).
    if (namedByUcs(output))
        m["ucs"] = ucsRecord(splitUcsFileName(fs::path(audioPath).stem().string()));
    return m;
}

std::vector<Take> generateTakes(Engine& engine, const GenerationRequest& request,
                                const OutputOptions& output, const ProgressCallback& progress,
                                const CancelToken* cancel, const TakeSavedCallback& onSaved) {
    const std::vector<ResolvedTake> resolved = resolveRequest(request, engine);
    // A CatID the UCS list does not know is refused before anything is generated.
    if (namedByUcs(output))
        requireUcsCategory(ucsTemplateCatId(output.ucsTemplate));
    // Absolute paths in the metadata, whichever front end passed the folder.
    OutputOptions out = output;
    out.folder = fs::absolute(output.folder.empty() ? "." : output.folder).lexically_normal();
    checkOutputFolder(out.folder);

    // One pass at a time (one take, or several the engine makes together), each take saved
    // before the next pass starts: a cancel or a crash later in the batch never loses what was
    // already generated.
    const int count = static_cast<int>(resolved.size());
    std::vector<Take> takes;
    std::string firstSaveError;
    for (size_t next = 0; next < resolved.size();) {
        const size_t passSize =
            std::clamp<size_t>(engine.batchPassSize(resolved, next), 1, resolved.size() - next);
        const std::vector<ResolvedTake> pass(resolved.begin() + static_cast<long>(next),
                                             resolved.begin() + static_cast<long>(next + passSize));
        next += passSize;
        const int first = pass.front().index;
        const int passTakes = static_cast<int>(passSize);
        ProgressCallback forward;
        if (progress)
            forward = [&progress, first, count, passTakes](const Progress& p) {
                Progress q = p;
                q.take = first;
                q.takes = count;
                q.passTakes = passTakes;
                progress(q);
            };
        const auto started = std::chrono::steady_clock::now();
        std::vector<GeneratedAudio> generated = engine.generateBatch(pass, forward, cancel);
        // A pass's time shared by its takes.
        const double perTake =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() /
            static_cast<double>(passSize);
        if (generated.size() != pass.size())
            throw GenerationError("the " + engine.name() + " engine returned " +
                                  std::to_string(generated.size()) + " takes for a pass of " +
                                  std::to_string(pass.size()));
        for (size_t k = 0; k < pass.size(); ++k) {
            const ResolvedTake& one = pass[k];
            GeneratedAudio& g = generated[k];
            const int i = one.index;
            const std::int64_t seed = one.request.seed;
            if (g.audio.empty())
                throw GenerationError("the " + engine.name() + " engine returned an empty take");
            // The pass's takes are analysed and saved under the pass's progress.
            if (progress)
                progress({Phase::Analysing, i + 1, count, first, count, passTakes});
            Take take;
            // The file's samples (16-bit: dithered) are what the metadata describes.
            const auto ditherSeed = static_cast<std::uint32_t>(seed * 2654435761u + 1);
            const AudioBuffer written = samplesAsWritten(g.audio, out.format, ditherSeed);
            take.analysis = analyseTake(written);
            const auto now = std::chrono::system_clock::now();
            take.audioPath = takePath(request, out, now);
            take.metadata =
                buildTakeMetadata(engine, one, g, take.analysis, out, take.audioPath, perTake);
            if (progress)
                progress({Phase::Saving, i + 1, count, first, count, passTakes});

            take.format = out.format;
            take.ditherSeed = ditherSeed;
            take.withSidecar = out.writeSidecar;
            take.audio = std::move(g.audio);
            if (!writeTakeFiles(take, written) && firstSaveError.empty())
                firstSaveError = take.saveError;
            if (onSaved)
                onSaved(take);
            takes.push_back(std::move(take));
        }
        if (!firstSaveError.empty())
            throw GenerationError(firstSaveError);
    }
    if (progress)
        progress({Phase::Done, count, count, count - 1, count});
    return takes;
}

} // namespace footfall
