#include "take_drag.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "io/audio_file.h"
#include "io/metadata.h"

#include <QDate>
#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QTime>
#include <QUrl>

#include <stdexcept>

namespace footfall::ui {

QMimeData* makeTakeMimeData(const QStringList& paths) {
    auto* mime = new QMimeData;
    QList<QUrl> urls;
    QStringList plain;
    for (const QString& p : paths) {
        const QString abs = QFileInfo(p).absoluteFilePath();
        urls << QUrl::fromLocalFile(abs);
        plain << abs;
    }
    mime->setUrls(urls);
    mime->setText(plain.join(QLatin1Char('\n')));
    return mime;
}

QString writeSelectionFile(const TakeRecord& take, const AudioBuffer& audio, std::size_t first,
                           std::size_t count, const QString& folder) {
    if (audio.empty() || count == 0 || first >= audio.frames())
        throw std::runtime_error("the selection is empty");
    if (!QDir().mkpath(folder))
        throw std::runtime_error("cannot create the exports folder " + folder.toStdString());
    const AudioBuffer part = audio.slice(first, count);
    const double sr = audio.sampleRate();
    const auto ms = [sr](std::size_t frames) {
        return static_cast<qint64>(static_cast<double>(frames) * 1000.0 / sr + 0.5);
    };
    const QString stem = QFileInfo(take.audioPath).completeBaseName();
    const QString name = QStringLiteral("%1_sel_%2-%3ms.wav")
                             .arg(stem)
                             .arg(ms(first))
                             .arg(ms(first + part.frames()));
    const QString path = QDir(folder).filePath(name);
    if (QFileInfo::exists(path))
        return path; // same take, same range: the file is already final and tagged

    nlohmann::json meta = take.metadata;
    const Loudness loudness = measureLoudness(part);
    meta["output_path"] = path.toStdString();
    meta["source_take"] = take.audioPath.toStdString();
    meta["selection"] = {{"first_frame", first},
                         {"frames", part.frames()},
                         {"start_seconds", static_cast<double>(first) / sr},
                         {"end_seconds", static_cast<double>(first + part.frames()) / sr}};
    meta["actual_duration_seconds"] = part.durationSeconds();
    meta["num_samples"] = part.frames();
    meta["loudness"] = toJson(loudness);
    const LevelStats levels = measureLevels(part);
    meta["max_amplitude"] = levels.peak;
    meta["peak_db"] = levels.peakDb;
    meta["rms"] = levels.rms;
    meta["rms_db"] = levels.rmsDb;
    meta["phase_info"] = toJson(analysePhase(part));
    meta["format"] = "wav32f";

    WriteOptions w;
    w.format = AudioFormat::Wav32Float;
    w.bext.description = take.prompt().toStdString();
    w.bext.originator = "Footfall";
    w.bext.originatorReference = ("FFSEL" + QString::number(take.seed())).left(32).toStdString();
    w.bext.originationDate = QDate::currentDate().toString(Qt::ISODate).toStdString();
    w.bext.originationTime =
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")).toStdString();
    w.bext.codingHistory =
        "A=wav32f,F=" + std::to_string(audio.sampleRate()) + ",T=Footfall selection\r\n";
    w.bext.loudness = loudness;
    w.ixml = metadataToIxml(meta);
    writeAudioFile(path.toStdString(), part, w);
    writeSidecar(path.toStdString(), meta);
    return path;
}

} // namespace footfall::ui
