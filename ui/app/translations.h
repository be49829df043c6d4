// Loads the app's translation (footfall_<lang>.qm) and Qt's own for a locale, and installs
// them on the application.
#pragma once

#include <QLocale>
#include <QString>

class QCoreApplication;

namespace footfall::ui {

// Looks in `folder` (default: the embedded ":/i18n"); returns true when Footfall's own
// translation for `locale` was found and installed. English needs none and returns false.
bool installTranslations(QCoreApplication& app, const QLocale& locale = QLocale(),
                         const QString& folder = QStringLiteral(":/i18n"));

} // namespace footfall::ui
