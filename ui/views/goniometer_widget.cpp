#include "views/goniometer_widget.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace footfall::ui {

namespace {
constexpr int kTraceSize = 320;
constexpr double kInvSqrt2 = 0.70710678118654752;
} // namespace

GoniometerWidget::GoniometerWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("goniometer"));
    QSizePolicy sp(QSizePolicy::Expanding, QSizePolicy::Expanding);
    sp.setHeightForWidth(true);
    setSizePolicy(sp);
    m_trace = QImage(kTraceSize, kTraceSize, QImage::Format_ARGB32_Premultiplied);
    clear();
}

void GoniometerWidget::clear() {
    m_trace.fill(Qt::transparent);
    m_sideRms = m_midRms = 0.0;
    m_gain = 1.0;
    update();
}

void GoniometerWidget::process(const float* left, const float* right, std::size_t frames) {
    plot(left, right, frames, 3000, true);
}

void GoniometerWidget::showTake(const AudioBuffer& audio) {
    const float* l = audio.empty() ? nullptr : audio.channel(0);
    const float* r = audio.empty() ? nullptr : audio.channel(audio.channels() > 1 ? 1 : 0);
    showCloud(renderCloud(l, r, audio.frames()));
}

void GoniometerWidget::showCloud(const GoniometerCloud& cloud) {
    m_trace = cloud.trace.isNull()
                  ? QImage(kTraceSize, kTraceSize, QImage::Format_ARGB32_Premultiplied)
                  : cloud.trace;
    if (cloud.trace.isNull())
        m_trace.fill(Qt::transparent);
    m_gain = cloud.gain;
    m_sideRms = cloud.sideRms;
    m_midRms = cloud.midRms;
    update();
}

GoniometerCloud GoniometerWidget::renderCloud(const float* left, const float* right,
                                              std::size_t frames) {
    GoniometerCloud c;
    c.trace = QImage(kTraceSize, kTraceSize, QImage::Format_ARGB32_Premultiplied);
    c.trace.fill(Qt::transparent);
    if (frames == 0 || !left || !right)
        return c;
    plotInto(c.trace, c.gain, c.sideRms, c.midRms, left, right, frames, 40000, false);
    return c;
}

void GoniometerWidget::plot(const float* left, const float* right, std::size_t frames,
                            std::size_t maxPoints, bool fade) {
    plotInto(m_trace, m_gain, m_sideRms, m_midRms, left, right, frames, maxPoints, fade);
    update();
}

void GoniometerWidget::plotInto(QImage& trace, double& gain, double& sideRms, double& midRms,
                                const float* left, const float* right, std::size_t frames,
                                std::size_t maxPoints, bool fade) {
    if (fade) {
        // Persistence: each update (25 ms) keeps ~88 % of the trace's opacity, so a footstep
        // stays visible for a few hundred milliseconds after it has passed.
        QPainter f(&trace);
        f.setCompositionMode(QPainter::CompositionMode_DestinationIn);
        f.fillRect(trace.rect(), QColor(0, 0, 0, 225));
    }
    if (frames == 0)
        return;
    double ss = 0, mm = 0, peak = 0;
    for (std::size_t i = 0; i < frames; ++i) {
        const double s = (right[i] - left[i]) * kInvSqrt2;
        const double m = (left[i] + right[i]) * kInvSqrt2;
        ss += s * s;
        mm += m * m;
        peak = std::max({peak, std::abs(s), std::abs(m)});
    }
    sideRms = std::sqrt(ss / frames);
    midRms = std::sqrt(mm / frames);
    // Display-only auto-gain: fast attack, slow release, aiming the trace at ~80 % of the radius.
    // Blocks below -50 dBFS (the gaps between steps) leave it alone, so the next step does not
    // arrive at a huge gain.
    const double wanted = peak > 3e-3 ? std::clamp(0.8 / peak, 0.5, 16.0) : gain;
    gain = wanted < gain || !fade ? wanted : gain + (wanted - gain) * 0.08;

    QPainter p(&trace);
    p.setRenderHint(QPainter::Antialiasing, false);
    const QColor dot(120, 230, 150, fade ? 230 : 90);
    p.setPen(QPen(dot, fade ? 2.0 : 1.0));
    const double half = kTraceSize / 2.0;
    const std::size_t stride = std::max<std::size_t>(1, frames / maxPoints);
    QVector<QPointF> points;
    points.reserve(static_cast<int>(frames / stride + 1));
    for (std::size_t i = 0; i < frames; i += stride) {
        const double s = (right[i] - left[i]) * kInvSqrt2 * gain;
        const double m = (left[i] + right[i]) * kInvSqrt2 * gain;
        points.push_back(QPointF(half + s * half, half - m * half));
    }
    p.drawPoints(points.constData(), static_cast<int>(points.size()));
}

void GoniometerWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillRect(rect(), QColor(22, 24, 27));
    const int side = std::min(width(), height()) - 8;
    const QRectF box((width() - side) / 2.0, (height() - side) / 2.0, side, side);
    const QPointF c = box.center();
    // Axes: M vertical, S horizontal, L/R on the diagonals.
    p.setPen(QPen(QColor(60, 66, 74), 1));
    p.drawEllipse(box);
    p.drawLine(QPointF(c.x(), box.top()), QPointF(c.x(), box.bottom()));
    p.drawLine(QPointF(box.left(), c.y()), QPointF(box.right(), c.y()));
    p.setPen(QPen(QColor(52, 56, 62), 1, Qt::DashLine));
    const double d = side / 2.0 * kInvSqrt2;
    p.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d));
    p.drawLine(QPointF(c.x() + d, c.y() - d), QPointF(c.x() - d, c.y() + d));
    p.drawImage(box, m_trace);
    p.setPen(QColor(150, 156, 164));
    const QFontMetrics fm(font());
    p.drawText(QPointF(c.x() - fm.horizontalAdvance(QStringLiteral("M")) / 2.0,
                       box.top() + fm.ascent() + 2),
               QStringLiteral("M"));
    p.drawText(QPointF(box.left() + 4, c.y() - 4), QStringLiteral("−S"));
    p.drawText(QPointF(c.x() - d - fm.horizontalAdvance(QStringLiteral("L")) - 2, c.y() - d),
               QStringLiteral("L"));
    p.drawText(QPointF(c.x() + d + 2, c.y() - d), QStringLiteral("R"));
    p.drawText(QPointF(box.right() - fm.horizontalAdvance(QStringLiteral("+S")) - 4, c.y() - 4),
               QStringLiteral("+S"));
    p.setPen(QColor(110, 116, 124));
    p.drawText(QPointF(rect().left() + 4, rect().bottom() - 4),
               tr("display gain ×%1").arg(m_gain, 0, 'f', 1));
}

} // namespace footfall::ui
