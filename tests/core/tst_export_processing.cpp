// Export processing on known signals: gain, peak and loudness normalisation, silence trimming,
// raised-cosine fades and step slicing. Plain core code, no Qt widgets.
#include "audio/analysis.h"
#include "audio/export_processing.h"
#include "audio/loudness.h"

#include <QtTest>

#include "signals.h"

#include <cmath>

using namespace footfall;

namespace {

constexpr int kRate = 48000;

// `count` short decaying bursts, `gapMs` apart, after 100 ms of silence.
// Footsteps of two bursts each, a heel and a quieter toe `heelToeMs` later, `stepMs` apart.
AudioBuffer heelToeWalk(int steps, double stepMs, double heelToeMs) {
    AudioBuffer b(2, static_cast<std::size_t>((0.3 + steps * stepMs / 1000.0) * kRate), kRate);
    for (int k = 0; k < steps; ++k)
        for (const auto& [offsetMs, amplitude] : {std::pair{0.0, 0.8}, std::pair{heelToeMs, 0.5}}) {
            const auto start =
                static_cast<std::size_t>((0.1 + (k * stepMs + offsetMs) / 1000.0) * kRate);
            for (std::size_t i = 0; i < std::size_t(kRate / 25) && start + i < b.frames(); ++i)
                for (int c = 0; c < 2; ++c)
                    b.channel(c)[start + i] +=
                        static_cast<float>(amplitude * std::exp(-double(i) / (kRate * 0.006)) *
                                           std::sin(2 * M_PI * 240 * i / kRate));
        }
    return b;
}

AudioBuffer bursts(int count, double gapMs) {
    AudioBuffer b(2, static_cast<std::size_t>((0.2 + count * gapMs / 1000.0) * kRate), kRate);
    for (int k = 0; k < count; ++k) {
        const std::size_t start = static_cast<std::size_t>((0.1 + k * gapMs / 1000.0) * kRate);
        for (std::size_t i = 0; i < std::size_t(kRate / 20) && start + i < b.frames(); ++i) {
            const float v = static_cast<float>(0.8 * std::exp(-double(i) / (kRate * 0.01)) *
                                               std::sin(2 * M_PI * 180 * i / kRate));
            b.channel(0)[start + i] = v;
            b.channel(1)[start + i] = v;
        }
    }
    return b;
}

} // namespace

class TestExportProcessing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void gainAndPeakNormalisation() {
        AudioBuffer g = test::sine(440, 0.5, 0.5, 2, kRate);
        applyGainDb(g, -6.0206);
        QVERIFY(std::abs(samplePeak(g) - 0.25) < 1e-3);

        AudioBuffer b = test::sine(440, 0.25, 1.0, 2, kRate);
        const double gain = normaliseToPeak(b, -1.0);
        QVERIFY(std::abs(gain - (-1.0 - 20 * std::log10(0.25))) < 0.01);
        QVERIFY(std::abs(toDbfs(samplePeak(b)) + 1.0) < 0.01);

