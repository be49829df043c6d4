// MainWindow and generation: submitting and cancelling jobs, the queue and the run log,
// takes arriving from the worker, recall, vary and the final render of a draft; init audio from
// a take or from a file dropped on the window.
#include "app/main_window.h"

#include "generate/generation_panel.h"
#include "takes/take_list_model.h"

#include "generation/draft.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QStatusBar>
#include <QTime>
#include <QUrl>

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
    if (take.isUnsaved())
        ++m_unsavedThisJob;
    addTake(take, std::move(analysis));
    m_panel->showSeedUsed(take.seed());
    updateTakeActions();
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
    if (!error.isEmpty() && m_unsavedThisJob > 0) {
        // The takes are in the list, marked, and in memory: say what to do about it.
        m_panel->showError(tr("%1. %n take(s) not saved: they stay in the list (⚠) until the "
                              "app is closed; make room, then Take ▸ Retry save.",
                              "", m_unsavedThisJob)
                               .arg(error));
        m_panel->showStatus(tr("Not saved"));
        statusBar()->showMessage(error, 10000);
    } else if (!error.isEmpty()) {
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
    m_unsavedThisJob = 0;
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

void MainWindow::varyFromCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    const TakeRecord& take = m_model->take(row);
    if (!QFileInfo::exists(take.audioPath)) {
        m_panel->showError(tr("Cannot vary %1: the file is gone.").arg(take.fileName()));
        return;
    }
    m_panel->clearError();
    // An SAO take brings its model, LoRAs and settings; any other take only its prompt, so
    // that the variation runs on the model chosen now. Either way with a new seed.
    if (take.engine() == QLatin1String("sao"))
        m_panel->recall(take);
    else
        m_panel->setPromptText(take.prompt());
    m_panel->setInitAudio(take.audioPath);
    m_panel->setSeedLocked(false);
    statusBar()->showMessage(
        tr("Varying %1: set the noise level, then Generate").arg(take.fileName()), 6000);
}

bool MainWindow::useAsInitAudio(const QString& path) {
    if (const QString problem = GenerationPanel::initAudioProblem(path); !problem.isEmpty()) {
        m_panel->showError(problem);
        statusBar()->showMessage(problem, 8000);
        return false;
    }
    m_panel->clearError();
    m_panel->setInitAudio(path);
    statusBar()->showMessage(
        tr("Init audio: %1 (the next generation varies it)").arg(QFileInfo(path).fileName()), 6000);
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    // Any local file is accepted here, so that a wrong one is answered in words on the drop.
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    event->acceptProposedAction();
    // One init audio per generation: the first file; more are named as left out.
    if (useAsInitAudio(urls.front().toLocalFile()) && urls.size() > 1)
        statusBar()->showMessage(
            tr("Init audio: %1 (the first of %n dropped files)", "", static_cast<int>(urls.size()))
                .arg(QFileInfo(urls.front().toLocalFile()).fileName()),
            6000);
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
