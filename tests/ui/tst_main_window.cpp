// Drives the real window offscreen with the procedural engine: generate, cancel, queue,
// errors, keyboard, A/B, export, drag payloads, persistence, playback.
#include "correlation_meter_widget.h"
#include "export_dialog.h"
#include "generation_panel.h"
#include "goniometer_widget.h"
#include "lora_list_widget.h"
#include "main_window.h"
#include "metadata_panel.h"
#include "player.h"
#include "rating_delegate.h"
#include "take_drag.h"
#include "take_exporter.h"
#include "take_list_model.h"
#include "take_loader.h"
#include "take_view_data.h"
#include "waveform_view.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "io/audio_file.h"

#include <QApplication>
#include <QAudioDevice>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMediaDevices>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

#include <ctime>
#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Records the longest gap between ticks of a 5 ms timer: how long the GUI thread was blocked.
// It also reads the GUI thread's own CPU clock, so a gap can be told apart: time the GUI thread
// spent working (our code, layout, painting) versus time it was waiting for a core (the worker
// and other processes on a loaded machine).
class StallMeter : public QObject {
public:
    StallMeter() {
        m_timer.setInterval(5);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const qint64 cpu = threadCpuNs();
            if (now - m_last > m_max) {
                m_max = now - m_last;
                m_cpuInMax = cpu - m_lastCpu;
            }
            m_maxCpu = std::max(m_maxCpu, cpu - m_lastCpu);
            m_last = now;
            m_lastCpu = cpu;
        });
        m_clock.start();
        m_last = 0;
        m_lastCpu = threadCpuNs();
        m_timer.start();
    }
    double maxGapMs() const { return m_max / 1e6; }
    // GUI-thread CPU time inside the longest gap, and the most CPU between two ticks.
    double cpuInMaxGapMs() const { return m_cpuInMax / 1e6; }
    double maxBusyMs() const { return m_maxCpu / 1e6; }

