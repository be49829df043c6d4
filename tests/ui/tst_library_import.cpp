// File ▸ Open library folder…: takes rendered elsewhere come into the take list from their
// sidecars, off the GUI thread. 2000 takes arrive while the event loop keeps turning (a 50 ms
// timer's longest gap is measured, not the import's duration), a take already in the list is
// not added twice, broken sidecars are reported in words, and an imported take recalls.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "takes/take_list_model.h"

#include "engines/engine_factory.h"
#include "generation/take_generation.h"

#include <QElapsedTimer>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTimer>
#include <QtTest>

#include "main_window_fixture.h"

#include <fstream>

using namespace footfall;
using namespace footfall::ui;

namespace {

constexpr int kTakes = 2000;
constexpr int kBroken = 3;

// Measures the longest time between two ticks of a 50 ms timer: how long the GUI thread was
// away from its event loop.
struct LoopWatch {
    QTimer timer;
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 longestGap = 0;
    LoopWatch() {
        timer.setInterval(50);
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, [this] {
            const qint64 now = clock.elapsed();
            longestGap = std::max(longestGap, now - last);
            last = now;
        });
        clock.start();
        timer.start();
    }
};

} // namespace

class TestLibraryImport : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private:
    QString m_library;
    QStringList m_paths; // the whole takes' audio files

    // One whole take per call to the engine is slow for 2000: one short procedural take is
    // rendered, and copied with a sidecar of its own (prompt, seed, file name) per copy.
    void makeLibrary() {
        m_library = m_dir->filePath(QStringLiteral("server-batch"));
        const std::string folder = m_library.toStdString();
        GenerationRequest r;
        r.prompt = "boots on gravel";
        r.durationSeconds = 0.1;
        r.seed = 1;
        OutputOptions out;
        out.folder = folder + "/source";
        out.format = AudioFormat::Wav16;
        auto engine = createEngine(r.engine);
        const Take source = footfall::generateTakes(*engine, r, out, {}, nullptr).front();
        const nlohmann::json sidecar = source.metadata;
        const char* surfaces[] = {"gravel", "wood", "snow", "marble", "grass"};
        for (int i = 0; i < kTakes + kBroken; ++i) {
            // Shards in subfolders, as a cluster run leaves them.
            const QString shard = QStringLiteral("%1/shard-%2").arg(m_library).arg(i % 4);
            QDir().mkpath(shard);
            const QString stem = QStringLiteral("take_%1").arg(i, 5, 10, QLatin1Char('0'));
            const QString wav = shard + QLatin1Char('/') + stem + QStringLiteral(".wav");
            QVERIFY(QFile::copy(QString::fromStdString(source.audioPath), wav));
            nlohmann::json m = sidecar;
            m["output_path"] = "/cluster/out/" + stem.toStdString() + ".wav";
            m["prompt"] = std::string("boots on ") + surfaces[i % 5];
            m["seed"] = 1000 + i;
            m["request"]["prompt"] = m["prompt"];
            m["request"]["seed"] = m["seed"];
            std::string text = m.dump(1);
            if (i >= kTakes) // broken: the sidecar was cut short in the copy
                text.resize(text.size() / 2);
            else
                m_paths << wav;
            std::ofstream(
                QString(shard + QLatin1Char('/') + stem + QStringLiteral(".json")).toStdString())
                << text;
        }
        QDir(m_library + QStringLiteral("/source")).removeRecursively();
        // Not a take's sidecar: passed over without a word.
        std::ofstream((m_library + QStringLiteral("/manifest.json")).toStdString())
            << R"({"prompt": "boots", "variations": 4})";
    }

    TakeRecord recordOf(const QString& wav) {
        TakeRecord t;
        t.audioPath = wav;
        t.sidecarPath = wav.chopped(4) + QStringLiteral(".json");
        std::ifstream in(t.sidecarPath.toStdString());
        t.metadata = nlohmann::json::parse(in);
        return t;
    }

