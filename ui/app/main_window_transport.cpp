// MainWindow's transport: play/stop, auto-play, and the loudness-matched audition gain.
#include "app/main_window.h"

#include "player/player.h"
#include "takes/take_list_model.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QToolButton>

#include <algorithm>

namespace footfall::ui {

void MainWindow::togglePlay() {
    m_player->togglePlay();
}

void MainWindow::onPlayingChanged(bool playing) {
    m_playButton->setText(playing ? tr("■ Stop") : tr("▶ Play"));
    if (playing)
        startLiveMeters();
    else
        stopLiveMeters();
}

void MainWindow::setAutoPlay(bool on) {
    m_autoPlay->setChecked(on);
}

void MainWindow::setLoudnessMatch(LoudnessMatch mode) {
    m_match->setCurrentIndex(std::max(0, m_match->findData(int(mode))));
    updateGain();
}

void MainWindow::updateGain() {
    const int row = m_model->rowOfPath(m_player->key());
    if (row < 0) {
        m_gainLabel->clear();
        return;
    }
    const TakeRecord& take = m_model->take(row);
    const auto mode = static_cast<LoudnessMatch>(m_match->currentData().toInt());
    const std::optional<double> reference = mode == LoudnessMatch::Target
                                                ? std::optional<double>(-23.0)
                                                : quietestLoudness(m_model->takes());
    const PlaybackGain g = playbackGain(take.loudnessLufs(), take.peakDb(), mode, reference);
    m_player->setGainDb(g.gainDb);
    m_gainLabel->setText(mode == LoudnessMatch::Off
                             ? QString()
                             : QStringLiteral("%1%2 dB%3")
                                   .arg(g.gainDb >= 0 ? QStringLiteral("+") : QString())
                                   .arg(g.gainDb, 0, 'f', 1)
                                   .arg(g.limited ? QStringLiteral(" (peak)") : QString()));
    m_gainLabel->setToolTip(g.limited ? tr("Boost limited so the peak stays below 0 dBFS")
                                      : QString());
}

QString MainWindow::gainText() const {
    return m_gainLabel->text();
}

} // namespace footfall::ui
