// SHA-256 of files and buffers (FIPS 180-4), for LoRA identities in take metadata. Torch-free.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace footfall::model {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    std::string hexDigest(); // finishes the hash; the object must not be updated afterwards

private:
    void block(const uint8_t* p);
    uint32_t m_state[8];
    uint8_t m_buffer[64];
    size_t m_buffered = 0;
    uint64_t m_length = 0;
};

std::string sha256Hex(const void* data, size_t size);
// Streams the file; throws footfall::GenerationError naming it when it cannot be read.
std::string sha256File(const std::string& path);

} // namespace footfall::model
