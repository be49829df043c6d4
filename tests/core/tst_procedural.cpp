// The procedural footstep engine: determinism, the prompt vocabulary, and audio properties
// measured with small, independent analysers written here (onsets, spectrum, correlation).
#include "engine_run.h"
#include "engines/procedural/footstep_prompt.h"
#include "engines/procedural/footstep_synth.h"
#include "engines/procedural/procedural_engine.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <string>
#include <vector>

using namespace footfall;

namespace {

constexpr int kRate = 44100;

GenerationRequest makeRequest(const std::string& prompt, double seconds, std::int64_t seed) {
    GenerationRequest request;
    request.prompt = prompt;
    request.durationSeconds = seconds;
    request.seed = seed;
    return request;
}

test::EngineTake generateOne(const std::string& prompt, double seconds, std::int64_t seed) {
    auto engine = makeProceduralEngine();
    auto takes = test::runEngine(*engine, makeRequest(prompt, seconds, seed), {}, nullptr);
    if (takes.size() != 1)
        qFatal("expected one take");
    return std::move(takes.front());
}

std::vector<float> monoMix(const AudioBuffer& audio) {
    std::vector<float> mono(audio.frames());
    for (std::size_t i = 0; i < mono.size(); ++i)
        mono[i] = 0.5f * (audio.sample(0, i) + audio.sample(1, i));
    return mono;
}

// Onsets: energy in 10 ms frames, a frame counts when it is a local maximum above -20 dB of
// the loudest frame and at least `refractory` seconds after the previous onset.
int countOnsets(const AudioBuffer& audio, double refractory) {
    const auto mono = monoMix(audio);
    const std::size_t hop = kRate / 100;
    std::vector<double> energy(mono.size() / hop);
    for (std::size_t f = 0; f < energy.size(); ++f)
        for (std::size_t i = 0; i < hop; ++i)
            energy[f] += double(mono[f * hop + i]) * mono[f * hop + i];
    const double loudest = *std::max_element(energy.begin(), energy.end());
    const double threshold = loudest * 0.01;
    const auto gap = static_cast<long>(refractory * 100.0);
    int count = 0;
    long last = -gap - 1;
    for (long f = 1; f + 1 < static_cast<long>(energy.size()); ++f) {
        if (energy[f] < threshold || energy[f] < energy[f - 1] || energy[f] < energy[f + 1])
            continue;
        if (f - last <= gap)
            continue;
        ++count;
        last = f;
    }
    return count;
}

// In-place radix-2 FFT (size a power of two).
void fft(std::vector<std::complex<double>>& x) {
    const std::size_t n = x.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j)
            std::swap(x[i], x[j]);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const double angle = -2.0 * M_PI / double(len);
        const std::complex<double> wl(std::cos(angle), std::sin(angle));
        for (std::size_t i = 0; i < n; i += len) {
            std::complex<double> w(1.0);
            for (std::size_t k = 0; k < len / 2; ++k) {
                const auto u = x[i + k];
                const auto v = x[i + k + len / 2] * w;
                x[i + k] = u + v;
                x[i + k + len / 2] = u - v;
                w *= wl;
            }
        }
    }
}

// Power spectra (Hann, 2048 points) of the frames that carry sound: within 20 dB of the
// loudest frame, so silence between steps does not dilute the measures.
std::vector<std::vector<double>> activeSpectra(const AudioBuffer& audio) {
    const auto mono = monoMix(audio);
    const std::size_t n = 2048;
    std::vector<std::vector<double>> spectra;
    std::vector<double> energies;
    for (std::size_t start = 0; start + n <= mono.size(); start += n / 2) {
        std::vector<std::complex<double>> x(n);
        double energy = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double w = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / n);
            x[i] = w * mono[start + i];
            energy += double(mono[start + i]) * mono[start + i];
        }
        fft(x);
        std::vector<double> power(n / 2);
        for (std::size_t k = 0; k < n / 2; ++k)
            power[k] = std::norm(x[k]);
        spectra.push_back(std::move(power));
        energies.push_back(energy);
    }
    const double loudest = *std::max_element(energies.begin(), energies.end());
    std::vector<std::vector<double>> active;
    for (std::size_t f = 0; f < spectra.size(); ++f)
        if (energies[f] > loudest * 0.01)
            active.push_back(std::move(spectra[f]));
    return active;
}

