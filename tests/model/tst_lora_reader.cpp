// LoRA readers (LoRAW .ckpt through the restricted unpickler, safetensors, Lightning
// checkpoints), key mapping / validation, merge and exact unmerge, --lora-info. Malicious and
// broken files are crafted here byte by byte (zip + pickle), and with /usr/bin/python3's
// torch.save when it is available.
#include "engine/engine.h"
#include "model/lora_apply.h"
#include "model/lora_checkpoint_reader.h"
#include "model/lora_file.h"
#include "model/lora_hash.h"
#include "model/lora_info.h"
#include "model/safetensors.h"
#include "model/zip_reader.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <memory>

using namespace footfall;
using namespace footfall::model;

namespace {

// ------------------------------------------------------------------ crafting files

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

void put16(std::string& s, uint16_t v) {
    s += char(v & 0xFF);
    s += char(v >> 8);
}
void put32(std::string& s, uint32_t v) {
    put16(s, uint16_t(v & 0xFFFF));
    put16(s, uint16_t(v >> 16));
}

// A zip of stored entries as torch.save writes them (method and flags configurable for tests).
std::string makeZip(const std::vector<std::pair<std::string, std::string>>& entries,
                    uint16_t method = 0, uint16_t flags = 0) {
    std::string out, central;
    for (const auto& [name, data] : entries) {
        const uint32_t crc = crc32(reinterpret_cast<const uint8_t*>(data.data()), data.size());
        const uint32_t offset = uint32_t(out.size());
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, flags);
        put16(out, method);
        put16(out, 0);
        put16(out, 0);
        put32(out, crc);
        put32(out, uint32_t(data.size()));
        put32(out, uint32_t(data.size()));
        put16(out, uint16_t(name.size()));
        put16(out, 0);
        out += name;
        out += data;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, flags);
        put16(central, method);
        put16(central, 0);
        put16(central, 0);
        put32(central, crc);
        put32(central, uint32_t(data.size()));
        put32(central, uint32_t(data.size()));
        put16(central, uint16_t(name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += name;
    }
    const uint32_t cdOffset = uint32_t(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, uint16_t(entries.size()));
    put16(out, uint16_t(entries.size()));
    put32(out, uint32_t(central.size()));
    put32(out, cdOffset);
    put16(out, 0);
    return out;
}

// Pickle opcodes, protocol 2, as torch.save emits them.
struct Pickle {
    std::string b;
    Pickle() { b += "\x80\x02"; }
    Pickle& op(char c) {
        b += c;
        return *this;
    }
    Pickle& global(const std::string& module, const std::string& name) {
        b += 'c' + module + '\n' + name + '\n';
        return *this;
    }
    Pickle& str(const std::string& s) {
        b += 'X';
        put32(b, uint32_t(s.size()));
        b += s;
        return *this;
    }
    Pickle& integer(int32_t v) {
        b += 'J';
        put32(b, uint32_t(v));
        return *this;
    }
    Pickle& intTuple(const std::vector<int32_t>& v) {
        mark();
        for (int32_t x : v)
            integer(x);
        return op('t');
    }
    Pickle& mark() { return op('('); }
    // _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride,
    //                    False, OrderedDict())
    Pickle& tensor(const std::string& key, int32_t numel, int32_t offset,
                   const std::vector<int32_t>& size, const std::vector<int32_t>& stride,
                   const std::string& storageType = "FloatStorage") {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel);
        op('t').op('Q');
        integer(offset).intTuple(size).intTuple(stride).op('\x89');
        global("collections", "OrderedDict").op(')').op('R');
        op('t').op('R');
        return *this;
    }
    std::string done() { return b + '.'; }
};

std::string floatBytes(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// A checkpoint archive "lora/" with data.pkl and storages.
std::string makeCheckpoint(const std::string& pickle,
                           const std::vector<std::pair<std::string, std::string>>& storages) {
    std::vector<std::pair<std::string, std::string>> entries = {{"lora/data.pkl", pickle}};
    for (const auto& [key, bytes] : storages)
        entries.emplace_back("lora/data/" + key, bytes);
    entries.emplace_back("lora/version", "3\n");
    return makeZip(entries);
}

std::vector<float> iota(size_t n, float scale) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = scale * float(int(i % 17) - 8);
    return v;
}

template <typename F> QString errorOf(F&& f) {
    try {
        f();
    } catch (const GenerationError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("NOT A GenerationError: ") + e.what();
    }
    return QString();
}

