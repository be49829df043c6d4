// Everything a take view shows, computed once off the GUI thread (on the generation worker when
// a take is saved, or on the take loader's pool when a take is read back from disk): waveform
// min/max peaks at a few zoom levels, the static correlation summary, the goniometer's point
// cloud (already drawn into an image), loudness and the STFT spectrogram. The GUI thread only
// swaps pointers and paints.
#pragma once

#include "audio/audio_buffer.h"
#include "audio/loudness.h"
#include "audio/spectrogram.h"

#include <QImage>
#include <QMetaType>

#include <memory>
#include <optional>
#include <vector>

namespace footfall::ui {

// Min/max of each channel over bins of `binFrames` frames, for several bin sizes.
struct WaveformPeaks {
    struct Level {
        std::size_t binFrames = 0;
        std::vector<std::vector<float>> mins, maxs; // [channel][bin]
    };
    std::vector<Level> levels; // finest first

    // The coarsest level whose bins are no wider than `framesPerPixel`; null when even the
    // finest is too coarse (then the raw samples are cheap enough).
    const Level* levelFor(double framesPerPixel) const;
};

WaveformPeaks computeWaveformPeaks(const AudioBuffer& audio,
                                   const std::vector<std::size_t>& binSizes = {32, 256, 2048});

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
    Loudness loudness;
    std::shared_ptr<const Spectrogram> spectrogram;
};

using SharedTakeView = std::shared_ptr<const TakeViewData>;

// Heavy: call on a worker thread. Never null for a non-null `audio`.
SharedTakeView prepareTakeView(std::shared_ptr<const AudioBuffer> audio);

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::SharedTakeView)
