#include "model/formats/mapped_file.h"

#include "base/errors.h"

#include <atomic>
#include <cerrno>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace footfall::model {

#ifndef _WIN32
namespace {

// Where a SIGBUS in a guarded copy on this thread jumps to (null: not in one). Volatile: the
// compiler sees no reader of it around a memcpy and would drop the stores otherwise.
thread_local sigjmp_buf* volatile t_busJump = nullptr;
struct sigaction g_previousBusAction {};

void onBusError(int signal, siginfo_t* info, void* context) {
    if (sigjmp_buf* jump = t_busJump)
        siglongjmp(*jump, 1);
    // Not a guarded copy: whatever handled SIGBUS before, or the default (a crash).
    if ((g_previousBusAction.sa_flags & SA_SIGINFO) && g_previousBusAction.sa_sigaction) {
        g_previousBusAction.sa_sigaction(signal, info, context);
        return;
    }
    if (g_previousBusAction.sa_handler != SIG_DFL && g_previousBusAction.sa_handler != SIG_IGN) {
        g_previousBusAction.sa_handler(signal);
        return;
    }
    ::signal(SIGBUS, SIG_DFL);
    ::raise(SIGBUS);
}

void installBusHandler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction action {};
        action.sa_sigaction = onBusError;
        action.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGBUS, &action, &g_previousBusAction);
    });
}

} // namespace

bool copyUnlessBusError(void* destination, const void* source, uint64_t count) {
    installBusHandler();
    sigjmp_buf jump;
    // Nothing with a destructor lives between here and the jump: only the memcpy can fault.
    if (sigsetjmp(jump, 1) != 0) {
        t_busJump = nullptr;
        return false;
    }
    t_busJump = &jump;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    std::memcpy(destination, source, static_cast<size_t>(count));
    std::atomic_signal_fence(std::memory_order_seq_cst);
    t_busJump = nullptr;
    return true;
}
#else
bool copyUnlessBusError(void* destination, const void* source, uint64_t count) {
    std::memcpy(destination, source, static_cast<size_t>(count));
    return true;
}
#endif

std::shared_ptr<const MappedFile> MappedFile::open(const std::string& path,
                                                   const std::string& what) {
    std::shared_ptr<MappedFile> file(new MappedFile());
    file->m_path = path;
    file->m_what = what;
    const auto fail = [&](const std::string& why) {
        throw GenerationError(what + " '" + path + "': " + why);
    };
#ifdef _WIN32
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail("cannot open the file");
    file->m_buffer.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    file->m_data = file->m_buffer.data();
    file->m_size = file->m_buffer.size();
#else
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(std::string("cannot open the file (") + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        fail("not a regular file");
    }
    file->m_size = static_cast<uint64_t>(st.st_size);
    if (file->m_size > 0) {
        void* base =
            ::mmap(nullptr, static_cast<size_t>(file->m_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (base == MAP_FAILED) {
            const int err = errno;
            ::close(fd);
            fail(std::string("cannot memory-map the file (") + std::strerror(err) + ")");
        }
        file->m_data = static_cast<const uint8_t*>(base);
    }
    ::close(fd); // the mapping keeps the file alive
#endif
    return file;
}

MappedFile::~MappedFile() {
#ifndef _WIN32
    if (m_data)
        ::munmap(const_cast<uint8_t*>(m_data), static_cast<size_t>(m_size));
#endif
}

void MappedFile::checkRange(uint64_t offset, uint64_t count) const {
    if (offset > m_size || count > m_size - offset)
        throw GenerationError(m_what + " '" + m_path + "': bytes " + std::to_string(offset) + ".." +
                              std::to_string(offset + count) + " lie past its " +
                              std::to_string(m_size) + " bytes");
}

void MappedFile::read(uint64_t offset, void* out, uint64_t count) const {
    checkRange(offset, count);
    if (count == 0)
        return;
    if (!copyUnlessBusError(out, m_data + offset, count))
        throw GenerationError(m_what + " '" + m_path +
                              "' was cut short or replaced in place while it was being read "
                              "(another program wrote to it?): load it again once it is whole");
}

std::vector<uint8_t> MappedFile::bytes(uint64_t offset, uint64_t count) const {
    checkRange(offset, count); // before allocating what the caller claims
    std::vector<uint8_t> out(static_cast<size_t>(count));
    read(offset, out.data(), count);
    return out;
}

void MappedFile::releasePages(uint64_t offset, uint64_t count) const {
#ifndef _WIN32
    if (!m_data || offset > m_size || count > m_size - offset)
        return;
    const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const uintptr_t begin = reinterpret_cast<uintptr_t>(m_data + offset);
    const uintptr_t end = begin + count;
    // Whole pages inside the range only: a neighbour's pages may still be wanted.
    const uintptr_t first = (begin + page - 1) / page * page;
    const uintptr_t last = end / page * page;
    if (last > first) // a read-only file mapping: the pages are read again if ever touched
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
#else
    (void)offset;
    (void)count;
#endif
}

} // namespace footfall::model
