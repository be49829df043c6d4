#include "model/runtime/cpu_block_cache.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>

#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <type_traits>

namespace footfall::model {

namespace {

constexpr std::size_t kLargeBlock = 32u << 20; // glibc's mmap threshold (initTorchRuntime)
constexpr std::size_t kHugePage = 2u << 20;
constexpr std::size_t kHeader = 64; // keeps the data 64-byte aligned, as LibTorch's own
constexpr std::uint64_t kSmallMagic = 0x466f6f7466616c6cULL; // "Footfall"
constexpr std::uint64_t kLargeMagic = 0x466f6f744c617267ULL;

// Every block starts with this header; the tensor's data follows it. The deleter reads it, so
// blocks need no lookup table and raw_allocate/raw_deallocate (oneDNN's scratch memory) work.
struct Header {
    std::uint64_t magic;
    std::size_t mapped; // large blocks: the mapping's length (header included)
};

class BlockCache {
public:
    static BlockCache& instance() {
        static BlockCache* cache = new BlockCache; // never destroyed: tensors may outlive main
        return *cache;
    }

    void* allocate(std::size_t n) {
        if (n + kHeader < m_ownMappingFrom.load(std::memory_order_relaxed)) {
            void* base = nullptr;
            if (posix_memalign(&base, kHeader, n + kHeader) != 0)
                throw std::bad_alloc();
            auto* h = static_cast<Header*>(base);
            h->magic = kSmallMagic;
            h->mapped = 0;
            return static_cast<char*>(base) + kHeader;
        }
        const std::size_t length = (n + kHeader + kHugePage - 1) / kHugePage * kHugePage;
        void* base = takeCached(length);
        if (!base) {
            // Nothing of this size: the smaller cached blocks belong to shapes that are past
            // (the VAE's stages grow from one to the next). Give them back before mapping more.
            releaseSmallerThan(length);
            base =
                ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (base == MAP_FAILED)
                throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
            ::madvise(base, length, MADV_HUGEPAGE); // a hint; fine where unsupported
#endif
        }
        auto* h = static_cast<Header*>(base);
        h->magic = kLargeMagic;
        h->mapped = length;
        return static_cast<char*>(base) + kHeader;
    }

    void free(void* data) {
        if (!data)
            return;
        auto* h = reinterpret_cast<Header*>(static_cast<char*>(data) - kHeader);
        if (h->magic == kSmallMagic) {
            h->magic = 0;
            std::free(h);
            return;
        }
        if (h->magic != kLargeMagic)
            std::abort(); // not ours: freeing it any way would corrupt memory
        h->magic = 0;
        const std::size_t length = h->mapped;
        std::lock_guard<std::mutex> lock(m_mutex);
        m_free.emplace(length, h);
        m_cached += length;
        trimTo(m_limit);
    }

    std::size_t cached() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_cached;
    }
    std::size_t limit() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_limit;
    }
    void setLimit(std::size_t bytes) {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_limit = bytes;
        trimTo(m_limit);
    }
    void releaseAll() {
        std::lock_guard<std::mutex> lock(m_mutex);
        trimTo(0);
    }
    std::size_t ownMappingFrom() const {
        return m_ownMappingFrom.load();
    }
    void setOwnMappingFrom(std::size_t bytes) {
        m_ownMappingFrom.store(bytes);
    }

private:
    // A cached block of this length, or one at most 1/8 longer (shapes repeat exactly in a
    // model's passes; a much larger block would be wasted).
    void* takeCached(std::size_t length) {
        std::lock_guard<std::mutex> lock(m_mutex);
        const auto it = m_free.lower_bound(length);
        if (it == m_free.end() || it->first > length + length / 8)
            return nullptr;
        void* base = it->second;
        m_cached -= it->first;
        m_free.erase(it);
        return base;
    }
    void releaseSmallerThan(std::size_t length) {
        std::lock_guard<std::mutex> lock(m_mutex);
        while (!m_free.empty() && m_free.begin()->first < length) {
            ::munmap(m_free.begin()->second, m_free.begin()->first);
            m_cached -= m_free.begin()->first;
            m_free.erase(m_free.begin());
        }
    }
    // Largest first: they are the rarest sizes to be asked for again.
    void trimTo(std::size_t bytes) {
        while (m_cached > bytes && !m_free.empty()) {
            const auto last = std::prev(m_free.end());
            ::munmap(last->second, last->first);
            m_cached -= last->first;
            m_free.erase(last);
        }
    }

