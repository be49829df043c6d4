// Memory-mapped reader (through MappedFile: every tensor is a copy) and a small writer for the
// safetensors format
// (u64 LE header length N, N bytes of JSON {name: {dtype, shape, data_offsets}}, raw LE data).
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

class MappedFile;

class SafetensorsFile {
public:
    struct TensorInfo {
        std::string dtype;          // "F32", "F16", "BF16", ... as written in the file
        std::vector<int64_t> shape; // may be empty (a scalar)
        uint64_t begin = 0;         // byte offsets relative to the start of the data section
        uint64_t end = 0;
    };

    SafetensorsFile() = default; // empty: no keys; open() gives a usable one
    SafetensorsFile(SafetensorsFile&&) noexcept = default;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept = default;
    SafetensorsFile(const SafetensorsFile&) = default; // shares the mapping
    SafetensorsFile& operator=(const SafetensorsFile&) = default;

    // Maps the file and validates the whole header; throws footfall::GenerationError naming
    // the file (and key) on any inconsistency.
    static SafetensorsFile open(const std::string& path);

    const std::string& path() const { return m_path; }
    std::vector<std::string> keys() const; // sorted
    bool contains(const std::string& key) const;
    const TensorInfo& info(const std::string& key) const; // throws if missing
    uint64_t fileSize() const;

    // As stored (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL): a copy the caller owns.
    // Throws GenerationError when the file was cut short since it was opened (no SIGBUS).
    at::Tensor tensor(const std::string& key) const;
    // Drops this tensor's pages of the mapping from the process (they stay in the page cache):
    // once its copy is made, so a 4.8 GB model is not held twice.
    void releasePages(const std::string& key) const;
    // Always float32 and contiguous.
    at::Tensor tensorF32(const std::string& key) const;
    // The "__metadata__" entry (an empty object when absent).
    nlohmann::json metadata() const;

private:
    std::shared_ptr<const MappedFile> m_mapping;
    std::string m_path;
    std::map<std::string, TensorInfo> m_infos;
    nlohmann::json m_metadata = nlohmann::json::object();
    uint64_t m_dataOffset = 0; // 8 + header length
};

// Writes tensors (any device; F32/F16/BF16/F64/I64/I32/I16/I8/U8/BOOL) in the given order with
// an optional __metadata__ map. Throws GenerationError if the file cannot be written.
void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Safetensors dtype name <-> ATen scalar type; dtypeFromName throws GenerationError for
// names this build cannot represent.
at::ScalarType scalarTypeFromSafetensorsDtype(const std::string& dtype);
std::string safetensorsDtypeName(at::ScalarType type);

} // namespace footfall::model
