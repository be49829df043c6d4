// Files cut from a take carry the take's step markers that fall inside them, moved to the
// file's first frame, with the take's numbering: exported selections (WAV and FLAC), dragged
// selections, and the slicer's steps, each of which starts exactly on its own marker.
#include "export/take_drag.h"
#include "export/take_exporter.h"

#include "engines/procedural/procedural_engine.h"
#include "generation/take_generation.h"
#include "io/audio_file.h"
#include "io/metadata.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace footfall;
using namespace footfall::ui;

class TestExportMarkers : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    TakeRecord m_take;
    AudioBuffer m_audio;
    CueMarkers m_markers; // the take file's own

    // The take's markers in [first, first + count), independently of markersInRange.
    CueMarkers expectedIn(std::size_t first, std::size_t count) const {
        CueMarkers out;
        for (const CueMarker& m : m_markers)
            if (m.frame >= first && m.frame < first + count)
                out.push_back({m.frame - first, m.label});
        return out;
    }

private Q_SLOTS:
    void initTestCase() {
        auto engine = makeProceduralEngine();
        GenerationRequest r;
        r.prompt = "boots on gravel, walking";
        r.durationSeconds = 4.0;
        r.seed = 5;
        OutputOptions o;
        o.folder = m_dir.filePath("takes").toStdString();
        const Take t = generateTakes(*engine, r, o, {}, nullptr).front();
        m_take.audioPath = QString::fromStdString(t.audioPath);
        m_take.sidecarPath = QString::fromStdString(t.sidecarPath);
        m_take.metadata = t.metadata;
        m_audio = readAudioFile(t.audioPath);
        m_markers = readMarkers(t.audioPath);
        QVERIFY2(m_markers.size() >= 6, "a 4 s walk has several steps");
    }

    void exportedSelectionsCarryTheirMarkersMoved() {
        // From just after the second marker to just after the fifth: markers 3, 4, 5 inside.
        const std::size_t first = m_markers[1].frame + 10;
        const std::size_t count = m_markers[4].frame + 10 - first;
        const CueMarkers expected = expectedIn(first, count);
        QCOMPARE(expected.size(), std::size_t(3));
        QCOMPARE(expected.front().label, std::string("step 3"));
        for (AudioFormat f : {AudioFormat::Wav24, AudioFormat::Flac}) {
            ExportOptions o;
            o.folder = m_dir.filePath(QString::fromStdString("sel_" + audioFormatName(f)));
            o.format = f;
            o.selection = std::make_pair(first, count);
            o.normalise = ExportOptions::Normalise::Peak; // gain does not move markers
            const ExportResult r = exportTake(m_take, m_audio, o);
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
            QCOMPARE(r.files.size(), 1);
            QVERIFY(readMarkers(r.files[0].toStdString()) == expected);
        }
    }

    void trimmedExportsCountFromTheirFirstKeptFrame() {
        ExportOptions o;
        o.folder = m_dir.filePath("trim");
        o.trim = true;
        const ExportResult r = exportTake(m_take, m_audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const nlohmann::json m = readSidecar(sidecarPathFor(r.files[0].toStdString()));
        const auto first = m["source_take"]["first_frame"].get<std::size_t>();
        const auto frames = m["source_take"]["frames"].get<std::size_t>();
        QVERIFY(first > 0); // the walk starts after a moment of silence
        QVERIFY(readMarkers(r.files[0].toStdString()) == expectedIn(first, frames));
    }

    void draggedSelectionsCarryTheirMarkersMoved() {
        const std::size_t first = m_markers[2].frame - 100;
        const std::size_t count = 44100;
        const QString file =
            writeSelectionFile(m_take, m_audio, first, count, m_dir.filePath("drag"));
        const CueMarkers expected = expectedIn(first, count);
        QVERIFY(!expected.empty());
        QCOMPARE(expected.front().frame, std::uint64_t(100));
        QVERIFY(readMarkers(file.toStdString()) == expected);
    }

    void eachSlicedStepStartsOnItsMarker() {
        ExportOptions o;
        o.folder = m_dir.filePath("steps");
        o.sliceSteps = true;
        const ExportResult r = exportTake(m_take, m_audio, o);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        // The slicer and the markers agree: as many files as markers, file k starting at
        // marker k and carrying only it, at its first frame.
        QCOMPARE(std::size_t(r.files.size()), m_markers.size());
        for (std::size_t k = 0; k < m_markers.size(); ++k) {
            const std::string f = r.files[int(k)].toStdString();
            const nlohmann::json m = readSidecar(sidecarPathFor(f));
            QCOMPARE(m["source_take"]["first_frame"].get<std::uint64_t>(), m_markers[k].frame);
            const CueMarkers own = readMarkers(f);
            QCOMPARE(own.size(), std::size_t(1));
            QCOMPARE(own[0].frame, std::uint64_t(0));
            QCOMPARE(own[0].label, m_markers[k].label);
        }
    }
};

QTEST_MAIN(TestExportMarkers)
#include "tst_export_markers.moc"
