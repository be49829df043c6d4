// WAV/FLAC writing: our RIFF writer and libsndfile's FLAC, read back by libsndfile, by the raw
// bytes, and by sox and mediainfo where installed.
#include "io/audio_file.h"
#include "io/metadata.h"
#include "media_tools.h"
#include "signals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sndfile.h>

#include <cstring>
#include <filesystem>

using namespace footfall;

namespace {

std::uint16_t u16(const std::string& s, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(s[at]) |
                                      static_cast<unsigned char>(s[at + 1]) << 8);
}
std::uint32_t u32(const std::string& s, std::size_t at) {
    return u16(s, at) | static_cast<std::uint32_t>(u16(s, at + 2)) << 16;
}

QStringList chunkIds(const std::string& path) {
    QStringList ids;
    for (const auto& [id, size] : listChunks(path))
        ids << QString::fromStdString(id);
    return ids;
}

bool sameSamples(const AudioBuffer& a, const AudioBuffer& b) {
    if (a.channels() != b.channels() || a.frames() != b.frames())
        return false;
    for (int c = 0; c < a.channels(); ++c)
        if (std::memcmp(a.channel(c), b.channel(c), a.frames() * sizeof(float)) != 0)
            return false;
    return true;
}

const char* kR98Float = "A=PCM,F=44100,W=32,M=stereo,T=Footfall test; sine; 32-bit float\r\n";

} // namespace

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
        QVERIFY(sameSamples(back, s));
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
        o.bext.codingHistory = kR98Float;
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
        // Exactly the history given: no second line of libsndfile's own.
        QCOMPARE(QString::fromStdString(bext->codingHistory), QString(kR98Float));
        const auto raw = readChunkData(p, "bext");
        QVERIFY(raw.has_value());
        QCOMPARE(raw->size(), std::size_t(602) + std::strlen(kR98Float));
        QCOMPARE(QString::fromStdString(raw->substr(602)), QString(kR98Float));
        QCOMPARE(u16(*raw, 346), std::uint16_t(2)); // bext version
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
    void floatWavHeaderHasCbSizeAndFact() {
        auto s = test::sine(440, 1.2, 0.25);
        const auto p = path("float_header.wav");
        WriteOptions o;
        o.bext.description = "float";
        o.bext.codingHistory = kR98Float;
        o.ixml = metadataToIxml({{"prompt", "float"}});
        writeAudioFile(p, s, o);
        QCOMPARE(chunkIds(p), QStringList({"fmt ", "fact", "bext", "iXML", "data"}));
        const std::string fmt = *readChunkData(p, "fmt ");
        QCOMPARE(fmt.size(), std::size_t(18));   // WAVEFORMATEX: cbSize present
        QCOMPARE(u16(fmt, 0), std::uint16_t(3)); // WAVE_FORMAT_IEEE_FLOAT
        QCOMPARE(u16(fmt, 2), std::uint16_t(2));
        QCOMPARE(u32(fmt, 4), std::uint32_t(44100));
        QCOMPARE(u32(fmt, 8), std::uint32_t(44100 * 8));
        QCOMPARE(u16(fmt, 12), std::uint16_t(8));
        QCOMPARE(u16(fmt, 14), std::uint16_t(32));
        QCOMPARE(u16(fmt, 16), std::uint16_t(0)); // cbSize
        QCOMPARE(u32(*readChunkData(p, "fact"), 0), static_cast<std::uint32_t>(s.frames()));
        QVERIFY(sameSamples(readAudioFile(p), s)); // overs kept, bit for bit

        FOOTFALL_REQUIRE_TOOL("sox");
        const test::ToolRun r = test::runTool("sox", {"--i", QString::fromStdString(p)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains("WARN") && !r.out.contains("WARN"), r.err.constData());
        QVERIFY(r.out.contains("32-bit Floating Point PCM"));
    }
    void pcmWavHeadersArePlainPcm() {
        const auto s = test::sine(440, 0.5, 0.25, 1); // mono: an odd-sized 24-bit data chunk
        for (const auto& [format, bits] :
             {std::pair{AudioFormat::Wav24, 24}, std::pair{AudioFormat::Wav16, 16}}) {
            const auto p = path(bits == 24 ? "pcm_header24.wav" : "pcm_header16.wav");
            WriteOptions o;
            o.format = format;
            o.ixml = metadataToIxml({{"prompt", "pcm"}});
            writeAudioFile(p, s, o);
            QCOMPARE(chunkIds(p), QStringList({"fmt ", "bext", "iXML", "data"}));
            const std::string fmt = *readChunkData(p, "fmt ");
            QCOMPARE(fmt.size(), std::size_t(16));
            QCOMPARE(u16(fmt, 0), std::uint16_t(1)); // WAVE_FORMAT_PCM
            QCOMPARE(int(u16(fmt, 14)), bits);
            QVERIFY(sameSamples(readAudioFile(p), samplesAsWritten(s, format, o.ditherSeed)));
            if (QStandardPaths::findExecutable("sox").isEmpty())
                continue; // reported by floatWavHeaderHasCbSizeAndFact
            const test::ToolRun r = test::runTool("sox", {"--i", QString::fromStdString(p)});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.err.contains("WARN"), r.err.constData());
        }
    }
    void filesHoldExactlySamplesAsWritten() {
        auto s = test::noise(0.9, 0.2, 3);
        s.channel(0)[10] = 1.5f;                                    // an over
        s.channel(1)[11] = std::numeric_limits<float>::quiet_NaN(); // never written as NaN
        for (AudioFormat f :
             {AudioFormat::Wav32Float, AudioFormat::Wav24, AudioFormat::Wav16, AudioFormat::Flac}) {
            const auto p =
                path(("exact." + audioFormatName(f) + "." + audioFormatExtension(f)).c_str());
            WriteOptions o;
            o.format = f;
            o.ditherSeed = 99;
            writeAudioFile(p, s, o);
            const AudioBuffer expected = samplesAsWritten(s, f, 99);
            QVERIFY2(sameSamples(readAudioFile(p), expected), p.c_str());
            // A NaN is written as silence (plus dither in 16-bit).
            QVERIFY(std::abs(expected.sample(1, 11)) <= 1.0f / 32768.0f);
            if (f != AudioFormat::Wav32Float) {
                const double scale = f == AudioFormat::Wav16 ? 32768.0 : 8388608.0;
                for (std::size_t i = 0; i < expected.frames(); i += 7) {
                    const double code = expected.sample(0, i) * scale;
                    QCOMPARE(code, std::round(code)); // on the format's grid
                }
                QVERIFY(expected.sample(0, 10) < 1.0f); // clipped to the largest code
            } else {
                QCOMPARE(expected.sample(0, 10), 1.5f);
            }
        }
        // Writing prepared samples does not dither them again.
        const AudioBuffer prepared = samplesAsWritten(s, AudioFormat::Wav16, 5);
        WriteOptions o;
        o.format = AudioFormat::Wav16;
        o.samplesPrepared = true;
        writeAudioFile(path("prepared16.wav"), prepared, o);
        QVERIFY(sameSamples(readAudioFile(path("prepared16.wav")), prepared));
    }
    void bextTextIsAscii() {
        const auto p = path("ascii.wav");
        WriteOptions o;
        o.bext.description = "Schritte auf Kies, ängstlich – „leise“";
        o.bext.originator = "Footfall ß";
        o.bext.codingHistory = kR98Float;
        writeAudioFile(p, test::sine(440, 0.5, 0.1), o);
        const std::string raw = *readChunkData(p, "bext");
        // The text fields (Description ... OriginationTime) and the coding history.
        for (const std::string& text : {raw.substr(0, 338), raw.substr(602)})
            for (unsigned char c : text)
                QVERIFY2(c < 0x80, "non-ASCII byte in a bext text field");
        QCOMPARE(QString::fromStdString(readBroadcastInfo(p)->description),
                 QString("Schritte auf Kies, aengstlich - \"leise\""));
        QCOMPARE(QString::fromStdString(readBroadcastInfo(p)->originator), QString("Footfall ss"));
    }
    void timeReferenceRoundTrips() {
        const auto p = path("timeref.wav");
        WriteOptions o;
        o.bext.timeReference = (std::uint64_t{1} << 32) + 4410;
        writeAudioFile(p, test::sine(440, 0.5, 0.1), o);
        const std::string raw = *readChunkData(p, "bext");
        QCOMPARE(u32(raw, 338), std::uint32_t(4410)); // TimeReferenceLow
        QCOMPARE(u32(raw, 342), std::uint32_t(1));    // TimeReferenceHigh
        QCOMPARE(readBroadcastInfo(p)->timeReference, o.bext.timeReference);
    }
    void flacCarriesVorbisComments() {
        const auto s = test::sine(440, 0.5, 0.3);
        const auto p = path("tagged.flac");
        WriteOptions o;
        o.format = AudioFormat::Flac;
        o.vorbisComments = {{"TITLE", "SchritteAufKies"},
                            {"DESCRIPTION", "Schritte auf Kies, ängstlich"},
                            {"FOOTFALL_SEED", "42"},
                            {"FOOTFALL_METADATA", "{\"seed\":42}"}};
        writeAudioFile(p, s, o);
        QCOMPARE(readVorbisComments(p), o.vorbisComments); // exact UTF-8, in order
        QVERIFY(sameSamples(readAudioFile(p), samplesAsWritten(s, AudioFormat::Flac)));
        // libsndfile reads the standard fields from the same block.
        SF_INFO info{};
        SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
        QVERIFY(f);
        QCOMPARE(QString(sf_get_string(f, SF_STR_TITLE)), QString("SchritteAufKies"));
        sf_close(f);
        QVERIFY(readVorbisComments(path("tagged.wav")).empty()); // not a FLAC file
    }
    void mediainfoReadsTheTags() {
        FOOTFALL_REQUIRE_TOOL("mediainfo");
        const auto p = path("mediainfo.wav");
        WriteOptions o;
        o.bext.description = "Schritte auf Kies, ängstlich";
        o.bext.originator = "Footfall";
        o.bext.originationDate = "2026-11-26";
        o.bext.originationTime = "14:30:00";
        o.bext.timeReference = 22050;
        o.bext.codingHistory =
            std::string(kR98Float) + "A=PCM,F=44100,W=24,M=stereo,T=Footfall test; export\r\n";
        writeAudioFile(p, test::sine(440, 0.5, 1.0), o);
        const QJsonObject general = test::mediainfoTrack(QString::fromStdString(p), "General");
        const QJsonObject audio = test::mediainfoTrack(QString::fromStdString(p), "Audio");
        QCOMPARE(general["Description"].toString(), QString("Schritte auf Kies, aengstlich"));
        QCOMPARE(general["Producer"].toString(), QString("Footfall"));
        QCOMPARE(general["Encoded_Library_Settings"].toString(),
                 QString("A=PCM,F=44100,W=32,M=stereo,T=Footfall test; sine; 32-bit float / "
                         "A=PCM,F=44100,W=24,M=stereo,T=Footfall test; export"));
        QCOMPARE(audio["Format"].toString(), QString("PCM"));
        QCOMPARE(audio["Format_Profile"].toString(), QString("Float"));
        QCOMPARE(audio["CodecID"].toString(), QString("3"));
        QCOMPARE(audio["BitDepth"].toString(), QString("32"));
        QCOMPARE(audio["Delay"].toString().toDouble(), 0.5); // TimeReference 22050 at 44.1 kHz
        QCOMPARE(audio["Delay_Source"].toString(), QString("Container (bext)"));

        const auto flac = path("mediainfo.flac");
        WriteOptions fo;
        fo.format = AudioFormat::Flac;
        fo.vorbisComments = {{"TITLE", "SchritteAufKiesAengstlich"},
                             {"DESCRIPTION", "Schritte auf Kies, ängstlich"},
                             {"CATID", "FEETHmn"}};
        writeAudioFile(flac, test::sine(440, 0.5, 1.0), fo);
        const QJsonObject fg = test::mediainfoTrack(QString::fromStdString(flac), "General");
        QCOMPARE(fg["Title"].toString(), QString("SchritteAufKiesAengstlich"));
        QCOMPARE(fg["Description"].toString(), QString::fromUtf8("Schritte auf Kies, ängstlich"));
        QCOMPARE(fg["extra"].toObject()["CATID"].toString(), QString("FEETHmn"));
        QCOMPARE(test::mediainfoTrack(QString::fromStdString(flac), "Audio")["BitDepth"].toString(),
                 QString("24"));
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
