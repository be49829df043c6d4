// The current take as a waveform (one lane per channel) or a spectrogram (STFT magnitude in dB,
// log or linear frequency axis), with zoom, scroll, scrub, a playhead and a selection shared by
// both displays. Dragging from inside the selection (or with Alt anywhere) starts a drag-out.
// Peaks and the STFT come precomputed (TakeViewData): painting never scans the whole take.
#pragma once

#include "takes/take_view_data.h"

#include "audio/audio_buffer.h"

#include <QImage>

#include <QWidget>

#include <memory>
#include <optional>
#include <utility>

namespace footfall::ui {

class WaveformView : public QWidget {
    Q_OBJECT
public:
    enum class Display { Waveform, Spectrogram };
    enum class FrequencyAxis { Log, Linear };

    explicit WaveformView(QWidget* parent = nullptr);

    // A precomputed take (preferred); keeps the display mode, resets view, playhead, selection.
    void setTake(SharedTakeView analysis);
    // Raw audio only: peaks are computed here (GUI thread); for tests and small buffers.
    void setAudio(std::shared_ptr<const AudioBuffer> audio);
    const SharedTakeView& take() const { return m_take; }

    Display display() const { return m_display; }
    void setDisplay(Display display);
    FrequencyAxis frequencyAxis() const { return m_axis; }
    void setFrequencyAxis(FrequencyAxis axis);
    // Frequency (Hz) shown at widget row `y` in the spectrogram display, and back.
    double frequencyAt(double y) const;
    double yOfFrequency(double hz) const;
    // "Loading…" placeholder while a take is read from disk.
    void setLoading(bool loading);
    void setPlayhead(std::size_t frame);
    std::size_t playhead() const { return m_playhead; }

    // First frame and frame count; empty when nothing is selected.
    std::optional<std::pair<std::size_t, std::size_t>> selection() const;
    void setSelection(std::size_t first, std::size_t last);
    void clearSelection();

    double zoom() const { return m_zoom; } // 1 = whole take
    void setZoom(double zoom, double anchorFraction = 0.5);

    QSize sizeHint() const override { return {600, 150}; }
    QSize minimumSizeHint() const override { return {200, 90}; }

Q_SIGNALS:
    void seekRequested(std::size_t frame);
    void selectionChanged();
    void dragOutRequested(); // the caller builds the file and runs the QDrag
    void displayChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    double framesPerPixel() const;
    std::size_t frameAt(double x) const;
    double xOf(std::size_t frame) const;
    void clampView();
    void paintWaveform(QPainter& p);
    void paintSpectrogram(QPainter& p);
    const QImage& spectrogramImage();

    SharedTakeView m_take;
    std::shared_ptr<const AudioBuffer> m_audio; // == m_take->audio
    Display m_display = Display::Waveform;
    FrequencyAxis m_axis = FrequencyAxis::Log;
    bool m_loading = false;
    QImage m_specImage; // cache for the current size/view/axis
    QString m_specKey;
    double m_zoom = 1.0;
    double m_viewStart = 0.0; // first visible frame
    std::size_t m_playhead = 0;
    std::size_t m_selA = 0, m_selB = 0;
    bool m_hasSelection = false;
    enum class Drag { None, Select, MaybeDragOut } m_drag = Drag::None;
    QPoint m_pressPos;
    std::size_t m_pressFrame = 0;
};

} // namespace footfall::ui
