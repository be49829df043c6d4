// Loads the app's translation (footfall_<lang>.qm) and Qt's own for a locale, and installs
// them on the application; the languages the app offers and the one the user chose.
#pragma once

#include <QList>
#include <QLocale>
#include <QString>

class QCoreApplication;

namespace footfall::ui {

// Looks in `folder` (default: the embedded ":/i18n"); returns true when Footfall's own
// translation for `locale` was found and installed. English needs none and returns false.
bool installTranslations(QCoreApplication& app, const QLocale& locale = QLocale(),
                         const QString& folder = QStringLiteral(":/i18n"));

// A language the Preferences offer: its code ("de"; empty for the system's language) and its
// name as its speakers write it ("Deutsch"; empty for the system's).
struct UiLanguage {
    QString code;
    QString nativeName;
};

// The system default first, then English and every language the app ships a translation for,
// by code: "", de, en, fr, ja.
QList<UiLanguage> uiLanguages();

// The language chosen in the Preferences (QSettings "ui/language"); empty: the system's.
QString savedUiLanguage();
void saveUiLanguage(const QString& code);

// The locale the interface speaks: `commandLine` (--lang) when given, else `saved` (the
// Preferences), else `system`.
QLocale uiLocale(const QString& commandLine, const QString& saved,
                 const QLocale& system = QLocale::system());

} // namespace footfall::ui
