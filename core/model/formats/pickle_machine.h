// The restricted unpickler behind TorchCheckpoint: a pickle stack machine that accepts only the
// opcodes and globals needed to rebuild tensors (torch._utils._rebuild_tensor_v2/_v3,
// _rebuild_parameter[_with_state], torch._tensor._rebuild_from_type_v2, torch.*Storage,
// collections.OrderedDict, torch.Size/device, dtypes) plus plain dict/list/tuple/str/bytes/int/
// float/bool/None. Nothing is imported or called: the whitelisted callables are interpreted here,
// and any other global (os.system, builtins.eval, a custom class, ...) is refused with a
// GenerationError naming it, before anything could be called. Storages are checked by the caller
// (StorageCheck), so this part knows nothing about zip archives.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <c10/core/ScalarType.h>

#include <cstdint>
#include <deque>
#include <functional>
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
    int64_t integer = 0; // Int; Storage: its element count
    double real = 0.0;
    std::string text;                      // String, Bytes, Global "module.name", Storage key
    std::vector<const PickleValue*> items; // Tuple, List
    std::vector<std::pair<const PickleValue*, const PickleValue*>> entries; // Dict, in order
    PickledTensor tensor; // Tensor; Storage: its dtype and location

    // Dict lookup by string key; nullptr when absent or not a dict.
    const PickleValue* get(const std::string& key) const;
    bool isDict() const { return kind == Kind::Dict; }
    static const char* kindName(Kind kind);
};

// Checks a storage the pickle declares (key, dtype, element count) against the archive that
// holds it and records it; returns why it cannot be used, or an empty string when it can.
using StorageCheck =
    std::function<std::string(const std::string& key, at::ScalarType dtype, int64_t numel)>;

struct Unpickled {
    const PickleValue* root = nullptr;
    size_t tensorCount = 0;
};

// Runs a torch.save data.pkl through the restricted unpickler. Every value lives in arena, which
// must outlive the result. Throws footfall::GenerationError naming path (and the byte offset of
// the offending opcode) for a malformed or unsafe pickle.
Unpickled unpickleRestricted(const std::string& path, const uint8_t* data, uint64_t size,
                             std::deque<PickleValue>& arena, const StorageCheck& checkStorage);

// Text from the file as an error message may quote it: at most 80 characters, non-printable
// bytes as '?'.
std::string printableText(const std::string& s);

} // namespace footfall::model
