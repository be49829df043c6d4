#include "model/formats/torch_checkpoint.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <cstring>
#include <fstream>

namespace footfall::model {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw GenerationError("cannot load '" + path + "': " + what);
}

} // namespace

std::string TorchCheckpoint::checkStorage(const std::string& key, at::ScalarType dtype,
                                          int64_t numel) {
    const std::string entryName = m_prefix + "/data/" + key;
    const ZipArchive::Entry* entry = m_zip.find(entryName);
    if (!entry)
        return "storage '" + printableText(key) + "' has no entry '" + printableText(entryName) +
               "' in the archive";
    const uint64_t itemSize = uint64_t(c10::elementSize(dtype));
    if (uint64_t(numel) > entry->size / itemSize)
        return "storage '" + key + "' claims " + std::to_string(numel) + " elements of " +
               std::to_string(itemSize) + " bytes but its entry has only " +
               std::to_string(entry->size) + " bytes";
    auto it = m_storages.find(key);
    if (it != m_storages.end()) {
        if (it->second.dtype != dtype || it->second.numel != numel)
            return "storage '" + key + "' is referenced with different types or sizes";
    } else {
        m_storages[key] = Storage{dtype, numel, *entry};
    }
    return std::string();
}

TorchCheckpoint TorchCheckpoint::open(const std::string& path) {
    TorchCheckpoint ckpt;
    ckpt.m_zip = ZipArchive::open(path);
    ckpt.m_arena = std::make_shared<std::deque<PickleValue>>();

    const ZipArchive::Entry* pickle = nullptr;
    bool torchScript = false;
    for (const auto& entry : ckpt.m_zip.entries()) {
        const size_t slash = entry.name.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string rest = entry.name.substr(slash + 1);
        if (rest == "constants.pkl")
            torchScript = true;
        if (rest == "data.pkl") {
            if (pickle)
                fail(path, "the archive holds more than one data.pkl");
            pickle = &entry;
            ckpt.m_prefix = entry.name.substr(0, slash);
        }
    }
    if (!pickle)
        fail(path, torchScript ? "it is a TorchScript archive, not a torch.save checkpoint"
                               : "the archive has no <name>/data.pkl (not a torch.save file)");
    for (const auto& entry : ckpt.m_zip.entries())
        if (entry.name.compare(0, ckpt.m_prefix.size() + 1, ckpt.m_prefix + "/") != 0)
            fail(path, "entry '" + printableText(entry.name) +
                           "' lies outside the archive folder '" + ckpt.m_prefix + "'");
    if (const auto* order = ckpt.m_zip.find(ckpt.m_prefix + "/byteorder")) {
        std::string value(size_t(std::min<uint64_t>(order->size, 16)), '\0');
        ckpt.m_zip.read(*order, 0, value.data(), value.size());
        if (value != "little")
            fail(path, "its tensors are stored in '" + printableText(value) +
                           "' byte order; only little-endian checkpoints are supported");
    }
    ckpt.m_zip.verifyCrc(*pickle);
    const std::vector<uint8_t> pickleBytes = ckpt.m_zip.bytes(*pickle);
    const Unpickled unpickled =
        unpickleRestricted(ckpt.path(), pickleBytes.data(), pickleBytes.size(), *ckpt.m_arena,
                           [&ckpt](const std::string& key, at::ScalarType dtype, int64_t numel) {
                               return ckpt.checkStorage(key, dtype, numel);
                           });
    ckpt.m_root = unpickled.root;
    ckpt.m_tensorCount = unpickled.tensorCount;
    return ckpt;
}

at::Tensor TorchCheckpoint::materialize(const PickledTensor& t) const {
    auto it = m_storages.find(t.storageKey);
    if (it == m_storages.end())
        fail(path(), "unknown storage '" + t.storageKey + "'");
    const Storage& storage = it->second;
    m_zip.verifyCrc(storage.entry);
    const int64_t itemSize = int64_t(c10::elementSize(t.dtype));
    const int64_t storageNumel =
        storage.numel * int64_t(c10::elementSize(storage.dtype)) / itemSize;
    const uint64_t bytes = uint64_t(t.numel()) * uint64_t(itemSize);
    const uint64_t budget = 2 * fileSize() + (uint64_t(64) << 20);
    if (bytes > budget || m_materializedBytes + bytes > budget)
        fail(path(), "its tensors add up to far more data than the file holds (overlapping or "
                     "stride-0 views): malformed or malicious");
    m_materializedBytes += bytes;
    at::Tensor out = at::empty(t.sizes, at::TensorOptions().dtype(t.dtype));
    if (t.numel() == 0)
        return out;
    // Copy the bytes the view spans into aligned memory, then gather the view from it.
    int64_t last = 0;
    for (size_t i = 0; i < t.sizes.size(); ++i)
        last += (t.sizes[i] - 1) * t.strides[i];
    const int64_t span = last + 1;
    if (t.storageOffset + span > storageNumel)
        fail(path(), "tensor reads past the end of storage '" + t.storageKey + "'");
    at::Tensor flat = at::empty({span}, at::TensorOptions().dtype(t.dtype));
    m_zip.read(storage.entry, uint64_t(t.storageOffset * itemSize), flat.data_ptr(),
               uint64_t(span * itemSize));
    out.copy_(flat.as_strided(t.sizes, t.strides, 0));
    return out;
}

bool isTorchCheckpointFile(const std::string& path) {
    std::ifstream probe(path, std::ios::binary);
    char magic[2] = {0, 0};
    probe.read(magic, 2);
    // A zip (torch.save) starts with "PK"; safetensors starts with its header length.
    return magic[0] == 'P' && magic[1] == 'K';
}

const PickleValue& checkpointStateDict(const TorchCheckpoint& ckpt, const std::string& path) {
    const PickleValue* dict = &ckpt.root();
    if (const PickleValue* sd = dict->get("state_dict"); sd && sd->isDict())
        dict = sd;
    if (!dict->isDict())
        throw GenerationError("checkpoint " + path +
                              " holds no state dict (a dict of tensors, or {\"state_dict\": ...})");
    return *dict;
}

} // namespace footfall::model