// Magnitude-weighted mean frequency over the active frames.
double spectralCentroid(const AudioBuffer& audio) {
    double num = 0.0, den = 0.0;
    for (const auto& power : activeSpectra(audio))
        for (std::size_t k = 1; k < power.size(); ++k) {
            const double mag = std::sqrt(power[k]);
            num += mag * (double(k) * kRate / 2048.0);
            den += mag;
        }
    return num / den;
}

// Wiener entropy (geometric / arithmetic mean of the power), 200 Hz ... 12 kHz, averaged
// over active frames: ~1 for white noise, ~0 for a few sinusoids.
double spectralFlatness(const AudioBuffer& audio) {
    const auto spectra = activeSpectra(audio);
    const auto lo = static_cast<std::size_t>(200.0 * 2048 / kRate);
    const auto hi = static_cast<std::size_t>(12000.0 * 2048 / kRate);
    double sum = 0.0;
    for (const auto& power : spectra) {
        double logSum = 0.0, linSum = 0.0;
        for (std::size_t k = lo; k < hi; ++k) {
            logSum += std::log(power[k] + 1e-20);
            linSum += power[k];
        }
        const double count = double(hi - lo);
        sum += std::exp(logSum / count) / (linSum / count);
    }
    return sum / double(spectra.size());
}

double correlation(const AudioBuffer& audio) {
    const std::size_t n = audio.frames();
    double ml = 0, mr = 0;
    for (std::size_t i = 0; i < n; ++i) {
        ml += audio.sample(0, i);
        mr += audio.sample(1, i);
    }
    ml /= double(n);
    mr /= double(n);
    double lr = 0, ll = 0, rr = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double l = audio.sample(0, i) - ml, r = audio.sample(1, i) - mr;
        lr += l * r;
        ll += l * l;
        rr += r * r;
    }
    return lr / std::sqrt(ll * rr);
}

double rmsOf(const AudioBuffer& audio) {
    double sum = 0.0;
    for (int c = 0; c < audio.channels(); ++c)
        for (std::size_t i = 0; i < audio.frames(); ++i)
            sum += double(audio.sample(c, i)) * audio.sample(c, i);
    return std::sqrt(sum / double(audio.frames() * audio.channels()));
}

bool identical(const AudioBuffer& a, const AudioBuffer& b) {
    if (a.channels() != b.channels() || a.frames() != b.frames())
        return false;
    for (int c = 0; c < a.channels(); ++c)
        if (std::memcmp(a.channel(c), b.channel(c), a.frames() * sizeof(float)) != 0)
            return false;
    return true;
}

bool containsWord(const nlohmann::json& details, const std::string& word) {
    for (const auto& w : details.at("matched_words"))
        if (w.get<std::string>() == word)
            return true;
    return false;
}

} // namespace

