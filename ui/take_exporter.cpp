#include "take_exporter.h"

#include "audio/analysis.h"
#include "audio/export_processing.h"
#include "audio/loudness.h"
#include "io/file_naming.h"
#include "io/metadata.h"

#include <QDate>
#include <QDir>
#include <QFileInfo>
#include <QTime>

#include <chrono>
#include <cstdio>
#include <vector>

namespace footfall::ui {

namespace {

std::string baseName(const TakeRecord& take, const ExportOptions& o) {
    const std::string prompt = take.prompt().toStdString();
    if (o.ucsNaming) {
        UcsFields fields{ucsFxName(prompt), o.creator.toStdString(),
                         o.source.isEmpty() ? "Footfall" + std::to_string(take.seed())
                                            : o.source.toStdString()};
        const std::string name = ucsFileName(o.ucsTemplate.toStdString(), fields, "x");
        return name.substr(0, name.size() - 2);
    }
    const std::string name = timestampedFileName(prompt, std::chrono::system_clock::now(), "x");
    return name.substr(0, name.size() - 2);
}

void writeOne(const TakeRecord& take, const AudioBuffer& audio, const ExportOptions& o,
              const std::string& fileName, nlohmann::json exportInfo, QStringList& files) {
    const std::string path = uniquePath(o.folder.toStdString(), fileName);
    nlohmann::json meta = take.metadata;
    const Loudness loudness = measureLoudness(audio);
    const LevelStats levels = measureLevels(audio);
    meta["output_path"] = path;
    meta["source_take"] = take.audioPath.toStdString();
    meta["format"] = audioFormatName(o.format);
    meta["actual_duration_seconds"] = audio.durationSeconds();
    meta["num_samples"] = audio.frames();
    meta["max_amplitude"] = levels.peak;
    meta["peak_db"] = levels.peakDb;
    meta["rms"] = levels.rms;
    meta["rms_db"] = levels.rmsDb;
    meta["loudness"] = toJson(loudness);
    meta["phase_info"] = toJson(analysePhase(audio));
    meta["export"] = std::move(exportInfo);

    WriteOptions w;
    w.format = o.format;
    w.bext.description = take.prompt().toStdString();
    w.bext.originator = "Footfall";
    w.bext.originatorReference = ("FFEXP" + QString::number(take.seed())).left(32).toStdString();
    w.bext.originationDate = QDate::currentDate().toString(Qt::ISODate).toStdString();
    w.bext.originationTime =
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")).toStdString();
    w.bext.codingHistory = "A=" + audioFormatName(o.format) +
                           ",F=" + std::to_string(audio.sampleRate()) + ",T=Footfall export\r\n";
    w.bext.loudness = loudness;
    w.ixml = metadataToIxml(meta);
    w.ditherSeed = static_cast<std::uint32_t>(take.seed() * 2654435761u + 7);
    writeAudioFile(path, audio, w);
    writeSidecar(path, meta);
    files << QString::fromStdString(path);
}

} // namespace

ExportResult exportTake(const TakeRecord& take, const AudioBuffer& source, const ExportOptions& o) {
    ExportResult result;
    try {
        if (!QDir().mkpath(o.folder))
            throw std::runtime_error("cannot create the export folder " + o.folder.toStdString());
        AudioBuffer audio = source;
        nlohmann::json info = nlohmann::json::object();
        if (o.selection) {
            audio = audio.slice(o.selection->first, o.selection->second);
            info["selection_first_frame"] = o.selection->first;
            info["selection_frames"] = audio.frames();
        }
        if (o.trim) {
            audio = trimSilence(audio, o.trimThresholdDb);
            info["trim_threshold_db"] = o.trimThresholdDb;
        }
        if (audio.empty())
            throw std::runtime_error("nothing left to export (the take or selection is silent)");

        std::vector<AudioBuffer> parts;
        if (o.sliceSteps) {
            for (const FrameRange& r : detectSteps(audio))
                parts.push_back(audio.slice(r.first, r.count));
            if (parts.empty())
                throw std::runtime_error("no steps found to slice");
            info["sliced_steps"] = parts.size();
        } else {
            parts.push_back(std::move(audio));
        }

        const std::string base = baseName(take, o);
        const std::string ext = audioFormatExtension(o.format);
        for (std::size_t i = 0; i < parts.size(); ++i) {
            AudioBuffer& part = parts[i];
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
            std::string name = base;
            if (parts.size() > 1) {
                char num[24];
                std::snprintf(num, sizeof num, "_%02zu", i + 1);
                name += num;
                partInfo["step"] = i + 1;
            }
            writeOne(take, part, o, name + "." + ext, partInfo, result.files);
        }
    } catch (const std::exception& e) {
        result.error = QString::fromStdString(e.what());
    }
    return result;
}

} // namespace footfall::ui
