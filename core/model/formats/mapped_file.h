// A file mapped read-only, read only through copies that survive the file shrinking underneath:
// another program truncating a model while Footfall loads it makes the pages past the new end
// raise SIGBUS, which a copy here turns into a GenerationError instead of a crash. Nothing
// outside this class touches the mapping, so no tensor, parser or kernel can fault on it later.
// Torch-free.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace footfall::model {

class MappedFile {
public:
    // Maps `path` (a regular file; empty files are allowed). Throws GenerationError naming
    // the file and `what` ("safetensors file", ...) when it cannot.
    static std::shared_ptr<const MappedFile> open(const std::string& path, const std::string& what);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::string& path() const { return m_path; }
    uint64_t size() const { return m_size; } // as it was when mapped

    // Copies [offset, offset + count) into `out`. Throws GenerationError when the range lies
    // outside the mapped size, or when the file was cut short since it was mapped.
    void read(uint64_t offset, void* out, uint64_t count) const;
    std::vector<uint8_t> bytes(uint64_t offset, uint64_t count) const;
    // Gives the pages of the range back (read again from the file if ever copied again).
    void releasePages(uint64_t offset, uint64_t count) const;

private:
    MappedFile() = default;
    // Throws GenerationError when [offset, offset + count) is not inside the mapped size.
    void checkRange(uint64_t offset, uint64_t count) const;
    std::string m_path;
    std::string m_what;
    const uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
#ifdef _WIN32
    std::vector<uint8_t> m_buffer;
#endif
};

// memcpy that returns false instead of dying when a page of `source` raises SIGBUS (a mapped
// file truncated by someone else). Exposed for the tests.
bool copyUnlessBusError(void* destination, const void* source, uint64_t count);

} // namespace footfall::model
