// Comparing takes in the real window: A/B switching at the same position, and the
// loudness-matched audition gain (playback only, files untouched).
#include "app/main_window.h"
#include "player/loudness_match.h"
#include "player/player.h"
#include "takes/take_list_model.h"

#include "audio/analysis.h"
#include "io/audio_file.h"

#include <QTableView>
#include <QtTest>

#include "main_window_fixture.h"

#include <cmath>
#include <memory>

using namespace footfall;
using namespace footfall::ui;

class TestAbCompare : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void abKeepsThePosition() {
        auto w = makeWindow();
        generateTakes(*w, 2);
        w->takeView()->setFocus();
        w->selectRow(0);
        QTest::keyClick(w->takeView(), Qt::Key_A, Qt::ShiftModifier);
        w->selectRow(1);
        QTest::keyClick(w->takeView(), Qt::Key_B, Qt::ShiftModifier);
        QVERIFY2(w->abText().contains(QStringLiteral("▸ B")), qPrintable(w->abText()));
        w->player()->setLoop(true);
        w->player()->play();
        QTest::qWait(400);
        const std::size_t before = w->player()->positionFrames();
        QVERIFY(before > 0);
        QTest::keyClick(w->takeView(), Qt::Key_T);
        QCOMPARE(w->player()->key(), w->takeModel()->take(0).audioPath);
        QVERIFY(w->player()->isPlaying());
        const std::size_t after = w->player()->positionFrames();
        const double rate = w->player()->audio()->sampleRate();
        QVERIFY2(after >= before && (after - before) / rate < 0.1,
                 qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QVERIFY(w->abText().contains(QStringLiteral("▸ A")));
        QTest::keyClick(w->takeView(), Qt::Key_T);
        QCOMPARE(w->player()->key(), w->takeModel()->take(1).audioPath);
        w->player()->stop();
    }

    void loudnessMatchedAuditionGain() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        w->setLoudnessMatch(LoudnessMatch::Target);
        const auto l = w->takeModel()->take(0).loudnessLufs();
        QVERIFY(l);
        // Independently of playbackGain(): the take is heard at the -23 LUFS target, unless
        // reaching it would push the peak above -0.5 dBFS, where the boost stops.
        const double gain = w->player()->gainDb();
        const double peak = w->takeModel()->take(0).peakDb();
        if (*l >= -23.0) {
            QVERIFY2(std::abs(*l + gain - -23.0) < 1e-9, qPrintable(QString::number(gain)));
        } else {
            QVERIFY(gain > 0.0);
            QVERIFY(peak + gain <= -0.5 + 1e-9);
            QVERIFY(std::abs(*l + gain - -23.0) < 1e-9 || std::abs(peak + gain - -0.5) < 1e-9);
        }
        QVERIFY(!w->gainText().isEmpty());
        // The file on disk is never touched.
        const AudioBuffer onDisk = readAudioFile(w->takeModel()->take(0).audioPath.toStdString());
        QCOMPARE(toDbfs(samplePeak(onDisk)), w->takeModel()->take(0).peakDb());
        w->setLoudnessMatch(LoudnessMatch::Off);
        QCOMPARE(w->player()->gainDb(), 0.0);
    }
};

QTEST_MAIN(TestAbCompare)
#include "tst_ab_compare.moc"
