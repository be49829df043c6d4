#include "takes/take_store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QMutex>
#include <QSaveFile>
#include <QStandardPaths>
#include <QThreadPool>

#include <optional>

namespace footfall::ui {

QString TakeStore::defaultOutputFolder() {
    const QString music = QStandardPaths::writableLocation(QStandardPaths::MusicLocation);
    if (!music.isEmpty())
        return QDir(music).filePath(QStringLiteral("Footfall"));
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("takes"));
}

QString TakeStore::defaultListPath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("takes.json"));
}

struct TakeStore::Base {
    QMutex mutex;
    bool known = false; // false until the list was read or written: then the file is the base
    QHash<QString, nlohmann::json> takes; // by audio path
};

namespace {

QString pathOf(const nlohmann::json& item) {
    if (!item.is_object())
        return {};
    const auto it = item.find("audio_path");
    return it != item.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                               : QString();
}

QHash<QString, nlohmann::json> byPath(const nlohmann::json& list) {
    QHash<QString, nlohmann::json> out;
    for (const auto& item : list)
        if (const QString path = pathOf(item); !path.isEmpty())
            out.insert(path, item);
    return out;
}

// The list file's takes, or nothing when it is missing or not a take list.
std::optional<nlohmann::json> readList(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray bytes = file.readAll();
    const auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(),
                                            nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("takes") || !json["takes"].is_array())
        return std::nullopt;
    return json["takes"];
}

} // namespace

// One write at a time on a private thread; lists that arrive meanwhile replace each other.
class TakeStore::Writer {
public:
    explicit Writer(const TakeStore& owner) : m_store(owner) {
        m_pool.setMaxThreadCount(1);
        m_pool.setObjectName(QStringLiteral("footfall-take-list-writer"));
    }
    ~Writer() { m_pool.waitForDone(); }

    void save(const QVector<TakeRecord>& takes) {
        const QMutexLocker lock(&m_mutex);
        m_next = takes; // implicitly shared: the copy costs nothing here
        if (m_running)
            return;
        m_running = true;
        m_pool.start([this] {
            for (;;) {
                QVector<TakeRecord> takes;
                {
                    const QMutexLocker lock(&m_mutex);
                    if (!m_next) {
                        m_running = false;
                        return;
                    }
                    takes = std::move(*m_next);
                    m_next.reset();
                }
                m_store.save(takes);
            }
        });
    }
    void wait() { m_pool.waitForDone(); }

private:
    TakeStore m_store; // without a writer of its own: it only saves
    QThreadPool m_pool;
    QMutex m_mutex;
    std::optional<QVector<TakeRecord>> m_next;
    bool m_running = false;
};

TakeStore::TakeStore(QString listPath)
    : m_listPath(std::move(listPath)), m_base(std::make_shared<Base>()) {}

void TakeStore::saveInBackground(const QVector<TakeRecord>& takes) {
    if (!m_writer)
        m_writer = std::make_shared<Writer>(*this); // shares the merge base
    m_writer->save(takes);
}

void TakeStore::waitForSaves() {
    if (m_writer)
        m_writer->wait();
}

