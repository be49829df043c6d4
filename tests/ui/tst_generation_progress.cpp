// The time label next to the progress bar: elapsed time always, an ETA once a sampler step was
// measured, counting down between reports, "Took …" at the end, nothing after a cancel; driven
// by the worker's progress signal (a scripted one, then the real worker on the procedural
// engine, then the whole window).
#include "app/translations.h"
#include "generate/generation_panel.h"
#include "generate/generation_worker.h"

#include "main_window_fixture.h"

#include <QLabel>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTranslator>
#include <QtTest>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Sends what a GenerationWorker sends, with times chosen by the test.
class ProgressSource : public QObject {
    Q_OBJECT
public:
    void send(const Progress& p, const ProgressEstimate& timing) {
        GenerationProgress g = describeProgress(1, p);
        g.timing = timing;
        Q_EMIT progressed(g);
    }
Q_SIGNALS:
    void progressed(const footfall::ui::GenerationProgress& progress);
};

Progress sampling(int step, int total, int take = 0, int takes = 1) {
    return {Phase::Sampling, step, total, take, takes};
}

} // namespace

class TestGenerationProgress : public QObject, public test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void theLabelShowsElapsedAndTheEtaOnceAStepWasMeasured() {
        GenerationPanel panel;
        panel.show();
        ProgressSource source;
        connect(&source, &ProgressSource::progressed, &panel, &GenerationPanel::showProgress);
        QLabel* label = panel.findChild<QLabel*>(QStringLiteral("etaLabel"));
        QVERIFY(label);
        QVERIFY(label->text().isEmpty());
        panel.setBusy(true, 0);

        // A run that started 12 s ago, sampling from step 0: no step measured, no ETA.
        const double now = ProgressClock::now();
        ProgressClock clock;
        clock.start(now - 12);
        clock.update(sampling(0, 10), now - 2);
        source.send(sampling(0, 10), clock.estimate(now));
        QCOMPARE(panel.etaText(), QStringLiteral("12 s elapsed"));
        QVERIFY(label->toolTip().contains(QStringLiteral("No ETA")));

        // The first step took 2 s: 9 more are 18 s.
        clock.update(sampling(1, 10), now);
        source.send(sampling(1, 10), clock.estimate(now));
        QCOMPARE(panel.etaText(), QStringLiteral("12 s elapsed · 18 s left"));
        QVERIFY2(label->toolTip().contains(QStringLiteral("2.0 s/step")),
                 qPrintable(label->toolTip()));
        QVERIFY(panel.findChild<QProgressBar*>(QStringLiteral("progressBar"))->value() > 0);
        QVERIFY(label->isVisible());

        // No report for a while: the label's clock runs on and the ETA counts down.
        QTRY_COMPARE_WITH_TIMEOUT(panel.etaText(), QStringLiteral("13 s elapsed · 17 s left"),
                                  3000);

