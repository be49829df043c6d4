// The .ckpt reader: the zip container (ZipArchive: central directory, local headers, CRC) and
// data.pkl through the restricted unpickler (TorchCheckpoint::open), then every tensor the
// pickle describes is materialized. Documented failure: footfall::GenerationError. Anything
// else (another exception, a crash, a sanitizer report, unbounded memory or time) is a finding.
#include "fuzz_input.h"

#include "base/errors.h"
#include "model/formats/torch_checkpoint.h"
#include "model/formats/zip_reader.h"

#include <ATen/ATen.h>

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
    return 0;
}
