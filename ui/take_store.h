// The take library: where takes are written, and the list of takes persisted across restarts
// as JSON in AppDataLocation (the audio files themselves are already on disk).
#pragma once

#include "take_record.h"

#include "audio/audio_buffer.h"

#include <QHash>
#include <QString>
#include <QVector>

#include <memory>

namespace footfall::ui {

class TakeStore {
public:
    // MusicLocation/Footfall, or AppDataLocation/takes when there is no music folder.
    static QString defaultOutputFolder();
    // AppDataLocation/takes.json
    static QString defaultListPath();

    explicit TakeStore(QString listPath = defaultListPath());

    const QString& listPath() const { return m_listPath; }
    // Takes whose audio file vanished are dropped; a missing or broken list reads as empty.
    QVector<TakeRecord> load() const;
    // Atomic write (QSaveFile); returns false and leaves the old list on failure.
    bool save(const QVector<TakeRecord>& takes) const;

private:
    QString m_listPath;
};

// Decoded audio shared between the player, the meters and the waveform, loaded once per path.
class AudioCache {
public:
    std::shared_ptr<const AudioBuffer> get(const QString& path); // null when unreadable
    void put(const QString& path, std::shared_ptr<const AudioBuffer> audio);
    void clear() { m_items.clear(); }

private:
    QHash<QString, std::shared_ptr<const AudioBuffer>> m_items;
};

} // namespace footfall::ui
