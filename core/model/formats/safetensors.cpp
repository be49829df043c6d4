#include "model/formats/safetensors.h"

#include "base/errors.h"
#include "model/formats/mapped_file.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

namespace footfall::model {

namespace {

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "safetensors data is little-endian; a big-endian host needs byte swapping here"
#endif

// Bounds the JSON parse: real headers are a few hundred kB even for 1000-tensor models.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
    throw GenerationError("safetensors file '" + path + "': " + what);
}

std::string shapeString(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

struct DtypeEntry {
    const char* name;
    at::ScalarType type;
};

const DtypeEntry kDtypes[] = {
    {"F32", at::kFloat}, {"F16", at::kHalf},  {"BF16", at::kBFloat16}, {"F64", at::kDouble},
    {"I64", at::kLong},  {"I32", at::kInt},   {"I16", at::kShort},     {"I8", at::kChar},
    {"U8", at::kByte},   {"BOOL", at::kBool},
};

const DtypeEntry* findDtype(const std::string& name) {
    for (const auto& entry : kDtypes)
        if (name == entry.name)
            return &entry;
    return nullptr;
}

// a * b, or false when it would not fit in 64 bits.
bool checkedMul(uint64_t a, uint64_t b, uint64_t& out) {
    if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a)
        return false;
    out = a * b;
    return true;
}

} // namespace

at::ScalarType scalarTypeFromSafetensorsDtype(const std::string& dtype) {
    if (const DtypeEntry* entry = findDtype(dtype))
        return entry->type;
    throw GenerationError("unsupported safetensors dtype '" + dtype +
                          "' (expected one of F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
}

std::string safetensorsDtypeName(at::ScalarType type) {
    for (const auto& entry : kDtypes)
        if (entry.type == type)
            return entry.name;
    throw GenerationError(std::string("cannot store tensors of type ") + c10::toString(type) +
                          " in safetensors");
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    std::shared_ptr<const MappedFile> mapping = MappedFile::open(path, "safetensors file");
    const uint64_t fileSize = mapping->size();
    if (fileSize < 8)
        fail(path, "file is " + std::to_string(fileSize) +
                       " bytes, too short for the 8-byte header length (truncated?)");
    uint64_t headerLength = 0;
    mapping->read(0, &headerLength, 8); // little-endian host (checked above)
    if (headerLength > kMaxHeaderBytes)
        fail(path, "header length " + std::to_string(headerLength) +
                       " exceeds the 100 MB limit (not a safetensors file?)");
    if (headerLength > fileSize - 8)
        fail(path, "header length " + std::to_string(headerLength) + " exceeds the " +
                       std::to_string(fileSize - 8) +
                       " bytes that follow it (truncated file or not a safetensors file)");

    const std::vector<uint8_t> headerBytes = mapping->bytes(8, headerLength);
    const char* headerBegin = reinterpret_cast<const char*>(headerBytes.data());
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(headerBegin, headerBegin + headerLength);
    } catch (const nlohmann::json::exception& e) {
        fail(path, std::string("header is not valid JSON (") + e.what() + ")");
    }
    if (!header.is_object())
        fail(path, "header is not a JSON object");

    SafetensorsFile file;
    file.m_path = path;
    file.m_dataOffset = 8 + headerLength;
    const uint64_t dataSize = fileSize - file.m_dataOffset;

    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& key = it.key();
        const nlohmann::json& entry = it.value();
        if (key == "__metadata__") {
            if (!entry.is_object())
                fail(path, "__metadata__ is not a JSON object");
            file.m_metadata = entry;
            continue;
        }
        const std::string where = "tensor '" + key + "': ";
        if (!entry.is_object())
            fail(path, where + "entry is not a JSON object");
        const auto dtypeIt = entry.find("dtype");
        const auto shapeIt = entry.find("shape");
        const auto offsetsIt = entry.find("data_offsets");
        if (dtypeIt == entry.end() || !dtypeIt->is_string())
            fail(path, where + "missing or non-string 'dtype'");
        if (shapeIt == entry.end() || !shapeIt->is_array())
            fail(path, where + "missing or non-array 'shape'");
        if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
            fail(path, where + "'data_offsets' must be an array [begin, end]");

        TensorInfo info;
        info.dtype = dtypeIt->get<std::string>();
        const DtypeEntry* dtype = findDtype(info.dtype);
        if (!dtype)
            fail(path, where + "unsupported dtype '" + info.dtype +
                           "' (expected F32, F16, BF16, F64, I64, I32, I16, I8, U8 or BOOL)");

        uint64_t numel = 1;
        for (const auto& dim : *shapeIt) {
            if (!dim.is_number_integer() || (!dim.is_number_unsigned() && dim.get<int64_t>() < 0))
                fail(path, where + "shape " + shapeIt->dump() + " must hold non-negative integers");
            const uint64_t d = dim.get<uint64_t>();
            if (d > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
                !checkedMul(numel, d, numel))
                fail(path, where + "shape " + shapeIt->dump() + " overflows");
            info.shape.push_back(static_cast<int64_t>(d));
        }
        for (const auto& off : *offsetsIt)
            if (!off.is_number_integer() || (!off.is_number_unsigned() && off.get<int64_t>() < 0))
                fail(path, where + "data_offsets " + offsetsIt->dump() +
                               " must be non-negative integers");
        info.begin = (*offsetsIt)[0].get<uint64_t>();
        info.end = (*offsetsIt)[1].get<uint64_t>();
        if (info.begin > info.end)
            fail(path, where + "data_offsets [" + std::to_string(info.begin) + ", " +
                           std::to_string(info.end) + "] end before they begin");
        if (info.end > dataSize)
            fail(path, where + "data_offsets [" + std::to_string(info.begin) + ", " +
                           std::to_string(info.end) + "] reach past the " +
                           std::to_string(dataSize) + "-byte data section (truncated file?)");
        uint64_t bytes = 0;
        if (!checkedMul(numel, c10::elementSize(dtype->type), bytes))
            fail(path, where + "shape " + shapeIt->dump() + " overflows");
        if (info.end - info.begin != bytes)
            fail(path, where + "data_offsets [" + std::to_string(info.begin) + ", " +
                           std::to_string(info.end) + "] span " +
                           std::to_string(info.end - info.begin) + " bytes but dtype " +
                           info.dtype + " with shape " + shapeString(info.shape) + " needs " +
                           std::to_string(bytes));
        file.m_infos.emplace(key, std::move(info));
    }
    file.m_mapping = std::move(mapping);
    return file;
}

