// footfall-cli batch and index as a user (or a cluster) runs them: manifest rows and their
// errors, deterministic seeds and names, shards in parallel giving exactly one run's files,
// resuming after a kill, redoing half-written takes, stopping on a signal, the library index,
// and the shipped Slurm array script on a single-node Slurm.
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include "cli_run.h"
#include "generation/library_index.h"
#include "io/audio_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

using nlohmann::json;

namespace {

using Result = footfall::test::CliResult;

// What a take in a folder is, independent of when and where it was made: the sample data (a
// WAV's data chunk byte for byte; a FLAC's decoded samples), its seed and request.
struct TakeState {
    QByteArray samples;
    std::int64_t seed = -1;
    json request;
    bool operator==(const TakeState& o) const {
        return samples == o.samples && seed == o.seed && request == o.request;
    }
};
using FolderState = std::map<std::string, TakeState>;

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    f.write(text);
}

// The "data" chunk of a RIFF/WAVE file, found by walking the chunks (never by searching for
// the bytes "data", which may occur in the iXML or the samples).
QByteArray wavData(const QByteArray& bytes) {
    const auto u32 = [&bytes](int at) {
        return static_cast<quint32>(static_cast<unsigned char>(bytes[at])) |
               (static_cast<quint32>(static_cast<unsigned char>(bytes[at + 1])) << 8) |
               (static_cast<quint32>(static_cast<unsigned char>(bytes[at + 2])) << 16) |
               (static_cast<quint32>(static_cast<unsigned char>(bytes[at + 3])) << 24);
    };
    if (bytes.size() < 12 || !bytes.startsWith("RIFF") || bytes.mid(8, 4) != "WAVE")
        return {};
    for (qsizetype at = 12; at + 8 <= bytes.size();) {
        const quint32 size = u32(static_cast<int>(at + 4));
        if (bytes.mid(at, 4) == "data")
            return bytes.mid(at + 8, size);
        at += 8 + size + (size % 2);
    }
    return {};
}

QByteArray sampleData(const QString& path) {
    if (path.endsWith(".wav"))
        return wavData(readAll(path));
    const footfall::AudioBuffer audio = footfall::readAudioFile(path.toStdString());
    const std::vector<float> samples = audio.interleaved();
    return QByteArray(reinterpret_cast<const char*>(samples.data()),
                      static_cast<qsizetype>(samples.size() * sizeof(float)));
}

json readJson(const QString& path) {
    return json::parse(readAll(path).toStdString(), nullptr, false);
}

// Every take in `dir` (audio file + sidecar); anything else there goes to `others`.
FolderState folderState(const QString& dir, QStringList* others = nullptr) {
    FolderState state;
    QDir d(dir);
    const QStringList names = d.entryList(QDir::Files | QDir::Hidden | QDir::System);
    for (const QString& name : names) {
        const QFileInfo info(d.filePath(name));
        const QString sidecar = d.filePath(info.completeBaseName() + ".json");
        if ((name.endsWith(".wav") || name.endsWith(".flac")) && !name.startsWith('.') &&
            QFileInfo(sidecar).isFile()) {
            const json m = readJson(sidecar);
            TakeState t;
            t.samples = sampleData(info.filePath());
            t.seed = m.value("seed", std::int64_t(-1));
            t.request = m.value("request", json());
            // Where a take ran is not what it is (docs/batch.md): the cluster runs use cuda.
            if (t.request.contains("engine"))
                for (const char* key : {"device", "precision", "low_memory"})
                    t.request["engine"].erase(key);
            state[name.toStdString()] = t;
        } else if (name.endsWith(".json") &&
                   (QFileInfo(d.filePath(info.completeBaseName() + ".wav")).isFile() ||
                    QFileInfo(d.filePath(info.completeBaseName() + ".flac")).isFile())) {
            continue; // a take's sidecar
        } else if (others) {
            others->append(name);
        }
    }
    return state;
}

QString describe(const FolderState& a, const FolderState& b) {
    QStringList lines;
    for (const auto& [name, take] : a) {
        const auto it = b.find(name);
        if (it == b.end())
            lines << "only in the first: " + QString::fromStdString(name);
        else if (!(it->second == take))
            lines << "differs: " + QString::fromStdString(name);
    }
    for (const auto& [name, take] : b)
        if (!a.count(name))
            lines << "only in the second: " + QString::fromStdString(name);
    return lines.mid(0, 10).join("; ");
}

// The seed rule of docs/batch.md, written again from the document: FNV-1a 64 of the text,
// SplitMix64's finaliser, the low 32 bits.
std::uint64_t documentedHash(const std::string& text) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return (h ^ (h >> 31)) & 0xffffffffULL;
}

// RFC 4180 records (quoted fields with commas, doubled quotes and line breaks).
std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string cell;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                cell += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                cell += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(cell);
            cell.clear();
        } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            rows.back().push_back(cell);
            cell.clear();
            rows.emplace_back();
            ++i;
        } else {
            cell += c;
        }
    }
    if (rows.back().empty())
        rows.pop_back();
    return rows;
}

// The manifest of the shard tests: 100 takes over plain, matrix, explicit-seed, UCS/FLAC and
// duplicate rows. 4-second takes keep these tests fast.
const char* kLibraryManifest =
    "{\"prompt\": \"heavy boots on wet marble\", \"duration\": 4, \"variations\": 30}\n"
    "{\"prompt\": \"{footwear} on {surface}\", \"duration\": 4, \"variations\": 5, "
    "\"matrix\": {\"footwear\": [\"boots\", \"sneakers\", \"heels\"], "
    "\"surface\": [\"gravel\", \"snow\", \"wood\"]}}\n"
    "{\"prompt\": \"barefoot on sand\", \"duration\": 4, \"seed\": 1000, \"variations\": 10}\n"
    "{\"prompt\": \"boots on metal grate\", \"duration\": 4, \"format\": \"flac\", "
    "\"naming\": \"FEETHmn_<FXName>_<Creator>_<Source>\", \"creator\": \"FF\", "
    "\"source\": \"TEST\", \"variations\": 10}\n"
    "{\"prompt\": \"heavy boots on wet marble\", \"duration\": 4, \"variations\": 5}\n";
