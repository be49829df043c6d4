// Where the parity fixtures are (no Torch: UI tests use it too). The folder comes from env
// FOOTFALL_PARITY_DIR, else the compile definition FOOTFALL_DEFAULT_PARITY_DIR.
#pragma once

#include "skip.h"

#include <QDir>
#include <QFileInfo>
#include <QString>

#include <string>

namespace footfall::test {

inline QString parityDir() {
    const QByteArray env = qgetenv("FOOTFALL_PARITY_DIR");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
#ifdef FOOTFALL_DEFAULT_PARITY_DIR
    return QStringLiteral(FOOTFALL_DEFAULT_PARITY_DIR);
#else
    return QString();
#endif
}

inline bool parityDirExists() {
    const QString dir = parityDir();
    return !dir.isEmpty() && QFileInfo(dir).isDir();
}

inline std::string parityPath(const std::string& file) {
    return QDir(parityDir()).filePath(QString::fromStdString(file)).toStdString();
}

} // namespace footfall::test

// In a test function: skip when the parity folder is absent (fail under CI=true).
#define FOOTFALL_REQUIRE_PARITY_DIR()                                                              \
    do {                                                                                           \
        if (!footfall::test::parityDirExists())                                                    \
            FOOTFALL_SKIP_UNLESS_CI(                                                               \
                qPrintable(QStringLiteral("parity fixtures not found at '%1' (set "                \
                                          "FOOTFALL_PARITY_DIR)")                                  \
                               .arg(footfall::test::parityDir())));                                \
    } while (false)
