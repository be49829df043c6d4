// Reads torch.save zip checkpoints (data.pkl + data/N storages) WITHOUT executing anything:
// data.pkl goes through the restricted unpickler of pickle_machine.h, in the spirit of
// torch.load(weights_only=True). This part holds the archive side: the zip layout, the storages
// (sizes checked against their zip entries before a tensor is made) and tensor data, copied only
// on request (materialize), so huge Lightning checkpoints cost little to inspect.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "model/formats/pickle_machine.h"
#include "model/formats/zip_reader.h"

#include <ATen/core/Tensor.h>

#include <deque>
#include <map>
#include <memory>
#include <string>

namespace footfall::model {

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
    // The unpickler's StorageCheck: storage `key` against its zip entry and earlier references.
    std::string checkStorage(const std::string& key, at::ScalarType dtype, int64_t numel);

    ZipArchive m_zip;
    std::string m_prefix;
    std::shared_ptr<std::deque<PickleValue>> m_arena; // owns every value (cycles are harmless)
    const PickleValue* m_root = nullptr;
    std::map<std::string, Storage> m_storages;
    size_t m_tensorCount = 0;
    mutable uint64_t m_materializedBytes = 0; // bounded: views may not multiply the file's size
};

// True when `path` starts like a zip (torch.save's format) rather than a safetensors header.
// Reads two bytes; false when the file cannot be read.
bool isTorchCheckpointFile(const std::string& path);

// The state dict a model .ckpt holds: its top-level "state_dict", else the top-level dict.
// Throws GenerationError naming `path` when there is none.
const PickleValue& checkpointStateDict(const TorchCheckpoint& ckpt, const std::string& path);

} // namespace footfall::model
