// Phase-correlation meter, −1 … +1, on the core's CorrelationMeter (2 kHz low-pass, τ 0.3 s,
// gated to "—" on silence). Live while playing; a whole-take summary otherwise.
#pragma once

#include <QWidget>

#include <memory>
#include <optional>

namespace footfall {
class CorrelationMeter;
}

namespace footfall::ui {

class CorrelationMeterWidget : public QWidget {
    Q_OBJECT
public:
    explicit CorrelationMeterWidget(QWidget* parent = nullptr);
    ~CorrelationMeterWidget() override;

    // Live mode: restart the integrator for a new stream.
    void reset(int sampleRate);
    void process(const float* left, const float* right, std::size_t frames);
    // Static mode: a take that is not playing (overall Pearson value, lowest meter reading).
    void setSummary(std::optional<double> overall, std::optional<double> lowest);
    void clear();

    std::optional<double> reading() const { return m_value; }
    QString readingText() const; // "+0.98" or "—"
    bool isLive() const { return m_live; }

    QSize sizeHint() const override { return {260, 64}; }
    QSize minimumSizeHint() const override { return {160, 56}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::unique_ptr<CorrelationMeter> m_meter;
    int m_sampleRate = 0;
    std::optional<double> m_value;
    std::optional<double> m_lowest;
    bool m_live = false;
};

// Zone colour of a reading: red below 0, amber near 0, green for normal stereo, blue near mono.
QColor correlationColour(double value);

} // namespace footfall::ui
