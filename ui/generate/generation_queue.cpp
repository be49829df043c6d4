#include "generate/generation_queue.h"

namespace footfall::ui {

GenerationQueue::GenerationQueue(QObject* parent)
    : QObject(parent), m_cancel(std::make_shared<CancelToken>()) {
    qRegisterMetaType<GenerationJob>();
    qRegisterMetaType<GenerationProgress>();
    qRegisterMetaType<TakeRecord>();
    qRegisterMetaType<SharedAudio>();
    qRegisterMetaType<SharedTakeView>();
    m_thread.setObjectName(QStringLiteral("footfall-generation"));
    m_worker = new GenerationWorker(m_cancel);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &GenerationWorker::progressed, this, &GenerationQueue::progressed);
    connect(m_worker, &GenerationWorker::takeSaved, this, &GenerationQueue::takeSaved);
    connect(m_worker, &GenerationWorker::finished, this, &GenerationQueue::onFinished);
    m_thread.start();
}

GenerationQueue::~GenerationQueue() {
    m_pending.clear();
    m_cancel->cancel();
    m_thread.quit();
    m_thread.wait();
}

int GenerationQueue::submit(GenerationJob job) {
    job.id = m_nextId++;
    m_pending.enqueue(job);
    if (!m_running)
        startNext();
    Q_EMIT queueChanged();
    return job.id;
}

QVector<GenerationJob> GenerationQueue::pendingJobs() const {
    return QVector<GenerationJob>(m_pending.begin(), m_pending.end());
}

bool GenerationQueue::removePending(int jobId) {
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        if (it->id == jobId) {
            m_pending.erase(it);
            Q_EMIT queueChanged();
            return true;
        }
    }
    return false;
}

void GenerationQueue::cancelAll() {
    m_pending.clear();
    if (m_running)
        m_cancel->cancel();
    Q_EMIT queueChanged();
}

void GenerationQueue::startNext() {
    if (m_pending.isEmpty())
        return;
    const GenerationJob job = m_pending.dequeue();
    m_running = job.id;
    m_cancel->reset(); // only between jobs: a cancel during a run must stick until it ends
    GenerationWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, job] { worker->run(job); }, Qt::QueuedConnection);
}

void GenerationQueue::onFinished(int jobId, bool cancelled, const QString& error) {
    m_running = 0;
    Q_EMIT jobFinished(jobId, cancelled, error);
    startNext();
    Q_EMIT queueChanged();
}

} // namespace footfall::ui
