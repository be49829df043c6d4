// Levels and phase correlation against signals with known answers.
#include "audio/analysis.h"
#include "signals.h"

#include <QtTest>

using namespace footfall;

class TestAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sineRmsIsPeakOverSqrt2() {
        const auto s = test::sine(1000, 0.8, 1.0);
        const auto levels = measureLevels(s);
        QVERIFY(std::abs(levels.peak - 0.8) < 1e-3);
        QVERIFY(std::abs(levels.rms - 0.8 / std::sqrt(2.0)) < 1e-4);
    }
    void halfScaleIsMinus6dB() {
        QVERIFY(std::abs(toDbfs(0.5) - (-6.0206)) < 1e-4);
        QCOMPARE(toDbfs(1.0), 0.0);
    }
    void silenceHasAFloorNotInfinity() {
        AudioBuffer silent(2, 44100, 44100);
        const auto levels = measureLevels(silent);
        QCOMPARE(levels.peakDb, kSilenceFloorDb);
        QCOMPARE(levels.rmsDb, kSilenceFloorDb);
        QCOMPARE(toDbfs(std::nan("")), kSilenceFloorDb);
        QCOMPARE(toDbfs(-1.0), kSilenceFloorDb);
    }
    void identicalChannelsCorrelatePlusOne() {
        const auto info = analysePhase(test::sine(440, 0.5, 1.0));
        QVERIFY(info.correlation.has_value());
        QVERIFY(std::abs(*info.correlation - 1.0) < 1e-9);
        QCOMPARE(info.status, PhaseStatus::Mono); // dual mono is named as such
    }
    void nearlyIdenticalChannelsAreGood() {
        auto s = test::sine(440, 0.5, 1.0);
        s.channel(1)[100] += 0.01f;
        const auto info = analysePhase(s);
        QCOMPARE(info.status, PhaseStatus::Good);
        QVERIFY(*info.correlation > 0.999);
    }
    void invertedChannelsCorrelateMinusOne() {
        const auto info = analysePhase(test::sine(440, 0.5, 1.0, 2, 44100, true));
        QVERIFY(std::abs(*info.correlation + 1.0) < 1e-9);
        QCOMPARE(info.status, PhaseStatus::SeverePhaseIssue);
        QCOMPARE(QString(phaseStatusName(info.status)), QString("severe_phase_issue"));
    }
    void independentNoiseCorrelatesNearZero() {
        const auto info = analysePhase(test::noise(0.5, 2.0));
        QVERIFY(std::abs(*info.correlation) < 0.02);
        QCOMPARE(info.status, PhaseStatus::Good);
    }
    void classificationThresholds() {
        QCOMPARE(classifyCorrelation(-0.71).status, PhaseStatus::SeverePhaseIssue);
        QCOMPARE(classifyCorrelation(-0.7).status, PhaseStatus::MildPhaseIssue);
        QCOMPARE(classifyCorrelation(-0.5).status, PhaseStatus::MildPhaseIssue);
        QCOMPARE(classifyCorrelation(-0.3).status, PhaseStatus::MildPhaseIssue);
        QCOMPARE(classifyCorrelation(-0.29).status, PhaseStatus::Good);
        QVERIFY(!classifyCorrelation(0.5).message.empty());
    }
    void monoAndSilentHaveTheirOwnStatus() {
        AudioBuffer mono = test::sine(440, 0.5, 0.5, 1);
        const auto m = analysePhase(mono);
        QCOMPARE(m.status, PhaseStatus::Mono);
        QVERIFY(!m.correlation);
        AudioBuffer silent(2, 1000, 44100);
        const auto s = analysePhase(silent);
        QCOMPARE(s.status, PhaseStatus::Silent);
        QVERIFY(!s.correlation);
        const auto j = toJson(s);
        QVERIFY(j["correlation"].is_null());
        QCOMPARE(QString::fromStdString(j["status"].get<std::string>()), QString("silent"));
        // One dead channel: no division by zero.
        auto oneSided = test::sine(440, 0.5, 0.5);
        std::fill(oneSided.channelVector(1).begin(), oneSided.channelVector(1).end(), 0.0f);
        QCOMPARE(analysePhase(oneSided).status, PhaseStatus::Silent);
    }
    void meterFollowsTheConvention() {
        // In phase, inverted and independent material settle at +1, -1 and ~0.
        CorrelationMeter meter(44100);
        auto inPhase = test::sine(300, 0.5, 1.0);
        meter.process(inPhase.channel(0), inPhase.channel(1), inPhase.frames());
        QVERIFY(std::abs(*meter.value() - 1.0) < 1e-6);
        meter.reset();
        auto inverted = test::sine(300, 0.5, 1.0, 2, 44100, true);
        meter.process(inverted.channel(0), inverted.channel(1), inverted.frames());
        QVERIFY(std::abs(*meter.value() + 1.0) < 1e-6);
        meter.reset();
        auto independent = test::noise(0.5, 3.0, 7);
        meter.process(independent.channel(0), independent.channel(1), independent.frames());
        QVERIFY(std::abs(*meter.value()) < 0.15);
    }
    void meterIntegratesWithTauPointThree() {
        // After switching from in-phase to inverted, the reading crosses zero after about
        // tau*ln2 of the integrators (both LR and LL/RR move): within 0.1..0.5 s.
        CorrelationMeter meter(44100);
        auto a = test::sine(200, 0.5, 2.0);
        meter.process(a.channel(0), a.channel(1), a.frames());
        auto b = test::sine(200, 0.5, 2.0, 2, 44100, true);
        const std::size_t hop = 441;
        double crossing = -1;
        for (std::size_t pos = 0; pos < b.frames(); pos += hop) {
            meter.process(b.channel(0) + pos, b.channel(1) + pos, hop);
            if (crossing < 0 && *meter.value() < 0)
                crossing = (pos + hop) / 44100.0;
        }
        QVERIFY2(crossing > 0.1 && crossing < 0.5, qPrintable(QString::number(crossing)));
    }
    void meterGatesSilence() {
        CorrelationMeter meter(44100);
        AudioBuffer silent(2, 44100, 44100);
        meter.process(silent.channel(0), silent.channel(1), silent.frames());
        QVERIFY(!meter.value().has_value());
        auto series = correlationSeries(silent, 4410);
        QCOMPARE(series.size(), std::size_t(10));
        for (const auto& v : series)
            QVERIFY(!v.has_value());
    }
    void highFrequenciesAreLowPassedBeforeCorrelating() {
        // A 10 kHz inverted tone under a 200 Hz in-phase tone of equal level: the 2 kHz
        // low-pass removes most of the inverted part, so the meter stays clearly positive
        // while the broadband Pearson value is near zero.
        auto low = test::sine(200, 0.3, 2.0);
        auto high = test::sine(10000, 0.3, 2.0, 2, 44100, true);
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < low.frames(); ++i)
                low.channel(c)[i] += high.channel(c)[i];
        CorrelationMeter meter(44100);
        meter.process(low.channel(0), low.channel(1), low.frames());
        QVERIFY(*meter.value() > 0.8);
        QVERIFY(std::abs(*analysePhase(low).correlation) < 0.05);
    }
};

QTEST_APPLESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
