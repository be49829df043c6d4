#include "audio/loudness.h"

#include <ebur128.h>

#include <cmath>
#include <memory>
#include <optional>
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

// BS.1770 K-weighting (high shelf, then the RLB high-pass) as biquads designed for the sample
// rate from the standard's analog prototypes, then the mean square over the whole take:
// -0.691 + 10 log10(sum over channels of mean(y^2)), no gate. Front channels weigh 1.
namespace {

std::optional<double> ungatedLoudness(const AudioBuffer& audio) {
    if (audio.frames() == 0 || audio.sampleRate() <= 0)
        return std::nullopt;
    constexpr double pi = 3.14159265358979323846;
    const double rate = audio.sampleRate();
    struct Biquad {
        double b0, b1, b2, a1, a2;
    };
    double k = std::tan(pi * 1681.974450955533 / rate);
    const double q = 0.7071752369554196;
    const double vh = std::pow(10.0, 3.999843853973347 / 20.0);
    const double vb = std::pow(vh, 0.4996667741545416);
    double a0 = 1.0 + k / q + k * k;
    const Biquad shelf{(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0,
                       (vh - vb * k / q + k * k) / a0, 2.0 * (k * k - 1.0) / a0,
                       (1.0 - k / q + k * k) / a0};
    k = std::tan(pi * 38.13547087602444 / rate);
    const double qh = 0.5003270373238773;
    a0 = 1.0 + k / qh + k * k;
    const Biquad highpass{1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / qh + k * k) / a0};
    double energy = 0.0;
    for (int c = 0; c < audio.channels(); ++c) {
        double s1 = 0, s2 = 0, h1 = 0, h2 = 0, sum = 0;
        const float* x = audio.channel(c);
        for (std::size_t i = 0; i < audio.frames(); ++i) {
            // Transposed direct form II, one section after the other.
            const double u = shelf.b0 * x[i] + s1;
            s1 = shelf.b1 * x[i] - shelf.a1 * u + s2;
            s2 = shelf.b2 * x[i] - shelf.a2 * u;
            const double y = highpass.b0 * u + h1;
            h1 = highpass.b1 * u - highpass.a1 * y + h2;
            h2 = highpass.b2 * u - highpass.a2 * y;
            sum += y * y;
        }
        energy += sum / static_cast<double>(audio.frames());
    }
    if (!(energy > 0.0))
        return std::nullopt;
    return -0.691 + 10.0 * std::log10(energy);
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

    // Ungated loudness of the whole take: what a short one-shot "sounds like". Short takes
    // compute it directly (libebur128's window measure costs seconds even for a 2 s take:
    // its buffers are reset per call); long ones use the mean of the 400 ms block energies
    // (the same quantity, sampled every 100 ms).
    if (duration <= 3.0) {
        out.wholeTakeLufs = ungatedLoudness(audio);
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