std::vector<std::string> SafetensorsFile::keys() const {
    std::vector<std::string> out;
    out.reserve(m_infos.size());
    for (const auto& kv : m_infos)
        out.push_back(kv.first);
    return out;
}

bool SafetensorsFile::contains(const std::string& key) const {
    return m_infos.count(key) != 0;
}

uint64_t SafetensorsFile::fileSize() const {
    return m_mapping ? m_mapping->size() : 0;
}

const SafetensorsFile::TensorInfo& SafetensorsFile::info(const std::string& key) const {
    const auto it = m_infos.find(key);
    if (it == m_infos.end())
        fail(m_path, "no tensor named '" + key + "'");
    return it->second;
}

at::Tensor SafetensorsFile::tensor(const std::string& key) const {
    const TensorInfo& ti = info(key);
    const at::ScalarType type = scalarTypeFromSafetensorsDtype(ti.dtype);
    at::Tensor out = at::empty(ti.shape, at::TensorOptions().dtype(type).device(at::kCPU));
    // Always a copy: a tensor over the mapping would crash (SIGBUS) wherever it is used if the
    // file were cut short later; the copy is where that turns into an error.
    m_mapping->read(m_dataOffset + ti.begin, out.data_ptr(), ti.end - ti.begin);
    return out;
}

void SafetensorsFile::releasePages(const std::string& key) const {
    if (!m_mapping || !contains(key))
        return;
    const TensorInfo& ti = info(key);
    m_mapping->releasePages(m_dataOffset + ti.begin, ti.end - ti.begin);
}

at::Tensor SafetensorsFile::tensorF32(const std::string& key) const {
    at::Tensor t = tensor(key);
    if (t.scalar_type() != at::kFloat)
        t = t.to(at::kFloat);
    return t.contiguous();
}

nlohmann::json SafetensorsFile::metadata() const {
    return m_metadata;
}

void writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::vector<at::Tensor> data;
    std::set<std::string> seen;
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name == "__metadata__" || !seen.insert(name).second)
            throw GenerationError("cannot write '" + path + "': duplicate or reserved name '" +
                                  name + "'");
        if (!tensor.defined())
            throw GenerationError("cannot write '" + path + "': tensor '" + name +
                                  "' is undefined");
        at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", safetensorsDtypeName(t.scalar_type())},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        data.push_back(std::move(t));
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' '); // keeps the data section 8-byte aligned
    const uint64_t headerLength = json.size();

    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out)
        throw GenerationError("cannot write '" + path + "': " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(&headerLength), 8);
    out.write(json.data(), static_cast<std::streamsize>(json.size()));
    for (const auto& t : data)
        out.write(static_cast<const char*>(t.data_ptr()),
                  static_cast<std::streamsize>(t.numel() * t.element_size()));
    out.flush();
    if (!out)
        throw GenerationError("cannot write '" + path + "': write failed (disk full?)");
}

} // namespace footfall::model