private:
    static qint64 threadCpuNs() {
        timespec ts{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
        return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    }
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0, m_lastCpu = 0;
    qint64 m_max = 0, m_cpuInMax = 0, m_maxCpu = 0;
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
        qInfo("generation took %lld ms; longest GUI event-loop stall: %.1f ms (GUI-thread CPU in "
              "it %.1f ms; longest GUI-thread work between two ticks %.1f ms)",
              t.elapsed(), gap, stalls.cpuInMaxGapMs(), stalls.maxBusyMs());
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
        // The take arrived with its precomputed view data (made on the worker thread).
        QCOMPARE(w->currentRow(), 0);
        const SharedTakeView analysis = w->currentView();
        QVERIFY(analysis);
        QCOMPARE(analysis->audio, w->player()->audio());
        QVERIFY(!analysis->peaks.levels.empty());
        QVERIFY(analysis->spectrogram && !analysis->spectrogram->empty());
        QVERIFY(!analysis->goniometer.trace.isNull());
        QVERIFY(analysis->loudness.wholeTakeLufs || analysis->loudness.maxMomentaryLufs);
        QCOMPARE(w->waveform()->take(), analysis);
        QCOMPARE(w->goniometer()->midRms(), analysis->goniometer.midRms);
        // The metadata panel and the static meters show the selected take.
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

    void takesReadBackFromDiskOffTheGuiThread() {
        QString path;
        {
            auto w = makeWindow();
            generateTakes(*w, 3);
            path = w->takeModel()->take(1).audioPath;
            w->close();
        }
        auto w = std::make_unique<MainWindow>(TakeStore(listPath()));
        w->setAutoPlay(false);
        // Selecting a take that is not in memory returns at once; the loader fills it in.
        QElapsedTimer t;
        t.start();
        w->selectRow(1);
        const qint64 selectMs = t.elapsed();
        QCOMPARE(w->takeModel()->take(1).audioPath, path);
        QVERIFY(w->loader()->isLoading(path) || w->currentView());
        QTRY_VERIFY_WITH_TIMEOUT(w->currentView() != nullptr, 10000);
        qInfo("selecting an unloaded take took %lld ms on the GUI thread", selectMs);
        QCOMPARE(w->player()->key(), path);
        QVERIFY(w->player()->audio());
        QCOMPARE(w->waveform()->take(), w->currentView());
        QVERIFY(w->correlationMeter()->reading().has_value());
        // A take whose file vanished (after the list was read) reads as an error, not a crash.
        QFile::remove(w->takeModel()->take(2).audioPath);
        w->selectRow(2);
        QVERIFY(!w->currentView());
        QTRY_VERIFY_WITH_TIMEOUT(!w->loader()->isLoading(w->takeModel()->take(2).audioPath), 10000);
        QVERIFY(!w->currentView());
        QVERIFY(!w->player()->audio());
    }

    void queueShowsPendingPromptsAndTheyCanBeRemoved() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        panel->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))->setValue(6.0);
        panel->findChild<QSpinBox*>(QStringLiteral("takesSpin"))->setValue(3);
        for (const char* p : {"first on gravel", "second on wood", "third on snow"}) {
            panel->setPromptText(QString::fromLatin1(p));
            panel->generateButton()->click();
        }
        QListWidget* queue = panel->queueList();
        QCOMPARE(queue->count(), 2);
        QVERIFY(queue->isVisibleTo(panel));
        QVERIFY(queue->item(0)->text().contains(QStringLiteral("second on wood")));
        QVERIFY(queue->item(1)->text().contains(QStringLiteral("third on snow")));
        queue->setCurrentRow(0);
        queue->item(0)->setSelected(true);
        panel->findChild<QToolButton*>(QStringLiteral("removePendingButton"))->click();
        QCOMPARE(w->queue()->pendingCount(), 1);
        QCOMPARE(queue->count(), 1);
        QVERIFY(queue->item(0)->text().contains(QStringLiteral("third on snow")));
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy() && w->queue()->pendingCount() == 0, 90000);
        QCOMPARE(w->takeModel()->rowCount(), 6);
        for (int r = 0; r < w->takeModel()->rowCount(); ++r)
            QVERIFY(w->takeModel()->take(r).prompt() != QStringLiteral("second on wood"));
        QVERIFY(!queue->isVisibleTo(panel));
        // The log holds one line per finished run, newest first.
        const QStringList log = panel->logEntries();
        QCOMPARE(log.size(), 2);
        QVERIFY2(log[0].contains(QStringLiteral("third on snow")) &&
                     log[0].contains(QStringLiteral("(×3)")),
                 qPrintable(log.join(QLatin1Char('|'))));
        QVERIFY(log[1].contains(QStringLiteral("first on gravel")));
        QVERIFY(log[0].startsWith(QStringLiteral("✓")));
        // A failed run is logged as such.
        panel->findChild<QComboBox*>(QStringLiteral("engineCombo"))->setCurrentIndex(2);
        panel->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))
            ->setText(m_dir->filePath(QStringLiteral("no-model")));
        panel->generateButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(panel->logEntries().size(), 3, 20000);
        QVERIFY(panel->logEntries()[0].startsWith(QStringLiteral("✗")));
    }

    void advancedOptionsReachTheJobAndPersist() {
        {
            auto w = makeWindow();
            GenerationPanel* panel = w->generationPanel();
            auto* precision = panel->findChild<QComboBox*>(QStringLiteral("precisionCombo"));
            QVERIFY(precision);
            precision->setCurrentIndex(precision->findData(QStringLiteral("bf16")));
            panel->findChild<QCheckBox*>(QStringLiteral("lowMemoryCheck"))->setChecked(true);
            panel->findChild<QCheckBox*>(QStringLiteral("fullWindowCheck"))->setChecked(true);
            panel->findChild<QLineEdit*>(QStringLiteral("t5FolderEdit"))
                ->setText(QStringLiteral("/models/t5-base"));
            panel->loraList()->addLora(QStringLiteral("/loras/wet.safetensors"), 0.7);
            panel->loraList()->setConfigPath(0, QStringLiteral("/loras/wet_config.json"));
            const GenerationJob job = panel->makeJob();
            QCOMPARE(QString::fromStdString(job.engine.precision), QStringLiteral("bf16"));
            QVERIFY(job.engine.lowMemory);
            QVERIFY(job.engine.fullWindow);
            QCOMPARE(QString::fromStdString(job.engine.t5Dir), QStringLiteral("/models/t5-base"));
            QCOMPARE(job.request.loras.size(), std::size_t(1));
            QCOMPARE(QString::fromStdString(job.request.loras[0].configPath),
                     QStringLiteral("/loras/wet_config.json"));
            panel->saveSettings();
        }
        GenerationPanel fresh;
        fresh.loadSettings();
        const GenerationJob job = fresh.makeJob();
        QCOMPARE(QString::fromStdString(job.engine.precision), QStringLiteral("bf16"));
        QVERIFY(job.engine.lowMemory);
        QVERIFY(job.engine.fullWindow);
        QCOMPARE(QString::fromStdString(job.engine.t5Dir), QStringLiteral("/models/t5-base"));
        QCOMPARE(job.request.loras.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(job.request.loras[0].configPath),
                 QStringLiteral("/loras/wet_config.json"));
        QCOMPARE(job.request.loras[0].strength, 0.7);
    }

    void loraMergeOptionsReachTheJobPersistAndRecall() {
        const auto optionsOf = [](LoraListWidget* list) {
            return list->findChildren<QToolButton*>(QStringLiteral("loraOptions"));
        };
        const auto action = [](QToolButton* button, const char* name) {
            return button->menu()->findChild<QAction*>(QString::fromLatin1(name));
        };
        {
            auto w = makeWindow();
            GenerationPanel* panel = w->generationPanel();
            LoraListWidget* list = panel->loraList();
            list->addLora(QStringLiteral("/loras/wet.safetensors"), 0.8);
            list->addLora(QStringLiteral("/loras/dora.safetensors"), 1.2);
            QApplication::processEvents(); // rows added to a shown list appear on the next turn
            const auto buttons = optionsOf(list);
            QCOMPARE(buttons.size(), 2);
            for (QToolButton* b : buttons) {
                QVERIFY(b->isVisible());
                QVERIFY(b->menu());
                QVERIFY(b->menu()->toolTipsVisible());
                QVERIFY(!b->isChecked()); // default: training-faithful, nothing to point out
                for (const char* name : {"loraGradioAction", "loraDoraAction"}) {
                    QAction* a = action(b, name);
                    QVERIFY2(a, name);
                    QVERIFY(a->isCheckable());
                    QVERIFY(!a->isChecked());
                    QVERIFY(a->toolTip().size() > 40); // says what it does, not just its name
                    // The same actions are the row's context menu.
                    QVERIFY(b->parentWidget()->actions().contains(a));
                }
                QCOMPARE(b->parentWidget()->contextMenuPolicy(), Qt::ActionsContextMenu);
            }
            QVERIFY(action(buttons[0], "loraGradioAction")
                        ->toolTip()
                        .contains(QStringLiteral("squared")));
            QSignalSpy changed(list, &LoraListWidget::changed);
            action(buttons[0], "loraGradioAction")->trigger();
            action(buttons[1], "loraDoraAction")->trigger();
            QCOMPARE(changed.size(), 2);
            QVERIFY(buttons[0]->isChecked() && buttons[1]->isChecked());
            QVERIFY(buttons[0]->toolTip().contains(QStringLiteral("Gradio")));
            // Gradio mode ignores DoRA magnitudes anyway: the DoRA choice is greyed out there.
            QVERIFY(!action(buttons[0], "loraDoraAction")->isEnabled());
            QVERIFY(action(buttons[1], "loraDoraAction")->isEnabled());
            const GenerationJob job = panel->makeJob();
            QCOMPARE(job.request.loras.size(), std::size_t(2));
            QVERIFY(job.request.loras[0].lorawGradioCompatible);
            QVERIFY(!job.request.loras[0].doraIgnoreMagnitude);
            QVERIFY(!job.request.loras[1].lorawGradioCompatible);
            QVERIFY(job.request.loras[1].doraIgnoreMagnitude);
            panel->saveSettings();
        }
        {
            // Saved with the row, back after a restart, in the menus too.
            GenerationPanel fresh;
            fresh.loadSettings();
            const GenerationJob job = fresh.makeJob();
            QCOMPARE(job.request.loras.size(), std::size_t(2));
            QVERIFY(job.request.loras[0].lorawGradioCompatible);
            QVERIFY(!job.request.loras[0].doraIgnoreMagnitude);
            QVERIFY(job.request.loras[1].doraIgnoreMagnitude);
            QCOMPARE(job.request.loras[1].strength, 1.2);
            const auto buttons = optionsOf(fresh.loraList());
            QCOMPARE(buttons.size(), 2);
            QVERIFY(action(buttons[0], "loraGradioAction")->isChecked());
            QVERIFY(action(buttons[1], "loraDoraAction")->isChecked());
        }
        // Recall: a take's "loras" as the SAO engine writes them (and an older entry without
        // a mode), through the window's Recall.
        auto w = makeWindow();
        generateTakes(*w, 1);
        TakeRecord take = w->takeModel()->take(0);
        take.metadata["loras"] = nlohmann::json::array(
            {{{"file", "wet.safetensors"},
              {"path", "/loras/wet.safetensors"},
              {"strength", 0.5},
              {"mode", "loraw-gradio-compatible"},
              {"dora", false},
              {"config", "embedded in wet.safetensors"}},
             {{"file", "dora.safetensors"},
              {"path", "/loras/dora.safetensors"},
              {"strength", 1.5},
              {"mode", "training-faithful"},
              {"dora", true},
              {"dora_handling", "magnitude ignored (LoRAW gradio behaviour)"},
              {"config", "/loras/dora_config.json"}},
             {{"path", "/loras/old.ckpt"}, {"strength", 1.0}, {"config", ""}}});
        w->takeModel()->setTakes({take});
        w->selectRow(0);
        w->generationPanel()->loraList()->setLoras({}); // nothing left from before
        w->recallCurrent();
        const auto loras = w->generationPanel()->makeJob().request.loras;
        QCOMPARE(loras.size(), std::size_t(3));
        QCOMPARE(QString::fromStdString(loras[0].path), QStringLiteral("/loras/wet.safetensors"));
        QCOMPARE(loras[0].strength, 0.5);
        QVERIFY(loras[0].lorawGradioCompatible);
        QVERIFY(!loras[0].doraIgnoreMagnitude);
        QVERIFY(loras[0].configPath.empty()); // "embedded in …" is not a file to pass back
        QCOMPARE(loras[1].strength, 1.5);
        QVERIFY(!loras[1].lorawGradioCompatible);
        QVERIFY(loras[1].doraIgnoreMagnitude);
        QCOMPARE(QString::fromStdString(loras[1].configPath),
                 QStringLiteral("/loras/dora_config.json"));
        QVERIFY(!loras[2].lorawGradioCompatible && !loras[2].doraIgnoreMagnitude);
        const auto buttons = optionsOf(w->generationPanel()->loraList());
        QCOMPARE(buttons.size(), 3);
        QVERIFY(action(buttons[0], "loraGradioAction")->isChecked());
        QVERIFY(action(buttons[1], "loraDoraAction")->isChecked());
    }

    void ratingStarsAreClickable() {
        auto w = makeWindow();
        generateTakes(*w, 2);
        QApplication::processEvents();
        TakeListModel* model = w->takeModel();
        QTableView* view = w->takeView();
        const auto text = [&](int row) {
            return model->index(row, TakeListModel::Rating).data().toString();
        };
        QCOMPARE(text(0), QStringLiteral("☆☆☆☆☆")); // unrated: five hollow stars
        const QFontMetrics fm(view->font());
        const auto clickStar = [&](int row, int star) { // star 1 … 5
            const QRect cell = view->visualRect(model->index(row, TakeListModel::Rating));
            QVERIFY(cell.isValid());
            QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                              RatingDelegate::starRect(cell, star - 1, fm).center());
        };
        const auto goldPixels = [&](int row) {
            const QRect cell = view->visualRect(model->index(row, TakeListModel::Rating));
            const QImage img = view->viewport()->grab(cell).toImage();
            int n = 0;
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < img.width(); ++x) {
                    const QColor c = img.pixelColor(x, y);
                    n += c.red() > 180 && c.green() > 130 && c.blue() < 110;
                }
            return n;
        };
        w->selectRow(0);
        const int unratedGold = goldPixels(1);
        clickStar(1, 3);
        QCOMPARE(model->take(1).rating, 3);
        QCOMPARE(text(1), QStringLiteral("★★★☆☆"));
        QCOMPARE(w->currentRow(), 1); // the click also selects the take
        const int threeGold = goldPixels(1);
        clickStar(1, 5);
        QCOMPARE(model->take(1).rating, 5);
        QVERIFY2(
            goldPixels(1) > threeGold && threeGold > unratedGold,
            qPrintable(
                QStringLiteral("%1 %2 %3").arg(unratedGold).arg(threeGold).arg(goldPixels(1))));
        clickStar(1, 5); // the star already set clears the rating
        QCOMPARE(model->take(1).rating, 0);
        QCOMPARE(text(1), QStringLiteral("☆☆☆☆☆"));
        // A click beside the stars (another column) does not rate.
        const QRect prompt = view->visualRect(model->index(0, TakeListModel::Prompt));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, prompt.center());
        QCOMPARE(model->take(0).rating, 0);
        // Keys 0–5 still rate the current take.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_2);
        QCOMPARE(model->take(0).rating, 2);
        QTest::keyClick(view, Qt::Key_0);
        QCOMPARE(model->take(0).rating, 0);
        QTest::keyClick(view, Qt::Key_5);
        QCOMPARE(text(0), QStringLiteral("★★★★★"));
        // Favourite and reject stay visible next to the stars.
        QTest::keyClick(view, Qt::Key_F);
        QCOMPARE(model->index(0, TakeListModel::Verdict).data().toString(), QStringLiteral("♥"));
        QHeaderView* h = view->horizontalHeader();
        QVERIFY(h->sectionSize(TakeListModel::Verdict) >=
                fm.horizontalAdvance(QStringLiteral("♥")));
        QVERIFY(view->visualRect(model->index(0, TakeListModel::Verdict)).right() <
                view->visualRect(model->index(0, TakeListModel::Rating)).left());
        QTest::keyClick(view, Qt::Key_X);
        QCOMPARE(model->index(0, TakeListModel::Verdict).data().toString(), QStringLiteral("✕"));
        QCOMPARE(text(0), QStringLiteral("★★★★★"));
    }

    void layoutGivesThePromptTheSpareWidth() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        QApplication::processEvents();
        QHeaderView* h = w->takeView()->horizontalHeader();
        const int prompt = h->sectionSize(TakeListModel::Prompt);
        for (int c = 0; c < TakeListModel::ColumnCount; ++c)
            if (c != TakeListModel::Prompt)
                QVERIFY2(h->sectionSize(c) < prompt,
                         qPrintable(QStringLiteral("column %1: %2 >= prompt %3")
                                        .arg(c)
                                        .arg(h->sectionSize(c))
                                        .arg(prompt)));
        QVERIFY2(prompt >= 150, qPrintable(QString::number(prompt)));
        // The rating column is exactly five star cells wide (the wider of ★ and ☆) plus padding.
        const QFontMetrics fm(w->takeView()->font());
        QCOMPARE(h->sectionSize(TakeListModel::Rating), RatingDelegate::columnWidth(fm));
        const int stars = std::max(fm.horizontalAdvance(QStringLiteral("★★★★★")),
                                   fm.horizontalAdvance(QStringLiteral("☆☆☆☆☆")));
        QVERIFY2(h->sectionSize(TakeListModel::Rating) <= stars + 14,
                 qPrintable(QStringLiteral("%1 > %2 + 14")
                                .arg(h->sectionSize(TakeListModel::Rating))
                                .arg(stars)));
        // The seed fits without eliding.
        const int seedText =
            QFontMetrics(w->takeView()->font())
                .horizontalAdvance(QString::number(w->takeModel()->take(0).seed()));
        QVERIFY2(h->sectionSize(TakeListModel::Seed) >= seedText,
                 qPrintable(QStringLiteral("%1 < %2 (%3)")
                                .arg(h->sectionSize(TakeListModel::Seed))
                                .arg(seedText)
                                .arg(w->takeModel()->take(0).seed())));
        // The metadata values have room, and long ones carry their full text in a tooltip.
        QTreeWidget* tree = w->metadataPanel()->tree();
        QVERIFY2(tree->columnWidth(1) >= 150, qPrintable(QString::number(tree->columnWidth(1))));
        QCOMPARE(tree->textElideMode(), Qt::ElideRight);
        const auto prompts =
            tree->findItems(QStringLiteral("Prompt"), Qt::MatchExactly | Qt::MatchRecursive, 0);
        QCOMPARE(prompts.size(), 1);
        QCOMPARE(prompts.front()->toolTip(1), w->takeModel()->take(0).prompt());
        // At 1280 wide nothing forces the window wider.
        QVERIFY2(w->minimumSizeHint().width() <= 1280,
                 qPrintable(QString::number(w->minimumSizeHint().width())));
        QCOMPARE(w->width(), 1280);
        const QString file =
            w->metadataPanel()->value(QStringLiteral("Summary"), QStringLiteral("File"));
        QCOMPARE(file, w->takeModel()->take(0).audioPath);
        // The queue/log box uses the space under the progress bar.
        auto* log = w->generationPanel()->runLog();
        QVERIFY(log->isVisible());
        QVERIFY2(log->height() >= 60, qPrintable(QString::number(log->height())));
    }

    void spectrogramSharesPlayheadAndSelection() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        WaveformView* view = w->waveform();
        const std::size_t rate = w->player()->audio()->sampleRate();
        view->setSelection(rate / 4, rate);
        view->setPlayhead(rate / 2);
        QCOMPARE(view->display(), WaveformView::Display::Waveform);
        const QImage wave = view->grab().toImage();
        view->setFocus();
        QTest::keyClick(w->takeView(), Qt::Key_S);
        QCOMPARE(view->display(), WaveformView::Display::Spectrogram);
        QVERIFY(w->findChild<QComboBox*>(QStringLiteral("frequencyAxis"))->isVisible());
        QCOMPARE(view->selection()->first, rate / 4);
        QCOMPARE(view->playhead(), rate / 2);
        const QImage spec = view->grab().toImage();
        QVERIFY(spec != wave);
        // The view keeps its mode for the next take and across a restart.
        w->close();
        auto again = std::make_unique<MainWindow>(TakeStore(listPath()));
        QCOMPARE(again->waveform()->display(), WaveformView::Display::Spectrogram);
    }

    void exportDialogWritesWhatItsWidgetsSay() {
        auto w = makeWindow();
        generateTakes(*w, 1);
        w->selectRow(0);
        const QString library = m_dir->filePath(QStringLiteral("library"));
        const QDir exports(QDir(library).filePath(QStringLiteral("exports")));
        const QStringList before = exports.entryList({QStringLiteral("*.wav")}, QDir::Files);
        QString written;
        bool sawDefault = false;
        QTimer::singleShot(200, [&] {
            auto* dialog = qobject_cast<ExportDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto* folder = dialog->findChild<QLineEdit*>(QStringLiteral("exportFolder"));
            // The default is the output folder's exports/, not ~/Music.
            sawDefault = folder->text() == QDir(library).filePath(QStringLiteral("exports"));
            auto* format = dialog->findChild<QComboBox*>(QStringLiteral("exportFormat"));
            format->setCurrentIndex(format->findData(int(AudioFormat::Wav16)));
            auto* normalise = dialog->findChild<QComboBox*>(QStringLiteral("exportNormalise"));
            normalise->setCurrentIndex(1); // peak
            auto* peak = dialog->findChild<QDoubleSpinBox*>(QStringLiteral("peakTarget"));
            QVERIFY(peak->isVisible());
            peak->setValue(-1.0);
            QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("exportButton")),
                              Qt::LeftButton);
        });
        w->exportCurrent();
        QVERIFY(sawDefault);
        QStringList wavs = exports.entryList({QStringLiteral("*.wav")}, QDir::Files);
        for (const QString& old : before)
            wavs.removeAll(old);
        QCOMPARE(wavs.size(), 1);
        written = exports.filePath(wavs.front());
        const auto [tag, bits] = wavFormat(written);
        QCOMPARE(bits, 16);
        QVERIFY(tag == 1 || tag == 0xFFFE);
        const double peak = toDbfs(samplePeak(readAudioFile(written.toStdString())));
        QVERIFY2(std::abs(peak + 1.0) < 0.05, qPrintable(QString::number(peak)));
        // The default folder was not stored as a habit: a new output folder moves it along.
        QVERIFY(!QSettings().contains(QStringLiteral("export/folder")));
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
