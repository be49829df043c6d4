#include "app/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace footfall::ui {

namespace {

QString languageKey() {
    return QStringLiteral("ui/language");
}

} // namespace

bool installTranslations(QCoreApplication& app, const QLocale& locale, const QString& folder) {
    auto* qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    auto* own = new QTranslator(&app);
    if (!own->load(locale, QStringLiteral("footfall"), QStringLiteral("_"), folder)) {
        delete own;
        return false;
    }
    QCoreApplication::installTranslator(own);
    return true;
}

QList<UiLanguage> uiLanguages() {
    return {{QString(), QString()},
            {QStringLiteral("de"), QStringLiteral("Deutsch")},
            {QStringLiteral("en"), QStringLiteral("English")},
            {QStringLiteral("fr"), QStringLiteral("Français")},
            {QStringLiteral("ja"), QStringLiteral("日本語")}};
}

QString savedUiLanguage() {
    return QSettings().value(languageKey()).toString();
}

void saveUiLanguage(const QString& code) {
    QSettings s;
    if (code.isEmpty())
        s.remove(languageKey());
    else
        s.setValue(languageKey(), code);
}

QLocale uiLocale(const QString& commandLine, const QString& saved, const QLocale& system) {
    if (!commandLine.isEmpty())
        return QLocale(commandLine);
    if (!saved.isEmpty())
        return QLocale(saved);
    return system;
}

} // namespace footfall::ui