private Q_SLOTS:
    void initTestCase() {
        setUpSuite();
        makeLibrary();
    }
    void init() { resetState(); }

    void thousandsOfTakesArriveWhileTheWindowAnswers() {
        auto w = makeWindow();
        // One of them is already in the list: it is not added again.
        w->addTake(recordOf(m_paths[7]));
        QCOMPARE(w->takeModel()->rowCount(), 1);
        QSignalSpy done(w.get(), &MainWindow::libraryImported);
        LoopWatch watch;
        QElapsedTimer importTime;
        importTime.start();
        w->importLibraryFolder(m_library);
        QVERIFY(w->isImportingLibrary());
        QVERIFY(done.wait(180000));
        const qint64 took = importTime.elapsed();
        QTest::qWait(120); // a tick after the last slice
        qInfo("import of %d takes: %lld ms; longest event-loop gap: %lld ms", kTakes, took,
              watch.longestGap);
        QVERIFY2(
            watch.longestGap < 500,
            qPrintable(QStringLiteral("the window was frozen for %1 ms").arg(watch.longestGap)));

        QCOMPARE(done.front().at(0).toInt(), kTakes - 1); // added
        QCOMPARE(done.front().at(1).toInt(), 1);          // duplicates
        const QStringList problems = done.front().at(2).toStringList();
        QCOMPARE(problems.size(), kBroken);
        for (const QString& p : problems)
            QVERIFY2(p.contains(QStringLiteral("is not valid JSON")), qPrintable(p));
        QCOMPARE(w->takeModel()->rowCount(), kTakes);
        QVERIFY(!w->isImportingLibrary());
        const QStringList paths = w->takeModel()->audioPaths();
        QCOMPARE(QSet<QString>(paths.begin(), paths.end()).size(), kTakes);
        const QString summary = w->statusBar()->currentMessage();
        QVERIFY2(summary.contains(QString::number(kTakes - 1)) &&
                     summary.contains(QStringLiteral("could not be read")),
                 qPrintable(summary));
        // The broken sidecars are named in a report that does not block the window.
        auto* report = w->findChild<QMessageBox*>(QStringLiteral("libraryProblems"));
        QVERIFY(report && report->isVisible() && !report->isModal());
        QVERIFY2(report->detailedText().contains(QStringLiteral("take_02000.json")),
                 qPrintable(report->detailedText()));
        report->close();

        // Recall of an imported take: its prompt and seed.
        const int row = w->takeModel()->rowOfPath(m_paths[1234]);
        QVERIFY(row >= 0);
        w->selectRow(row);
        w->recallCurrent();
        QCOMPARE(w->generationPanel()->promptText(), QStringLiteral("boots on grass"));
        QCOMPARE(w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("seedEdit"))->text(),
                 QStringLiteral("2234"));
        QCOMPARE(w->generationPanel()->makeJob().request.seed, 2234);

        // The same folder again: nothing new.
        done.clear();
        w->importLibraryFolder(m_library);
        QVERIFY(done.wait(180000));
        QCOMPARE(done.front().at(0).toInt(), 0);
        QCOMPARE(done.front().at(1).toInt(), kTakes);
        QCOMPARE(w->takeModel()->rowCount(), kTakes);

        // The list as saved (off the GUI thread) holds them all after a restart.
        w->close();
        QCOMPARE(TakeStore(listPath()).load().size(), kTakes);
    }

    void aFolderThatDoesNotExistIsSaidInWords() {
        auto w = makeWindow();
        QSignalSpy done(w.get(), &MainWindow::libraryImported);
        w->importLibraryFolder(m_dir->filePath(QStringLiteral("no-such-folder")));
        QVERIFY(done.wait(30000));
        QCOMPARE(done.front().at(0).toInt(), 0);
        const QString message = w->statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("no-such-folder")) &&
                     message.contains(QStringLiteral("does not exist")),
                 qPrintable(message));
        QCOMPARE(w->takeModel()->rowCount(), 0);
    }
};

QTEST_MAIN(TestLibraryImport)
#include "tst_library_import.moc"
