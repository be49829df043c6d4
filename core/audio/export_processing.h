// Pure processing for exports: normalise, trim, fade, slice a walk into steps. Plain C++ (no Qt,
// no Torch), used by the app's exporter and unit-tested in tests/core/tst_export_processing.cpp.
#pragma once

#include "audio/audio_buffer.h"

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace footfall {

struct FrameRange {
    std::size_t first = 0;
    std::size_t count = 0;
};

void applyGainDb(AudioBuffer& audio, double gainDb);

// Scales so the sample peak is `targetDbfs`; returns the gain applied (dB), 0 for silence.
double normaliseToPeak(AudioBuffer& audio, double targetDbfs);

// Scales so the loudness (integrated, else ungated whole-take) is `targetLufs`, but never so far
// that the sample peak exceeds `ceilingDbfs`. Returns the gain applied, empty when the take has
// no measurable loudness (silence).
std::optional<double> normaliseToLoudness(AudioBuffer& audio, double targetLufs,
                                          double ceilingDbfs = -1.0);

// The range between the first and last frame whose level is within `thresholdDb` (negative,
// relative to the take's peak) plus `padMs` either side. Empty range for silence.
FrameRange findNonSilentRange(const AudioBuffer& audio, double thresholdDb = -40.0,
                              double padMs = 10.0);
AudioBuffer trimSilence(const AudioBuffer& audio, double thresholdDb = -40.0, double padMs = 10.0);

// Raised-cosine fades; a fade longer than half the take is shortened to half.
void applyFades(AudioBuffer& audio, double fadeInMs, double fadeOutMs);

struct StepDetection {
    double thresholdDb = -30.0; // onset when the envelope rises above this, relative to peak
    double minGapMs = 120.0;    // shortest distance between two steps
    double preRollMs = 5.0;     // start a little before the onset
    double envelopeMs = 5.0;    // envelope smoothing (release)
    // The walk's own step period (stepPeriodSeconds) sets a longer gap: `periodFraction` of
    // it, at most maxPeriodGapMs, so that a heel and its toe (or a scuff) 100-250 ms apart
    // count as one step. 0 turns this off.
    double periodFraction = 0.7;
    double maxPeriodGapMs = 400.0;
};

// The period of a walk's steps in seconds (0.2 to 1.6 s): the shortest lag at which the
// autocorrelation of the take's level (log peak per 10 ms) has a local maximum of at least
// 0.6 of its largest, when that largest is at least 0.2 of the level's variance. Empty when
// the take is too short or shows no such repetition.
std::optional<double> stepPeriodSeconds(const AudioBuffer& audio);

// Onsets on a peak envelope (instant attack, `envelopeMs` release): a step starts where the
// envelope crosses the threshold upwards, at least the gap after the previous one: minGapMs,
// or periodFraction of the step period when that is longer (up to maxPeriodGapMs). Each step
// runs to the next onset (or the end of the take). The one step detector: the export's slicer
// and every take's step markers (io/take_tags.h) use it.
std::vector<FrameRange> detectSteps(const AudioBuffer& audio, const StepDetection& params = {});

} // namespace footfall
