// A take's file says what its sidecar says: bext, iXML, FLAC Vorbis comments, UCS fields,
// coding history, a derived file's source and range. Read back by libsndfile, by the bytes,
// by readTakeMetadata/recall, and by mediainfo where installed.
#include "audio/analysis.h"
#include "engines/procedural/procedural_engine.h"
#include "footfall_version.h"
#include "generation/recall.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"
#include "io/take_tags.h"
#include "media_tools.h"
#include "signals.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace footfall;

namespace {

// A sine at a seed-dependent frequency; optionally without diffusion settings.
class SineEngine : public Engine {
public:
    int calls = 0;
    bool diffusion = true;
    float amplitude = 0.5f;
    std::string name() const override { return "sine"; }
    std::vector<std::string> samplers() const override { return {"none"}; }
    std::string deviceDescription() const override { return "cpu (test)"; }
    bool usesDiffusionSettings() const override { return diffusion; }
    GeneratedAudio generate(const ResolvedTake& take, const ProgressCallback&,
                            const CancelToken*) override {
        ++calls;
        GeneratedAudio g;
        g.audio =
            test::sine(100.0 + take.request.seed % 1000, amplitude, take.request.durationSeconds);
        return g;
    }
};

const char* kPrompt = "Schritte auf Kies, ängstlich";
const char* kUcsTemplate = "FEETHmn_<FXName>_<Creator>_<Source>";

GenerationRequest request(std::int64_t seed = 42) {
    GenerationRequest r;
    r.prompt = kPrompt;
    r.durationSeconds = 0.5; // one 400 ms gating block: integrated loudness is defined
    r.seed = seed;
    return r;
}

std::map<std::string, std::string> commentMap(const std::string& path) {
    std::map<std::string, std::string> m;
    for (const auto& [key, value] : readVorbisComments(path))
        m[key] = value;
    return m;
}

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

} // namespace

class TestTakeTags : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string folder(const char* name) { return (m_dir.path() + "/" + name).toStdString(); }

    Take generateOne(Engine& engine, AudioFormat format, const std::string& into,
                     const std::string& templ = kUcsTemplate) {
        OutputOptions o;
        o.folder = into;
        o.format = format;
        o.ucsTemplate = templ;
        return generateTakes(engine, request(), o, {}, nullptr).front();
    }

