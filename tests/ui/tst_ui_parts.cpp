// The UI's building blocks on known signals: meters, take views (peaks, spectrogram, the take's
// own analysis), the take loader, the waveform/spectrogram view, engine-option comparison,
// translations, loudness matching, the prompt builder, take records.
#include "app/main_window.h"
#include "app/translations.h"
#include "export/export_dialog.h"
#include "generate/generation_panel.h"
#include "generate/generation_worker.h"
#include "generate/prompt_builder.h"
#include "player/loudness_match.h"
#include "takes/take_loader.h"
#include "takes/take_record.h"
#include "takes/take_view_data.h"
#include "views/correlation_meter_widget.h"
#include "views/goniometer_widget.h"
#include "views/waveform_view.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "engines/procedural/footstep_prompt.h"
#include "io/audio_file.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QMenuBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include "signals.h"

#include <cmath>

using namespace footfall;
using namespace footfall::ui;

namespace {

constexpr int kRate = 48000;

std::optional<double> meterReading(const AudioBuffer& b) {
    CorrelationMeterWidget meter;
    meter.reset(b.sampleRate());
    // Fed as the GUI does: ~25 ms per tick.
    const std::size_t hop = kRate / 40;
    for (std::size_t i = 0; i < b.frames(); i += hop) {
        const std::size_t n = std::min(hop, b.frames() - i);
        meter.process(b.channel(0) + i, b.channel(1) + i, n);
    }
    return meter.reading();
}

} // namespace