        // The end: how long it took, and no more ticking.
        Progress done;
        done.phase = Phase::Done;
        clock.update(done, now + 20);
        source.send(done, clock.estimate(now + 20));
        QCOMPARE(panel.etaText(), QStringLiteral("Took 32 s"));
        panel.setBusy(false, 0);
        QTest::qWait(1200);
        QCOMPARE(panel.etaText(), QStringLiteral("Took 32 s"));
    }

    // Takes made together in one pass are named together, and the bar moves for all of them.
    void aPassOfSeveralTakesIsNamedTogether() {
        const Progress halfway{Phase::Sampling, 5, 10, 4, 8, 4}; // takes 5-8 of 8, step 5/10
        const GenerationProgress g = describeProgress(1, halfway);
        QVERIFY2(g.text.startsWith(QStringLiteral("Takes 5–8/8")), qPrintable(g.text));
        // Half-way through the second pass of two: more than half of the run, less than all.
        QVERIFY2(g.fraction > 0.6 && g.fraction < 0.9, qPrintable(QString::number(g.fraction)));
        const Progress single{Phase::Sampling, 5, 10, 4, 8, 1};
        const GenerationProgress one = describeProgress(1, single);
        QVERIFY2(one.text.startsWith(QStringLiteral("Take 5/8")), qPrintable(one.text));
        QVERIFY(one.fraction < g.fraction); // one take of the four is less far along
    }

    void aCancelledRunLeavesNoEta() {
        GenerationPanel panel;
        ProgressSource source;
        connect(&source, &ProgressSource::progressed, &panel, &GenerationPanel::showProgress);
        panel.setBusy(true, 0);
        const double now = ProgressClock::now();
        ProgressClock clock;
        clock.start(now - 1);
        clock.update(sampling(0, 10), now - 1);
        clock.update(sampling(5, 10), now);
        source.send(sampling(5, 10), clock.estimate(now));
        QVERIFY(panel.etaText().contains(QStringLiteral("left")));
        panel.setBusy(false, 0); // cancelled: no Done report came
        QVERIFY(panel.etaText().isEmpty());
    }

    void theLabelSpeaksGerman() {
        const QString folder = QStringLiteral(FOOTFALL_BINARY_DIR "/app");
        QVERIFY2(QFile::exists(folder + QStringLiteral("/footfall_de.qm")),
                 "build the footfall target (its lrelease step writes footfall_de.qm)");
        QVERIFY(
            installTranslations(*QCoreApplication::instance(), QLocale(QLocale::German), folder));
        const double now = ProgressClock::now();
        ProgressClock clock;
        clock.start(now - 65);
        clock.update(sampling(0, 10), now - 4);
        clock.update(sampling(4, 10), now);
        GenerationProgress g = describeProgress(1, sampling(4, 10));
        g.timing = clock.estimate(now);
        {
            GenerationPanel panel;
            panel.setBusy(true, 0);
            panel.showProgress(g);
            QCOMPARE(panel.etaText(), QStringLiteral("1:05 vergangen · noch 6.0 s"));
            const QString tip = panel.findChild<QLabel*>(QStringLiteral("etaLabel"))->toolTip();
            QVERIFY2(tip.contains(QStringLiteral("Dieser Take: noch 6.0 s")), qPrintable(tip));
        }
        for (QTranslator* t : QCoreApplication::instance()->findChildren<QTranslator*>())
            QCoreApplication::removeTranslator(t);
        GenerationPanel english;
        english.showProgress(g);
        QVERIFY2(english.etaText().endsWith(QStringLiteral(" left")),
                 qPrintable(english.etaText()));
    }

    // The real worker (on this thread) with the procedural engine: every report it sends
    // carries the job's timing, the label shows it, and the last one says how long it took.
    void theWorkersReportsCarryTheTiming() {
        GenerationPanel panel;
        GenerationWorker worker(std::make_shared<CancelToken>());
        connect(&worker, &GenerationWorker::progressed, &panel, &GenerationPanel::showProgress);
        QStringList shown;
        connect(&worker, &GenerationWorker::progressed, &panel, [&](const GenerationProgress& p) {
            QVERIFY2(p.timing, qPrintable(p.text));
            shown << panel.etaText();
        });
        GenerationJob job;
        job.id = 7;
        job.request.prompt = "boots on gravel";
        job.request.durationSeconds = 2;
        job.request.batchSize = 2;
        job.request.seed = 3;
        job.request.engine.engine = "procedural";
        job.output.folder = m_dir->filePath(QStringLiteral("worker")).toStdString();
        QSignalSpy finished(&worker, &GenerationWorker::finished);
        panel.setBusy(true, 0);
        worker.run(job);
        QCOMPARE(finished.count(), 1);
        QVERIFY2(finished.first().at(2).toString().isEmpty(),
                 qPrintable(finished.first().at(2).toString()));
        QVERIFY2(shown.size() >= 4, qPrintable(shown.join('|')));
        for (const QString& text : shown.mid(0, shown.size() - 1))
            QVERIFY2(text.contains(QStringLiteral(" elapsed")), qPrintable(shown.join('|')));
        // The last step of a take was measured: an ETA.
        QVERIFY2(!shown.filter(QStringLiteral(" left")).isEmpty(), qPrintable(shown.join('|')));
        QVERIFY2(shown.last().startsWith(QStringLiteral("Took ")), qPrintable(shown.last()));
    }

    // The whole window: the label fills while a run goes and ends with "Took …".
    void theWindowShowsTheTimeOfARun() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        panel->setPromptText(QStringLiteral("sneakers on wood"));
        QVERIFY(panel->etaText().isEmpty());
        panel->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 60000);
        QTRY_VERIFY2(panel->etaText().startsWith(QStringLiteral("Took ")),
                     qPrintable(panel->etaText()));
    }
};

QTEST_MAIN(TestGenerationProgress)
#include "tst_generation_progress.moc"
