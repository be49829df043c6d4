// LibTorch's CPU allocator, replaced by one that keeps freed large blocks (32 MB and up) for the
// next tensor of that size. glibc serves such blocks with a fresh mmap every time, and
// touching fresh pages costs more than the arithmetic on them: on this project's machine a
// 136 MB activation (the VAE decoder's last stage, one per op) took ~300 ms to allocate and
// fill against 3 ms for a reused block, and a 6 s VAE decode went from 15.6 s to 4.0 s.
// Fresh blocks ask for transparent huge pages (7x cheaper to fault in). At most a bounded
// amount stays cached, and generation hands it all back at the end of a take
// (releaseCachedCpuBlocks), so resident memory between takes stays as before.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <cstddef>
#include <optional>

namespace footfall::model {

// Installs the allocator as LibTorch's CPU allocator (once; initTorchRuntime calls it).
// FOOTFALL_CPU_BLOCK_CACHE=off in the environment leaves LibTorch's own. Returns whether it is
// installed.
bool installCpuBlockCache();

// Bytes of freed blocks held for reuse, and the most it holds before returning the largest to
// the kernel.
std::size_t cachedCpuBlockBytes();
std::size_t cpuBlockCacheLimit();
void setCpuBlockCacheLimit(std::size_t bytes);

// Where blocks below the large size come from: normally the C heap, which keeps what is freed
// (initTorchRuntime's mallopt), so a DiT step does not fault its memory in again. From
// `bytes` on, a block gets its own mapping instead (huge-page advised, rounded to 2 MB), given
// back to the kernel when freed once the cache is full: resident memory then follows what is
// alive, not the heap's high-water mark.
std::size_t cpuOwnMappingFrom();
void setCpuOwnMappingFrom(std::size_t bytes);

// Low-memory mode's allocation policy for a scope (a load, a pass, a decode): a cache limit
// and, optionally, the size from which blocks get their own mapping; restored at the end.
class CpuMemoryPolicyScope {
public:
    explicit CpuMemoryPolicyScope(std::size_t cacheLimit,
                                  std::optional<std::size_t> ownMappingFrom = std::nullopt);
    ~CpuMemoryPolicyScope();
    CpuMemoryPolicyScope(const CpuMemoryPolicyScope&) = delete;
    CpuMemoryPolicyScope& operator=(const CpuMemoryPolicyScope&) = delete;

private:
    std::size_t m_limit, m_ownMappingFrom;
};

// Gives every cached block back to the kernel (end of a take, model unload).
void releaseCachedCpuBlocks();

// That, and the free pages inside the C heap too (malloc_trim): after loading a model and after
// freeing a large part of it (low-memory mode's T5). Not after every take: the next take would
// page-fault the same memory in again.
void trimCpuMemory();

} // namespace footfall::model
