#include "audio/waveform_peaks.h"

#include <algorithm>

namespace footfall {

const WaveformPeaks::Level* WaveformPeaks::levelFor(double framesPerPixel) const {
    const Level* best = nullptr;
    for (const Level& l : levels)
        if (static_cast<double>(l.binFrames) <= framesPerPixel)
            best = &l;
    return best;
}

WaveformPeaks computeWaveformPeaks(const AudioBuffer& audio,
                                   const std::vector<std::size_t>& binSizes) {
    WaveformPeaks peaks;
    const std::size_t n = audio.frames();
    for (const std::size_t bin : binSizes) {
        if (bin == 0)
            continue;
        WaveformPeaks::Level level;
        level.binFrames = bin;
        const std::size_t count = (n + bin - 1) / bin;
        for (int c = 0; c < audio.channels(); ++c) {
            const float* x = audio.channel(c);
            std::vector<float> lo(count), hi(count);
            for (std::size_t b = 0; b < count; ++b) {
                const std::size_t first = b * bin, last = std::min(n, first + bin);
                const auto [mn, mx] = std::minmax_element(x + first, x + last);
                lo[b] = *mn;
                hi[b] = *mx;
            }
            level.mins.push_back(std::move(lo));
            level.maxs.push_back(std::move(hi));
        }
        peaks.levels.push_back(std::move(level));
    }
    std::sort(peaks.levels.begin(), peaks.levels.end(),
              [](const auto& a, const auto& b) { return a.binFrames < b.binFrames; });
    return peaks;
}

} // namespace footfall
