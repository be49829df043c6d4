// Loudness-matched audition: a playback gain from each take's measured loudness, so louder takes
// do not win by being louder. Applied at playback only, never to a file.
#pragma once

#include "takes/take_record.h"

#include <QVector>

#include <optional>

namespace footfall::ui {

enum class LoudnessMatch { Off, Target, Quietest };

struct PlaybackGain {
    double gainDb = 0.0;
    bool limited = false; // the wanted boost was cut to keep the peak below 0 dBFS
};

// `reference` is the target (Target) or the quietest take's loudness (Quietest).
PlaybackGain playbackGain(std::optional<double> takeLufs, double takePeakDb, LoudnessMatch mode,
                          std::optional<double> reference, double maxBoostDb = 12.0);

std::optional<double> quietestLoudness(const QVector<TakeRecord>& takes);

} // namespace footfall::ui
