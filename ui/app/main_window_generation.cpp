// MainWindow and generation: submitting and cancelling jobs, the queue and the run log,
// takes arriving from the worker, recall, vary and the final render of a draft.
#include "app/main_window.h"

#include "generate/generation_panel.h"
#include "takes/take_list_model.h"

#include "generation/draft.h"

#include <QStatusBar>
#include <QTime>

namespace footfall::ui {

void MainWindow::generate() {
    m_panel->clearError();
    const GenerationJob job = m_panel->makeJob();
    m_panel->rememberPrompt(QString::fromStdString(job.request.prompt));
    m_panel->saveSettings();
    submit(job);
}

void MainWindow::submit(const GenerationJob& job) {
    const bool queued = m_queue->isBusy();
    m_jobPrompts.insert(m_queue->submit(job), QString::fromStdString(job.request.prompt));
    if (queued)
        m_panel->showStatus(tr("Queued: %1").arg(QString::fromStdString(job.request.prompt)));
}

void MainWindow::cancelGeneration() {
    if (m_queue->isBusy() || m_queue->pendingCount() > 0)
        m_panel->showStatus(tr("Cancelling…"));
    for (const GenerationJob& job : m_queue->pendingJobs())
        m_jobPrompts.remove(job.id);
    m_queue->cancelAll();
}

void MainWindow::onTakeSaved(int, const TakeRecord& take, SharedTakeView analysis) {
    ++m_takesThisJob;
    addTake(take, std::move(analysis));
    m_panel->showSeedUsed(take.seed());
}

void MainWindow::updateQueueView() {
    m_panel->setBusy(m_queue->isBusy(), m_queue->pendingCount());
    QVector<QPair<int, QString>> pending;
    for (const GenerationJob& job : m_queue->pendingJobs())
        pending.push_back({job.id, QString::fromStdString(job.request.prompt)});
    m_panel->setPending(pending);
    // English plurals without "(s)": "1 …" for one, the %n form (numerus in translations) else.
    const int pendingCount = m_queue->pendingCount();
    if (pendingCount > 0)
        statusBar()->showMessage(pendingCount == 1 ? tr("1 prompt queued")
                                                   : tr("%n prompts queued", "", pendingCount));
    else if (statusBar()->currentMessage() == tr("1 prompt queued"))
        statusBar()->clearMessage(); // the last waiting prompt has started
}

void MainWindow::onJobFinished(int jobId, bool cancelled, const QString& error) {
    const QString prompt = m_jobPrompts.take(jobId);
    const QString time = QTime::currentTime().toString(QStringLiteral("HH:mm"));
    if (!error.isEmpty())
        m_panel->addLogEntry(tr("%1 %2 — failed: %3").arg(time, prompt, error), false);
    else if (cancelled)
        m_panel->addLogEntry(tr("%1 %2 — cancelled, takes kept: %3")
                                 .arg(time, prompt, QString::number(m_takesThisJob)),
                             false);
    else
        m_panel->addLogEntry(tr("%1 %2 (×%3)").arg(time, prompt, QString::number(m_takesThisJob)),
                             true);
    if (!error.isEmpty()) {
        m_panel->showError(error);
        m_panel->showStatus(tr("Failed"));
        statusBar()->showMessage(tr("Generation failed"), 5000);
    } else if (cancelled) {
        m_panel->showStatus(m_takesThisJob == 1
                                ? tr("Cancelled (1 take kept)")
                                : tr("Cancelled (%n takes kept)", "", m_takesThisJob));
    } else {
        m_panel->showStatus(m_takesThisJob == 1 ? tr("Done: 1 take")
                                                : tr("Done: %n takes", "", m_takesThisJob));
    }
    m_takesThisJob = 0;
}

void MainWindow::recallCurrent() {
    if (currentRow() < 0)
        return;
    m_panel->recall(m_model->take(currentRow()));
    statusBar()->showMessage(tr("Settings of the take recalled (seed locked)"), 4000);
}

void MainWindow::varyCurrent() {
    if (currentRow() < 0)
        return;
    m_panel->recall(m_model->take(currentRow()));
    m_panel->setSeedLocked(false);
    generate();
}

void MainWindow::renderFinalCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    m_panel->clearError();
    GenerationJob job;
    try {
        job.request = finalOfTake(m_model->take(row).metadata);
    } catch (const GenerationError& e) {
        m_panel->showError(tr("Cannot render this take: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    job.output.folder = m_panel->outputFolder().toStdString();
    submit(job);
    statusBar()->showMessage(
        tr("Rendering the draft at full quality (%n steps)", "", job.request.steps), 4000);
}

} // namespace footfall::ui
