// footfall-cli as a user runs it: exit codes, files, JSON and one-line errors.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "cli_run.h"
#include "media_tools.h"
#include "tiny_sao_model.h"

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

class TestCli : public QObject {
    Q_OBJECT
private:
    using Result = footfall::test::CliResult;
    QTemporaryDir m_dir;

    Result run(const QStringList& args) { return footfall::test::runCli(args); }
    QString out(const char* name) { return m_dir.path() + "/" + name; }

    // The tiny Stable Audio Open folder and the LoRAW fixtures (built once; QSKIP without them).
    QString m_parity;
    QString m_tinyModel;
    QString m_tinySkip;
    bool requireTinyModel() {
        if (m_tinyModel.isEmpty() && m_tinySkip.isEmpty()) {
            const QByteArray env = qgetenv("FOOTFALL_PARITY_DIR");
            m_parity = env.isEmpty() ? QStringLiteral(FOOTFALL_DEFAULT_PARITY_DIR)
                                     : QString::fromLocal8Bit(env);
            if (!QFileInfo(m_parity + "/lora_tiny.ckpt").isFile()) {
                m_tinySkip =
                    "parity fixtures not found in " + m_parity + " (set FOOTFALL_PARITY_DIR)";
            } else {
                QDir().mkpath(out("tiny"));
                const footfall::test::TinySaoModel tiny =
                    footfall::test::buildTinySaoModel(m_parity, out("tiny"));
                if (!tiny.error.isEmpty())
                    qFatal("%s", qPrintable(tiny.error));
                m_tinySkip = tiny.skipReason;
                m_tinyModel = tiny.folder;
            }
        }
        return m_tinySkip.isEmpty();
    }
    QString parity(const char* file) const { return m_parity + "/" + file; }