QVector<TakeRecord> TakeStore::load(QString* problem) const {
    QVector<TakeRecord> takes;
    QFile file(m_listPath);
    if (!file.exists() || !file.open(QIODevice::ReadOnly)) {
        const QMutexLocker lock(&m_base->mutex);
        m_base->known = true; // an empty list: whatever appears later was added by others
        m_base->takes.clear();
        return takes;
    }
    const QByteArray bytes = file.readAll();
    file.close();
    const auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(),
                                            nullptr, /*allow_exceptions=*/false);
    const bool valid = json.is_object() && json.contains("takes") && json["takes"].is_array();
    {
        // Every take the file names, those whose files are gone too: they leave the list
        // with this store's next save.
        const QMutexLocker lock(&m_base->mutex);
        m_base->known = true;
        m_base->takes = valid ? byPath(json["takes"]) : QHash<QString, nlohmann::json>();
    }
    if (!valid) {
        const QString aside =
            m_listPath + QStringLiteral(".broken-") +
            QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        const bool kept = QFile::copy(m_listPath, aside);
        if (problem)
            *problem = kept ? QCoreApplication::translate(
                                  "TakeStore", "The take list could not be read; it was kept "
                                               "as %1 and a new list is started.")
                                  .arg(QDir::toNativeSeparators(aside))
                            : QCoreApplication::translate("TakeStore",
                                                          "The take list %1 could not be read.")
                                  .arg(QDir::toNativeSeparators(m_listPath));
        return takes;
    }
    int missing = 0;
    for (const auto& item : json["takes"]) {
        TakeRecord r = TakeRecord::fromJson(item);
        if (!r.audioPath.isEmpty() && QFileInfo::exists(r.audioPath))
            takes.push_back(std::move(r));
        else
            ++missing;
    }
    if (problem && missing > 0)
        *problem = QCoreApplication::translate(
            "TakeStore", "%n take(s) left the list: their files are gone.", "", missing);
    return takes;
}

bool TakeStore::save(const QVector<TakeRecord>& takes) const {
    nlohmann::json mine = nlohmann::json::array();
    for (const auto& t : takes)
        if (!t.isUnsaved()) // not on disk: nothing to point to
            mine.push_back(t.toJson());
    QDir().mkpath(QFileInfo(m_listPath).absolutePath());
    // One writer at a time, across processes; a lock left by a killed process is taken over.
    QLockFile lockFile(m_listPath + QStringLiteral(".lock"));
    lockFile.setStaleLockTime(30000);
    if (!lockFile.tryLock(10000))
        return false;
    const QMutexLocker lock(&m_base->mutex);
    const std::optional<nlohmann::json> onDisk = readList(m_listPath);
    const QHash<QString, nlohmann::json> disk =
        onDisk ? byPath(*onDisk) : QHash<QString, nlohmann::json>();
    // Never read or written by this store: what is on disk is what it replaces.
    const QHash<QString, nlohmann::json>& base = m_base->known ? m_base->takes : disk;
    QHash<QString, nlohmann::json> written;
    for (const auto& item : mine)
        written.insert(pathOf(item), item);
    nlohmann::json list = nlohmann::json::array();
    // Takes another instance added meanwhile first: they are the newest.
    if (onDisk)
        for (const auto& item : *onDisk) {
            const QString path = pathOf(item);
            if (!path.isEmpty() && !base.contains(path) && !written.contains(path))
                list.push_back(item);
        }
    for (const auto& item : mine) {
        const QString path = pathOf(item);
        const auto inBase = base.constFind(path);
        const auto inDisk = disk.constFind(path);
        if (inBase != base.constEnd() && inDisk == disk.constEnd())
            continue; // removed by another instance
        // Changed there and not here: theirs.
        if (inBase != base.constEnd() && *inBase == item)
            list.push_back(*inDisk);
        else
            list.push_back(item);
    }
    const nlohmann::json doc = {{"version", 1}, {"takes", list}};
    QSaveFile file(m_listPath);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const std::string text = doc.dump(2);
    file.write(text.data(), static_cast<qint64>(text.size()));
    if (!file.commit())
        return false;
    m_base->known = true;
    m_base->takes = std::move(written); // what this store's list holds, not the merge
    return true;
}

void TakeCache::put(const QString& path, SharedTakeView analysis) {
    if (!analysis)
        return;
    if (!m_items.contains(path))
        m_order.push_back(path);
    m_items.insert(path, std::move(analysis));
    // Bounded: a long session should not keep every take decoded. Drop the oldest ones.
    while (m_order.size() > 48) {
        m_items.remove(m_order.front());
        m_order.pop_front();
    }
}

} // namespace footfall::ui
