#include "waveform_view.h"

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace footfall::ui {

WaveformView::WaveformView(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("waveform"));
    setFocusPolicy(Qt::ClickFocus);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMouseTracking(false);
    setToolTip(tr("Click: move the playhead · Drag: select · Drag the selection (or Alt+drag): "
                  "drag out to a DAW · Ctrl+wheel or +/−: zoom · wheel: scroll · Esc: clear"));
}

void WaveformView::setAudio(std::shared_ptr<const AudioBuffer> audio) {
    m_audio = std::move(audio);
    m_zoom = 1.0;
    m_viewStart = 0.0;
    m_playhead = 0;
    m_hasSelection = false;
    update();
    Q_EMIT selectionChanged();
}

void WaveformView::setPlayhead(std::size_t frame) {
    if (frame == m_playhead)
        return;
    m_playhead = frame;
    // Follow the playhead when zoomed in.
    if (m_audio && m_zoom > 1.0) {
        const double visible = framesPerPixel() * width();
        if (frame < m_viewStart || frame > m_viewStart + visible) {
            m_viewStart = static_cast<double>(frame) - visible * 0.1;
            clampView();
        }
    }
    update();
}

std::optional<std::pair<std::size_t, std::size_t>> WaveformView::selection() const {
    if (!m_hasSelection || !m_audio)
        return std::nullopt;
    const std::size_t a = std::min(m_selA, m_selB), b = std::max(m_selA, m_selB);
    if (b <= a)
        return std::nullopt;
    return std::make_pair(a, b - a);
}

void WaveformView::setSelection(std::size_t first, std::size_t last) {
    m_selA = first;
    m_selB = last;
    m_hasSelection = last > first;
    update();
    Q_EMIT selectionChanged();
}

void WaveformView::clearSelection() {
    m_hasSelection = false;
    update();
    Q_EMIT selectionChanged();
}

void WaveformView::setZoom(double zoom, double anchorFraction) {
    if (!m_audio)
        return;
    const double anchorFrame = m_viewStart + anchorFraction * width() * framesPerPixel();
    m_zoom = std::clamp(zoom, 1.0, 512.0);
    m_viewStart = anchorFrame - anchorFraction * width() * framesPerPixel();
    clampView();
    update();
}

double WaveformView::framesPerPixel() const {
    if (!m_audio || width() <= 0)
        return 1.0;
    return std::max(1e-3, static_cast<double>(m_audio->frames()) / m_zoom / width());
}

std::size_t WaveformView::frameAt(double x) const {
    if (!m_audio || m_audio->empty())
        return 0;
    const double f = m_viewStart + x * framesPerPixel();
    return static_cast<std::size_t>(std::clamp(f, 0.0, double(m_audio->frames() - 1)));
}

double WaveformView::xOf(std::size_t frame) const {
    return (static_cast<double>(frame) - m_viewStart) / framesPerPixel();
}

void WaveformView::clampView() {
    if (!m_audio)
        return;
    const double visible = framesPerPixel() * width();
    m_viewStart = std::clamp(m_viewStart, 0.0, std::max(0.0, m_audio->frames() - visible));
}

