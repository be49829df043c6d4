// The UI's building blocks on known signals: meters, export processing, loudness matching,
// the prompt builder, take records.
#include "correlation_meter_widget.h"
#include "export_processing.h"
#include "goniometer_widget.h"
#include "loudness_match.h"
#include "prompt_builder.h"
#include "take_record.h"

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "engine/procedural/footstep_prompt.h"

#include <QComboBox>
#include <QtTest>

#include <cmath>
#include <random>

using namespace footfall;
using namespace footfall::ui;

namespace {

constexpr int kRate = 48000;

AudioBuffer sine(double freq, double seconds, double amp, bool invertRight) {
    AudioBuffer b(2, static_cast<std::size_t>(seconds * kRate), kRate);
    for (std::size_t i = 0; i < b.frames(); ++i) {
        const float v = static_cast<float>(amp * std::sin(2 * M_PI * freq * i / kRate));
        b.channel(0)[i] = v;
        b.channel(1)[i] = invertRight ? -v : v;
    }
    return b;
}

AudioBuffer noise(double seconds) {
    AudioBuffer b(2, static_cast<std::size_t>(seconds * kRate), kRate);
    std::mt19937 rng(7);
    std::normal_distribution<float> d(0.0f, 0.2f);
    for (int c = 0; c < 2; ++c)
        for (float& s : b.channelVector(c))
            s = d(rng);
    return b;
}

// `count` short decaying bursts, `gapMs` apart, after 100 ms of silence.
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

std::optional<double> meterReading(const AudioBuffer& b) {
    CorrelationMeterWidget meter;
    meter.reset(b.sampleRate());
    // Fed as the GUI does: ~25 ms per tick.
    const std::size_t hop = kRate / 40;
    for (std::size_t i = 0; i < b.frames(); i += hop) {
        const std::size_t n = std::min(hop, b.frames() - i);
        meter.process(b.channel(0) + i, b.channel(1) + i, n);
    }
    return meter.reading();
}

} // namespace

