// The spectrogram's FFT against a direct DFT, and the STFT on known tones.
#include "audio/spectrogram.h"

#include <QtTest>

#include <cmath>
#include <complex>
#include <random>

using namespace footfall;

class TestSpectrogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fftMatchesADirectDft() {
        const std::size_t n = 64;
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> d(-1.0f, 1.0f);
        std::vector<std::complex<float>> x(n);
        for (auto& v : x)
            v = {d(rng), d(rng)};
        std::vector<std::complex<float>> fast = x;
        fftInPlace(fast);
        for (std::size_t k = 0; k < n; ++k) {
            std::complex<double> sum = 0;
            for (std::size_t t = 0; t < n; ++t)
                sum += std::complex<double>(x[t]) * std::polar(1.0, -2.0 * M_PI * k * t / n);
            QVERIFY2(std::abs(sum - std::complex<double>(fast[k])) < 1e-3,
                     qPrintable(QString::number(k)));
        }
        std::vector<std::complex<float>> bad(48);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, fftInPlace(bad));
    }

    void sineShowsAtItsFrequencyAndLevel() {
        const int rate = 48000;
        AudioBuffer b(2, rate, rate);
        for (std::size_t i = 0; i < b.frames(); ++i) {
            const float v = static_cast<float>(0.5 * std::sin(2 * M_PI * 3000.0 * i / rate));
            b.channel(0)[i] = v;
            b.channel(1)[i] = v;
        }
        const Spectrogram s = computeSpectrogram(b, 1024, 256);
        QCOMPARE(s.bins, 513);
        QCOMPARE(s.columns, std::size_t((rate + 255) / 256));
        const std::size_t mid = s.columns / 2;
        int best = 0;
        for (int k = 1; k < s.bins; ++k)
            if (s.at(mid, k) > s.at(mid, best))
                best = k;
        QCOMPARE(best, 64); // 3000 Hz / (48000 / 1024) = bin 64
        QVERIFY2(std::abs(s.at(mid, best) - (-6.02f)) < 0.2f,
                 qPrintable(QString::number(s.at(mid, best))));
        // Far from the tone the Hann window's leakage is far down.
        QVERIFY(s.at(mid, 300) < -80.0f);
        QVERIFY(std::abs(s.binFrequency(best) - 3000.0) < 1.0);
    }

    void silenceAndEmpty() {
        const Spectrogram silent = computeSpectrogram(AudioBuffer(1, 4096, 44100));
        QVERIFY(!silent.empty());
        for (float v : silent.db)
            QCOMPARE(v, -120.0f);
        QVERIFY(computeSpectrogram(AudioBuffer(2, 0, 44100)).empty());
    }
};

QTEST_APPLESS_MAIN(TestSpectrogram)
#include "tst_spectrogram.moc"
