#include "takes/library_import.h"

#include "generation/library_index.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace footfall::ui {

namespace {

// The same file through whichever path reached it.
QString samePath(const QString& path) {
    const QString canonical = QFileInfo(path).canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(QFileInfo(path).absoluteFilePath()) : canonical;
}

} // namespace

LibraryImport readLibraryFolder(const QString& folder, const QStringList& known) {
    LibraryImport out;
    out.folder = folder;
    LibraryScan scan;
    try {
        scan = scanLibrary(folder.toStdString());
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
        return out;
    }
    QSet<QString> seen;
    seen.reserve(known.size());
    for (const QString& path : known) {
        seen.insert(path);
        seen.insert(samePath(path));
    }
    const QDir root(folder);
    for (LibraryEntry& entry : scan.entries) {
        TakeRecord take;
        take.audioPath = samePath(root.filePath(QString::fromStdString(entry.path)));
        if (seen.contains(take.audioPath)) {
            ++out.duplicates;
            continue;
        }
        seen.insert(take.audioPath);
        const QFileInfo audio(take.audioPath);
        take.sidecarPath = audio.dir().filePath(audio.completeBaseName() + QStringLiteral(".json"));
        take.metadata = std::move(entry.metadata);
        take.created = QDateTime::fromString(QString::fromStdString(entry.created), Qt::ISODate);
        if (!take.created.isValid())
            take.created = audio.lastModified();
        out.takes.push_back(std::move(take));
    }
    // Newest first, as the list shows takes; the path decides between equal times.
    std::stable_sort(
        out.takes.begin(), out.takes.end(), [](const TakeRecord& a, const TakeRecord& b) {
            return a.created != b.created ? a.created > b.created : a.audioPath < b.audioPath;
        });
    for (const std::string& problem : scan.problems)
        out.problems << QString::fromStdString(problem);
    return out;
}

LibraryImporter::LibraryImporter(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<LibraryImport>>();
    m_pool.setMaxThreadCount(1);
    m_pool.setObjectName(QStringLiteral("footfall-library-import"));
}

LibraryImporter::~LibraryImporter() {
    m_pool.waitForDone();
}

bool LibraryImporter::start(const QString& folder, const QStringList& known) {
    if (m_busy)
        return false;
    m_busy = true;
    // `this` outlives the task: the destructor waits for the pool.
    m_pool.start([this, folder, known] {
        auto result = std::make_shared<LibraryImport>(readLibraryFolder(folder, known));
        QMetaObject::invokeMethod(
            this,
            [this, result]() mutable {
                m_busy = false;
                Q_EMIT finished(std::move(result));
            },
            Qt::QueuedConnection);
    });
    return true;
}

} // namespace footfall::ui
