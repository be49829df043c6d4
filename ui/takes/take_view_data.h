// Everything a take view shows, computed once off the GUI thread (on the generation worker when
// a take is saved, or on the take loader's pool when a take is read back from disk): waveform
// min/max peaks at a few zoom levels, the static correlation summary, the goniometer's point
// cloud (already drawn into an image), the take's analysis and the STFT spectrogram. The GUI
// thread only swaps pointers and paints.
#pragma once

#include "audio/audio_buffer.h"
#include "audio/spectrogram.h"
#include "audio/waveform_peaks.h"
#include "generation/take_generation.h"

#include <QImage>
#include <QMetaType>

#include <memory>
#include <optional>

namespace footfall::ui {

struct GoniometerCloud {
    QImage trace;      // kGoniometerTraceSize², transparent background
    double gain = 1.0; // the display-only gain the trace was drawn with
    double sideRms = 0.0;
    double midRms = 0.0;
};

struct TakeViewData {
    std::shared_ptr<const AudioBuffer> audio;
    WaveformPeaks peaks;
    std::optional<double> correlation;       // whole-take Pearson (1 for a mono take with signal)
    std::optional<double> lowestCorrelation; // lowest 10 ms meter reading
    GoniometerCloud goniometer;
    TakeAnalysis analysis; // levels, phase, loudness (default for empty audio)
    std::shared_ptr<const Spectrogram> spectrogram;
};

using SharedTakeView = std::shared_ptr<const TakeViewData>;

// Heavy: call on a worker thread. Never null for a non-null `audio`. `analysis` is the take's
// own when it has one (a generated take's, or the one its metadata records); else the audio is
// analysed here, once.
SharedTakeView prepareTakeView(std::shared_ptr<const AudioBuffer> audio,
                               std::optional<TakeAnalysis> analysis = std::nullopt);

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::SharedTakeView)
