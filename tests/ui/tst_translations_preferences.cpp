// The language choice: Preferences (Generate ▸ Preferences…) offers the system default and
// every shipped language by its own name, saves the choice in QSettings, and the loader uses
// it at the next start unless --lang says otherwise.
#include "app/main_window.h"
#include "app/preferences_dialog.h"
#include "app/translations.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTimer>
#include <QTranslator>
#include <QtTest>

#include <algorithm>

#include "main_window_fixture.h"

using namespace footfall;
using namespace footfall::ui;

namespace {

const QString kQmDir = QStringLiteral(FOOTFALL_BINARY_DIR "/app");

void removeTranslators() {
    for (QTranslator* t : QCoreApplication::instance()->findChildren<QTranslator*>()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
}

QString takeMenu() {
    return QCoreApplication::translate("footfall::ui::MainWindow", "&Take");
}

} // namespace

class TestTranslationsPreferences : public QObject, private test::MainWindowFixture {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpSuite(); }
    void init() { resetState(); }
    void cleanup() { removeTranslators(); }

    void commandLineBeatsSettingBeatsSystem() {
        const QLocale german(QLocale::German, QLocale::Germany);
        QCOMPARE(uiLocale(QStringLiteral("ja"), QStringLiteral("fr"), german).language(),
                 QLocale::Japanese);
        QCOMPARE(uiLocale(QString(), QStringLiteral("fr"), german).language(), QLocale::French);
        QCOMPARE(uiLocale(QString(), QStringLiteral("en"), german).language(), QLocale::English);
        QCOMPARE(uiLocale(QString(), QString(), german), german);
    }

    void theDialogSavesTheChoice() {
        QCOMPARE(savedUiLanguage(), QString());
        {
            PreferencesDialog dialog;
            QComboBox* combo = dialog.languageCombo();
            QStringList names;
            for (int i = 0; i < combo->count(); ++i)
                names << combo->itemText(i);
            QCOMPARE(names, (QStringList{QStringLiteral("System default"),
                                         QStringLiteral("Deutsch"), QStringLiteral("English"),
                                         QStringLiteral("Français"), QStringLiteral("日本語")}));
            QCOMPARE(combo->currentIndex(), 0);
            QCOMPARE(dialog.selectedLanguage(), QString());
            // It says when the choice takes effect.
            QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("languageNote"))
                        ->text()
                        .contains(QStringLiteral("next time")));
            combo->setCurrentIndex(combo->findText(QStringLiteral("Français")));
            dialog.reject();
        }
        QCOMPARE(savedUiLanguage(), QString()); // Cancel saves nothing
        {
            PreferencesDialog dialog;
            dialog.languageCombo()->setCurrentIndex(
                dialog.languageCombo()->findText(QStringLiteral("Français")));
            dialog.accept();
        }
        QCOMPARE(savedUiLanguage(), QStringLiteral("fr"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("fr"));
        {
            PreferencesDialog again; // shows the saved choice
            QCOMPARE(again.languageCombo()->currentText(), QStringLiteral("Français"));
            again.languageCombo()->setCurrentIndex(0);
            again.accept();
        }
        QCOMPARE(savedUiLanguage(), QString());
        QVERIFY(!QSettings().contains(QStringLiteral("ui/language")));
    }

    void theLoaderUsesTheSavedLanguage() {
        saveUiLanguage(QStringLiteral("fr"));
        const QLocale german(QLocale::German);
        // Next start, no --lang: French, though the system speaks German.
        QVERIFY(installTranslations(*QCoreApplication::instance(),
                                    uiLocale(QString(), savedUiLanguage(), german), kQmDir));
        QCOMPARE(takeMenu(), QStringLiteral("&Prise"));
        removeTranslators();
        // --lang ja wins over the saved French.
        QVERIFY(installTranslations(*QCoreApplication::instance(),
                                    uiLocale(QStringLiteral("ja"), savedUiLanguage(), german),
                                    kQmDir));
        QCOMPARE(takeMenu(), QStringLiteral("テイク(&T)"));
        removeTranslators();
        // English chosen on a German system: no translation, English strings.
        saveUiLanguage(QStringLiteral("en"));
        QVERIFY(!installTranslations(*QCoreApplication::instance(),
                                     uiLocale(QString(), savedUiLanguage(), german), kQmDir));
        QCOMPARE(takeMenu(), QStringLiteral("&Take"));
        // The system default follows the system.
        saveUiLanguage(QString());
        QVERIFY(installTranslations(*QCoreApplication::instance(),
                                    uiLocale(QString(), savedUiLanguage(), german), kQmDir));
        QCOMPARE(takeMenu(), QStringLiteral("&Take")); // German keeps "Take"
        QCOMPARE(QCoreApplication::translate("footfall::ui::MainWindow", "&Generate"),
                 QStringLiteral("&Erzeugen"));
    }

    void theMenuOpensPreferences() {
        auto w = makeWindow();
        QAction* action = w->findChild<QAction*>(QStringLiteral("preferencesAction"));
        QVERIFY(action);
        // In a menu of the menu bar.
        const auto menus = w->menuBar()->actions();
        QVERIFY(std::any_of(menus.begin(), menus.end(), [&](QAction* m) {
            return m->menu() && m->menu()->actions().contains(action);
        }));
        QCOMPARE(action->text(), QStringLiteral("Preferences…"));
        bool sawDialog = false;
        QTimer::singleShot(0, this, [&] {
            auto* dialog = qobject_cast<PreferencesDialog*>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            sawDialog = true;
            dialog->languageCombo()->setCurrentIndex(
                dialog->languageCombo()->findData(QStringLiteral("ja")));
            dialog->accept();
        });
        action->trigger();
        QVERIFY(sawDialog);
        QCOMPARE(savedUiLanguage(), QStringLiteral("ja"));
        QVERIFY(w->statusBar()->currentMessage().contains(QStringLiteral("next start")));
    }
};

QTEST_MAIN(TestTranslationsPreferences)
#include "tst_translations_preferences.moc"
