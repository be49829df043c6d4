// Variation from audio in the app: a WAV dropped on the window (or a take's "Vary from this
// take") becomes init audio, shown in the panel with its noise level; a take made from it with
// the tiny SAO model records both, sounds different from the same seed without it, and recalls
// them; the procedural engine says in words that it cannot use it; a non-audio drop is refused.
#include "app/main_window.h"
#include "generate/generation_panel.h"
#include "generate/generation_queue.h"
#include "takes/take_list_model.h"

#include "io/audio_file.h"

#include "parity_dir.h"
#include "signals.h"
#include "tiny_sao_model.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableView>
#include <QToolButton>
#include <QUrl>
#include <QtTest>

#include "main_window_fixture.h"

#include <cmath>
#include <memory>

using namespace footfall;
using namespace footfall::ui;

namespace {

// What a file manager does when a file is dropped on the window: enter, then drop.
bool dropFile(QWidget* window, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPoint at(window->width() / 2, window->height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &enter);
    if (!enter.isAccepted())
        return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &drop);
    return drop.isAccepted();
}

double maxDifference(const AudioBuffer& a, const AudioBuffer& b) {
    double most = 0.0;
    for (int c = 0; c < std::min(a.channels(), b.channels()); ++c)
        for (std::size_t i = 0; i < std::min(a.frames(), b.frames()); ++i)
            most = std::max(most, std::abs(double(a.channel(c)[i]) - b.channel(c)[i]));
    return most;
}

} // namespace

class TestInitAudio : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private:
    QString m_model, m_wav;

    std::unique_ptr<MainWindow> makeSaoWindow() {
        auto w = makeWindow();
        GenerationPanel* panel = w->generationPanel();
        auto* engine = panel->findChild<QComboBox*>(QStringLiteral("engineCombo"));
        engine->setCurrentIndex(engine->findData(QStringLiteral("sao")));
        panel->findChild<QLineEdit*>(QStringLiteral("modelFolderEdit"))->setText(m_model);
        auto* device = panel->findChild<QComboBox*>(QStringLiteral("deviceCombo"));
        device->setCurrentIndex(device->findData(QStringLiteral("cpu")));
        panel->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))->setValue(0.3);
        panel->findChild<QSpinBox*>(QStringLiteral("stepsSpin"))->setValue(4);
        panel->setPromptText(QStringLiteral("boots on gravel"));
        panel->findChild<QLineEdit*>(QStringLiteral("seedEdit"))->setText(QStringLiteral("42"));
        panel->setSeedLocked(true);
        return w;
    }

    // Generates and waits for the take (or for the error banner: no waiting out a failure).
    void generateAndWait(MainWindow& w, int expectedRows) {
        GenerationPanel* panel = w.generationPanel();
        panel->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            w.takeModel()->rowCount() == expectedRows || !panel->errorText().isEmpty(), 120000);
        QVERIFY2(panel->errorText().isEmpty(), qPrintable(panel->errorText()));
        QTRY_VERIFY_WITH_TIMEOUT(!w.queue()->isBusy(), 30000);
    }

    QLineEdit* nameField(MainWindow& w) {
        return w.generationPanel()->findChild<QLineEdit*>(QStringLiteral("initAudioEdit"));
    }
    QDoubleSpinBox* noiseSpin(MainWindow& w) {
        return w.generationPanel()->findChild<QDoubleSpinBox*>(QStringLiteral("initNoiseSpin"));
    }

