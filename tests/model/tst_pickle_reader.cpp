// The restricted unpickler behind .ckpt files, on pickles crafted byte by byte: tensors sharing
// a storage and strided views, malicious pickles (code-executing globals, forbidden opcodes,
// calls of non-callables; also one written by torch.save itself) and storage bounds.
#include "model/lora/lora_file.h"
#include "model/lora/lora_info.h"

#include "lora_checks.h"
#include "torch_save_writer.h"

#include <ATen/ATen.h>

#include "scratch_dir.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <string>
#include <vector>

using namespace footfall;
using namespace footfall::model;
using namespace footfall::test;

class TestPickleReader : public QObject {
    Q_OBJECT

private:
    ScratchDir m_tmp;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void craftedCheckpointRoundTrip() {
        // Two tensors sharing a storage, one of them a strided view with an offset.
        Pickle p;
        p.global("collections", "OrderedDict").op(')').op('R').mark();
        p.str("m/transformer/a/lora_down.weight").tensor("0", 24, 0, {2, 8}, {8, 1});
        p.str("m/transformer/a/lora_up.weight").tensor("0", 24, 16, {4, 2}, {1, 4});
        p.op('u');
        const auto data = iota(24, 0.25f);
        writeFile(m_tmp.file("crafted.ckpt"), makeCheckpoint(p.done(), {{"0", floatBytes(data)}}));
        const LoraFile f = readLoraFile(m_tmp.file("crafted.ckpt"));
        QCOMPARE(f.modules.size(), size_t(1));
        QCOMPARE(f.format, std::string("loraw-ckpt"));
        const LoraModule& m = f.modules[0];
        QCOMPARE(m.id, std::string("m/transformer/a"));
        QCOMPARE(m.rank(), int64_t(2));
        const at::Tensor all = at::from_blob(const_cast<float*>(data.data()), {24}).clone();
        QVERIFY(at::equal(m.down, all.narrow(0, 0, 16).reshape({2, 8})));
        QVERIFY(at::equal(m.up, all.narrow(0, 16, 8).reshape({2, 4}).t()));
    }

    void refusesCodeExecution() {
        // GLOBAL os.system + REDUCE: refused at the GLOBAL, before any call could happen.
        {
            Pickle p;
            p.global("os", "system").str("touch /tmp/footfall-pwned").op('\x85').op('R');
            writeFile(m_tmp.file("evil1.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil1.ckpt")), "os.system");
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil1.ckpt")), "refusing");
        }
        // Hidden inside a valid-looking dict value.
        {
            Pickle p;
            p.op('}').str("model/transformer/x/lora_down.weight");
            p.global("posix", "system").str("id").op('\x85').op('R').op('s');
            writeFile(m_tmp.file("evil2.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil2.ckpt")), "posix.system");
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
            writeFile(m_tmp.file("evil3.ckpt"), makeCheckpoint(b, {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil3.ckpt")), "builtins.eval");
        }
        // INST / OBJ / NEWOBJ opcodes are not accepted at all.
        for (const char* op : {"ios\nsystem\n", "o", "\x81"}) {
            std::string b = std::string("\x80\x02(") + op + ".";
            writeFile(m_tmp.file("evil4.ckpt"), makeCheckpoint(b, {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil4.ckpt")), "unsupported pickle opcode");
        }
        // A whitelisted name that is not a callable.
        {
            Pickle p;
            p.global("torch", "FloatStorage").op(')').op('R');
            writeFile(m_tmp.file("evil5.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil5.ckpt")), "cannot be called");
        }
        // REDUCE on a string (no callable at all).
        {
            Pickle p;
            p.str("os.system").op(')').op('R');
            writeFile(m_tmp.file("evil6.ckpt"), makeCheckpoint(p.done(), {}));
            VERIFY_ERROR(readLoraFile(m_tmp.file("evil6.ckpt")), "REDUCE of a str");
        }
        QVERIFY(!QFileInfo::exists("/tmp/footfall-pwned"));
    }

    void refusesPythonWrittenMaliciousFile() {
        const std::string path = m_tmp.file("python_evil.ckpt");
        const std::string marker = m_tmp.file("python_evil_ran");
        const QString code = R"(
import os, sys, torch, collections
class Evil:
    def __reduce__(self):
        return (os.system, ('touch ' + sys.argv[1],))
sd = collections.OrderedDict()
sd['model/model/transformer/project_in/lora_down.weight'] = torch.zeros(4, 8)
sd['payload'] = Evil()
torch.save(sd, sys.argv[2])
)";
        FOOTFALL_RUN_TORCH_PYTHON(code, QString::fromStdString(marker),
                                  QString::fromStdString(path));
        VERIFY_ERROR(readLoraFile(path), "system");
        VERIFY_ERROR(inspectLoraFile(path), "refusing");
        QVERIFY2(!QFileInfo::exists(QString::fromStdString(marker)), "the payload ran");
    }

    void storageBoundsChecked() {
        auto write = [&](Pickle& p, size_t floats) {
            writeFile(m_tmp.file("bounds.ckpt"),
                      makeCheckpoint(p.done(), {{"0", floatBytes(iota(floats, 1.f))}}));
        };
        { // view past the end of its storage
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 8, 4, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")), "past the end of storage");
        }
        { // storage claims more elements than its entry holds
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 64, 0, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")), "only 32 bytes");
        }
        { // negative stride / size
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("0", 8, 0, {2, 4}, {-4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")), "negative");
        }
        { // stride-0 view that would expand 8 floats into 4 TB
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight");
            p.tensor("0", 8, 0, {1000000, 1000000}, {0, 0});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")),
                         "far more data than the file holds");
        }
        { // storage entry missing
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight").tensor("7", 8, 0, {2, 4}, {4, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")), "no entry");
        }
        { // huge sizes that would overflow
            Pickle p;
            p.op('}').str("m/transformer/a/lora_down.weight");
            p.tensor("0", 8, 0, {2147483647, 2147483647, 2147483647}, {1, 1, 1});
            p.op('s');
            write(p, 8);
            VERIFY_ERROR(readLoraFile(m_tmp.file("bounds.ckpt")), "absurd size");
        }
    }
};

QTEST_APPLESS_MAIN(TestPickleReader)
#include "tst_pickle_reader.moc"
