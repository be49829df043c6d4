#include "audio/export_processing.h"

#include "audio/analysis.h"
#include "audio/loudness.h"

#include <algorithm>
#include <cmath>

namespace footfall {

namespace {

double dbToGain(double db) {
    return std::pow(10.0, db / 20.0);
}

std::size_t msToFrames(double ms, int sampleRate) {
    return static_cast<std::size_t>(std::max(0.0, ms) * sampleRate / 1000.0 + 0.5);
}

// Largest |sample| across channels at each frame.
std::vector<float> framePeaks(const AudioBuffer& audio) {
    std::vector<float> peaks(audio.frames(), 0.0f);
    for (int c = 0; c < audio.channels(); ++c) {
        const float* x = audio.channel(c);
        for (std::size_t i = 0; i < peaks.size(); ++i)
            peaks[i] = std::max(peaks[i], std::fabs(x[i]));
    }
    return peaks;
}

} // namespace

void applyGainDb(AudioBuffer& audio, double gainDb) {
    const float g = static_cast<float>(dbToGain(gainDb));
    for (int c = 0; c < audio.channels(); ++c)
        for (float& s : audio.channelVector(c))
            s *= g;
}

double normaliseToPeak(AudioBuffer& audio, double targetDbfs) {
    const double peak = samplePeak(audio);
    if (peak <= 0.0)
        return 0.0;
    const double gain = targetDbfs - 20.0 * std::log10(peak);
    applyGainDb(audio, gain);
    return gain;
}

std::optional<double> normaliseToLoudness(AudioBuffer& audio, double targetLufs,
                                          double ceilingDbfs) {
    const Loudness l = measureLoudness(audio);
    const std::optional<double> measured = l.integratedLufs ? l.integratedLufs : l.wholeTakeLufs;
    const double peak = samplePeak(audio);
    if (!measured || peak <= 0.0)
        return std::nullopt;
    double gain = targetLufs - *measured;
    // A loudness target must not push a transient into clipping.
    gain = std::min(gain, ceilingDbfs - 20.0 * std::log10(peak));
    applyGainDb(audio, gain);
    return gain;
}

FrameRange findNonSilentRange(const AudioBuffer& audio, double thresholdDb, double padMs) {
    const std::vector<float> peaks = framePeaks(audio);
    const float peak = peaks.empty() ? 0.0f : *std::max_element(peaks.begin(), peaks.end());
    if (peak <= 0.0f)
        return {};
    const float threshold = static_cast<float>(peak * dbToGain(thresholdDb));
    std::size_t first = 0;
    while (first < peaks.size() && peaks[first] < threshold)
        ++first;
    std::size_t last = peaks.size() - 1;
    while (last > first && peaks[last] < threshold)
        --last;
    const std::size_t pad = msToFrames(padMs, audio.sampleRate());
    const std::size_t start = first > pad ? first - pad : 0;
    const std::size_t end = std::min(peaks.size(), last + 1 + pad);
    return {start, end - start};
}

AudioBuffer trimSilence(const AudioBuffer& audio, double thresholdDb, double padMs) {
    const FrameRange r = findNonSilentRange(audio, thresholdDb, padMs);
    return audio.slice(r.first, r.count);
}

void applyFades(AudioBuffer& audio, double fadeInMs, double fadeOutMs) {
    const std::size_t n = audio.frames();
    const std::size_t fin = std::min(msToFrames(fadeInMs, audio.sampleRate()), n / 2);
    const std::size_t fout = std::min(msToFrames(fadeOutMs, audio.sampleRate()), n / 2);
    const double pi = 3.14159265358979323846;
    for (int c = 0; c < audio.channels(); ++c) {
        float* x = audio.channel(c);
        for (std::size_t i = 0; i < fin; ++i)
            x[i] *= static_cast<float>(0.5 - 0.5 * std::cos(pi * double(i) / double(fin)));
        for (std::size_t i = 0; i < fout; ++i)
            x[n - 1 - i] *= static_cast<float>(0.5 - 0.5 * std::cos(pi * double(i) / double(fout)));
    }
}

std::vector<FrameRange> detectSteps(const AudioBuffer& audio, const StepDetection& params) {
    std::vector<FrameRange> steps;
    const std::vector<float> peaks = framePeaks(audio);
    if (peaks.empty())
        return steps;
    const float peak = *std::max_element(peaks.begin(), peaks.end());
    if (peak <= 0.0f)
        return steps;
    const int sr = audio.sampleRate();
    const double release = std::exp(-1.0 / std::max(1.0, params.envelopeMs * sr / 1000.0));
    const double threshold = peak * dbToGain(params.thresholdDb);
    // Hysteresis: re-arm only after the envelope fell 6 dB below the threshold.
    const double rearm = threshold * 0.5;
    const std::size_t minGap = msToFrames(params.minGapMs, sr);
    const std::size_t preRoll = msToFrames(params.preRollMs, sr);

    std::vector<std::size_t> onsets;
    double env = 0.0;
    bool armed = true;
    for (std::size_t i = 0; i < peaks.size(); ++i) {
        env = std::max<double>(peaks[i], env * release);
        if (armed && env >= threshold) {
            if (onsets.empty() || i - onsets.back() >= minGap) {
                onsets.push_back(i);
                armed = false;
            }
        } else if (!armed && env < rearm) {
            armed = true;
        }
    }
    for (std::size_t k = 0; k < onsets.size(); ++k) {
        const std::size_t start = onsets[k] > preRoll ? onsets[k] - preRoll : 0;
        const std::size_t end = k + 1 < onsets.size()
                                    ? (onsets[k + 1] > preRoll ? onsets[k + 1] - preRoll : 0)
                                    : peaks.size();
        if (end > start)
            steps.push_back({start, end - start});
    }
    return steps;
}

} // namespace footfall
