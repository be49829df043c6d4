// Waveform min/max peaks against a brute-force scan of known signals.
#include "audio/waveform_peaks.h"
#include "signals.h"

#include <QtTest>

#include <algorithm>
#include <vector>

using namespace footfall;

namespace {

// Min and max of frames [first, first + count) of one channel, the slow obvious way.
std::pair<float, float> scan(const AudioBuffer& audio, int channel, std::size_t first,
                             std::size_t count) {
    float lo = audio.channel(channel)[first], hi = lo;
    for (std::size_t i = first; i < first + count; ++i) {
        lo = std::min(lo, audio.channel(channel)[i]);
        hi = std::max(hi, audio.channel(channel)[i]);
    }
    return {lo, hi};
}

// Every bin of every level and channel agrees with scan(); the bin count is ceil(frames / bin).
void checkAgainstScan(const AudioBuffer& audio, const WaveformPeaks& peaks) {
    const std::size_t n = audio.frames();
    for (const WaveformPeaks::Level& level : peaks.levels) {
        const std::size_t bins = (n + level.binFrames - 1) / level.binFrames;
        QCOMPARE(level.mins.size(), std::size_t(audio.channels()));
        QCOMPARE(level.maxs.size(), std::size_t(audio.channels()));
        for (int c = 0; c < audio.channels(); ++c) {
            QCOMPARE(level.mins[c].size(), bins);
            QCOMPARE(level.maxs[c].size(), bins);
            for (std::size_t b = 0; b < bins; ++b) {
                const std::size_t first = b * level.binFrames;
                const auto [lo, hi] = scan(audio, c, first, std::min(level.binFrames, n - first));
                QCOMPARE(level.mins[c][b], lo);
                QCOMPARE(level.maxs[c][b], hi);
            }
        }
    }
}

} // namespace

class TestWaveformPeaks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stereoMinMaxMatchABruteForceScan() {
        // Noise whose two channels differ, 1.5 s: no bin size divides the length.
        const AudioBuffer audio = test::noise(0.7, 1.5, 3, 2, 44100);
        QVERIFY(audio.frames() % 32 != 0);
        const WaveformPeaks peaks = computeWaveformPeaks(audio);
        QCOMPARE(peaks.levels.size(), std::size_t(3));
        checkAgainstScan(audio, peaks);
        // The channels were kept apart.
        QVERIFY(peaks.levels[0].maxs[0] != peaks.levels[0].maxs[1]);
    }

    void monoHasOneChannelPerLevel() {
        const AudioBuffer audio = test::sine(440, 0.5, 0.25, 1, 48000);
        const WaveformPeaks peaks = computeWaveformPeaks(audio, {64, 1000});
        QCOMPARE(peaks.levels.size(), std::size_t(2));
        for (const auto& level : peaks.levels)
            QCOMPARE(level.mins.size(), std::size_t(1));
        checkAgainstScan(audio, peaks);
        // A sine's bins at the coarse level reach its full swing.
        QVERIFY(std::abs(peaks.levels[1].maxs[0][2] - 0.5f) < 1e-3f);
        QVERIFY(std::abs(peaks.levels[1].mins[0][2] + 0.5f) < 1e-3f);
    }

    void binSizesAreSortedFinestFirstAndZeroIsSkipped() {
        const AudioBuffer audio = test::noise(0.5, 0.1, 1, 2, 44100);
        const WaveformPeaks peaks = computeWaveformPeaks(audio, {2048, 0, 32, 256});
        QCOMPARE(peaks.levels.size(), std::size_t(3));
        QCOMPARE(peaks.levels[0].binFrames, std::size_t(32));
        QCOMPARE(peaks.levels[1].binFrames, std::size_t(256));
        QCOMPARE(peaks.levels[2].binFrames, std::size_t(2048));
        checkAgainstScan(audio, peaks);
    }

    void partialLastBinCoversOnlyTheFramesLeft() {
        // 1000 frames in bins of 256: three full bins and one of 232 frames. The extremes sit
        // in the last frame, so a bin reading past the end or a lost tail would show.
        AudioBuffer audio(2, 1000, 48000);
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < audio.frames(); ++i)
                audio.channel(c)[i] = 0.1f * static_cast<float>(i % 7) / 7.0f;
        audio.channel(0)[999] = 0.9f;
        audio.channel(1)[999] = -0.8f;
        const WaveformPeaks peaks = computeWaveformPeaks(audio, {256});
        const auto& level = peaks.levels.at(0);
        QCOMPARE(level.maxs[0].size(), std::size_t(4));
        QCOMPARE(level.maxs[0][3], 0.9f);
        QCOMPARE(level.mins[1][3], -0.8f);
        QVERIFY(level.maxs[0][2] < 0.1f); // the third bin ends at frame 767
        QCOMPARE(level.mins[1][2], 0.0f);
        checkAgainstScan(audio, peaks);
        // One frame past a whole number of bins makes a one-frame bin.
        const AudioBuffer one = audio.slice(0, 257);
        const WaveformPeaks p = computeWaveformPeaks(one, {256});
        QCOMPARE(p.levels[0].maxs[0].size(), std::size_t(2));
        QCOMPARE(p.levels[0].maxs[0][1], one.channel(0)[256]);
        QCOMPARE(p.levels[0].mins[0][1], one.channel(0)[256]);
    }

    void levelForPicksTheCoarsestBinNoWiderThanAPixel() {
        const WaveformPeaks peaks =
            computeWaveformPeaks(test::noise(0.5, 0.2, 1, 2, 44100), {32, 256, 2048});
        QCOMPARE(peaks.levelFor(0.5), nullptr);
        QCOMPARE(peaks.levelFor(31.9), nullptr); // finer than the finest: draw the samples
        QCOMPARE(peaks.levelFor(32.0)->binFrames, std::size_t(32));
        QCOMPARE(peaks.levelFor(255.9)->binFrames, std::size_t(32));
        QCOMPARE(peaks.levelFor(256.0)->binFrames, std::size_t(256));
        QCOMPARE(peaks.levelFor(300.0)->binFrames, std::size_t(256));
        QCOMPARE(peaks.levelFor(2048.0)->binFrames, std::size_t(2048));
        QCOMPARE(peaks.levelFor(1e9)->binFrames, std::size_t(2048));
        QCOMPARE(WaveformPeaks().levelFor(1e9), nullptr);
    }

    void emptyAudioHasLevelsWithoutBins() {
        const AudioBuffer empty(2, 0, 44100);
        const WaveformPeaks peaks = computeWaveformPeaks(empty);
        QCOMPARE(peaks.levels.size(), std::size_t(3));
        for (const auto& level : peaks.levels) {
            QCOMPARE(level.mins.size(), std::size_t(2));
            QVERIFY(level.mins[0].empty() && level.maxs[1].empty());
        }
        QVERIFY(computeWaveformPeaks(empty, {}).levels.empty());
    }
};

QTEST_APPLESS_MAIN(TestWaveformPeaks)
#include "tst_waveform_peaks.moc"
