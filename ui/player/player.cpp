#include "player/player.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSink>
#include <QIODevice>
#include <QMediaDevices>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace footfall::ui {

// Streams stereo float (or int16 when the device wants it) from an AudioBuffer.
class PcmSource : public QIODevice {
public:
    void setAudio(std::shared_ptr<const AudioBuffer> audio) { m_audio = std::move(audio); }
    void setFrame(std::size_t frame) { m_frame = frame; }
    void setLoop(bool loop) { m_loop = loop; }
    void setGain(double linear) { m_gain = static_cast<float>(linear); }
    void setInt16(bool int16) { m_int16 = int16; }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return 1 << 20; }

protected:
    qint64 writeData(const char*, qint64) override { return -1; }
    qint64 readData(char* data, qint64 maxlen) override {
        if (!m_audio || m_audio->empty())
            return 0;
        const qint64 frameBytes = m_int16 ? 4 : 8;
        const std::size_t want = static_cast<std::size_t>(maxlen / frameBytes);
        const std::size_t n = m_audio->frames();
        const int right = m_audio->channels() > 1 ? 1 : 0;
        const float* l = m_audio->channel(0);
        const float* r = m_audio->channel(right);
        std::size_t written = 0;
        while (written < want) {
            if (m_frame >= n) {
                if (!m_loop)
                    break;
                m_frame = 0;
            }
            const float a = l[m_frame] * m_gain;
            const float b = r[m_frame] * m_gain;
            if (m_int16) {
                const qint16 s[2] = {toInt16(a), toInt16(b)};
                std::memcpy(data + written * 4, s, 4);
            } else {
                const float s[2] = {a, b};
                std::memcpy(data + written * 8, s, 8);
            }
            ++written;
            ++m_frame;
        }
        return static_cast<qint64>(written) * frameBytes;
    }

private:
    static qint16 toInt16(float v) {
        return static_cast<qint16>(std::lround(std::clamp(v, -1.0f, 1.0f) * 32767.0f));
    }
    std::shared_ptr<const AudioBuffer> m_audio;
    std::size_t m_frame = 0;
    float m_gain = 1.0f;
    bool m_loop = false;
    bool m_int16 = false;
};

Player::Player(QObject* parent) : QObject(parent), m_source(std::make_unique<PcmSource>()) {
    m_source->open(QIODevice::ReadOnly);
    m_ticker = new QTimer(this);
    m_ticker->setInterval(20);
    m_ticker->setTimerType(Qt::PreciseTimer);
    connect(m_ticker, &QTimer::timeout, this, &Player::tick);
}

Player::~Player() {
    stopSink();
}

bool Player::hasOutput() const {
    return !QMediaDevices::defaultAudioOutput().isNull();
}

void Player::setAudio(std::shared_ptr<const AudioBuffer> audio, const QString& key) {
    stop();
    m_audio = std::move(audio);
    m_key = key;
    m_pausedFrame = 0;
    m_source->setAudio(m_audio);
    Q_EMIT audioChanged();
    Q_EMIT positionChanged(0);
}

void Player::switchAudio(std::shared_ptr<const AudioBuffer> audio, const QString& key) {
    const bool wasPlaying = m_playing;
    std::size_t frame = positionFrames();
    const bool sameRate = m_audio && audio && audio->sampleRate() == m_audio->sampleRate();
    m_audio = std::move(audio);
    m_key = key;
    if (m_audio && m_audio->frames() > 0)
        frame = std::min(frame, m_audio->frames() - 1);
    if (wasPlaying && sameRate) {
        // The sink keeps pulling; only the samples under it change: the switch is gapless.
        m_source->setAudio(m_audio);
        Q_EMIT audioChanged();
        return;
    }
    m_source->setAudio(m_audio);
    Q_EMIT audioChanged();
    if (wasPlaying) {
        stopSink();
        m_startFrame = frame;
        m_clock.restart();
        startSink(frame);
    } else {
        m_pausedFrame = frame;
        Q_EMIT positionChanged(frame);
    }
}

