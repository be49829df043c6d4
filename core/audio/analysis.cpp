#include "audio/analysis.h"

#include <algorithm>
#include <cmath>

namespace footfall {

double toDbfs(double linear) {
    if (!(linear > 0.0) || !std::isfinite(linear))
        return kSilenceFloorDb;
    return std::max(kSilenceFloorDb, 20.0 * std::log10(linear));
}

double samplePeak(const AudioBuffer& audio) {
    double peak = 0.0;
    for (int c = 0; c < audio.channels(); ++c)
        for (float s : audio.channelVector(c))
            peak = std::max(peak, static_cast<double>(std::fabs(s)));
    return peak;
}

double rms(const AudioBuffer& audio) {
    const double count = static_cast<double>(audio.frames()) * audio.channels();
    if (count <= 0)
        return 0.0;
    double sum = 0.0;
    for (int c = 0; c < audio.channels(); ++c)
        for (float s : audio.channelVector(c))
            sum += static_cast<double>(s) * s;
    return std::sqrt(sum / count);
}

LevelStats measureLevels(const AudioBuffer& audio) {
    LevelStats stats;
    stats.peak = samplePeak(audio);
    stats.rms = rms(audio);
    stats.peakDb = toDbfs(stats.peak);
    stats.rmsDb = toDbfs(stats.rms);
    return stats;
}

const char* phaseStatusName(PhaseStatus status) {
    switch (status) {
    case PhaseStatus::Good:
        return "good";
    case PhaseStatus::MildPhaseIssue:
        return "mild_phase_issue";
    case PhaseStatus::SeverePhaseIssue:
        return "severe_phase_issue";
    case PhaseStatus::Mono:
        return "mono";
    case PhaseStatus::Silent:
        return "silent";
    }
    return "unknown";
}

PhaseInfo classifyCorrelation(double correlation) {
    PhaseInfo info;
    info.correlation = correlation;
    if (correlation < -0.7) {
        info.status = PhaseStatus::SeverePhaseIssue;
        info.message = "Severe phase issue: the channels largely cancel when summed to mono";
    } else if (correlation <= -0.3) {
        info.status = PhaseStatus::MildPhaseIssue;
        info.message = "Mild phase issue: check mono compatibility";
    } else {
        info.status = PhaseStatus::Good;
        info.message = "Good phase correlation: mono compatible";
    }
    return info;
}

PhaseInfo analysePhase(const AudioBuffer& audio) {
    PhaseInfo info;
    if (audio.channels() < 2) {
        info.status = PhaseStatus::Mono;
        info.message = "Mono take: no stereo phase to analyse";
        return info;
    }
    if (toDbfs(samplePeak(audio)) < kCorrelationGateDb) {
        info.status = PhaseStatus::Silent;
        info.message = "Silent take: phase correlation is undefined";
        return info;
    }
    const float* l = audio.channel(0);
    const float* r = audio.channel(1);
    const std::size_t n = audio.frames();
    double meanL = 0, meanR = 0;
    for (std::size_t i = 0; i < n; ++i) {
        meanL += l[i];
        meanR += r[i];
    }
    meanL /= n;
    meanR /= n;
    double lr = 0, ll = 0, rr = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double a = l[i] - meanL, b = r[i] - meanR;
        lr += a * b;
        ll += a * a;
        rr += b * b;
    }
    // One silent channel (or pure DC) has no defined correlation.
    if (ll <= 1e-20 || rr <= 1e-20) {
        info.status = PhaseStatus::Silent;
        info.message = "One channel is silent: phase correlation is undefined";
        return info;
    }
    const double r_ = std::clamp(lr / std::sqrt(ll * rr), -1.0, 1.0);
    // Two identical channels are a mono take stored as stereo: say so explicitly.
    if (r_ > 0.99999) {
        bool identical = std::equal(l, l + n, r);
        if (identical) {
            info = classifyCorrelation(1.0);
            info.status = PhaseStatus::Mono;
            info.message = "Dual mono: both channels are identical";
            return info;
        }
    }
    return classifyCorrelation(r_);
}

CorrelationMeter::CorrelationMeter(int sampleRate, double lowpassHz, double tauSeconds) {
    const double fs = sampleRate > 0 ? sampleRate : 44100;
    m_lpCoeff = 1.0 - std::exp(-2.0 * M_PI * lowpassHz / fs);
    m_intCoeff = 1.0 - std::exp(-1.0 / (tauSeconds * fs));
}

void CorrelationMeter::reset() {
    m_l = m_r = m_lr = m_ll = m_rr = 0.0;
}

void CorrelationMeter::process(const float* left, const float* right, std::size_t frames) {
    for (std::size_t i = 0; i < frames; ++i) {
        m_l += m_lpCoeff * (left[i] - m_l);
        m_r += m_lpCoeff * (right[i] - m_r);
        m_lr += m_intCoeff * (m_l * m_r - m_lr);
        m_ll += m_intCoeff * (m_l * m_l - m_ll);
        m_rr += m_intCoeff * (m_r * m_r - m_rr);
    }
}

std::optional<double> CorrelationMeter::value() const {
    // Gate: the integrated mean square of either channel below -60 dBFS reads "no value".
    const double gate = std::pow(10.0, kCorrelationGateDb / 10.0);
    if (m_ll < gate || m_rr < gate)
        return std::nullopt;
    return std::clamp(m_lr / std::sqrt(m_ll * m_rr), -1.0, 1.0);
}

std::vector<std::optional<double>> correlationSeries(const AudioBuffer& audio,
                                                     std::size_t hopFrames) {
    std::vector<std::optional<double>> series;
    if (audio.channels() < 2 || hopFrames == 0)
        return series;
    CorrelationMeter meter(audio.sampleRate());
    for (std::size_t pos = 0; pos < audio.frames(); pos += hopFrames) {
        const std::size_t n = std::min(hopFrames, audio.frames() - pos);
        meter.process(audio.channel(0) + pos, audio.channel(1) + pos, n);
        series.push_back(meter.value());
    }
    return series;
}

nlohmann::json toJson(const PhaseInfo& info) {
    nlohmann::json j;
    j["status"] = phaseStatusName(info.status);
    j["correlation"] = info.correlation ? nlohmann::json(*info.correlation) : nlohmann::json();
    j["message"] = info.message;
    return j;
}

std::optional<PhaseInfo> phaseInfoFromJson(const nlohmann::json& json) {
    if (!json.is_object() || !json.contains("status") || !json["status"].is_string())
        return std::nullopt;
    const std::string name = json["status"].get<std::string>();
    PhaseInfo info;
    bool known = false;
    for (const PhaseStatus s :
         {PhaseStatus::Good, PhaseStatus::MildPhaseIssue, PhaseStatus::SeverePhaseIssue,
          PhaseStatus::Mono, PhaseStatus::Silent})
        if (name == phaseStatusName(s)) {
            info.status = s;
            known = true;
        }
    if (!known)
        return std::nullopt;
    if (const auto it = json.find("correlation"); it != json.end() && it->is_number())
        info.correlation = it->get<double>();
    if (const auto it = json.find("message"); it != json.end() && it->is_string())
        info.message = it->get<std::string>();
    return info;
}

} // namespace footfall
