// Waveform of the current take (one lane per channel) with zoom, scroll, scrub, a playhead and a
// selection. Dragging from inside the selection (or with Alt anywhere) starts a drag-out.
#pragma once

#include "audio/audio_buffer.h"

#include <QWidget>

#include <memory>
#include <optional>
#include <utility>

namespace footfall::ui {

class WaveformView : public QWidget {
    Q_OBJECT
public:
    explicit WaveformView(QWidget* parent = nullptr);

    void setAudio(std::shared_ptr<const AudioBuffer> audio);
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

    std::shared_ptr<const AudioBuffer> m_audio;
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
