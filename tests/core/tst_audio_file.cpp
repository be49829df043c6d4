// WAV/FLAC writing through libsndfile, with bext and iXML read back.
#include "io/audio_file.h"
#include "io/metadata.h"
#include "signals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace footfall;

class TestAudioFile : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string path(const char* name) { return (m_dir.path() + "/" + name).toStdString(); }

private Q_SLOTS:
    void floatRoundTripIsExactAndKeepsOvers() {
        auto s = test::sine(440, 1.5, 0.5); // SAO output may exceed full scale
        const auto p = path("float.wav");
        writeAudioFile(p, s, {});
        const auto back = readAudioFile(p);
        QCOMPARE(back.channels(), 2);
        QCOMPARE(back.frames(), s.frames());
        QCOMPARE(back.sampleRate(), 44100);
        for (std::size_t i = 0; i < s.frames(); i += 97)
            QCOMPARE(back.sample(1, i), s.sample(1, i));
    }
    void pcm24RoundTrip() {
        auto s = test::sine(440, 0.5, 0.5);
        const auto p = path("pcm24.wav");
        WriteOptions o;
        o.format = AudioFormat::Wav24;
        writeAudioFile(p, s, o);
        const auto back = readAudioFile(p);
        double maxErr = 0;
        for (std::size_t i = 0; i < s.frames(); ++i)
            maxErr = std::max(maxErr, double(std::abs(back.sample(0, i) - s.sample(0, i))));
        QVERIFY(maxErr < 2.0 / 8388608.0);
    }
    void pcm16IsDitheredWithTpdf() {
        // A constant far below one LSB survives only through dither: its mean is kept
        // while the samples spread over neighbouring codes (TPDF: at most +-1 LSB).
        const float lsb = 1.0f / 32768.0f;
        AudioBuffer s(2, 44100, 44100);
        for (int c = 0; c < 2; ++c)
            std::fill(s.channelVector(c).begin(), s.channelVector(c).end(), 0.25f * lsb);
        const auto p = path("pcm16.wav");
        WriteOptions o;
        o.format = AudioFormat::Wav16;
        writeAudioFile(p, s, o);
        const auto back = readAudioFile(p);
        double mean = 0;
        int nonZero = 0;
        for (std::size_t i = 0; i < back.frames(); ++i) {
            mean += back.sample(0, i);
            nonZero += back.sample(0, i) != 0.0f;
            QVERIFY(std::abs(back.sample(0, i)) <= 1.01f * lsb);
        }
        mean /= back.frames();
        QVERIFY2(std::abs(mean / lsb - 0.25) < 0.05, qPrintable(QString::number(mean / lsb)));
        QVERIFY(nonZero > 1000);
    }
    void integerFormatsClipOvers() {
        auto s = test::sine(440, 2.0, 0.1);
        const auto p = path("over16.wav");
        WriteOptions o;
        o.format = AudioFormat::Wav16;
        writeAudioFile(p, s, o);
        const auto back = readAudioFile(p);
        for (std::size_t i = 0; i < back.frames(); ++i)
            QVERIFY(std::abs(back.sample(0, i)) <= 1.0f);
    }
    void flacRoundTrip() {
        auto s = test::sine(440, 0.5, 0.5);
        const auto p = path("take.flac");
        WriteOptions o;
        o.format = AudioFormat::Flac;
        writeAudioFile(p, s, o);
        const auto back = readAudioFile(p);
        QCOMPARE(back.frames(), s.frames());
        QVERIFY(std::abs(back.sample(0, 1234) - s.sample(0, 1234)) < 1e-6);
        QCOMPARE(QString::fromStdString(audioFormatExtension(AudioFormat::Flac)), QString("flac"));
    }
    void bextAndIxmlAreReadBack() {
        auto s = test::sine(1000, 0.1, 1.0);
        const auto p = path("tagged.wav");
        WriteOptions o;
        o.bext.description = "heavy boots on wet marble";
        o.bext.originator = "Footfall";
        o.bext.originatorReference = "FF261126S42";
        o.bext.originationDate = "2026-11-26";
        o.bext.originationTime = "14:30:00";
        o.bext.codingHistory = "A=wav32f,F=44100,M=stereo,T=Footfall\r\n";
        Loudness l;
        l.integratedLufs = -23.4;
        l.truePeakDbtp = -1.25;
        l.loudnessRangeLu = 3.0;
        o.bext.loudness = l;
        nlohmann::json meta{{"prompt", "heavy boots <on> wet & marble"},
                            {"seed", 42},
                            {"phase_info", {{"status", "good"}, {"correlation", 0.5}}}};
        o.ixml = metadataToIxml(meta);
        writeAudioFile(p, s, o);

        const auto bext = readBroadcastInfo(p);
        QVERIFY(bext.has_value());
        QCOMPARE(QString::fromStdString(bext->description), QString("heavy boots on wet marble"));
        QCOMPARE(QString::fromStdString(bext->originator), QString("Footfall"));
        QCOMPARE(QString::fromStdString(bext->originatorReference), QString("FF261126S42"));
        QCOMPARE(QString::fromStdString(bext->originationDate), QString("2026-11-26"));
        QVERIFY(QString::fromStdString(bext->codingHistory).startsWith("A=wav32f"));
        QVERIFY(bext->loudness.has_value());
        QCOMPARE(*bext->loudness->integratedLufs, -23.4);
        QCOMPARE(*bext->loudness->truePeakDbtp, -1.25);
        QVERIFY(!bext->loudness->maxShortTermLufs.has_value());

        const auto ixml = readChunk(p, "iXML");
        QVERIFY(ixml.has_value());
        const QString x = QString::fromStdString(*ixml);
        QVERIFY(x.contains("<BWFXML>"));
        QVERIFY(x.contains("<seed>42</seed>"));
        QVERIFY(x.contains("heavy boots &lt;on&gt; wet &amp; marble"));
        QVERIFY(x.contains("<status>good</status>"));
    }
    void writeIsAtomicAndLeavesNoPartFiles() {
        auto s = test::sine(440, 0.5, 0.2);
        const auto p = path("atomic.wav");
        writeAudioFile(p, s, {});
        for (const auto& e : std::filesystem::directory_iterator(m_dir.path().toStdString()))
            QVERIFY2(e.path().extension() != ".part", e.path().c_str());
    }
    void unwritableFolderIsAClearError() {
        auto s = test::sine(440, 0.5, 0.1);
        try {
            writeAudioFile("/nonexistent-folder/x.wav", s, {});
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY(QString(e.what()).contains("/nonexistent-folder/x.wav"));
        }
    }
    void formatNames() {
        QCOMPARE(parseAudioFormat("wav24"), std::optional<AudioFormat>(AudioFormat::Wav24));
        QCOMPARE(parseAudioFormat("FLAC"), std::optional<AudioFormat>(AudioFormat::Flac));
        QVERIFY(!parseAudioFormat("mp3").has_value());
    }
};

QTEST_APPLESS_MAIN(TestAudioFile)
#include "tst_audio_file.moc"
