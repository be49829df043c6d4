// ProgressClock on a fake clock: elapsed time, measured seconds per sampler step, the ETA of a
// take and of the run, no ETA before a step was measured, a fresh start for every take and run;
// and the duration and speed texts the CLI and the app show.
#include "base/progress_clock.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace footfall;

namespace {

Progress at(Phase phase, int step = 0, int total = 0, int take = 0, int takes = 1) {
    return {phase, step, total, take, takes};
}

} // namespace

class TestProgressClock : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void noEtaBeforeTheFirstMeasuredStep() {
        ProgressClock clock;
        QVERIFY(!clock.started());
        clock.start(100);
        QVERIFY(clock.started());
        clock.update(at(Phase::Loading), 100);
        clock.update(at(Phase::Encoding), 102);
        clock.update(at(Phase::Sampling, 0, 10), 103);
        ProgressEstimate e = clock.estimate(103);
        QCOMPARE(e.elapsed, 3.0);
        QCOMPARE(e.runElapsed, 3.0);
        QVERIFY(!e.secondsPerStep);
        QVERIFY(!e.eta);
        QVERIFY(!e.runEta);
        // The first step: 2 s.
        clock.update(at(Phase::Sampling, 1, 10), 105);
        e = clock.estimate(105);
        QCOMPARE(e.progress.step, 1);
        QCOMPARE(e.elapsed, 5.0);
        QVERIFY(e.secondsPerStep);
        QCOMPARE(*e.secondsPerStep, 2.0);
        QVERIFY(e.eta);
        QCOMPARE(*e.eta, 9 * 2.0);
        QVERIFY(e.runEta);
        QCOMPARE(*e.runEta, *e.eta); // the only take
    }

    void etaIsTheRemainingStepsTimesTheMeasuredSecondsPerStep() {
        ProgressClock clock;
        clock.start(10);
        clock.update(at(Phase::Sampling, 0, 10), 10);
        clock.update(at(Phase::Sampling, 1, 10), 11);
        clock.update(at(Phase::Sampling, 2, 10), 13);
        // Steps 3 and 4 reported together (a throttled front end): still 5 s for 4 steps.
        clock.update(at(Phase::Sampling, 4, 10), 15);
        const ProgressEstimate e = clock.estimate(15);
        QCOMPARE(*e.secondsPerStep, 1.25);
        QCOMPARE(*e.eta, 6 * 1.25);
        QCOMPARE(e.elapsed, 5.0);
    }

    void anEngineWhoseFirstReportIsStepOneNeedsTwoReports() {
        // The procedural engine reports after each step, never "step 0": the time before its
        // first report is not a measured step.
        ProgressClock clock;
        clock.update(at(Phase::Sampling, 1, 8), 0.5);
        ProgressEstimate e = clock.estimate(0.5);
        QCOMPARE(e.elapsed, 0.0); // the run started with its first report
        QVERIFY(!e.eta);
        clock.update(at(Phase::Sampling, 2, 8), 0.75);
        e = clock.estimate(0.75);
        QCOMPARE(*e.secondsPerStep, 0.25);
        QCOMPARE(*e.eta, 6 * 0.25);
        QCOMPARE(e.elapsed, 0.25);
    }

    void betweenReportsTheClocksRunOnAndTheEtaCountsDown() {
        ProgressClock clock;
        clock.start(0);
        clock.update(at(Phase::Sampling, 0, 5), 1);
        clock.update(at(Phase::Sampling, 1, 5), 3); // 2 s/step, 8 s to go
        ProgressEstimate e = clock.estimate(5);
        QCOMPARE(e.at, 5.0);
        QCOMPARE(e.elapsed, 5.0);
        QCOMPARE(*e.eta, 6.0);
        QCOMPARE(*e.runEta, 6.0);
        // The same from an estimate handed on (the app's label between two reports).
        const ProgressEstimate sent = clock.estimate(3);
        QCOMPARE(*sent.eta, 8.0);
        const ProgressEstimate shown = sent.advancedTo(5);
        QCOMPARE(shown.elapsed, e.elapsed);
        QCOMPARE(*shown.eta, *e.eta);
        // Slower than measured: the ETA stops at 0 and the elapsed time goes on.
        e = clock.estimate(20);
        QCOMPARE(*e.eta, 0.0);
        QCOMPARE(e.elapsed, 20.0);
        // Never backwards.
        QCOMPARE(sent.advancedTo(1).elapsed, sent.elapsed);
    }

    void eachTakeStartsAfreshAndThePhasesAfterSamplingAreMeasuredOnce() {
        ProgressClock clock;
        clock.start(0);
        // Take 1 of 2: sampling 4 steps of 1 s, then 2 s of decoding, analysing and saving.
        clock.update(at(Phase::Sampling, 0, 4, 0, 2), 0);
        clock.update(at(Phase::Sampling, 1, 4, 0, 2), 1);
        ProgressEstimate e = clock.estimate(1);
        QCOMPARE(*e.eta, 3.0); // the phases after sampling not measured yet: 0
        // The run: this take again for the second one, as long as this one will have taken.
        QCOMPARE(*e.runEta, 3.0 + (1.0 + 3.0));
        clock.update(at(Phase::Sampling, 4, 4, 0, 2), 4);
        clock.update(at(Phase::Decoding, 0, 0, 0, 2), 4);
        e = clock.estimate(4.5);
        QVERIFY2(!e.eta, "after sampling, nothing measured says how long decoding takes");
        clock.update(at(Phase::Analysing, 1, 2, 0, 2), 5);
        clock.update(at(Phase::Saving, 1, 2, 0, 2), 5.5);

        // Take 2: its first report ends take 1 (6 s, 2 of them after sampling).
        clock.update(at(Phase::Loading, 0, 0, 1, 2), 6);
        e = clock.estimate(6);
        QCOMPARE(e.progress.take, 1);
        QCOMPARE(e.elapsed, 0.0);
        QCOMPARE(e.runElapsed, 6.0);
        QVERIFY(!e.secondsPerStep); // not take 1's
        QVERIFY(!e.eta);
        clock.update(at(Phase::Sampling, 0, 4, 1, 2), 6.5);
        QVERIFY(!clock.estimate(6.5).eta);
        clock.update(at(Phase::Sampling, 1, 4, 1, 2), 8);
        e = clock.estimate(8);
        QCOMPARE(*e.secondsPerStep, 1.5);
        QCOMPARE(*e.eta, 3 * 1.5 + 2.0); // + decoding..saving as take 1 took
        QCOMPARE(*e.runEta, *e.eta);     // the last take
        clock.update(at(Phase::Sampling, 4, 4, 1, 2), 12.5);
        clock.update(at(Phase::Decoding, 0, 0, 1, 2), 12.5);
        QCOMPARE(*clock.estimate(12.5).eta, 2.0);
        QCOMPARE(*clock.estimate(13.5).eta, 1.0);

        clock.update(at(Phase::Done, 2, 2, 1, 2), 14.5);
        e = clock.estimate(14.5);
        QVERIFY(e.done());
        QCOMPARE(*e.eta, 0.0);
        QCOMPARE(*e.runEta, 0.0);
        QCOMPARE(e.runElapsed, 14.5);
        QCOMPARE(clock.estimate(30).runElapsed, 14.5); // a finished run stays as it ended
    }

    void loadingTheWeightsIsNotExpectedAgainForLaterTakes() {
        ProgressClock clock;
        clock.start(0);
        clock.update(at(Phase::Loading, 0, 0, 0, 3), 0);
        clock.update(at(Phase::Encoding, 0, 0, 0, 3), 10); // 10 s of loading
        clock.update(at(Phase::Sampling, 0, 4, 0, 3), 11);
        clock.update(at(Phase::Sampling, 1, 4, 0, 3), 12);
        ProgressEstimate e = clock.estimate(12);
        QCOMPARE(*e.eta, 3.0);
        // Two more takes of (2 s so far - no loading) + 3 s each.
        QCOMPARE(*e.runEta, 3.0 + 2 * 5.0);
        clock.update(at(Phase::Sampling, 4, 4, 0, 3), 15);
        clock.update(at(Phase::Decoding, 0, 0, 0, 3), 15);
        // Take 2: take 1 lasted 16 s, 6 without loading; 1 s of it after sampling.
        clock.update(at(Phase::Loading, 0, 0, 1, 3), 16);
        clock.update(at(Phase::Encoding, 0, 0, 1, 3), 16);
        clock.update(at(Phase::Sampling, 0, 4, 1, 3), 17);
        clock.update(at(Phase::Sampling, 2, 4, 1, 3), 19);
        e = clock.estimate(19);
        QCOMPARE(*e.eta, 2 * 1.0 + 1.0);
        QCOMPARE(*e.runEta, 3.0 + 6.0);
    }

    void aNewRunForgetsTheLastOne() {
        ProgressClock clock;
        clock.start(0);
        clock.update(at(Phase::Sampling, 0, 4, 0, 2), 0);
        clock.update(at(Phase::Sampling, 4, 4, 0, 2), 4);
        clock.update(at(Phase::Saving, 1, 2, 0, 2), 5);
        clock.update(at(Phase::Sampling, 0, 4, 1, 2), 7);
        // A lower take index: another run, reported to the same clock without start().
        clock.update(at(Phase::Sampling, 0, 4, 0, 1), 50);
        ProgressEstimate e = clock.estimate(50);
        QCOMPARE(e.runElapsed, 0.0);
        QCOMPARE(e.elapsed, 0.0);
        clock.update(at(Phase::Sampling, 1, 4, 0, 1), 51);
        QCOMPARE(*clock.estimate(51).eta, 3.0); // no "after sampling" carried over
        clock.update(at(Phase::Done, 1, 1, 0, 1), 60);
        // Anything after Done starts a new run too.
        clock.update(at(Phase::Loading), 70);
        e = clock.estimate(71);
        QVERIFY(!e.done());
        QCOMPARE(e.runElapsed, 1.0);
        QVERIFY(!e.eta);
        // And start() forgets everything.
        clock.start(80);
        e = clock.estimate(82);
        QCOMPARE(e.runElapsed, 2.0);
        QCOMPARE(e.progress.phase, Phase::Loading);
        QVERIFY(!e.secondsPerStep);
    }

    void anUnstartedClockKnowsNothing() {
        const ProgressEstimate e = ProgressClock().estimate(42);
        QCOMPARE(e.at, 42.0);
        QCOMPARE(e.runElapsed, 0.0);
        QVERIFY(!e.eta && !e.runEta && !e.secondsPerStep);
    }

    void theRealClockRunsForward() {
        const double a = ProgressClock::now();
        const double b = ProgressClock::now();
        QVERIFY(b >= a);
    }

    void durationTexts() {
        QCOMPARE(formatDuration(0), std::string("0.0 s"));
        QCOMPARE(formatDuration(4.24), std::string("4.2 s"));
        QCOMPARE(formatDuration(9.96), std::string("10 s"));
        QCOMPARE(formatDuration(12.4), std::string("12 s"));
        QCOMPARE(formatDuration(59.4), std::string("59 s"));
        QCOMPARE(formatDuration(59.6), std::string("1:00"));
        QCOMPARE(formatDuration(65), std::string("1:05"));
        QCOMPARE(formatDuration(3599.4), std::string("59:59"));
        QCOMPARE(formatDuration(3723), std::string("1:02:03"));
        QCOMPARE(formatDuration(-3), std::string("0.0 s"));
        QCOMPARE(formatDuration(std::numeric_limits<double>::quiet_NaN()), std::string("0.0 s"));
    }

    void stepRateTexts() {
        QCOMPARE(formatStepRate(2.43), std::string("2.4 s/step"));
        QCOMPARE(formatStepRate(1.0), std::string("1.0 s/step"));
        QCOMPARE(formatStepRate(0.5), std::string("2.0 steps/s"));
        QCOMPARE(formatStepRate(0.001), std::string("1000 steps/s"));
        QCOMPARE(formatStepRate(0), std::string("0 s/step"));
    }
};

QTEST_APPLESS_MAIN(TestProgressClock)
#include "tst_progress_clock.moc"