class TestProcedural : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void engineIdentity() {
        auto engine = makeProceduralEngine();
        QCOMPARE(QString::fromStdString(engine->name()), QStringLiteral("procedural"));
        QCOMPARE(QString::fromStdString(engine->defaultSampler()), QStringLiteral("procedural"));
        QCOMPARE(QString::fromStdString(engine->deviceDescription()), QStringLiteral("cpu"));
    }

    void formatAndLength() {
        const auto take = generateOne("walking on concrete", 3.7, 5);
        QCOMPARE(take.audio.channels(), 2);
        QCOMPARE(take.audio.sampleRate(), 44100);
        QCOMPARE(take.audio.frames(), std::size_t(163170)); // round(3.7 * 44100)
        QCOMPARE(take.seed, std::int64_t(5));
        const auto shortTake = generateOne("running on gravel", 0.1, 5);
        QCOMPARE(shortTake.audio.frames(), std::size_t(4410));
        QVERIFY(rmsOf(shortTake.audio) > 0.0); // even 0.1 s holds a step
    }

    void sameSeedIsBitIdentical() {
        const auto a = generateOne("heavy boots on wet marble", 4.0, 1234);
        const auto b = generateOne("heavy boots on wet marble", 4.0, 1234);
        QVERIFY(identical(a.audio, b.audio));
        QCOMPARE(a.engineDetails.dump(), b.engineDetails.dump());
    }

    void differentSeedDiffers() {
        const auto a = generateOne("walking on gravel", 4.0, 1);
        const auto b = generateOne("walking on gravel", 4.0, 2);
        QVERIFY(!identical(a.audio, b.audio));
    }

    void stepCountFollowsPace_data() {
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<double>("pace");
        QTest::newRow("slow walk") << "slow walk on concrete" << 1.8 * 0.7;
        QTest::newRow("walk") << "walking on concrete" << 1.8;
        QTest::newRow("run") << "running on concrete" << 2.9;
        QTest::newRow("run gravel") << "running on gravel" << 2.9;
        QTest::newRow("explicit") << "boots on wood, 2.5 steps per second" << 2.5;
        QTest::newRow("sneak") << "sneaking on marble" << 1.0;
    }

    void stepCountFollowsPace() {
        QFETCH(QString, prompt);
        QFETCH(double, pace);
        const double seconds = 8.0;
        for (std::int64_t seed : {3, 4}) {
            const auto take = generateOne(prompt.toStdString(), seconds, seed);
            QCOMPARE(take.engineDetails.at("pace_steps_per_second").get<double>(),
                     std::round(pace * 1000.0) / 1000.0);
            const int detected = countOnsets(take.audio, 0.22);
            const double expected = pace * seconds;
            const int planned = take.engineDetails.at("step_count").get<int>();
            qInfo("%s seed %d: %d onsets, %d planned, %.1f expected", qPrintable(prompt), int(seed),
                  detected, planned, expected);
            QVERIFY2(std::fabs(detected - expected) <= std::max(2.0, 0.12 * expected),
                     qPrintable(QStringLiteral("%1: %2 onsets detected, %3 expected")
                                    .arg(prompt)
                                    .arg(detected)
                                    .arg(expected)));
            QVERIFY2(std::abs(detected - planned) <= 1,
                     qPrintable(QStringLiteral("%1: %2 onsets detected, %3 planned")
                                    .arg(prompt)
                                    .arg(detected)
                                    .arg(planned)));
        }
    }

    void paceOrdering() {
        const int slow = countOnsets(generateOne("slow walk on concrete", 8.0, 9).audio, 0.22);
        const int walk = countOnsets(generateOne("walking on concrete", 8.0, 9).audio, 0.22);
        const int run = countOnsets(generateOne("running on concrete", 8.0, 9).audio, 0.22);
        QVERIFY2(slow < walk && walk < run,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(slow).arg(walk).arg(run)));
    }

    void heelsOnMarbleBrighterThanBarefootOnCarpet() {
        for (std::int64_t seed : {1, 2}) {
            const double heels =
                spectralCentroid(generateOne("high heels on marble", 5.0, seed).audio);
            const double barefoot =
                spectralCentroid(generateOne("barefoot on carpet", 5.0, seed).audio);
            qInfo("centroid: heels on marble %.0f Hz, barefoot on carpet %.0f Hz", heels, barefoot);
            QVERIFY2(
                heels > 2.0 * barefoot,
                qPrintable(QStringLiteral("centroids %1 Hz vs %2 Hz").arg(heels).arg(barefoot)));
        }
    }

    void gravelFlatterThanMarble() {
        for (std::int64_t seed : {1, 2}) {
            const double gravel =
                spectralFlatness(generateOne("walking on gravel", 5.0, seed).audio);
            const double marble =
                spectralFlatness(generateOne("walking on marble", 5.0, seed).audio);
            qInfo("flatness: gravel %.3f, marble %.3f", gravel, marble);
            QVERIFY2(gravel > 1.3 * marble,
                     qPrintable(QStringLiteral("flatness %1 vs %2").arg(gravel).arg(marble)));
        }
    }

    void neverClipsAndHasNoDc() {
        const char* prompts[] = {"walking on concrete",
                                 "high heels on marble",
                                 "very heavy giant stomping in boots on metal",
                                 "heavy boots on wet marble",
                                 "barefoot on carpet",
                                 "running on gravel",
                                 "sneaking through leaves",
                                 "large man running on wooden floorboards",
                                 "kid in sandals splashing through puddles",
                                 "walking on snow",
                                 "jogging on the beach",
                                 "limping on wet grass",
                                 "marching in boots on a metal grating, 5 steps per second",
                                 "distant footsteps on concrete"};
        double worst = 0.0;
        for (const char* prompt : prompts)
            for (std::int64_t seed : {11, 12, 13}) {
                const auto take = generateOne(prompt, 4.0, seed);
                double peak = 0.0, sum = 0.0;
                for (int c = 0; c < 2; ++c)
                    for (std::size_t i = 0; i < take.audio.frames(); ++i) {
                        const float v = take.audio.sample(c, i);
                        QVERIFY(std::isfinite(v));
                        peak = std::max(peak, double(std::fabs(v)));
                        sum += v;
                    }
                worst = std::max(worst, peak);
                QVERIFY2(peak < 0.8913,
                         qPrintable(QStringLiteral("%1: peak %2").arg(prompt).arg(peak)));
                QVERIFY2(peak > 0.003, prompt); // audible, not silence
                const double mean = sum / double(2 * take.audio.frames());
                QVERIFY2(std::fabs(mean) < 1e-3 * peak, prompt);
                // Edges: silent at the start, faded at the end (no click when played).
                for (int c = 0; c < 2; ++c) {
                    QVERIFY(std::fabs(take.audio.sample(c, 0)) < 1e-4);
                    QVERIFY(std::fabs(take.audio.sample(c, take.audio.frames() - 1)) < 1e-4);
                }
            }
        qInfo("highest peak %.3f (%.2f dBFS)", worst, 20.0 * std::log10(worst));
    }

    void healthyStereoImage() {
        const char* prompts[] = {"walking on concrete",      "high heels on marble",
                                 "sneaking through leaves",  "walking on grass",
                                 "running on gravel",        "boots on metal grating",
                                 "far away steps on gravel", "barefoot on carpet"};
        for (const char* prompt : prompts)
            for (std::int64_t seed : {21, 22}) {
                const auto take = generateOne(prompt, 6.0, seed);
                const double r = correlation(take.audio);
                qInfo("%s seed %d: L/R correlation %.3f", prompt, int(seed), r);
                QVERIFY2(r > 0.3 && r < 0.95,
                         qPrintable(QStringLiteral("%1: correlation %2").arg(prompt).arg(r)));
            }
    }

    void perspectiveAndWeightSetLevel() {
        const double close = rmsOf(generateOne("close footsteps on concrete", 5.0, 3).audio);
        const double far = rmsOf(generateOne("far footsteps on concrete", 5.0, 3).audio);
        qInfo("rms close %.4f far %.4f", close, far);
        QVERIFY2(far < 0.6 * close, qPrintable(QStringLiteral("%1 %2").arg(far).arg(close)));
        const double light = rmsOf(generateOne("light steps on wood", 5.0, 3).audio);
        const double heavy = rmsOf(generateOne("heavy steps on wood", 5.0, 3).audio);
        qInfo("rms light %.4f heavy %.4f", light, heavy);
        QVERIFY2(heavy > 1.3 * light, qPrintable(QStringLiteral("%1 %2").arg(heavy).arg(light)));
    }

    void detailsReflectPrompt() {
        const auto take = generateOne("Heavy BOOTS on wet marble, far away", 2.0, 7);
        const auto& d = take.engineDetails;
        QVERIFY(d.is_object());
        QCOMPARE(d.at("surface").get<std::string>(), std::string("marble"));
        QCOMPARE(d.at("footwear").get<std::string>(), std::string("boots"));
        QCOMPARE(d.at("gait").get<std::string>(), std::string("walk"));
        QCOMPARE(d.at("weight").get<std::string>(), std::string("heavy"));
        QCOMPARE(d.at("wetness").get<std::string>(), std::string("wet"));
        QCOMPARE(d.at("perspective").get<std::string>(), std::string("far"));
        QVERIFY(d.at("step_count").get<int>() >= 3);
        for (const char* word : {"heavy", "boots", "wet", "marble", "far away"})
            QVERIFY2(containsWord(d, word), word);

        const auto sneak = generateOne("sneaking through leaves", 2.0, 7).engineDetails;
        QCOMPARE(sneak.at("gait").get<std::string>(), std::string("sneak"));
        QCOMPARE(sneak.at("surface").get<std::string>(), std::string("leaves"));
        QCOMPARE(sneak.at("footwear").get<std::string>(), std::string("sneakers"));
        QCOMPARE(sneak.at("pace_steps_per_second").get<double>(), 1.0);
    }

    void parserVocabulary() {
        const auto defaults = interpretPrompt("");
        QCOMPARE(defaults.surface, Surface::Concrete);
        QCOMPARE(defaults.footwear, Footwear::Sneakers);
        QCOMPARE(defaults.gait, Gait::Walk);
        QCOMPARE(defaults.paceStepsPerSecond, 1.8);
        QCOMPARE(defaults.perspective, Perspective::Close);
        QCOMPARE(defaults.wetness, 0.0);
        QVERIFY(defaults.matchedWords.empty());

        const auto heels = interpretPrompt("HIGH HEELS on Marble");
        QCOMPARE(heels.footwear, Footwear::HighHeels);
        QCOMPARE(heels.surface, Surface::Marble);
        QCOMPARE(heels.matchedWords, (std::vector<std::string>{"high heels", "marble"}));

        QCOMPARE(interpretPrompt("barefoot on carpet").footwear, Footwear::Barefoot);
        QCOMPARE(interpretPrompt("running on gravel").gait, Gait::Run);
        QCOMPARE(interpretPrompt("running shoes on gravel").gait, Gait::Walk); // footwear phrase
        QCOMPARE(interpretPrompt("flip-flops on tiles").footwear, Footwear::Sandals);
        QCOMPARE(interpretPrompt("flip-flops on tiles").surface, Surface::Marble);
        QCOMPARE(interpretPrompt("a large man on the deck").weight, 0.8);
        QCOMPARE(interpretPrompt("child running").weight, 0.12);
        QCOMPARE(interpretPrompt("fast walk").paceStepsPerSecond, 1.8 * 1.3);
        const auto explicitPace = interpretPrompt("walking at 3.5 steps/s on snow");
        QVERIFY(explicitPace.explicitPace);
        QCOMPARE(explicitPace.paceStepsPerSecond, 3.5);
        QCOMPARE(explicitPace.surface, Surface::Snow);
        QCOMPARE(interpretPrompt("90 steps per minute").paceStepsPerSecond, 1.5);
        QCOMPARE(interpretPrompt("100 steps per second").paceStepsPerSecond, 6.0); // clamped

        // The vocabulary the UI offers is exactly what the parser understands.
        for (const auto& word : promptVocabulary()) {
            const auto params = interpretPrompt(word.phrase);
            QVERIFY2(!params.matchedWords.empty() && params.matchedWords.front() == word.phrase,
                     word.phrase.c_str());
        }
        const auto surfaces = canonicalValues(PromptAxis::Surface);
        QCOMPARE(surfaces.size(), std::size_t(10));
        QCOMPARE(surfaces.front(), std::string("concrete"));
        const auto footwear = knownWords(PromptAxis::Footwear);
        QVERIFY(std::find(footwear.begin(), footwear.end(), "high heels") != footwear.end());
    }

    void cancelBeforeStartThrows() {
        auto engine = makeProceduralEngine();
        CancelToken token;
        token.cancel();
        bool thrown = false;
        try {
            test::runEngine(*engine, makeRequest("walking on concrete", 5.0, 1), {}, &token);
        } catch (const Cancelled&) {
            thrown = true;
        }
        QVERIFY(thrown);
    }

    void cancelDuringGenerationThrows() {
        auto engine = makeProceduralEngine();
        CancelToken token;
        int calls = 0;
        bool thrown = false;
        try {
            test::runEngine(
                *engine, makeRequest("walking on concrete", 30.0, 1),
                [&](const Progress& p) {
                    ++calls;
                    if (p.step == 3)
                        token.cancel();
                },
                &token);
        } catch (const Cancelled&) {
            thrown = true;
        }
        QVERIFY(thrown);
        QCOMPARE(calls, 3); // stopped at the next check, not at the end of the take
    }

    void batchUsesConsecutiveSeeds() {
        auto engine = makeProceduralEngine();
        auto request = makeRequest("walking on gravel", 2.0, 500);
        request.batchSize = 3;
        const auto takes = test::runEngine(*engine, request, {}, nullptr);
        QCOMPARE(takes.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(takes[i].seed, std::int64_t(500 + i));
        QVERIFY(!identical(takes[0].audio, takes[1].audio));
        QVERIFY(!identical(takes[1].audio, takes[2].audio));
        // Take i of a batch is the take a single request with seed + i gives.
        QVERIFY(identical(takes[2].audio, generateOne("walking on gravel", 2.0, 502).audio));

        request.seed = -1;
        const auto random = test::runEngine(*engine, request, {}, nullptr);
        QCOMPARE(random.size(), std::size_t(3));
        QVERIFY(random[0].seed >= 0);
        QCOMPARE(random[1].seed, random[0].seed + 1);
        QCOMPARE(random[2].seed, random[0].seed + 2);
    }

    void progressIncreases() {
        auto engine = makeProceduralEngine();
        auto request = makeRequest("running on gravel", 4.0, 77);
        request.batchSize = 2;
        std::vector<Progress> seen;
        const auto takes = test::runEngine(
            *engine, request, [&](const Progress& p) { seen.push_back(p); }, nullptr);
        QCOMPARE(takes.size(), std::size_t(2));
        for (int take = 0; take < 2; ++take) {
            std::vector<Progress> mine;
            for (const auto& p : seen)
                if (p.take == take)
                    mine.push_back(p);
            const int steps = takes[take].engineDetails.at("step_count").get<int>();
            QVERIFY(int(mine.size()) >= steps);
            for (std::size_t i = 0; i < mine.size(); ++i) {
                QCOMPARE(mine[i].phase, Phase::Sampling);
                QCOMPARE(mine[i].takes, 2);
                QCOMPARE(mine[i].total, mine.front().total);
                if (i > 0)
                    QVERIFY(mine[i].step > mine[i - 1].step);
            }
            QCOMPARE(mine.back().step, mine.back().total);
        }
        // Take 0 reports before take 1.
        QCOMPARE(seen.front().take, 0);
        QCOMPARE(seen.back().take, 1);
    }

    void synthOnsetsMatchPlan() {
        // The plan's onsets are what the renderer places: the first detected onset is within
        // 20 ms of the first planned heel strike.
        const auto params = interpretPrompt("walking on marble");
        FootstepSynth synth(params, 31, 4.0);
        const auto audio = synth.render();
        const auto mono = monoMix(audio);
        std::size_t first = 0;
        float peak = 0.0f;
        for (float v : mono)
            peak = std::max(peak, std::fabs(v));
        while (first < mono.size() && std::fabs(mono[first]) < 0.05f * peak)
            ++first;
        QVERIFY(std::fabs(double(first) / kRate - synth.onsets().front()) < 0.02);
    }
};

QTEST_APPLESS_MAIN(TestProcedural)
#include "tst_procedural.moc"
