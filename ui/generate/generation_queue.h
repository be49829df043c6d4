// Owns the worker thread and the queue of jobs submitted while a run is going.
#pragma once

#include "generate/generation_job.h"
#include "generate/generation_worker.h"

#include <QObject>
#include <QQueue>
#include <QThread>
#include <QVector>

#include <memory>

namespace footfall::ui {

class GenerationQueue : public QObject {
    Q_OBJECT
public:
    explicit GenerationQueue(QObject* parent = nullptr);
    ~GenerationQueue() override; // cancels, then joins the thread

    // Starts at once when idle, else waits its turn; returns the job id.
    int submit(GenerationJob job);
    bool isBusy() const { return m_running != 0; }
    int pendingCount() const { return static_cast<int>(m_pending.size()); }
    int runningJob() const { return m_running; }
    // The waiting jobs, in the order they will run.
    QVector<GenerationJob> pendingJobs() const;
    // Drops a waiting job; false when `jobId` is not waiting (running or finished).
    bool removePending(int jobId);

public Q_SLOTS:
    // Stops the running job within one engine step and drops the waiting ones.
    void cancelAll();

Q_SIGNALS:
    void progressed(const footfall::ui::GenerationProgress& progress);
    void takeSaved(int jobId, const footfall::ui::TakeRecord& take,
                   footfall::ui::SharedTakeView analysis);
    void jobFinished(int jobId, bool cancelled, const QString& error);
    void queueChanged(); // busy state or pending count changed

private:
    void startNext();
    void onFinished(int jobId, bool cancelled, const QString& error);

    QThread m_thread;
    std::shared_ptr<CancelToken> m_cancel;
    GenerationWorker* m_worker = nullptr; // lives on m_thread
    QQueue<GenerationJob> m_pending;
    int m_running = 0;
    int m_nextId = 1;
};

} // namespace footfall::ui
