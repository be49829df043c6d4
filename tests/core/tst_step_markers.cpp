// Every take's footsteps are markers in its file, where the export's step slicer (detectSteps)
// starts each step: a WAV's cue points labelled "step 1", "step 2", ... (cue + LIST/adtl labl),
// a FLAC's FOOTFALL_MARKER_NNN comments. Read back by libsndfile, by the bytes, by readMarkers,
// and by sox where installed; a range of a take keeps the markers inside it, moved.
#include "audio/export_processing.h"
#include "engines/procedural/procedural_engine.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/take_tags.h"
#include "media_tools.h"
#include "scratch_dir.h"
#include "signals.h"

#include <QtTest>

#include <sndfile.h>

#include <fstream>
#include <iterator>
#include <map>

using namespace footfall;

namespace {

std::uint32_t le32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
    return v;
}

// What a WAV's bytes say, read without the code under test: the top-level chunk ids in order,
// the cue points (id -> dwSampleOffset) and the LIST/adtl labl texts (id -> text).
struct RiffMarkers {
    QStringList chunks;
    std::map<std::uint32_t, std::uint32_t> cues;
    std::map<std::uint32_t, std::string> labels;
};

RiffMarkers parseRiff(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    RiffMarkers r;
    if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0)
        return r;
    for (std::size_t pos = 12; pos + 8 <= b.size();) {
        const std::string id = b.substr(pos, 4);
        const std::uint32_t size = le32(b, pos + 4);
        const std::string body = b.substr(pos + 8, size);
        r.chunks << QString::fromStdString(id);
        if (id == "cue ") {
            const std::uint32_t n = le32(body, 0);
            for (std::uint32_t i = 0; i < n; ++i) {
                const std::size_t at = 4 + 24 * std::size_t{i};
                if (body.compare(at + 8, 4, "data") != 0)
                    qWarning("cue point %u is not in the data chunk", i);
                if (le32(body, at + 4) != le32(body, at + 20))
                    qWarning("cue point %u: dwPosition != dwSampleOffset", i);
                r.cues[le32(body, at)] = le32(body, at + 20);
            }
        } else if (id == "LIST" && body.compare(0, 4, "adtl") == 0) {
            for (std::size_t s = 4; s + 8 <= body.size();) {
                const std::uint32_t n = le32(body, s + 4);
                if (body.compare(s, 4, "labl") == 0)
                    r.labels[le32(body, s + 8)] = body.substr(s + 12, n - 4).c_str();
                s += 8 + n + (n % 2);
            }
        }
        pos += 8 + size + (size % 2);
    }
    return r;
}

// libsndfile's cue points: {sample_offset, name}.
std::vector<std::pair<std::uint32_t, std::string>> libsndfileCues(const std::string& path,
                                                                  QByteArray* log = nullptr) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f)
        return {};
    std::vector<std::pair<std::uint32_t, std::string>> out;
    std::uint32_t count = 0;
    if (sf_command(f, SFC_GET_CUE_COUNT, &count, sizeof count) == SF_TRUE) {
        SF_CUES cues{};
        if (sf_command(f, SFC_GET_CUE, &cues, sizeof cues) == SF_TRUE)
            for (std::uint32_t i = 0; i < cues.cue_count; ++i)
                out.emplace_back(cues.cue_points[i].sample_offset, cues.cue_points[i].name);
    }
    if (log) {
        char text[16384] = "";
        sf_command(f, SFC_GET_LOG_INFO, text, sizeof text);
        *log = text;
    }
    sf_close(f);
    return out;
}

Take proceduralTake(AudioFormat format, const std::string& folder, double seconds = 4.0) {
    auto engine = makeProceduralEngine();
    GenerationRequest r;
    r.prompt = "boots on gravel, walking";
    r.durationSeconds = seconds;
    r.seed = 31;
    OutputOptions o;
    o.folder = folder;
    o.format = format;
    return generateTakes(*engine, r, o, {}, nullptr).front();
}