std::size_t Player::positionFrames() const {
    if (!m_audio || m_audio->empty())
        return 0;
    if (!m_playing)
        return m_pausedFrame;
    const std::size_t n = m_audio->frames();
    const auto elapsed = static_cast<std::size_t>(static_cast<double>(m_clock.nsecsElapsed()) *
                                                  1e-9 * m_audio->sampleRate());
    const std::size_t pos = m_startFrame + elapsed;
    if (m_loop)
        return pos % n;
    return std::min(pos, n);
}

qint64 Player::processedUSecs() const {
    return m_sink ? m_sink->processedUSecs() : 0;
}

double Player::positionSeconds() const {
    return m_audio ? static_cast<double>(positionFrames()) / m_audio->sampleRate() : 0.0;
}

void Player::play() {
    if (m_playing || !m_audio || m_audio->empty())
        return;
    std::size_t frame = m_pausedFrame;
    if (frame >= m_audio->frames())
        frame = 0;
    m_startFrame = frame;
    m_clock.start();
    m_playing = true;
    startSink(frame);
    m_ticker->start();
    Q_EMIT playingChanged(true);
}

void Player::stop() {
    if (!m_playing)
        return;
    m_pausedFrame = positionFrames();
    if (m_audio && m_pausedFrame >= m_audio->frames())
        m_pausedFrame = 0;
    m_playing = false;
    m_ticker->stop();
    stopSink();
    Q_EMIT playingChanged(false);
    Q_EMIT positionChanged(m_pausedFrame);
}

void Player::togglePlay() {
    if (m_playing)
        stop();
    else
        play();
}

void Player::setLoop(bool loop) {
    if (m_playing && m_loop && !loop) {
        // Re-anchor the clock so the position stays where the listener hears it.
        m_startFrame = positionFrames();
        m_clock.restart();
    }
    m_loop = loop;
    m_source->setLoop(loop);
}

void Player::setGainDb(double gainDb) {
    m_gainDb = gainDb;
    m_source->setGain(std::pow(10.0, gainDb / 20.0));
}

void Player::seekFrames(std::size_t frame) {
    if (!m_audio || m_audio->empty())
        return;
    frame = std::min(frame, m_audio->frames() - 1);
    if (m_playing) {
        stopSink();
        m_startFrame = frame;
        m_clock.restart();
        startSink(frame);
    } else {
        m_pausedFrame = frame;
    }
    Q_EMIT positionChanged(frame);
}

void Player::tick() {
    if (!m_playing)
        return;
    const std::size_t pos = positionFrames();
    if (!m_loop && m_audio && pos >= m_audio->frames()) {
        m_pausedFrame = 0;
        m_playing = false;
        m_ticker->stop();
        stopSink();
        Q_EMIT playingChanged(false);
        Q_EMIT positionChanged(0);
        return;
    }
    Q_EMIT positionChanged(pos);
}

void Player::ensureSink() {
    const int rate = m_audio ? m_audio->sampleRate() : 0;
    if (m_sink && m_sinkRate == rate)
        return;
    stopSink();
    delete m_sink;
    m_sink = nullptr;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull() || rate <= 0) {
        Q_EMIT outputMessage(tr("No audio output: playing silently (playhead and meters only)."));
        return;
    }
    QAudioFormat format;
    format.setSampleRate(rate);
    format.setChannelCount(2);
    format.setSampleFormat(QAudioFormat::Float);
    bool int16 = false;
    if (!device.isFormatSupported(format)) {
        format.setSampleFormat(QAudioFormat::Int16);
        int16 = true;
    }
    m_source->setInt16(int16);
    m_sink = new QAudioSink(device, format, this);
    // Short buffer: the meters follow the clock, and a long buffer would make them run ahead.
    m_sink->setBufferSize(format.bytesForDuration(80000));
    m_sinkRate = rate;
}

void Player::startSink(std::size_t frame) {
    m_source->setAudio(m_audio);
    m_source->setFrame(frame);
    m_source->setLoop(m_loop);
    ensureSink();
    if (m_sink)
        m_sink->start(m_source.get());
}

void Player::stopSink() {
    if (m_sink)
        m_sink->stop();
}

} // namespace footfall::ui
