// MainWindow's ways out of the app: the export dialog, and dragging the waveform's selection
// (or the whole take) to another application as a finished file.
#include "app/main_window.h"

#include "export/export_dialog.h"
#include "export/take_drag.h"
#include "export/take_exporter.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "views/waveform_view.h"

#include <QDir>
#include <QDrag>
#include <QFileInfo>
#include <QMimeData>
#include <QStatusBar>

namespace footfall::ui {

void MainWindow::dragOutSelection() {
    QMimeData* mime = waveformDragMime();
    if (!mime)
        return;
    auto* drag = new QDrag(m_waveform);
    drag->setMimeData(mime);
    drag->exec(Qt::CopyAction);
}

QMimeData* MainWindow::waveformDragMime() {
    const int row = m_model->rowOfPath(m_player->key());
    if (row < 0)
        return nullptr;
    const TakeRecord& take = m_model->take(row);
    const auto sel = m_waveform->selection();
    if (!sel)
        return makeTakeMimeData({take.audioPath});
    auto audio = audioFor(take);
    if (!audio)
        return nullptr;
    try {
        const QString folder = QFileInfo(take.audioPath).dir().filePath(QStringLiteral("exports"));
        return makeTakeMimeData(
            {writeSelectionFile(take, *audio, sel->first, sel->second, folder)});
    } catch (const std::exception& e) {
        statusBar()->showMessage(
            tr("Cannot write the selection: %1").arg(QString::fromUtf8(e.what())), 8000);
        return nullptr;
    }
}

void MainWindow::exportCurrent() {
    const int row = currentRow();
    if (row < 0)
        return;
    const TakeRecord take = m_model->take(row);
    auto audio = audioFor(take);
    if (!audio)
        return;
    ExportDialog dialog(this);
    prepareExportDialog(dialog, row);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.saveSettings();
    const ExportResult result = exportTake(take, *audio, dialog.options());
    if (!result.error.isEmpty()) {
        m_panel->showError(tr("Export failed: %1").arg(result.error));
        return;
    }
    const int files = int(result.files.size());
    const QString folder = QFileInfo(result.files.value(0)).absolutePath();
    statusBar()->showMessage(files == 1 ? tr("Exported 1 file to %1").arg(folder)
                                        : tr("Exported %n files to %1", "", files).arg(folder),
                             8000);
}

void MainWindow::prepareExportDialog(ExportDialog& dialog, int row) {
    dialog.setDefaultFolder(QDir(m_panel->outputFolder()).filePath(QStringLiteral("exports")));
    dialog.loadSettings();
    if (row < 0 || row >= m_model->rowCount())
        return;
    const TakeRecord& take = m_model->take(row);
    const auto& audio = m_player->key() == take.audioPath ? m_player->audio() : nullptr;
    dialog.setContext(take.fileName(), audio ? m_waveform->selection() : std::nullopt,
                      audio ? audio->sampleRate() : 0);
}

} // namespace footfall::ui
