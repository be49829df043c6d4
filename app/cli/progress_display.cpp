#include "cli/progress_display.h"

#include <sys/ioctl.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace footfall::cli {

namespace {

constexpr double kRedrawSeconds = 0.1; // terminal: at most ten redraws a second
constexpr double kLineSeconds = 5.0;   // log: at most one sampling line per 5 s ...
constexpr int kLineStepsPercent = 10;  // ... and per 10% of the steps

bool hasSteps(const Progress& p) {
    return p.phase == Phase::Sampling && p.total > 0;
}

} // namespace

std::string describeProgress(const ProgressEstimate& e) {
    const Progress& p = e.progress;
    const int takes = std::max(1, p.takes);
    if (e.done())
        return "done: " + std::to_string(takes) + (takes == 1 ? " take in " : " takes in ") +
               formatDuration(e.runElapsed);
    // A pass of several takes names them all: "takes 1-4/8".
    const int last = std::min(takes, p.take + std::max(1, p.passTakes));
    std::string line =
        (last > p.take + 1 ? "takes " + std::to_string(p.take + 1) + "-" + std::to_string(last)
                           : "take " + std::to_string(p.take + 1)) +
        "/" + std::to_string(takes) + ": " + phaseName(p.phase);
    if (hasSteps(p))
        line += " " + std::to_string(p.step) + "/" + std::to_string(p.total);
    line += ", " + formatDuration(e.elapsed) + " elapsed";
    if (e.eta) {
        line += ", ETA " + formatDuration(*e.eta);
        if (takes > 1 && e.runEta && last < takes)
            line += " (all takes " + formatDuration(*e.runEta) + ")";
    }
    // Last: what a narrow terminal cuts off first.
    if (p.phase == Phase::Sampling && e.secondsPerStep)
        line += ", " + formatStepRate(*e.secondsPerStep);
    return line;
}

std::string progressBar(const ProgressEstimate& e, int cells) {
    const Progress& p = e.progress;
    double fraction = 0;
    if (hasSteps(p))
        fraction = std::clamp(double(p.step) / p.total, 0.0, 1.0);
    else if (p.phase == Phase::Decoding || p.phase == Phase::Analysing ||
             p.phase == Phase::Saving || p.phase == Phase::Done)
        fraction = 1;
    const int filled = static_cast<int>(fraction * cells);
    return "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "]";
}

int terminalWidth(int fd) {
    winsize size{};
    if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    if (const char* columns = std::getenv("COLUMNS")) {
        const int n = std::atoi(columns);
        if (n > 0)
            return n;
    }
    return 80;
}

ProgressDisplay::ProgressDisplay(std::ostream& out, bool terminal, int width)
    : m_out(out), m_terminal(terminal), m_width(std::max(20, width)) {}

void ProgressDisplay::start(double time) {
    m_clock.start(time);
}

void ProgressDisplay::report(const Progress& p, double time) {
    m_clock.update(p, time);
    const bool changed = !m_printed || p.phase != m_printedPhase || p.take != m_printedTake;
    const bool lastStep = hasSteps(p) && p.step >= p.total && p.step > m_printedStep;
    bool due = false;
    if (m_terminal)
        due = time - m_printedAt >= kRedrawSeconds;
    else
        due = hasSteps(p) && time - m_printedAt >= kLineSeconds &&
              (p.step - m_printedStep) * 100 >= kLineStepsPercent * p.total;
    if (changed || lastStep || due)
        print(m_clock.estimate(time), time);
}

void ProgressDisplay::print(const ProgressEstimate& e, double time) {
    m_printed = true;
    m_printedAt = time;
    m_printedPhase = e.progress.phase;
    m_printedTake = e.progress.take;
    m_printedStep = e.progress.step;
    if (!m_terminal) {
        m_out << describeProgress(e) << "\n" << std::flush;
        return;
    }
    if (e.done()) {
        clear(); // the summary follows on stdout
        return;
    }
    // One character short of the width: a full line would wrap, and "\r" would then redraw
    // only its last part. A narrow terminal gets a shorter bar, then the words are cut.
    const std::string words = describeProgress(e);
    const int cells = static_cast<int>(words.size()) + 23 < m_width ? 20 : 10;
    std::string line = progressBar(e, cells) + " " + words;
    if (static_cast<int>(line.size()) >= m_width)
        line.resize(m_width - 1);
    m_out << "\r\033[K" << line << std::flush;
    m_barShown = true;
}

void ProgressDisplay::clear() {
    if (m_terminal && m_barShown)
        m_out << "\r\033[K" << std::flush;
    m_barShown = false;
}

ProgressCallback ProgressDisplay::callback() {
    return [this](const Progress& p) { report(p, ProgressClock::now()); };
}

} // namespace footfall::cli