void WaveformView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), QColor(18, 20, 23));
    if (!m_audio || m_audio->empty()) {
        p.setPen(QColor(120, 126, 134));
        p.drawText(rect(), Qt::AlignCenter, tr("No take selected"));
        return;
    }
    const int channels = std::max(1, m_audio->channels());
    const double laneH = static_cast<double>(height()) / channels;
    const double fpp = framesPerPixel();
    const std::size_t n = m_audio->frames();

    if (auto sel = selection()) {
        const double x0 = xOf(sel->first), x1 = xOf(sel->first + sel->second);
        p.fillRect(QRectF(x0, 0, std::max(1.0, x1 - x0), height()), QColor(70, 110, 170, 90));
    }
    for (int c = 0; c < channels; ++c) {
        const float* x = m_audio->channel(c);
        const double mid = laneH * (c + 0.5);
        const double amp = laneH * 0.46;
        p.setPen(QColor(44, 48, 54));
        p.drawLine(QPointF(0, mid), QPointF(width(), mid));
        p.setPen(QColor(96, 196, 160));
        for (int px = 0; px < width(); ++px) {
            const double f0 = m_viewStart + px * fpp;
            std::size_t a = static_cast<std::size_t>(std::max(0.0, f0));
            std::size_t b = static_cast<std::size_t>(std::max(0.0, f0 + fpp));
            if (a >= n)
                break;
            b = std::min(n, std::max(b, a + 1));
            float lo = x[a], hi = x[a];
            for (std::size_t i = a; i < b; ++i) {
                lo = std::min(lo, x[i]);
                hi = std::max(hi, x[i]);
            }
            const double y0 = mid - std::clamp(hi, -1.0f, 1.0f) * amp;
            const double y1 = mid - std::clamp(lo, -1.0f, 1.0f) * amp;
            p.drawLine(QPointF(px + 0.5, y0), QPointF(px + 0.5, std::max(y1, y0 + 1)));
        }
        if (c > 0) {
            p.setPen(QColor(50, 54, 60));
            p.drawLine(QPointF(0, laneH * c), QPointF(width(), laneH * c));
        }
        p.setPen(QColor(120, 126, 134));
        p.drawText(QPointF(4, laneH * c + 14),
                   channels == 2 ? (c == 0 ? QStringLiteral("L") : QStringLiteral("R"))
                                 : QString::number(c + 1));
    }
    const double px = xOf(m_playhead);
    p.setPen(QPen(QColor(250, 210, 90), 1.5));
    p.drawLine(QPointF(px, 0), QPointF(px, height()));

    const double sr = m_audio->sampleRate();
    p.setPen(QColor(150, 156, 164));
    QString info =
        QStringLiteral("%1 s / %2 s").arg(m_playhead / sr, 0, 'f', 3).arg(n / sr, 0, 'f', 2);
    if (auto sel = selection())
        info += tr("   selection %1–%2 s")
                    .arg(sel->first / sr, 0, 'f', 3)
                    .arg((sel->first + sel->second) / sr, 0, 'f', 3);
    if (m_zoom > 1.0)
        info += QStringLiteral("   ×%1").arg(m_zoom, 0, 'f', 1);
    p.drawText(rect().adjusted(0, 0, -6, -4), Qt::AlignRight | Qt::AlignBottom, info);
    if (hasFocus()) {
        p.setPen(QColor(90, 140, 210));
        p.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void WaveformView::mousePressEvent(QMouseEvent* event) {
    if (!m_audio || event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressPos = event->position().toPoint();
    m_pressFrame = frameAt(event->position().x());
    const auto sel = selection();
    const bool insideSelection =
        sel && m_pressFrame >= sel->first && m_pressFrame < sel->first + sel->second;
    m_drag = (insideSelection || (event->modifiers() & Qt::AltModifier)) ? Drag::MaybeDragOut
                                                                         : Drag::Select;
}

void WaveformView::mouseMoveEvent(QMouseEvent* event) {
    if (m_drag == Drag::None || !(event->buttons() & Qt::LeftButton))
        return;
    const int distance = (event->position().toPoint() - m_pressPos).manhattanLength();
    if (distance < QApplication::startDragDistance())
        return;
    if (m_drag == Drag::MaybeDragOut) {
        m_drag = Drag::None;
        Q_EMIT dragOutRequested();
        return;
    }
    m_selA = m_pressFrame;
    m_selB = frameAt(event->position().x());
    m_hasSelection = true;
    update();
    Q_EMIT selectionChanged();
}

void WaveformView::mouseReleaseEvent(QMouseEvent* event) {
    const bool click = (event->position().toPoint() - m_pressPos).manhattanLength() <
                       QApplication::startDragDistance();
    if (m_drag != Drag::None && click) {
        // A plain click scrubs; it also drops a selection unless the click was inside it.
        if (m_drag == Drag::Select && m_hasSelection)
            clearSelection();
        Q_EMIT seekRequested(m_pressFrame);
    }
    m_drag = Drag::None;
}

void WaveformView::wheelEvent(QWheelEvent* event) {
    if (!m_audio)
        return;
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier) {
        setZoom(m_zoom * std::pow(1.25, steps), event->position().x() / std::max(1, width()));
    } else {
        m_viewStart -= steps * width() * framesPerPixel() * 0.1;
        clampView();
        update();
    }
    event->accept();
}

void WaveformView::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        setZoom(m_zoom * 1.5, m_audio ? xOf(m_playhead) / std::max(1, width()) : 0.5);
        break;
    case Qt::Key_Minus:
        setZoom(m_zoom / 1.5, m_audio ? xOf(m_playhead) / std::max(1, width()) : 0.5);
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace footfall::ui