    std::mutex m_mutex;
    std::multimap<std::size_t, void*> m_free; // mapping length -> mapping
    std::size_t m_cached = 0;
    // A 6 s SAO 1.0 decode (footfall-bench, AMD EPYC): 768 MB 3.77 s, 384 MB 3.97 s, 200 MB
    // 3.97 s; peak RSS 1893 / 1631 / 1632 MB against 1599 MB (and 15.6 s) without the cache.
    std::size_t m_limit = std::size_t(384) << 20;
    std::atomic<std::size_t> m_ownMappingFrom{kLargeBlock};
};

void deleteBlock(void* data) {
    BlockCache::instance().free(data);
}

c10::DataPtr allocateBlock(std::size_t n) {
    void* data = n == 0 ? nullptr : BlockCache::instance().allocate(n);
    return {data, data, &deleteBlock, c10::Device(c10::DeviceType::CPU)};
}

// c10::Allocator::allocate is const up to LibTorch 2.2 and not after: override whichever this
// LibTorch declares (only the matching specialisation is instantiated).
template <typename F> struct ConstAllocate : std::false_type {};
template <typename C>
struct ConstAllocate<c10::DataPtr (C::*)(std::size_t) const> : std::true_type {};

template <bool IsConst, typename Base> struct CachingAllocator;
template <typename Base> struct CachingAllocator<true, Base> final : Base {
    c10::DataPtr allocate(std::size_t n) const override { return allocateBlock(n); }
    c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
    void copy_data(void* dest, const void* src, std::size_t count) const {
        std::memcpy(dest, src, count); // pure virtual from LibTorch 2.3 on
    }
};
template <typename Base> struct CachingAllocator<false, Base> final : Base {
    c10::DataPtr allocate(std::size_t n) override { return allocateBlock(n); }
    c10::DeleterFnPtr raw_deleter() const override { return &deleteBlock; }
    void copy_data(void* dest, const void* src, std::size_t count) const {
        std::memcpy(dest, src, count);
    }
};

using Allocator =
    CachingAllocator<ConstAllocate<decltype(&c10::Allocator::allocate)>::value, c10::Allocator>;

} // namespace

bool installCpuBlockCache() {
    static const bool installed = [] {
        const char* env = std::getenv("FOOTFALL_CPU_BLOCK_CACHE");
        if (env && (std::strcmp(env, "off") == 0 || std::strcmp(env, "0") == 0))
            return false;
        static Allocator* allocator = new Allocator; // lives as long as any tensor
        c10::SetCPUAllocator(allocator, /*priority=*/1);
        return c10::GetCPUAllocator() == allocator;
    }();
    return installed;
}

std::size_t cachedCpuBlockBytes() {
    return BlockCache::instance().cached();
}

std::size_t cpuBlockCacheLimit() {
    return BlockCache::instance().limit();
}

void setCpuBlockCacheLimit(std::size_t bytes) {
    BlockCache::instance().setLimit(bytes);
}

std::size_t cpuOwnMappingFrom() {
    return BlockCache::instance().ownMappingFrom();
}

void setCpuOwnMappingFrom(std::size_t bytes) {
    BlockCache::instance().setOwnMappingFrom(bytes);
}

CpuMemoryPolicyScope::CpuMemoryPolicyScope(std::size_t cacheLimit,
                                           std::optional<std::size_t> ownMappingFrom)
    : m_limit(cpuBlockCacheLimit()), m_ownMappingFrom(cpuOwnMappingFrom()) {
    setCpuBlockCacheLimit(cacheLimit);
    if (ownMappingFrom)
        setCpuOwnMappingFrom(*ownMappingFrom);
}

CpuMemoryPolicyScope::~CpuMemoryPolicyScope() {
    setCpuOwnMappingFrom(m_ownMappingFrom);
    setCpuBlockCacheLimit(m_limit);
}

void releaseCachedCpuBlocks() {
    BlockCache::instance().releaseAll();
}

void trimCpuMemory() {
    releaseCachedCpuBlocks();
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

} // namespace footfall::model