private Q_SLOTS:
    void everyFormatCarriesTheSidecarsFacts() {
        const std::vector<std::tuple<AudioFormat, int, QString>> formats{
            {AudioFormat::Wav32Float, 32, "; 32-bit float"},
            {AudioFormat::Wav24, 24, ""},
            {AudioFormat::Wav16, 16, "; TPDF dither"},
            {AudioFormat::Flac, 24, "; FLAC"}};
        for (const auto& [format, bits, note] : formats) {
            SineEngine engine;
            const Take take =
                generateOne(engine, format, folder(("all_" + audioFormatName(format)).c_str()));
            const nlohmann::json m = readSidecar(take.sidecarPath);
            QCOMPARE(m, take.metadata);
            const QString name = QFileInfo(q(take.audioPath)).fileName();
            QCOMPARE(name, "FEETHmn_SchritteAufKiesAengstlich_FF_FOOTFALL." +
                               q(audioFormatExtension(format)));
            QVERIFY(std::filesystem::path(m["output_path"].get<std::string>()).is_absolute());

            // The UCS fields, as fields.
            const nlohmann::json& ucs = m["ucs"];
            QCOMPARE(ucs["cat_id"], nlohmann::json("FEETHmn"));
            QCOMPARE(ucs["category"], nlohmann::json("FOOTSTEPS"));
            QCOMPARE(ucs["subcategory"], nlohmann::json("HUMAN"));
            QCOMPARE(ucs["category_full"], nlohmann::json("FOOTSTEPS-HUMAN"));
            QCOMPARE(ucs["fx_name"], nlohmann::json("SchritteAufKiesAengstlich"));
            QCOMPARE(ucs["creator_id"], nlohmann::json("FF"));
            QCOMPARE(ucs["source_id"], nlohmann::json("FOOTFALL"));

            // The file's own copy of the metadata is the sidecar, exactly.
            const auto embedded = readTakeMetadata(take.audioPath);
            QVERIFY(embedded.has_value());
            QCOMPARE(*embedded, m);

            // The sidecar's levels are the file's samples' levels (16-bit: dithered).
            const AudioBuffer onDisk = readAudioFile(take.audioPath);
            QCOMPARE(m["max_amplitude"].get<double>(), samplePeak(onDisk));
            QCOMPARE(m["rms"].get<double>(), measureLevels(onDisk).rms);

            const QString history = QString("A=PCM,F=44100,W=%1,M=stereo,T=Footfall %2; sine%3\r\n")
                                        .arg(bits)
                                        .arg(FOOTFALL_VERSION)
                                        .arg(note);
            if (format == AudioFormat::Flac) {
                auto c = commentMap(take.audioPath);
                QCOMPARE(q(c["TITLE"]), QString("SchritteAufKiesAengstlich"));
                QCOMPARE(QString::fromUtf8(c["DESCRIPTION"]), QString::fromUtf8(kPrompt));
                QCOMPARE(q(c["DATE"]), q(m["timestamp"].get<std::string>()));
                QCOMPARE(q(c["ENCODER"]), QString("Footfall ") + FOOTFALL_VERSION);
                QCOMPARE(q(c["ORIGINATOR"]), QString("Footfall"));
                QCOMPARE(q(c["CATID"]), QString("FEETHmn"));
                QCOMPARE(q(c["CATEGORY"]), QString("FOOTSTEPS"));
                QCOMPARE(q(c["SUBCATEGORY"]), QString("HUMAN"));
                QCOMPARE(q(c["FXNAME"]), QString("SchritteAufKiesAengstlich"));
                QCOMPARE(q(c["CREATORID"]), QString("FF"));
                QCOMPARE(q(c["SOURCEID"]), QString("FOOTFALL"));
                QCOMPARE(q(c["FOOTFALL_SEED"]), QString("42"));
                QCOMPARE(q(c["FOOTFALL_ENGINE"]), QString("sine"));
                QCOMPARE(q(c["FOOTFALL_SAMPLER"]), QString("none"));
                QCOMPARE(q(c["FOOTFALL_CFG_SCALE"]), QString("7.0"));
                QCOMPARE(q(c["FOOTFALL_STEPS"]), QString("100"));
                QCOMPARE(q(c["FOOTFALL_LORAS"]), QString("[]"));
                QCOMPARE(nlohmann::json::parse(c["FOOTFALL_LOUDNESS_LUFS"]),
                         m["loudness"]["integrated_lufs"]);
                QCOMPARE(nlohmann::json::parse(c["FOOTFALL_METADATA"]), m);
                QVERIFY(!readBroadcastInfo(take.audioPath).has_value() ||
                        readBroadcastInfo(take.audioPath)->description.empty());
                continue;
            }
            const auto bext = readBroadcastInfo(take.audioPath);
            QVERIFY(bext.has_value());
            QCOMPARE(q(bext->description), QString("Schritte auf Kies, aengstlich"));
            QCOMPARE(q(bext->originator), QString("Footfall"));
            QCOMPARE(q(bext->originationDate), q(m["timestamp"].get<std::string>().substr(0, 10)));
            QCOMPARE(q(bext->originationTime), q(m["timestamp"].get<std::string>().substr(11)));
            QCOMPARE(bext->timeReference, std::uint64_t(0));
            QCOMPARE(q(bext->codingHistory), history); // one line, nothing appended
            QCOMPARE(q(readChunkData(take.audioPath, "bext")->substr(602)), history);
            QCOMPARE(*bext->loudness->integratedLufs,
                     std::round(m["loudness"]["integrated_lufs"].get<double>() * 100) / 100);
            const QString ixml = QString::fromUtf8(*readChunk(take.audioPath, "iXML"));
            for (const char* expected :
                 {"<NOTE>Schritte auf Kies, ängstlich</NOTE>", "<EMBEDDER>Footfall</EMBEDDER>",
                  "<CATID>FEETHmn</CATID>", "<CATEGORY>FOOTSTEPS</CATEGORY>",
                  "<SUBCATEGORY>HUMAN</SUBCATEGORY>",
                  "<CATEGORYFULL>FOOTSTEPS-HUMAN</CATEGORYFULL>",
                  "<FXNAME>SchritteAufKiesAengstlich</FXNAME>", "<CREATORID>FF</CREATORID>",
                  "<SOURCEID>FOOTFALL</SOURCEID>", "<catId>FEETHmn</catId>",
                  "<category>FOOTSTEPS</category>", "<subCategory>HUMAN</subCategory>",
                  "<fxName>SchritteAufKiesAengstlich</fxName>", "<creatorId>FF</creatorId>",
                  "<sourceId>FOOTFALL</sourceId>", "<seed>42</seed>"})
                QVERIFY2(ixml.contains(QString::fromUtf8(expected)), expected);
        }
    }
    void sixteenBitLevelsAreTheDitheredSamples() {
        SineEngine engine;
        // A peak between two 16-bit codes: the written file's peak cannot equal the float one.
        engine.amplitude = static_cast<float>(0.5 + 0.4 / 32768.0);
        const Take take = generateOne(engine, AudioFormat::Wav16, folder("dither"), "");
        const double peak = take.metadata["max_amplitude"].get<double>();
        QCOMPARE(peak, samplePeak(readAudioFile(take.audioPath)));
        QCOMPARE(peak * 32768.0, std::round(peak * 32768.0)); // on the 16-bit grid
        QVERIFY(peak != samplePeak(take.audio));              // not the float take's
    }
    void settingsAnEngineDoesNotUseAreNull() {
        const std::unique_ptr<Engine> procedural = makeProceduralEngine();
        QVERIFY(!procedural->usesDiffusionSettings());
        SineEngine engine;
        engine.diffusion = false;
        const Take take = generateOne(engine, AudioFormat::Flac, folder("nodiffusion"));
        QVERIFY(take.metadata["cfg_scale"].is_null());
        QVERIFY(take.metadata["diffusion_steps"].is_null());
        QVERIFY(readSidecar(take.sidecarPath)["cfg_scale"].is_null());
        const auto c = commentMap(take.audioPath);
        QVERIFY(!c.count("FOOTFALL_CFG_SCALE") && !c.count("FOOTFALL_STEPS"));
        // The request keeps what was asked, so recall still reproduces the take.
        QCOMPARE(take.metadata["request"]["steps"].get<int>(), 100);
        SineEngine diffusion;
        QVERIFY(diffusion.usesDiffusionSettings());
    }
    void relativeFoldersGiveAbsolutePaths() {
        const QString previous = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir.path()));
        SineEngine engine;
        const Take take = generateOne(engine, AudioFormat::Wav24, "relative/sub", "");
        QDir::setCurrent(previous);
        QVERIFY(std::filesystem::path(take.audioPath).is_absolute());
        QCOMPARE(take.metadata["output_path"].get<std::string>(), take.audioPath);
        QVERIFY(QFileInfo(q(take.audioPath)).path().startsWith(m_dir.path() + "/relative/sub"));
        QVERIFY(std::filesystem::exists(take.audioPath));
    }
    void unknownCatIdIsRefusedBeforeAnythingRuns() {
        SineEngine engine;
        OutputOptions o;
        o.folder = folder("refused");
        o.ucsTemplate = "FEETBoot_<FXName>_<Creator>_<Source>";
        try {
            generateTakes(engine, request(), o, {}, nullptr);
            QFAIL("FEETBoot is not a UCS CatID");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("FEETHmn"), e.what());
        }
        QCOMPARE(engine.calls, 0);
        QVERIFY(!std::filesystem::exists(o.folder));
    }
    void collisionCounterIsInTheFxName() {
        SineEngine engine;
        OutputOptions o;
        o.folder = folder("batch");
        o.ucsTemplate = kUcsTemplate;
        o.creator = "JD";
        o.source = "MyLib";
        GenerationRequest r = request();
        r.batchSize = 3;
        const auto takes = generateTakes(engine, r, o, {}, nullptr);
        QStringList names;
        for (const Take& t : takes)
            names << QFileInfo(q(t.audioPath)).fileName();
        QCOMPARE(names, QStringList({"FEETHmn_SchritteAufKiesAengstlich_JD_MyLib.wav",
                                     "FEETHmn_SchritteAufKiesAengstlich02_JD_MyLib.wav",
                                     "FEETHmn_SchritteAufKiesAengstlich03_JD_MyLib.wav"}));
        QCOMPARE(takes[1].metadata["ucs"]["fx_name"],
                 nlohmann::json("SchritteAufKiesAengstlich02"));
        QCOMPARE(takes[2].metadata["ucs"]["source_id"], nlohmann::json("MyLib"));
        QCOMPARE(takes[2].metadata["ucs"]["user_data"], nlohmann::json(""));
    }
    void takesRecallWithoutTheirSidecar() {
        for (AudioFormat format : {AudioFormat::Flac, AudioFormat::Wav32Float}) {
            SineEngine engine;
            const Take take =
                generateOne(engine, format, folder(("recall_" + audioFormatName(format)).c_str()));
            std::filesystem::remove(take.sidecarPath);
            const RecalledTake recalled = recallTakeFile(take.audioPath);
            QCOMPARE(recalled.request.seed, std::int64_t(42));
            QCOMPARE(QString::fromStdString(recalled.request.prompt), QString::fromUtf8(kPrompt));
            QCOMPARE(recalled.format, std::optional<AudioFormat>(format));
            QCOMPARE(recallRequest(*readTakeMetadata(take.audioPath)).seed, std::int64_t(42));
        }
        // A file without Footfall metadata is named in the error.
        const std::string plain = folder("plain.wav");
        writeAudioFile(plain, test::sine(440, 0.5, 0.1), {});
        QVERIFY(!readTakeMetadata(plain).has_value());
        QVERIFY_THROWS_EXCEPTION(GenerationError, recallTakeFile(plain));
    }
    void derivedFilesNameTheirSourceAndRange() {
        SineEngine engine;
        const Take take = generateOne(engine, AudioFormat::Wav32Float, folder("derived"), "");
        const std::size_t first = 4410, frames = 11025;
        const std::string path = folder("derived") + "/cut.wav";
        nlohmann::json m =
            derivedTakeMetadata(take.metadata, take.audioPath, path, AudioFormat::Wav24, first,
                                frames, "export", std::chrono::system_clock::now());
        const AudioBuffer part = take.audio.slice(first, frames);
        writeAudioFile(path, part, takeWriteOptions(m, AudioFormat::Wav24, 3));
        const nlohmann::json& source = m["source_take"];
        QCOMPARE(source["path"].get<std::string>(), take.audioPath);
        QCOMPARE(source["format"], nlohmann::json("wav32f"));
        QCOMPARE(source["first_frame"].get<std::size_t>(), first);
        QCOMPARE(source["frames"].get<std::size_t>(), frames);
        QCOMPARE(source["start_seconds"].get<double>(), 0.1);
        QCOMPARE(source["end_seconds"].get<double>(), 0.35);
        QCOMPARE(m["format"], nlohmann::json("wav24"));
        QCOMPARE(m["num_samples"].get<std::size_t>(), frames);
        QVERIFY(!m.contains("ucs")); // a timestamp-named take: no UCS name to describe

        const auto bext = readBroadcastInfo(path);
        QCOMPARE(bext->timeReference, std::uint64_t(first));
        // The take as generated, then this file; every line complete (M= included).
        QCOMPARE(q(bext->codingHistory),
                 QString("A=PCM,F=44100,W=32,M=stereo,T=Footfall %1; sine; 32-bit float\r\n"
                         "A=PCM,F=44100,W=24,M=stereo,T=Footfall %1; export\r\n")
                     .arg(FOOTFALL_VERSION));
        QVERIFY(q(bext->originatorReference).startsWith("FFEXP"));
        QCOMPARE((*readTakeMetadata(path))["source_take"], source);
    }
    void mediainfoReadsATake() {
        FOOTFALL_REQUIRE_TOOL("mediainfo");
        SineEngine engine;
        const Take wav = generateOne(engine, AudioFormat::Wav32Float, folder("mi"));
        const QJsonObject general = test::mediainfoTrack(q(wav.audioPath), "General");
        const QJsonObject audio = test::mediainfoTrack(q(wav.audioPath), "Audio");
        QCOMPARE(general["Description"].toString(), QString("Schritte auf Kies, aengstlich"));
        QCOMPARE(general["Producer"].toString(), QString("Footfall"));
        QCOMPARE(general["Encoded_Library_Settings"].toString(),
                 QString("A=PCM,F=44100,W=32,M=stereo,T=Footfall %1; sine; 32-bit float")
                     .arg(FOOTFALL_VERSION));
        QCOMPARE(general["Format_Settings"].toString(), QString("WaveFormatEx"));
        QCOMPARE(audio["Format_Profile"].toString(), QString("Float"));
        QCOMPARE(audio["BitDepth"].toString(), QString("32"));
        QCOMPARE(audio["SamplingCount"].toString(), QString("22050"));

        const Take flac = generateOne(engine, AudioFormat::Flac, folder("mi"));
        const QJsonObject fg = test::mediainfoTrack(q(flac.audioPath), "General");
        QCOMPARE(fg["Title"].toString(), QString("SchritteAufKiesAengstlich"));
        QCOMPARE(fg["Description"].toString(), QString::fromUtf8(kPrompt));
        const QJsonObject extra = fg["extra"].toObject();
        QCOMPARE(extra["CATID"].toString(), QString("FEETHmn"));
        QCOMPARE(extra["FXNAME"].toString(), QString("SchritteAufKiesAengstlich"));
        QCOMPARE(extra["FOOTFALL_SEED"].toString(), QString("42"));

        // A derived file's TimeReference is its start in the take: mediainfo's Delay.
        const std::string cut = folder("mi") + "/cut.wav";
        const nlohmann::json m =
            derivedTakeMetadata(wav.metadata, wav.audioPath, cut, AudioFormat::Wav16, 4410, 8820,
                                "selection", std::chrono::system_clock::now());
        writeAudioFile(cut, wav.audio.slice(4410, 8820),
                       takeWriteOptions(m, AudioFormat::Wav16, 1));
        const QJsonObject ca = test::mediainfoTrack(q(cut), "Audio");
        QCOMPARE(ca["Delay"].toString().toDouble(), 0.1);
        QCOMPARE(ca["BitDepth"].toString(), QString("16"));
        QVERIFY(
            test::mediainfoTrack(q(cut), "General")["Encoded_Library_Settings"].toString().endsWith(
                "W=16,M=stereo,T=Footfall " FOOTFALL_VERSION "; selection; TPDF dither"));
    }
};

QTEST_APPLESS_MAIN(TestTakeTags)
#include "tst_take_tags.moc"
