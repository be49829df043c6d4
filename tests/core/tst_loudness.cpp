// EBU R128 loudness of signals whose loudness EBU Tech 3341 predicts.
#include "audio/loudness.h"
#include "signals.h"

#include <ebur128.h>

#include <QtTest>

#include <cmath>

using namespace footfall;

class TestLoudness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stereoSineAtMinus20dBFSIsMinus20LUFS() {
        // Tech 3341 case 1 scaled: a 1 kHz sine at X dBFS in both channels reads X LUFS
        // (M, S and I) within 0.1 LU; constant level gives LRA 0; true peak = sample peak.
        const double amplitude = std::pow(10.0, -20.0 / 20.0);
        const auto s = test::sine(1000, amplitude, 20.0);
        const auto l = measureLoudness(s);
        QVERIFY(l.integratedLufs.has_value());
        QVERIFY2(std::abs(*l.integratedLufs + 20.0) < 0.1,
                 qPrintable(QString::number(*l.integratedLufs)));
        QVERIFY(std::abs(*l.maxMomentaryLufs + 20.0) < 0.1);
        QVERIFY(std::abs(*l.maxShortTermLufs + 20.0) < 0.1);
        QVERIFY(std::abs(*l.loudnessRangeLu) < 0.1);
        QVERIFY(std::abs(*l.truePeakDbtp + 20.0) < 0.2);
        QVERIFY(std::abs(*l.wholeTakeLufs + 20.0) < 0.1);
    }
    void tech3341Case2() {
        // 1 kHz at -33 dBFS reads -33 LUFS.
        const auto s = test::sine(1000, std::pow(10.0, -33.0 / 20.0), 20.0);
        const auto l = measureLoudness(s);
        QVERIFY(std::abs(*l.integratedLufs + 33.0) < 0.1);
    }
    void relativeGateIgnoresQuietPassages() {
        // Tech 3341 case 3 style: 10 s at -36, 60 s at -23, 10 s at -36 gives -23 LUFS.
        auto quiet = test::sine(1000, std::pow(10.0, -36.0 / 20.0), 10.0);
        auto loud = test::sine(1000, std::pow(10.0, -23.0 / 20.0), 60.0);
        AudioBuffer all(2, quiet.frames() * 2 + loud.frames(), 44100);
        for (int c = 0; c < 2; ++c) {
            auto* d = all.channel(c);
            std::copy(quiet.channel(c), quiet.channel(c) + quiet.frames(), d);
            std::copy(loud.channel(c), loud.channel(c) + loud.frames(), d + quiet.frames());
            std::copy(quiet.channel(c), quiet.channel(c) + quiet.frames(),
                      d + quiet.frames() + loud.frames());
        }
        const auto l = measureLoudness(all);
        QVERIFY2(std::abs(*l.integratedLufs + 23.0) < 0.1,
                 qPrintable(QString::number(*l.integratedLufs)));
    }
    void shortTakeSaysIntegratedIsUndefined() {
        const auto s = test::sine(1000, 0.1, 0.3);
        const auto l = measureLoudness(s);
        QVERIFY(!l.integratedLufs.has_value());
        QVERIFY(!l.maxMomentaryLufs.has_value());
        QVERIFY(!l.maxShortTermLufs.has_value());
        QVERIFY(l.truePeakDbtp.has_value());
        QVERIFY(QString::fromStdString(l.note).contains("400 ms"));
        const auto j = toJson(l);
        QVERIFY(j["integrated_lufs"].is_null());
        QVERIFY(!j["true_peak_dbtp"].is_null());
    }
    // A short one-shot's whole-take loudness against libebur128's own window measure, at two
    // sample rates and for tones where K-weighting matters (low cut, high shelf).
    void shortTakeWholeLoudnessMatchesLibebur128() {
        for (const int rate : {44100, 48000})
            for (const double hz : {50.0, 997.0, 8000.0}) {
                AudioBuffer a(2, static_cast<std::size_t>(1.3 * rate), rate);
                for (std::size_t i = 0; i < a.frames(); ++i) {
                    const double env = std::exp(-3.0 * double(i) / rate);
                    a.channel(0)[i] = float(0.5 * env * std::sin(2 * M_PI * hz * i / rate));
                    a.channel(1)[i] = float(0.25 * env * std::sin(2 * M_PI * hz * i / rate + 1));
                }
                const Loudness l = measureLoudness(a);
                QVERIFY(l.wholeTakeLufs);
                ebur128_state* st =
                    ebur128_init(2, static_cast<unsigned long>(rate), EBUR128_MODE_M);
                QVERIFY(st);
                const auto window = static_cast<unsigned long>(a.durationSeconds() * 1000.0);
                QCOMPARE(ebur128_set_max_window(st, window), EBUR128_SUCCESS);
                const auto inter = a.interleaved();
                ebur128_add_frames_float(st, inter.data(), a.frames());
                double reference = 0;
                QCOMPARE(ebur128_loudness_window(st, window, &reference), EBUR128_SUCCESS);
                ebur128_destroy(&st);
                qInfo("%d Hz tone at %d Hz: %.4f LUFS, libebur128 %.4f", int(hz), rate,
                      *l.wholeTakeLufs, reference);
                QVERIFY(std::abs(*l.wholeTakeLufs - reference) < 0.02);
            }
    }
    void silenceIsUndefinedNotMinusInfinity() {
        AudioBuffer silent(2, 44100 * 5, 44100);
        const auto l = measureLoudness(silent);
        QVERIFY(!l.integratedLufs.has_value());
        QVERIFY(!l.truePeakDbtp.has_value());
        const std::string dumped = toJson(l).dump();
        QVERIFY(dumped.find("inf") == std::string::npos);
        QVERIFY(dumped.find("nan") == std::string::npos);
    }
    void truePeakExceedsSamplePeakForInterSampleOvers() {
        // fs/4 sine sampled at 45 degrees: samples at 0.707 of the true peak of 1.0.
        AudioBuffer b(2, 44100, 44100);
        for (std::size_t i = 0; i < b.frames(); ++i)
            for (int c = 0; c < 2; ++c)
                b.channel(c)[i] = static_cast<float>(std::sin(M_PI / 2 * i + M_PI / 4));
        const auto l = measureLoudness(b);
        QVERIFY2(*l.truePeakDbtp > -1.0, qPrintable(QString::number(*l.truePeakDbtp)));
    }
    void rankingTakesIntegratedThenWholeTakeThenMomentary() {
        Loudness l;
        QVERIFY(!loudnessForRanking(l)); // nothing defined (silence): nothing to rank by
        l.maxMomentaryLufs = -30.0;
        QCOMPARE(*loudnessForRanking(l), -30.0);
        l.wholeTakeLufs = -25.0;
        QCOMPARE(*loudnessForRanking(l), -25.0);
        l.integratedLufs = -20.0;
        QCOMPARE(*loudnessForRanking(l), -20.0);
        l.maxShortTermLufs = -10.0; // never a ranking figure
        l.truePeakDbtp = -1.0;
        QCOMPARE(*loudnessForRanking(l), -20.0);
        // A take below the -70 LUFS absolute gate has no integrated loudness: it is ranked by
        // its whole-take loudness.
        const Loudness faint = measureLoudness(test::sine(1000, std::pow(10.0, -75.0 / 20.0), 1.0));
        QVERIFY(!faint.integratedLufs && faint.wholeTakeLufs);
        QCOMPARE(*loudnessForRanking(faint), *faint.wholeTakeLufs);
        const Loudness walk = measureLoudness(test::sine(1000, 0.1, 5.0));
        QCOMPARE(*loudnessForRanking(walk), *walk.integratedLufs);
        QVERIFY(!loudnessForRanking(measureLoudness(AudioBuffer(2, 44100, 44100))));
    }
    void jsonRoundTripKeepsUndefinedValuesEmpty() {
        // A short take (mostly undefined) and a long one (every value defined), through text.
        for (const double seconds : {0.3, 5.0}) {
            const Loudness l = measureLoudness(test::noise(0.3, seconds));
            const Loudness back = loudnessFromJson(nlohmann::json::parse(toJson(l).dump()));
            QVERIFY(back.integratedLufs == l.integratedLufs);
            QVERIFY(back.maxMomentaryLufs == l.maxMomentaryLufs);
            QVERIFY(back.maxShortTermLufs == l.maxShortTermLufs);
            QVERIFY(back.loudnessRangeLu == l.loudnessRangeLu);
            QVERIFY(back.truePeakDbtp == l.truePeakDbtp);
            QVERIFY(back.wholeTakeLufs == l.wholeTakeLufs);
            QVERIFY(back.note == l.note);
        }
        // Missing keys and odd values read as undefined, not as an error.
        const Loudness partial =
            loudnessFromJson({{"integrated_lufs", "loud"}, {"whole_take_lufs", -20.5}});
        QVERIFY(!partial.integratedLufs && !partial.maxMomentaryLufs);
        QCOMPARE(*partial.wholeTakeLufs, -20.5);
        QVERIFY(!loudnessFromJson(nlohmann::json()).wholeTakeLufs);
        QVERIFY(!loudnessFromJson("not an object").wholeTakeLufs);
    }
};

QTEST_APPLESS_MAIN(TestLoudness)
#include "tst_loudness.moc"
