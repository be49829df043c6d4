// Skipping a check for a missing fixture or tool: a skip on a developer's machine, a failure on
// CI (CI=true), where scripts/test has installed everything and a skip would hide a broken
// check behind a green run. CTest reports a test whose initTestCase skipped as skipped.
#pragma once

#include <cstdlib>
#include <cstring>

namespace footfall::test {

// Plain C++ on purpose: included before Torch headers, which Qt's keyword macros break.
inline bool onCi() {
    const char* ci = std::getenv("CI");
    return ci && (std::strcmp(ci, "true") == 0 || std::strcmp(ci, "TRUE") == 0 ||
                  std::strcmp(ci, "1") == 0 || std::strcmp(ci, "yes") == 0);
}

} // namespace footfall::test

// In a test function (QtTest included): QSKIP with `reason` (a const char*), or QFAIL under
// CI=true.
#define FOOTFALL_SKIP_UNLESS_CI(reason)                                                            \
    do {                                                                                           \
        if (footfall::test::onCi())                                                                \
            QFAIL(                                                                                 \
                qPrintable(QStringLiteral("CI=true requires it: ") + QString::fromUtf8(reason)));  \
        QSKIP(reason);                                                                             \
    } while (false)
