// Faults while takes are saved and listed (issue #10, "Fault injection"): a full disk or a
// read-only folder in the middle of a save (the take stays in the list and in memory, nothing
// half-written is left, Retry save works once there is room), two stores on one take list
// (nothing lost), and the real app killed right after a take and during a save.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/generation_queue.h"
#include "takes/take_list_model.h"
#include "takes/take_store.h"

#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/file_check.h"
#include "io/metadata.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QThread>
#include <QtTest>

#include "main_window_fixture.h"

#include <cerrno>
#include <csignal>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Every entry of a folder, hidden ones (temporary files) included.
QStringList folderEntries(const QString& folder) {
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

QStringList listedPaths(const QString& listPath) {
    QFile file(listPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const auto json = nlohmann::json::parse(file.readAll().toStdString(), nullptr, false);
    QStringList paths;
    if (json.is_object() && json.contains("takes"))
        for (const auto& t : json["takes"])
            paths << QString::fromStdString(t.value("audio_path", std::string()));
    return paths;
}

bool run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

TakeRecord record(const QString& path, int rating = 0) {
    TakeRecord r;
    r.audioPath = path;
    r.metadata = {{"prompt", path.toStdString()}};
    r.rating = rating;
    return r;
}

// A take's files are whole: the audio decodes to its end, the sidecar parses and names it.
void verifyWhole(const TakeRecord& take) {
    const auto probe = probeAudioFile(take.audioPath.toStdString());
    QVERIFY2(probe && probe->complete, qPrintable(take.audioPath));
    const nlohmann::json sidecar = readSidecar(sidecarPathFor(take.audioPath.toStdString()));
    QCOMPARE(QString::fromStdString(sidecar.value("output_path", std::string())), take.audioPath);
}

} // namespace

class TestFaultInjection : public QObject, private test::MainWindowFixture {
    Q_OBJECT

    QString library() const { return m_dir->filePath(QStringLiteral("library")); }

    // One take generated through the window while writes fail with `error` after `bytes`.
    void generateWithFault(MainWindow& w, std::int64_t bytes, int error) {
        injectWriteFaultForTesting(bytes, error);
        generateTakes(w, 1);
        injectWriteFaultForTesting(-1, 0);
    }

    // The failed take: in the list, marked, in memory; the banner says why; nothing on disk.
    void verifyUnsaved(MainWindow& w, const QString& reason) {
        QCOMPARE(w.takeModel()->rowCount(), 1);
        const TakeRecord take = w.takeModel()->take(0);
        QVERIFY(take.isUnsaved());
        QVERIFY(take.unsaved && !take.unsaved->audio.empty());
        QVERIFY2(take.saveError.contains(reason), qPrintable(take.saveError));
        QVERIFY2(take.saveError.startsWith(QStringLiteral("could not save ")),
                 qPrintable(take.saveError));
        const QString banner = w.generationPanel()->errorText();
        QVERIFY2(banner.contains(reason) && banner.contains(QStringLiteral("Retry save")),
                 qPrintable(banner));
        QVERIFY2(folderEntries(library()).isEmpty(),
                 qPrintable(folderEntries(library()).join(' ')));
        QVERIFY(w.findChild<QAction*>(QStringLiteral("retrySaveAction"))->isEnabled());
    }

    // Retry save once there is room: the take becomes normal, whole on disk and listed.
    void verifyRetry(MainWindow& w) {
        QAction* retry = w.findChild<QAction*>(QStringLiteral("retrySaveAction"));
        QSignalSpy done(&w, &MainWindow::retrySaveFinished);
        retry->trigger();
        // The files are written on a worker: the GUI thread is back before they are.
        QVERIFY(w.isRetryingSave());
        QVERIFY(!retry->isEnabled());
        QVERIFY(w.takeModel()->take(0).isUnsaved());
        QVERIFY(done.wait(30000));
        QCOMPARE(done.first().first().toInt(), 0);
        const TakeRecord take = w.takeModel()->take(0);
        QVERIFY2(!take.isUnsaved(), qPrintable(take.saveError));
        QVERIFY(!take.unsaved);
        verifyWhole(take);
        QVERIFY(!retry->isEnabled());
        QVERIFY(w.generationPanel()->errorText().isEmpty());
        QTRY_VERIFY(listedPaths(listPath()).contains(take.audioPath));
        // Exactly the take's two files: no temporary file left.
        QCOMPARE(folderEntries(library()).size(), 2);
    }

private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() {
        resetState();
        QDir(library()).removeRecursively();
        QDir().mkpath(library());
    }
    void cleanup() { injectWriteFaultForTesting(-1, 0); }

    void diskFullDuringTheAudioFile() {
        auto w = makeWindow();
        generateWithFault(*w, 4096, ENOSPC); // the WAV is far longer than 4 KiB
        verifyUnsaved(*w, QStringLiteral("No space left on device"));
        // Never in the persisted list: it has no file.
        QTRY_VERIFY(QFileInfo::exists(listPath()));
        QVERIFY(listedPaths(listPath()).isEmpty());
        // Still no room: still unsaved, said again, nothing left behind.
        injectWriteFaultForTesting(100, ENOSPC);
        QSignalSpy done(w.get(), &MainWindow::retrySaveFinished);
        QVERIFY(w->retrySave());
        QVERIFY(!w->retrySave()); // one retry at a time
        QVERIFY(done.wait(30000));
        QCOMPARE(done.first().first().toInt(), 1);
        injectWriteFaultForTesting(-1, 0);
        QVERIFY(w->takeModel()->take(0).isUnsaved());
        QVERIFY(w->generationPanel()->errorText().contains(QStringLiteral("No space left")));
        QVERIFY(folderEntries(library()).isEmpty());
        verifyRetry(*w);
    }

    void diskFullDuringTheSidecar() {
        // The same take (locked seed) once normally, to learn its audio file's size; then the
        // disk fills right after the audio file: the sidecar fails and the audio file goes too.
        auto w = makeWindow();
        w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("seedEdit"))->setText("77");
        w->generationPanel()->setSeedLocked(true);
        generateTakes(*w, 1);
        const TakeRecord first = w->takeModel()->take(0);
        const qint64 audioBytes = QFileInfo(first.audioPath).size();
        w->removeCurrent();
        QFile::remove(first.audioPath);
        QFile::remove(first.sidecarPath);
        generateWithFault(*w, audioBytes, ENOSPC);
        QVERIFY(w->takeModel()->take(0).saveError.contains(QStringLiteral(".wav")));
        verifyUnsaved(*w, QStringLiteral("No space left on device"));
        verifyRetry(*w);
    }

    void folderTurnsReadOnlyDuringTheSave() {
        auto w = makeWindow();
        generateWithFault(*w, 0, EROFS);
        verifyUnsaved(*w, QStringLiteral("Read-only file system"));
        verifyRetry(*w);
    }

    void realFullDisk() {
        // A 64 KiB tmpfs as the output folder: a 2 s stereo float take does not fit. Needs
        // the right to mount (root with CAP_SYS_ADMIN); the fault seam above covers the rest.
        if (!run(QStringLiteral("mount"),
                 {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                  QStringLiteral("size=64k"), QStringLiteral("footfall-test"), library()}))
            QSKIP("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        const auto unmount = qScopeGuard([this] { run(QStringLiteral("umount"), {library()}); });
        {
            auto w = makeWindow();
            generateTakes(*w, 1);
            verifyUnsaved(*w, QStringLiteral("No space left on device"));
            QVERIFY(run(QStringLiteral("mount"),
                        {QStringLiteral("-o"), QStringLiteral("remount,size=16m"), library()}));
            verifyRetry(*w);
            // Read-only from now on: refused before anything is generated, in words.
            QVERIFY(run(QStringLiteral("mount"),
                        {QStringLiteral("-o"), QStringLiteral("remount,ro"), library()}));
            w->generationPanel()->generateButton()->click();
            QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
            QVERIFY2(w->generationPanel()->errorText().contains(QStringLiteral("not writable")),
                     qPrintable(w->generationPanel()->errorText()));
            QCOMPARE(w->takeModel()->rowCount(), 1);
        }
    }

    // Takes in the list must exist (load drops the others): empty files under "X/".
    QString takeFile(const QString& name) const {
        const QString path = m_dir->filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        return path;
    }

    void twoStoresOnOneList() {
        const QString list = listPath();
        TakeStore a(list), b(list);
        QVERIFY(a.load().isEmpty());
        QVERIFY(b.load().isEmpty());
        QVERIFY(a.save({record(takeFile("X/a1.wav"))}));
        QVERIFY(b.save({record(takeFile("X/b1.wav"))}));
        QCOMPARE(listedPaths(list).size(), 2); // a1 kept although b never saw it
        // b rates its take, a removes its own: both hold.
        QVERIFY(b.save({record(takeFile("X/b1.wav"), 4)}));
        QVERIFY(a.save({}));
        QCOMPARE(listedPaths(list), QStringList{takeFile("X/b1.wav")});
        // c (started meanwhile) adds a2 and leaves b1 as it found it; b rates b1 again: a2 is
        // kept, and b's rating wins over c's unchanged copy, then and at c's next save.
        TakeStore c(list);
        QCOMPARE(c.load().size(), 1);
        QVERIFY(c.save({record(takeFile("X/a2.wav")), record(takeFile("X/b1.wav"), 4)}));
        QVERIFY(b.save({record(takeFile("X/b1.wav"), 5)}));
        QVERIFY(c.save({record(takeFile("X/a2.wav")), record(takeFile("X/b1.wav"), 4)}));
        QCOMPARE(listedPaths(list).size(), 2);
        QFile file(list);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto doc = nlohmann::json::parse(file.readAll().toStdString());
        for (const auto& t : doc["takes"])
            if (t["audio_path"] == takeFile("X/b1.wav").toStdString())
                QCOMPARE(t["rating"].get<int>(), 5);
        // Unsaved takes never reach the list.
        TakeRecord unsaved = record(takeFile("X/u.wav"));
        unsaved.saveError = QStringLiteral("could not save u.wav: No space left on device");
        QVERIFY(c.save({unsaved, record(takeFile("X/a2.wav"))}));
        QVERIFY(!listedPaths(list).contains(takeFile("X/u.wav")));
    }

    void twoStoresWritingAtOnce() {
        // Two stores (as two app instances) each add 40 takes, one save per take, at the same
        // time: every take of both ends in the list, and the list stays valid JSON throughout.
        const QString list = listPath();
        QFile::remove(list);
        const QString root = m_dir->path();
        for (int i = 0; i < 40; ++i)
            for (const char* name : {"one", "two"})
                takeFile(QStringLiteral("X/%1-%2.wav").arg(QLatin1String(name)).arg(i));
        const auto writer = [list, root](const QString& name) {
            TakeStore store(list);
            QVector<TakeRecord> mine = store.load(); // as a window's list starts
            for (int i = 0; i < 40; ++i) {
                mine.prepend(record(QStringLiteral("%1/X/%2-%3.wav").arg(root, name).arg(i)));
                store.saveInBackground(mine);
                QThread::usleep(500);
            }
            store.waitForSaves();
            store.save(mine);
        };
        QThread* one = QThread::create(writer, QStringLiteral("one"));
        QThread* two = QThread::create(writer, QStringLiteral("two"));
        one->start();
        two->start();
        QVERIFY(one->wait(60000) && two->wait(60000));
        delete one;
        delete two;
        const QStringList paths = listedPaths(list);
        QCOMPARE(paths.size(), 80);
        QCOMPARE(QSet<QString>(paths.begin(), paths.end()).size(), 80);
        QVERIFY(!QFileInfo::exists(list + QStringLiteral(".lock")));
    }

    // Killed between the audio's rename and the sidecar's write: on restart the take is back
    // in the list, its sidecar written again from the metadata the audio file carries. A
    // whole WAV without a take's metadata for this path (a copy) and a cut-short take file are
    // left out, as they were.
    void takeThatLostItsSidecarIsRecovered() {
        {
            auto w = makeWindow();
            generateTakes(*w, 2);
        }
        QTRY_COMPARE(listedPaths(listPath()).size(), 2);
        const QVector<TakeRecord> takes = TakeStore(listPath()).load();
        QCOMPARE(takes.size(), 2);
        const TakeRecord lost = takes[0]; // newest first
        const TakeRecord kept = takes[1];
        const nlohmann::json original = readSidecar(lost.sidecarPath.toStdString());
        QVERIFY(TakeStore(listPath()).save({kept}));
        QVERIFY(QFile::remove(lost.sidecarPath));
        const QString copy = library() + QStringLiteral("/copy.wav");
        QVERIFY(QFile::copy(kept.audioPath, copy));
        const QString cut = library() + QStringLiteral("/cut.wav");
        {
            QFile whole(lost.audioPath);
            QVERIFY(whole.open(QIODevice::ReadOnly));
            QFile part(cut);
            QVERIFY(part.open(QIODevice::WriteOnly));
            part.write(whole.read(whole.size() / 2));
        }
        // The list was written before all three files.
        QFile list(listPath());
        QVERIFY(list.open(QIODevice::ReadWrite));
        QVERIFY(list.setFileTime(QFileInfo(lost.audioPath).lastModified().addSecs(-60),
                                 QFileDevice::FileModificationTime));
        list.close();

        auto w = makeWindow();
        QCOMPARE(w->takeModel()->rowCount(), 2);
        const QStringList paths = w->takeModel()->audioPaths();
        QVERIFY(paths.contains(lost.audioPath));
        QVERIFY(paths.contains(kept.audioPath));
        QVERIFY(QFile::exists(lost.sidecarPath));
        QCOMPARE(readSidecar(lost.sidecarPath.toStdString()), original);
        QVERIFY(!QFile::exists(sidecarPathFor(copy.toStdString()).c_str()));
        const QString message = w->statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("sidecar")), qPrintable(message));
    }

    void appKilledRightAfterATakeAndDuringASave() {
        // The real app, scratch home: generates on start (--generate) and is killed (SIGKILL)
        // (1) as soon as a take's sidecar is there, (2) while a take's temporary file is being
        // written. After each, a window on the same list and folder shows every whole take on
        // disk, no broken entry, and no temporary file.
        QTemporaryDir home;
        QVERIFY(home.isValid());
        const QString out = home.filePath(QStringLiteral("takes"));
        const QString config = home.filePath(QStringLiteral("config"));
        const QString data = home.filePath(QStringLiteral("data"));
        const QString appList = data + QStringLiteral("/Footfall/Footfall/takes.json");
        {
            QSettings s(config + QStringLiteral("/Footfall/Footfall.conf"), QSettings::IniFormat);
            s.beginGroup(QStringLiteral("generation"));
            s.setValue(QStringLiteral("engine"), QStringLiteral("procedural"));
            s.setValue(QStringLiteral("outputDir"), out);
            s.setValue(QStringLiteral("duration"), 30.0);
            s.setValue(QStringLiteral("takes"), 20);
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
        env.insert(QStringLiteral("XDG_DATA_HOME"), data);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        for (const bool duringSave : {false, true}) {
            QProcess app;
            app.setProcessEnvironment(env);
            app.start(QStringLiteral(FOOTFALL_APP),
                      {QStringLiteral("--generate"), QStringLiteral("boots on gravel")});
            QVERIFY(app.waitForStarted());
            const int before = static_cast<int>(
                QDir(out).entryList({QStringLiteral("*.json")}, QDir::Files).size());
            QElapsedTimer t;
            t.start();
            bool seen = false;
            while (!seen && t.elapsed() < 120000 && app.state() == QProcess::Running) {
                const QStringList entries = folderEntries(out);
                seen = duringSave
                           ? std::any_of(entries.begin(), entries.end(),
                                         [](const QString& e) {
                                             return e.endsWith(QStringLiteral(".part"));
                                         })
                           : QDir(out).entryList({QStringLiteral("*.json")}, QDir::Files).size() >
                                 before;
                if (!seen)
                    QThread::usleep(200);
            }
            ::kill(static_cast<pid_t>(app.processId()), SIGKILL);
            app.waitForFinished(10000);
            QVERIFY2(seen, duringSave ? "no temporary file seen" : "no take seen");
            const QStringList leftBehind = folderEntries(out).filter(QStringLiteral(".part"));
            qInfo("killed %s; left behind: %s", duringSave ? "during a save" : "after a take",
                  qPrintable(leftBehind.join(QLatin1Char(' '))));

            // How many of them the list already named (the rest need the restart's recovery).
            qInfo("takes on disk: %lld; in takes.json at the kill: %lld",
                  static_cast<long long>(
                      QDir(out).entryList({QStringLiteral("*.json")}, QDir::Files).size()),
                  static_cast<long long>(listedPaths(appList).size()));
            // Restart on the same list and folder.
            QSettings().setValue(QStringLiteral("generation/outputDir"), out);
            auto w = std::make_unique<MainWindow>(TakeStore(appList));
            QCOMPARE(w->generationPanel()->outputFolder(), out);
            QVERIFY(folderEntries(out).filter(QStringLiteral(".part")).isEmpty());
            const QStringList sidecars =
                QDir(out).entryList({QStringLiteral("*.json")}, QDir::Files);
            QVERIFY(!sidecars.isEmpty());
            QCOMPARE(w->takeModel()->rowCount(), sidecars.size());
            for (int row = 0; row < w->takeModel()->rowCount(); ++row)
                verifyWhole(w->takeModel()->take(row));
            w.reset();
            QTRY_COMPARE(listedPaths(appList).size(), static_cast<int>(sidecars.size()));
        }
    }
};

QTEST_MAIN(TestFaultInjection)
#include "tst_fault_injection.moc"
