// MainWindow's stereo-image meters: fed live from the player's clock during playback, the
// precomputed summary and goniometer cloud (TakeViewData) when stopped.
#include "app/main_window.h"

#include "player/player.h"
#include "views/correlation_meter_widget.h"
#include "views/goniometer_widget.h"
#include "views/waveform_view.h"

#include <QTimer>

#include <algorithm>

namespace footfall::ui {

void MainWindow::startLiveMeters() {
    const auto& audio = m_player->audio();
    m_corr->reset(audio ? audio->sampleRate() : 44100);
    m_gonio->clear();
    m_lastFed = m_player->positionFrames();
    m_meterTimer->start();
}

void MainWindow::stopLiveMeters() {
    m_meterTimer->stop();
    showStaticMeters();
}

void MainWindow::feedMeters() {
    const auto& audio = m_player->audio();
    if (!audio || audio->empty() || !m_player->isPlaying())
        return;
    const std::size_t n = audio->frames();
    const std::size_t pos = std::min(m_player->positionFrames(), n);
    const float* l = audio->channel(0);
    const float* r = audio->channel(audio->channels() > 1 ? 1 : 0);
    const auto feed = [&](std::size_t from, std::size_t to) {
        if (to <= from)
            return;
        // After a stall, only the last 200 ms matter for what is on screen.
        from = std::max(
            from, to > std::size_t(audio->sampleRate() / 5) ? to - audio->sampleRate() / 5 : 0);
        m_corr->process(l + from, r + from, to - from);
        m_gonio->process(l + from, r + from, to - from);
    };
    if (pos >= m_lastFed) {
        feed(m_lastFed, pos);
    } else { // looped around
        feed(m_lastFed, n);
        feed(0, pos);
    }
    m_lastFed = pos;
    m_waveform->setPlayhead(pos);
}

void MainWindow::showStaticMeters() {
    // Everything here was computed off the GUI thread (TakeViewData).
    if (!m_current || !m_current->audio || m_current->audio->empty()) {
        m_corr->clear();
        m_gonio->clear();
        return;
    }
    m_corr->setSummary(m_current->correlation, m_current->lowestCorrelation);
    m_gonio->showCloud(m_current->goniometer);
}

} // namespace footfall::ui
