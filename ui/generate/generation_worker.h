// Runs the core (createEngine + generateTakes) on its own thread. The engine is created here,
// on the worker thread, and kept until the engine options change. Each saved take is analysed
// here too (peaks, meters, spectrogram), so the GUI thread only displays it.
#pragma once

#include "generate/generation_job.h"
#include "takes/take_record.h"
#include "takes/take_view_data.h"

#include "audio/audio_buffer.h"
#include "generation/engine.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

namespace footfall::ui {

using SharedAudio = std::shared_ptr<const AudioBuffer>;

class GenerationWorker : public QObject {
    Q_OBJECT
public:
    explicit GenerationWorker(std::shared_ptr<CancelToken> cancel, QObject* parent = nullptr);
    ~GenerationWorker() override;

    // Called on the worker thread (queued). Never throws: every outcome is a signal.
    void run(const footfall::ui::GenerationJob& job);

Q_SIGNALS:
    void progressed(const footfall::ui::GenerationProgress& progress);
    // The take with everything its view needs, computed here on the worker thread.
    void takeSaved(int jobId, const footfall::ui::TakeRecord& take,
                   footfall::ui::SharedTakeView analysis);
    // error is empty on success and on cancel.
    void finished(int jobId, bool cancelled, const QString& error);

private:
    Engine& engineFor(const EngineOptions& options, int jobId);
    void report(const GenerationProgress& progress, bool force);

    std::shared_ptr<CancelToken> m_cancel;
    std::unique_ptr<Engine> m_engine;
    EngineOptions m_engineOptions;
    QElapsedTimer m_sinceReport;
    QString m_lastText;
    ProgressClock m_clock; // the running job's elapsed time and ETA
};

// Human text and overall fraction for one core progress report.
GenerationProgress describeProgress(int jobId, const Progress& p);
// The time label of a job: "12 s elapsed · 1:05 left" (the whole job: every take of it),
// "12 s elapsed" before a sampler step was measured, "Took 1:17" at the end.
QString describeTiming(const ProgressEstimate& e);
// Its tooltip: the current take's elapsed time, ETA and the sampler's speed, as far as known.
QString describeTimingDetails(const ProgressEstimate& e);

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::SharedAudio)
