// Reads torch.save zip checkpoints (data.pkl + data/N storages) WITHOUT executing anything:
// a restricted unpickler in the spirit of torch.load(weights_only=True). It accepts only the
// opcodes and globals needed to rebuild tensors (torch._utils._rebuild_tensor_v2/_v3,
// _rebuild_parameter[_with_state], torch._tensor._rebuild_from_type_v2, torch.*Storage,
// collections.OrderedDict, torch.Size/device, dtypes) plus plain dict/list/tuple/str/bytes/int/
// float/bool/None. Any other global (os.system, builtins.eval, a custom class, ...) is refused
// with a GenerationError naming it, before anything could be called. Storage sizes, offsets and
// strides are checked against the zip entries before a tensor is made; tensor data is copied
// only on request (materialize), so huge Lightning checkpoints cost little to inspect.
// Torch header: include only from core/model, core/runtime, tests.
#pragma once

#include "model/zip_reader.h"

#include <ATen/core/Tensor.h>

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

// A tensor described by the pickle: validated against its storage, data not yet copied.
struct PickledTensor {
    std::string storageKey;
    at::ScalarType dtype = at::kFloat;
    int64_t storageOffset = 0; // in elements
    std::vector<int64_t> sizes;
    std::vector<int64_t> strides;
    std::string location; // as written: "cpu", "cuda:0", ...
    int64_t numel() const;
};

struct PickleValue {
    enum class Kind {
        None,
        Bool,
        Int,
        Float,
        String,
        Bytes,
        Tuple,
        List,
        Dict,
        Tensor,
        Global,
        Storage
    };
    Kind kind = Kind::None;
    bool boolean = false;
    int64_t integer = 0;
    double real = 0.0;
    std::string text;                      // String, Bytes, Global "module.name", Storage key
    std::vector<const PickleValue*> items; // Tuple, List
    std::vector<std::pair<const PickleValue*, const PickleValue*>> entries; // Dict, in order
    PickledTensor tensor;                                                   // Tensor

    // Dict lookup by string key; nullptr when absent or not a dict.
    const PickleValue* get(const std::string& key) const;
    bool isDict() const { return kind == Kind::Dict; }
    static const char* kindName(Kind kind);
};

class TorchCheckpoint {
public:
    // Opens, validates the zip and unpickles data.pkl with the restricted unpickler.
    // Throws footfall::GenerationError naming the file for a bad or unsafe file.
    static TorchCheckpoint open(const std::string& path);

    const std::string& path() const { return m_zip.path(); }
    uint64_t fileSize() const { return m_zip.fileSize(); }
    const std::string& archiveName() const { return m_prefix; } // folder inside the zip
    const PickleValue& root() const { return *m_root; }
    size_t tensorCount() const { return m_tensorCount; }

    // A contiguous CPU tensor with its own memory, dtype as stored (CRC of the storage checked).
    // All tensors materialized from one checkpoint together may not exceed twice the file's size
    // plus 64 MiB (overlapping or stride-0 views could otherwise blow up memory).
    at::Tensor materialize(const PickledTensor& tensor) const;

    struct Storage {
        at::ScalarType dtype = at::kFloat;
        int64_t numel = 0;
        ZipArchive::Entry entry;
    };

private:
    ZipArchive m_zip;
    std::string m_prefix;
    std::shared_ptr<std::deque<PickleValue>> m_arena; // owns every value (cycles are harmless)
    const PickleValue* m_root = nullptr;
    std::map<std::string, Storage> m_storages;
    size_t m_tensorCount = 0;
    mutable uint64_t m_materializedBytes = 0; // bounded: views may not multiply the file's size
    friend class RestrictedUnpickler;
};

} // namespace footfall::model
