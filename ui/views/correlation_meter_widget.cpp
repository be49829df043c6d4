#include "views/correlation_meter_widget.h"

#include "audio/analysis.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace footfall::ui {

QColor correlationColour(double v) {
    if (v < -0.1)
        return QColor(226, 64, 58); // out of phase
    if (v < 0.15)
        return QColor(232, 168, 48); // unrelated / wide: check mono
    if (v < 0.9)
        return QColor(72, 196, 110); // normal stereo
    return QColor(70, 150, 235);     // (near) mono
}

CorrelationMeterWidget::CorrelationMeterWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("correlationMeter"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(56);
}

CorrelationMeterWidget::~CorrelationMeterWidget() = default;

void CorrelationMeterWidget::reset(int sampleRate) {
    if (!m_meter || sampleRate != m_sampleRate)
        m_meter = std::make_unique<CorrelationMeter>(sampleRate);
    else
        m_meter->reset();
    m_sampleRate = sampleRate;
    m_value.reset();
    m_lowest.reset();
    m_live = true;
    update();
}

void CorrelationMeterWidget::process(const float* left, const float* right, std::size_t frames) {
    if (!m_meter || frames == 0)
        return;
    m_live = true;
    m_meter->process(left, right, frames);
    m_value = m_meter->value();
    if (m_value)
        m_lowest = std::min(m_lowest.value_or(1.0), *m_value);
    update();
}

void CorrelationMeterWidget::setSummary(std::optional<double> overall,
                                        std::optional<double> lowest) {
    m_live = false;
    m_value = overall;
    m_lowest = lowest;
    update();
}

void CorrelationMeterWidget::clear() {
    setSummary(std::nullopt, std::nullopt);
}

QString CorrelationMeterWidget::readingText() const {
    if (!m_value)
        return QStringLiteral("—");
    return (*m_value >= 0 ? QStringLiteral("+") : QString()) + QString::number(*m_value, 'f', 2);
}

void CorrelationMeterWidget::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF all = rect().adjusted(1, 1, -1, -1);
    p.fillRect(rect(), QColor(22, 24, 27));

    const QFontMetrics fm(font());
    const int textH = fm.height();
    p.setPen(QColor(170, 176, 184));
    p.drawText(QRectF(all.left() + 6, all.top() + 2, all.width() - 12, textH),
               Qt::AlignLeft | Qt::AlignVCenter,
               m_live ? tr("Correlation (live)") : tr("Correlation (take)"));
    p.setPen(m_value ? correlationColour(*m_value) : QColor(140, 140, 140));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(QRectF(all.left() + 6, all.top() + 2, all.width() - 12, textH),
               Qt::AlignRight | Qt::AlignVCenter, readingText());
    p.setFont(font());

    // Scale: zones as a dim band, the reading as a bright bar from 0.
    const QRectF bar(all.left() + 8, all.top() + textH + 6, all.width() - 16,
                     std::max(10.0, all.height() - 2.0 * textH - 10));
    const auto xOf = [&](double v) { return bar.left() + (v + 1.0) / 2.0 * bar.width(); };
    const struct { double from, to; } zones[] = {{-1, -0.1}, {-0.1, 0.15}, {0.15, 0.9}, {0.9, 1}};
    for (const auto& z : zones) {
        QColor c = correlationColour((z.from + z.to) / 2);
        c.setAlpha(55);
        p.fillRect(QRectF(xOf(z.from), bar.top(), xOf(z.to) - xOf(z.from), bar.height()), c);
    }
    if (m_value) {
        const double v = std::clamp(*m_value, -1.0, 1.0);
        const double x0 = xOf(0), x1 = xOf(v);
        p.fillRect(QRectF(std::min(x0, x1), bar.top() + 2, std::max(2.0, std::abs(x1 - x0)),
                          bar.height() - 4),
                   correlationColour(v));
    }
    if (m_lowest) {
        p.setPen(QPen(QColor(235, 235, 235), 2));
        const double x = xOf(std::clamp(*m_lowest, -1.0, 1.0));
        p.drawLine(QPointF(x, bar.top()), QPointF(x, bar.bottom()));
    }
    p.setPen(QColor(90, 96, 104));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);
    p.setPen(QColor(150, 156, 164));
    for (double t : {-1.0, -0.5, 0.0, 0.5, 1.0}) {
        const double x = xOf(t);
        p.drawLine(QPointF(x, bar.bottom()), QPointF(x, bar.bottom() + 3));
        const QString label =
            t == 0 ? QStringLiteral("0")
                   : (t > 0 ? QStringLiteral("+") : QString()) + QString::number(t, 'g', 2);
        const int w = fm.horizontalAdvance(label);
        const double lx = std::clamp(x - w / 2.0, all.left(), all.right() - w);
        p.drawText(QPointF(lx, bar.bottom() + 3 + fm.ascent()), label);
    }
}

} // namespace footfall::ui
