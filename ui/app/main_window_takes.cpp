// MainWindow and the take list: selection, showing a take from the cache or once the loader
// has read it, adding and removing takes, importing a library folder.
#include "app/main_window.h"

#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "takes/take_loader.h"
#include "views/correlation_meter_widget.h"
#include "views/goniometer_widget.h"
#include "views/metadata_panel.h"
#include "views/waveform_view.h"

#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/file_check.h"
#include "io/metadata.h"
#include "io/take_tags.h"

#include <QAction>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSet>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <unistd.h>

namespace footfall::ui {

int MainWindow::currentRow() const {
    const QModelIndex i = m_table->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void MainWindow::selectRow(int row) {
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_table->setCurrentIndex(m_model->index(row, TakeListModel::Prompt));
    m_table->selectRow(row);
}

std::shared_ptr<const AudioBuffer> MainWindow::audioFor(const TakeRecord& take) {
    if (const SharedTakeView a = m_cache.find(take.audioPath))
        return a->audio;
    try {
        return std::make_shared<const AudioBuffer>(readAudioFile(take.audioPath.toStdString()));
    } catch (const std::exception&) {
        return nullptr;
    }
}

void MainWindow::updateTakeActions() {
    const int row = currentRow();
    m_renderFinal->setEnabled(row >= 0 && row < m_model->rowCount() &&
                              m_model->take(row).isDraft());
    const QVector<TakeRecord>& takes = m_model->takes();
    m_retrySave->setEnabled(
        !m_retryThread &&
        std::any_of(takes.begin(), takes.end(), [](const TakeRecord& t) { return t.isUnsaved(); }));
}

bool MainWindow::retrySave() {
    if (m_retryThread)
        return false;
    std::vector<std::pair<QString, std::shared_ptr<Take>>> jobs;
    for (const TakeRecord& record : m_model->takes())
        if (record.isUnsaved() && record.unsaved)
            jobs.emplace_back(record.audioPath, std::make_shared<Take>(*record.unsaved));
    if (jobs.empty())
        return false;
    m_retrySave->setEnabled(false);
    statusBar()->showMessage(tr("Saving %n take(s)…", "", static_cast<int>(jobs.size())));
    m_retryThread = QThread::create([this, jobs = std::move(jobs)]() mutable {
        for (auto& job : jobs)
            saveTake(*job.second);
        const std::lock_guard<std::mutex> lock(m_retryMutex);
        m_retryResults = std::move(jobs);
    });
    connect(m_retryThread, &QThread::finished, this, &MainWindow::applyRetryResults);
    m_retryThread->start();
    return true;
}

bool MainWindow::isRetryingSave() const {
    return m_retryThread != nullptr;
}

void MainWindow::applyRetryResults() {
    if (!m_retryThread)
        return;
    m_retryThread->wait();
    m_retryThread->deleteLater();
    m_retryThread = nullptr;
    std::vector<std::pair<QString, std::shared_ptr<Take>>> results;
    {
        const std::lock_guard<std::mutex> lock(m_retryMutex);
        results.swap(m_retryResults);
    }
    int saved = 0, failed = 0;
    QString lastError;
    for (const auto& [oldPath, take] : results) {
        // Rows may have moved (or gone) while the worker wrote: find the take by its path.
        const int row = static_cast<int>(m_model->audioPaths().indexOf(oldPath));
        if (row < 0)
            continue;
        TakeRecord record = m_model->take(row);
        if (!record.isUnsaved())
            continue;
        if (!take->saveError.empty()) {
            ++failed;
            lastError = QString::fromStdString(take->saveError);
            record.saveError = lastError;
            m_model->setTake(row, record);
            continue;
        }
        ++saved;
        record.audioPath = QString::fromStdString(take->audioPath); // new if the name was taken
        record.sidecarPath = QString::fromStdString(take->sidecarPath);
        record.metadata = take->metadata;
        record.saveError.clear();
        record.unsaved.reset();
        if (record.audioPath != oldPath) {
            if (SharedTakeView view = m_cache.find(oldPath))
                m_cache.put(record.audioPath, view);
            m_cache.remove(oldPath);
        }
        m_model->setTake(row, record); // persists the list with it
    }
    updateTakeActions();
    if (failed > 0) {
        const QString message = tr("%n take(s) still not saved: %1", "", failed).arg(lastError);
        m_panel->showError(message);
        statusBar()->showMessage(message, 10000);
    } else if (saved > 0) {
        m_panel->clearError();
        statusBar()->showMessage(tr("%n take(s) saved", "", saved), 6000);
    }
    Q_EMIT retrySaveFinished(failed);
}

void MainWindow::onCurrentChanged(int row) {
    updateTakeActions();
    if (row < 0 || row >= m_model->rowCount()) {
        m_current.reset();
        m_player->setAudio(nullptr, QString());
        m_waveform->setTake(nullptr);
        m_meta->clear();
        m_corr->clear();
        m_gonio->clear();
        return;
    }
    const TakeRecord& take = m_model->take(row);
    m_meta->setMetadata(take.metadata, take.audioPath);
    if (SharedTakeView analysis = m_cache.find(take.audioPath)) {
        showTake(take, std::move(analysis));
        return;
    }
    // Not in memory: read and analyse it on the loader's thread, show it when it arrives.
    m_current.reset();
    if (!m_abSwitching)
        m_player->setAudio(nullptr, QString());
    m_waveform->setTake(nullptr);
    m_waveform->setLoading(true);
    m_corr->clear();
    m_gonio->clear();
    m_loader->request(take.audioPath, take.metadata);
}

void MainWindow::onTakeLoaded(const QString& path, SharedTakeView analysis, const QString& error) {
    if (analysis)
        m_cache.put(path, analysis);
    const int row = currentRow();
    if (row < 0 || m_model->take(row).audioPath != path)
        return; // the user has moved on; the analysis stays cached
    if (!analysis) {
        m_waveform->setLoading(false);
        statusBar()->showMessage(tr("Cannot read %1: %2").arg(path, error), 8000);
        return;
    }
    showTake(m_model->take(row), std::move(analysis));
}

void MainWindow::showTake(const TakeRecord& take, SharedTakeView analysis) {
    m_current = std::move(analysis);
    const auto& audio = m_current->audio;
    if (m_abSwitching) {
        m_player->switchAudio(audio, take.audioPath);
        const std::size_t pos = m_player->positionFrames();
        m_waveform->setTake(m_current);
        m_waveform->setPlayhead(pos);
        m_lastFed = pos;
    } else {
        m_player->setAudio(audio, take.audioPath);
        m_waveform->setTake(m_current);
    }
    updateGain();
    updateAbLabel();
    if (!m_player->isPlaying())
        showStaticMeters();
    if (!m_abSwitching && !m_suppressAutoPlay && m_autoPlay->isChecked())
        m_player->play();
}

void MainWindow::addTake(const TakeRecord& take, SharedTakeView analysis) {
    if (analysis)
        m_cache.put(take.audioPath, std::move(analysis));
    // Keep the listener's place: a new take only becomes current when nothing is playing.
    const QString current = m_player->key();
    m_model->addTake(take);
    if (!m_player->isPlaying()) {
        m_suppressAutoPlay = true;
        selectRow(0);
        m_suppressAutoPlay = false;
    } else if (const int row = m_model->rowOfPath(current); row >= 0) {
        m_table->selectionModel()->blockSignals(true);
        m_table->setCurrentIndex(m_model->index(row, TakeListModel::Prompt));
        m_table->selectRow(row);
        m_table->selectionModel()->blockSignals(false);
    }
    updateGain();
}

void MainWindow::removeCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    m_model->removeTakeAt(row); // the file stays on disk: the list is a view of the library
    selectRow(std::min(row, m_model->rowCount() - 1));
}

void MainWindow::recoverAfterCrash(const QDateTime& listWritten) {
    const QString folder = m_panel->outputFolder();
    QStringList notes;
    int removed = 0;
    for (const LeftoverFile& f : leftoverTemporaryFiles(folder.toStdString())) {
        // ".<name>.<pid>.part": a live process (another instance) may still be writing it.
        const QString name = QFileInfo(QString::fromStdString(f.path)).fileName();
        const QStringList parts = name.split(QLatin1Char('.'));
        bool number = false;
        const qint64 pid = parts.size() >= 3 ? parts.at(parts.size() - 2).toLongLong(&number) : 0;
        if (number && pid > 0 && (pid == ::getpid() || ::kill(static_cast<pid_t>(pid), 0) == 0))
            continue;
        if (QFile::remove(QString::fromStdString(f.path)))
            ++removed;
    }
    if (removed > 0)
        notes << tr("Removed %n unfinished file(s) of an interrupted save from %1", "", removed)
                     .arg(QDir::toNativeSeparators(folder));
    if (!listWritten.isValid()) {
        // No list yet: one now, so that the next start knows which takes came after it.
        m_store.save({});
    } else {
        // Takes written after the list but not in it: the app stopped (a crash, a kill)
        // between saving a take and writing the list.
        const QStringList listed = m_model->audioPaths();
        const QSet<QString> inList(listed.begin(), listed.end());
        QVector<TakeRecord> found;
        int rebuilt = 0;
        const QFileInfoList files = QDir(folder).entryInfoList(
            {QStringLiteral("*.wav"), QStringLiteral("*.flac")}, QDir::Files, QDir::Time);
        for (const QFileInfo& file : files) {
            if (file.lastModified() <= listWritten || inList.contains(file.absoluteFilePath()))
                continue;
            const std::string path = file.absoluteFilePath().toStdString();
            const std::string sidecar = sidecarPathFor(path);
            const auto probe = probeAudioFile(path);
            if (!probe || !probe->complete)
                continue;
            const bool hasSidecar = QFileInfo::exists(QString::fromStdString(sidecar));
            TakeRecord record;
            try {
                // Killed between the audio's rename and the sidecar's write: the file carries
                // the same metadata (iXML / FLAC comment), so the sidecar can be written again.
                if (hasSidecar)
                    record.metadata = readSidecar(sidecar);
                else if (auto embedded = readTakeMetadata(path))
                    record.metadata = std::move(*embedded);
            } catch (const std::exception&) {
                continue;
            }
            if (!record.metadata.is_object() ||
                record.metadata.value("output_path", std::string()) != path)
                continue; // not a take saved here (a copy, a file from elsewhere)
            if (!hasSidecar) {
                try {
                    writeSidecar(path, record.metadata);
                    ++rebuilt;
                } catch (const std::exception&) {
                    continue; // a read-only folder: left as it is, not listed without a sidecar
                }
            }
            record.audioPath = file.absoluteFilePath();
            record.sidecarPath = QString::fromStdString(sidecar);
            record.created = file.lastModified();
            found.push_back(std::move(record));
        }
        if (rebuilt > 0)
            notes << tr("%n take(s) had lost their sidecar file: written again from the metadata "
                        "in the audio file",
                        "", rebuilt);
        if (!found.isEmpty()) {
            notes << tr("%n take(s) saved just before the app stopped were added back to the "
                        "list",
                        "", static_cast<int>(found.size()));
            m_model->addTakes(std::move(found)); // newest first, as the list is
        }
    }
    if (!notes.isEmpty())
        statusBar()->showMessage(notes.join(QStringLiteral("; ")), 15000);
}

namespace {
// Rows added per turn of the event loop while a library comes in: small enough that the
// window answers between slices, large enough that thousands arrive in a few dozen turns.
constexpr int kImportSlice = 250;
} // namespace

void MainWindow::buildLibraryActions(QMenu* file) {
    auto* open = new QAction(tr("Open library folder…"), this);
    open->setObjectName(QStringLiteral("openLibraryAction"));
    open->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    open->setToolTip(tr("Add the takes of a folder rendered elsewhere (read from their "
                        "sidecars) to the list, with their settings for recall"));
    connect(open, &QAction::triggered, this, &MainWindow::openLibraryFolder);
    file->addAction(open);
    addAction(open);
}

void MainWindow::openLibraryFolder() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open library folder"), m_panel->outputFolder());
    if (!folder.isEmpty())
        importLibraryFolder(folder);
}

