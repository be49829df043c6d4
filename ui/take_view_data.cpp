#include "take_view_data.h"

#include "goniometer_widget.h"

#include "audio/analysis.h"

#include <algorithm>
#include <cmath>

namespace footfall::ui {

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

SharedTakeView prepareTakeView(std::shared_ptr<const AudioBuffer> audio) {
    if (!audio)
        return nullptr;
    auto a = std::make_shared<TakeViewData>();
    a->audio = audio;
    a->peaks = computeWaveformPeaks(*audio);
    if (!audio->empty()) {
        if (audio->channels() >= 2) {
            a->correlation = analysePhase(*audio).correlation;
            for (const auto& v : correlationSeries(*audio, audio->sampleRate() / 100))
                if (v)
                    a->lowestCorrelation = std::min(a->lowestCorrelation.value_or(1.0), *v);
        } else if (samplePeak(*audio) > 0) {
            a->correlation = 1.0; // mono: both speakers get the same signal
        }
        const float* l = audio->channel(0);
        const float* r = audio->channel(audio->channels() > 1 ? 1 : 0);
        a->goniometer = GoniometerWidget::renderCloud(l, r, audio->frames());
        a->loudness = measureLoudness(*audio);
        a->spectrogram = std::make_shared<const Spectrogram>(computeSpectrogram(*audio));
    } else {
        a->goniometer = GoniometerWidget::renderCloud(nullptr, nullptr, 0);
    }
    return a;
}

} // namespace footfall::ui