// The slicer's steps in a file's samples, as the markers a file of them should carry.
CueMarkers slicerMarkers(const std::string& path) {
    CueMarkers m;
    for (const FrameRange& step : detectSteps(readAudioFile(path)))
        m.push_back({step.first, "step " + std::to_string(m.size() + 1)});
    return m;
}

} // namespace

class TestStepMarkers : public QObject {
    Q_OBJECT
private:
    test::ScratchDir m_dir;

private Q_SLOTS:
    void wavTakesCarryTheSlicersStepsAsCuePoints_data() {
        QTest::addColumn<int>("format");
        QTest::newRow("wav32f") << int(AudioFormat::Wav32Float);
        QTest::newRow("wav24") << int(AudioFormat::Wav24);
        QTest::newRow("wav16") << int(AudioFormat::Wav16);
    }
    void wavTakesCarryTheSlicersStepsAsCuePoints() {
        QFETCH(int, format);
        const auto f = static_cast<AudioFormat>(format);
        const Take take = proceduralTake(f, m_dir.file("wav_" + audioFormatName(f)));
        const CueMarkers steps = slicerMarkers(take.audioPath);
        // One marker per footstep the engine placed (a heel and its toe are one step).
        const int planned = take.metadata["engine_details"]["step_count"].get<int>();
        QVERIFY2(std::abs(int(steps.size()) - planned) <= 1,
                 qPrintable(
                     QStringLiteral("%1 steps found, %2 planned").arg(steps.size()).arg(planned)));

        // libsndfile: one cue point per step, at the slicer's start, named by its labl.
        QByteArray log;
        const auto cues = libsndfileCues(take.audioPath, &log);
        QCOMPARE(cues.size(), steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            QCOMPARE(std::uint64_t{cues[i].first}, steps[i].frame);
            QCOMPARE(QString::fromStdString(cues[i].second),
                     QString::fromStdString(steps[i].label));
        }
        QVERIFY2(!log.contains("***"), log.constData()); // libsndfile's mark for a bad chunk

        // The bytes: cue ids 1..n, each with its labl; bext and iXML kept, all before data.
        const RiffMarkers riff = parseRiff(take.audioPath);
        QStringList expected{"fmt "};
        if (f == AudioFormat::Wav32Float)
            expected << "fact";
        expected << "bext"
                 << "iXML"
                 << "cue "
                 << "LIST"
                 << "data";
        QCOMPARE(riff.chunks, expected);
        QCOMPARE(riff.cues.size(), steps.size());
        QCOMPARE(riff.labels.size(), steps.size());
        for (std::uint32_t id = 1; id <= steps.size(); ++id) {
            QCOMPARE(std::uint64_t{riff.cues.at(id)}, steps[id - 1].frame);
            QCOMPARE(riff.labels.at(id), "step " + std::to_string(id));
        }
        QVERIFY(readBroadcastInfo(take.audioPath).has_value());
        QVERIFY(readTakeMetadata(take.audioPath).has_value());

        // Footfall's own reader.
        QVERIFY(readMarkers(take.audioPath) == steps);
    }

