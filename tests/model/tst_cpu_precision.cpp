// The CPU precision policy: /proc/cpuinfo parsing and what resolveDevice picks for each
// precision name on CPUs with and without bf16 matrix units (the three kinds of machines here).
#include "base/errors.h"
#include "base/precision.h"
#include "model/runtime/cpu_features.h"
#include "model/runtime/device.h"
#include "model/runtime/onednn_linear.h"

#include <QtTest>

using namespace footfall;
using namespace footfall::model;

namespace {

// Shortened /proc/cpuinfo texts: two processors each, as the kernel writes them.
std::string cpuinfo(const std::string& model, const std::string& flags) {
    std::string one = "processor\t: 0\nvendor_id\t: X\nmodel name\t: " + model +
                      "\nflags\t\t: " + flags + "\nbogomips\t: 4000.00\n\n";
    return one + one;
}

const std::string kAvx2Only = "fpu sse sse2 avx avx2 fma";                  // AMD without AVX-512
const std::string kZen4 = "fpu avx avx2 avx512f avx512bw avx512_bf16 vaes"; // AVX512-BF16
const std::string kSapphire = "avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8";

CpuFeatures features(const std::string& flags) {
    return parseCpuInfo(cpuinfo("Test CPU", flags));
}

} // namespace

class TestCpuPrecision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parsesFlagsAndModel() {
        const CpuFeatures amd = parseCpuInfo(cpuinfo("AMD EPYC 7B13", kAvx2Only));
        QCOMPARE(QString::fromStdString(amd.modelName), QString("AMD EPYC 7B13"));
        QVERIFY(amd.avx2);
        QVERIFY(!amd.avx512f);
        QVERIFY(!amd.hasBf16MatrixUnits());

        const CpuFeatures zen4 = features(kZen4);
        QVERIFY(zen4.avx512f && zen4.avx512Bf16 && !zen4.amxBf16);
        QVERIFY(zen4.hasBf16MatrixUnits());
        QCOMPARE(QString::fromStdString(zen4.flagList()), QString("avx2 avx512f avx512_bf16"));

