// Goniometer (vectorscope): M/S rotated 45°, so mono is a vertical line, polarity-inverted a
// horizontal one, left-only the upper-left diagonal. The trace fades (persistence); the
// auto-gain scales the display only.
#pragma once

#include "audio/audio_buffer.h"

#include "takes/take_view_data.h"

#include <QImage>
#include <QWidget>

namespace footfall::ui {

class GoniometerWidget : public QWidget {
    Q_OBJECT
public:
    explicit GoniometerWidget(QWidget* parent = nullptr);

    void clear();
    // Live: fade what is there, then add these samples.
    void process(const float* left, const float* right, std::size_t frames);
    // Static: the whole take at once, no fading (computes on the calling thread).
    void showTake(const AudioBuffer& audio);
    // Static, precomputed off the GUI thread (see TakeViewData): only copies the image.
    void showCloud(const GoniometerCloud& cloud);
    // Draws a whole take's point cloud (up to 40k points) into a fresh trace image. Thread-safe:
    // touches no widget, so the take analysis runs it on a worker thread.
    static GoniometerCloud renderCloud(const float* left, const float* right, std::size_t frames);

    // RMS of the side (x) and mid (y) coordinates of the last samples shown: mono → x ≈ 0,
    // inverted → y ≈ 0. For tests and for the numeric readout.
    double sideRms() const { return m_sideRms; }
    double midRms() const { return m_midRms; }
    double displayGain() const { return m_gain; }

    QSize sizeHint() const override { return {220, 220}; }
    QSize minimumSizeHint() const override { return {120, 120}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int w) const override { return w; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void plot(const float* left, const float* right, std::size_t frames, std::size_t maxPoints,
              bool fade);
    // Fades (live) and draws into `trace`; updates gain and the side/mid RMS.
    static void plotInto(QImage& trace, double& gain, double& sideRms, double& midRms,
                         const float* left, const float* right, std::size_t frames,
                         std::size_t maxPoints, bool fade);

    QImage m_trace;
    double m_gain = 1.0;
    double m_sideRms = 0.0;
    double m_midRms = 0.0;
};

} // namespace footfall::ui