class TestUiParts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void correlationMeterReadsKnownSignals() {
        const auto inPhase = meterReading(sine(300, 2.0, 0.5, false));
        QVERIFY(inPhase);
        QVERIFY2(*inPhase > 0.99, qPrintable(QString::number(*inPhase)));
        const auto inverted = meterReading(sine(300, 2.0, 0.5, true));
        QVERIFY(inverted);
        QVERIFY2(*inverted < -0.99, qPrintable(QString::number(*inverted)));
        const auto independent = meterReading(noise(3.0));
        QVERIFY(independent);
        QVERIFY2(std::abs(*independent) < 0.2, qPrintable(QString::number(*independent)));
        const auto silence = meterReading(AudioBuffer(2, kRate, kRate));
        QVERIFY(!silence);
        CorrelationMeterWidget meter;
        meter.reset(kRate);
        AudioBuffer quiet(2, kRate, kRate);
        meter.process(quiet.channel(0), quiet.channel(1), quiet.frames());
        QCOMPARE(meter.readingText(), QStringLiteral("—"));
    }

    void correlationZonesAreColoured() {
        QVERIFY(correlationColour(-0.8).red() > 200);  // red: out of phase
        QVERIFY(correlationColour(0.0).green() > 120); // amber
        QVERIFY(correlationColour(0.0).red() > 200);
        QVERIFY(correlationColour(0.5).green() > 150); // green
        QVERIFY(correlationColour(1.0).blue() > 200);  // blue: mono
    }

    void goniometerOrientation() {
        GoniometerWidget g;
        const AudioBuffer mono = sine(300, 0.5, 0.5, false);
        g.process(mono.channel(0), mono.channel(1), mono.frames());
        QVERIFY(g.sideRms() < 1e-6);
        QVERIFY(g.midRms() > 0.3);
        const AudioBuffer inv = sine(300, 0.5, 0.5, true);
        g.process(inv.channel(0), inv.channel(1), inv.frames());
        QVERIFY(g.midRms() < 1e-6);
        QVERIFY(g.sideRms() > 0.3);
        QVERIFY(g.displayGain() > 1.0); // display-only auto-gain scales a -6 dB signal up
        g.resize(200, 200);
        QVERIFY(!g.grab().isNull());
    }

    void normaliseAndTrimAndFade() {
        AudioBuffer b = sine(440, 1.0, 0.25, false);
        const double gain = normaliseToPeak(b, -1.0);
        QVERIFY(std::abs(gain - (-1.0 - 20 * std::log10(0.25))) < 0.01);
        QVERIFY(std::abs(toDbfs(samplePeak(b)) + 1.0) < 0.01);

        AudioBuffer n = noise(3.0);
        auto g = normaliseToLoudness(n, -30.0, -1.0);
        QVERIFY(g);
        const auto l = measureLoudness(n);
        QVERIFY(l.integratedLufs);
        QVERIFY2(std::abs(*l.integratedLufs + 30.0) < 0.3,
                 qPrintable(QString::number(*l.integratedLufs)));

        AudioBuffer walk = bursts(3, 300);
        const FrameRange r = findNonSilentRange(walk, -40.0, 0.0);
        QVERIFY(r.first >= std::size_t(0.099 * kRate) && r.first <= std::size_t(0.101 * kRate));
        QVERIFY(trimSilence(walk).frames() < walk.frames());
        QCOMPARE(trimSilence(AudioBuffer(2, 1000, kRate)).frames(), std::size_t(0));

        AudioBuffer f = sine(100, 1.0, 0.5, false);
        for (int c = 0; c < 2; ++c)
            std::fill(f.channelVector(c).begin(), f.channelVector(c).end(), 0.5f);
        applyFades(f, 100, 200);
        QCOMPARE(f.channel(0)[0], 0.0f);
        QCOMPARE(f.channel(0)[f.frames() - 1], 0.0f);
        QVERIFY(std::abs(f.channel(0)[kRate / 2] - 0.5f) < 1e-6);
        QVERIFY(f.channel(0)[kRate / 20] < 0.5f && f.channel(0)[kRate / 20] > 0.0f);
    }

    void detectsEachStep() {
        const AudioBuffer walk = bursts(6, 400);
        const auto steps = detectSteps(walk);
        QCOMPARE(int(steps.size()), 6);
        for (std::size_t k = 0; k < steps.size(); ++k) {
            const double onset = (0.1 + k * 0.4) * kRate;
            QVERIFY(std::abs(double(steps[k].first) - onset) < 0.01 * kRate);
        }
        QVERIFY(detectSteps(AudioBuffer(2, kRate, kRate)).empty());
    }

    void loudnessMatchGain() {
        auto g = playbackGain(-18.0, -3.0, LoudnessMatch::Target, -23.0);
        QCOMPARE(g.gainDb, -5.0);
        QVERIFY(!g.limited);
        g = playbackGain(-35.0, -2.0, LoudnessMatch::Target, -23.0);
        QVERIFY(g.limited); // +12 would clip a -2 dBFS peak
        QVERIFY(g.gainDb <= 1.5 + 1e-9);
        QCOMPARE(playbackGain(-18.0, -3.0, LoudnessMatch::Off, -23.0).gainDb, 0.0);
        QCOMPARE(playbackGain(std::nullopt, -3.0, LoudnessMatch::Target, -23.0).gainDb, 0.0);
    }

    void promptBuilderSpeaksTheEnginesLanguage() {
        PromptBuilder builder;
        const auto set = [&](const char* axis, const char* value) {
            QComboBox* c = builder.combo(QString::fromLatin1(axis));
            QVERIFY(c);
            const int i = c->findData(QString::fromLatin1(value));
            QVERIFY2(i > 0, value);
            c->setCurrentIndex(i);
        };
        set("surface", "gravel");
        set("footwear", "boots");
        set("gait", "run");
        set("pace", "slow");
        set("weight", "heavy");
        set("wetness", "wet");
        set("perspective", "far");
        const QString prompt = builder.prompt();
        const FootstepParams p = interpretPrompt(prompt.toStdString());
        QCOMPARE(QString::fromLatin1(surfaceName(p.surface)), QStringLiteral("gravel"));
        QCOMPARE(QString::fromLatin1(footwearName(p.footwear)), QStringLiteral("boots"));
        QCOMPARE(QString::fromLatin1(gaitName(p.gait)), QStringLiteral("run"));
        QCOMPARE(QString::fromStdString(weightLabel(p.weight)), QStringLiteral("heavy"));
        QCOMPARE(QString::fromStdString(wetnessLabel(p.wetness)), QStringLiteral("wet"));
        QCOMPARE(QString::fromLatin1(perspectiveName(p.perspective)), QStringLiteral("far"));
        QVERIFY2(p.paceStepsPerSecond < gaitBasePace(Gait::Run), qPrintable(prompt));

        PromptBuilder reread;
        reread.readPrompt(prompt);
        QCOMPARE(reread.prompt(), prompt);
    }

    void takeRecordRoundTrip() {
        TakeRecord r;
        r.audioPath = QStringLiteral("/tmp/a b.wav");
        r.metadata = {{"prompt", "boots"},
                      {"seed", 42},
                      {"engine", "procedural"},
                      {"loudness", {{"integrated_lufs", nullptr}, {"whole_take_lufs", -20.5}}},
                      {"phase_info", {{"correlation", -0.4}}},
                      {"loras", {{{"path", "/x/wet.safetensors"}, {"strength", 0.8}}}}};
        r.rating = 4;
        r.favourite = true;
        const TakeRecord back = TakeRecord::fromJson(r.toJson());
        QCOMPARE(back.audioPath, r.audioPath);
        QCOMPARE(back.seed(), qint64(42));
        QCOMPARE(back.rating, 4);
        QVERIFY(back.favourite);
        QCOMPARE(*back.loudnessLufs(), -20.5);
        QCOMPARE(*back.correlation(), -0.4);
        QCOMPARE(back.loraSummary(), QStringLiteral("wet ×0.80"));
    }
};

QTEST_MAIN(TestUiParts)
#include "tst_ui_parts.moc"
