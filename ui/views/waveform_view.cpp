#include "views/waveform_view.h"

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

void WaveformView::setTake(SharedTakeView analysis) {
    m_take = std::move(analysis);
    m_audio = m_take ? m_take->audio : nullptr;
    m_loading = false;
    m_zoom = 1.0;
    m_viewStart = 0.0;
    m_playhead = 0;
    m_hasSelection = false;
    m_specKey.clear();
    update();
    Q_EMIT selectionChanged();
}

void WaveformView::setAudio(std::shared_ptr<const AudioBuffer> audio) {
    if (!audio) {
        setTake(nullptr);
        return;
    }
    auto a = std::make_shared<TakeViewData>();
    a->audio = audio;
    a->peaks = computeWaveformPeaks(*audio);
    setTake(std::move(a));
}

void WaveformView::setLoading(bool loading) {
    m_loading = loading;
    update();
}

void WaveformView::setDisplay(Display display) {
    if (display == m_display)
        return;
    m_display = display;
    update();
    Q_EMIT displayChanged();
}

void WaveformView::setFrequencyAxis(FrequencyAxis axis) {
    if (axis == m_axis)
        return;
    m_axis = axis;
    m_specKey.clear();
    update();
    Q_EMIT displayChanged();
}

namespace {
constexpr double kMinLogHz = 20.0;

double nyquist(const SharedTakeView& take) {
    return take && take->audio ? take->audio->sampleRate() / 2.0 : 22050.0;
}

// A perceptual dark-to-bright ramp (close to "inferno"); t in 0 … 1.
QRgb heat(double t) {
    static const double stops[][4] = {
        {0.00, 0, 0, 4},     {0.15, 31, 12, 72},   {0.35, 101, 21, 110}, {0.55, 172, 51, 86},
        {0.72, 230, 93, 47}, {0.87, 250, 166, 10}, {1.00, 252, 255, 164}};
    t = std::clamp(t, 0.0, 1.0);
    int i = 0;
    while (i < 5 && t > stops[i + 1][0])
        ++i;
    const double f = (t - stops[i][0]) / (stops[i + 1][0] - stops[i][0]);
    const auto mix = [&](int c) {
        return static_cast<int>(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]) + 0.5);
    };
    return qRgb(mix(1), mix(2), mix(3));
}
} // namespace

double WaveformView::frequencyAt(double y) const {
    const double h = std::max(1, height());
    const double t = std::clamp((h - y) / h, 0.0, 1.0); // 0 at the bottom
    const double top = nyquist(m_take);
    if (m_axis == FrequencyAxis::Linear)
        return t * top;
    return kMinLogHz * std::pow(top / kMinLogHz, t);
}

double WaveformView::yOfFrequency(double hz) const {
    const double h = std::max(1, height());
    const double top = nyquist(m_take);
    const double t =
        m_axis == FrequencyAxis::Linear
            ? hz / top
            : std::log(std::max(hz, kMinLogHz) / kMinLogHz) / std::log(top / kMinLogHz);
    return h - t * h;
}

const QImage& WaveformView::spectrogramImage() {
    const Spectrogram* spec = m_take ? m_take->spectrogram.get() : nullptr;
    const QString key = QStringLiteral("%1x%2 %3 %4 %5 %6")
                            .arg(width())
                            .arg(height())
                            .arg(m_viewStart)
                            .arg(m_zoom)
                            .arg(int(m_axis))
                            .arg(quintptr(spec));
    if (key == m_specKey)
        return m_specImage;
    m_specKey = key;
    m_specImage = QImage(std::max(1, width()), std::max(1, height()), QImage::Format_RGB32);
    m_specImage.fill(QColor(0, 0, 4));
    if (!spec || spec->empty())
        return m_specImage;
    const int w = m_specImage.width(), h = m_specImage.height();
    const double binHz = static_cast<double>(spec->sampleRate) / spec->fftSize;
    // Each image row covers the bins between its lower and upper edge (at least one bin).
    std::vector<int> lo(static_cast<std::size_t>(h)), hi(static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y) {
        const int b0 = static_cast<int>(std::floor(frequencyAt(y + 1.0) / binHz + 0.5));
        const int b1 = static_cast<int>(std::floor(frequencyAt(y) / binHz + 0.5));
        lo[static_cast<std::size_t>(y)] = std::clamp(std::min(b0, b1), 0, spec->bins - 1);
        hi[static_cast<std::size_t>(y)] = std::clamp(std::max(b0, b1), 0, spec->bins - 1);
    }
    const double fpp = framesPerPixel();
    constexpr double kRangeDb = 100.0; // 0 dBFS at the top of the colour map, -100 at black
    for (int x = 0; x < w; ++x) {
        const double frame = m_viewStart + (x + 0.5) * fpp;
        const auto col = static_cast<std::size_t>(
            std::clamp(frame / spec->hop + 0.5, 0.0, double(spec->columns - 1)));
        for (int y = 0; y < h; ++y) {
            float v = spec->floorDb;
            for (int b = lo[static_cast<std::size_t>(y)]; b <= hi[static_cast<std::size_t>(y)]; ++b)
                v = std::max(v, spec->at(col, b));
            reinterpret_cast<QRgb*>(m_specImage.scanLine(y))[x] = heat((v + kRangeDb) / kRangeDb);
        }
    }
    return m_specImage;
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
        p.drawText(rect(), Qt::AlignCenter,
                   m_loading ? tr("Loading the take…") : tr("No take selected"));
        return;
    }
    if (m_display == Display::Spectrogram)
        paintSpectrogram(p);
    else
        paintWaveform(p);

    if (auto sel = selection()) {
        const double x0 = xOf(sel->first), x1 = xOf(sel->first + sel->second);
        const QRectF r(x0, 0, std::max(1.0, x1 - x0), height());
        p.fillRect(r, QColor(70, 110, 170, m_display == Display::Spectrogram ? 70 : 90));
        p.setPen(QColor(120, 160, 220));
        p.drawLine(r.topLeft(), r.bottomLeft());
        p.drawLine(r.topRight(), r.bottomRight());
    }
    const double px = xOf(m_playhead);
    p.setPen(QPen(QColor(250, 210, 90), 1.5));
    p.drawLine(QPointF(px, 0), QPointF(px, height()));

    const double sr = m_audio->sampleRate();
    const std::size_t n = m_audio->frames();
    QString info =
        QStringLiteral("%1 s / %2 s").arg(m_playhead / sr, 0, 'f', 3).arg(n / sr, 0, 'f', 2);
    if (auto sel = selection())
        info += tr("   selection %1–%2 s")
                    .arg(sel->first / sr, 0, 'f', 3)
                    .arg((sel->first + sel->second) / sr, 0, 'f', 3);
    if (m_zoom > 1.0)
        info += QStringLiteral("   ×%1").arg(m_zoom, 0, 'f', 1);
    const QRect infoRect = rect().adjusted(0, 0, -6, -4);
    const QRect box = p.fontMetrics().boundingRect(info).adjusted(-4, -1, 4, 1);
    p.fillRect(QRect(infoRect.right() - box.width(), infoRect.bottom() - box.height() + 1,
                     box.width(), box.height()),
               QColor(18, 20, 23, 190));
    p.setPen(QColor(170, 176, 184));
    p.drawText(infoRect.adjusted(0, 0, -4, 0), Qt::AlignRight | Qt::AlignBottom, info);
    if (hasFocus()) {
        p.setPen(QColor(90, 140, 210));
        p.drawRect(rect().adjusted(0, 0, -1, -1));
    }
}

