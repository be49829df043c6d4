// Takes on disk as a library: probing audio files for completeness, leftovers of interrupted
// writes, whether a saved take is whole, and the library index (entries, CSV, JSON).
#include "engines/engine_factory.h"
#include "generation/library_index.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/file_check.h"
#include "io/metadata.h"

#include "signals.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace footfall;

namespace {

std::string readText(const std::string& path) {
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll().toStdString() : std::string();
}

void writeText(const std::string& path, const std::string& text) {
    QFile f(QString::fromStdString(path));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text.data(), static_cast<qint64>(text.size()));
}

void cutTo(const std::string& path, qint64 size) {
    QVERIFY(QFile::resize(QString::fromStdString(path), size));
}

qint64 sizeOf(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).size();
}

} // namespace

class TestLibraryIndex : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string at(const std::string& name) const {
        return m_dir.path().toStdString() + "/" + name;
    }

    // One procedural take saved as generateTakes saves it; returns its audio path.
    std::string makeTake(const std::string& folder, const std::string& prompt, AudioFormat format,
                         const std::string& ucsTemplate = {}) {
        GenerationRequest r;
        r.prompt = prompt;
        r.durationSeconds = 4.0;
        r.seed = 11;
        OutputOptions out;
        out.folder = folder;
        out.format = format;
        out.ucsTemplate = ucsTemplate;
        out.creator = "AB";
        out.source = "LIB";
        auto engine = createEngine(r.engine);
        return generateTakes(*engine, r, out, {}, nullptr).front().audioPath;
    }

