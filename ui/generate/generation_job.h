// One queued generation: which engine, what to ask it, where to put the takes.
#pragma once

#include "generation/generation_request.h"
#include "generation/take_generation.h"

#include <QMetaType>
#include <QString>

namespace footfall::ui {

struct GenerationJob {
    int id = 0;
    GenerationRequest request; // engine options included
    OutputOptions output;
};

// What the progress bar and the status line show: an honest phase, never an ETA.
struct GenerationProgress {
    int jobId = 0;
    QString text;        // "Take 2/4 · sampling 37/100"
    double fraction = 0; // 0 ... 1 over the whole job
};

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::GenerationJob)
Q_DECLARE_METATYPE(footfall::ui::GenerationProgress)