class TestUiParts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void correlationMeterReadsKnownSignals() {
        const auto inPhase = meterReading(test::sine(300, 0.5, 2.0, 2, kRate, false));
        QVERIFY(inPhase);
        QVERIFY2(*inPhase > 0.99, qPrintable(QString::number(*inPhase)));
        const auto inverted = meterReading(test::sine(300, 0.5, 2.0, 2, kRate, true));
        QVERIFY(inverted);
        QVERIFY2(*inverted < -0.99, qPrintable(QString::number(*inverted)));
        const auto independent = meterReading(test::noise(0.35, 3.0, 7, 2, kRate));
        QVERIFY(independent);
        QVERIFY2(std::abs(*independent) < 0.2, qPrintable(QString::number(*independent)));
        const auto silence = meterReading(AudioBuffer(2, kRate, kRate));
        QVERIFY(!silence);
        CorrelationMeterWidget meter;
        meter.reset(kRate);
        AudioBuffer quiet(2, kRate, kRate);
        meter.process(quiet.channel(0), quiet.channel(1), quiet.frames());
        QCOMPARE(meter.readingText(), QStringLiteral("—"));
    }

    void correlationZonesAreColoured() {
        QVERIFY(correlationColour(-0.8).red() > 200);  // red: out of phase
        QVERIFY(correlationColour(0.0).green() > 120); // amber
        QVERIFY(correlationColour(0.0).red() > 200);
        QVERIFY(correlationColour(0.5).green() > 150); // green
        QVERIFY(correlationColour(1.0).blue() > 200);  // blue: mono
    }

    void goniometerOrientation() {
        GoniometerWidget g;
        const AudioBuffer mono = test::sine(300, 0.5, 0.5, 2, kRate, false);
        g.process(mono.channel(0), mono.channel(1), mono.frames());
        QVERIFY(g.sideRms() < 1e-6);
        QVERIFY(g.midRms() > 0.3);
        const AudioBuffer inv = test::sine(300, 0.5, 0.5, 2, kRate, true);
        g.process(inv.channel(0), inv.channel(1), inv.frames());
        QVERIFY(g.midRms() < 1e-6);
        QVERIFY(g.sideRms() > 0.3);
        QVERIFY(g.displayGain() > 1.0); // display-only auto-gain scales a -6 dB signal up
        g.resize(200, 200);
        QVERIFY(!g.grab().isNull());
    }

    void analysisPrecomputesWhatTheViewsShow() {
        auto audio =
            std::make_shared<const AudioBuffer>(test::sine(1000, 0.5, 1.0, 2, kRate, true));
        const SharedTakeView a = prepareTakeView(audio);
        QVERIFY(a);
        QCOMPARE(a->audio, audio);
        // Inverted stereo: the summary reads -1 and the cloud lies on the S axis.
        QVERIFY(a->correlation && *a->correlation < -0.99);
        QVERIFY(a->lowestCorrelation && *a->lowestCorrelation < -0.9);
        QVERIFY(a->goniometer.midRms < 1e-6 && a->goniometer.sideRms > 0.3);
        QVERIFY(a->analysis.loudness.truePeakDbtp.has_value());
        QVERIFY(a->spectrogram && a->spectrogram->columns > 100);
        // Peaks: min/max per bin agree with the raw samples.
        QVERIFY(a->peaks.levels.size() >= 2);
        for (const auto& level : a->peaks.levels) {
            QCOMPARE(level.mins.size(), std::size_t(2));
            const std::size_t bins = (audio->frames() + level.binFrames - 1) / level.binFrames;
            QCOMPARE(level.maxs[0].size(), bins);
            const std::size_t k = bins / 3;
            float hi = -2.0f;
            for (std::size_t i = k * level.binFrames;
                 i < std::min(audio->frames(), (k + 1) * level.binFrames); ++i)
                hi = std::max(hi, audio->channel(0)[i]);
            QCOMPARE(level.maxs[0][k], hi);
        }
        QCOMPARE(a->peaks.levelFor(10.0), nullptr);
        QCOMPARE(a->peaks.levelFor(300.0)->binFrames, std::size_t(256));
        // The goniometer shows the precomputed cloud as it is.
        GoniometerWidget g;
        g.showCloud(a->goniometer);
        QCOMPARE(g.sideRms(), a->goniometer.sideRms);
        QCOMPARE(g.displayGain(), a->goniometer.gain);
        QVERIFY(!prepareTakeView(nullptr));
    }

    void viewTakesTheTakesOwnAnalysis() {
        // A take's analysis is measured once: given one, the view carries it as it is (a
        // doctored value shows); without one, the view measures what the core measures.
        auto audio = std::make_shared<const AudioBuffer>(test::noise(0.35, 1.0, 7, 2, kRate));
        const TakeAnalysis core = analyseTake(*audio);
        TakeAnalysis given = core;
        given.phase.correlation = 0.123;
        given.loudness.integratedLufs = -42.0;
        const SharedTakeView a = prepareTakeView(audio, given);
        QCOMPARE(*a->correlation, 0.123);
        QCOMPARE(*a->analysis.loudness.integratedLufs, -42.0);
        const SharedTakeView measured = prepareTakeView(audio);
        QCOMPARE(*measured->correlation, *core.phase.correlation);
        QVERIFY(measured->analysis.loudness.integratedLufs == core.loudness.integratedLufs);
        QCOMPARE(measured->analysis.levels.peak, core.levels.peak);
        // Mono: full correlation when the take has signal, none when it is silent.
        auto mono = std::make_shared<const AudioBuffer>(test::sine(300, 0.5, 0.5, 1, kRate));
        QCOMPARE(*prepareTakeView(mono)->correlation, 1.0);
        QCOMPARE(*prepareTakeView(mono, analyseTake(*mono))->correlation, 1.0);
        auto silent = std::make_shared<const AudioBuffer>(AudioBuffer(1, kRate, kRate));
        QVERIFY(!prepareTakeView(silent)->correlation);
        // Empty audio: nothing to analyse, the view is still made.
        const SharedTakeView empty =
            prepareTakeView(std::make_shared<const AudioBuffer>(AudioBuffer(2, 0, kRate)));
        QVERIFY(empty && !empty->correlation && !empty->spectrogram);
    }

    void loaderUsesTheRecordedAnalysis() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("take.wav"));
        writeAudioFile(path.toStdString(), test::noise(0.35, 1.0, 7, 2, kRate), WriteOptions{});
        TakeLoader loader;
        QSignalSpy loaded(&loader, &TakeLoader::loaded);
        const auto viewAt = [&](int i) { return loaded.at(i).at(1).value<SharedTakeView>(); };
        // A complete record in the metadata (as its sidecar holds it) is used as it is.
        TakeAnalysis recorded = analyseTake(readAudioFile(path.toStdString()));
        recorded.phase.correlation = 0.123;
        nlohmann::json metadata = {{"prompt", "boots"}};
        recordAnalysis(metadata, recorded);
        loader.request(path, metadata);
        QTRY_COMPARE(loaded.size(), 1);
        QVERIFY(viewAt(0));
        QCOMPARE(*viewAt(0)->correlation, 0.123);
        // Without one (an older sidecar, or none), the audio is measured.
        metadata.erase("loudness");
        loader.request(path, metadata);
        QTRY_COMPARE(loaded.size(), 2);
        loader.request(path);
        QTRY_COMPARE(loaded.size(), 3);
        for (int i : {1, 2}) {
            const SharedTakeView v = viewAt(i);
            QVERIFY(v);
            QCOMPARE(*v->correlation, *analyseTake(*v->audio).phase.correlation);
            QVERIFY(std::abs(*v->correlation - 0.123) > 0.05);
        }
    }

    void waveformFromPeaksMatchesTheRawDrawing() {
        // The same take drawn from precomputed peaks and from the raw samples looks the same.
        auto audio = std::make_shared<const AudioBuffer>(test::noise(0.35, 2.0, 7, 2, kRate));
        WaveformView fromPeaks, raw;
        fromPeaks.resize(500, 160);
        raw.resize(500, 160);
        fromPeaks.setTake(prepareTakeView(audio));
        auto bare = std::make_shared<TakeViewData>();
        bare->audio = audio;
        raw.setTake(bare);
        QCOMPARE(fromPeaks.grab().toImage(), raw.grab().toImage());
    }

    void spectrogramPutsAToneAtItsFrequency() {
        WaveformView view;
        view.resize(400, 240);
        view.setTake(prepareTakeView(
            std::make_shared<const AudioBuffer>(test::sine(2000, 0.5, 1.0, 2, kRate, false))));
        view.setDisplay(WaveformView::Display::Spectrogram);
        for (auto axis : {WaveformView::FrequencyAxis::Log, WaveformView::FrequencyAxis::Linear}) {
            view.setFrequencyAxis(axis);
            // Axis mapping round-trips.
            QVERIFY(std::abs(view.frequencyAt(view.yOfFrequency(2000.0)) - 2000.0) < 1.0);
            const QImage img = view.grab().toImage();
            // Brightest row in a column away from the labels and the time readout.
            int bestY = 0, best = -1;
            for (int y = 0; y < img.height(); ++y) {
                const QColor c = img.pixelColor(150, y);
                const int lum = c.red() + c.green() + c.blue();
                if (lum > best) {
                    best = lum;
                    bestY = y;
                }
            }
            const double hz = view.frequencyAt(bestY + 0.5);
            QVERIFY2(std::abs(hz - 2000.0) < 2000.0 * 0.12,
                     qPrintable(QStringLiteral("axis %1: brightest row %2 = %3 Hz")
                                    .arg(int(axis))
                                    .arg(bestY)
                                    .arg(hz)));
            QVERIFY(best > 500); // bright: near 0 dB
        }
        // The linear axis puts 2 kHz near the bottom (2/24 of the height), log much higher.
        view.setFrequencyAxis(WaveformView::FrequencyAxis::Linear);
        const double linY = view.yOfFrequency(2000.0);
        view.setFrequencyAxis(WaveformView::FrequencyAxis::Log);
        QVERIFY(view.yOfFrequency(2000.0) < linY - 60);
    }

    void engineCacheComparesEveryOption() {
        const EngineOptions base;
        // Built separately with the same values: equal, whatever the fields' defaults are.
        EngineOptions same;
        same.engine = base.engine;
        same.modelDir = base.modelDir;
        same.checkpoint = base.checkpoint;
        same.config = base.config;
        same.t5Dir = base.t5Dir;
        same.device = base.device;
        same.precision = base.precision;
        same.lowMemory = base.lowMemory;
        same.fullWindow = base.fullWindow;
        QVERIFY(same == base && !(same != base));
        const auto differs = [&](auto change) {
            EngineOptions o = base;
            change(o);
            return base != o;
        };
        QVERIFY(differs([](EngineOptions& o) { o.precision = "fp16"; }));
        QVERIFY(differs([](EngineOptions& o) { o.lowMemory = true; }));
        QVERIFY(differs([](EngineOptions& o) { o.fullWindow = true; }));
        QVERIFY(differs([](EngineOptions& o) { o.t5Dir = "/t5"; }));
        QVERIFY(differs([](EngineOptions& o) { o.modelDir = "/m"; }));
        QVERIFY(differs([](EngineOptions& o) { o.device = "cpu"; }));
    }

    void germanTranslationLoads() {
        const QString folder = QStringLiteral(FOOTFALL_BINARY_DIR "/app");
        QVERIFY2(QFile::exists(folder + QStringLiteral("/footfall_de.qm")),
                 "build the footfall target (its lrelease step writes footfall_de.qm)");
        QVERIFY(
            installTranslations(*QCoreApplication::instance(), QLocale(QLocale::German), folder));
        {
            GenerationPanel panel;
            QCOMPARE(panel.generateButton()->text(), QStringLiteral("Erzeugen"));
            QCOMPARE(panel.cancelButton()->text(), QStringLiteral("Abbrechen"));
            // The longer German labels still fit a 1280-pixel-wide window.
            QStandardPaths::setTestModeEnabled(true);
            QTemporaryDir dir;
            MainWindow window(TakeStore(dir.filePath(QStringLiteral("takes.json"))));
            QCOMPARE(window.menuBar()->actions().value(0)->text(), QStringLiteral("&Datei"));
            QCOMPARE(window.menuBar()->actions().value(1)->text(), QStringLiteral("&Erzeugen"));
            QVERIFY2(window.minimumSizeHint().width() <= 1280,
                     qPrintable(QString::number(window.minimumSizeHint().width())));
        }
        {
            // The export dialog in German: translated, and every label, check box and radio
            // button gets the width its text needs at the dialog's own size.
            ExportDialog dialog;
            QCOMPARE(dialog.windowTitle(), QStringLiteral("Take exportieren"));
            dialog.setContext(QStringLiteral("take.wav"),
                              std::make_pair(std::size_t(4800), std::size_t(9600)), 48000);
            dialog.show();
            dialog.adjustSize();
            QApplication::processEvents();
            QVERIFY(dialog.findChild<QCheckBox*>(QStringLiteral("exportTrim"))->text() ==
                    QStringLiteral("Stille kürzen unter"));
            QVERIFY2(dialog.width() <= 900, qPrintable(QString::number(dialog.width())));
            QStringList texts;
            int checked = 0;
            const auto fits = [&](QWidget* w, const QString& text) {
                if (!w->isVisible() || text.isEmpty())
                    return;
                texts << text;
                ++checked;
                QVERIFY2(w->width() >= w->minimumSizeHint().width() &&
                             w->width() >=
                                 (qobject_cast<QLabel*>(w) && qobject_cast<QLabel*>(w)->wordWrap()
                                      ? 0
                                      : w->sizeHint().width()),
                         qPrintable(QStringLiteral("'%1': %2 < %3")
                                        .arg(text)
                                        .arg(w->width())
                                        .arg(w->sizeHint().width())));
            };
            for (QLabel* l : dialog.findChildren<QLabel*>())
                fits(l, l->text());
            for (QAbstractButton* b : dialog.findChildren<QAbstractButton*>())
                fits(b, b->text());
            QVERIFY(checked > 15);
            // Nothing left in English.
            for (const char* english : {"Folder", "Naming", "Normalise", "Fades", "Export",
                                        "Export the selection only", "Trim silence below"})
                QVERIFY2(!texts.contains(QString::fromUtf8(english)), english);
            QVERIFY(texts.contains(QStringLiteral("Nur die Auswahl exportieren")));
            QVERIFY(texts.contains(QStringLiteral("Abbrechen")));

            PromptBuilder builder;
            QStringList labels;
            for (QLabel* l : builder.findChildren<QLabel*>())
                labels << l->text();
            QVERIFY2(labels.contains(QStringLiteral("Untergrund")), qPrintable(labels.join(',')));
            QVERIFY(labels.contains(QStringLiteral("Schuhwerk")));
            QCOMPARE(builder.combo(QStringLiteral("surface"))->itemText(0),
                     QStringLiteral("beliebig"));

            GenerationPanel busy;
            busy.setBusy(true, 1);
            QCOMPARE(busy.generateButton()->toolTip(), QStringLiteral("1 Prompt wartet"));
            busy.setBusy(true, 3);
            QCOMPARE(busy.generateButton()->toolTip(), QStringLiteral("3 Prompts warten"));
        }
        // Remove ours again so later tests see English.
        for (QTranslator* t : QCoreApplication::instance()->findChildren<QTranslator*>())
            QCoreApplication::removeTranslator(t);
        QCOMPARE(GenerationPanel().generateButton()->text(), QStringLiteral("Generate"));
        QVERIFY(
            !installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English), folder));
    }

    void englishPluralsReadNaturally() {
        GenerationPanel panel;
        panel.setBusy(true, 1);
        QCOMPARE(panel.generateButton()->toolTip(), QStringLiteral("1 prompt waiting"));
        panel.setBusy(true, 2);
        QCOMPARE(panel.generateButton()->toolTip(), QStringLiteral("2 prompts waiting"));
    }

    void loudnessMatchGain() {
        auto g = playbackGain(-18.0, -3.0, LoudnessMatch::Target, -23.0);
        QCOMPARE(g.gainDb, -5.0);
        QVERIFY(!g.limited);
        g = playbackGain(-35.0, -2.0, LoudnessMatch::Target, -23.0);
        QVERIFY(g.limited); // +12 would clip a -2 dBFS peak
        QVERIFY(g.gainDb <= 1.5 + 1e-9);
        QCOMPARE(playbackGain(-18.0, -3.0, LoudnessMatch::Off, -23.0).gainDb, 0.0);
        QCOMPARE(playbackGain(std::nullopt, -3.0, LoudnessMatch::Target, -23.0).gainDb, 0.0);
    }

    void promptBuilderSpeaksTheEnginesLanguage() {
        PromptBuilder builder;
        const auto set = [&](const char* axis, const char* value) {
            QComboBox* c = builder.combo(QString::fromLatin1(axis));
            QVERIFY(c);
            const int i = c->findData(QString::fromLatin1(value));
            QVERIFY2(i > 0, value);
            c->setCurrentIndex(i);
        };
        set("surface", "gravel");
        set("footwear", "boots");
        set("gait", "run");
        set("pace", "slow");
        set("weight", "heavy");
        set("wetness", "wet");
        set("perspective", "far");
        const QString prompt = builder.prompt();
        const FootstepParams p = interpretPrompt(prompt.toStdString());
        QCOMPARE(QString::fromLatin1(surfaceName(p.surface)), QStringLiteral("gravel"));
        QCOMPARE(QString::fromLatin1(footwearName(p.footwear)), QStringLiteral("boots"));
        QCOMPARE(QString::fromLatin1(gaitName(p.gait)), QStringLiteral("run"));
        QCOMPARE(QString::fromStdString(weightLabel(p.weight)), QStringLiteral("heavy"));
        QCOMPARE(QString::fromStdString(wetnessLabel(p.wetness)), QStringLiteral("wet"));
        QCOMPARE(QString::fromLatin1(perspectiveName(p.perspective)), QStringLiteral("far"));
        QVERIFY2(p.paceStepsPerSecond < gaitBasePace(Gait::Run), qPrintable(prompt));

        PromptBuilder reread;
        reread.readPrompt(prompt);
        QCOMPARE(reread.prompt(), prompt);
    }

    void takeRecordRoundTrip() {
        TakeRecord r;
        r.audioPath = QStringLiteral("/tmp/a b.wav");
        r.metadata = {{"prompt", "boots"},
                      {"seed", 42},
                      {"engine", "procedural"},
                      {"loudness", {{"integrated_lufs", nullptr}, {"whole_take_lufs", -20.5}}},
                      {"phase_info", {{"correlation", -0.4}}},
                      {"loras", {{{"path", "/x/wet.safetensors"}, {"strength", 0.8}}}}};
        r.rating = 4;
        r.favourite = true;
        const TakeRecord back = TakeRecord::fromJson(r.toJson());
        QCOMPARE(back.audioPath, r.audioPath);
        QCOMPARE(back.seed(), qint64(42));
        QCOMPARE(back.rating, 4);
        QVERIFY(back.favourite);
        QCOMPARE(*back.loudnessLufs(), -20.5);
        QCOMPARE(*back.correlation(), -0.4);
        QCOMPARE(back.loraSummary(), QStringLiteral("wet ×0.80"));
    }
};

QTEST_MAIN(TestUiParts)
#include "tst_ui_parts.moc"