        const CpuFeatures spr = features(kSapphire);
        QVERIFY(spr.amxBf16 && spr.hasBf16MatrixUnits());
        // "amx_bf16" is a whole word: a flag that merely contains it does not count.
        QVERIFY(!features("avx2 xamx_bf16x avx512_bf16_extra").hasBf16MatrixUnits());
        QVERIFY(!parseCpuInfo("").hasBf16MatrixUnits());
        QVERIFY(!parseCpuInfo("garbage without colons\n\n").avx2);
    }

    void thisMachineIsDescribed() {
        // Whatever the machine, the live reading agrees with parsing /proc/cpuinfo itself.
        QFile file("/proc/cpuinfo");
        if (!file.open(QIODevice::ReadOnly))
            QSKIP("no /proc/cpuinfo");
        const CpuFeatures parsed = parseCpuInfo(file.readAll().toStdString());
        if (qEnvironmentVariableIsSet("FOOTFALL_CPU_FLAGS"))
            QSKIP("FOOTFALL_CPU_FLAGS replaces the flags");
        QCOMPARE(cpuFeatures().hasBf16MatrixUnits(), parsed.hasBf16MatrixUnits());
        QCOMPARE(cpuFeatures().modelName, parsed.modelName);
    }

    void autoFollowsTheHardware() {
        const ResolvedDevice withUnits = resolveDevice("cpu", "auto", features(kZen4), true);
        QCOMPARE(QString::fromStdString(withUnits.precision), QString("bf16"));
        QVERIFY(withUnits.matmulDtype && *withUnits.matmulDtype == at::kBFloat16);
        QCOMPARE(withUnits.storageDtype, at::kBFloat16);
        QCOMPARE(withUnits.dtype, at::kFloat); // activations, norms, sampler: float32
        QCOMPARE(withUnits.t5Dtype, at::kFloat);
        QVERIFY(!withUnits.vaeMatmulDtype); // the VAE failed its gate: float32
        QCOMPARE(withUnits.vaeStorageDtype, at::kFloat);
        QVERIFY(QString::fromStdString(withUnits.precisionReason).contains("avx512_bf16"));

        const ResolvedDevice amx = resolveDevice("cpu", "auto", features(kSapphire), true);
        QVERIFY(QString::fromStdString(amx.precisionReason).contains("amx_bf16"));

        const ResolvedDevice without = resolveDevice("cpu", "auto", features(kAvx2Only));
        QCOMPARE(QString::fromStdString(without.precision), QString("fp32"));
        QVERIFY(!without.matmulDtype);
        QCOMPARE(without.storageDtype, at::kFloat);
        QVERIFY(QString::fromStdString(without.precisionReason).contains("no bf16 matrix units"));
        QVERIFY(without.note.empty());
    }

    void autoNeedsTheFloatResultKernel() {
        // Without oneDNN's float32-result bf16 linear, bf16 misses the 1e-2 gate: float32, and
        // the reason says why although the units are there.
        const ResolvedDevice r = resolveDevice("cpu", "auto", features(kSapphire), false);
        QCOMPARE(QString::fromStdString(r.precision), QString("fp32"));
        QVERIFY(!r.matmulDtype);
        QCOMPARE(r.storageDtype, at::kFloat);
        QVERIFY2(QString::fromStdString(r.precisionReason).contains("amx_bf16"),
                 r.precisionReason.c_str());
        QVERIFY2(QString::fromStdString(r.precisionReason).contains("oneDNN"),
                 r.precisionReason.c_str());
        // Asked for by name, bf16 still runs (ATen's kernel).
        QVERIFY(resolveDevice("cpu", "bf16", features(kSapphire), false).matmulDtype);
        QCOMPARE(QString::fromStdString(matmulKernelName(r)), QString("aten"));
        QCOMPARE(QString::fromStdString(
                     matmulKernelName(resolveDevice("cpu", "bf16", features(kSapphire)))),
                 QString(oneDnnLinearAvailable() ? "onednn, float32 result"
                                                 : "aten, result rounded to bfloat16"));
        // This build: auto follows what it has.
        QCOMPARE(resolveDevice("cpu", "auto", features(kZen4)).matmulDtype.has_value(),
                 oneDnnLinearAvailable());
    }

    void explicitChoicesAreHonoured() {
        // bf16 runs anywhere; without the units it says it will be slow.
        const ResolvedDevice slow = resolveDevice("cpu", "bf16", features(kAvx2Only));
        QCOMPARE(QString::fromStdString(slow.precision), QString("bf16"));
        QVERIFY(slow.matmulDtype && slow.vaeMatmulDtype);
        QVERIFY(QString::fromStdString(slow.note).contains("slower"));
        QVERIFY(resolveDevice("cpu", "bf16", features(kZen4)).note.empty());

        const ResolvedDevice fp32 = resolveDevice("cpu", "fp32", features(kSapphire));
        QCOMPARE(QString::fromStdString(fp32.precision), QString("fp32"));
        QVERIFY(!fp32.matmulDtype);
        QCOMPARE(fp32.storageDtype, at::kFloat);

        for (const char* storageOnly : {"bf16-storage", "fp16"}) {
            const ResolvedDevice r = resolveDevice("cpu", storageOnly, features(kZen4));
            QVERIFY(!r.matmulDtype);
            QCOMPARE(r.dtype, at::kFloat);
            QCOMPARE(r.storageDtype,
                     std::string(storageOnly) == "fp16" ? at::kHalf : at::kBFloat16);
            QVERIFY(QString::fromStdString(r.precision).endsWith("-storage"));
        }
    }

    void everyListedNameResolvesAndOthersFail() {
        for (const char* name : kPrecisionNames) {
            QVERIFY(isPrecisionName(name));
            const ResolvedDevice r = resolveDevice("cpu", name, features(kZen4));
            QVERIFY2(!r.precision.empty(), name);
            QVERIFY2(!r.precisionReason.empty(), name);
        }
        for (const char* bad : {"fp8", "int8", "bf17", " bf16", "auto;rm"}) {
            QVERIFY(!isPrecisionName(bad));
            try {
                resolveDevice("cpu", bad, features(kZen4));
                QFAIL(bad);
            } catch (const GenerationError& e) {
                const QString message = e.what();
                QVERIFY2(message.contains("unknown"), e.what());
                QVERIFY2(message.contains("bf16-storage"), e.what()); // lists the valid names
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCpuPrecision)
#include "tst_cpu_precision.moc"
