#include "takes/take_store.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
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

// One write at a time on a private thread; lists that arrive meanwhile replace each other.
class TakeStore::Writer {
public:
    explicit Writer(QString listPath) : m_store(std::move(listPath)) {
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

TakeStore::TakeStore(QString listPath) : m_listPath(std::move(listPath)) {}

void TakeStore::saveInBackground(const QVector<TakeRecord>& takes) {
    if (!m_writer)
        m_writer = std::make_shared<Writer>(m_listPath);
    m_writer->save(takes);
}

void TakeStore::waitForSaves() {
    if (m_writer)
        m_writer->wait();
}

QVector<TakeRecord> TakeStore::load(QString* problem) const {
    QVector<TakeRecord> takes;
    QFile file(m_listPath);
    if (!file.exists() || !file.open(QIODevice::ReadOnly))
        return takes;
    const QByteArray bytes = file.readAll();
    file.close();
    const auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(),
                                            nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("takes") || !json["takes"].is_array()) {
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
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : takes)
        list.push_back(t.toJson());
    const nlohmann::json doc = {{"version", 1}, {"takes", list}};
    QDir().mkpath(QFileInfo(m_listPath).absolutePath());
    QSaveFile file(m_listPath);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    const std::string text = doc.dump(2);
    file.write(text.data(), static_cast<qint64>(text.size()));
    return file.commit();
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
