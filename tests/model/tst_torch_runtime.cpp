// LibTorch start-up: all cores, and a fast BLAS (OpenBLAS) rather than the reference one.
#include "model/runtime/torch_runtime.h"

#include <ATen/Parallel.h>
#include <QtTest>

#include <thread>

class TestTorchRuntime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void usesEveryCore() {
        const auto& info = footfall::initTorchRuntime();
        QCOMPARE(info.threads, static_cast<int>(std::thread::hardware_concurrency()));
        QCOMPARE(at::get_num_threads(), info.threads);
        QVERIFY(!info.torchVersion.empty());
    }
    void findsOpenBlas() {
        const auto& info = footfall::initTorchRuntime();
        QVERIFY2(!info.blas.empty(), "no BLAS symbol found in the process");
        QVERIFY2(info.warning.empty(), info.warning.c_str());
        QVERIFY2(QString::fromStdString(info.blas).contains("openblas"), info.blas.c_str());
    }
    void matmulPhasesUseOneAtenThreadWithOpenBlas() {
        // OpenBLAS-pthread threads every GEMM itself: the matmul phases drop ATen to one thread
        // and give the cores back afterwards (also when the phase ends with an exception).
        const auto& info = footfall::initTorchRuntime();
        QCOMPARE(info.matmulThreads, 1);
        QCOMPARE(at::get_num_threads(), info.threads);
        {
            const footfall::MatmulPhaseThreads phase;
            QCOMPARE(at::get_num_threads(), 1);
        }
        QCOMPARE(at::get_num_threads(), info.threads);
        try {
            const footfall::MatmulPhaseThreads phase;
            throw std::runtime_error("cancelled");
        } catch (const std::runtime_error&) {
        }
        QCOMPARE(at::get_num_threads(), info.threads);
    }
};

QTEST_APPLESS_MAIN(TestTorchRuntime)
#include "tst_torch_runtime.moc"
