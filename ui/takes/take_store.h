// The take library: where takes are written, and the list of takes persisted across restarts
// as JSON in AppDataLocation (the audio files themselves are already on disk).
#pragma once

#include "takes/take_record.h"
#include "takes/take_view_data.h"

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
    // Takes whose audio file vanished are dropped (and counted in `problem`); a missing list
    // reads as empty. A list that cannot be read is kept aside as "<list>.broken-<time>" before
    // it reads as empty, so the next save cannot destroy it; `problem` says so in words.
    QVector<TakeRecord> load(QString* problem = nullptr) const;
    // Atomic write (QSaveFile) under a lock file ("<list>.lock", QLockFile), merged with the
    // list on disk, so that two app instances on one list lose nothing: takes another instance
    // added since this store last read or wrote the list are kept, takes it removed stay
    // removed, and its changes to a take win unless this store changed the same take. Unsaved
    // takes (TakeRecord::isUnsaved) are left out. Returns false and leaves the old list on
    // failure.
    bool save(const QVector<TakeRecord>& takes) const;
    // The same write on the store's own thread, so that a list of thousands of takes never
    // holds up the GUI: returns at once; the newest list wins over one still waiting.
    void saveInBackground(const QVector<TakeRecord>& takes);
    // Returns when every list handed to saveInBackground is on disk.
    void waitForSaves();

private:
    class Writer;
    struct Base; // the list as this store last read or wrote it: save()'s merge base
    QString m_listPath;
    std::shared_ptr<Base> m_base;     // shared by copies of the store
    std::shared_ptr<Writer> m_writer; // shared by copies of the store; waits when destroyed
};

// Analysed takes (decoded audio plus everything the views need) shared between the player,
// the meters and the waveform, one per path. Filled only with analyses made off the GUI thread
// (generation worker, TakeLoader); lookups never touch the disk.
class TakeCache {
public:
    SharedTakeView find(const QString& path) const { return m_items.value(path); }
    void put(const QString& path, SharedTakeView analysis);
    void remove(const QString& path) {
        m_items.remove(path);
        m_order.removeAll(path);
    }
    void clear() {
        m_items.clear();
        m_order.clear();
    }
    int size() const { return static_cast<int>(m_items.size()); }

private:
    QHash<QString, SharedTakeView> m_items;
    QVector<QString> m_order; // oldest first, for the bound
};

} // namespace footfall::ui
