// "Open library folder…": takes rendered elsewhere (a batch on a server, a colleague's folder)
// read from their sidecars into the take list. The folder is scanned with the core's library
// scan (generation/library_index.h) on a private thread, so that thousands of takes never
// hold up the window; the result comes back as one queued signal.
#pragma once

#include "takes/take_record.h"

#include <QObject>
#include <QSet>
#include <QStringList>
#include <QThreadPool>
#include <QVector>

#include <memory>

namespace footfall::ui {

struct LibraryImport {
    QString folder;
    QVector<TakeRecord> takes; // whole takes not yet in the list, newest first
    QStringList problems;      // sidecars that cannot be used, "file: why" each
    int duplicates = 0;        // takes already in the list (not imported again)
    QString error;             // the folder itself cannot be read
    int added = 0;             // counted by the window as it adds `takes` to the list
};

// Reads `folder` (blocking; what the importer runs on its thread). `known` holds the audio
// paths already in the list; a take whose file is one of them (also through another path to
// the same file) counts as a duplicate.
LibraryImport readLibraryFolder(const QString& folder, const QStringList& known);

class LibraryImporter : public QObject {
    Q_OBJECT
public:
    explicit LibraryImporter(QObject* parent = nullptr);
    ~LibraryImporter() override; // waits for a scan under way

    // Starts scanning; false (and nothing started) while another scan is under way.
    bool start(const QString& folder, const QStringList& known);
    bool isBusy() const { return m_busy; }

Q_SIGNALS:
    // The receiver may move the takes out: nobody else holds the result.
    void finished(std::shared_ptr<footfall::ui::LibraryImport> result);

private:
    QThreadPool m_pool;
    bool m_busy = false;
};

} // namespace footfall::ui

Q_DECLARE_METATYPE(std::shared_ptr<footfall::ui::LibraryImport>)
