// Writes a take (or a selection of it) as finished, tagged files according to export options.
#pragma once

#include "takes/take_record.h"

#include "audio/audio_buffer.h"
#include "io/audio_file.h"

#include <QString>
#include <QStringList>

#include <cstddef>
#include <optional>

namespace footfall::ui {

struct ExportOptions {
    QString folder;
    bool ucsNaming = false;
    QString ucsTemplate = QStringLiteral("FEETHmn_<FXName>_<Creator>_<Source>");
    QString creator;
    QString source;
    AudioFormat format = AudioFormat::Wav24;
    enum class Normalise { None, Peak, Loudness } normalise = Normalise::None;
    double peakTargetDbfs = -1.0;
    double loudnessTargetLufs = -23.0;
    bool trim = false;
    double trimThresholdDb = -40.0; // relative to the take's peak
    double fadeInMs = 0.0;
    double fadeOutMs = 0.0;
    std::optional<std::pair<std::size_t, std::size_t>> selection; // first frame, frame count
    bool sliceSteps = false; // one numbered file per detected step
};

struct ExportResult {
    QStringList files;
    QString error; // empty on success
};

ExportResult exportTake(const TakeRecord& take, const AudioBuffer& audio,
                        const ExportOptions& options);

} // namespace footfall::ui