        AudioBuffer silence(2, kRate, kRate);
        QCOMPARE(normaliseToPeak(silence, -1.0), 0.0);
        QCOMPARE(samplePeak(silence), 0.0);
        QVERIFY(!normaliseToLoudness(silence, -23.0));
    }

    void loudnessNormalisationRespectsTheCeiling() {
        AudioBuffer n = test::noise(0.35, 3.0, 7, 2, kRate);
        const auto g = normaliseToLoudness(n, -30.0, -1.0);
        QVERIFY(g);
        const auto l = measureLoudness(n);
        QVERIFY(l.integratedLufs);
        QVERIFY2(std::abs(*l.integratedLufs + 30.0) < 0.3,
                 qPrintable(QString::number(*l.integratedLufs)));

        // Asking for 0 LUFS from noise would clip: the peak ceiling holds it at -1 dBFS.
        AudioBuffer loud = test::noise(0.35, 3.0, 7, 2, kRate);
        QVERIFY(normaliseToLoudness(loud, 0.0, -1.0));
        QVERIFY2(toDbfs(samplePeak(loud)) <= -1.0 + 1e-3,
                 qPrintable(QString::number(toDbfs(samplePeak(loud)))));
    }

    void trimsSilenceRelativeToThePeak() {
        AudioBuffer walk = bursts(3, 300);
        const FrameRange r = findNonSilentRange(walk, -40.0, 0.0);
        QVERIFY(r.first >= std::size_t(0.099 * kRate) && r.first <= std::size_t(0.101 * kRate));
        QVERIFY(r.first + r.count < walk.frames());
        const FrameRange padded = findNonSilentRange(walk, -40.0, 10.0);
        QCOMPARE(padded.first, r.first - std::size_t(0.010 * kRate));
        QVERIFY(trimSilence(walk).frames() < walk.frames());
        QCOMPARE(trimSilence(AudioBuffer(2, 1000, kRate)).frames(), std::size_t(0));
        QCOMPARE(findNonSilentRange(AudioBuffer(2, 1000, kRate)).count, std::size_t(0));
    }

    void raisedCosineFades() {
        AudioBuffer f(2, kRate, kRate);
        for (int c = 0; c < 2; ++c)
            std::fill(f.channelVector(c).begin(), f.channelVector(c).end(), 0.5f);
        applyFades(f, 100, 200);
        QCOMPARE(f.channel(0)[0], 0.0f);
        QCOMPARE(f.channel(0)[f.frames() - 1], 0.0f);
        QVERIFY(std::abs(f.channel(0)[kRate / 2] - 0.5f) < 1e-6);
        QVERIFY(f.channel(0)[kRate / 20] < 0.5f && f.channel(0)[kRate / 20] > 0.0f);
        // Half-way through a raised-cosine fade-in the gain is 0.5.
        QVERIFY(std::abs(f.channel(1)[kRate / 20] - 0.25f) < 0.01f);
    }

    void detectsEachStep() {
        const AudioBuffer walk = bursts(6, 400);
        const auto steps = detectSteps(walk);
        QCOMPARE(int(steps.size()), 6);
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const double onset = (0.1 + k * 0.4) * kRate;
            QVERIFY(std::abs(double(steps[k].first) - onset) < 0.01 * kRate);
        }
        // Each step runs to the next onset; the last to the end of the take.
        for (std::size_t k = 0; k + 1 < steps.size(); ++k)
            QCOMPARE(steps[k].first + steps[k].count, steps[k + 1].first);
        QCOMPARE(steps.back().first + steps.back().count, walk.frames());
        QVERIFY(detectSteps(AudioBuffer(2, kRate, kRate)).empty());
        // Two bursts closer than minGapMs count as one step.
        StepDetection strict;
        strict.minGapMs = 500.0;
        QCOMPARE(int(detectSteps(bursts(4, 300), strict).size()), 2);
    }

    void aHeelAndItsToeAreOneStep() {
        // 8 steps 550 ms apart, each a heel and a toe 160 ms later: the walk's period sets the
        // gap, so each step starts at its heel.
        const AudioBuffer walk = heelToeWalk(8, 550, 160);
        const std::optional<double> period = stepPeriodSeconds(walk);
        QVERIFY(period.has_value());
        QVERIFY2(std::abs(*period - 0.55) <= 0.02, qPrintable(QString::number(*period)));
        const auto steps = detectSteps(walk);
        QCOMPARE(int(steps.size()), 8);
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const double heel = (0.1 + k * 0.55) * kRate;
            QVERIFY(std::abs(double(steps[k].first) - heel) < 0.01 * kRate);
        }
        // Without the period, the fixed gap counts heels and toes apart.
        StepDetection fixedGap;
        fixedGap.periodFraction = 0.0;
        QCOMPARE(int(detectSteps(walk, fixedGap).size()), 16);
        // Fast steps keep their own: a run at 300 ms with 40 ms heel-to-toe.
        QCOMPARE(int(detectSteps(heelToeWalk(12, 300, 40)).size()), 12);
        // No repetition, no period: a single burst.
        QVERIFY(!stepPeriodSeconds(bursts(1, 400)).has_value());
    }
};

QTEST_APPLESS_MAIN(TestExportProcessing)
#include "tst_export_processing.moc"