constexpr int kLibraryTakes = 100;

} // namespace

class TestBatch : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_manifest;
    FolderState m_reference; // the library manifest run by one process, in one go
    json m_referenceSummary;

    QString at(const QString& name) const { return m_dir.path() + "/" + name; }

    Result run(const QStringList& args, const QProcessEnvironment& env = {}) {
        return footfall::test::runCli(args, env, 300000);
    }
    static json summaryOf(const Result& r) {
        return json::parse(r.out.toStdString(), nullptr, false);
    }
    QString manifest(const QString& name, const QByteArray& text) {
        const QString path = at(name);
        writeText(path, text);
        return path;
    }
    static QProcessEnvironment envWithout(const QStringList& names) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const QString& n : names)
            env.remove(n);
        return env;
    }
    // The environment of a plain (unsharded) run even inside a Slurm job.
    static QProcessEnvironment plainEnv() {
        return envWithout(
            {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"});
    }
    // Starts a batch and returns once it has printed `lines` progress lines ending in "done".
    bool startAndWaitForDone(QProcess& p, const QStringList& args, int lines) {
        p.setProcessEnvironment(plainEnv());
        p.setReadChannel(QProcess::StandardError); // waitForReadyRead waits on this channel
        p.start(FOOTFALL_CLI, args);
        if (!p.waitForStarted())
            return false;
        QByteArray err;
        while (err.count(": done") < lines) {
            if (p.state() != QProcess::Running || !p.waitForReadyRead(60000))
                return false;
            err += p.readAllStandardError();
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_manifest = manifest("library.jsonl", kLibraryManifest);
        const Result r =
            run({"batch", m_manifest, "--output", at("reference"), "--json", "-q"}, plainEnv());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_referenceSummary = summaryOf(r);
        QCOMPARE(m_referenceSummary["done"].get<int>(), kLibraryTakes);
        QStringList others;
        m_reference = folderState(at("reference"), &others);
        QCOMPARE(static_cast<int>(m_reference.size()), kLibraryTakes);
        QVERIFY2(others.isEmpty(), qPrintable(others.join(", ")));
    }

    void helpAndUsageErrors() {
        Result r = run({"batch", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* option : {"--output", "--seed", "--shard", "--json", "--dry-run"})
            QVERIFY2(r.out.contains(option), option);
        r = run({"--help"});
        QVERIFY(r.out.contains("footfall-cli batch MANIFEST"));
        QVERIFY(r.out.contains("footfall-cli index DIR"));
        r = run({"batch"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("batch needs a manifest"));
        r = run({"batch", m_manifest, "--shard", "4/4"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--shard 4/4 is out of range"), r.err.constData());
        r = run({"batch", m_manifest, "--frobnicate"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("unknown option \"--frobnicate\""));
        r = run({"batch", at("no-such-manifest.jsonl")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("no-such-manifest.jsonl"));
    }

    // Bad rows are reported with their line (and key); every other row still runs.
    void manifestErrorsNameTheirLine() {
        const QString m =
            manifest("errors.jsonl",
                     "# takes for the errors test\n"
                     "{\"prompt\": \"boots on gravel\", \"duration\": 4}\n"
                     "{\"prompt\": \"boots on snow\", \"duration\": 4, \"promt\": \"typo\"}\n"
                     "{\"prompt\": \"boots on wood\", \"duration\": \"four\"}\n"
                     "{\"prompt\": \"boots on wood\", \"duration\": -3}\n"
                     "{\"prompt\": \"boots on tile\" \"duration\": 4}\n"
                     "\n"
                     "{\"prompt\": \"boots on tile\", \"batch\": 3}\n"
                     "{\"prompt\": \"{shoe} on tile\", \"matrix\": {\"shoes\": [\"a\"]}}\n"
                     "{\"prompt\": \"boots on tile\", \"variations\": 0}\n"
                     "{\"prompt\": \"boots on tile\", \"low-memory\": \"maybe\"}\n"
                     "[\"not\", \"an\", \"object\"]\n"
                     "{\"prompt\": \"sneakers on tile\", \"duration\": 4, \"variations\": 2}\n");
        const Result r = run({"batch", m, "--output", at("errors"), "--json", "-q"}, plainEnv());
        QCOMPARE(r.exitCode, 1);
        const json s = summaryOf(r);
        QVERIFY2(s.is_object(), r.out.constData());
        QCOMPARE(s["done"].get<int>(), 3);
        QCOMPARE(s["failed"].get<int>(), 0);
        QCOMPARE(s["row_errors"].get<int>(), 9);
        QCOMPARE(s["success"].get<bool>(), false);
        std::map<int, json> byLine;
        for (const json& f : s["failures"])
            byLine[f["line"].get<int>()] = f;
        const auto expect = [&byLine](int line, const char* key, const char* mentions) {
            QVERIFY2(byLine.count(line), qPrintable(QString("line %1 not reported").arg(line)));
            const json& f = byLine[line];
            const std::string reason = f["reason"].get<std::string>();
            QVERIFY2(reason.find(mentions) != std::string::npos, reason.c_str());
            QCOMPARE(f["key"], key ? json(key) : json());
        };
        expect(3, "promt", "unknown key \"promt\"");
        expect(4, "duration", "--duration expects a number, got \"four\"");
        expect(5, nullptr, "duration -3");
        expect(6, nullptr, "not valid JSON");
        expect(8, "batch", "use \"variations\"");
        expect(9, "prompt", "{shoe} is not a key of \"matrix\"");
        expect(10, "variations", "out of range");
        expect(11, "low-memory", "expects true or false");
        expect(12, nullptr, "must be a JSON object");
        QCOMPARE(folderState(at("errors")).size(), std::size_t(3));

        // The human summary lists the same failures by line.
        const Result human = run({"batch", m, "--output", at("errors"), "-q"}, plainEnv());
        QCOMPARE(human.exitCode, 1);
        QVERIFY2(human.out.contains("3 skipped (already there)"), human.out.constData());
        QVERIFY(human.out.contains("line 3: unknown key \"promt\""));
        QVERIFY(human.out.contains("line 9: {shoe} is not a key of \"matrix\""));
    }

    // Seeds follow the documented rule; re-runs, other rows, other devices and shards never
    // change a row's seeds or file names; an explicit seed counts up over the variations.
    void seedsAndNamesAreDeterministic() {
        const auto plan = [this](const QString& manifestPath, const QStringList& extra) {
            const Result r = run(QStringList{"batch", manifestPath, "--output", at("plan"),
                                             "--dry-run", "--json", "-q"} +
                                     extra,
                                 plainEnv());
            std::map<std::string, std::int64_t> seeds;
            const json s = summaryOf(r);
            for (const json& t : s["takes"])
                seeds[t["file"].get<std::string>()] = t["seed"].get<std::int64_t>();
            return seeds;
        };
        const auto first = plan(m_manifest, {});
        QCOMPARE(static_cast<int>(first.size()), kLibraryTakes);
        QCOMPARE(plan(m_manifest, {}), first);
        // The reference run made exactly the planned files with the planned seeds.
        for (const auto& [name, take] : m_reference)
            QCOMPARE(take.seed, first.at(name));
        // Device and precision are not part of a row's identity.
        QCOMPARE(plan(m_manifest, {"--device", "cpu", "--precision", "fp32"}), first);
        // A row added in front changes nothing of the others.
        const QString longer =
            manifest("longer.jsonl",
                     QByteArray("{\"prompt\": \"new row\", \"duration\": 4}\n") + kLibraryManifest);
        const auto withNewRow = plan(longer, {});
        QCOMPARE(withNewRow.size(), first.size() + 1);
        for (const auto& [name, seed] : first)
            QCOMPARE(withNewRow.at(name), seed);
        // Another base seed: other seeds and names, except for the explicit-seed row.
        const auto based = plan(m_manifest, {"--seed", "77"});
        int same = 0;
        for (const auto& [name, seed] : based)
            same += first.count(name) && first.at(name) == seed;
        QCOMPARE(same, 10);

        // The explicit row: 1000, 1001, ... 1009.
        std::set<std::int64_t> explicitSeeds;
        for (const auto& [name, seed] : first)
            if (name.rfind("barefoot_on_sand_", 0) == 0)
                explicitSeeds.insert(seed);
        QCOMPARE(explicitSeeds.size(), std::size_t(10));
        QCOMPARE(*explicitSeeds.begin(), std::int64_t(1000));
        QCOMPARE(*explicitSeeds.rbegin(), std::int64_t(1009));
        // Identical rows (lines 1 and 5) get different seeds; no seed repeats at all.
        std::set<std::int64_t> all;
        for (const auto& [name, seed] : first)
            all.insert(seed);
        QCOMPARE(static_cast<int>(all.size()), kLibraryTakes);

        // docs/batch.md's rule, computed here from the document: a row that changes only the
        // prompt and the duration from the defaults.
        const std::string key = R"({"duration_seconds":4.0,"prompt":"heavy boots on wet marble"})";
        for (int v : {1, 2, 30}) {
            const std::int64_t seed = static_cast<std::int64_t>(
                documentedHash("footfall-batch-seed/0/0/" + std::to_string(v) + "/" + key));
            char name[128];
            std::snprintf(name, sizeof name, "heavy_boots_on_wet_marble_v%02d_%08llx.wav", v,
                          static_cast<unsigned long long>(documentedHash(
                              "footfall-batch-name/0/" + std::to_string(seed) + "/" + key)));
            QVERIFY2(first.count(name), name);
            QCOMPARE(first.at(name), seed);
        }
    }

    // Rows without a key take it from the command line; a row's own value wins.
    void commandLineSettingsApplyToRowsWithoutThem() {
        const QString m =
            manifest("defaults.jsonl",
                     "{\"prompt\": \"boots on gravel\"}\n"
                     "{\"prompt\": \"boots on snow\", \"duration\": 5, \"variations\": 1}\n");
        const Result r = run({"batch", m, "--output", at("defaults"), "--duration", "4", "--format",
                              "wav16", "--variations", "2", "--json", "-q"},
                             plainEnv());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryOf(r)["done"].get<int>(), 3);
        std::map<std::string, double> durations;
        const json s = summaryOf(r);
        for (const json& t : s["takes"]) {
            const QString audio = at("defaults/") + QString::fromStdString(t["file"]);
            const json m = readJson(QString(audio).replace(".wav", ".json"));
            QCOMPARE(QString::fromStdString(m["format"].get<std::string>()), QString("wav16"));
            durations[m["prompt"].get<std::string>()] = m["target_duration_seconds"].get<double>();
        }
        QCOMPARE(durations.at("boots on gravel"), 4.0);
        QCOMPARE(durations.at("boots on snow"), 5.0);
    }

    // A CSV manifest: a header row of keys, quoted cells with commas, quotes and line breaks.
    void csvManifest() {
        const QString m = manifest("rows.csv", "prompt,duration,variations,low-memory\r\n"
                                               "\"boots, on gravel\",4,2,true\r\n"
                                               "\"say \"\"hi\"\"\non two lines\",4,,\r\n"
                                               "sneakers,4,many,\r\n"
                                               "a,4,1,,extra\r\n");
        const Result r = run({"batch", m, "--output", at("csv"), "--json", "-q"}, plainEnv());
        QCOMPARE(r.exitCode, 1);
        const json s = summaryOf(r);
        QCOMPARE(s["done"].get<int>(), 3);
        QCOMPARE(s["row_errors"].get<int>(), 2);
        QCOMPARE(s["failures"][0]["line"].get<int>(), 5); // the record after the two-line one
        QCOMPARE(s["failures"][1]["line"].get<int>(), 6);
        std::set<std::string> prompts;
        for (const json& t : s["takes"]) {
            const QString audio = at("csv/") + QString::fromStdString(t["file"]);
            const json m = readJson(QString(audio).replace(".wav", ".json"));
            prompts.insert(m["prompt"].get<std::string>());
            if (m["prompt"] == "boots, on gravel")
                QCOMPARE(m["request"]["engine"]["low_memory"].get<bool>(), true);
        }
        QCOMPARE(prompts, (std::set<std::string>{"boots, on gravel", "say \"hi\"\non two lines"}));
    }

    // One engine per process for each distinct engine setting, reused across rows.
    void engineMadeOncePerEngineSetting() {
        const QString m =
            manifest("engines.jsonl", "{\"prompt\": \"boots on gravel\", \"duration\": 4}\n"
                                      "{\"prompt\": \"boots on snow\", \"duration\": 4}\n"
                                      "{\"prompt\": \"heels on tile\", \"duration\": 4, "
                                      "\"variations\": 2}\n");
        Result r = run({"batch", m, "--output", at("engines"), "--json", "-q"}, plainEnv());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryOf(r)["engines_created"].get<int>(), 1);
        const QString two =
            manifest("engines2.jsonl", "{\"prompt\": \"boots on gravel\", \"duration\": 4}\n"
                                       "{\"prompt\": \"boots on snow\", \"duration\": 4, "
                                       "\"engine\": \"procedural\"}\n"
                                       "{\"prompt\": \"heels on tile\", \"duration\": 4}\n");
        r = run({"batch", two, "--output", at("engines2"), "--json", "-q"}, plainEnv());
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(summaryOf(r)["engines_created"].get<int>(), 2);
    }

    // GNU parallel running 4 shards at once makes exactly the files of one run: same names,
    // same sample data, seeds and requests, each take made by one shard only.
    void fourShardsInParallelMatchOneRun() {
        if (QStandardPaths::findExecutable("parallel").isEmpty())
            QSKIP("GNU parallel is not installed (apt-get install parallel)");
        const QString out = at("parallel");
        QProcess p;
        p.setProcessEnvironment(plainEnv());
        p.start("parallel", {"--will-cite", "-j4",
                             QString(FOOTFALL_CLI) + " batch " + m_manifest + " --output " + out +
                                 " --shard {}/4 " + "--json -q > " + at("parallel-{}.json"),
                             ":::", "0", "1", "2", "3"});
        QVERIFY(p.waitForFinished(300000));
        QCOMPARE(p.exitCode(), 0);
        std::set<std::string> seen;
        int total = 0;
        for (int shard = 0; shard < 4; ++shard) {
            const json s = readJson(at(QString("parallel-%1.json").arg(shard)));
            QCOMPARE(QString::fromStdString(s["shard"].get<std::string>()),
                     QString("%1/4").arg(shard));
            QCOMPARE(s["takes_in_shard"].get<int>(), kLibraryTakes / 4); // balanced
            QCOMPARE(s["done"].get<int>(), kLibraryTakes / 4);
            for (const json& t : s["takes"])
                QVERIFY2(seen.insert(t["file"].get<std::string>()).second, "a take in two shards");
            total += s["done"].get<int>();
        }
        QCOMPARE(total, kLibraryTakes);
        QStringList others;
        const FolderState state = folderState(out, &others);
        QVERIFY2(others.isEmpty(), qPrintable(others.join(", ")));
        QVERIFY2(state == m_reference, qPrintable(describe(state, m_reference)));
    }

    // One of four shards running side by side, killed with SIGKILL in the middle of its work,
    // resumes when run again; the folder ends with the same takes and nothing half-written.
    void killedShardResumes() {
        const QString out = at("killed");
        std::vector<std::unique_ptr<QProcess>> others;
        for (const char* shard : {"0/4", "2/4", "3/4"}) {
            others.push_back(std::make_unique<QProcess>());
            others.back()->setProcessEnvironment(plainEnv());
            others.back()->start(FOOTFALL_CLI,
                                 {"batch", m_manifest, "--output", out, "--shard", shard, "-q"});
        }
        QProcess p;
        QVERIFY(startAndWaitForDone(
            p, {"batch", m_manifest, "--output", out, "--shard", "1/4", "--json"}, 3));
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        for (auto& other : others) {
            QVERIFY(other->waitForFinished(300000));
            QCOMPARE(other->exitCode(), 0);
        }
        const int before = static_cast<int>(folderState(out).size()) - 3 * kLibraryTakes / 4;
        QVERIFY2(before >= 3 && before < kLibraryTakes / 4, qPrintable(QString::number(before)));

        const Result again = run(
            {"batch", m_manifest, "--output", out, "--shard", "1/4", "--json", "-q"}, plainEnv());
        QCOMPARE(again.exitCode, 0);
        const json s = summaryOf(again);
        // Every take on disk was whole (files appear only by rename): all are skipped.
        QCOMPARE(s["skipped"].get<int>(), before);
        QCOMPARE(s["done"].get<int>(), kLibraryTakes / 4 - before);
        QStringList left;
        const FolderState state = folderState(out, &left);
        QVERIFY2(left.isEmpty(), qPrintable(left.join(", ")));
        QVERIFY2(state == m_reference, qPrintable(describe(state, m_reference)));
    }

    // Takes that are not whole are made again; whole ones are skipped.
    void halfWrittenTakesAreRedone() {
        const QString out = at("damaged");
        QVERIFY(QDir().mkpath(out));
        for (const auto& [name, take] : m_reference) {
            const QString n = QString::fromStdString(name);
            QVERIFY(QFile::copy(at("reference/") + n, out + "/" + n));
            const QString sidecar = QFileInfo(n).completeBaseName() + ".json";
            QVERIFY(QFile::copy(at("reference/") + sidecar, out + "/" + sidecar));
        }
        QStringList wavs, flacs;
        for (const auto& [name, take] : m_reference)
            (name.size() > 5 && name.substr(name.size() - 5) == ".flac" ? flacs : wavs)
                << QString::fromStdString(name);
        const auto cut = [&out](const QString& name) {
            QFile f(out + "/" + name);
            QVERIFY(f.resize(f.size() / 2));
        };
        const auto sidecarOf = [&out](const QString& name) {
            return out + "/" + QFileInfo(name).completeBaseName() + ".json";
        };
        cut(wavs[0]);                               // a truncated WAV
        cut(flacs[0]);                              // a truncated FLAC
        QVERIFY(QFile::remove(sidecarOf(wavs[1]))); // audio without a sidecar
        writeText(sidecarOf(wavs[2]), readAll(sidecarOf(wavs[2])).left(200)); // cut JSON
        // The rename never happened: only the temporary file of the audio is there.
        QVERIFY(QFile::rename(out + "/" + wavs[3], out + "/." + wavs[3] + ".4242.part"));
        json other = readJson(sidecarOf(wavs[4])); // a take of other settings under this name
        other["request"]["cfg_scale"] = 3.0;
        writeText(sidecarOf(wavs[4]), QByteArray::fromStdString(other.dump(2)));
        json shortened = readJson(sidecarOf(wavs[5])); // frames the file does not have
        shortened["num_samples"] = shortened["num_samples"].get<int>() + 1;
        writeText(sidecarOf(wavs[5]), QByteArray::fromStdString(shortened.dump(2)));

        const Result r = run({"batch", m_manifest, "--output", out, "--json"}, plainEnv());
        QCOMPARE(r.exitCode, 0);
        const json s = summaryOf(r);
        QCOMPARE(s["done"].get<int>(), 7);
        QCOMPARE(s["skipped"].get<int>(), kLibraryTakes - 7);
        std::set<std::string> redone;
        for (const json& t : s["takes"])
            if (t["status"] == "done")
                redone.insert(t["file"].get<std::string>());
        QCOMPARE(redone, (std::set<std::string>{flacs[0].toStdString(), wavs[0].toStdString(),
                                                wavs[1].toStdString(), wavs[2].toStdString(),
                                                wavs[3].toStdString(), wavs[4].toStdString(),
                                                wavs[5].toStdString()}));
        QVERIFY2(r.err.contains("cut short"), r.err.constData());
        QStringList others;
        const FolderState state = folderState(out, &others);
        QVERIFY2(others.isEmpty(), qPrintable(others.join(", "))); // the .part is gone
        QVERIFY2(state == m_reference, qPrintable(describe(state, m_reference)));
    }

    // SIGTERM: the take in progress is finished and saved, the rest is not started, the
    // summary says so and the exit status is 1; the same command then finishes the work.
    void terminateStopsAfterTheCurrentTake() {
        const QString out = at("terminated");
        QProcess p;
        QVERIFY(startAndWaitForDone(p, {"batch", m_manifest, "--output", out, "--json"}, 1));
        p.terminate();
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        const json s = json::parse(p.readAllStandardOutput().toStdString(), nullptr, false);
        QVERIFY(s.is_object());
        QCOMPARE(s["interrupted"].get<bool>(), true);
        QVERIFY(s["not_started"].get<int>() > 0);
        QCOMPARE(s["done"].get<int>() + s["not_started"].get<int>(), kLibraryTakes);
        QStringList others;
        const FolderState partial = folderState(out, &others);
        QVERIFY2(others.isEmpty(), qPrintable(others.join(", ")));
        QCOMPARE(static_cast<int>(partial.size()), s["done"].get<int>());
        for (const auto& [name, take] : partial) {
            QVERIFY(footfall::checkSavedTake((out + "/").toStdString() + name).ok());
            QVERIFY(take == m_reference.at(name));
        }
        const Result rest = run({"batch", m_manifest, "--output", out, "--json", "-q"}, plainEnv());
        QCOMPARE(rest.exitCode, 0);
        QCOMPARE(summaryOf(rest)["skipped"].get<int>(), s["done"].get<int>());
        QVERIFY(folderState(out) == m_reference);
    }

    // SLURM_ARRAY_TASK_* choose the shard when --shard is not given.
    void slurmEnvironmentChoosesTheShard() {
        QProcessEnvironment env = plainEnv();
        env.insert("SLURM_ARRAY_TASK_ID", "6");
        env.insert("SLURM_ARRAY_TASK_MIN", "5");
        env.insert("SLURM_ARRAY_TASK_COUNT", "4");
        Result r =
            run({"batch", m_manifest, "--output", at("plan"), "--dry-run", "--json", "-q"}, env);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromStdString(summaryOf(r)["shard"].get<std::string>()), QString("1/4"));
        r = run({"batch", m_manifest, "--output", at("plan"), "--dry-run", "--json", "-q",
                 "--shard", "3/4"},
                env);
        QCOMPARE(QString::fromStdString(summaryOf(r)["shard"].get<std::string>()), QString("3/4"));
    }

    // The index lists every whole take, field by field from its sidecar, CSV properly quoted;
    // takes that are not whole and JSON files that are no sidecar are left out.
    void indexListsEveryTake() {
        const QString out = at("indexed");
        const QString m = manifest(
            "index.jsonl",
            "{\"prompt\": \"boots, \\\"heavy\\\"\\non gravel\", \"duration\": 4, \"seed\": 5}\n"
            "{\"prompt\": \"boots on metal grate\", \"duration\": 4, \"format\": \"flac\", "
            "\"naming\": \"FEETHmn_<FXName>_<Creator>_<Source>\", \"creator\": \"AB\", "
            "\"source\": \"LIB\"}\n"
            "{\"prompt\": \"sneakers on wood\", \"duration\": 4.5, \"format\": \"wav24\"}\n"
            "{\"prompt\": \"cut short\", \"duration\": 4}\n");
        Result r = run({"batch", m, "--output", out, "--json", "-q"}, plainEnv());
        QCOMPARE(r.exitCode, 0);
        QString cutName, loraName;
        const json made = summaryOf(r);
        for (const json& t : made["takes"])
            if (t["line"] == 4)
                cutName = QString::fromStdString(t["file"]);
        // A take whose sidecar names LoRAs (the procedural engine has none): a copy of one.
        const json plain = readJson(out + "/" + QString(cutName).replace(".wav", ".json"));
        loraName = "with_loras.wav";
        QVERIFY(QFile::copy(out + "/" + cutName, out + "/" + loraName));
        json withLoras = plain;
        withLoras["output_path"] = (out + "/" + loraName).toStdString();
        withLoras["request"]["loras"] =
            json::array({{{"path", "/l/a.safetensors"}, {"strength", 0.5}},
                         {{"path", "/l/b.ckpt"}, {"strength", 1.0}}});
        writeText(out + "/with_loras.json", QByteArray::fromStdString(withLoras.dump(2)));
        QFile cut(out + "/" + cutName);
        QVERIFY(cut.resize(cut.size() - 1000));
        QVERIFY(QFile::copy(m, out + "/notes.json")); // JSON that is not a sidecar
        QVERIFY(QDir().mkpath(out + "/sub"));         // takes in sub-folders count too
        for (const char* ext : {".wav", ".json"}) {
            const QString base = QString::fromStdString(made["takes"][2]["file"].get<std::string>())
                                     .replace(".wav", "");
            QVERIFY(QFile::rename(out + "/" + base + ext, out + "/sub/" + base + ext));
        }

        r = run({"index", out, "--output", at("index/library.csv"), "--json"});
        QCOMPARE(r.exitCode, 0);
        const json result = summaryOf(r);
        QCOMPARE(result["takes"].get<int>(), 4);
        QCOMPARE(result["left_out"].size(), std::size_t(1));
        QVERIFY(result["left_out"][0].get<std::string>().find("cut short") != std::string::npos);

        const auto rows = parseCsv(readAll(at("index/library.csv")).toStdString());
        const json index = readJson(at("index/library.json"));
        QCOMPARE(rows.size(), std::size_t(5));
        const std::vector<std::string>& header = rows[0];
        QCOMPARE(header,
                 (std::vector<std::string>{"file",           "path",        "duration_seconds",
                                           "sample_rate",    "channels",    "format",
                                           "prompt",         "seed",        "engine",
                                           "model",          "loras",       "integrated_lufs",
                                           "true_peak_dbtp", "peak_dbfs",   "cat_id",
                                           "category",       "subcategory", "fx_name",
                                           "creator_id",     "source_id",   "created"}));
        QCOMPARE(index["takes"].size(), std::size_t(4));
        for (std::size_t i = 1; i < rows.size(); ++i) {
            std::map<std::string, std::string> row;
            QCOMPARE(rows[i].size(), header.size());
            for (std::size_t c = 0; c < header.size(); ++c)
                row[header[c]] = rows[i][c];
            const QString audio = out + "/" + QString::fromStdString(row["path"]);
            QVERIFY2(QFileInfo(audio).isFile(), qPrintable(audio));
            const json m =
                readJson(QString(audio).replace(QRegularExpression("\\.(wav|flac)$"), ".json"));
            const json& entry = index["takes"][i - 1];
            const auto same = [&](const char* column, const json& expected) {
                std::string text; // the CSV's form: empty for null, lists joined with ';'
                if (expected.is_string())
                    text = expected.get<std::string>();
                else if (expected.is_array())
                    for (const json& item : expected)
                        text += (text.empty() ? "" : ";") + item.get<std::string>();
                else if (!expected.is_null())
                    text = expected.dump();
                QVERIFY2(row[column] == text,
                         qPrintable(QString("%1: csv \"%2\", sidecar \"%3\"")
                                        .arg(column, QString::fromStdString(row[column]),
                                             QString::fromStdString(text))));
                QVERIFY2(entry[column] == expected, column);
            };
            same("file", QFileInfo(audio).fileName().toStdString());
            same("duration_seconds", m["actual_duration_seconds"]);
            same("sample_rate", m["sample_rate"]);
            same("channels", m["channels"]);
            same("format", m["format"]);
            same("prompt", m["prompt"]);
            same("seed", m["seed"]);
            same("engine", m["engine"]);
            same("model", "procedural synth 1");
            same("integrated_lufs", m["loudness"]["integrated_lufs"]);
            same("true_peak_dbtp", m["loudness"]["true_peak_dbtp"]);
            same("peak_dbfs", m["peak_db"]);
            same("created", m["timestamp"]);
            const footfall::AudioBuffer samples = footfall::readAudioFile(audio.toStdString());
            QCOMPARE(row["sample_rate"], std::to_string(samples.sampleRate()));
            QCOMPARE(row["channels"], std::to_string(samples.channels()));
            if (row["file"] == loraName.toStdString()) {
                QCOMPARE(row["loras"], std::string("/l/a.safetensors:0.5;/l/b.ckpt:1.0"));
                QCOMPARE(entry["loras"], json({"/l/a.safetensors:0.5", "/l/b.ckpt:1.0"}));
            } else {
                same("loras", json::array());
            }
            if (row["format"] == "flac") {
                same("cat_id", "FEETHmn");
                same("category", "FOOTSTEPS");
                same("subcategory", "HUMAN");
                same("fx_name", "BootsOnMetalGrate");
                same("creator_id", "AB");
                same("source_id", "LIB");
            } else {
                for (const char* column :
                     {"cat_id", "category", "subcategory", "fx_name", "creator_id", "source_id"})
                    same(column, json());
            }
            if (row["format"] == "wav24")
                QCOMPARE(row["path"].rfind("sub/", 0), std::size_t(0));
        }
        // The quoted prompt: a comma, quotes and a line break survive the CSV.
        const std::string csv = readAll(at("index/library.csv")).toStdString();
        QVERIFY(csv.find("\"boots, \"\"heavy\"\"\non gravel\"") != std::string::npos);
    }

    // docs/cluster.md shows the shipped script as it is, comment lines aside.
    void clusterDocShowsTheShippedScript() {
        const auto code = [](const QString& text) {
            QStringList kept;
            for (const QString& line : text.split('\n'))
                if (!line.startsWith('#') || line.startsWith("#!") || line.startsWith("#SBATCH"))
                    kept << line;
            return kept.join('\n').trimmed();
        };
        const QString doc =
            QString::fromUtf8(readAll(QString(FOOTFALL_SOURCE_DIR) + "/docs/cluster.md"));
        const qsizetype start = doc.indexOf("```bash\n#!/bin/bash");
        QVERIFY(start >= 0);
        const qsizetype end = doc.indexOf("\n```", start + 8);
        const QString shown = doc.mid(start + 8, end - start - 8);
        const QString script = QString::fromUtf8(
            readAll(QString(FOOTFALL_SOURCE_DIR) + "/scripts/cluster/footfall-array.sbatch"));
        QCOMPARE(code(shown), code(script));
        QVERIFY(script.contains("#SBATCH --gres=gpu:1"));
        QVERIFY(script.contains("--shard \"$shard\""));
    }

    // The shipped Slurm array script (docs/cluster.md) on a one-node Slurm started here, with a
    // GPU resource backed by /dev/null so that --gres=gpu:1 schedules: the same takes as one
    // run. Skips, naming the reason, where Slurm cannot be started.
    void slurmArrayMatchesOneRun();
};

namespace {

// A single-node Slurm (munged, slurmctld, slurmd) in a temporary folder, stopped on
// destruction. start() gives the reason when any part cannot be started.
class LocalSlurm {
public:
    explicit LocalSlurm(const QString& dir) : m_dir(dir) {}
    ~LocalSlurm() {
        // Children first, munged last: the daemons authenticate through it while exiting.
        for (auto it = m_daemons.rbegin(); it != m_daemons.rend(); ++it) {
            (*it)->terminate();
            if (!(*it)->waitForFinished(15000)) {
                (*it)->kill();
                (*it)->waitForFinished();
            }
        }
        qDeleteAll(m_daemons);
    }
    QProcessEnvironment env() const {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("SLURM_CONF", m_dir + "/slurm.conf");
        return e;
    }
    QString start() {
        for (const char* tool : {"munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo"})
            if (QStandardPaths::findExecutable(tool, {"/usr/sbin", "/usr/bin", "/sbin", "/bin"})
                    .isEmpty())
                return QString("%1 is not installed (Debian: apt-get install slurm-wlm munge)")
                    .arg(tool);
        if (::getuid() != 0)
            return QString("slurmd must run as root to start jobs (this is uid %1)")
                .arg(::getuid());
        for (const char* sub : {"munge", "spool", "state", "log"})
            QDir().mkpath(m_dir + "/" + sub);
        QFile::setPermissions(m_dir + "/munge", QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ExeOwner);
        QProcess key;
        key.start(tool("mungekey"), {"--create", "--keyfile=" + m_dir + "/munge/key"});
        if (!key.waitForFinished() || key.exitCode() != 0)
            return "mungekey could not create a key: " + key.readAllStandardError();
        const QString socket = m_dir + "/munge/socket";
        if (!daemon("munged",
                    {"-F", "--force", "--key-file=" + m_dir + "/munge/key", "--socket=" + socket,
                     "--pid-file=" + m_dir + "/munge/pid", "--log-file=" + m_dir + "/munge/log",
                     "--seed-file=" + m_dir + "/munge/seed"}))
            return "munged did not start: " + m_failure;
        if (!waitFor([&socket] { return QFileInfo::exists(socket); }))
            return "munged did not create its socket " + socket;

        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        const QString node = QString::fromLocal8Bit(host).section('.', 0, 0);
        // Ports from the process id: two test runs at once do not share a controller.
        const int port = 20000 + static_cast<int>(::getpid() % 20000) * 2 % 20000;
        QFile conf(m_dir + "/slurm.conf");
        if (!conf.open(QIODevice::WriteOnly))
            return "cannot write " + conf.fileName();
        conf.write(QString("ClusterName=footfalltest\n"
                           "SlurmctldHost=%1\n"
                           "SlurmUser=root\nSlurmdUser=root\n"
                           "SlurmctldPort=%2\nSlurmdPort=%3\n"
                           "AuthType=auth/munge\nCredType=cred/munge\n"
                           "AuthInfo=socket=%4\n"
                           "StateSaveLocation=%5/state\nSlurmdSpoolDir=%5/spool\n"
                           "SlurmctldPidFile=%5/slurmctld.pid\nSlurmdPidFile=%5/slurmd.pid\n"
                           "SlurmctldLogFile=%5/log/slurmctld.log\n"
                           "SlurmdLogFile=%5/log/slurmd.log\n"
                           "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                           "JobAcctGatherType=jobacct_gather/none\n"
                           "AccountingStorageType=accounting_storage/none\n"
                           "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
                           "GresTypes=gpu\nMpiDefault=none\nReturnToService=2\n"
                           "SchedulerType=sched/builtin\n"
                           "NodeName=%1 CPUs=%6 Gres=gpu:1 State=UNKNOWN\n"
                           "PartitionName=test Nodes=%1 Default=YES MaxTime=INFINITE "
                           "State=UP\n")
                       .arg(node)
                       .arg(port)
                       .arg(port + 1)
                       .arg(socket, m_dir)
                       .arg(QThread::idealThreadCount())
                       .toUtf8());
        conf.close();
        QFile gres(m_dir + "/gres.conf");
        if (!gres.open(QIODevice::WriteOnly))
            return "cannot write " + gres.fileName();
        gres.write(QString("NodeName=%1 Name=gpu File=/dev/null\n").arg(node).toUtf8());
        gres.close();

        if (!daemon("slurmctld", {"-D", "-f", m_dir + "/slurm.conf"}))
            return "slurmctld did not start: " + m_failure;
        if (!daemon("slurmd", {"-D", "-f", m_dir + "/slurm.conf"}))
            return "slurmd did not start: " + m_failure;
        QString state;
        if (!waitFor([&] {
                QProcess sinfo;
                sinfo.setProcessEnvironment(env());
                sinfo.start(tool("sinfo"), {"-h", "-o", "%t"});
                sinfo.waitForFinished();
                state = QString::fromUtf8(sinfo.readAllStandardOutput()).trimmed();
                return state == "idle";
            }))
            return "the Slurm node did not become idle (sinfo: \"" + state +
                   "\"); slurmctld log: " + lastLines(m_dir + "/log/slurmctld.log") +
                   "; slurmd log: " + lastLines(m_dir + "/log/slurmd.log");
        return {};
    }
    static QString tool(const char* name) {
        return QStandardPaths::findExecutable(name, {"/usr/sbin", "/usr/bin", "/sbin", "/bin"});
    }
    static QString lastLines(const QString& path) {
        const QStringList lines = QString::fromUtf8(readAll(path)).trimmed().split('\n');
        return lines.mid(std::max<qsizetype>(0, lines.size() - 3)).join(" | ");
    }

private:
    bool daemon(const char* name, const QStringList& args) {
        auto* p = new QProcess;
        p->setProcessEnvironment(env());
        p->setProcessChannelMode(QProcess::MergedChannels);
        p->start(tool(name), args);
        m_daemons.push_back(p);
        if (!p->waitForStarted()) {
            m_failure = p->errorString();
            return false;
        }
        // A daemon that cannot run exits at once; one that runs is still there a moment later.
        if (p->waitForFinished(1500)) {
            m_failure = QString::fromUtf8(p->readAll()).trimmed().right(300);
            return false;
        }
        return true;
    }
    // Polls `ready` until it holds, for at most 60 s (daemons start in a second or two).
    template <typename F> static bool waitFor(F ready) {
        QElapsedTimer t;
        t.start();
        while (!ready()) {
            if (t.elapsed() > 60000)
                return false;
            QThread::msleep(200);
        }
        return true;
    }
    QString m_dir;
    QString m_failure;
    std::vector<QProcess*> m_daemons;
};

} // namespace

void TestBatch::slurmArrayMatchesOneRun() {
    QTemporaryDir slurmDir("/tmp/footfall-slurm-XXXXXX"); // short: munge's socket path
    QVERIFY(slurmDir.isValid());
    LocalSlurm slurm(slurmDir.path());
    const QString reason = slurm.start();
    if (!reason.isEmpty())
        QSKIP(qPrintable("no local Slurm: " + reason));

    const QString out = at("slurm");
    QProcess sbatch;
    QProcessEnvironment env = slurm.env();
    env.insert("FOOTFALL_CLI", FOOTFALL_CLI);
    sbatch.setProcessEnvironment(env);
    sbatch.setWorkingDirectory(m_dir.path());
    // As docs/cluster.md shows it, plus --wait and where the logs go.
    sbatch.start(LocalSlurm::tool("sbatch"),
                 {"--wait", "--array=0-3", "--output=" + at("slurm-%a.log"),
                  QString(FOOTFALL_SOURCE_DIR) + "/scripts/cluster/footfall-array.sbatch",
                  m_manifest, out, "--json", "-q"});
    QVERIFY(sbatch.waitForFinished(600000));
    QVERIFY2(sbatch.exitCode() == 0, sbatch.readAllStandardError().constData());
    int total = 0;
    for (int task = 0; task < 4; ++task) {
        const QByteArray log = readAll(at(QString("slurm-%1.log").arg(task)));
        const json s = json::parse(log.mid(log.indexOf('{')).toStdString(), nullptr, false);
        QVERIFY2(s.is_object(), log.constData());
        QCOMPARE(QString::fromStdString(s["shard"].get<std::string>()), QString("%1/4").arg(task));
        total += s["done"].get<int>();
    }
    QCOMPARE(total, kLibraryTakes);
    QStringList others;
    const FolderState state = folderState(out, &others);
    QVERIFY2(others.isEmpty(), qPrintable(others.join(", ")));
    QVERIFY2(state == m_reference, qPrintable(describe(state, m_reference)));
}

QTEST_APPLESS_MAIN(TestBatch)
#include "tst_batch.moc"
