#include "audio/loudness.h"

#include <ebur128.h>

#include <cmath>
#include <memory>
#include <vector>

namespace footfall {

namespace {

struct StateDeleter {
    void operator()(ebur128_state* s) const { ebur128_destroy(&s); }
};

std::optional<double> finiteOrEmpty(int rc, double value) {
    if (rc != EBUR128_SUCCESS || !std::isfinite(value) || value <= -HUGE_VAL)
        return std::nullopt;
    return value;
}

} // namespace

Loudness measureLoudness(const AudioBuffer& audio) {
    Loudness out;
    if (audio.channels() < 1 || audio.empty()) {
        out.note = "empty take: loudness undefined";
        return out;
    }
    const int modes = EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
                      EBUR128_MODE_TRUE_PEAK;
    std::unique_ptr<ebur128_state, StateDeleter> st(
        ebur128_init(static_cast<unsigned>(audio.channels()),
                     static_cast<unsigned long>(audio.sampleRate()), modes));
    if (!st) {
        out.note = "loudness meter could not be initialised";
        return out;
    }
    // Feed in 100 ms chunks so momentary/short-term maxima can be tracked between blocks.
    const std::size_t hop = static_cast<std::size_t>(audio.sampleRate()) / 10;
    std::vector<float> chunk;
    double maxM = -HUGE_VAL, maxS = -HUGE_VAL;
    double blockEnergySum = 0.0;
    int blockCount = 0;
    const double duration = audio.durationSeconds();
    for (std::size_t pos = 0; pos < audio.frames(); pos += hop) {
        const std::size_t n = std::min(hop, audio.frames() - pos);
        chunk.resize(n * audio.channels());
        for (std::size_t i = 0; i < n; ++i)
            for (int c = 0; c < audio.channels(); ++c)
                chunk[i * audio.channels() + c] = audio.channel(c)[pos + i];
        ebur128_add_frames_float(st.get(), chunk.data(), n);
        const double t = static_cast<double>(pos + n) / audio.sampleRate();
        double v;
        if (t >= 0.4 - 1e-9 && ebur128_loudness_momentary(st.get(), &v) == EBUR128_SUCCESS) {
            if (std::isfinite(v))
                maxM = std::max(maxM, v);
            // Ungated mean of the 400 ms block energies (silent blocks count as zero).
            blockEnergySum += std::isfinite(v) ? std::pow(10.0, (v + 0.691) / 10.0) : 0.0;
            ++blockCount;
        }
        if (t >= 3.0 - 1e-9 && ebur128_loudness_shortterm(st.get(), &v) == EBUR128_SUCCESS &&
            std::isfinite(v))
            maxS = std::max(maxS, v);
    }
    std::vector<std::string> notes;
    if (duration < 0.4) {
        notes.push_back("take shorter than one 400 ms gating block: integrated and momentary "
                        "loudness are undefined");
    } else {
        double integrated = 0;
        const int rc = ebur128_loudness_global(st.get(), &integrated);
        out.integratedLufs = finiteOrEmpty(rc, integrated);
        if (!out.integratedLufs)
            notes.push_back(
                "integrated loudness undefined: every block is below the -70 LUFS gate");
        if (std::isfinite(maxM))
            out.maxMomentaryLufs = maxM;
    }
    if (duration < 3.0)
        notes.push_back("take shorter than 3 s: short-term loudness and LRA are undefined");
    else {
        if (std::isfinite(maxS))
            out.maxShortTermLufs = maxS;
        double lra;
        if (ebur128_loudness_range(st.get(), &lra) == EBUR128_SUCCESS && std::isfinite(lra))
            out.loudnessRangeLu = lra;
    }
    double tp = 0.0;
    for (int c = 0; c < audio.channels(); ++c) {
        double v;
        if (ebur128_true_peak(st.get(), static_cast<unsigned>(c), &v) == EBUR128_SUCCESS)
            tp = std::max(tp, v);
    }
    if (tp > 0.0)
        out.truePeakDbtp = 20.0 * std::log10(tp);
    else
        notes.push_back("silent take: true peak undefined");

    // Ungated loudness of the whole take: what a short one-shot "sounds like". libebur128's
    // window measure is quadratic in the window length, so long takes use the mean of the
    // 400 ms block energies instead (the same quantity, sampled every 100 ms).
    if (duration <= 3.0) {
        std::unique_ptr<ebur128_state, StateDeleter> whole(
            ebur128_init(static_cast<unsigned>(audio.channels()),
                         static_cast<unsigned long>(audio.sampleRate()), EBUR128_MODE_M));
        const auto window = static_cast<unsigned long>(std::floor(duration * 1000.0));
        if (whole && window > 0 &&
            ebur128_set_max_window(whole.get(), window + 1) == EBUR128_SUCCESS) {
            const auto inter = audio.interleaved();
            ebur128_add_frames_float(whole.get(), inter.data(), audio.frames());
            double w = 0;
            const int rc = ebur128_loudness_window(whole.get(), window, &w);
            out.wholeTakeLufs = finiteOrEmpty(rc, w);
        }
    } else if (blockCount > 0 && blockEnergySum > 0.0) {
        out.wholeTakeLufs = -0.691 + 10.0 * std::log10(blockEnergySum / blockCount);
    }
    for (std::size_t i = 0; i < notes.size(); ++i)
        out.note += (i ? "; " : "") + notes[i];
    return out;
}

nlohmann::json toJson(const Loudness& l) {
    auto opt = [](const std::optional<double>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json();
    };
    return {{"integrated_lufs", opt(l.integratedLufs)},
            {"max_momentary_lufs", opt(l.maxMomentaryLufs)},
            {"max_short_term_lufs", opt(l.maxShortTermLufs)},
            {"loudness_range_lu", opt(l.loudnessRangeLu)},
            {"true_peak_dbtp", opt(l.truePeakDbtp)},
            {"whole_take_lufs", opt(l.wholeTakeLufs)},
            {"note", l.note}};
}

Loudness loudnessFromJson(const nlohmann::json& json) {
    Loudness l;
    if (!json.is_object())
        return l;
    const auto read = [&json](const char* key, std::optional<double>& into) {
        if (const auto it = json.find(key); it != json.end() && it->is_number())
            into = it->get<double>();
    };
    read("integrated_lufs", l.integratedLufs);
    read("max_momentary_lufs", l.maxMomentaryLufs);
    read("max_short_term_lufs", l.maxShortTermLufs);
    read("loudness_range_lu", l.loudnessRangeLu);
    read("true_peak_dbtp", l.truePeakDbtp);
    read("whole_take_lufs", l.wholeTakeLufs);
    if (const auto it = json.find("note"); it != json.end() && it->is_string())
        l.note = it->get<std::string>();
    return l;
}

std::optional<double> loudnessForRanking(const Loudness& l) {
    if (l.integratedLufs)
        return l.integratedLufs;
    if (l.wholeTakeLufs)
        return l.wholeTakeLufs;
    return l.maxMomentaryLufs;
}

} // namespace footfall