    // One clear line on stderr, naming the problem; exit status 1; nothing written.
    void expectError(const QStringList& args, const QString& mentions) {
        const Result r = run(args);
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(err.startsWith("footfall-cli: error:"), qPrintable(err));
        QCOMPARE(err.count('\n'), 0);
        QVERIFY2(err.contains(mentions, Qt::CaseInsensitive), qPrintable(err));
    }

private Q_SLOTS:
    void helpAndVersion() {
        Result r = run({"--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* option :
             {"--prompt", "--checkpoint", "--config", "--output", "--model", "--duration",
              "--cfg-scale", "--steps", "--seed", "--sampler", "--negative-prompt", "--batch",
              "--device", "--engine", "--format", "--json", "--quiet"})
            QVERIFY2(r.out.contains(option), option);
        r = run({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("footfall-cli "));
    }
    void generatesATakeWithJson() {
        const QString folder = out("json");
        const Result r = run({"--prompt", "heavy boots on wet marble", "--duration", "2", "--seed",
                              "42", "--output", folder, "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject m = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!m.isEmpty(), r.out.constData());
        QCOMPARE(m["success"].toBool(), true);
        QCOMPARE(m["seed"].toInt(), 42);
        QCOMPARE(m["engine"].toString(), QString("procedural"));
        QCOMPARE(m["sample_rate"].toInt(), 44100);
        QCOMPARE(m["num_samples"].toInt(), 88200);
        QCOMPARE(m["audio_shape"].toArray(), QJsonArray({2, 88200}));
        const QString path = m["output_path"].toString();
        QVERIFY(QFileInfo(path).isFile());
        QCOMPARE(QFileInfo(path).absolutePath(), QDir(folder).absolutePath());
        QVERIFY(QFileInfo(path).fileName().endsWith("_heavy_boots_on_wet_marble.wav"));
        // The sidecar holds exactly what was printed.
        QFile sidecar(QString(path).replace(".wav", ".json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(sidecar.readAll()).object(), m);
    }
    void sameSeedSameAudio() {
        const Result a = run({"--prompt", "sneakers on gravel", "--duration", "1", "--seed", "5",
                              "--output", out("a"), "--json"});
        const Result b = run({"--prompt", "sneakers on gravel", "--duration", "1", "--seed", "5",
                              "--output", out("b"), "--json"});
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(b.exitCode, 0);
        QFile fa(QJsonDocument::fromJson(a.out).object()["output_path"].toString());
        QFile fb(QJsonDocument::fromJson(b.out).object()["output_path"].toString());
        QVERIFY(fa.open(QIODevice::ReadOnly) && fb.open(QIODevice::ReadOnly));
        // Skip the header (bext/iXML carry the date and time); the sample data must match.
        const QByteArray da = fa.readAll(), db = fb.readAll();
        const int dataA = da.lastIndexOf("data"), dataB = db.lastIndexOf("data");
        QVERIFY(dataA > 0 && dataB > 0);
        QCOMPARE(da.mid(dataA), db.mid(dataB));
    }
    // `--recall TAKE.json` generates the take again: same seed and settings, same samples.
    QByteArray sampleData(const QString& path) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        const QByteArray bytes = f.readAll();
        return bytes.mid(bytes.lastIndexOf("data"));
    }
    void recallRegeneratesTheTake() {
        const Result a = run({"--prompt", "high heels on marble", "--duration", "1.2", "--batch",
                              "2", "--format", "wav16", "--output", out("recall-a"), "--json"});
        QCOMPARE(a.exitCode, 0);
        const QJsonArray takes = QJsonDocument::fromJson(a.out).array();
        QCOMPARE(takes.size(), 2);
        const QJsonObject second = takes[1].toObject();
        const QString sidecar = second["output_path"].toString().replace(".wav", ".json");
        const Result b = run({"--recall", sidecar, "--output", out("recall-b"), "--json"});
        QCOMPARE(b.exitCode, 0);
        const QJsonObject m = QJsonDocument::fromJson(b.out).object();
        QCOMPARE(m["seed"].toInteger(), second["seed"].toInteger());
        QCOMPARE(m["format"].toString(), QString("wav16"));
        QCOMPARE(sampleData(m["output_path"].toString()),
                 sampleData(second["output_path"].toString()));
        // Options given with --recall override the take's.
        const Result c =
            run({"--recall", sidecar, "--seed", "3", "--output", out("recall-c"), "--json"});
        QCOMPARE(c.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(c.out).object()["seed"].toInt(), 3);
        expectError({"--recall", out("no-such-take.json")}, "no-such-take.json");
    }
    void recallRegeneratesASaoTakeWithItsLora() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        const Result a = run({"--engine", "sao", "--model", m_tinyModel, "--prompt",
                              "boots on gravel", "--duration", "0.1", "--steps", "4", "--device",
                              "cpu", "--lora", parity("lora_tiny.ckpt") + ":0.7", "--lora-gradio",
                              "--output", out("recall-sao-a"), "--json"});
        QCOMPARE(a.exitCode, 0);
        const QJsonObject first = QJsonDocument::fromJson(a.out).object();
        const QString sidecar = first["output_path"].toString().replace(".wav", ".json");
        const Result b = run({"--recall", sidecar, "--output", out("recall-sao-b"), "--json"});
        QCOMPARE(b.exitCode, 0);
        const QJsonObject m = QJsonDocument::fromJson(b.out).object();
        QCOMPARE(m["seed"].toInteger(), first["seed"].toInteger());
        QCOMPARE(m["loras"].toArray()[0].toObject()["mode"].toString(),
                 QString("loraw-gradio-compatible"));
        QCOMPARE(sampleData(m["output_path"].toString()),
                 sampleData(first["output_path"].toString()));
    }
    void draftThenFinal() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        const Result a =
            run({"--engine", "sao", "--model", m_tinyModel, "--prompt", "boots on gravel",
                 "--duration", "0.1", "--steps", "30", "--device", "cpu", "--precision", "fp32",
                 "--draft", "--output", out("draft-a"), "--json"});
        QCOMPARE(a.exitCode, 0);
        const QJsonObject draft = QJsonDocument::fromJson(a.out).object();
        const QJsonObject record = draft["request"].toObject()["draft"].toObject();
        QVERIFY2(draft["diffusion_steps"].toInt() < 30, a.out.constData());
        QCOMPARE(record["of_steps"].toInt(), 30);
        const QString sidecar = draft["output_path"].toString().replace(".wav", ".json");

        const Result b =
            run({"--recall", sidecar, "--final", "--output", out("draft-b"), "--json"});
        QCOMPARE(b.exitCode, 0);
        const QJsonObject final = QJsonDocument::fromJson(b.out).object();
        QCOMPARE(final["diffusion_steps"].toInt(), 30);
        QCOMPARE(final["seed"].toInteger(), draft["seed"].toInteger());
        QVERIFY(!final["request"].toObject().contains("draft"));
        const QJsonObject from = final["request"].toObject()["rendered_from_draft"].toObject();
        QCOMPARE(from["seed"].toInteger(), draft["seed"].toInteger());
        QVERIFY(from["path"].toString().endsWith(QFileInfo(sidecar).fileName()));

        // Recalled with other steps, the draft becomes a plain take of those steps: it no
        // longer claims a draft record. Recalled as it was, it is the same draft again.
        const Result more =
            run({"--recall", sidecar, "--steps", "12", "--output", out("draft-e"), "--json"});
        QCOMPARE(more.exitCode, 0);
        const QJsonObject plain = QJsonDocument::fromJson(more.out).object();
        QCOMPARE(plain["diffusion_steps"].toInt(), 12);
        QVERIFY2(!plain["request"].toObject().contains("draft"), more.out.constData());
        const Result same = run({"--recall", sidecar, "--output", out("draft-f"), "--json"});
        QCOMPARE(same.exitCode, 0);
        const QJsonObject again = QJsonDocument::fromJson(same.out).object();
        QCOMPARE(again["request"].toObject()["draft"].toObject()["of_steps"].toInt(), 30);
        QCOMPARE(again["diffusion_steps"].toInt(), draft["diffusion_steps"].toInt());

        // --final only for a draft; never with --draft; never without --recall.
        const Result full =
            run({"--prompt", "x", "--duration", "0.5", "--output", out("draft-c"), "--json"});
        QCOMPARE(full.exitCode, 0);
        const QString fullSidecar =
            QJsonDocument::fromJson(full.out).object()["output_path"].toString().replace(".wav",
                                                                                         ".json");
        expectError({"--recall", fullSidecar, "--final", "--output", out("draft-d")},
                    "not a draft");
        expectError({"--recall", sidecar, "--final", "--draft"}, "exclude each other");
        expectError({"--prompt", "x", "--final"}, "--final needs --recall");
    }
    void humanSummaryHasTheSeedsSections() {
        const Result r = run({"--prompt", "running on gravel", "--duration", "1", "--output",
                              out("summary"), "--batch", "2", "--seed", "10"});
        QCOMPARE(r.exitCode, 0);
        const QString s = QString::fromUtf8(r.out);
        for (const char* section : {"GENERATION SUMMARY", "Performance:", "Audio Properties:",
                                    "Audio Statistics:", "Phase Analysis:", "Generation Settings:"})
            QCOMPARE(s.count(section), 2);
        QVERIFY(s.contains("Seed:            10"));
        QVERIFY(s.contains("Seed:            11"));
        QCOMPARE(QDir(out("summary")).entryList({"*.wav"}).size(), 2);
    }
    void formatsAndExplicitFileName() {
        Result r = run({"--prompt", "boots on wood", "--duration", "1", "--output",
                        out("fmt/take.flac"), "--quiet"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        QVERIFY(QFileInfo(out("fmt/take.flac")).isFile());
        r = run({"--prompt", "boots on wood", "--duration", "1", "--output", out("fmt/take.flac"),
                 "--quiet"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFileInfo(out("fmt/take_2.flac")).isFile()); // never an overwrite
        r = run({"--prompt", "boots on wood", "--duration", "1", "--output", out("fmt16"),
                 "--format", "wav16", "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["format"].toString(), QString("wav16"));
    }
    void badInputGivesOneClearLine() {
        expectError({"--prompt", "", "--output", out("bad")}, "prompt is empty");
        expectError({"--prompt", "x", "--steps", "0", "--output", out("bad")}, "steps 0");
        expectError({"--prompt", "x", "--duration", "-1", "--output", out("bad")}, "duration -1");
        expectError({"--prompt", "x", "--duration", "abc"}, "--duration expects a number");
        expectError({"--prompt", "x", "--checkpoint", out("missing.ckpt")}, "missing.ckpt");
        expectError({"--prompt", "x", "--model", out("no-such-model")}, "no-such-model");
        expectError({"--prompt", "x", "--format", "mp3"}, "mp3");
        expectError({"--prompt", "x", "--device", "tpu"}, "tpu");
        expectError({"--prompt", "x", "--engine", "magic", "--output", out("bad")}, "magic");
        expectError({"--bogus"}, "--bogus");
        // Samplers are checked for every engine, naming the engine's own.
        expectError({"--prompt", "x", "--engine", "procedural", "--sampler", "nosuch", "--output",
                     out("bad")},
                    "nosuch");
        expectError({"--prompt", "x", "--precision", "int4", "--output", out("bad")}, "int4");
        expectError({"--prompt", "x", "--steps", "1000000000000", "--output", out("bad")},
                    "--steps");
        expectError({"--prompt", "x", "--lora", out("nope.safetensors")}, "nope.safetensors");
        QVERIFY(!QDir(out("bad")).exists() || QDir(out("bad")).entryList(QDir::Files).isEmpty());
    }

    // The rest of the absurd values, one run each: exit 1, one line naming the problem, and
    // nothing written anywhere (the output folder is not even created).
    void absurdParametersGiveOneClearLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        const auto row = [](const char* name, const QStringList& args, const char* mentions) {
            QTest::newRow(name) << args << QString(mentions);
        };
        row("steps 10^9", {"--steps", "1000000000"}, "steps");
        row("cfg nan", {"--cfg-scale", "nan"}, "cfg");
        row("cfg inf", {"--cfg-scale", "inf"}, "cfg");
        row("cfg -inf", {"--cfg-scale", "-inf"}, "cfg");
        row("cfg 1e9", {"--cfg-scale", "1e9"}, "cfg");
        row("duration 0", {"--duration", "0"}, "duration");
        row("duration nan", {"--duration", "nan"}, "duration");
        row("duration 1e6", {"--duration", "1000000"}, "duration");
        row("seed -5", {"--seed", "-5"}, "seed");
        row("seed 2^32", {"--seed", "4294967296"}, "seed");
        row("seed 10^30", {"--seed", "1000000000000000000000000000000"}, "seed");
        row("batch 0", {"--batch", "0"}, "batch");
        row("batch 10^6", {"--batch", "1000000"}, "batch");
        row("empty sampler", {"--sampler", " "}, "sampler");
        row("device", {"--device", "quantum"}, "quantum");
        row("precision", {"--precision", "fp8"}, "fp8");
        row("blank prompt", {"--prompt", "   "}, "prompt");
        row("10000-character prompt", {"--prompt", QString(10000, 'a')}, "prompt");
        row("control characters", {"--prompt", QString("boots\x07\x1b[2J")}, "control");
    }
    void absurdParametersGiveOneClearLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const QString folder = out("absurd");
        QStringList all = args;
        if (!all.contains("--prompt"))
            all << "--prompt"
                << "boots on gravel";
        all << "--output" << folder;
        expectError(all, mentions);
        QVERIFY(!QDir(folder).exists());
    }

    // Bytes that are not UTF-8 cannot come through QProcess's QString arguments: a shell
    // passes them, and the prompt is refused in words.
    void nonUtf8PromptIsRefused() {
        const QString folder = out("latin1");
        QProcess p;
        p.start("/bin/sh", {"-c",
                            "exec \"$0\" --prompt \"$(printf 'Schritte auf \\344 Kies')\" "
                            "--output \"$1\"",
                            QStringLiteral(FOOTFALL_CLI), folder});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("UTF-8") && err.count('\n') == 0, qPrintable(err));
        QVERIFY(!QDir(folder).exists());
    }
    void unwritableOutputFolder() {
        const QString ro = out("readonly");
        QDir().mkpath(ro);
        ::chmod(ro.toLocal8Bit().constData(), 0555);
        if (::access(ro.toLocal8Bit().constData(), W_OK) != 0)
            expectError({"--prompt", "x", "--output", ro}, "not writable");
        // A folder that exists and that nobody, root included, can create files in.
        expectError({"--prompt", "x", "--output", "/proc/self/fdinfo"}, "not writable");
        QVERIFY(QDir(ro).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }
    void outputFolderThatIsAFile() {
        QFile f(out("afile"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        expectError({"--prompt", "x", "--output", out("afile")}, "is a file");
        expectError({"--prompt", "x", "--output", "/proc/self/footfall"}, "/proc/self/footfall");
    }
    void promptCannotEscapeTheOutputFolder() {
        const QString folder = out("escape");
        const Result r =
            run({"--prompt", "../../x", "--duration", "1", "--output", folder, "--json"});
        QCOMPARE(r.exitCode, 0);
        const QString path = QJsonDocument::fromJson(r.out).object()["output_path"].toString();
        QCOMPARE(QFileInfo(path).absolutePath(), QDir(folder).absolutePath());
        QVERIFY(QFileInfo(path).fileName().endsWith("_x.wav"));
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["prompt"].toString(), QString("../../x"));
    }
    void saoWithLora() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        const QString folder = out("sao-lora");
        const Result r = run({"--engine",      "sao",
                              "--model",       m_tinyModel,
                              "--prompt",      "boots on gravel",
                              "--duration",    "0.1",
                              "--steps",       "4",
                              "--seed",        "7",
                              "--device",      "cpu",
                              "--lora",        parity("lora_tiny.ckpt") + ":0.7",
                              "--lora-config", parity("model_config.json"),
                              "--output",      folder,
                              "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject m = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!m.isEmpty(), r.out.constData());
        QCOMPARE(m["engine"].toString(), QString("sao"));
        const QJsonArray loras = m["loras"].toArray();
        QCOMPARE(loras.size(), 1);
        const QJsonObject l = loras[0].toObject();
        QCOMPARE(l["file"].toString(), QString("lora_tiny.ckpt"));
        QCOMPARE(l["strength"].toDouble(), 0.7);
        QCOMPARE(l["size"].toInteger(), QFileInfo(parity("lora_tiny.ckpt")).size());
        QCOMPARE(l["sha256"].toString().size(), 64);
        QCOMPARE(l["scale"].toDouble(), 2.0);
        QCOMPARE(l["config"].toString(), parity("model_config.json"));
        // The sidecar holds exactly what was printed.
        QFile sidecar(m["output_path"].toString().replace(".wav", ".json"));
        QVERIFY(sidecar.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(sidecar.readAll()).object(), m);
    }
    void seedLoraCheckpointForm() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        // The --checkpoint form: --checkpoint is the LoRA, --config its training config.
        const Result r = run({"--checkpoint", parity("lora_tiny.ckpt"), "--config",
                              parity("model_config.json"), "--model", m_tinyModel, "--prompt",
                              "boots on gravel", "--duration", "0.1", "--steps", "4", "--seed", "7",
                              "--device", "cpu", "--output", out("seed-lora"), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject m = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!m.isEmpty(), r.out.constData());
        QCOMPARE(m["engine"].toString(), QString("sao"));
        const QJsonArray loras = m["loras"].toArray();
        QCOMPARE(loras.size(), 1);
        QCOMPARE(loras[0].toObject()["file"].toString(), QString("lora_tiny.ckpt"));
        QCOMPARE(loras[0].toObject()["strength"].toDouble(), 1.0);
        QCOMPARE(m["checkpoint"].toString(), parity("lora_tiny.ckpt"));

        // Same take as --lora FILE:1 with the same config.
        const Result same = run({"--engine",      "sao",
                                 "--model",       m_tinyModel,
                                 "--prompt",      "boots on gravel",
                                 "--duration",    "0.1",
                                 "--steps",       "4",
                                 "--seed",        "7",
                                 "--device",      "cpu",
                                 "--lora",        parity("lora_tiny.ckpt") + ":1",
                                 "--lora-config", parity("model_config.json"),
                                 "--output",      out("seed-lora-ref"),
                                 "--json"});
        QCOMPARE(same.exitCode, 0);
        const QJsonObject s = QJsonDocument::fromJson(same.out).object();
        QCOMPARE(s["rms"].toDouble(), m["rms"].toDouble());
        QCOMPARE(s["max_amplitude"].toDouble(), m["max_amplitude"].toDouble());

        // Without --model: one clear line.
        expectError({"--checkpoint", parity("lora_tiny.ckpt"), "--prompt", "x", "--output",
                     out("seed-lora-bad")},
                    "lora_tiny.ckpt is a LoRA: give the base model with --model DIR");
    }
    // SIGTERM (and Ctrl-C) during a run: exit 1 with one line, every take finished before it
    // whole on disk (audio readable, sidecar parsed), no half-written file left.
    void terminatedRunKeepsFinishedTakesWhole() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        for (const int signal : {SIGTERM, SIGINT}) {
            const QString folder = out(signal == SIGTERM ? "sigterm" : "sigint");
            QProcess p;
            p.start(FOOTFALL_CLI,
                    {"--engine", "sao", "--model", m_tinyModel, "--prompt", "boots on gravel",
                     "--duration", "0.1", "--steps", "40", "--device", "cpu", "--batch", "20",
                     // a take per pass: the first is saved (and the signal sent) sooner
                     "--batch-pass", "1", "--seed", "1", "--output", folder, "--quiet"});
            QVERIFY(p.waitForStarted());
            // Sanitizer builds on a busy machine: minutes for the first take.
            QTRY_VERIFY_WITH_TIMEOUT(!QDir(folder).entryList({"*.json"}, QDir::Files).isEmpty(),
                                     300000);
            ::kill(static_cast<pid_t>(p.processId()), signal);
            QVERIFY(p.waitForFinished(120000));
            QCOMPARE(p.exitStatus(), QProcess::NormalExit);
            QCOMPARE(p.exitCode(), 1);
            const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed();
            QVERIFY2(err.startsWith("footfall-cli: error: cancelled") && err.count('\n') == 0,
                     qPrintable(err));
            const QStringList sidecars = QDir(folder).entryList({"*.json"}, QDir::Files);
            QVERIFY(sidecars.size() < 20);
            QCOMPARE(QDir(folder).entryList({"*.wav"}, QDir::Files).size(), sidecars.size());
            for (const QString& name : sidecars) {
                QFile f(QDir(folder).filePath(name));
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QJsonObject m = QJsonDocument::fromJson(f.readAll()).object();
                QVERIFY2(!m.isEmpty(), qPrintable(name));
                const QString wav = m["output_path"].toString();
                QVERIFY(QFileInfo(wav).isFile());
                const footfall::test::ToolRun info =
                    footfall::test::runTool("sox", {"--i", "-s", wav});
                QCOMPARE(info.out.trimmed().toLongLong(), m["num_samples"].toInteger());
            }
            // Hidden temporary files of an interrupted write are removed.
            QCOMPARE(QDir(folder).entryList(QDir::Files | QDir::Hidden).size(),
                     2 * sidecars.size());
        }
    }
    void cudaOnAMachineWithoutOne() {
        if (!requireTinyModel())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(m_tinySkip));
        const Result r =
            run({"--engine", "sao", "--model", m_tinyModel, "--prompt", "x", "--duration", "0.1",
                 "--steps", "2", "--device", "cuda", "--output", out("cuda")});
        if (r.exitCode == 0)
            QSKIP("this machine has a CUDA GPU: the error cannot be seen here");
        QCOMPARE(r.exitCode, 1);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(err.contains("CUDA") && err.count('\n') == 0, qPrintable(err));
        QVERIFY(QDir(out("cuda")).entryList(QDir::Files).isEmpty());
    }
    void jsonErrorsAreJsonToo() {
        const Result r = run({"--prompt", "x", "--steps", "0", "--json"});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o["success"].toBool(true), false);
        QVERIFY(o["error"].toString().contains("steps"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
