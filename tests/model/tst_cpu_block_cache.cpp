// LibTorch's CPU allocator as Footfall installs it (cpu_block_cache.h): freed large blocks are
// reused for the next tensor of that size, the cache stays within its limit and gives smaller,
// stale sizes back, small tensors and oneDNN's raw allocations still work, and everything can
// be handed back to the kernel.
#include "model/runtime/cpu_block_cache.h"
#include "model/runtime/torch_runtime.h"

#include <ATen/ATen.h>
#include <c10/core/CPUAllocator.h>

#include <QtTest>

#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

using namespace footfall::model;

namespace {

constexpr int64_t kMiB = 1 << 20;

at::Tensor floats(int64_t mib) {
    return at::empty({mib * kMiB / 4}, at::kFloat);
}

// VmRSS of this process.
double residentMiB() {
    QFile status("/proc/self/status");
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').front().toDouble() / 1024.0;
    return -1;
}

} // namespace

class TestCpuBlockCache : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        footfall::initTorchRuntime();
        if (qEnvironmentVariable("FOOTFALL_CPU_BLOCK_CACHE") == "off")
            QSKIP("FOOTFALL_CPU_BLOCK_CACHE=off: LibTorch's own allocator");
        QVERIFY(footfall::initTorchRuntime().cpuBlockCache);
        QVERIFY(installCpuBlockCache());
    }
    void init() { releaseCachedCpuBlocks(); }

    void largeBlocksAreReused() {
        const void* first = nullptr;
        {
            at::Tensor t = floats(48);
            t.fill_(3.0f);
            first = t.data_ptr();
        }
        QVERIFY(cachedCpuBlockBytes() >= std::size_t(48 * kMiB));
        at::Tensor again = floats(48);
        QCOMPARE(static_cast<const void*>(again.data_ptr()), first);
        QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
        // A reused block is an ordinary tensor: written and read back whole.
        again.copy_(at::arange(again.numel(), at::kFloat));
        QCOMPARE(again[again.numel() - 1].item<float>(), float(again.numel() - 1));
    }

    void otherSizesAreNotServedFromIt() {
        { at::Tensor t = floats(40); }
        const std::size_t cached = cachedCpuBlockBytes();
        QVERIFY(cached >= std::size_t(40 * kMiB));
        // Twice the size: a new block, and the smaller cached one goes back to the kernel.
        at::Tensor larger = floats(80);
        QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
        larger.fill_(1.0f);
        QCOMPARE(larger.sum().item<double>(), double(larger.numel()));
    }

    void theCacheKeepsWithinItsLimit() {
        const std::size_t previous = cpuBlockCacheLimit();
        setCpuBlockCacheLimit(std::size_t(100 * kMiB));
        {
            std::vector<at::Tensor> live;
            for (int i = 0; i < 4; ++i)
                live.push_back(floats(40));
        }
        QVERIFY2(cachedCpuBlockBytes() <= std::size_t(100 * kMiB),
                 qPrintable(QString::number(cachedCpuBlockBytes())));
        QVERIFY(cachedCpuBlockBytes() >= std::size_t(40 * kMiB));
        releaseCachedCpuBlocks();
        QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
        setCpuBlockCacheLimit(previous);
    }

    void smallAndRawAllocationsWork() {
        // Small tensors are not cached.
        { at::Tensor t = at::ones({1000}); }
        QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
        const at::Tensor empty = at::empty({0});
        QCOMPARE(empty.numel(), int64_t(0));
        // oneDNN's scratch memory comes through raw_allocate/raw_deallocate.
        c10::Allocator* allocator = c10::GetCPUAllocator();
        QVERIFY(allocator->raw_deleter() != nullptr);
        for (std::size_t bytes : {std::size_t(64), std::size_t(50 * kMiB)}) {
            void* p = allocator->raw_allocate(bytes);
            QVERIFY(p);
            QCOMPARE(reinterpret_cast<std::uintptr_t>(p) % 64, std::uintptr_t(0));
            std::memset(p, 0x5a, bytes);
            allocator->raw_deallocate(p);
        }
        // A product with a large result (a cached-size block) equals the same product on a
        // small slice (ordinary blocks).
        at::manual_seed(1);
        const at::Tensor x = at::randn({8, 3 * kMiB}), w = at::randn({8, 8});
        const at::Tensor y = at::matmul(w, x);
        QVERIFY(
            at::allclose(y.narrow(1, 100, 50), at::matmul(w, x.narrow(1, 100, 50)), 1e-5, 1e-5));
    }

    // Low-memory mode's policy: within the scope, blocks from 1 MB on get their own mapping and
    // nothing is cached, so resident memory falls back when they are freed; afterwards the
    // normal policy is back and blocks made inside are still freed correctly.
    void lowMemoryPolicyReturnsFreedBlocks() {
        const std::size_t limit = cpuBlockCacheLimit(), from = cpuOwnMappingFrom();
        QVERIFY(from > std::size_t(16 * kMiB));
        at::Tensor survivor;
        {
            const CpuMemoryPolicyScope scope(0, std::size_t(kMiB));
            QCOMPARE(cpuBlockCacheLimit(), std::size_t(0));
            QCOMPARE(cpuOwnMappingFrom(), std::size_t(kMiB));
            std::vector<at::Tensor> blocks;
            for (int i = 0; i < 32; ++i)
                blocks.push_back(floats(4).fill_(float(i))); // 128 MB, all touched
            const double before = residentMiB();
            blocks.clear();
            const double after = residentMiB();
            qInfo("32 blocks of 4 MB: resident %.0f -> %.0f MiB when freed", before, after);
            QVERIFY2(before - after > 100, qPrintable(QString("%1 -> %2").arg(before).arg(after)));
            QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
            survivor = floats(4).fill_(7.0f);
        }
        QCOMPARE(cpuBlockCacheLimit(), limit);
        QCOMPARE(cpuOwnMappingFrom(), from);
        QCOMPARE(survivor.sum().item<double>(), 7.0 * double(survivor.numel()));
        // Its own mapping, freed under the normal policy: cached like any mapped block.
        survivor = at::Tensor();
        QVERIFY(cachedCpuBlockBytes() >= std::size_t(4 * kMiB));
        releaseCachedCpuBlocks();
        { at::Tensor small = floats(4); } // from the C heap again: nothing to cache
        QCOMPARE(cachedCpuBlockBytes(), std::size_t(0));
    }

    void threadsShareItSafely() {
        std::vector<std::thread> threads;
        std::atomic<int> wrong{0};
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([t, &wrong] {
                for (int i = 0; i < 40; ++i) {
                    const int64_t mib = (i + t) % 3 == 0 ? 33 + (i % 3) : 1;
                    at::Tensor a = floats(mib);
                    a.fill_(float(t));
                    if (a[a.numel() / 2].item<float>() != float(t))
                        ++wrong;
                }
            });
        for (auto& thread : threads)
            thread.join();
        QCOMPARE(wrong.load(), 0);
    }
};

QTEST_APPLESS_MAIN(TestCpuBlockCache)
#include "tst_cpu_block_cache.moc"
