// The programs file-format tests read our files with (sox, mediainfo): run one and collect
// what it printed. A missing program skips that check with the reason, except under CI=true,
// where it fails: the CI image installs them (scripts/lib/common.sh, FOOTFALL_TEST_PACKAGES).
#pragma once

#include "skip.h"
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

namespace footfall::test {

struct ToolRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline ToolRun runTool(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(QStandardPaths::findExecutable(program), args);
    ToolRun r;
    if (!p.waitForFinished(60000))
        return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// mediainfo --Output=JSON: the track of `type` ("General", "Audio"); empty when absent.
inline QJsonObject mediainfoTrack(const QString& path, const QString& type) {
    const ToolRun r = runTool(QStringLiteral("mediainfo"), {QStringLiteral("--Output=JSON"), path});
    const QJsonObject media = QJsonDocument::fromJson(r.out).object()["media"].toObject();
    for (const auto& track : media["track"].toArray())
        if (track.toObject()["@type"].toString() == type)
            return track.toObject();
    return {};
}

} // namespace footfall::test

// In a test function: skip (or, under CI=true, fail) when `program` is not installed.
#define FOOTFALL_REQUIRE_TOOL(program)                                                             \
    do {                                                                                           \
        if (QStandardPaths::findExecutable(QStringLiteral(program)).isEmpty()) {                   \
            if (footfall::test::onCi())                                                            \
                QFAIL(program " is not installed, and CI=true requires it");                       \
            QSKIP(program " is not installed: its half of this check is skipped");                 \
        }                                                                                          \
    } while (false)
