// Min/max of each channel over bins of a few sizes: what a waveform display needs to draw a
// take at any zoom without visiting every sample on each paint.
#pragma once

#include "audio/audio_buffer.h"

#include <cstddef>
#include <vector>

namespace footfall {

struct WaveformPeaks {
    struct Level {
        std::size_t binFrames = 0;
        // [channel][bin]; the last bin covers whatever frames are left (it may be shorter).
        std::vector<std::vector<float>> mins, maxs;
    };
    std::vector<Level> levels; // finest first

    // The coarsest level whose bins are no wider than `framesPerPixel`; null when even the
    // finest is too coarse (then the raw samples are cheap enough).
    const Level* levelFor(double framesPerPixel) const;
};

// One level per non-zero bin size.
WaveformPeaks computeWaveformPeaks(const AudioBuffer& audio,
                                   const std::vector<std::size_t>& binSizes = {32, 256, 2048});

} // namespace footfall
