#include "player/loudness_match.h"

#include <algorithm>

namespace footfall::ui {

PlaybackGain playbackGain(std::optional<double> takeLufs, double takePeakDb, LoudnessMatch mode,
                          std::optional<double> reference, double maxBoostDb) {
    PlaybackGain g;
    if (mode == LoudnessMatch::Off || !takeLufs || !reference)
        return g;
    double wanted = *reference - *takeLufs;
    // Boosting a quiet take must not make the player clip (which would also sound "louder").
    const double headroom = std::max(0.0, -0.5 - takePeakDb);
    const double allowed = std::min(maxBoostDb, headroom);
    if (wanted > allowed) {
        wanted = allowed;
        g.limited = true;
    }
    g.gainDb = wanted;
    return g;
}

std::optional<double> quietestLoudness(const QVector<TakeRecord>& takes) {
    std::optional<double> q;
    for (const auto& t : takes)
        if (auto l = t.loudnessLufs(); l && (!q || *l < *q))
            q = l;
    return q;
}

} // namespace footfall::ui
