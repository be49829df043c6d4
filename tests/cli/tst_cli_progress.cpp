// What footfall-cli says while it works. The display itself on a fake clock: in a log a line per
// phase and at most one sampling line per 5 s and per 10% of the steps; on a terminal one bar
// line redrawn in place, cut to the width. Then footfall-cli as run from a script (stderr not a
// terminal): phase, step k/N, elapsed time and ETA per take, and nothing with --quiet or --json.
#include "cli/progress_display.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"
#include "tiny_sao_model.h"

#include <sstream>

using namespace footfall;

namespace {

Progress report(Phase phase, int step = 0, int total = 0, int take = 0, int takes = 1) {
    return {phase, step, total, take, takes};
}

// One take as the Stable Audio Open engine reports it: loading, encoding, sampling 0..steps at
// `secondsPerStep`, decoding, analysing, saving. Returns the time after it.
double saoTake(cli::ProgressDisplay& d, double t, int steps, double secondsPerStep, int take = 0,
               int takes = 1) {
    d.report(report(Phase::Loading, 0, 0, take, takes), t);
    d.report(report(Phase::Encoding, 0, 0, take, takes), t += 1);
    d.report(report(Phase::Sampling, 0, steps, take, takes), t += 1);
    for (int k = 1; k <= steps; ++k)
        d.report(report(Phase::Sampling, k, steps, take, takes), t += secondsPerStep);
    d.report(report(Phase::Decoding, 0, 0, take, takes), t);
    d.report(report(Phase::Analysing, take + 1, takes, take, takes), t += 1);
    d.report(report(Phase::Saving, take + 1, takes, take, takes), t += 0.5);
    return t + 0.5;
}

QStringList lines(const std::ostringstream& out) {
    return QString::fromStdString(out.str()).split('\n', Qt::SkipEmptyParts);
}

// "sampling k/N" of a line, or -1.
int samplingStep(const QString& line) {
    static const QRegularExpression re(QStringLiteral("sampling (\\d+)/\\d+"));
    const auto m = re.match(line);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

} // namespace

class TestCliProgress : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString out(const char* name) { return m_dir.path() + "/" + name; }

private Q_SLOTS:
    void aLogGetsAPhaseLineAndRationedSamplingLines() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, false);
        d.start(0);
        // 100 steps of 0.25 s: 25 s of sampling.
        const double end = saoTake(d, 0, 100, 0.25);
        d.report(report(Phase::Done, 1, 1), end);
        const QStringList l = lines(s);
        QVERIFY2(l.size() >= 9, qPrintable(l.join('\n')));
        QVERIFY(l[0].startsWith("take 1/1: loading, 0.0 s elapsed"));
        QVERIFY(l[1].startsWith("take 1/1: encoding, 1.0 s elapsed"));
        QCOMPARE(l[2], QStringLiteral("take 1/1: sampling 0/100, 2.0 s elapsed"));
        // One line per 5 s (20 steps) up to the last step, then the phases after sampling.
        QList<int> steps;
        for (const QString& line : l)
            if (samplingStep(line) >= 0)
                steps << samplingStep(line);
        QCOMPARE(steps, QList<int>({0, 20, 40, 60, 80, 100}));
        QCOMPARE(l[3],
                 QStringLiteral("take 1/1: sampling 20/100, 7.0 s elapsed, ETA 20 s, 4.0 steps/s"));
        QCOMPARE(l[7], QStringLiteral("take 1/1: sampling 100/100, 27 s elapsed, ETA 0.0 s, "
                                      "4.0 steps/s"));
        QVERIFY(l[8].startsWith("take 1/1: decoding, 27 s elapsed"));
        QVERIFY(l[9].startsWith("take 1/1: analysing"));
        QVERIFY(l[10].startsWith("take 1/1: saving"));
        QCOMPARE(l.last(), QStringLiteral("done: 1 take in 29 s"));
        QCOMPARE(l.size(), 12);
        QVERIFY(!QString::fromStdString(s.str()).contains('\r'));
    }

    void slowStepsGetALinePerTenPercentFastOnesOnlyTheEnds() {
        {
            std::ostringstream s;
            cli::ProgressDisplay d(s, false);
            saoTake(d, 0, 20, 10.0); // 10 s a step: 10% is 2 steps
            QList<int> steps;
            for (const QString& line : lines(s))
                if (samplingStep(line) >= 0)
                    steps << samplingStep(line);
            QCOMPARE(steps, QList<int>({0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
        }
        {
            std::ostringstream s;
            cli::ProgressDisplay d(s, false);
            saoTake(d, 0, 1000, 0.001); // a second for 1000 steps
            QList<int> steps;
            for (const QString& line : lines(s))
                if (samplingStep(line) >= 0)
                    steps << samplingStep(line);
            QCOMPARE(steps, QList<int>({0, 1000}));
        }
    }

    void theRunEtaCoversTheTakesStillToCome() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, false);
        d.start(0);
        double t = saoTake(d, 0, 10, 1.0, 0, 2);
        t = saoTake(d, t, 10, 1.0, 1, 2);
        d.report(report(Phase::Done, 2, 2, 1, 2), t);
        const QStringList l = lines(s);
        const QString first = l.filter("take 1/2: sampling 10/10").value(0);
        QVERIFY2(first.contains("ETA 0.0 s (all takes 11 s), 1.0 s/step"), qPrintable(first));
        // Take 2 knows how long decoding..saving took in take 1 (2 s) and the run ends with it.
        const QString second = l.filter("take 2/2: sampling 10/10").value(0);
        QVERIFY2(second.endsWith("ETA 2.0 s, 1.0 s/step"), qPrintable(second));
        QVERIFY2(l.filter("take 2/2: sampling 0/10").value(0).endsWith("elapsed"),
                 "no ETA before a step of this take was measured");
        QCOMPARE(l.last(), QStringLiteral("done: 2 takes in 28 s"));
    }

    // Takes made together in one pass (SAO batch passes): the line names them all, and the
    // run's ETA counts the passes still to come, not the takes.
    void aPassOfSeveralTakesIsNamedAndCountedOnce() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, false);
        d.start(0);
        const auto pass = [&d](Phase phase, int step, int total, int first, double t) {
            d.report({phase, step, total, first, 6, 3}, t);
        };
        double t = 0;
        pass(Phase::Loading, 0, 0, 0, t);
        pass(Phase::Sampling, 0, 10, 0, t += 1);
        for (int k = 1; k <= 10; ++k)
            pass(Phase::Sampling, k, 10, 0, t += 2.0);
        pass(Phase::Decoding, 0, 0, 0, t);
        for (int i = 0; i < 3; ++i)
            pass(Phase::Saving, i + 1, 6, 0, t += 1);
        pass(Phase::Sampling, 0, 10, 3, t += 0.5);
        pass(Phase::Sampling, 1, 10, 3, t += 2.0);
        const QStringList l = lines(s);
        const QString end = l.filter("takes 1-3/6: sampling 10/10").value(0);
        // One more pass as long as this one so far (21 s less 1 s of loading), not five more
        // takes of it.
        QVERIFY2(end.contains("ETA 0.0 s (all takes 20 s)"), qPrintable(l.join('\n')));
        QVERIFY2(!l.filter("takes 4-6/6: sampling 0/10").isEmpty(), qPrintable(l.join('\n')));
        QVERIFY2(l.filter(QRegularExpression("^take [23]/6")).isEmpty(),
                 "the takes of a pass are not reported as takes of their own");
    }

    void aTerminalGetsOneBarLineRedrawnInPlace() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, true, 100);
        d.start(0);
        const double end = saoTake(d, 0, 1000, 0.002); // 2 s of sampling
        const std::string drawn = s.str();
        QVERIFY(drawn.find('\n') == std::string::npos);
        const QStringList frames =
            QString::fromStdString(drawn).split(QStringLiteral("\r\033[K"), Qt::SkipEmptyParts);
        // Phase changes plus at most ten redraws a second, not one per step.
        QVERIFY2(frames.size() >= 7 && frames.size() <= 30,
                 qPrintable(QString::number(frames.size())));
        for (const QString& f : frames) {
            QVERIFY2(f.size() <= 99, qPrintable(f)); // never wraps
            QVERIFY2(f.startsWith("[") && f.contains("] take 1/1: "), qPrintable(f));
        }
        QVERIFY(frames.first().startsWith("[....................] take 1/1: loading"));
        static const QRegularExpression half(QStringLiteral("sampling 5\\d\\d/1000"));
        const QString mid = frames.filter(half).value(0);
        QVERIFY2(mid.startsWith("[##########..........] take 1/1: sampling 5"), qPrintable(mid));
        QVERIFY2(mid.contains(", ETA 1.0 s, 500 steps/s"), qPrintable(mid));
        QVERIFY(frames.last().startsWith("[####################] take 1/1: saving"));
        // Done: the bar goes, the summary follows on a clean line.
        d.report(report(Phase::Done, 1, 1), end);
        QVERIFY(QByteArray::fromStdString(s.str()).endsWith("\r\033[K"));
        const std::size_t before = s.str().size();
        d.clear(); // nothing left to clear
        QCOMPARE(s.str().size(), before);
    }

    void aNarrowTerminalGetsTheLineCut() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, true, 40);
        saoTake(d, 0, 50, 0.5, 0, 3);
        const QStringList frames =
            QString::fromStdString(s.str()).split(QStringLiteral("\r\033[K"), Qt::SkipEmptyParts);
        QVERIFY(!frames.isEmpty());
        for (const QString& f : frames) {
            QCOMPARE(f.size(), 39);
            QVERIFY2(f.startsWith("[") && f.contains("] take 1/3: "), qPrintable(f));
        }
    }

    void clearRemovesTheBarBeforeAnErrorMessage() {
        std::ostringstream s;
        cli::ProgressDisplay d(s, true, 80);
        d.report(report(Phase::Sampling, 3, 10), 1);
        QVERIFY(!QByteArray::fromStdString(s.str()).endsWith("\r\033[K"));
        d.clear();
        QVERIFY(QByteArray::fromStdString(s.str()).endsWith("\r\033[K"));
        // In a log there is nothing to clear.
        std::ostringstream log;
        cli::ProgressDisplay plain(log, false);
        plain.report(report(Phase::Sampling, 3, 10), 1);
        const std::string printed = log.str();
        plain.clear();
        QCOMPARE(log.str(), printed);
    }

    // footfall-cli with stderr to a pipe: a line per phase of each take, k/N while sampling, the
    // elapsed time on every line and an ETA once a step was measured.
    void theCliPrintsProgressLinesToALog() {
        const footfall::test::CliResult r =
            footfall::test::runCli({"--prompt", "boots on gravel", "--duration", "2", "--batch",
                                    "2", "--seed", "3", "--output", out("log")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("GENERATION SUMMARY"));
        QVERIFY2(!r.err.contains('\r') && !r.err.contains('\033'), r.err.constData());
        const QStringList l = QString::fromUtf8(r.err).split('\n', Qt::SkipEmptyParts);
        static const QRegularExpression line(QStringLiteral(
            "^take [12]/2: (sampling \\d+/\\d+|analysing|saving), [0-9.:]+( s)? elapsed"));
        for (int i = 0; i + 1 < l.size(); ++i)
            QVERIFY2(line.match(l[i]).hasMatch(), qPrintable(l[i]));
        QVERIFY2(QRegularExpression(QStringLiteral("^done: 2 takes in [0-9.:]+( s)?$"))
                     .match(l.last())
                     .hasMatch(),
                 qPrintable(l.last()));
        for (const char* take : {"take 1/2", "take 2/2"}) {
            const QStringList sampling = l.filter(QString::fromLatin1(take) + ": sampling");
            QVERIFY2(sampling.size() >= 2, qPrintable(l.join('\n')));
            // The procedural engine reports after its first step: not yet a measured step.
            QVERIFY2(!sampling.first().contains("ETA"), qPrintable(sampling.first()));
            QVERIFY2(QRegularExpression(QStringLiteral("sampling (\\d+)/\\1, .*, ETA .*steps/s$"))
                         .match(sampling.last())
                         .hasMatch(),
                     qPrintable(sampling.last()));
            QCOMPARE(l.filter(QString::fromLatin1(take) + ": analysing").size(), 1);
            QCOMPARE(l.filter(QString::fromLatin1(take) + ": saving").size(), 1);
        }
        QVERIFY2(l.size() <= 2 * 4 + 1, qPrintable(l.join('\n'))); // never a line per step
    }

    void quietAndJsonPrintNoProgress() {
        footfall::test::CliResult r = footfall::test::runCli(
            {"--prompt", "boots", "--duration", "1", "--output", out("quiet"), "--quiet"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QCOMPARE(QDir(out("quiet")).entryList({"*.wav"}, QDir::Files).size(), 1);
        r = footfall::test::runCli(
            {"--prompt", "boots", "--duration", "1", "--output", out("json"), "--json"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QVERIFY(QJsonDocument::fromJson(r.out).object()["success"].toBool());
    }

    // The Stable Audio Open engine (tiny parity model): loading, encoding, sampling from 0/N,
    // an ETA from the first step on, decoding.
    void theSaoEngineReportsEveryPhase() {
        const QByteArray env = qgetenv("FOOTFALL_PARITY_DIR");
        const QString parity = env.isEmpty() ? QStringLiteral(FOOTFALL_DEFAULT_PARITY_DIR)
                                             : QString::fromLocal8Bit(env);
        if (!QFileInfo(parity + "/lora_tiny.ckpt").isFile())
            FOOTFALL_SKIP_UNLESS_CI("parity fixtures not found (set FOOTFALL_PARITY_DIR)");
        QDir().mkpath(out("tiny"));
        const footfall::test::TinySaoModel tiny =
            footfall::test::buildTinySaoModel(parity, out("tiny"));
        QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
        if (!tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
        const footfall::test::CliResult r = footfall::test::runCli(
            {"--engine", "sao", "--model", tiny.folder, "--prompt", "boots on gravel", "--duration",
             "0.1", "--steps", "8", "--device", "cpu", "--seed", "1", "--output", out("sao")});
        QCOMPARE(r.exitCode, 0);
        const QStringList l = QString::fromUtf8(r.err).split('\n', Qt::SkipEmptyParts);
        const auto index = [&](const QString& start) {
            for (int i = 0; i < l.size(); ++i)
                if (l[i].startsWith(start))
                    return i;
            return -1;
        };
        const int loading = index("take 1/1: loading");
        const int encoding = index("take 1/1: encoding");
        const int start = index("take 1/1: sampling 0/8");
        const int end = index("take 1/1: sampling 8/8");
        const int decoding = index("take 1/1: decoding");
        QVERIFY2(loading >= 0 && loading < encoding && encoding < start && start < end &&
                     end < decoding,
                 qPrintable(l.join('\n')));
        QVERIFY(!l[start].contains("ETA"));
        QVERIFY2(l[end].contains("ETA 0.0 s"), qPrintable(l[end]));
        QVERIFY(l.last().startsWith("done: 1 take in "));
    }
};

QTEST_GUILESS_MAIN(TestCliProgress)
#include "tst_cli_progress.moc"
