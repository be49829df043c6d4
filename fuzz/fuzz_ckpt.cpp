// The .ckpt reader: the zip container (ZipArchive: central directory, local headers, CRC) and
// data.pkl through the restricted unpickler (TorchCheckpoint::open), then every tensor the
// pickle describes is materialized. Documented failure: footfall::GenerationError. Anything
// else (another exception, a crash, a sanitizer report, unbounded memory or time) is a finding.
//
// A mutation inside data.pkl almost always breaks its CRC-32, which the reader checks before
// unpickling: each input also runs a second time with every stored entry's CRC recomputed
// (withCrcsFixed), so that mutated pickles reach the unpickler.
#include "fuzz_input.h"

#include "base/errors.h"
#include "model/formats/torch_checkpoint.h"
#include "model/formats/zip_reader.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

using footfall::GenerationError;
using namespace footfall::model;

namespace {

// Every value reachable from the root, once (the arena may hold cycles).
void collectTensors(const PickleValue* root, std::vector<const PickledTensor*>& out) {
    std::set<const PickleValue*> seen;
    std::vector<const PickleValue*> todo{root};
    while (!todo.empty()) {
        const PickleValue* v = todo.back();
        todo.pop_back();
        if (!v || !seen.insert(v).second)
            continue;
        if (v->kind == PickleValue::Kind::Tensor)
            out.push_back(&v->tensor);
        for (const PickleValue* item : v->items)
            todo.push_back(item);
        for (const auto& [key, value] : v->entries) {
            todo.push_back(key);
            todo.push_back(value);
        }
    }
}

uint32_t le32(const std::vector<uint8_t>& b, size_t at) {
    return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
           uint32_t(b[at + 3]) << 24;
}
uint16_t le16(const std::vector<uint8_t>& b, size_t at) {
    return uint16_t(b[at] | b[at + 1] << 8);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b[at + size_t(i)] = uint8_t(v >> (8 * i));
}

// The input with the CRC-32 of every central-directory entry (and its local header) set to
// what its stored data hashes to. Entries whose offsets do not fit are left as they are: the
// reader has to refuse those by itself.
std::vector<uint8_t> withCrcsFixed(const uint8_t* data, size_t size) {
    std::vector<uint8_t> b(data, data + size);
    for (size_t o = 0; o + 46 <= size; ++o) {
        if (le32(b, o) != 0x02014b50u) // central directory header
            continue;
        const uint64_t compressed = le32(b, o + 20);
        const uint64_t local = le32(b, o + 42);
        if (local + 30 > size || le32(b, size_t(local)) != 0x04034b50u)
            continue;
        const uint64_t start =
            local + 30 + le16(b, size_t(local + 26)) + le16(b, size_t(local + 28));
        if (start > size || compressed > size - start)
            continue;
        const uint32_t crc = crc32(b.data() + start, compressed);
        put32(b, o + 16, crc);
        put32(b, size_t(local + 14), crc);
    }
    return b;
}

void readCheckpoint(const uint8_t* data, size_t size);

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    readCheckpoint(data, size);
    const std::vector<uint8_t> fixed = withCrcsFixed(data, size);
    if (!std::equal(fixed.begin(), fixed.end(), data))
        readCheckpoint(fixed.data(), fixed.size());
    return 0;
}

namespace {

void readCheckpoint(const uint8_t* data, size_t size) {
    const std::string& path = footfall::fuzz::inputFile(data, size);
    try {
        const ZipArchive zip = ZipArchive::open(path);
        for (const auto& entry : zip.entries()) {
            FOOTFALL_FUZZ_CHECK(entry.dataOffset <= size && entry.size <= size - entry.dataOffset);
            FOOTFALL_FUZZ_CHECK(zip.find(entry.name) == &entry);
            try {
                zip.verifyCrc(entry);
            } catch (const GenerationError&) {
            }
        }
    } catch (const GenerationError&) {
    }
    try {
        const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
        std::vector<const PickledTensor*> tensors;
        collectTensors(&ckpt.root(), tensors);
        for (const PickledTensor* t : tensors) {
            try {
                const at::Tensor out = ckpt.materialize(*t);
                FOOTFALL_FUZZ_CHECK(out.sizes().vec() == t->sizes);
                FOOTFALL_FUZZ_CHECK(out.scalar_type() == t->dtype);
            } catch (const GenerationError&) {
            }
        }
        try {
            (void)checkpointStateDict(ckpt, path);
        } catch (const GenerationError&) {
        }
    } catch (const GenerationError&) {
    }
}

} // namespace
