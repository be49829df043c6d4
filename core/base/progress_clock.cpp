#include "base/progress_clock.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace footfall {

ProgressEstimate ProgressEstimate::advancedTo(double time) const {
    if (done() || !(time > at))
        return *this;
    const double dt = time - at;
    ProgressEstimate e = *this;
    e.at = time;
    e.elapsed += dt;
    e.runElapsed += dt;
    if (e.eta)
        e.eta = std::max(0.0, *e.eta - dt);
    if (e.runEta)
        e.runEta = std::max(0.0, *e.runEta - dt);
    return e;
}

double ProgressClock::now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void ProgressClock::start(double time) {
    *this = ProgressClock();
    m_started = true;
    m_runStart = time;
    m_lastAt = time;
    m_takeStart = time;
    m_phaseStart = time;
}

void ProgressClock::beginTake(const Progress& progress, double time, double takeStart) {
    m_take = progress.take;
    m_takeStart = takeStart;
    m_phaseStart = time;
    m_loadingSeconds = 0;
    m_sampling = false;
    m_samplingFrom = 0;
    m_samplingFromStep = 0;
    m_samplingTotal = 0;
    m_secondsPerStep.reset();
    m_samplingEnd.reset();
}

void ProgressClock::finishTake(double time) {
    if (m_samplingEnd)
        m_afterSampling = std::max(0.0, time - *m_samplingEnd);
    const double loading =
        m_loadingSeconds + (m_last.phase == Phase::Loading ? time - m_phaseStart : 0.0);
    m_takeSeconds = std::max(0.0, time - m_takeStart - loading);
}

void ProgressClock::update(const Progress& p, double time) {
    if (!m_started || m_done || p.take < m_take)
        start(time);
    if (p.phase == Phase::Done) {
        if (m_take >= 0)
            finishTake(time);
        m_done = true;
        m_last = p;
        m_lastAt = time;
        return;
    }
    if (p.take != m_take) {
        if (m_take >= 0)
            finishTake(time);
        // The first take started with the run; a later one when its first report came.
        beginTake(p, time, m_take < 0 ? m_runStart : time);
    } else if (p.phase != m_last.phase) {
        if (m_last.phase == Phase::Loading)
            m_loadingSeconds += time - m_phaseStart;
        m_phaseStart = time;
    }

    if (p.phase == Phase::Sampling && p.total > 0) {
        if (!m_sampling || p.total != m_samplingTotal || p.step < m_samplingFromStep) {
            // The reference every later step is measured from.
            m_sampling = true;
            m_samplingFrom = time;
            m_samplingFromStep = p.step;
            m_samplingTotal = p.total;
            m_secondsPerStep.reset();
            m_samplingEnd.reset();
        } else if (p.step > m_samplingFromStep) {
            m_secondsPerStep = (time - m_samplingFrom) / (p.step - m_samplingFromStep);
        }
        if (p.step >= p.total && !m_samplingEnd)
            m_samplingEnd = time;
    } else if (m_sampling && !m_samplingEnd &&
               (p.phase == Phase::Decoding || p.phase == Phase::Analysing ||
                p.phase == Phase::Saving)) {
        m_samplingEnd = time; // the last step's report was not seen
    }
    m_last = p;
    m_lastAt = time;
}

ProgressEstimate ProgressClock::estimate(double time) const {
    ProgressEstimate e;
    e.progress = m_last;
    if (!m_started) {
        e.at = time;
        return e;
    }
    e.at = m_lastAt;
    e.elapsed = m_lastAt - m_takeStart;
    e.runElapsed = m_lastAt - m_runStart;
    e.secondsPerStep = m_secondsPerStep;
    if (m_done) {
        e.eta = 0.0;
        e.runEta = 0.0;
        return e;
    }
    const Phase phase = m_last.phase;
    if (phase == Phase::Sampling && m_secondsPerStep && m_samplingTotal > 0) {
        const int left = std::max(0, m_samplingTotal - m_last.step);
        e.eta = left * *m_secondsPerStep + m_afterSampling.value_or(0.0);
    } else if ((phase == Phase::Decoding || phase == Phase::Analysing || phase == Phase::Saving) &&
               m_samplingEnd && m_afterSampling) {
        e.eta = std::max(0.0, *m_afterSampling - (m_lastAt - *m_samplingEnd));
    }
    if (e.eta) {
        // Passes still to come (a pass makes passTakes takes together) last as long as the
        // previous one did, or during the first as long as this one will (its loading left
        // out: weights are loaded once a run).
        const int pass = std::max(1, m_last.passTakes);
        const int laterTakes = std::max(0, std::max(1, m_last.takes) - m_last.take - pass);
        const int later = (laterTakes + pass - 1) / pass;
        const double perTake =
            m_takeSeconds ? *m_takeSeconds
                          : std::max(0.0, m_lastAt - m_takeStart - m_loadingSeconds) + *e.eta;
        e.runEta = *e.eta + later * perTake;
    }
    return e.advancedTo(time);
}

std::string formatDuration(double seconds) {
    if (!(seconds > 0))
        seconds = 0;
    char text[32];
    if (seconds < 9.95) { // tenths while they still matter
        std::snprintf(text, sizeof text, "%.1f s", seconds);
        return text;
    }
    const long long total = std::llround(std::min(seconds, 1e9));
    if (total < 60)
        std::snprintf(text, sizeof text, "%lld s", total);
    else if (total < 3600)
        std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
    else
        std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total % 3600 / 60,
                      total % 60);
    return text;
}

std::string formatStepRate(double secondsPerStep) {
    char text[32];
    if (!(secondsPerStep > 0))
        return "0 s/step";
    if (secondsPerStep >= 1)
        std::snprintf(text, sizeof text, "%.1f s/step", std::min(secondsPerStep, 1e9));
    else if (1 / secondsPerStep < 100)
        std::snprintf(text, sizeof text, "%.1f steps/s", 1 / secondsPerStep);
    else
        std::snprintf(text, sizeof text, "%.0f steps/s", std::min(1 / secondsPerStep, 1e12));
    return text;
}

} // namespace footfall