private Q_SLOTS:
    void initTestCase() {
        setUpSuite();
        FOOTFALL_REQUIRE_PARITY_DIR();
        const QString work = m_dir->filePath(QStringLiteral("models"));
        QVERIFY(QDir().mkpath(work));
        const test::TinySaoModel tiny = test::buildTinySaoModel(test::parityDir(), work);
        if (!tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
        QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
        m_model = tiny.folder;
        // A recording to vary: half a second of a 220 Hz tone, as any WAV from elsewhere.
        m_wav = m_dir->filePath(QStringLiteral("field recording.wav"));
        WriteOptions options;
        options.format = AudioFormat::Wav24;
        writeAudioFile(m_wav.toStdString(), test::sine(220.0, 0.5, 0.5), options);
    }
    void init() { resetState(); }

    void droppedWavShowsInThePanelAndTheClearButtonRemovesIt() {
        auto w = makeSaoWindow();
        GenerationPanel* panel = w->generationPanel();
        QVERIFY(panel->initAudio().isEmpty());
        auto* clear = panel->findChild<QToolButton*>(QStringLiteral("initAudioClear"));
        QVERIFY(clear && !clear->isVisible());
        QVERIFY(dropFile(w.get(), m_wav));
        QCOMPARE(panel->initAudio(), m_wav);
        QCOMPARE(nameField(*w)->text(), QStringLiteral("field recording.wav"));
        QCOMPARE(nameField(*w)->toolTip(), m_wav);
        QVERIFY(clear->isVisible());
        QVERIFY(noiseSpin(*w)->isEnabled());
        // The slider and the spin box are one value.
        auto* slider = panel->findChild<QSlider*>(QStringLiteral("initNoiseSlider"));
        slider->setValue(slider->maximum());
        QCOMPARE(noiseSpin(*w)->value(), noiseSpin(*w)->maximum());
        noiseSpin(*w)->setValue(0.01);
        QCOMPARE(slider->value(), slider->minimum());
        // The request carries it as the CLI's --init-audio / --init-noise-level would.
        noiseSpin(*w)->setValue(2.5);
        const GenerationRequest r = panel->makeJob().request;
        QCOMPARE(QString::fromStdString(r.initAudioPath), m_wav);
        QCOMPARE(r.initNoiseLevel, 2.5);

        if (const QString dir = qEnvironmentVariable("FOOTFALL_SHOT_DIR"); !dir.isEmpty())
            panel->grab().save(QDir(dir).filePath(QStringLiteral("panel-init-audio.png")));

        clear->click();
        QVERIFY(panel->initAudio().isEmpty());
        QVERIFY(nameField(*w)->text().isEmpty());
        QVERIFY(!clear->isVisible());
        QVERIFY(panel->makeJob().request.initAudioPath.empty());
    }

    void nonAudioDropIsRefusedInWords() {
        auto w = makeSaoWindow();
        const QString text = m_dir->filePath(QStringLiteral("notes.txt"));
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("heavy boots, take 3 was the good one\n");
        }
        QVERIFY(dropFile(w.get(), m_wav));
        dropFile(w.get(), text);
        const QString error = w->generationPanel()->errorText();
        QVERIFY2(error.contains(QStringLiteral("notes.txt")) &&
                     error.contains(QStringLiteral("not a WAV or FLAC")),
                 qPrintable(error));
        QCOMPARE(w->generationPanel()->initAudio(), m_wav); // the earlier choice stays
    }

    void variationRecordsInitAudioDiffersAndRecalls() {
        auto w = makeSaoWindow();
        GenerationPanel* panel = w->generationPanel();
        generateAndWait(*w, 1);
        if (QTest::currentTestFailed())
            return;
        const TakeRecord plain = w->takeModel()->take(0);
        QVERIFY(plain.initAudio().isEmpty());

        QVERIFY(dropFile(w.get(), m_wav));
        noiseSpin(*w)->setValue(0.8);
        generateAndWait(*w, 2);
        if (QTest::currentTestFailed())
            return;
        const TakeRecord varied = w->takeModel()->take(0);
        QCOMPARE(varied.seed(), plain.seed());
        const nlohmann::json& request = varied.metadata.at("request");
        QCOMPARE(QString::fromStdString(request.at("init_audio").get<std::string>()), m_wav);
        QCOMPARE(request.at("init_noise_level").get<double>(), 0.8);
        const nlohmann::json& details = varied.metadata.at("engine_details");
        QCOMPARE(QString::fromStdString(details.at("init_audio").get<std::string>()), m_wav);
        QCOMPARE(details.at("init_noise_level").get<double>(), 0.8);
        QCOMPARE(details.at("sigma_max").get<double>(), 0.8); // sampling started there
        // Same seed and settings, different start: different audio.
        const AudioBuffer a = readAudioFile(plain.audioPath.toStdString());
        const AudioBuffer b = readAudioFile(varied.audioPath.toStdString());
        QCOMPARE(a.frames(), b.frames());
        const double diff = maxDifference(a, b);
        QVERIFY2(diff > 1e-3, qPrintable(QString::number(diff)));
        const QString tip =
            w->takeModel()
                ->data(w->takeModel()->index(0, TakeListModel::Prompt), Qt::ToolTipRole)
                .toString();
        QVERIFY2(tip.contains(QStringLiteral("field recording.wav")), qPrintable(tip));

        // Recall: the plain take clears the init audio, the varied one brings it back.
        w->selectRow(1);
        w->recallCurrent();
        QVERIFY(panel->initAudio().isEmpty());
        noiseSpin(*w)->setValue(3.0);
        w->selectRow(0);
        w->recallCurrent();
        QCOMPARE(panel->initAudio(), m_wav);
        QCOMPARE(noiseSpin(*w)->value(), 0.8);
        QCOMPARE(nameField(*w)->text(), QStringLiteral("field recording.wav"));
        // And Generate reproduces it exactly (same seed, same init audio).
        generateAndWait(*w, 3);
        if (QTest::currentTestFailed())
            return;
        const AudioBuffer again = readAudioFile(w->takeModel()->take(0).audioPath.toStdString());
        QCOMPARE(maxDifference(again, b), 0.0);
    }

    void varyFromThisTakeUsesItsAudio() {
        auto w = makeSaoWindow();
        generateAndWait(*w, 1);
        if (QTest::currentTestFailed())
            return;
        const TakeRecord take = w->takeModel()->take(0);
        w->generationPanel()->setPromptText(QStringLiteral("something else"));
        auto* vary = w->findChild<QAction*>(QStringLiteral("varyFromTakeAction"));
        QVERIFY(vary);
        QVERIFY(w->takeView()->actions().contains(vary)); // in the list's context menu
        w->selectRow(0);
        vary->trigger();
        GenerationPanel* panel = w->generationPanel();
        QCOMPARE(panel->initAudio(), take.audioPath);
        QCOMPARE(panel->promptText(), QStringLiteral("boots on gravel")); // its settings
        QVERIFY(panel->makeJob().request.seed == -1);                     // a new seed
        generateAndWait(*w, 2);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(w->takeModel()->take(0).initAudio(), take.audioPath);
    }

    void proceduralEngineSaysItCannotUseInitAudio() {
        auto w = makeSaoWindow();
        GenerationPanel* panel = w->generationPanel();
        QVERIFY(dropFile(w.get(), m_wav));
        auto* hint = panel->findChild<QLabel*>(QStringLiteral("initAudioHint"));
        QVERIFY(hint->isHidden());
        auto* engine = panel->findChild<QComboBox*>(QStringLiteral("engineCombo"));
        engine->setCurrentIndex(engine->findData(QStringLiteral("procedural")));
        QVERIFY(!noiseSpin(*w)->isEnabled());
        QVERIFY2(noiseSpin(*w)->toolTip().contains(QStringLiteral("procedural engine")),
                 qPrintable(noiseSpin(*w)->toolTip()));
        QVERIFY(!hint->isHidden());
        QVERIFY(!hint->text().isEmpty());
        if (const QString dir = qEnvironmentVariable("FOOTFALL_SHOT_DIR"); !dir.isEmpty())
            panel->grab().save(QDir(dir).filePath(QStringLiteral("panel-init-procedural.png")));
        // Generate anyway: refused in words, no take.
        panel->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->errorText().isEmpty(), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!w->queue()->isBusy(), 30000);
        QVERIFY2(panel->errorText().contains(QStringLiteral("cannot vary init audio")),
                 qPrintable(panel->errorText()));
        QCOMPARE(w->takeModel()->rowCount(), 0);
        // Auto with no model is procedural too; with the model it is SAO again.
        engine->setCurrentIndex(engine->findData(QStringLiteral("auto")));
        QVERIFY(noiseSpin(*w)->isEnabled());
        QVERIFY(hint->isHidden());
    }
};

QTEST_MAIN(TestInitAudio)
#include "tst_init_audio.moc"
