// Exported and dragged files (ui/export) are tagged by the core: their sidecar names the
// source take and the range, their bext TimeReference is where they start in the take, their
// coding history keeps M=, and UCS exports carry UCS fields and numbered steps in the FXName.
#include "export/take_drag.h"
#include "export/take_exporter.h"

#include "footfall_version.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"
#include "io/take_tags.h"
#include "signals.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace footfall;
using namespace footfall::ui;

namespace {

// Two clicks a quarter second apart in silence: a walk of two steps with quiet edges.
class ClickEngine : public Engine {
public:
    std::string name() const override { return "clicks"; }
    std::vector<std::string> samplers() const override { return {"none"}; }
    std::string deviceDescription() const override { return "cpu (test)"; }
    GeneratedAudio generate(const ResolvedTake& take, const ProgressCallback&,
                            const CancelToken*) override {
        const int rate = 44100;
        AudioBuffer a(2, static_cast<std::size_t>(take.request.durationSeconds * rate), rate);
        for (std::size_t start : {std::size_t(8820), std::size_t(19845)})
            for (std::size_t i = 0; i < 2205; ++i)
                for (int c = 0; c < 2; ++c)
                    a.channel(c)[start + i] = static_cast<float>(
                        0.5 * std::exp(-double(i) / 300.0) * std::sin(0.3 * double(i)));
        GeneratedAudio g;
        g.audio = a;
        return g;
    }
};

} // namespace

class TestExportTags : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    TakeRecord m_take;
    AudioBuffer m_audio;

private Q_SLOTS:
    void initTestCase() {
        ClickEngine engine;
        GenerationRequest r;
        r.prompt = "Schritte auf Kies, ängstlich";
        r.durationSeconds = 0.75;
        r.seed = 9;
        OutputOptions o;
        o.folder = m_dir.filePath("takes").toStdString();
        const Take t = generateTakes(engine, r, o, {}, nullptr).front();
        m_take.audioPath = QString::fromStdString(t.audioPath);
        m_take.sidecarPath = QString::fromStdString(t.sidecarPath);
        m_take.metadata = t.metadata;
        m_audio = readAudioFile(t.audioPath);
    }
    void draggedSelectionNamesItsSourceAndStart() {
        const QString file = writeSelectionFile(m_take, m_audio, 4410, 8820, m_dir.filePath("sel"));
        const nlohmann::json m = readSidecar(sidecarPathFor(file.toStdString()));
        const nlohmann::json& source = m["source_take"];
        QCOMPARE(QString::fromStdString(source["path"].get<std::string>()), m_take.audioPath);
        QCOMPARE(source["first_frame"].get<std::size_t>(), std::size_t(4410));
        QCOMPARE(source["frames"].get<std::size_t>(), std::size_t(8820));
        QCOMPARE(source["kind"], nlohmann::json("selection"));
        QCOMPARE(QString::fromStdString(m["output_path"].get<std::string>()),
                 QFileInfo(file).absoluteFilePath());
        const auto bext = readBroadcastInfo(file.toStdString());
        QCOMPARE(bext->timeReference, std::uint64_t(4410));
        QCOMPARE(QString::fromStdString(bext->codingHistory),
                 QString("A=PCM,F=44100,W=32,M=stereo,T=Footfall %1; clicks; 32-bit float\r\n"
                         "A=PCM,F=44100,W=32,M=stereo,T=Footfall %1; selection; 32-bit float\r\n")
                     .arg(FOOTFALL_VERSION));
        QCOMPARE(readTakeMetadata(file.toStdString())->dump(), m.dump());
    }
    void exportedStepsStartWhereTheyAreInTheTake() {
        ExportOptions o;
        o.folder = m_dir.filePath("steps");
        o.format = AudioFormat::Wav24;
        o.selection = std::make_pair(std::size_t(2205), std::size_t(30000));
        o.trim = true;
        o.sliceSteps = true;
        const ExportResult r = exportTake(m_take, m_audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.files.size(), 2);
        std::size_t previous = 0;
        for (const QString& f : r.files) {
            const nlohmann::json m = readSidecar(sidecarPathFor(f.toStdString()));
            const std::size_t first = m["source_take"]["first_frame"].get<std::size_t>();
            QCOMPARE(readBroadcastInfo(f.toStdString())->timeReference, std::uint64_t(first));
            // The part is the take's audio from `first` on (24-bit: within one code).
            const AudioBuffer part = readAudioFile(f.toStdString());
            QCOMPARE(m["source_take"]["frames"].get<std::size_t>(), part.frames());
            for (std::size_t i = 0; i < part.frames(); i += 50)
                QVERIFY(std::abs(part.sample(0, i) - m_audio.sample(0, first + i)) < 2e-7f);
            QVERIFY(first > previous);
            previous = first;
            QVERIFY(QString::fromStdString(readBroadcastInfo(f.toStdString())->codingHistory)
                        .endsWith("A=PCM,F=44100,W=24,M=stereo,T=Footfall " FOOTFALL_VERSION
                                  "; export\r\n"));
        }
        // Each step starts a little before its click (8820 and 19845 in the take).
        const auto firstOf = [](const QString& f) {
            return readSidecar(sidecarPathFor(f.toStdString()))["source_take"]["first_frame"]
                .get<std::size_t>();
        };
        QVERIFY(firstOf(r.files[0]) <= 8820 && firstOf(r.files[0]) > 8000);
        QVERIFY(firstOf(r.files[1]) <= 19845 && firstOf(r.files[1]) > 19000);
    }
    void ucsExportsNumberStepsInTheFxName() {
        ExportOptions o;
        o.folder = m_dir.filePath("ucs");
        o.format = AudioFormat::Flac;
        o.ucsNaming = true;
        o.sliceSteps = true;
        const ExportResult r = exportTake(m_take, m_audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.files.size(), 2);
        QCOMPARE(QFileInfo(r.files[0]).fileName(),
                 QString("FEETHmn_SchritteAufKiesAengstlich01_FF_FOOTFALL.flac"));
        QCOMPARE(QFileInfo(r.files[1]).fileName(),
                 QString("FEETHmn_SchritteAufKiesAengstlich02_FF_FOOTFALL.flac"));
        const nlohmann::json m = readSidecar(sidecarPathFor(r.files[1].toStdString()));
        QCOMPARE(m["ucs"]["fx_name"], nlohmann::json("SchritteAufKiesAengstlich02"));
        QCOMPARE(m["ucs"]["category"], nlohmann::json("FOOTSTEPS"));
        bool tagged = false;
        for (const auto& [key, value] : readVorbisComments(r.files[1].toStdString()))
            tagged = tagged || (key == "FXNAME" && value == "SchritteAufKiesAengstlich02");
        QVERIFY(tagged);

        o.ucsTemplate = QStringLiteral("FEETBoots_<FXName>_<Creator>_<Source>");
        const ExportResult refused = exportTake(m_take, m_audio, o);
        QVERIFY(refused.files.isEmpty());
        QVERIFY2(refused.error.contains("FEETHmn"), qPrintable(refused.error));
    }
};

QTEST_GUILESS_MAIN(TestExportTags)
#include "tst_export_tags.moc"