#define VERIFY_ERROR(expr, needle)                                                                 \
    do {                                                                                           \
        const QString message_ = errorOf([&] { expr; });                                           \
        QVERIFY2(!message_.isEmpty(), "no error thrown by " #expr);                                \
        QVERIFY2(!message_.startsWith("NOT A"), qPrintable(message_));                             \
        QVERIFY2(message_.contains(needle, Qt::CaseInsensitive),                                   \
                 qPrintable("'" + message_ + "' lacks '" + QString(needle) + "'"));                \
    } while (false)

bool bitEqual(const at::Tensor& a, const at::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const at::Tensor ca = a.contiguous().cpu(), cb = b.contiguous().cpu();
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.nbytes())) == 0;
}

// The DiT weights of the parity model in a map, plus named pointers like ParameterList::named().
struct Model {
    std::map<std::string, at::Tensor> tensors;
    std::vector<std::pair<std::string, at::Tensor*>> named() {
        std::vector<std::pair<std::string, at::Tensor*>> out;
        for (auto& [k, t] : tensors)
            out.emplace_back(k, &t);
        return out;
    }
};

Model loadModel(const std::string& file, const std::string& prefix = "model.model.") {
    Model m;
    const SafetensorsFile f = SafetensorsFile::open(footfall::test::parityPath(file));
    for (const auto& key : f.keys())
        if (key.rfind(prefix, 0) == 0)
            m.tensors[key] = f.tensor(key); // zero-copy, read-only: the merger must not write
    return m;
}

std::string python() {
    return QFileInfo::exists("/usr/bin/python3") ? "/usr/bin/python3" : "";
}

