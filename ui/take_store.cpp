#include "take_store.h"

#include "io/audio_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

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

TakeStore::TakeStore(QString listPath) : m_listPath(std::move(listPath)) {}

QVector<TakeRecord> TakeStore::load() const {
    QVector<TakeRecord> takes;
    QFile file(m_listPath);
    if (!file.open(QIODevice::ReadOnly))
        return takes;
    const QByteArray bytes = file.readAll();
    const auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(),
                                            nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("takes") || !json["takes"].is_array())
        return takes;
    for (const auto& item : json["takes"]) {
        TakeRecord r = TakeRecord::fromJson(item);
        if (!r.audioPath.isEmpty() && QFileInfo::exists(r.audioPath))
            takes.push_back(std::move(r));
    }
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

std::shared_ptr<const AudioBuffer> AudioCache::get(const QString& path) {
    if (auto it = m_items.find(path); it != m_items.end())
        return it.value();
    std::shared_ptr<const AudioBuffer> audio;
    try {
        audio = std::make_shared<const AudioBuffer>(readAudioFile(path.toStdString()));
    } catch (const std::exception&) {
        return nullptr; // the caller shows the take as unplayable
    }
    // Bounded: a long session should not keep every take decoded.
    if (m_items.size() > 64)
        m_items.clear();
    m_items.insert(path, audio);
    return audio;
}

void AudioCache::put(const QString& path, std::shared_ptr<const AudioBuffer> audio) {
    if (m_items.size() > 64)
        m_items.clear();
    m_items.insert(path, std::move(audio));
}

} // namespace footfall::ui
