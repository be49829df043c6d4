// EBU R128 / ITU-R BS.1770 loudness through libebur128.
#pragma once

#include "audio/audio_buffer.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace footfall {

struct Loudness {
    // Each value is empty when the standard leaves it undefined for this take
    // (e.g. integrated loudness of a take shorter than one 400 ms gating block).
    std::optional<double> integratedLufs;
    std::optional<double> maxMomentaryLufs;
    std::optional<double> maxShortTermLufs;
    std::optional<double> loudnessRangeLu;
    std::optional<double> truePeakDbtp;
    std::optional<double> wholeTakeLufs; // loudness over the whole take, ungated
    std::string note;                    // why a value is missing, for people
};

Loudness measureLoudness(const AudioBuffer& audio);
nlohmann::json toJson(const Loudness& loudness); // missing values are null
// toJson's object read back; a value that is missing, null or not a number stays empty.
Loudness loudnessFromJson(const nlohmann::json& json);

// The figure that ranks takes against each other (loudness-matched audition, the take list):
// integrated when defined, else whole-take ungated, else max momentary, so that a take the
// gates leave without integrated loudness still ranks.
std::optional<double> loudnessForRanking(const Loudness& loudness);

} // namespace footfall
