// The zip container of torch.save checkpoints, read through the LoRA reader: truncations,
// flipped bytes (CRC), a moved central directory, trailing garbage, compressed and encrypted
// entries, files that are no zip at all; and the SHA-256 that identifies LoRA files.
#include "model/formats/sha256.h"
#include "model/lora/lora_file.h"

#include "lora_checks.h"
#include "parity.h"
#include "torch_save_writer.h"

#include "scratch_dir.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <vector>

using namespace footfall;
using namespace footfall::model;
using namespace footfall::test;

class TestZipReader : public QObject {
    Q_OBJECT

private:
    ScratchDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void sha256KnownVectors() {
        QCOMPARE(
            QString::fromStdString(sha256Hex("", 0)),
            QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(
            QString::fromStdString(sha256Hex("abc", 3)),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string million(1000000, 'a');
        QCOMPARE(
            QString::fromStdString(sha256Hex(million.data(), million.size())),
            QStringLiteral("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void truncatedAndCorruptZips() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const std::string good = readFile(footfall::test::parityPath("lora_tiny.ckpt"));
        QVERIFY(good.size() > 100000);
        int cases = 0;
        std::vector<size_t> cuts = {0,
                                    1,
                                    3,
                                    4,
                                    21,
                                    22,
                                    100,
                                    good.size() - 1,
                                    good.size() - 21,
                                    good.size() - 22,
                                    good.size() - 23};
        for (size_t cut = 500; cut < good.size(); cut += 1499)
            cuts.push_back(cut);
        for (size_t cut : cuts) {
            writeFile(m_tmp.file("cut.ckpt"), good.substr(0, cut));
            const QString message = errorOf([&] { readLoraFile(m_tmp.file("cut.ckpt")); });
            QVERIFY2(!message.isEmpty() && !message.startsWith("NOT A"),
                     qPrintable(QString("cut at %1: '%2'").arg(cut).arg(message)));
            ++cases;
        }
        // A flipped byte inside a storage: CRC mismatch names the entry.
        std::string flipped = good;
        flipped[20000] = char(flipped[20000] ^ 0x5A);
        writeFile(m_tmp.file("flip.ckpt"), flipped);
        VERIFY_ERROR(readLoraFile(m_tmp.file("flip.ckpt")), "CRC");
        // Central directory offset pointing elsewhere.
        std::string badOffset = good;
        const size_t end = good.size() - 22;
        QCOMPARE(uint32_t(uint8_t(good[end])) | uint32_t(uint8_t(good[end + 1])) << 8, 0x4b50u);
        badOffset[end + 16] = char(badOffset[end + 16] + 1);
        writeFile(m_tmp.file("badcd.ckpt"), badOffset);
        VERIFY_ERROR(readLoraFile(m_tmp.file("badcd.ckpt")), "central directory");
        // Appended garbage after the end record.
        writeFile(m_tmp.file("tail.ckpt"), good + "garbage");
        VERIFY_ERROR(readLoraFile(m_tmp.file("tail.ckpt")), "end-of-central-directory");
        // Compressed and encrypted entries.
        Pickle p;
        p.op('}');
        writeFile(m_tmp.file("deflate.ckpt"), makeZip({{"lora/data.pkl", p.done()}}, 8));
        VERIFY_ERROR(readLoraFile(m_tmp.file("deflate.ckpt")), "compressed");
        writeFile(m_tmp.file("crypt.ckpt"), makeZip({{"lora/data.pkl", p.done()}}, 0, 1));
        VERIFY_ERROR(readLoraFile(m_tmp.file("crypt.ckpt")), "encrypted");
        // Not a zip, not safetensors; legacy pickle.
        writeFile(m_tmp.file("junk.ckpt"), "hello world, not a LoRA at all");
        QVERIFY(!errorOf([&] { readLoraFile(m_tmp.file("junk.ckpt")); }).isEmpty());
        writeFile(m_tmp.file("legacy.pt"), std::string("\x80\x02\x8a\x0a", 4) + "junk");
        VERIFY_ERROR(readLoraFile(m_tmp.file("legacy.pt")), "legacy");
        qInfo("%d truncations rejected", cases);
    }
};

QTEST_APPLESS_MAIN(TestZipReader)
#include "tst_zip_reader.moc"