    void flacTakesCarryMarkerComments() {
        const Take take = proceduralTake(AudioFormat::Flac, m_dir.file("flac"));
        const CueMarkers steps = slicerMarkers(take.audioPath);
        QVERIFY(steps.size() >= 4);
        std::map<std::string, std::string> markerTags;
        for (const auto& [key, value] : readVorbisComments(take.audioPath))
            if (QString::fromStdString(key).startsWith("FOOTFALL_MARKER_"))
                markerTags[key] = value;
        QCOMPARE(markerTags.size(), steps.size());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            const std::string key = QString("FOOTFALL_MARKER_%1")
                                        .arg(int(i + 1), 3, 10, QLatin1Char('0'))
                                        .toStdString();
            QCOMPARE(markerTags[key],
                     std::to_string(steps[i].frame) + " step " + std::to_string(i + 1));
        }
        QVERIFY(readMarkers(take.audioPath) == steps);
        QVERIFY(readTakeMetadata(take.audioPath).has_value()); // the other tags are still there
    }

    void soxReadsAMarkedTakeWithoutWarnings() {
        FOOTFALL_REQUIRE_TOOL("sox");
        for (AudioFormat f : {AudioFormat::Wav32Float, AudioFormat::Wav24, AudioFormat::Flac}) {
            const Take take = proceduralTake(f, m_dir.file("sox_" + audioFormatName(f)), 2.0);
            QVERIFY(!readMarkers(take.audioPath).empty());
            const QString p = QString::fromStdString(take.audioPath);
            test::ToolRun r = test::runTool("sox", {"--i", p});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.err.contains("WARN") && !r.out.contains("WARN"), r.err.constData());
            r = test::runTool("sox", {p, "-n", "stat"}); // decodes every sample
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.err.contains("WARN") && !r.err.contains("FAIL"), r.err.constData());
        }
    }

    void mediainfoStillReadsTheTags() {
        FOOTFALL_REQUIRE_TOOL("mediainfo");
        const Take take = proceduralTake(AudioFormat::Wav24, m_dir.file("mediainfo"), 2.0);
        QVERIFY(!readMarkers(take.audioPath).empty());
        const QJsonObject general =
            test::mediainfoTrack(QString::fromStdString(take.audioPath), "General");
        QCOMPARE(general["Description"].toString(), QString("boots on gravel, walking"));
        QCOMPARE(test::mediainfoTrack(QString::fromStdString(take.audioPath), "Audio")["BitDepth"]
                     .toString(),
                 QString("24"));
    }

    void aRangeKeepsTheMarkersInsideItMoved() {
        const CueMarkers take{{100, "step 1"}, {500, "step 2"}, {900, "step 3"}};
        const CueMarkers inside = markersInRange(take, 400, 500); // frames 400..899
        QCOMPARE(inside.size(), std::size_t(1));
        QCOMPARE(inside[0].frame, std::uint64_t(100));
        QCOMPARE(inside[0].label, std::string("step 2")); // the take's numbering
        QVERIFY(markersInRange(take, 0, 100).empty());
        QCOMPARE(markersInRange(take, 0, 101).size(), std::size_t(1));
        QCOMPARE(markersInRange(take, 0, 10000).size(), std::size_t(3));
        QVERIFY(markersInRange(take, 901, 10000).empty());

        // Written and read back from a file of the range.
        const AudioBuffer part = test::sine(440, 0.5, 500.0 / 44100.0);
        WriteOptions o;
        o.markers = inside;
        for (AudioFormat f : {AudioFormat::Wav24, AudioFormat::Flac}) {
            o.format = f;
            const std::string p = m_dir.file("range." + audioFormatExtension(f));
            writeAudioFile(p, part, o);
            QVERIFY(readMarkers(p) == inside);
        }
    }

    void aMarkerPastTheEndIsRefused() {
        WriteOptions o;
        const AudioBuffer a = test::sine(440, 0.5, 0.01); // 441 frames
        o.markers = {{441, "step 1"}};
        const std::string p = m_dir.file("past_end.wav");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, writeAudioFile(p, a, o));
        QVERIFY(!QFileInfo::exists(QString::fromStdString(p)));
        o.markers = {{440, "step 1"}};
        writeAudioFile(p, a, o);
        QCOMPARE(readMarkers(p).size(), std::size_t(1));
    }

    void aFileWithoutMarkersGetsTheSlicersSteps() {
        // A take written before markers existed: takeMarkers finds its steps in the audio.
        const Take take = proceduralTake(AudioFormat::Wav32Float, m_dir.file("old"), 2.0);
        const std::string old = m_dir.file("old/unmarked.wav");
        writeAudioFile(old, take.audio, WriteOptions{});
        QVERIFY(readMarkers(old).empty());
        QVERIFY(libsndfileCues(old).empty());
        QVERIFY(takeMarkers(old, readAudioFile(old)) == slicerMarkers(take.audioPath));
    }
};

QTEST_GUILESS_MAIN(TestStepMarkers)
#include "tst_step_markers.moc"
