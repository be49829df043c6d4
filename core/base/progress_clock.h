// How long a generation has been running and how long it will still take, from its Progress
// reports and the times they arrived. The one place of this arithmetic: footfall-cli and the app
// both feed a ProgressClock and show what it estimates.
//
// Times are seconds on one monotonic clock, passed in explicitly, so a test drives it with a
// fake clock; ProgressClock::now() is the real one (std::chrono::steady_clock).
//
// What is measured, and what is only estimated:
// - seconds per step: the sampler's, measured within the current take from its first sampling
//   report, so one measured step is needed (SAO reports step 0 when sampling starts, so its
//   first step report gives it; the procedural engine's first report is step 1, so its second).
// - ETA of a take: its remaining sampler steps times the measured seconds per step, plus the
//   phases after sampling (decoding, analysing, saving) as long as they took in the previous
//   take of the run; before a previous take measured them they count as 0, and once sampling is
//   over without such a measurement there is no ETA. No ETA before the first measured step.
// - ETA of the run: the take's ETA plus, for each take still to come, the duration of the last
//   finished take (its one-off loading phase left out) or, during the first take, this take's
//   projected duration.
// Each take starts afresh (its elapsed time, seconds per step and ETA); a Progress with a lower
// take index than before, or any report after Done, starts a new run.
#pragma once

#include "base/progress.h"

#include <optional>
#include <string>

namespace footfall {

struct ProgressEstimate {
    Progress progress;                    // the latest report
    double at = 0;                        // the time this estimate is for
    double elapsed = 0;                   // seconds since the current take started
    double runElapsed = 0;                // seconds since the run started
    std::optional<double> secondsPerStep; // measured sampler seconds per step, this take
    std::optional<double> eta;            // seconds until the current take is saved
    std::optional<double> runEta;         // seconds until the last take of the run is saved

    bool done() const { return progress.phase == Phase::Done; }
    // The same estimate at a later time without a new report: the clocks run on and the ETAs
    // count down (never below 0). A finished run's estimate stays as it is.
    ProgressEstimate advancedTo(double time) const;
};

class ProgressClock {
public:
    // Seconds on std::chrono::steady_clock (an arbitrary origin, shared by all threads).
    static double now();

    // A new run starts at `time`: everything measured before is forgotten. Without it, the run
    // starts with the first report.
    void start(double time);
    bool started() const { return m_started; }
    // One progress report, which arrived at `time` (times never go backwards).
    void update(const Progress& progress, double time);
    // What is known at `time` (at or after the latest report).
    ProgressEstimate estimate(double time) const;

private:
    void beginTake(const Progress& progress, double time, double takeStart);
    void finishTake(double time);

    bool m_started = false;
    bool m_done = false;
    double m_runStart = 0;
    // The latest report.
    Progress m_last;
    double m_lastAt = 0;
    // The current take.
    int m_take = -1;
    double m_takeStart = 0;
    double m_phaseStart = 0;
    double m_loadingSeconds = 0; // time in the Loading phase (loading weights: once a run)
    bool m_sampling = false;     // a sampling reference exists
    double m_samplingFrom = 0;   // the reference: the first sampling report's time and step
    int m_samplingFromStep = 0;
    int m_samplingTotal = 0;
    std::optional<double> m_secondsPerStep;
    std::optional<double> m_samplingEnd; // when the last step was reported
    // Finished takes of this run.
    std::optional<double> m_afterSampling; // decoding..saving of the last finished take
    std::optional<double> m_takeSeconds;   // the last finished take, its loading left out
};

// "4.2 s" under 10 s, "12 s" under a minute, "1:05" under an hour, "1:02:03" beyond (from 10 s
// on rounded to whole seconds; negative or not a number: "0.0 s").
std::string formatDuration(double seconds);
// A sampler speed the way people read it: "2.4 s/step" when a step takes a second or more, else
// "3.5 steps/s" ("850 steps/s" from 100 on).
std::string formatStepRate(double secondsPerStep);

} // namespace footfall