bool MainWindow::isImportingLibrary() const {
    return m_importer->isBusy() || m_import.has_value();
}

void MainWindow::importLibraryFolder(const QString& folder) {
    if (isImportingLibrary()) {
        statusBar()->showMessage(tr("A library folder is still being read; try again when it "
                                    "is in the list."),
                                 6000);
        return;
    }
    m_importer->start(folder, m_model->audioPaths());
    statusBar()->showMessage(
        tr("Reading library folder %1…").arg(QDir::toNativeSeparators(folder)));
}

void MainWindow::onLibraryScanned(std::shared_ptr<LibraryImport> result) {
    if (!result->error.isEmpty()) {
        statusBar()->showMessage(tr("Cannot open the library folder: %1").arg(result->error),
                                 10000);
        Q_EMIT libraryImported(0, 0, {result->error});
        return;
    }
    // Takes generated while the folder was read may be among them: those are not added.
    const QStringList paths = m_model->audioPaths();
    const QSet<QString> inList(paths.begin(), paths.end());
    QVector<TakeRecord> fresh;
    fresh.reserve(result->takes.size());
    for (TakeRecord& take : result->takes) {
        if (inList.contains(take.audioPath))
            ++result->duplicates;
        else
            fresh.push_back(std::move(take));
    }
    result->takes = std::move(fresh);
    m_import = std::move(*result);
    addImportedSlice();
}

