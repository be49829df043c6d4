// A weights file cut short by another program after Footfall opened (mapped) it: reading the
// lost part is a GenerationError naming the file, never a SIGBUS that kills the app; what is
// still there reads back exactly; a file replaced by rename keeps serving the old contents.
// Covers the safetensors reader, WeightSource and the zip layer under .ckpt files.
// Torch before Qt (Qt's slots macro).
#include <ATen/ATen.h>

#include "base/errors.h"
#include "model/formats/mapped_file.h"
#include "model/formats/safetensors.h"
#include "model/formats/zip_reader.h"
#include "model/runtime/weights.h"
#include "scratch_dir.h"
#include "torch_save_writer.h"

#include <QtTest>

#include <unistd.h>

using namespace footfall;
using namespace footfall::model;
using namespace footfall::test;

namespace {

// The message of the GenerationError `f` throws ("" when it throws none).
template <typename F> QString errorOf(F&& f) {
    try {
        f();
    } catch (const GenerationError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

void cutTo(const std::string& path, off_t bytes) {
    QVERIFY(::truncate(path.c_str(), bytes) == 0);
}

} // namespace

class TestTruncatedWhileOpen : public QObject {
    Q_OBJECT
    ScratchDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void aCopyFromALostPageFailsInsteadOfCrashing() {
        const std::string path = m_tmp.file("pages.bin");
        writeFile(path, std::string(1 << 16, 'x'));
        const auto file = MappedFile::open(path, "test file");
        std::vector<uint8_t> out(4096);
        file->read(0, out.data(), out.size());
        QCOMPARE(out[0], uint8_t('x'));
        cutTo(path, 4096); // the first page stays
        file->read(0, out.data(), out.size());
        QCOMPARE(out[4095], uint8_t('x'));
        const QString error = errorOf([&] { file->read(8192, out.data(), out.size()); });
        QVERIFY2(error.contains("cut short"), qPrintable(error));
        QVERIFY(error.contains(QString::fromStdString(path)));
        // Past the size it was mapped with: a range error, checked before any read.
        QVERIFY(!errorOf([&] { file->read((1 << 16) - 10, out.data(), 20); }).isEmpty());
    }

    void safetensorsCutShortAfterOpening() {
        const std::string path = m_tmp.file("model.safetensors");
        at::manual_seed(1);
        const at::Tensor first = at::randn({64});
        const at::Tensor big = at::randn({1024, 256}); // 1 MB, many pages
        writeSafetensors(path, {{"a.first", first}, {"b.big", big}});
        const WeightSource weights = WeightSource::open(path);
        const SafetensorsFile file = SafetensorsFile::open(path);
        cutTo(path, 16 * 1024); // header and "a.first" survive
        QVERIFY(at::equal(file.tensor("a.first"), first));
        const QString direct = errorOf([&] { file.tensor("b.big"); });
        QVERIFY2(direct.contains("cut short"), qPrintable(direct));
        const QString viaWeights = errorOf([&] { weights.require("b.big", {1024, 256}); });
        QVERIFY2(viaWeights.contains("cut short") &&
                     viaWeights.contains(QString::fromStdString(path)),
                 qPrintable(viaWeights));
        // Opened again, the file is refused up front (its offsets pass the end).
        QVERIFY(errorOf([&] { SafetensorsFile::open(path); }).contains("truncated"));
    }

    void aTensorReadBeforeTheCutStaysValid() {
        const std::string path = m_tmp.file("kept.safetensors");
        const at::Tensor big = at::arange(262144, at::kFloat);
        writeSafetensors(path, {{"w", big}});
        const at::Tensor loaded = SafetensorsFile::open(path).tensor("w");
        cutTo(path, 0);
        // A copy: using it after the cut touches no page of the file.
        QCOMPARE(loaded.sum().item<double>(), big.sum().item<double>());
    }

    void replacedByRenameKeepsTheOpenedContents() {
        const std::string path = m_tmp.file("swap.safetensors");
        const at::Tensor before = at::full({4096}, 1.0f);
        writeSafetensors(path, {{"w", before}});
        const SafetensorsFile file = SafetensorsFile::open(path);
        const std::string other = m_tmp.file("swap-new.safetensors");
        writeSafetensors(other, {{"w", at::full({16}, 2.0f)}});
        QVERIFY(::rename(other.c_str(), path.c_str()) == 0);
        QVERIFY(at::equal(file.tensor("w"), before));
    }

    void zipEntriesCutShortAfterOpening() {
        const std::string path = m_tmp.file("lora.ckpt");
        Pickle p;
        p.op('}').str("a/lora_down.weight").tensor("0", 65536, 0, {256, 256}, {256, 1}).op('s');
        writeFile(path, makeCheckpoint(p.done(), {{"0", floatBytes(iota(65536, 0.5f))}}));
        const ZipArchive zip = ZipArchive::open(path);
        const ZipArchive::Entry* storage = nullptr;
        for (const auto& e : zip.entries())
            if (e.size == 65536 * 4)
                storage = &e;
        QVERIFY(storage);
        zip.verifyCrc(*storage);
        cutTo(path, static_cast<off_t>(storage->dataOffset + 4096));
        QVERIFY(errorOf([&] { zip.verifyCrc(*storage); }).contains("cut short"));
        QVERIFY(errorOf([&] { zip.bytes(*storage); }).contains("cut short"));
        std::vector<uint8_t> head(1024);
        zip.read(*storage, 0, head.data(), head.size()); // still there
        QVERIFY(!errorOf([&] { zip.read(*storage, 0, head.data(), 1 << 20); }).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestTruncatedWhileOpen)
#include "tst_truncated_while_open.moc"
