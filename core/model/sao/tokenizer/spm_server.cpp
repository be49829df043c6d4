// footfall-spm-server: SentencePiece in a process of its own, for builds where the
// footfall_spm module cannot be dlopen()ed with RTLD_DEEPBIND (AddressSanitizer refuses the
// flag, and without it the module's protobuf clashes with libtorch's). It links the module's
// C API directly; no libtorch here, so there is no second protobuf to clash with.
//
// Usage: footfall-spm-server MODEL. Speaks on stdin/stdout, little-endian, native int sizes:
//   start:   int32 0, int32 piece_size, int32 eos_id, int32 pad_id
//            | int32 -1, uint32 length, message
//   request: uint32 length, UTF-8 text          (end of input: exit 0)
//   reply:   int32 n >= 0, n x int32 id        | int32 -1, uint32 length, message
#include "spm_api.h"

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
int ffspm_abi_version(void);
void* ffspm_load(const char* path, char* error, int errorSize);
void ffspm_free(void* handle);
int ffspm_piece_size(void* handle);
int ffspm_eos_id(void* handle);
int ffspm_pad_id(void* handle);
int ffspm_encode(void* handle, const char* text, size_t length, int* ids, int capacity, char* error,
                 int errorSize);
}

namespace {

constexpr std::uint32_t kMaxRequestBytes = 64u << 20; // same cap as the client's

bool readAll(void* data, std::size_t size) {
    auto* p = static_cast<char*>(data);
    while (size > 0) {
        const ssize_t n = ::read(STDIN_FILENO, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool writeAll(const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(STDOUT_FILENO, p, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

bool writeInt(std::int32_t value) {
    return writeAll(&value, sizeof value);
}

bool writeError(const std::string& message) {
    const auto length = static_cast<std::uint32_t>(message.size());
    return writeInt(-1) && writeAll(&length, sizeof length) &&
           writeAll(message.data(), message.size());
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        writeError("usage: footfall-spm-server MODEL");
        return 2;
    }
    char error[512] = {0};
    void* handle = ffspm_load(argv[1], error, sizeof error);
    if (!handle) {
        writeError(error);
        return 1;
    }
    if (!writeInt(0) || !writeInt(ffspm_piece_size(handle)) || !writeInt(ffspm_eos_id(handle)) ||
        !writeInt(ffspm_pad_id(handle))) {
        ffspm_free(handle);
        return 1;
    }
    std::vector<int> ids(256);
    std::string text;
    for (;;) {
        std::uint32_t length = 0;
        if (!readAll(&length, sizeof length))
            break; // the client closed its end: done
        if (length > kMaxRequestBytes) {
            writeError("a prompt of " + std::to_string(length) + " bytes is too long");
            break; // the stream is out of step now
        }
        text.resize(length);
        if (length > 0 && !readAll(text.data(), length))
            break;
        int n = ffspm_encode(handle, text.data(), text.size(), ids.data(),
                             static_cast<int>(ids.size()), error, sizeof error);
        if (n > static_cast<int>(ids.size())) {
            ids.resize(static_cast<std::size_t>(n));
            n = ffspm_encode(handle, text.data(), text.size(), ids.data(),
                             static_cast<int>(ids.size()), error, sizeof error);
        }
        const bool sent = n < 0 ? writeError(error)
                                : writeInt(n) && writeAll(ids.data(), sizeof(int) * std::size_t(n));
        if (!sent)
            break;
    }
    ffspm_free(handle);
    return 0;
}
