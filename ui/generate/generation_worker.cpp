#include "generate/generation_worker.h"

#include "engines/engine_factory.h"
#include "generation/draft.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <exception>

namespace footfall::ui {

namespace {

// Where each phase sits inside one take; sampling gets the bulk since it is the slow part.
double phaseFraction(const Progress& p) {
    const double within = p.total > 0 ? std::clamp(double(p.step) / p.total, 0.0, 1.0) : 0.0;
    switch (p.phase) {
    case Phase::Loading:
        return 0.0;
    case Phase::Encoding:
        return 0.02;
    case Phase::Sampling:
        return 0.05 + 0.85 * within;
    case Phase::Decoding:
        return 0.90;
    case Phase::Analysing:
        return 0.94;
    case Phase::Saving:
        return 0.97;
    case Phase::Done:
        return 1.0;
    }
    return 0.0;
}

} // namespace

GenerationProgress describeProgress(int jobId, const Progress& p) {
    GenerationProgress out;
    out.jobId = jobId;
    const int takes = std::max(1, p.takes);
    if (p.phase == Phase::Done) {
        out.text = QCoreApplication::translate("GenerationWorker", "Done");
        out.fraction = 1.0;
        return out;
    }
    QString phase = QString::fromUtf8(phaseName(p.phase));
    if (p.phase == Phase::Sampling && p.total > 0)
        phase += QStringLiteral(" %1/%2").arg(p.step).arg(p.total);
    const int pass = std::clamp(p.passTakes, 1, std::max(1, takes - p.take));
    if (pass > 1) // takes made together in one pass
        out.text = QCoreApplication::translate("GenerationWorker", "Takes %1–%2/%3 · %4")
                       .arg(p.take + 1)
                       .arg(p.take + pass)
                       .arg(takes)
                       .arg(phase);
    else
        out.text = takes > 1 ? QCoreApplication::translate("GenerationWorker", "Take %1/%2 · %3")
                                   .arg(p.take + 1)
                                   .arg(takes)
                                   .arg(phase)
                             : phase;
    out.fraction = std::clamp((p.take + pass * phaseFraction(p)) / takes, 0.0, 1.0);
    return out;
}

QString describeTiming(const ProgressEstimate& e) {
    const QString elapsed = QString::fromStdString(formatDuration(e.runElapsed));
    if (e.done())
        return QCoreApplication::translate("GenerationWorker", "Took %1").arg(elapsed);
    if (e.runEta)
        return QCoreApplication::translate("GenerationWorker", "%1 elapsed · %2 left")
            .arg(elapsed, QString::fromStdString(formatDuration(*e.runEta)));
    return QCoreApplication::translate("GenerationWorker", "%1 elapsed").arg(elapsed);
}

QString describeTimingDetails(const ProgressEstimate& e) {
    if (e.done())
        return describeTiming(e);
    const Progress& p = e.progress;
    QStringList lines;
    lines << QCoreApplication::translate("GenerationWorker", "Take %1/%2: %3 elapsed")
                 .arg(p.take + 1)
                 .arg(std::max(1, p.takes))
                 .arg(QString::fromStdString(formatDuration(e.elapsed)));
    if (e.eta)
        lines << QCoreApplication::translate("GenerationWorker", "This take: %1 left")
                     .arg(QString::fromStdString(formatDuration(*e.eta)));
    else if (p.phase == Phase::Loading || p.phase == Phase::Encoding || p.phase == Phase::Sampling)
        lines << QCoreApplication::translate("GenerationWorker",
                                             "No ETA until a sampler step has been measured");
    else
        lines << QCoreApplication::translate(
            "GenerationWorker",
            "No ETA for decoding and saving until a take has been through them");
    if (e.secondsPerStep)
        lines << QCoreApplication::translate("GenerationWorker", "Sampler: %1")
                     .arg(QString::fromStdString(formatStepRate(*e.secondsPerStep)));
    return lines.join(QLatin1Char('\n'));
}

GenerationWorker::GenerationWorker(std::shared_ptr<CancelToken> cancel, QObject* parent)
    : QObject(parent), m_cancel(std::move(cancel)) {}

GenerationWorker::~GenerationWorker() = default;

Engine& GenerationWorker::engineFor(const EngineOptions& options, int jobId) {
    if (m_engine && options == m_engineOptions)
        return *m_engine;
    m_engine.reset(); // free the old model before loading another
    GenerationProgress loading;
    loading.jobId = jobId;
    loading.text = tr("Loading %1 engine…").arg(QString::fromStdString(resolveEngineName(options)));
    loading.timing = m_clock.estimate(ProgressClock::now());
    report(loading, true);
    m_engine = createEngine(options);
    m_engineOptions = options;
    return *m_engine;
}

void GenerationWorker::report(const GenerationProgress& progress, bool force) {
    // Engines may report thousands of steps: a queued signal per step would flood the GUI.
    if (!force && progress.text == m_lastText)
        return;
    if (!force && m_sinceReport.isValid() && m_sinceReport.elapsed() < 15)
        return;
    m_lastText = progress.text;
    m_sinceReport.start();
    Q_EMIT progressed(progress);
}

void GenerationWorker::run(const GenerationJob& job) {
    QString error;
    bool cancelled = false;
    try {
        throwIfCancelled(m_cancel.get());
        // The job's clock starts before its engine is made: loading counts as waiting too.
        m_clock.start(ProgressClock::now());
        Engine& engine = engineFor(job.request.engine, job.id);
        Phase lastPhase = Phase::Done;
        const auto onProgress = [&](const Progress& p) {
            const bool phaseChanged = p.phase != lastPhase;
            lastPhase = p.phase;
            // Every report feeds the clock; the GUI gets them rationed (report()).
            const double now = ProgressClock::now();
            m_clock.update(p, now);
            GenerationProgress progress = describeProgress(job.id, p);
            progress.timing = m_clock.estimate(now);
            report(progress, phaseChanged || p.step == p.total);
        };
        const auto onSaved = [&](const Take& take) {
            TakeRecord record;
            record.audioPath = QString::fromStdString(take.audioPath);
            record.sidecarPath = QString::fromStdString(take.sidecarPath);
            record.metadata = take.metadata;
            record.created = QDateTime::currentDateTime();
            if (!take.saveError.empty()) { // kept in memory for Take ▸ Retry save
                record.saveError = QString::fromStdString(take.saveError);
                record.unsaved = std::make_shared<const Take>(take);
            }
            Q_EMIT takeSaved(
                job.id, record,
                prepareTakeView(std::make_shared<const AudioBuffer>(take.audio), take.analysis));
        };
        // The draft settings depend on the engine (its samplers), so they are chosen here.
        const GenerationRequest request = job.draft ? draftOf(job.request, engine) : job.request;
        generateTakes(engine, request, job.output, onProgress, m_cancel.get(), onSaved);
    } catch (const Cancelled&) {
        cancelled = true;
    } catch (const GenerationError& e) {
        error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        // Not a user error, but still a sentence in the window rather than a crash.
        error = tr("Generation failed: %1").arg(QString::fromStdString(e.what()));
    } catch (...) {
        error = tr("Generation failed for an unknown reason.");
    }
    if (!error.isEmpty())
        m_engine.reset(); // a failed engine may be in a bad state: rebuild next time
    Q_EMIT finished(job.id, cancelled, error);
}

} // namespace footfall::ui
