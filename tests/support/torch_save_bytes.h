// Torch-free, Qt-free byte builders for torch.save checkpoints (header-only): a zip of stored
// entries, protocol-2 pickle opcodes, "lora/" archives. torch_save_writer.h adds python3's
// torch.save for the Qt tests; the fuzz seed generator (fuzz/) uses this part alone.
//
//   Pickle p;
//   p.op('}').str("a/lora_down.weight").tensor("0", 8, 0, {2, 4}, {4, 1}).op('s');
//   writeFile(path, makeCheckpoint(p.done(), {{"0", floatBytes(iota(8, 1.f))}}));
#pragma once

#include "model/formats/zip_reader.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace footfall::test {

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

inline void put16(std::string& s, uint16_t v) {
    s += char(v & 0xFF);
    s += char(v >> 8);
}

inline void put32(std::string& s, uint32_t v) {
    put16(s, uint16_t(v & 0xFFFF));
    put16(s, uint16_t(v >> 16));
}

// A zip of stored entries as torch.save writes them (method and flags configurable for tests).
inline std::string makeZip(const std::vector<std::pair<std::string, std::string>>& entries,
                           uint16_t method = 0, uint16_t flags = 0) {
    std::string out, central;
    for (const auto& [name, data] : entries) {
        const uint32_t crc =
            footfall::model::crc32(reinterpret_cast<const uint8_t*>(data.data()), data.size());
        const uint32_t offset = uint32_t(out.size());
        put32(out, 0x04034b50);
        put16(out, 20);
        put16(out, flags);
        put16(out, method);
        put16(out, 0);
        put16(out, 0);
        put32(out, crc);
        put32(out, uint32_t(data.size()));
        put32(out, uint32_t(data.size()));
        put16(out, uint16_t(name.size()));
        put16(out, 0);
        out += name;
        out += data;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, flags);
        put16(central, method);
        put16(central, 0);
        put16(central, 0);
        put32(central, crc);
        put32(central, uint32_t(data.size()));
        put32(central, uint32_t(data.size()));
        put16(central, uint16_t(name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += name;
    }
    const uint32_t cdOffset = uint32_t(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, uint16_t(entries.size()));
    put16(out, uint16_t(entries.size()));
    put32(out, uint32_t(central.size()));
    put32(out, cdOffset);
    put16(out, 0);
    return out;
}

// Pickle opcodes, protocol 2, as torch.save emits them.
struct Pickle {
    std::string b;
    Pickle() { b += "\x80\x02"; }
    Pickle& op(char c) {
        b += c;
        return *this;
    }
    Pickle& global(const std::string& module, const std::string& name) {
        b += 'c' + module + '\n' + name + '\n';
        return *this;
    }
    Pickle& str(const std::string& s) {
        b += 'X';
        put32(b, uint32_t(s.size()));
        b += s;
        return *this;
    }
    Pickle& integer(int32_t v) {
        b += 'J';
        put32(b, uint32_t(v));
        return *this;
    }
    Pickle& intTuple(const std::vector<int32_t>& v) {
        mark();
        for (int32_t x : v)
            integer(x);
        return op('t');
    }
    Pickle& mark() { return op('('); }
    // _rebuild_tensor_v2(('storage', FloatStorage, key, 'cpu', numel), offset, size, stride,
    //                    False, OrderedDict())
    Pickle& tensor(const std::string& key, int32_t numel, int32_t offset,
                   const std::vector<int32_t>& size, const std::vector<int32_t>& stride,
                   const std::string& storageType = "FloatStorage") {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(numel);
        op('t').op('Q');
        integer(offset).intTuple(size).intTuple(stride).op('\x89');
        global("collections", "OrderedDict").op(')').op('R');
        op('t').op('R');
        return *this;
    }
    std::string done() { return b + '.'; }
};

inline std::string floatBytes(const std::vector<float>& v) {
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

// A checkpoint archive "lora/" with data.pkl and storages.
inline std::string
makeCheckpoint(const std::string& pickle,
               const std::vector<std::pair<std::string, std::string>>& storages) {
    std::vector<std::pair<std::string, std::string>> entries = {{"lora/data.pkl", pickle}};
    for (const auto& [key, bytes] : storages)
        entries.emplace_back("lora/data/" + key, bytes);
    entries.emplace_back("lora/version", "3\n");
    return makeZip(entries);
}

// n small, distinct-enough floats: scale * (-8 ... 8), repeating.
inline std::vector<float> iota(size_t n, float scale) {
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = scale * float(int(i % 17) - 8);
    return v;
}

} // namespace footfall::test
