// Footfall desktop app. `footfall --screenshot DIR` renders the documentation screenshots
// with a throw-away library instead of opening the user's.
#include "app/app_style.h"
#include "app/main_window.h"
#include "app/screenshot_tour.h"
#include "app/translations.h"
#include "generate/generation_panel.h"

#include "footfall_version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QStandardPaths>
#include <QTimer>

int main(int argc, char** argv) {
    QApplication::setHighDpiScaleFactorRoundingPolicy(
        Qt::HighDpiScaleFactorRoundingPolicy::PassThrough);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Footfall"));
    QApplication::setApplicationName(QStringLiteral("Footfall"));
    QApplication::setApplicationVersion(QStringLiteral(FOOTFALL_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("org.footfall.Footfall"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Generate, audition and export footstep takes."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the documentation screenshots into <dir> and quit."),
        QStringLiteral("dir"));
    parser.addOption(screenshot);
    QCommandLineOption language(
        QStringLiteral("lang"),
        QStringLiteral("User-interface language: de, en, fr or ja (default: the one chosen in "
                       "Preferences, else the system locale)."),
        QStringLiteral("code"));
    parser.addOption(language);
    QCommandLineOption generate(
        QStringLiteral("generate"),
        QStringLiteral("Once the window is open, generate <prompt> with the saved settings."),
        QStringLiteral("prompt"));
    parser.addOption(generate);
    parser.process(app);

    footfall::ui::applyDarkStyle(app);
    // --lang wins, then the language chosen in Preferences, then the system locale
    // (LANGUAGE=de or LANG=de_DE.UTF-8 for German); screenshots stay English unless --lang
    // asks otherwise.
    if (parser.isSet(screenshot)) {
        if (parser.isSet(language))
            footfall::ui::installTranslations(app, QLocale(parser.value(language)));
    } else {
        footfall::ui::installTranslations(
            app, footfall::ui::uiLocale(parser.value(language), footfall::ui::savedUiLanguage(),
                                        QLocale()));
    }
    if (parser.isSet(screenshot)) {
        // Never touch the user's library or settings while staging screenshots.
        QStandardPaths::setTestModeEnabled(true);
        return footfall::ui::runScreenshotTour(parser.value(screenshot));
    }
    footfall::ui::MainWindow window;
    window.resize(1280, 760);
    window.show();
    if (parser.isSet(generate))
        QTimer::singleShot(0, &window, [&window, prompt = parser.value(generate)] {
            window.generationPanel()->setPromptText(prompt);
            window.generate();
        });
    return app.exec();
}
