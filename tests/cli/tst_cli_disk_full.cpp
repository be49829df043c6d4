// footfall-cli on a disk that fills during a batch (issue #10, "Fault injection"): exit 1 with
// one line naming the problem, the takes saved before it whole on disk, nothing half-written.
// The output folder is a real tmpfs of a few hundred KiB, so this needs the right to mount
// (root with CAP_SYS_ADMIN, as in the project's container and CI); elsewhere it skips.
#include "io/file_check.h"
#include "io/metadata.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"

using namespace footfall;

namespace {

bool run(const QString& program, const QStringList& args) {
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(20000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestCliDiskFull : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void diskFillsDuringABatch() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(QStringLiteral("out"));
        QVERIFY(QDir().mkpath(out));
        // 1 s stereo 32-bit float at 44.1 kHz is about 353 KB: two takes fit in 800 KiB,
        // the third does not.
        if (!run(QStringLiteral("mount"),
                 {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                  QStringLiteral("size=800k"), QStringLiteral("footfall-test"), out}))
            QSKIP("cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN)");
        const auto unmount = qScopeGuard([&] { run(QStringLiteral("umount"), {out}); });
        const test::CliResult r = test::runCli(
            {QStringLiteral("--engine"), QStringLiteral("procedural"), QStringLiteral("--prompt"),
             QStringLiteral("boots on gravel"), QStringLiteral("--duration"), QStringLiteral("1"),
             QStringLiteral("--batch"), QStringLiteral("6"), QStringLiteral("--quiet"),
             QStringLiteral("--output"), out});
        QCOMPARE(r.exitCode, 1);
        const QList<QByteArray> lines = r.err.trimmed().split('\n');
        QCOMPARE(lines.size(), 1);
        QVERIFY2(lines.front().contains("could not save ") &&
                     lines.front().contains("No space left on device"),
                 r.err.constData());
        // What was saved before is whole, each with its sidecar; nothing else is there.
        const QStringList all =
            QDir(out).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
        const QStringList wavs = QDir(out).entryList({QStringLiteral("*.wav")}, QDir::Files);
        QVERIFY2(!wavs.isEmpty() && wavs.size() < 6, qPrintable(all.join(' ')));
        QCOMPARE(all.size(), 2 * wavs.size());
        for (const QString& wav : wavs) {
            const std::string path = QDir(out).filePath(wav).toStdString();
            const auto probe = probeAudioFile(path);
            QVERIFY(probe && probe->complete);
            QCOMPARE(readSidecar(sidecarPathFor(path)).value("output_path", std::string()), path);
        }
    }
};

QTEST_MAIN(TestCliDiskFull)
#include "tst_cli_disk_full.moc"
