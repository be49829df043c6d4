// MainWindow's A/B comparison: two slots, and a switch between them at the same position.
#include "app/main_window.h"

#include "player/player.h"
#include "takes/take_list_model.h"

#include <QLabel>
#include <QStatusBar>

namespace footfall::ui {

void MainWindow::updateAbLabel() {
    const auto name = [this](const QString& path) {
        const int row = m_model->rowOfPath(path);
        return row < 0 ? QStringLiteral("—") : QStringLiteral("#%1").arg(m_model->rowCount() - row);
    };
    QString text = QStringLiteral("A %1  B %2").arg(name(m_slotA), name(m_slotB));
    if (!m_player->key().isEmpty() && m_player->key() == m_slotA)
        text += tr("  ▸ A");
    else if (!m_player->key().isEmpty() && m_player->key() == m_slotB)
        text += tr("  ▸ B");
    m_abLabel->setText(text);
}

QString MainWindow::abText() const {
    return m_abLabel->text();
}

void MainWindow::setSlotA() {
    if (currentRow() >= 0)
        m_slotA = m_model->take(currentRow()).audioPath;
    updateAbLabel();
}

void MainWindow::setSlotB() {
    if (currentRow() >= 0)
        m_slotB = m_model->take(currentRow()).audioPath;
    updateAbLabel();
}

void MainWindow::toggleAB() {
    if (m_slotA.isEmpty() || m_slotB.isEmpty()) {
        statusBar()->showMessage(
            tr("Put one take in slot A (Shift+A) and one in B (Shift+B) first"), 5000);
        return;
    }
    const QString target = m_player->key() == m_slotA ? m_slotB : m_slotA;
    const int row = m_model->rowOfPath(target);
    if (row < 0)
        return;
    m_abSwitching = true;
    selectRow(row);
    m_abSwitching = false;
}

} // namespace footfall::ui
