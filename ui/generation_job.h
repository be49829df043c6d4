// One queued generation: which engine, what to ask it, where to put the takes.
#pragma once

#include "engine/generation_request.h"
#include "engine/take_pipeline.h"
#include "pipeline/engine_factory.h"

#include <QMetaType>
#include <QString>

namespace footfall::ui {

struct GenerationJob {
    int id = 0;
    EngineOptions engine;
    GenerationRequest request;
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
