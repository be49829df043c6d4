// Auditioning with Qt Multimedia: a QAudioSink pulling the take's samples (already decoded,
// with a playback-only gain), so A/B can swap the take under a running sink without losing
// the position. Without an audio output it plays silently on the same clock, so the playhead
// and the meters still work.
#pragma once

#include "audio/audio_buffer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <memory>

class QAudioSink;
class QTimer;

namespace footfall::ui {

class PcmSource;

class Player : public QObject {
    Q_OBJECT
public:
    explicit Player(QObject* parent = nullptr);
    ~Player() override;

    // Loads a take; stops playback. `key` identifies it (the audio path).
    void setAudio(std::shared_ptr<const AudioBuffer> audio, const QString& key);
    // Swaps the take but keeps playing from the same position (A/B).
    void switchAudio(std::shared_ptr<const AudioBuffer> audio, const QString& key);
    const std::shared_ptr<const AudioBuffer>& audio() const { return m_audio; }
    const QString& key() const { return m_key; }

    bool isPlaying() const { return m_playing; }
    bool hasOutput() const;
    bool loop() const { return m_loop; }
    double gainDb() const { return m_gainDb; }
    std::size_t positionFrames() const;
    // Microseconds the audio device has consumed since play (0 without an output).
    qint64 processedUSecs() const;
    double positionSeconds() const;

public Q_SLOTS:
    void play();
    void stop();
    void togglePlay();
    void setLoop(bool loop);
    void setGainDb(double gainDb);
    void seekFrames(std::size_t frame);

Q_SIGNALS:
    void playingChanged(bool playing);
    void audioChanged();
    void positionChanged(std::size_t frame);
    void outputMessage(const QString& message); // e.g. "no audio output: silent playback"

private:
    void tick();
    void startSink(std::size_t frame);
    void stopSink();
    void ensureSink();

    std::shared_ptr<const AudioBuffer> m_audio;
    QString m_key;
    std::unique_ptr<PcmSource> m_source;
    QAudioSink* m_sink = nullptr;
    int m_sinkRate = 0;
    QTimer* m_ticker = nullptr;
    QElapsedTimer m_clock;
    std::size_t m_startFrame = 0;
    std::size_t m_pausedFrame = 0;
    bool m_playing = false;
    bool m_loop = false;
    double m_gainDb = 0.0;
};

} // namespace footfall::ui
