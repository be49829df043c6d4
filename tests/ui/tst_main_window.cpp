// Drives the real window offscreen with the procedural engine: generate, cancel, queue,
// errors, keyboard, A/B, export, drag payloads, persistence, playback.
#include "correlation_meter_widget.h"
#include "generation_panel.h"
#include "main_window.h"
#include "metadata_panel.h"
#include "player.h"
#include "take_drag.h"
#include "take_exporter.h"
#include "take_list_model.h"
#include "waveform_view.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "io/audio_file.h"

#include <QAudioDevice>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMediaDevices>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Records the longest gap between ticks of a 5 ms timer: how long the GUI thread was blocked.
class StallMeter : public QObject {
public:
    StallMeter() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_max = std::max(m_max, now - m_last);
            m_last = now;
        });
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    double maxGapMs() const { return m_max / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_max = 0;
};

// bitsPerSample and format tag from the WAV "fmt " chunk (bext/iXML may come first).
std::pair<int, int> wavFormat(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {0, 0};
    const QByteArray d = f.readAll();
    const int i = d.indexOf("fmt ");
    if (i < 0 || i + 24 > d.size())
        return {0, 0};
    const auto u16 = [&](int at) { return int(quint8(d[at])) | (int(quint8(d[at + 1])) << 8); };
    return {u16(i + 8), u16(i + 22)}; // format tag, bits per sample
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString listPath() const { return m_dir->filePath(QStringLiteral("takes.json")); }

    std::unique_ptr<MainWindow> makeWindow() {
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        w->generationPanel()
            ->findChild<QLineEdit*>(QStringLiteral("outputFolderEdit"))
            ->setText(m_dir->filePath(QStringLiteral("library")));
        w->generationPanel()
            ->findChild<QComboBox*>(QStringLiteral("engineCombo"))
            ->setCurrentIndex(1);
        w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))->clear();
        w->generationPanel()
            ->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))
            ->setValue(2.0);
        w->generationPanel()->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(1);
        w->setAutoPlay(false);
        w->resize(1280, 720);
        w->show();
        return w;
    }

    void generateTakes(MainWindow& w, int count) {
        const int before = w.takeModel()->rowCount();
        w.generationPanel()->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(count);
        w.generationPanel()->setPromptText(QStringLiteral("boots on gravel"));
        w.generationPanel()->generateButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(w.takeModel()->rowCount(), before + count, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.queue()->isBusy(), 30000);
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("FootfallTest"));
        QCoreApplication::setApplicationName(QStringLiteral("FootfallUiTest"));
        QSettings().clear();
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }

    void init() {
        QSettings().clear();
        QFile::remove(listPath());
    }

    void generatesATakeThroughTheUi() {
        auto w = makeWindow();
        QComboBox* prompt = w->generationPanel()->promptEdit();
        prompt->lineEdit()->clear();
        QTest::keyClicks(prompt->lineEdit(), QStringLiteral("heavy boots walking on wet gravel"));
        StallMeter stalls;
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(w->generationPanel()->generateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w->takeModel()->rowCount(), 1, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
        const double gap = stalls.maxGapMs();
        qInfo("generation took %lld ms; longest GUI event-loop stall: %.1f ms", t.elapsed(), gap);
        const TakeRecord take = w->takeModel()->take(0);
        QVERIFY(QFileInfo::exists(take.audioPath));
        QVERIFY(QFileInfo::exists(take.sidecarPath));
        QCOMPARE(take.prompt(), QStringLiteral("heavy boots walking on wet gravel"));
        QCOMPARE(take.engine(), QStringLiteral("procedural"));
        QVERIFY(take.seed() >= 0);
        // The unlocked seed field shows the seed the take used.
        QCOMPARE(w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("seedEdit"))->text(),
                 QString::number(take.seed()));
        QVERIFY(w->generationPanel()->errorText().isEmpty());
        QVERIFY2(gap < 250.0, qPrintable(QStringLiteral("GUI stalled %1 ms").arg(gap)));
        // The metadata panel and the static meters show the selected take.
        QCOMPARE(w->currentRow(), 0);
        QVERIFY(!w->metadataPanel()
                     ->value(QStringLiteral("Summary"), QStringLiteral("Seed"))
                     .isEmpty());
    }

    void cancelReturnsQuickly() {
        auto w = makeWindow();
        w->generationPanel()
            ->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))
            ->setValue(30.0);
        w->generationPanel()->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(20);
        w->generationPanel()->setPromptText(QStringLiteral("sneakers running on wood"));
        w->generationPanel()->generateButton()->click();
        QTRY_VERIFY(w->queue()->isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(w->generationPanel()->cancelButton()->isEnabled(), 5000);
        QTest::qWait(200);
        QElapsedTimer t;
        t.start();
        QTest::mouseClick(w->generationPanel()->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 10000);
        qInfo("cancel returned after %lld ms", t.elapsed());
        QVERIFY(w->takeModel()->rowCount() < 20);
        QVERIFY2(w->generationPanel()->statusText().startsWith(QStringLiteral("Cancelled")),
                 qPrintable(w->generationPanel()->statusText()));
        QVERIFY(w->generationPanel()->errorText().isEmpty());
    }

    void queuesPromptsSubmittedDuringARun() {
        auto w = makeWindow();
        w->generationPanel()->setPromptText(QStringLiteral("high heels on marble"));
        w->generationPanel()->generateButton()->click();
        w->generationPanel()->setPromptText(QStringLiteral("barefoot on sand"));
        w->generationPanel()->generateButton()->click();
        QCOMPARE(w->queue()->isBusy(), true);
        QTRY_COMPARE_WITH_TIMEOUT(w->takeModel()->rowCount(), 2, 60000);
        QTRY_VERIFY(!w->queue()->isBusy());
        QCOMPARE(w->takeModel()->take(0).prompt(), QStringLiteral("barefoot on sand"));
        QCOMPARE(w->takeModel()->take(1).prompt(), QStringLiteral("high heels on marble"));
        // The prompt history remembers both, most recent first.
        QCOMPARE(w->generationPanel()->promptHistory().value(0),
                 QStringLiteral("barefoot on sand"));
    }

    void engineErrorsAreShownInTheWindow() {
        auto w = makeWindow();
        w->generationPanel()
            ->findChild<QComboBox*>(QStringLiteral("engineCombo"))
            ->setCurrentIndex(2);
        w->generationPanel()
            ->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))
            ->setText(m_dir->filePath(QStringLiteral("no-such-model")));
        w->generationPanel()->setPromptText(QStringLiteral("boots"));
        w->generationPanel()->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!w->generationPanel()->errorText().isEmpty(), 20000);
        QVERIFY2(w->generationPanel()->errorText().contains(QStringLiteral("no-such-model")),
                 qPrintable(w->generationPanel()->errorText()));
        QTRY_VERIFY(!w->queue()->isBusy());
        QCOMPARE(w->takeModel()->rowCount(), 0);
        // An empty prompt is refused with a sentence too, not a crash.
        w->generationPanel()
            ->findChild<QComboBox*>(QStringLiteral("engineCombo"))
            ->setCurrentIndex(1);
        w->generationPanel()->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))->clear();
        w->generationPanel()->setPromptText(QString());
        w->generationPanel()->generateButton()->click();
        QVERIFY(w->generationPanel()->errorText().isEmpty()); // cleared for the new run
        QTRY_VERIFY_WITH_TIMEOUT(!w->generationPanel()->errorText().isEmpty(), 20000);
        QTRY_VERIFY(!w->queue()->isBusy());
        qInfo("empty prompt -> \"%s\"", qPrintable(w->generationPanel()->errorText()));
        QVERIFY(!w->generationPanel()->errorText().contains(QStringLiteral("no-such-model")));
        QCOMPARE(w->takeModel()->rowCount(), 0);
    }

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
        const PlaybackGain g =
            playbackGain(l, w->takeModel()->take(0).peakDb(), LoudnessMatch::Target, -23.0);
        QCOMPARE(w->player()->gainDb(), g.gainDb);
        QVERIFY(!w->gainText().isEmpty());
        // The file on disk is never touched.
        const AudioBuffer onDisk = readAudioFile(w->takeModel()->take(0).audioPath.toStdString());
        QCOMPARE(toDbfs(samplePeak(onDisk)), w->takeModel()->take(0).peakDb());
        w->setLoudnessMatch(LoudnessMatch::Off);
        QCOMPARE(w->player()->gainDb(), 0.0);
    }

    void exportsFormatsAndNormalisation() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        auto audio = w->audioFor(take);
        QVERIFY(audio);
        const QString out = m_dir->filePath(QStringLiteral("exports"));
        struct Case {
            AudioFormat format;
            int tag;
            int bits;
        };
        for (const Case& c : {Case{AudioFormat::Wav16, 1, 16}, Case{AudioFormat::Wav24, 1, 24},
                              Case{AudioFormat::Wav32Float, 3, 32}}) {
            ExportOptions o;
            o.folder = out;
            o.format = c.format;
            o.normalise = ExportOptions::Normalise::Peak;
            o.peakTargetDbfs = -3.0;
            const ExportResult r = exportTake(take, *audio, o);
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
            QCOMPARE(r.files.size(), 1);
            const auto [tag, bits] = wavFormat(r.files.front());
            QCOMPARE(bits, c.bits);
            QVERIFY(tag == c.tag || tag == 0xFFFE);
            const double peak = toDbfs(samplePeak(readAudioFile(r.files.front().toStdString())));
            QVERIFY2(std::abs(peak + 3.0) < 0.05, qPrintable(QString::number(peak)));
            QVERIFY(QFileInfo::exists(QFileInfo(r.files.front()).path() + QLatin1Char('/') +
                                      QFileInfo(r.files.front()).completeBaseName() +
                                      QStringLiteral(".json")));
        }
        ExportOptions o;
        o.folder = out;
        o.format = AudioFormat::Flac;
        o.normalise = ExportOptions::Normalise::Loudness;
        o.loudnessTargetLufs = -30.0;
        o.ucsNaming = true;
        o.creator = QStringLiteral("JD");
        ExportResult r = exportTake(take, *audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.files.front().endsWith(QStringLiteral(".flac")));
        QVERIFY(QFileInfo(r.files.front()).fileName().startsWith(QStringLiteral("FEETHmn_")));
        const Loudness l = measureLoudness(readAudioFile(r.files.front().toStdString()));
        const double measured = l.integratedLufs ? *l.integratedLufs : *l.wholeTakeLufs;
        qInfo("LUFS target -30 -> measured %.2f", measured);
        QVERIFY(measured <= -29.5); // at or below: the peak ceiling may hold it lower
        QVERIFY(std::abs(measured + 30.0) < 0.5 || l.truePeakDbtp.value_or(0) > -3.0);

        o = ExportOptions();
        o.folder = m_dir->filePath(QStringLiteral("steps"));
        o.sliceSteps = true;
        o.trim = true;
        o.fadeOutMs = 5;
        r = exportTake(take, *audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        qInfo("sliced into %d steps", int(r.files.size()));
        QVERIFY(r.files.size() >= 2);
        QVERIFY(r.files.front().endsWith(QStringLiteral("_01.wav")));
        // The library take is untouched.
        QCOMPARE(toDbfs(samplePeak(readAudioFile(take.audioPath.toStdString()))), take.peakDb());
    }

    void dragCarriesFinishedFiles() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        std::unique_ptr<QMimeData> mime(
            w->takeModel()->mimeData({w->takeModel()->index(0, TakeListModel::Prompt)}));
        QVERIFY(mime);
        QVERIFY(mime->hasFormat(QStringLiteral("text/uri-list")));
        QCOMPARE(mime->urls().size(), 1);
        QCOMPARE(mime->urls().front().toLocalFile(), QFileInfo(take.audioPath).absoluteFilePath());
        QCOMPARE(mime->text(), QFileInfo(take.audioPath).absoluteFilePath());
        QVERIFY(QFileInfo::exists(mime->urls().front().toLocalFile()));

        w->selectRow(0);
        const auto audio = w->player()->audio();
        QVERIFY(audio);
        const std::size_t first = audio->sampleRate() / 4, last = audio->sampleRate();
        w->waveform()->setSelection(first, last);
        std::unique_ptr<QMimeData> sel(w->waveformDragMime());
        QVERIFY(sel);
        const QString path = sel->urls().front().toLocalFile();
        QVERIFY(QFileInfo::exists(path));
        QVERIFY2(path.contains(QStringLiteral("/exports/")), qPrintable(path));
        QVERIFY(
            !path.startsWith(QDir::tempPath() + QStringLiteral("/footfall"))); // not a temp file
        QCOMPARE(readAudioFile(path.toStdString()).frames(), last - first);
        QVERIFY(QFileInfo::exists(QFileInfo(path).path() + QLatin1Char('/') +
                                  QFileInfo(path).completeBaseName() + QStringLiteral(".json")));
        QVERIFY(readBroadcastInfo(path.toStdString()));
        // The same selection dragged again reuses the same finished file.
        std::unique_ptr<QMimeData> again(w->waveformDragMime());
        QCOMPARE(again->urls().front().toLocalFile(), path);
    }

    void listAndHistorySurviveARestart() {
        QString first;
        {
            auto w = makeWindow();
            generateTakes(*w, 2);
            w->takeModel()->setRating(0, 5);
            first = w->takeModel()->take(0).audioPath;
            w->close();
        }
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(w->takeModel()->rowCount(), 2);
        QCOMPARE(w->takeModel()->take(0).audioPath, first);
        QCOMPARE(w->takeModel()->take(0).rating, 5);
        QCOMPARE(w->generationPanel()->promptHistory().value(0), QStringLiteral("boots on gravel"));
        QCOMPARE(w->generationPanel()->promptText(), QStringLiteral("boots on gravel"));
    }

    void recallAndVary() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        const TakeRecord take = w->takeModel()->take(0);
        w->generationPanel()->setPromptText(QStringLiteral("something else"));
        w->selectRow(0);
        w->recallCurrent();
        const GenerationJob job = w->generationPanel()->makeJob();
        QCOMPARE(QString::fromStdString(job.request.prompt), take.prompt());
        QCOMPARE(job.request.seed, take.seed());
        w->varyCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(w->takeModel()->rowCount(), 2, 60000);
        QTRY_VERIFY(!w->queue()->isBusy());
        QCOMPARE(w->takeModel()->take(0).prompt(), take.prompt());
        QVERIFY(w->takeModel()->take(0).seed() != take.seed());
    }

    void playsThroughAnAudioOutput() {
        if (QMediaDevices::audioOutputs().isEmpty())
            QSKIP("no audio output (start a PulseAudio null sink to run this check)");
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

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