void MainWindow::addImportedSlice() {
    if (!m_import)
        return;
    // From the oldest slice up, so that the newest take ends at the top of the list.
    QVector<TakeRecord>& takes = m_import->takes;
    const qsizetype n = std::min<qsizetype>(kImportSlice, takes.size());
    if (n > 0) {
        const bool wasEmpty = m_model->rowCount() == 0;
        QVector<TakeRecord> slice;
        slice.reserve(n);
        for (qsizetype i = takes.size() - n; i < takes.size(); ++i)
            slice.push_back(std::move(takes[i]));
        takes.resize(takes.size() - n);
        m_model->addTakes(std::move(slice));
        m_import->added += static_cast<int>(n);
        if (wasEmpty) {
            m_suppressAutoPlay = true;
            selectRow(0);
            m_suppressAutoPlay = false;
        }
        statusBar()->showMessage(tr("Adding takes from %1: %2 to go")
                                     .arg(QDir::toNativeSeparators(m_import->folder))
                                     .arg(takes.size()));
    }
    if (!takes.isEmpty()) {
        QTimer::singleShot(0, this, &MainWindow::addImportedSlice);
        return;
    }
    const LibraryImport done = std::move(*m_import);
    m_import.reset();
    persist();
    QString summary =
        tr("%n take(s) added from %1", "", done.added).arg(QDir::toNativeSeparators(done.folder));
    if (done.duplicates > 0)
        summary += QStringLiteral("; ") + tr("%n already in the list", "", done.duplicates);
    if (!done.problems.isEmpty())
        summary += QStringLiteral("; ") + tr("%n could not be read", "", done.problems.size());
    statusBar()->showMessage(summary, 15000);
    if (!done.problems.isEmpty()) {
        // Not modal: the list can be auditioned while the report is open.
        auto* box = new QMessageBox(
            QMessageBox::Warning, tr("Library folder"),
            tr("%n take(s) in %1 could not be read and were left out.", "", done.problems.size())
                .arg(QDir::toNativeSeparators(done.folder)),
            QMessageBox::Close, this);
        box->setObjectName(QStringLiteral("libraryProblems"));
        box->setInformativeText(done.problems.mid(0, 5).join(QLatin1Char('\n')));
        box->setDetailedText(done.problems.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setModal(false);
        box->show();
    }
    Q_EMIT libraryImported(done.added, done.duplicates, done.problems);
}

} // namespace footfall::ui
