// Writing torch.save checkpoints for the reader tests (header-only): byte by byte (a zip of
// stored entries, protocol-2 pickle opcodes, "lora/" archives: torch_save_bytes.h), and with
// python3's torch.save.
//
//   Pickle p;
//   p.op('}').str("a/lora_down.weight").tensor("0", 8, 0, {2, 4}, {4, 1}).op('s');
//   writeFile(path, makeCheckpoint(p.done(), {{"0", floatBytes(iota(8, 1.f))}}));
//
//   FOOTFALL_RUN_TORCH_PYTHON(code, outputPath); // sys.argv[1:]; skips without python3 + torch,
//                                                // fails when the script fails
#pragma once

#include "skip.h"

#include "torch_save_bytes.h"

#include <QFileInfo>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace footfall::test {

inline QString torchPython() {
    return QStringLiteral("/usr/bin/python3");
}

// Why python3 with torch cannot write fixtures here, or an empty string when it can. Checked
// once per test process: importing torch takes seconds.
inline QString torchPythonMissing() {
    static const QString reason = [] {
        if (!QFileInfo::exists(torchPython()))
            return QStringLiteral("/usr/bin/python3 is not installed");
        QProcess p;
        p.start(torchPython(), {"-c", "import torch"});
        if (!p.waitForFinished(120000) || p.exitStatus() != QProcess::NormalExit ||
            p.exitCode() != 0)
            return QStringLiteral("python3 cannot import torch (Debian package python3-torch)");
        return QString();
    }();
    return reason;
}

// Runs a python snippet (sys.argv[1:] = args); an empty string on success, else what went wrong
// with the script's output.
inline QString runTorchPython(const QString& code, const QStringList& args = {}) {
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(torchPython(), QStringList{"-c", code} + args);
    if (!p.waitForFinished(120000))
        return QStringLiteral("the python fixture script did not finish: ") + p.errorString();
    const QString output = QString::fromLocal8Bit(p.readAll());
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("the python fixture script failed (exit code %1): %2")
            .arg(p.exitCode())
            .arg(output.right(2000));
    return QString();
}

} // namespace footfall::test

// Writes a fixture with python3's torch; the arguments after the code (QStrings, at least one) are
// sys.argv[1:]. A missing tool skips the test, like the other optional fixture tools; a script
// that fails fails the test, since the fixture it should have written is missing.
#define FOOTFALL_RUN_TORCH_PYTHON(code, ...)                                                       \
    do {                                                                                           \
        const QString missing_ = footfall::test::torchPythonMissing();                             \
        if (!missing_.isEmpty())                                                                   \
            FOOTFALL_SKIP_UNLESS_CI(                                                               \
                qPrintable("cannot write the torch.save fixture: " + missing_));                   \
        const QString error_ = footfall::test::runTorchPython(code, QStringList{__VA_ARGS__});     \
        QVERIFY2(error_.isEmpty(), qPrintable(error_));                                            \
    } while (false)