void WaveformView::paintWaveform(QPainter& p) {
    const int channels = std::max(1, m_audio->channels());
    const double laneH = static_cast<double>(height()) / channels;
    const double fpp = framesPerPixel();
    const std::size_t n = m_audio->frames();
    const WaveformPeaks::Level* level = m_take ? m_take->peaks.levelFor(fpp) : nullptr;

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
            if (level) {
                // Whole bins inside [a, b) from the precomputed peaks, the ragged ends raw.
                const std::size_t bin = level->binFrames;
                const std::size_t firstBin = (a + bin - 1) / bin, endBin = b / bin;
                const auto& mins = level->mins[static_cast<std::size_t>(c)];
                const auto& maxs = level->maxs[static_cast<std::size_t>(c)];
                for (std::size_t k = firstBin; k < endBin && k < mins.size(); ++k) {
                    lo = std::min(lo, mins[k]);
                    hi = std::max(hi, maxs[k]);
                }
                const std::size_t rawEnd = std::min(b, firstBin * bin);
                for (std::size_t i = a; i < rawEnd; ++i) {
                    lo = std::min(lo, x[i]);
                    hi = std::max(hi, x[i]);
                }
                for (std::size_t i = std::max(a, endBin * bin); i < b; ++i) {
                    lo = std::min(lo, x[i]);
                    hi = std::max(hi, x[i]);
                }
            } else {
                for (std::size_t i = a; i < b; ++i) {
                    lo = std::min(lo, x[i]);
                    hi = std::max(hi, x[i]);
                }
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
}

void WaveformView::paintSpectrogram(QPainter& p) {
    if (!m_take || !m_take->spectrogram) {
        p.setPen(QColor(120, 126, 134));
        p.drawText(rect(), Qt::AlignCenter, tr("No spectrogram for this take"));
        return;
    }
    p.drawImage(0, 0, spectrogramImage());
    // Frequency scale on the left.
    const double top = nyquist(m_take);
    const QFontMetrics fm = p.fontMetrics();
    for (const double hz : {50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0}) {
        if (hz >= top)
            break;
        const double y = yOfFrequency(hz);
        if (y < fm.height() || y > height() - 4)
            continue;
        if (m_axis == FrequencyAxis::Linear && hz < 1000.0)
            continue;
        const QString label =
            hz >= 1000.0 ? QStringLiteral("%1k").arg(hz / 1000.0) : QString::number(hz);
        p.setPen(QColor(255, 255, 255, 60));
        p.drawLine(QPointF(0, y), QPointF(8, y));
        const QRectF box(10, y - fm.height() / 2.0, fm.horizontalAdvance(label) + 6, fm.height());
        p.fillRect(box, QColor(0, 0, 0, 140));
        p.setPen(QColor(210, 214, 220));
        p.drawText(box, Qt::AlignCenter, label);
    }
    const QString axis = m_axis == FrequencyAxis::Log ? tr("Hz (log)") : tr("Hz (linear)");
    const QRectF box(10, 2, fm.horizontalAdvance(axis) + 6, fm.height());
    p.fillRect(box, QColor(0, 0, 0, 140));
    p.setPen(QColor(210, 214, 220));
    p.drawText(box, Qt::AlignCenter, axis);
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
