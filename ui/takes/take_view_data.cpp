#include "takes/take_view_data.h"

#include "views/goniometer_widget.h"

#include "audio/analysis.h"

#include <algorithm>

namespace footfall::ui {

SharedTakeView prepareTakeView(std::shared_ptr<const AudioBuffer> audio,
                               std::optional<TakeAnalysis> analysis) {
    if (!audio)
        return nullptr;
    auto a = std::make_shared<TakeViewData>();
    a->audio = audio;
    a->peaks = computeWaveformPeaks(*audio);
    if (!audio->empty()) {
        a->analysis = analysis ? std::move(*analysis) : analyseTake(*audio);
        if (audio->channels() >= 2) {
            a->correlation = a->analysis.phase.correlation;
            for (const auto& v : correlationSeries(*audio, audio->sampleRate() / 100))
                if (v)
                    a->lowestCorrelation = std::min(a->lowestCorrelation.value_or(1.0), *v);
        } else if (a->analysis.levels.peak > 0) {
            a->correlation = 1.0; // mono: both speakers get the same signal
        }
        const float* l = audio->channel(0);
        const float* r = audio->channel(audio->channels() > 1 ? 1 : 0);
        a->goniometer = GoniometerWidget::renderCloud(l, r, audio->frames());
        a->spectrogram = std::make_shared<const Spectrogram>(computeSpectrogram(*audio));
    } else {
        a->goniometer = GoniometerWidget::renderCloud(nullptr, nullptr, 0);
    }
    return a;
}

} // namespace footfall::ui
