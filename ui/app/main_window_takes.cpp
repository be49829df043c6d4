// MainWindow and the take list: selection, showing a take from the cache or once the loader
// has read it, adding and removing takes.
#include "app/main_window.h"

#include "player/player.h"
#include "takes/take_list_model.h"
#include "takes/take_loader.h"
#include "views/correlation_meter_widget.h"
#include "views/goniometer_widget.h"
#include "views/metadata_panel.h"
#include "views/waveform_view.h"

#include "io/audio_file.h"

#include <QCheckBox>
#include <QStatusBar>
#include <QTableView>

#include <algorithm>

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

} // namespace footfall::ui
