#include "export/take_drag.h"

#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"
#include "io/take_tags.h"

#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QUrl>

#include <chrono>
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

    // The take's metadata for this range (source_take: which take, which frames; bext
    // TimeReference: the first frame) with the range's own analysis.
    const std::string target = path.toStdString();
    nlohmann::json meta = derivedTakeMetadata(take.metadata, take.audioPath.toStdString(), target,
                                              AudioFormat::Wav32Float, first, part.frames(),
                                              "selection", std::chrono::system_clock::now());
    recordAnalysis(meta, analyseTake(samplesAsWritten(part, AudioFormat::Wav32Float)));
    WriteOptions w = takeWriteOptions(meta, AudioFormat::Wav32Float, 1);
    // The take's step markers inside the range, from its first frame.
    w.markers =
        markersInRange(takeMarkers(take.audioPath.toStdString(), audio), first, part.frames());
    writeAudioFile(target, part, w);
    writeSidecar(target, meta);
    return path;
}

} // namespace footfall::ui
