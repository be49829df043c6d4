#include "export/take_exporter.h"

#include "audio/export_processing.h"
#include "generation/take_generation.h"
#include "io/file_naming.h"
#include "io/metadata.h"
#include "io/take_tags.h"
#include "io/ucs.h"

#include <QDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace footfall::ui {

namespace {

// A piece of the take to write, and where it starts in the take.
struct Part {
    AudioBuffer audio;
    std::size_t firstFrame = 0;
};

std::string partPath(const TakeRecord& take, const ExportOptions& o, std::size_t step,
                     std::size_t steps, std::chrono::system_clock::time_point when) {
    const std::string prompt = take.prompt().toStdString();
    const std::string ext = audioFormatExtension(o.format);
    char number[24] = "";
    if (steps > 1)
        std::snprintf(number, sizeof number, "%02zu", step + 1);
    if (o.ucsNaming) {
        // A walk's step number belongs to the FXName: after the SourceID it would read as
        // UCS UserData.
        const UcsFields fields{ucsFxName(prompt) + number, o.creator.toStdString(),
                               o.source.toStdString()};
        return uniqueUcsPath(o.folder.toStdString(), o.ucsTemplate.toStdString(), fields, ext);
    }
    std::string name = timestampedFileName(prompt, when, ext);
    if (steps > 1)
        name.insert(name.size() - ext.size() - 1, std::string("_") + number);
    return uniquePath(o.folder.toStdString(), name);
}

void writeOne(const TakeRecord& take, const Part& part, const ExportOptions& o,
              const std::string& path, nlohmann::json exportInfo, const CueMarkers& takeSteps,
              QStringList& files) {
    // The take's metadata for this file: source take and range (bext TimeReference = the
    // part's first frame in the take), the export's processing, and the new audio's analysis.
    nlohmann::json meta = derivedTakeMetadata(take.metadata, take.audioPath.toStdString(), path,
                                              o.format, part.firstFrame, part.audio.frames(),
                                              "export", std::chrono::system_clock::now());
    meta["export"] = std::move(exportInfo);
    const auto ditherSeed = static_cast<std::uint32_t>(take.seed() * 2654435761u + 7);
    const AudioBuffer written = samplesAsWritten(part.audio, o.format, ditherSeed);
    recordAnalysis(meta, analyseTake(written));
    WriteOptions w = takeWriteOptions(meta, o.format, ditherSeed);
    w.samplesPrepared = true;
    // The take's step markers that fall in this part, from the part's first frame.
    w.markers = markersInRange(takeSteps, part.firstFrame, part.audio.frames());
    writeAudioFile(path, written, w);
    writeSidecar(path, meta);
    files << QString::fromStdString(path);
}

} // namespace

ExportResult exportTake(const TakeRecord& take, const AudioBuffer& source, const ExportOptions& o) {
    ExportResult result;
    try {
        if (o.ucsNaming) // an unknown CatID is refused with its close matches
            requireUcsCategory(ucsTemplateCatId(o.ucsTemplate.toStdString()));
        if (!QDir().mkpath(o.folder))
            throw std::runtime_error("cannot create the export folder " + o.folder.toStdString());
        AudioBuffer audio = source;
        std::size_t offset = 0; // of `audio` in the take
        nlohmann::json info = nlohmann::json::object();
        if (o.selection) {
            audio = audio.slice(o.selection->first, o.selection->second);
            offset = std::min(o.selection->first, source.frames());
            info["selection_first_frame"] = o.selection->first;
            info["selection_frames"] = audio.frames();
        }
        if (o.trim) {
            const FrameRange kept = findNonSilentRange(audio, o.trimThresholdDb);
            audio = audio.slice(kept.first, kept.count);
            offset += kept.first;
            info["trim_threshold_db"] = o.trimThresholdDb;
        }
        if (audio.empty())
            throw std::runtime_error("nothing left to export (the take or selection is silent)");

        std::vector<Part> parts;
        if (o.sliceSteps) {
            for (const FrameRange& r : detectSteps(audio))
                parts.push_back({audio.slice(r.first, r.count), offset + r.first});
            if (parts.empty())
                throw std::runtime_error("no steps found to slice");
            info["sliced_steps"] = parts.size();
        } else {
            parts.push_back({std::move(audio), offset});
        }

        const auto when = std::chrono::system_clock::now(); // one time stamp for all parts
        const CueMarkers takeSteps = takeMarkers(take.audioPath.toStdString(), source);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            AudioBuffer& part = parts[i].audio;
            // Per file: each step of a walk is normalised on its own, as a one-shot.
            nlohmann::json partInfo = info;
            if (o.normalise == ExportOptions::Normalise::Peak) {
                partInfo["normalise_peak_dbfs"] = o.peakTargetDbfs;
                partInfo["gain_db"] = normaliseToPeak(part, o.peakTargetDbfs);
            } else if (o.normalise == ExportOptions::Normalise::Loudness) {
                partInfo["normalise_lufs"] = o.loudnessTargetLufs;
                if (auto g = normaliseToLoudness(part, o.loudnessTargetLufs))
                    partInfo["gain_db"] = *g;
            }
            if (o.fadeInMs > 0 || o.fadeOutMs > 0) {
                applyFades(part, o.fadeInMs, o.fadeOutMs);
                partInfo["fade_in_ms"] = o.fadeInMs;
                partInfo["fade_out_ms"] = o.fadeOutMs;
            }
            if (parts.size() > 1)
                partInfo["step"] = i + 1;
            writeOne(take, parts[i], o, partPath(take, o, i, parts.size(), when), partInfo,
                     takeSteps, result.files);
        }
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

} // namespace footfall::ui
