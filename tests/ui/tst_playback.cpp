// Playback in the real window: the keyboard moves through takes and plays them, and audio
// reaches an output (a PulseAudio null sink on machines without a sound card).
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "views/correlation_meter_widget.h"

#include "skip.h"
#include <QAudioDevice>
#include <QComboBox>
#include <QLineEdit>
#include <QMediaDevices>
#include <QTableView>

#include <QtTest>

#include "main_window_fixture.h"

#include <memory>

using namespace footfall;
using namespace footfall::ui;

class TestPlayback : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }

    void keyboardMovesAndPlays() {
        auto w = makeWindow();
        generateTakes(*w, 3);
        w->setAutoPlay(true);
        w->selectRow(0);
        w->player()->stop();
        w->takeView()->setFocus();
        QTest::keyClick(w->takeView(), Qt::Key_Down);
        QCOMPARE(w->currentRow(), 1);
        QVERIFY(w->player()->isPlaying()); // auto-play on select
        QCOMPARE(w->player()->key(), w->takeModel()->take(1).audioPath);
        QTest::keyClick(w->takeView(), Qt::Key_Space);
        QVERIFY(!w->player()->isPlaying());
        QTest::keyClick(w->takeView(), Qt::Key_Space);
        QVERIFY(w->player()->isPlaying());
        QTest::keyClick(w->takeView(), Qt::Key_Up);
        QCOMPARE(w->currentRow(), 0);
        QCOMPARE(w->player()->key(), w->takeModel()->take(0).audioPath);
        QTest::keyClick(w->takeView(), Qt::Key_4);
        QCOMPARE(w->takeModel()->take(0).rating, 4);
        QTest::keyClick(w->takeView(), Qt::Key_F);
        QVERIFY(w->takeModel()->take(0).favourite);
        QTest::keyClick(w->takeView(), Qt::Key_Space);
        QVERIFY(!w->player()->isPlaying());
        // Space typed into the prompt is a space, not play.
        QTest::keyClick(w->generationPanel()->promptEdit()->lineEdit(), Qt::Key_Space);
        QVERIFY(!w->player()->isPlaying());
    }

    void playsThroughAnAudioOutput() {
        if (QMediaDevices::audioOutputs().isEmpty())
            FOOTFALL_SKIP_UNLESS_CI("no audio output (scripts/test starts a PulseAudio null "
                                    "sink for this check)");
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        QVERIFY(w->player()->hasOutput());
        w->player()->play();
        QTRY_VERIFY_WITH_TIMEOUT(w->player()->processedUSecs() > 0, 5000);
        QTest::qWait(300);
        QVERIFY(w->correlationMeter()->isLive());
        w->player()->stop();
    }
};

QTEST_MAIN(TestPlayback)
#include "tst_playback.moc"
