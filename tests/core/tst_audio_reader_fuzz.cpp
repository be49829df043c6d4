// Inputs fuzz_audio (fuzz/) found that broke the WAV/FLAC readers, each kept as bytes: the
// readers must refuse them in words (readAudioFile: std::runtime_error) or read what the file
// really holds, with memory bounded by the file, never by what its header claims.
#include "io/audio_file.h"
#include "io/file_check.h"

#include "scratch_dir.h"

#include <QByteArray>
#include <QtTest>

#include <sys/resource.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

using namespace footfall;
using namespace footfall::test;

namespace {

std::string fromBase64(const char* text) {
    return QByteArray::fromBase64(QByteArray(text)).toStdString();
}

void put32(std::string& s, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        s += char((v >> (8 * i)) & 0xFF);
}

// A RIFF chunk; `claimed` replaces the payload size in its header.
std::string chunk(const char* id, const std::string& payload, std::uint32_t claimed = 0) {
    std::string c = id;
    put32(c, claimed ? claimed : std::uint32_t(payload.size()));
    return c + payload + (payload.size() % 2 ? std::string(1, '\0') : std::string());
}

// A mono 16-bit WAV of 4 frames with a cue point at frame 2, then `tail` (more chunks).
std::string wavWithCue(const std::string& tail) {
    std::string fmt;
    put32(fmt, 0x00010001); // PCM, 1 channel
    put32(fmt, 8000);
    put32(fmt, 16000);
    put32(fmt, 0x00100002); // block align 2, 16 bits
    std::string cue;
    put32(cue, 1); // one point
    put32(cue, 1); // its id
    put32(cue, 0); // position
    cue += "data"; // fccChunk
    put32(cue, 0); // chunk start
    put32(cue, 0); // block start
    put32(cue, 2); // sample offset
    const std::string body = std::string("WAVE") + chunk("fmt ", fmt) +
                             chunk("data", std::string(8, '\0')) + chunk("cue ", cue) + tail;
    std::string riff = "RIFF";
    put32(riff, std::uint32_t(body.size()));
    return riff + body;
}

// Peak resident memory of this process so far, in MB.
long peakRssMb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), std::streamsize(bytes.size()));
}

} // namespace

class TestAudioReaderFuzz : public QObject {
    Q_OBJECT

private:
    ScratchDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void flacClaimingTerabytesOfSamples() {
        // A 247-byte FLAC whose STREAMINFO announces 0xD00000000+ frames: readAudioFile
        // allocated the claimed frames x channels up front (std::length_error escaped; a smaller
        // claim allocated gigabytes). It now reads in blocks what the file holds.
        const std::string bytes = fromBase64(
            "ZkxhQwAAACIQABAAAADQAADQCsRBcAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAWDmbxsDlV5mjIKJP8Bo+"
            "pQOEAABEIAAgAHJlZmVyZW5jZSBsaWJGTEFDIDEuNC4yIDIwMjIxMDIy+QAAABgAAABDb21tZW50PVByb2Nl"
            "c3NlZCBieSBTb1j/+GkMAFcUFAAuMQWUWUvd+6jxZ44XSqOtnuvfCylGnRA8yATIW2Jts2BkM9AiVw==");
        QCOMPARE(bytes.size(), size_t(247));
        const std::string path = m_tmp.file("claims_terabytes.flac");
        writeFile(path, bytes);
        try {
            const AudioBuffer audio = readAudioFile(path);
            QVERIFY(audio.channels() >= 1);
            QVERIFY2(audio.frames() < 1000000, qPrintable(QString::number(audio.frames())));
        } catch (const std::runtime_error&) {
            // refused in words: fine
        }
    }

    void listEntryRunningPastItsList() {
        // Found by fuzz_audio: inside a LIST/adtl, an entry whose size (0xFFFFFFF4) runs past
        // the list made libsndfile's sf_open loop forever on a 966-byte WAV (init audio,
        // re-import and the take list's checks all open files with it). Every reader now
        // refuses the file before libsndfile sees it.
        std::string adtl = "adtl";
        adtl += "la\x9c\x93";
        put32(adtl, 0xFFFFFFF4u);
        adtl += "step 1..";
        const std::string path = m_tmp.file("looping_list.wav");
        writeFile(path, wavWithCue(chunk("LIST", adtl)));
        QVERIFY(riffListProblem(path).has_value());
        try {
            (void)readAudioFile(path);
            QFAIL("the file was read");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("LIST"), e.what());
        }
        QVERIFY(!probeAudioFile(path).has_value());
        QVERIFY(readMarkers(path).empty());
        QVERIFY(!readBroadcastInfo(path).has_value());
        // The same list with the entry's true size is read.
        std::string fine = "adtllabl";
        put32(fine, 8);
        put32(fine, 1);
        fine += "abcd";
        writeFile(path, wavWithCue(chunk("LIST", fine)));
        QVERIFY(!riffListProblem(path).has_value());
        QCOMPARE(readAudioFile(path).frames(), size_t(4));
        QVERIFY(probeAudioFile(path).has_value());
    }

    void chunkClaimingFourGigabytes() {
        // Found by fuzz_audio: a LIST (labels) or iXML chunk header claiming 0xFFFFFFF0 bytes in
        // a file of about 100: readMarkers and readChunk allocated (and zeroed) the claimed 4 GB
        // before reading. They now check the size against the file first.
        const long before = peakRssMb();
        const std::string list = m_tmp.file("huge_list.wav");
        std::string adtl = "adtllabl";
        put32(adtl, 8);
        put32(adtl, 1);
        adtl += "abcd";
        writeFile(list, wavWithCue(chunk("LIST", adtl, 0xFFFFFFF0u)));
        const CueMarkers markers = readMarkers(list);
        QCOMPARE(markers.size(), size_t(1)); // the cue point is read; its label chunk is not
        QCOMPARE(markers[0].frame, std::uint64_t(2));

        const std::string ixml = m_tmp.file("huge_ixml.wav");
        writeFile(ixml, wavWithCue(chunk("iXML", "<BWFXML/>", 0xFFFFFFF0u)));
        QVERIFY(!readChunk(ixml, "iXML").has_value());
        QVERIFY(!readChunkData(ixml, "iXML").has_value());
        QCOMPARE(readAudioFile(ixml).frames(), size_t(4));
        const long grown = peakRssMb() - before;
        QVERIFY2(grown < 256, qPrintable(QStringLiteral("peak memory grew by %1 MB").arg(grown)));

        // A well-formed label is still read.
        writeFile(list, wavWithCue(chunk("LIST", adtl)));
        QCOMPARE(readMarkers(list).at(0).label, std::string("abcd"));
    }
};

QTEST_APPLESS_MAIN(TestAudioReaderFuzz)
#include "tst_audio_reader_fuzz.moc"