private Q_SLOTS:
    void probeSeesWholeAndCutFiles() {
        const AudioBuffer tone = test::sine(440.0, 0.5, 1.0, 2, 48000);
        for (const AudioFormat format :
             {AudioFormat::Wav32Float, AudioFormat::Wav24, AudioFormat::Wav16, AudioFormat::Flac}) {
            const std::string path = at("probe." + audioFormatExtension(format));
            WriteOptions w;
            w.format = format;
            w.bext.description = "probe";
            w.ixml = "<BWFXML><NOTE>probe</NOTE></BWFXML>";
            writeAudioFile(path, tone, w);
            auto info = probeAudioFile(path);
            QVERIFY(info);
            QCOMPARE(info->frames, std::int64_t(48000));
            QCOMPARE(info->channels, 2);
            QCOMPARE(info->sampleRate, 48000);
            QCOMPARE(info->container, audioFormatExtension(format));
            QVERIFY(info->complete);
            // A writer killed half-way: the header promises more than the file holds.
            cutTo(path, sizeOf(path) * 2 / 3);
            info = probeAudioFile(path);
            QVERIFY2(!info || !info->complete, audioFormatName(format).c_str());
            // Cut inside the samples' last frame only.
            writeAudioFile(path, tone, w);
            cutTo(path, sizeOf(path) - 1);
            info = probeAudioFile(path);
            QVERIFY2(!info || !info->complete, audioFormatName(format).c_str());
        }
        writeText(at("not-audio.wav"), "RIFF but not really");
        QVERIFY(!probeAudioFile(at("not-audio.wav")));
        QVERIFY(!probeAudioFile(at("missing.wav")));
    }

    void leftoversOfInterruptedWrites() {
        const std::string dir = at("leftovers");
        QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
        for (const char* name : {".a.wav.123.part", ".b.json.77.part", ".a.wav.x.part",
                                 "a.wav.12.part", ".c.wav.part", "c.wav"})
            writeText(dir + "/" + name, "x");
        const std::vector<LeftoverFile> found = leftoverTemporaryFiles(dir);
        QCOMPARE(found.size(), std::size_t(2));
        QCOMPARE(found[0].path, dir + "/.a.wav.123.part");
        QCOMPARE(found[0].target, dir + "/a.wav");
        QCOMPARE(found[1].path, dir + "/.b.json.77.part");
        QCOMPARE(found[1].target, dir + "/b.json");
        QVERIFY(leftoverTemporaryFiles(at("no-such-folder")).empty());
    }

    void savedTakeCheck() {
        const std::string dir = at("check");
        const std::string wav = makeTake(dir, "boots on gravel", AudioFormat::Wav24);
        SavedTakeCheck c = checkSavedTake(wav);
        QVERIFY2(c.ok(), c.problem.c_str());
        QCOMPARE(c.metadata["prompt"].get<std::string>(), std::string("boots on gravel"));
        QCOMPARE(c.audio->frames, c.metadata["num_samples"].get<std::int64_t>());

        const std::string sidecar = sidecarPathFor(wav);
        const std::string good = readText(sidecar);
        const auto expectProblem = [&](const char* mentions) {
            const SavedTakeCheck bad = checkSavedTake(wav);
            QVERIFY(!bad.ok());
            QVERIFY2(bad.problem.find(mentions) != std::string::npos, bad.problem.c_str());
        };
        writeText(sidecar, good.substr(0, good.size() / 2));
        expectProblem("is not valid JSON");
        writeText(sidecar, "{\"prompt\": \"x\"}");
        expectProblem("is not a take's metadata");
        nlohmann::json m = nlohmann::json::parse(good);
        m["output_path"] = "/elsewhere/other.wav";
        writeText(sidecar, m.dump());
        expectProblem("describes other.wav");
        m = nlohmann::json::parse(good);
        m["num_samples"] = m["num_samples"].get<std::int64_t>() - 1;
        writeText(sidecar, m.dump());
        expectProblem("frames, its sidecar says");
        m = nlohmann::json::parse(good);
        m["sample_rate"] = 48000;
        writeText(sidecar, m.dump());
        expectProblem("channels at 44100 Hz");
        m = nlohmann::json::parse(good);
        m["format"] = "flac";
        writeText(sidecar, m.dump());
        expectProblem("is wav, its sidecar says flac");
        writeText(sidecar, good);
        QVERIFY(checkSavedTake(wav).ok());
        cutTo(wav, sizeOf(wav) - 100);
        expectProblem("cut short");
        QVERIFY(QFile::remove(QString::fromStdString(sidecar)));
        expectProblem("sidecar");
        QVERIFY(QFile::remove(QString::fromStdString(wav)));
        expectProblem("is missing");
    }

    void scanListsWholeTakes() {
        const std::string dir = at("library");
        const std::string plain = makeTake(dir, "sneakers on wood", AudioFormat::Wav32Float);
        const std::string ucs = makeTake(dir + "/ucs", "boots on metal grate", AudioFormat::Flac,
                                         "FEETHmn_<FXName>_<Creator>_<Source>");
        const std::string cut = makeTake(dir, "cut short", AudioFormat::Wav16);
        cutTo(cut, sizeOf(cut) / 2);
        writeText(dir + "/notes.json", "{\"what\": \"not a take\"}");
        writeText(dir + "/broken.json", "{\"prompt\": ");
        // A take whose sidecar was cut short: reported, not passed over like broken.json.
        const std::string torn = makeTake(dir, "torn sidecar", AudioFormat::Wav16);
        const std::string tornText = readText(sidecarPathFor(torn));
        writeText(sidecarPathFor(torn), tornText.substr(0, tornText.size() / 2));
        // A take renamed by hand to a UCS name (its sidecar has no "ucs" record).
        const std::string renamed = dir + "/FOLYFeet_Steps_XY_ABC.wav";
        QVERIFY(QFile::copy(QString::fromStdString(plain), QString::fromStdString(renamed)));
        nlohmann::json m = nlohmann::json::parse(readText(sidecarPathFor(plain)));
        m["output_path"] = renamed;
        m["request"]["loras"] =
            nlohmann::json::array({{{"path", "/l/a.safetensors"}, {"strength", 0.25}},
                                   {{"path", "b.ckpt"}, {"strength", 1}}});
        writeText(sidecarPathFor(renamed), m.dump());

        const LibraryScan scan = scanLibrary(dir);
        QCOMPARE(scan.entries.size(), std::size_t(3));
        QCOMPARE(scan.problems.size(), std::size_t(2));
        const auto problemAbout = [&](const std::string& name) {
            for (const std::string& p : scan.problems)
                if (p.find(name) != std::string::npos)
                    return p;
            return std::string();
        };
        QVERIFY(!problemAbout("cut_short").empty());
        const std::string tornProblem = problemAbout("torn_sidecar.json");
        QVERIFY2(tornProblem.find("is not valid JSON") != std::string::npos, tornProblem.c_str());
        // Sorted by path, relative to the library folder ("2026..." before "FOLY...").
        const std::string plainName = std::filesystem::path(plain).filename().string();
        const std::string ucsName = std::filesystem::path(ucs).filename().string();
        QCOMPARE(scan.entries[0].path, plainName);
        QCOMPARE(scan.entries[1].path, std::string("FOLYFeet_Steps_XY_ABC.wav"));
        QCOMPARE(scan.entries[2].path, "ucs/" + ucsName);

        const LibraryEntry& renamedEntry = scan.entries[1];
        QCOMPARE(renamedEntry.loras,
                 (std::vector<std::string>{"/l/a.safetensors:0.25", "b.ckpt:1.0"}));
        QCOMPARE(renamedEntry.ucs["cat_id"].get<std::string>(), std::string("FOLYFeet"));
        QCOMPARE(renamedEntry.ucs["category"].get<std::string>(), std::string("FOLEY"));
        QCOMPARE(renamedEntry.ucs["subcategory"].get<std::string>(), std::string("FEET"));
        QCOMPARE(renamedEntry.ucs["fx_name"].get<std::string>(), std::string("Steps"));
        QCOMPARE(renamedEntry.ucs["creator_id"].get<std::string>(), std::string("XY"));
        QCOMPARE(renamedEntry.ucs["source_id"].get<std::string>(), std::string("ABC"));

        const LibraryEntry& p = scan.entries[0];
        const nlohmann::json pm = nlohmann::json::parse(readText(sidecarPathFor(plain)));
        QCOMPARE(p.fileName, plainName);
        QCOMPARE(p.prompt, std::string("sneakers on wood"));
        QCOMPARE(p.seed, std::int64_t(11));
        QCOMPARE(p.engine, std::string("procedural"));
        QCOMPARE(p.model, std::string("procedural synth 1"));
        QCOMPARE(p.format, std::string("wav32f"));
        QCOMPARE(p.sampleRate, 44100);
        QCOMPARE(p.channels, 2);
        QCOMPARE(p.durationSeconds, 4.0);
        QVERIFY(p.loras.empty());
        QVERIFY(p.ucs.is_null());
        QCOMPARE(*p.integratedLufs, pm["loudness"]["integrated_lufs"].get<double>());
        QCOMPARE(*p.truePeakDbtp, pm["loudness"]["true_peak_dbtp"].get<double>());
        QCOMPARE(*p.peakDbfs, pm["peak_db"].get<double>());
        QCOMPARE(p.created, pm["timestamp"].get<std::string>());
        QCOMPARE(p.metadata, pm); // the whole sidecar, for the app's take list

        const LibraryEntry& u = scan.entries[2];
        QCOMPARE(u.format, std::string("flac"));
        QCOMPARE(u.ucs["cat_id"].get<std::string>(), std::string("FEETHmn"));
        QCOMPARE(u.ucs["category"].get<std::string>(), std::string("FOOTSTEPS"));
        QCOMPARE(u.ucs["creator_id"].get<std::string>(), std::string("AB"));

        QVERIFY_THROWS_EXCEPTION(GenerationError, scanLibrary(at("no-such-library")));
    }

    void csvIsQuotedAndJsonMatches() {
        LibraryEntry e;
        e.fileName = "a.wav";
        e.path = "sub/a.wav";
        e.durationSeconds = 1.5;
        e.sampleRate = 44100;
        e.channels = 1;
        e.format = "wav16";
        e.prompt = "boots, \"heavy\"\non gravel";
        e.seed = 4294967295LL;
        e.engine = "sao";
        e.model = " stable-audio-open-1.0";
        e.loras = {"x.safetensors:0.5", "y.ckpt:1.0"};
        e.integratedLufs = -23.25;
        e.peakDbfs = -1.0;
        e.created = "2026-01-02T03:04:05";
        const std::string csv = libraryIndexCsv({e});
        const std::string header =
            "file,path,duration_seconds,sample_rate,channels,format,prompt,seed,engine,model,"
            "loras,integrated_lufs,true_peak_dbtp,peak_dbfs,cat_id,category,subcategory,"
            "fx_name,creator_id,source_id,created\r\n";
        QCOMPARE(csv, header + "a.wav,sub/a.wav,1.5,44100,1,wav16,\"boots, \"\"heavy\"\"\non "
                               "gravel\",4294967295,sao,\" stable-audio-open-1.0\","
                               "x.safetensors:0.5;y.ckpt:1.0,-23.25,,-1.0,,,,,,,"
                               "2026-01-02T03:04:05\r\n");
        const nlohmann::json j = libraryIndexJson({e});
        QCOMPARE(j.size(), std::size_t(1));
        QCOMPARE(j[0]["prompt"].get<std::string>(), e.prompt);
        QVERIFY(j[0]["true_peak_dbtp"].is_null());
        QVERIFY(j[0]["cat_id"].is_null());
        QCOMPARE(j[0]["loras"], nlohmann::json({"x.safetensors:0.5", "y.ckpt:1.0"}));
        QCOMPARE(j[0].size(), libraryIndexColumns().size());
    }
};

QTEST_APPLESS_MAIN(TestLibraryIndex)
#include "tst_library_index.moc"
