#include "engine/take_pipeline.h"

#include "footfall_version.h"
#include "io/file_naming.h"
#include "io/metadata.h"

#include <chrono>
#include <cmath>
#include <ctime>
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

std::string takeFileName(const GenerationRequest& request, const OutputOptions& output,
                         std::chrono::system_clock::time_point when, std::int64_t seed) {
    const std::string ext = audioFormatExtension(output.format);
    if (!output.fileName.empty()) {
        // Only the name: a path in it would escape the checked output folder.
        std::string stem = fs::path(output.fileName).stem().string();
        return sanitizePrompt(stem, 120) + "." + ext;
    }
    if (output.ucsTemplate.empty())
        return timestampedFileName(request.prompt, when, ext);
    UcsFields fields{ucsFxName(request.prompt), output.creator,
                     output.source.empty() ? "Footfall" + std::to_string(seed) : output.source};
    return ucsFileName(output.ucsTemplate, fields, ext);
}

double round3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}

} // namespace

nlohmann::json buildTakeMetadata(const Engine& engine, const GenerationRequest& request,
                                 const GeneratedAudio& generated, const TakeAnalysis& analysis,
                                 const OutputOptions& output, const std::string& audioPath,
                                 double generationSeconds) {
    const AudioBuffer& audio = generated.audio;
    nlohmann::json m;
    // The seed's dictionary, key for key.
    m["prompt"] = request.prompt;
    m["checkpoint"] =
        output.checkpoint.empty() ? nlohmann::json() : nlohmann::json(output.checkpoint);
    m["config"] = output.config.empty() ? nlohmann::json() : nlohmann::json(output.config);
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
    m["max_amplitude"] = analysis.levels.peak;
    m["rms"] = analysis.levels.rms;
    m["peak_db"] = analysis.levels.peakDb;
    m["rms_db"] = analysis.levels.rmsDb;
    m["phase_info"] = toJson(analysis.phase);
    m["cfg_scale"] = request.cfgScale;
    m["diffusion_steps"] = request.steps;
    m["device"] = engine.deviceDescription();
    m["success"] = true;
    // What reproduces the take.
    m["seed"] = generated.seed;
    m["sampler"] = request.sampler.empty() ? engine.defaultSampler() : request.sampler;
    m["engine"] = engine.name();
    m["negative_prompt"] = request.negativePrompt;
    m["model"] = engine.modelInfo();
    nlohmann::json loras = nlohmann::json::array();
    for (const auto& l : request.loras)
        loras.push_back({{"path", l.path}, {"strength", l.strength}, {"config", l.configPath}});
    if (generated.engineDetails.contains("loras"))
        loras = generated.engineDetails["loras"]; // the engine knows sizes and hashes
    m["loras"] = loras;
    m["loudness"] = toJson(analysis.loudness);
    m["engine_details"] = generated.engineDetails;
    m["format"] = audioFormatName(output.format);
    m["app"] = {{"name", "Footfall"}, {"version", FOOTFALL_VERSION}};
    m["app_version"] = FOOTFALL_VERSION;
    m["rms_convention"] = "plain RMS over all samples, dBFS (no +3 dB AES17 offset)";
    return m;
}

std::vector<Take> generateTakes(Engine& engine, const GenerationRequest& request,
                                const OutputOptions& output, const ProgressCallback& progress,
                                const CancelToken* cancel, const TakeSavedCallback& onSaved) {
    const auto errors = validateRequest(request);
    if (!errors.empty())
        throw GenerationError(errors.front());
    checkOutputFolder(output.folder);

    // One take at a time, each saved before the next starts: a cancel or a crash later in the
    // batch never loses what was already generated.
    const std::int64_t baseSeed = resolveSeed(request.seed);
    const int count = request.batchSize;
    std::vector<Take> takes;
    for (int i = 0; i < count; ++i) {
        GenerationRequest one = request;
        one.batchSize = 1;
        one.seed = (baseSeed + i) % 4294967295LL;
        ProgressCallback forward;
        if (progress)
            forward = [&progress, i, count](const Progress& p) {
                Progress q = p;
                q.take = i;
                q.takes = count;
                progress(q);
            };
        const auto started = std::chrono::steady_clock::now();
        std::vector<GeneratedAudio> generated = engine.generate(one, forward, cancel);
        const double perTake =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (generated.empty())
            throw GenerationError("the " + engine.name() + " engine returned no audio");
        GeneratedAudio& g = generated.front();
        if (g.audio.empty())
            throw GenerationError("the " + engine.name() + " engine returned an empty take");
        if (progress)
            progress({Phase::Analysing, i + 1, count, i, count});
        Take take;
        take.analysis = analyseTake(g.audio);
        const auto now = std::chrono::system_clock::now();
        take.audioPath = uniquePath(output.folder, takeFileName(request, output, now, g.seed));
        take.metadata =
            buildTakeMetadata(engine, request, g, take.analysis, output, take.audioPath, perTake);
        if (progress)
            progress({Phase::Saving, i + 1, count, i, count});

        WriteOptions w;
        w.format = output.format;
        w.bext.description = request.prompt;
        w.bext.originator = "Footfall";
        w.bext.originatorReference =
            "FF" + timestampStamp(now).substr(2) + "S" + std::to_string(g.seed);
        w.bext.originationDate = isoTimestamp(now, "%Y-%m-%d");
        w.bext.originationTime = isoTimestamp(now, "%H:%M:%S");
        w.bext.codingHistory = "A=" + audioFormatName(output.format) +
                               ",F=" + std::to_string(g.audio.sampleRate()) +
                               ",M=" + (g.audio.channels() == 2 ? "stereo" : "mono") +
                               ",T=Footfall " FOOTFALL_VERSION " " + engine.name() + "\r\n";
        w.bext.loudness = take.analysis.loudness;
        w.ixml = metadataToIxml(take.metadata);
        w.ditherSeed = static_cast<std::uint32_t>(g.seed * 2654435761u + 1);
        try {
            writeAudioFile(take.audioPath, g.audio, w);
            if (output.writeSidecar)
                take.sidecarPath = writeSidecar(take.audioPath, take.metadata);
        } catch (const std::exception& e) {
            throw GenerationError(e.what());
        }
        take.audio = std::move(g.audio);
        if (onSaved)
            onSaved(take);
        takes.push_back(std::move(take));
    }
    if (progress)
        progress({Phase::Done, count, count, count - 1, count});
    return takes;
}

} // namespace footfall
