// A defensive reader for the uncompressed ("stored") zip archives that torch.save writes.
// Torch-free. Every size and offset is checked against the file before it is used; compressed,
// encrypted, split and otherwise unusual archives are rejected with a GenerationError that
// names the file and the entry.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace footfall::model {

class MappedFile;

class ZipArchive {
public:
    struct Entry {
        std::string name;
        uint64_t dataOffset = 0; // absolute offset of the entry's bytes in the file
        uint64_t size = 0;       // stored == uncompressed size
        uint32_t crc32 = 0;      // as recorded in the central directory
    };

    ZipArchive() = default;

    // Maps the file read-only (MappedFile) and validates the central directory and every local
    // header. Throws footfall::GenerationError on anything it cannot read safely.
    static ZipArchive open(const std::string& path);
    // True when the file starts like a zip archive ("PK\x03\x04"); never throws.
    static bool looksLikeZip(const std::string& path);

    const std::string& path() const { return m_path; }
    uint64_t fileSize() const;
    const std::vector<Entry>& entries() const { return m_entries; }
    const Entry* find(const std::string& name) const; // nullptr when absent
    // The entry's bytes, copied; or `count` of them from `offset` into `out`. Throws
    // GenerationError when the file was cut short since it was opened (no SIGBUS).
    std::vector<uint8_t> bytes(const Entry& entry) const;
    void read(const Entry& entry, uint64_t offset, void* out, uint64_t count) const;
    // Recomputes the CRC-32 of the entry and throws GenerationError when it differs.
    void verifyCrc(const Entry& entry) const;

private:
    std::shared_ptr<const MappedFile> m_mapping;
    std::string m_path;
    std::vector<Entry> m_entries;
    std::map<std::string, size_t> m_index;
};

uint32_t crc32(const uint8_t* data, uint64_t size, uint32_t crc = 0);

} // namespace footfall::model
