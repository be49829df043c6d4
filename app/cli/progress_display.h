// What footfall-cli shows on stderr while it generates: phase, step k/N, elapsed time and, once
// a sampler step was measured, the ETA (the arithmetic is ProgressClock's, shared with the app).
//
// On a terminal: one bar line, redrawn in place (carriage return, clear line) at each phase
// change and at most ten times a second in between, cut to the terminal's width, and cleared
// when the run is done. Elsewhere (a log, a pipe): a line at each phase change and at the last
// sampler step, and in between at most one sampling line per 5 s and per 10% of the steps.
#pragma once

#include "base/progress_clock.h"

#include <iosfwd>
#include <string>

namespace footfall::cli {

class ProgressDisplay {
public:
    ProgressDisplay(std::ostream& out, bool terminal, int width = 80);

    // The run starts (the clock's zero); without it, the first report starts it.
    void start(double time);
    void report(const Progress& progress, double time);
    // Removes the bar line from a terminal, so that an error message starts on a clean line.
    void clear();
    // report() at ProgressClock::now(); the display must outlive the callback.
    ProgressCallback callback();

private:
    void print(const ProgressEstimate& e, double time);

    std::ostream& m_out;
    bool m_terminal;
    int m_width;
    ProgressClock m_clock;
    bool m_barShown = false;
    bool m_printed = false;
    double m_printedAt = 0;
    Phase m_printedPhase = Phase::Loading;
    int m_printedTake = -1;
    int m_printedStep = 0;
};

// One report in words: "take 1/2: sampling 37/100, 12 s elapsed, ETA 21 s (all takes 1:30),
// 3.1 steps/s"; at the end "done: 2 takes in 0:14".
std::string describeProgress(const ProgressEstimate& e);
// "[#########...........]": the sampler steps of the current take (full after sampling).
std::string progressBar(const ProgressEstimate& e, int cells = 20);
// Columns of the terminal on `fd` ($COLUMNS or 80 when it does not say).
int terminalWidth(int fd);

} // namespace footfall::cli
