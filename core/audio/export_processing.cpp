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

std::optional<double> stepPeriodSeconds(const AudioBuffer& audio) {
    const int sr = audio.sampleRate();
    const std::size_t hop = static_cast<std::size_t>(sr) / 100; // 10 ms
    const std::vector<float> peaks = framePeaks(audio);
    if (hop == 0 || peaks.size() < 2 * hop)
        return std::nullopt;
    // The level in dB-like units, so that quiet steps count as much as loud ones.
    std::vector<double> level(peaks.size() / hop);
    for (std::size_t k = 0; k < level.size(); ++k) {
        const auto first = peaks.begin() + static_cast<std::ptrdiff_t>(k * hop);
        level[k] =
            std::log10(*std::max_element(first, first + static_cast<std::ptrdiff_t>(hop)) + 1e-6);
    }
    double mean = 0.0;
    for (double v : level)
        mean += v;
    mean /= static_cast<double>(level.size());
    for (double& v : level)
        v -= mean;
    double variance = 0.0;
    for (double v : level)
        variance += v * v;
    variance /= static_cast<double>(level.size());
    const std::size_t minLag = 20, maxLag = 160; // 0.2 .. 1.6 s
    std::vector<double> acf(maxLag + 2, 0.0);
    double largest = 0.0;
    for (std::size_t lag = minLag - 1; lag <= maxLag + 1 && lag < level.size(); ++lag) {
        double sum = 0.0;
        for (std::size_t k = 0; k + lag < level.size(); ++k)
            sum += level[k] * level[k + lag];
        acf[lag] = sum / static_cast<double>(level.size() - lag);
        if (lag >= minLag && lag <= maxLag)
            largest = std::max(largest, acf[lag]);
    }
    // A repetition explains a good part of the level's variance (the procedural walks: 0.3
    // and more at their step period); a single burst or noise does not.
    if (largest < 0.2 * variance || largest <= 0.0)
        return std::nullopt;
    for (std::size_t lag = minLag; lag <= maxLag && lag + 1 < level.size(); ++lag)
        if (acf[lag] >= 0.6 * largest && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1])
            return static_cast<double>(lag) * static_cast<double>(hop) / sr;
    return std::nullopt;
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
    // A footstep is a heel, a toe, often a scuff: more than one rise of the envelope. On 80
    // procedural walks (every footwear, gait and surface) a fixed 120 ms gap was 619 steps off
    // the engine's own count; a gap of 0.7 of the walk's step period (at most 400 ms) is 48
    // off, none of them missed.
    double gapMs = params.minGapMs;
    if (params.periodFraction > 0.0)
        if (const std::optional<double> period = stepPeriodSeconds(audio))
            gapMs = std::max(
                gapMs, std::min(params.maxPeriodGapMs, params.periodFraction * *period * 1000.0));
    const std::size_t minGap = msToFrames(gapMs, sr);
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
