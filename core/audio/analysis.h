// Level and stereo-image measurements of a take. No Qt, no Torch.
#pragma once

#include "audio/audio_buffer.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace footfall {

// dBFS of silence: a defined floor instead of -inf, so JSON and UIs never see NaN/-inf.
constexpr double kSilenceFloorDb = -120.0;
// Below this sample peak a take counts as silent for correlation (meters gate to "—").
constexpr double kCorrelationGateDb = -60.0;

double toDbfs(double linear); // 20·log10, clamped to kSilenceFloorDb
double samplePeak(const AudioBuffer& audio);
double rms(const AudioBuffer& audio); // over all channels and frames; plain RMS (no +3 dB AES17)

struct LevelStats {
    double peak = 0.0;
    double rms = 0.0;
    double peakDb = kSilenceFloorDb;
    double rmsDb = kSilenceFloorDb;
};
LevelStats measureLevels(const AudioBuffer& audio);

enum class PhaseStatus { Good, MildPhaseIssue, SeverePhaseIssue, Mono, Silent };
const char* phaseStatusName(PhaseStatus status); // "good", "mild_phase_issue", ...

struct PhaseInfo {
    PhaseStatus status = PhaseStatus::Silent;
    std::optional<double> correlation; // empty for mono/silent takes
    std::string message;
};
// Pearson correlation of L and R over the whole take, classified as the metadata's phase_info
// reports it: < -0.7 severe, -0.7 ... -0.3 mild, > -0.3 good.
PhaseInfo analysePhase(const AudioBuffer& audio);
PhaseInfo classifyCorrelation(double correlation);

// The professional correlation meter (Adriaensen's Stcorrdsp convention): one-pole low-pass
// at 2 kHz on both channels, then L·R, L², R² each integrated with tau = 0.3 s.
class CorrelationMeter {
public:
    explicit CorrelationMeter(int sampleRate, double lowpassHz = 2000.0, double tauSeconds = 0.3);
    void reset();
    void process(const float* left, const float* right, std::size_t frames);
    // Current reading in [-1, 1]; empty when the integrated level is below the gate.
    std::optional<double> value() const;

private:
    double m_lpCoeff;
    double m_intCoeff;
    double m_l = 0, m_r = 0;
    double m_lr = 0, m_ll = 0, m_rr = 0;
};

// Meter readings every `hopFrames` frames across the whole take (empty entries are gated).
std::vector<std::optional<double>> correlationSeries(const AudioBuffer& audio,
                                                     std::size_t hopFrames);

nlohmann::json toJson(const PhaseInfo& info);
// toJson's object read back; empty when "status" is missing or names no PhaseStatus.
std::optional<PhaseInfo> phaseInfoFromJson(const nlohmann::json& json);

} // namespace footfall