// Runs a python snippet with torch; false when python/torch are unavailable.
bool runPython(const QString& code, QString* output = nullptr) {
    if (python().empty())
        return false;
    QProcess p;
    p.start(QString::fromStdString(python()), {"-c", code});
    if (!p.waitForFinished(120000))
        return false;
    if (output)
        *output = QString::fromLocal8Bit(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace

class TestLoraReader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string tmp(const std::string& name) const {
        return QDir(m_dir.path()).filePath(QString::fromStdString(name)).toStdString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

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

    void craftedCheckpointRoundTrip() {
        // Two tensors sharing a storage, one of them a strided view with an offset.
        Pickle p;
        p.global("collections", "OrderedDict").op(')').op('R').mark();
        p.str("m/transformer/a/lora_down.weight").tensor("0", 24, 0, {2, 8}, {8, 1});
        p.str("m/transformer/a/lora_up.weight").tensor("0", 24, 16, {4, 2}, {1, 4});
        p.op('u');
        const auto data = iota(24, 0.25f);
        writeFile(tmp("crafted.ckpt"), makeCheckpoint(p.done(), {{"0", floatBytes(data)}}));
        const LoraFile f = readLoraFile(tmp("crafted.ckpt"));
        QCOMPARE(f.modules.size(), size_t(1));
        QCOMPARE(f.format, std::string("loraw-ckpt"));
        const LoraModule& m = f.modules[0];
        QCOMPARE(m.id, std::string("m/transformer/a"));
        QCOMPARE(m.rank(), int64_t(2));
        const at::Tensor all = at::from_blob(const_cast<float*>(data.data()), {24}).clone();
        QVERIFY(at::equal(m.down, all.narrow(0, 0, 16).reshape({2, 8})));
        QVERIFY(at::equal(m.up, all.narrow(0, 16, 8).reshape({2, 4}).t()));
    }

    void readsParityBothForms() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const LoraFile ckpt = readLoraFile(footfall::test::parityPath("lora_tiny.ckpt"));
        const LoraFile st = readLoraFile(footfall::test::parityPath("lora_tiny.safetensors"));
        QCOMPARE(ckpt.format, std::string("loraw-ckpt"));
        QCOMPARE(st.format, std::string("safetensors"));
        QCOMPARE(ckpt.modules.size(), size_t(16));
        QCOMPARE(ckpt.tensorCount, size_t(32));
        QCOMPARE(st.modules.size(), ckpt.modules.size());
        for (size_t i = 0; i < ckpt.modules.size(); ++i) {
            QCOMPARE(ckpt.modules[i].id, st.modules[i].id);
            QCOMPARE(ckpt.modules[i].rank(), int64_t(4));
            QVERIFY(bitEqual(ckpt.modules[i].down, st.modules[i].down));
            QVERIFY(bitEqual(ckpt.modules[i].up, st.modules[i].up));
            QVERIFY(!ckpt.modules[i].isDora());
        }
        QCOMPARE(ckpt.dtypes(), std::vector<std::string>{"float32"});
        QCOMPARE(ckpt.sha256.size(), size_t(64));
        QCOMPARE(ckpt.fileSize, uint64_t(121993));
    }

    void loraInfoReport() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const std::string path = footfall::test::parityPath("lora_tiny.ckpt");
        const LoraInfo info = inspectLoraFile(path);
        QCOMPARE(info.moduleCount, size_t(16));
        QCOMPARE(info.tensorCount, size_t(32));
        QCOMPARE(info.ranks, std::vector<int64_t>{4});
        QCOMPARE(info.embedDim, int64_t(128));
        QCOMPARE(info.layerCount, int64_t(2));
        QVERIFY(!info.dora);
        const nlohmann::json j = toJson(info);
        QCOMPARE(j["rank"].get<int>(), 4);
        QCOMPARE(j["tensor_count"].get<int>(), 32);
        QCOMPARE(j["dora"].get<bool>(), false);
        QCOMPARE(j["size"].get<uint64_t>(), uint64_t(121993));
        QCOMPARE(j["sha256"].get<std::string>(), sha256File(path));
        QCOMPARE(j["modules"][0]["base_key"].get<std::string>(),
                 std::string("model.model.transformer.layers.0.cross_attn.to_kv.weight"));
        const std::string text = formatLoraInfo(info);
        QVERIFY(text.find("Rank:        4") != std::string::npos);
        QVERIFY(text.find("DoRA:        no") != std::string::npos);
        const nlohmann::json id = loraIdentity(path, 0.75);
        QCOMPARE(id["file"].get<std::string>(), std::string("lora_tiny.ckpt"));
        QCOMPARE(id["sha256"].get<std::string>(), info.sha256);
        QCOMPARE(id["strength"].get<double>(), 0.75);
        // Same content hash as the safetensors form? No: different bytes, same tensors.
        const LoraInfo st = inspectLoraFile(footfall::test::parityPath("lora_tiny.safetensors"));
        QCOMPARE(st.moduleCount, info.moduleCount);
        QVERIFY(st.sha256 != info.sha256);
        VERIFY_ERROR(inspectLoraFile(tmp("does-not-exist.ckpt")), "cannot open");
    }

    void refusesCodeExecution() {
        // GLOBAL os.system + REDUCE: refused at the GLOBAL, before any call could happen.
        {
            Pickle p;
            p.global("os", "system").str("touch /tmp/footfall-pwned").op('\x85').op('R');
            writeFile(tmp("evil1.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(tmp("evil1.ckpt")), "os.system");
            VERIFY_ERROR(readLoraFile(tmp("evil1.ckpt")), "refusing");
        }
        // Hidden inside a valid-looking dict value.
        {
            Pickle p;
            p.op('}').str("model/transformer/x/lora_down.weight");
            p.global("posix", "system").str("id").op('\x85').op('R').op('s');
            writeFile(tmp("evil2.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(tmp("evil2.ckpt")), "posix.system");
        }
        // STACK_GLOBAL (protocol 4) to builtins.eval.
        {
            std::string b = "\x80\x04";
            b += '\x8c';
            b += char(8);
            b += "builtins";
            b += '\x8c';
            b += char(4);
            b += "eval";
            b += '\x93';
            b += "X";
            put32(b, 4);
            b += "1+1)";
            b += "\x85R.";
            writeFile(tmp("evil3.ckpt"), makeCheckpoint(b, {}));
            VERIFY_ERROR(readLoraFile(tmp("evil3.ckpt")), "builtins.eval");
        }
        // INST / OBJ / NEWOBJ opcodes are not accepted at all.
        for (const char* op : {"ios\nsystem\n", "o", "\x81"}) {
            std::string b = std::string("\x80\x02(") + op + ".";
            writeFile(tmp("evil4.ckpt"), makeCheckpoint(b, {}));
            VERIFY_ERROR(readLoraFile(tmp("evil4.ckpt")), "unsupported pickle opcode");
        }
        // A whitelisted name that is not a callable.
        {
            Pickle p;
            p.global("torch", "FloatStorage").op(')').op('R');
            writeFile(tmp("evil5.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(tmp("evil5.ckpt")), "cannot be called");
        }
        // REDUCE on a string (no callable at all).
        {
            Pickle p;
            p.str("os.system").op(')').op('R');
            writeFile(tmp("evil6.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(tmp("evil6.ckpt")), "REDUCE of a str");
        }
        QVERIFY(!QFileInfo::exists("/tmp/footfall-pwned"));
    }

    void refusesPythonWrittenMaliciousFile() {
        const std::string path = tmp("python_evil.ckpt");
        const std::string marker = tmp("python_evil_ran");
        const QString code = QString(R"(
import os, torch, collections
class Evil:
    def __reduce__(self):
        return (os.system, ('touch %1',))
sd = collections.OrderedDict()
sd['model/model/transformer/project_in/lora_down.weight'] = torch.zeros(4, 8)
sd['payload'] = Evil()
torch.save(sd, '%2')
)")
                                 .arg(QString::fromStdString(marker), QString::fromStdString(path));
        QString out;
        if (!runPython(code, &out)) {
            qInfo("skipping the python-written case (/usr/bin/python3 with torch unavailable): %s",
                  qPrintable(out.left(200)));
            return;
        }
        VERIFY_ERROR(readLoraFile(path), "system");
        VERIFY_ERROR(inspectLoraFile(path), "refusing");
        QVERIFY2(!QFileInfo::exists(QString::fromStdString(marker)), "the payload ran");
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
            writeFile(tmp("cut.ckpt"), good.substr(0, cut));
            const QString message = errorOf([&] { readLoraFile(tmp("cut.ckpt")); });
            QVERIFY2(!message.isEmpty() && !message.startsWith("NOT A"),
                     qPrintable(QString("cut at %1: '%2'").arg(cut).arg(message)));
            ++cases;
        }
        // A flipped byte inside a storage: CRC mismatch names the entry.
        std::string flipped = good;
        flipped[20000] = char(flipped[20000] ^ 0x5A);
        writeFile(tmp("flip.ckpt"), flipped);
        VERIFY_ERROR(readLoraFile(tmp("flip.ckpt")), "CRC");
        // Central directory offset pointing elsewhere.
        std::string badOffset = good;
        const size_t end = good.size() - 22;
        QCOMPARE(uint32_t(uint8_t(good[end])) | uint32_t(uint8_t(good[end + 1])) << 8, 0x4b50u);
        badOffset[end + 16] = char(badOffset[end + 16] + 1);
        writeFile(tmp("badcd.ckpt"), badOffset);
        VERIFY_ERROR(readLoraFile(tmp("badcd.ckpt")), "central directory");
        // Appended garbage after the end record.
        writeFile(tmp("tail.ckpt"), good + "garbage");
        VERIFY_ERROR(readLoraFile(tmp("tail.ckpt")), "end-of-central-directory");
        // Compressed and encrypted entries.
        Pickle p;
        p.op('}');
        writeFile(tmp("deflate.ckpt"), makeZip({{"lora/data.pkl", p.done()}}, 8));
        VERIFY_ERROR(readLoraFile(tmp("deflate.ckpt")), "compressed");
        writeFile(tmp("crypt.ckpt"), makeZip({{"lora/data.pkl", p.done()}}, 0, 1));
        VERIFY_ERROR(readLoraFile(tmp("crypt.ckpt")), "encrypted");
        // Not a zip, not safetensors; legacy pickle.
        writeFile(tmp("junk.ckpt"), "hello world, not a LoRA at all");
        QVERIFY(!errorOf([&] { readLoraFile(tmp("junk.ckpt")); }).isEmpty());
        writeFile(tmp("legacy.pt"), std::string("\x80\x02\x8a\x0a", 4) + "junk");
        VERIFY_ERROR(readLoraFile(tmp("legacy.pt")), "legacy");
        qInfo("%d truncations rejected", cases);
    }

    void storageBoundsChecked() {
        auto write = [&](Pickle& p, size_t floats) {
            writeFile(tmp("bounds.ckpt"),
                      makeCheckpoint(p.done(), {{"0", floatBytes(iota(floats, 1.f))}}));
        };
        { // view past the end of its storage
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 8, 4, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "past the end of storage");
        }
        { // storage claims more elements than its entry holds
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 64, 0, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "only 32 bytes");
        }
        { // negative stride / size
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 8, 0, {2, 4}, {-4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "negative");
        }
        { // stride-0 view that would expand 8 floats into 4 TB
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight");
            p.tensor("0", 8, 0, {1000000, 1000000}, {0, 0});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "far more data than the file holds");
        }
        { // storage entry missing
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("7", 8, 0, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "no entry");
        }
        { // huge sizes that would overflow
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight");
            p.tensor("0", 8, 0, {2147483647, 2147483647, 2147483647}, {1, 1, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(tmp("bounds.ckpt")), "absurd size");
        }
    }

    void badLoraContent() {
        auto t = [](std::vector<int64_t> shape) { return at::randn(shape); };
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})},
                                          {"a/transformer/x/lora_up.weight", t({384, 3})}},
                                         "mem"),
                     "rank mismatch in module 'a/transformer/x'");
        VERIFY_ERROR(
            loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})}}, "mem"),
            "no lora_up");
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 8})},
                                          {"a/transformer/x/lora_up.weight", t({8, 4})},
                                          {"a/transformer/x/lora_middle.weight", t({4, 8})}},
                                         "mem"),
                     "not a LoRAW LoRA tensor");
        VERIFY_ERROR(loraFileFromTensors({{"model.model.transformer.project_in.weight", t({4, 8})}},
                                         "model.safetensors"),
                     "looks like a model checkpoint");
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", t({4, 128})},
                                          {"a/transformer/x/lora_up.weight", t({384, 4})},
                                          {"a/transformer/x/dora_mag.weight", t({383, 1})}},
                                         "mem"),
                     "dora_mag.weight");
        at::Tensor nan = t({4, 8});
        nan[0][0] = std::numeric_limits<float>::quiet_NaN();
        VERIFY_ERROR(loraFileFromTensors({{"a/transformer/x/lora_down.weight", nan},
                                          {"a/transformer/x/lora_up.weight", t({8, 4})}},
                                         "mem"),
                     "NaN");
    }

    void smallModelLoraMergesAndUnmerges() {
        // A LoRA shaped for the SAO-small-type DiT (qk-norm, its own widths) applies there:
        // W' = W + strength * (alpha / rank) * up @ down, and unmerge restores W bit for bit.
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model small = loadModel("model_small.safetensors");
        const std::string key = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
        QVERIFY(small.tensors.count(key));
        const at::Tensor base = small.tensors[key].clone();
        const int64_t rank = 2;
        const at::Tensor down = at::randn({rank, base.size(1)});
        const at::Tensor up = at::randn({base.size(0), rank});
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/self_attn/to_qkv/lora_down.weight", down},
             {"model/model/transformer/layers/0/self_attn/to_qkv/lora_up.weight", up}},
            "small.safetensors"));
        LoraMerger merger(small.named());
        LoraSpec spec{lora};
        spec.strength = 0.5;
        merger.apply({spec}); // no config: alpha = rank, scale 1
        QVERIFY(merger.isMerged());
        const at::Tensor expected = base + 0.5 * at::matmul(up, down);
        QVERIFY(at::allclose(small.tensors[key], expected, 1e-5, 1e-5));
        merger.unmerge();
        QVERIFY(at::equal(small.tensors[key], base));
    }

    void mappingErrors() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model model = loadModel("model.safetensors");
        LoraMerger merger(model.named());
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
        QCOMPARE(merger.resolve(*lora).size(), size_t(16));
        // Wrong shape for one module.
        auto wrong = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/self_attn/to_qkv/lora_down.weight",
              at::randn({4, 128})},
             {"model/model/transformer/layers/0/self_attn/to_qkv/lora_up.weight",
              at::randn({300, 4})}},
            "wrong.safetensors"));
        VERIFY_ERROR(merger.resolve(*wrong),
                     "model.model.transformer.layers.0.self_attn.to_qkv.weight");
        VERIFY_ERROR(merger.apply({LoraSpec{wrong}}), "another model");
        QVERIFY(!merger.isMerged());
        // A module the model does not have.
        auto missing = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/7/self_attn/to_qkv/lora_down.weight",
              at::randn({4, 128})},
             {"model/model/transformer/layers/7/self_attn/to_qkv/lora_up.weight",
              at::randn({384, 4})}},
            "deep.safetensors"));
        VERIFY_ERROR(merger.apply({LoraSpec{missing}}), "layers/7/self_attn/to_qkv");
        // The LoRA for the SAO-1.0-type tiny model on the SAO-small-type tiny model.
        Model small = loadModel("model_small.safetensors");
        LoraMerger smallMerger(small.named());
        VERIFY_ERROR(smallMerger.apply({LoraSpec{lora}}), "another model");
        QVERIFY(!smallMerger.isMerged());
        // Differently rooted ids (EMA copy / DiT-relative) map by suffix from transformer/.
        auto ema = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/transformer/layers/1/cross_attn/to_kv/lora_down.weight", at::randn({4, 64})},
             {"model/transformer/layers/1/cross_attn/to_kv/lora_up.weight", at::randn({128, 4})}},
            "ema.safetensors"));
        const auto targets = merger.resolve(*ema);
        QCOMPARE(targets.at(0).weightKey,
                 std::string("model.model.transformer.layers.1.cross_attn.to_kv.weight"));
        // Strength limits and a config whose whitelist does not cover the modules.
        LoraSpec tooStrong{lora};
        tooStrong.strength = 2.5;
        VERIFY_ERROR(merger.apply({tooStrong}), "outside 0");
        LoraSpec otherConfig{lora};
        otherConfig.config = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora", {{"component_whitelist", {"pretransform"}}, {"alpha", 8}}}},
            "other.json");
        VERIFY_ERROR(merger.apply({otherConfig}), "component_whitelist");
        VERIFY_ERROR(
            LoraTrainingConfig::fromJson(nlohmann::json{{"lora", {{"rank", "four"}}}}, "bad.json"),
            "lora.rank");
    }

    void mergeUnmergeBitExact() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        for (at::ScalarType dtype : {at::kFloat, at::kBFloat16, at::kHalf}) {
            Model model = loadModel("model.safetensors");
            for (auto& [k, t] : model.tensors)
                if (dtype != at::kFloat)
                    t = t.to(dtype);
            std::map<std::string, at::Tensor> before;
            for (auto& [k, t] : model.tensors)
                before[k] = t.clone();
            const void* qkvData =
                model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"]
                    .data_ptr();
            auto lora = std::make_shared<LoraFile>(
                readLoraFile(footfall::test::parityPath("lora_tiny.ckpt")));
            LoraMerger merger(model.named());
            LoraSpec spec{lora};
            spec.config =
                LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
            merger.apply({spec});
            QCOMPARE(merger.touchedCount(), size_t(16));
            const at::Tensor& qkv =
                model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"];
            QCOMPARE(qkv.scalar_type(), dtype);
            QVERIFY(
                !bitEqual(qkv, before["model.model.transformer.layers.0.self_attn.to_qkv.weight"]));
            QVERIFY(bitEqual(model.tensors["model.model.transformer.layers.0.pre_norm.gamma"],
                             before["model.model.transformer.layers.0.pre_norm.gamma"]));
            // Switch strength between takes, then back to base.
            spec.strength = 0.3;
            merger.apply({spec});
            spec.mode = LoraMergeMode::LorawGradioCompatible;
            merger.apply({spec, spec});
            QCOMPARE(merger.metadata().size(), size_t(2));
            merger.unmerge();
            QVERIFY(!merger.isMerged());
            for (auto& [k, t] : model.tensors)
                QVERIFY2(bitEqual(t, before[k]), k.c_str());
            QCOMPARE(model.tensors["model.model.transformer.layers.0.self_attn.to_qkv.weight"]
                         .data_ptr(),
                     qkvData); // the very same tensor is back
        }
    }

    void strengthsAndSeveralLoras() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        Model model = loadModel("model.safetensors");
        const std::string key = "model.model.transformer.layers.1.ff.ff.2.weight";
        const at::Tensor base = model.tensors[key].clone();
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(footfall::test::parityPath("lora_tiny.safetensors")));
        const LoraModule* mod = nullptr;
        for (const auto& m : lora->modules)
            if (m.id == "model/model/transformer/layers/1/ff/ff/2")
                mod = &m;
        QVERIFY(mod);
        const at::Tensor ud = at::matmul(mod->up, mod->down);
        LoraMerger merger(model.named());
        auto close = [](const at::Tensor& a, const at::Tensor& b) {
            return at::allclose(a, b, 1e-5, 1e-6);
        };
        // No config: alpha = rank -> scale 1.
        LoraSpec plain{lora, 0.5};
        merger.apply({plain});
        QVERIFY(close(model.tensors[key], base + 0.5 * ud));
        // Config alpha 8 / rank 4 -> scale 2; two LoRAs add up.
        LoraSpec withConfig{lora, 1.5};
        withConfig.config =
            LoraTrainingConfig::fromFile(footfall::test::parityPath("model_config.json"));
        merger.apply({plain, withConfig});
        QVERIFY(close(model.tensors[key], base + (0.5 + 3.0) * ud));
        QCOMPARE(merger.metadata()[1]["scale"].get<double>(), 2.0);
        QCOMPARE(merger.metadata()[1]["effective_scale"].get<double>(), 3.0);
        // LoRAW gradio: strength squared, alpha/rank ignored.
        LoraSpec gradio{lora, 0.5, LoraMergeMode::LorawGradioCompatible};
        gradio.config = withConfig.config;
        merger.apply({gradio});
        QVERIFY(close(model.tensors[key], base + 0.25 * ud));
        QCOMPARE(merger.metadata()[0]["mode"].get<std::string>(),
                 std::string("loraw-gradio-compatible"));
        // Strength 0: left out; switching back and forth is deterministic.
        merger.apply({LoraSpec{lora, 0.0}});
        QVERIFY(bitEqual(model.tensors[key], base));
        merger.apply({withConfig});
        const at::Tensor first = model.tensors[key].clone();
        merger.apply({plain});
        merger.apply({withConfig});
        QVERIFY(bitEqual(model.tensors[key], first));
    }

    void doraTrainingFaithfulAndFallback() {
        // A tiny Linear with bias as the "model"; compare against LoRAW's DoRA forward.
        at::manual_seed(7);
        const int64_t out = 6, in = 5, r = 2;
        const std::string wKey = "model.model.transformer.layers.0.ff.ff.2.weight";
        const std::string bKey = "model.model.transformer.layers.0.ff.ff.2.bias";
        std::map<std::string, at::Tensor> params = {{wKey, at::randn({out, in})},
                                                    {bKey, at::randn({out})}};
        const at::Tensor W = params[wKey].clone();
        const at::Tensor b = params[bKey].clone();
        const at::Tensor down = at::randn({r, in}), up = at::randn({out, r});
        const at::Tensor mag = at::rand({out, 1}) + 0.5;
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/ff/ff/2/lora_down.weight", down},
             {"model/model/transformer/layers/0/ff/ff/2/lora_up.weight", up},
             {"model/model/transformer/layers/0/ff/ff/2/dora_mag.weight", mag},
             {"model/model/transformer/layers/0/ff/ff/2/dora_mag.bias", at::zeros({out})}},
            "dora.safetensors"));
        QVERIFY(lora->hasDora());
        std::vector<std::pair<std::string, at::Tensor*>> named;
        for (auto& [k, t] : params)
            named.emplace_back(k, &t);
        LoraMerger merger(named);
        LoraSpec spec{lora, 0.7};
        spec.config = LoraTrainingConfig::fromJson(
            nlohmann::json{{"lora",
                            {{"rank", 4},
                             {"alpha", 8},
                             {"multiplier", 1.0},
                             {"weight_decompose", true},
                             {"component_whitelist", {"transformer"}}}}},
            "dora.json");
        merger.apply({spec});
        const double k = 8.0 / 4.0, c = k * 0.7;
        const at::Tensor x = at::randn({3, in});
        const at::Tensor ud = at::matmul(up, down);
        const at::Tensor norm = at::linalg_vector_norm(W + k * ud, 2, {1}, false);
        const at::Tensor expected =
            (at::matmul(x, W.t()) + b + c * at::matmul(x, ud.t())) * (mag.reshape({-1}) / norm);
        const at::Tensor actual = at::matmul(x, params[wKey].t()) + params[bKey];
        QVERIFY2(at::allclose(actual, expected, 1e-5, 1e-5),
                 qPrintable(QString::number((actual - expected).abs().max().item<double>())));
        // Fallback: magnitude ignored (LoRAW gradio); in gradio mode also full strength.
        spec.doraIgnoreMagnitude = true;
        merger.apply({spec});
        QVERIFY(at::allclose(params[wKey], W + c * ud, 1e-5, 1e-6));
        QVERIFY(bitEqual(params[bKey], b));
        LoraSpec gradio{lora, 0.4, LoraMergeMode::LorawGradioCompatible};
        merger.apply({gradio});
        QVERIFY(at::allclose(params[wKey], W + ud, 1e-5, 1e-6));
        merger.unmerge();
        QVERIFY(bitEqual(params[wKey], W));
        QVERIFY(bitEqual(params[bKey], b));
    }

    void lightningCheckpoints() {
        // Crafted: {"state_dict": {...injected LoRA...}, "callbacks": {...}, "model_config": {...}}
        auto build = [&](const std::string& callbackName, float upValue) {
            Pickle p;
            p.op('}').mark();
            p.str("state_dict").op('}').mark();
            const std::string base = "diffusion.model.model.transformer.layers.0.self_attn.to_qkv.";
            p.str(base + "original_module.weight").tensor("0", 24, 0, {6, 4}, {4, 1});
            p.str(base + "lora_down.weight").tensor("1", 8, 0, {2, 4}, {4, 1});
            p.str(base + "lora_up.weight").tensor("2", 12, 0, {6, 2}, {2, 1});
            p.str("diffusion_ema.ema_model.model.transformer.layers.0.self_attn.to_qkv.lora_up."
                  "weight")
                .tensor("2", 12, 0, {6, 2}, {2, 1});
            p.str("diffusion_ema.ema_model.model.transformer.layers.0.self_attn.to_qkv.lora_down."
                  "weight")
                .tensor("1", 8, 0, {2, 4}, {4, 1});
            p.op('u');
            p.str("callbacks").op('}').str(callbackName).op('}').op('s');
            p.str("epoch").integer(3);
            p.str("model_config").op('}').str("lora").op('}').mark();
            p.str("alpha").integer(8).str("rank").integer(2).op('u').op('s');
            p.op('u');
            std::vector<float> up(12, upValue);
            writeFile(tmp("lightning.ckpt"),
                      makeCheckpoint(p.done(), {{"0", floatBytes(iota(24, 1.f))},
                                                {"1", floatBytes(iota(8, 0.5f))},
                                                {"2", floatBytes(up)}}));
            return tmp("lightning.ckpt");
        };
        const LoraFile f = readLoraFile(build("ModelCheckpoint{'monitor': None}", 0.25f));
        QCOMPARE(f.format, std::string("lightning-ckpt"));
        QCOMPARE(f.modules.size(), size_t(1));
        QCOMPARE(f.modules[0].id, std::string("model/model/transformer/layers/0/self_attn/to_qkv"));
        QCOMPARE(f.embeddedConfig["lora"]["alpha"].get<int>(), 8);
        QVERIFY(!f.notes.empty());
        const LoraInfo info = inspectLoraFile(tmp("lightning.ckpt"));
        QCOMPARE(info.format, std::string("lightning-ckpt"));
        // The embedded config gives the scale: alpha 8 / rank 2 = 4.
        std::map<std::string, at::Tensor> params = {
            {"model.model.transformer.layers.0.self_attn.to_qkv.weight", at::zeros({6, 4})}};
        std::vector<std::pair<std::string, at::Tensor*>> named = {
            {params.begin()->first, &params.begin()->second}};
        LoraMerger merger(named);
        merger.apply({LoraSpec{std::make_shared<LoraFile>(f)}});
        QVERIFY(at::allclose(params.begin()->second,
                             4.0 * at::matmul(f.modules[0].up, f.modules[0].down)));
        VERIFY_ERROR(readLoraFile(build("ReLoRAModelCheckpoint{'monitor': None}", 0.25f)),
                     "ReLoRA");
        VERIFY_ERROR(readLoraFile(build("ModelCheckpoint{}", 0.0f)), "every lora_up is zero");

        // The same structure written by torch.save itself (OrderedDicts with _metadata, 1-item
        // dicts), when python is available.
        const std::string path = tmp("lightning_py.ckpt");
        const QString code = QString(R"(
import torch, collections
sd = collections.OrderedDict()
sd._metadata = collections.OrderedDict(); sd._metadata[''] = {'version': 1}
p = 'diffusion.model.model.transformer.layers.1.cross_attn.to_kv.'
sd[p + 'original_module.weight'] = torch.randn(128, 64)
sd[p + 'lora_down.weight'] = torch.randn(4, 64)
sd[p + 'lora_up.weight'] = torch.randn(128, 4).half().float()
opt = {'state': {0: {'step': torch.tensor(3.0), 'exp_avg': torch.zeros(4, 64)}},
       'param_groups': [{'lr': 1e-4, 'betas': (0.9, 0.999), 'params': [0, 1]}]}
torch.save({'epoch': 1, 'global_step': 10, 'pytorch-lightning_version': '2.1.0',
            'state_dict': sd, 'optimizer_states': [opt], 'lr_schedulers': [],
            'callbacks': {"ModelCheckpoint{'monitor': None}": {'best_model_score': None}},
            'model_config': {'lora': {'rank': 4, 'alpha': 4}}}, '%1')
)")
                                 .arg(QString::fromStdString(path));
        QString out;
        if (!runPython(code, &out)) {
            qInfo("skipping the torch.save-written Lightning case: %s", qPrintable(out.left(200)));
            return;
        }
        const LoraFile py = readLoraFile(path);
        QCOMPARE(py.format, std::string("lightning-ckpt"));
        QCOMPARE(py.modules.size(), size_t(1));
        QCOMPARE(py.modules[0].id,
                 std::string("model/model/transformer/layers/1/cross_attn/to_kv"));
        QCOMPARE(py.modules[0].rank(), int64_t(4));
    }

    void pythonWrittenDtypes() {
        // bf16 / fp16 LoRA tensors, a 1-item OrderedDict and a view with offset, by torch.save.
        const std::string path = tmp("dtypes.ckpt");
        const QString code = QString(R"(
import torch, collections
base = torch.arange(40, dtype=torch.float32).reshape(10, 4) / 7
sd = collections.OrderedDict()
sd['model/model/transformer/project_in/lora_down.weight'] = base[2:4].to(torch.bfloat16)
sd['model/model/transformer/project_in/lora_up.weight'] = base[:, 1:3].half()
torch.save(sd, '%1')
)")
                                 .arg(QString::fromStdString(path));
        QString out;
        if (!runPython(code, &out)) {
            qInfo("skipping the torch.save dtype case: %s", qPrintable(out.left(200)));
            return;
        }
        const LoraFile f = readLoraFile(path);
        QCOMPARE(f.modules.size(), size_t(1));
        const at::Tensor base = at::arange(40, at::kFloat).reshape({10, 4}) / 7;
        QCOMPARE(f.modules[0].down.scalar_type(), at::kBFloat16);
        QCOMPARE(f.modules[0].up.scalar_type(), at::kHalf);
        QVERIFY(at::equal(f.modules[0].down, base.narrow(0, 2, 2).to(at::kBFloat16)));
        QVERIFY(at::equal(f.modules[0].up, base.narrow(1, 1, 2).to(at::kHalf)));
        QCOMPARE(f.dtypes(), (std::vector<std::string>{"bfloat16", "float16"}));
    }
};

QTEST_APPLESS_MAIN(TestLoraReader)
#include "tst_lora_reader.moc"
