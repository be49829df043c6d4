// A take's analysis as its metadata records it: written in one place, read back exactly, and
// not read at all from metadata that lacks a field.
#include "generation/take_generation.h"
#include "signals.h"

#include <QtTest>

using namespace footfall;

namespace {

bool sameAnalysis(const TakeAnalysis& a, const TakeAnalysis& b) {
    const Loudness &x = a.loudness, &y = b.loudness;
    return a.levels.peak == b.levels.peak && a.levels.rms == b.levels.rms &&
           a.levels.peakDb == b.levels.peakDb && a.levels.rmsDb == b.levels.rmsDb &&
           a.phase.status == b.phase.status && a.phase.correlation == b.phase.correlation &&
           a.phase.message == b.phase.message && x.integratedLufs == y.integratedLufs &&
           x.maxMomentaryLufs == y.maxMomentaryLufs && x.maxShortTermLufs == y.maxShortTermLufs &&
           x.loudnessRangeLu == y.loudnessRangeLu && x.truePeakDbtp == y.truePeakDbtp &&
           x.wholeTakeLufs == y.wholeTakeLufs && x.note == y.note;
}

} // namespace

class TestTakeAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recordedAnalysisReadsBackWhatWasMeasured() {
        // Through text, as a sidecar stores it: doubles come back bit for bit.
        for (const AudioBuffer& audio :
             {test::noise(0.4, 1.2, 5, 2, 44100), test::sine(200, 0.3, 0.3, 1, 48000),
              test::sine(500, 0.5, 0.8, 2, 44100, true), AudioBuffer(2, 44100, 44100)}) {
            const TakeAnalysis measured = analyseTake(audio);
            nlohmann::json metadata = {{"prompt", "boots"}};
            recordAnalysis(metadata, measured);
            const auto back = recordedAnalysis(nlohmann::json::parse(metadata.dump()));
            QVERIFY(back);
            QVERIFY(sameAnalysis(*back, measured));
            QVERIFY(metadata["prompt"] == "boots"); // other keys are left alone
        }
    }

    void recordAnalysisWritesTheEstablishedKeys() {
        const TakeAnalysis a = analyseTake(test::sine(1000, 0.5, 1.0));
        nlohmann::json m = nlohmann::json::object();
        recordAnalysis(m, a);
        QCOMPARE(m["max_amplitude"].get<double>(), a.levels.peak);
        QCOMPARE(m["rms"].get<double>(), a.levels.rms);
        QCOMPARE(m["peak_db"].get<double>(), a.levels.peakDb);
        QCOMPARE(m["rms_db"].get<double>(), a.levels.rmsDb);
        QVERIFY(m["phase_info"] == toJson(a.phase));
        QVERIFY(m["loudness"] == toJson(a.loudness));
        QCOMPARE(m.size(), std::size_t(6));
    }

    void incompleteMetadataIsNotAnAnalysis() {
        nlohmann::json full = nlohmann::json::object();
        recordAnalysis(full, analyseTake(test::noise(0.4, 1.0)));
        QVERIFY(recordedAnalysis(full));
        QVERIFY(!recordedAnalysis(nlohmann::json::object()));
        QVERIFY(!recordedAnalysis(nlohmann::json("not an object")));
        for (const char* key :
             {"max_amplitude", "rms", "peak_db", "rms_db", "phase_info", "loudness"}) {
            nlohmann::json m = full;
            m.erase(key);
            QVERIFY2(!recordedAnalysis(m), key);
        }
        // An older sidecar's loudness without a figure added since, and odd values.
        nlohmann::json old = full;
        old["loudness"].erase("whole_take_lufs");
        QVERIFY(!recordedAnalysis(old));
        nlohmann::json odd = full;
        odd["phase_info"]["status"] = "sideways";
        QVERIFY(!recordedAnalysis(odd));
        odd = full;
        odd["peak_db"] = "loud";
        QVERIFY(!recordedAnalysis(odd));
        // Undefined values (null) are part of a complete record.
        nlohmann::json silent = nlohmann::json::object();
        recordAnalysis(silent, analyseTake(AudioBuffer(2, 4410, 44100)));
        QVERIFY(silent["loudness"]["integrated_lufs"].is_null());
        const auto back = recordedAnalysis(silent);
        QVERIFY(back && !back->loudness.integratedLufs && !back->phase.correlation);
    }

    void phaseInfoFromJsonKnowsEveryStatus() {
        for (const PhaseStatus s :
             {PhaseStatus::Good, PhaseStatus::MildPhaseIssue, PhaseStatus::SeverePhaseIssue,
              PhaseStatus::Mono, PhaseStatus::Silent}) {
            PhaseInfo info;
            info.status = s;
            info.message = "why";
            if (s != PhaseStatus::Mono && s != PhaseStatus::Silent)
                info.correlation = -0.25;
            const auto back = phaseInfoFromJson(toJson(info));
            QVERIFY2(back, phaseStatusName(s));
            QCOMPARE(back->status, s);
            QVERIFY(back->correlation == info.correlation);
            QVERIFY(back->message == info.message);
        }
        QVERIFY(!phaseInfoFromJson({{"correlation", 0.5}}));
    }
};

QTEST_APPLESS_MAIN(TestTakeAnalysis)
#include "tst_take_analysis.moc"
