// The fuzz input as a file for the readers that take a path: one memfd per process, rewritten
// for every input and opened by its /proc/self/fd path (no file system traffic, nothing left
// behind). The readers open, fstat and mmap it like any regular file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/mman.h>
#include <unistd.h>

namespace footfall::fuzz {

// Writes `data` as the whole content of the process's input file and returns its path.
inline const std::string& inputFile(const uint8_t* data, size_t size) {
    static const int fd = [] {
        const int f = ::memfd_create("footfall-fuzz-input", MFD_CLOEXEC);
        if (f < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        return f;
    }();
    static const std::string path = "/proc/self/fd/" + std::to_string(fd);
    if (::ftruncate(fd, 0) != 0) {
        std::perror("ftruncate");
        std::abort();
    }
    size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pwrite(fd, data + done, size - done, off_t(done));
        if (n <= 0) {
            std::perror("pwrite");
            std::abort();
        }
        done += size_t(n);
    }
    return path;
}

// A property of the code under test that does not hold: report it as a crash (with the input).
#define FOOTFALL_FUZZ_CHECK(condition)                                                             \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);     \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)

} // namespace footfall::fuzz
