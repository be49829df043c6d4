// One queued generation: which engine, what to ask it, where to put the takes.
#pragma once

#include "base/progress_clock.h"
#include "generation/generation_request.h"
#include "generation/take_generation.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace footfall::ui {

struct GenerationJob {
    int id = 0;
    GenerationRequest request; // engine options included
    OutputOptions output;
    // Run as its draft (draftOf, once the engine is known): fewer steps, a fast sampler.
    bool draft = false;
};

// What the progress bar, the status line and the time label show: an honest phase, the time
// the job has taken, and an ETA only once a sampler step was measured (ProgressClock).
struct GenerationProgress {
    int jobId = 0;
    QString text;                           // "Take 2/4 · sampling 37/100"
    double fraction = 0;                    // 0 ... 1 over the whole job
    std::optional<ProgressEstimate> timing; // elapsed time and ETA as of the report
};

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::GenerationJob)
Q_DECLARE_METATYPE(footfall::ui::GenerationProgress)
