#include "app/screenshot_tour.h"

#include "app/main_window.h"
#include "export/export_dialog.h"
#include "generate/generation_panel.h"
#include "player/player.h"
#include "takes/take_list_model.h"
#include "views/correlation_meter_widget.h"
#include "views/waveform_view.h"

#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

namespace footfall::ui {

namespace {

void wait(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 10);
}

bool waitUntil(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

bool save(QWidget* w, const QString& folder, const QString& name) {
    const QString path = QDir(folder).filePath(name);
    const bool ok = w->grab().save(path);
    QTextStream(stdout) << (ok ? "wrote " : "FAILED ") << path << '\n';
    return ok;
}

} // namespace

int runScreenshotTour(const QString& folder) {
    QDir().mkpath(folder);
    QSettings().clear(); // test-mode settings: the same layout on every run
    QTemporaryDir library;
    TakeStore store(QDir(library.path()).filePath(QStringLiteral("takes.json")));
    MainWindow window(store);
    window.resize(1280, 720);
    window.generationPanel()
        ->findChild<QLineEdit*>(QStringLiteral("outputFolderEdit"))
        ->setText(library.path());
    window.generationPanel()->setPromptText(QString());
    window.show();
    wait(300);
    bool ok = save(&window, folder, QStringLiteral("01-empty.png"));

    // A few takes through the real controls.
    const QStringList prompts = {QStringLiteral("heavy boots walking on wet gravel, far"),
                                 QStringLiteral("high heels on marble, close"),
                                 QStringLiteral("sneakers running on wood")};
    for (const QString& p : prompts) {
        window.generationPanel()->setPromptText(p);
        window.generationPanel()
            ->findChild<QDoubleSpinBox*>(QStringLiteral("durationSpin"))
            ->setValue(3.0);
        window.generationPanel()->generateButton()->click();
    }
    if (!waitUntil(
            [&] {
                return window.takeModel()->rowCount() >= 3 && !window.queue()->isBusy() &&
                       window.queue()->pendingCount() == 0;
            },
            120000)) {
        QTextStream(stderr) << "generation did not finish: "
                            << window.generationPanel()->errorText() << '\n';
        return 1;
    }
    // Verdicts as a user leaves them: a favourite with four stars, a two-star take, one unrated.
    window.takeModel()->setRating(0, 4);
    window.takeModel()->toggleFavourite(0);
    window.takeModel()->setRating(2, 2);
    window.selectRow(1);
    window.player()->stop();
    wait(300);
    ok &= save(&window, folder, QStringLiteral("02-takes.png"));

    // The export dialog, as the user sees it over the window.
    {
        ExportDialog dialog(&window);
        window.prepareExportDialog(dialog, 1);
        dialog.show();
        wait(200);
        ok &= save(&dialog, folder, QStringLiteral("03-export-dialog.png"));
    }

    // An inverted-phase take: the right channel of a generated take, polarity flipped.
    const TakeRecord source = window.takeModel()->take(0);
    AudioBuffer audio = readAudioFile(source.audioPath.toStdString());
    if (audio.channels() < 2) {
        AudioBuffer stereo(2, audio.frames(), audio.sampleRate());
        stereo.channelVector(0) = audio.channelVector(0);
        stereo.channelVector(1) = audio.channelVector(0);
        audio = std::move(stereo);
    }
    for (float& s : audio.channelVector(1))
        s = -s;
    TakeRecord inverted = source;
    inverted.audioPath = QDir(library.path()).filePath(QStringLiteral("inverted_phase.wav"));
    inverted.metadata["prompt"] = "inverted phase (right channel flipped)";
    recordAnalysis(inverted.metadata, analyseTake(audio)); // new audio, its own analysis
    writeAudioFile(inverted.audioPath.toStdString(), audio, WriteOptions{});
    inverted.sidecarPath =
        QString::fromStdString(writeSidecar(inverted.audioPath.toStdString(), inverted.metadata));
    window.addTake(inverted);
    window.setAutoPlay(true);
    window.selectRow(0);
    // Added without its analysis: it is read back on the loader's thread first.
    waitUntil([&] { return window.currentView() != nullptr; }, 10000);
    window.player()->play();
    wait(900); // live meters need a few ticks (τ 0.3 s)
    ok &= save(&window, folder, QStringLiteral("04-inverted-phase-meters.png"));
    window.player()->stop();

    // The spectrogram of a take, with a selection, log frequency axis.
    window.setAutoPlay(false);
    window.selectRow(2);
    waitUntil([&] { return window.currentView() != nullptr; }, 10000);
    window.setSpectrogramShown(true);
    if (const auto& a = window.currentView(); a && a->audio) {
        const std::size_t rate = static_cast<std::size_t>(a->audio->sampleRate());
        window.waveform()->setSelection(rate * 6 / 10, rate * 14 / 10);
        window.waveform()->setPlayhead(rate);
    }
    wait(300);
    ok &= save(&window, folder, QStringLiteral("05-spectrogram.png"));
    window.setSpectrogramShown(false);
    window.close();
    return ok ? 0 : 1;
}

} // namespace footfall::ui
