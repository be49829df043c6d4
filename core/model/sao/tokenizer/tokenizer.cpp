#include "model/sao/tokenizer/tokenizer.h"

#include "base/errors.h"
#include "model/sao/tokenizer/spm_api.h"

#include <dlfcn.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>

namespace fs = std::filesystem;

namespace footfall::model {
namespace {

constexpr const char* kModuleName = "footfall_spm.so";
constexpr const char* kServerName = "footfall-spm-server";

struct SpmModule {
    std::string path;
    ffspm_load_fn load = nullptr;
    ffspm_free_fn free = nullptr;
    ffspm_int_fn pieceSize = nullptr;
    ffspm_int_fn eosId = nullptr;
    ffspm_int_fn padId = nullptr;
    ffspm_encode_fn encode = nullptr;
};

fs::path executableDir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

const char* multiarchTriplet() {
#if defined(__x86_64__)
    return "x86_64-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-linux-gnu";
#else
    return "";
#endif
}

// Build tree (tests in build/tests, the CLI in build/app/cli, the module in build/lib) and
// install tree (bin/ next to lib[/<triplet>]/footfall/).
std::vector<fs::path> candidatePaths(const char* name) {
    std::vector<fs::path> out;
    const fs::path dir = executableDir();
    if (!dir.empty()) {
        out.push_back(dir / name);
        out.push_back(dir / ".." / "lib" / name);
        out.push_back(dir / ".." / ".." / "lib" / name);
        out.push_back(dir / ".." / ".." / ".." / "lib" / name);
        out.push_back(dir / ".." / "lib" / "footfall" / name);
        if (*multiarchTriplet())
            out.push_back(dir / ".." / "lib" / multiarchTriplet() / "footfall" / name);
        out.push_back(dir / ".." / "lib64" / "footfall" / name);
    }
#ifdef FOOTFALL_SPM_BUILD_DIR
    out.push_back(fs::path(FOOTFALL_SPM_BUILD_DIR) / name);
#endif
#ifdef FOOTFALL_SPM_INSTALL_DIR
    out.push_back(fs::path(FOOTFALL_SPM_INSTALL_DIR) / name);
#endif
    return out;
}

// The module and the server sit side by side; envVar overrides the search.
std::string findHelper(const char* name, const char* envVar, const char* what) {
    if (const char* env = std::getenv(envVar); env && *env) {
        if (!fs::is_regular_file(env))
            throw GenerationError(std::string(envVar) + " points to " + env +
                                  ", which is not a file (expected " + name + ")");
        return env;
    }
    std::string searched;
    for (const auto& candidate : candidatePaths(name)) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return fs::weakly_canonical(candidate, ec).string();
        searched += (searched.empty() ? "" : ", ") + candidate.lexically_normal().string();
    }
    throw GenerationError(std::string("the SentencePiece ") + what + " " + name +
                          " (T5 tokenizer) was not found; searched: " + searched + ". Set " +
                          envVar + " to its path");
}

std::string findModule() {
    return findHelper(kModuleName, "FOOTFALL_SPM_MODULE", "module");
}

template <typename Fn> Fn symbol(void* lib, const char* name, const std::string& path) {
    void* sym = dlsym(lib, name);
    if (!sym)
        throw GenerationError("the SentencePiece module " + path + " lacks " + name +
                              " (built from another Footfall version?)");
    return reinterpret_cast<Fn>(sym);
}

const SpmModule& spmModule() {
    static std::mutex mutex;
    static std::unique_ptr<SpmModule> loaded; // never dlclose()d: unloading protobuf is unsafe
    std::lock_guard<std::mutex> lock(mutex);
    if (loaded)
        return *loaded;
    auto module = std::make_unique<SpmModule>();
    module->path = findModule();
    // RTLD_DEEPBIND: the module must resolve protobuf against its own copy inside
    // libsentencepiece, not libtorch's libprotobuf (process abort otherwise).
    void* lib = dlopen(module->path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!lib) {
        const char* why = dlerror();
        throw GenerationError("cannot load the SentencePiece module " + module->path + ": " +
                              (why ? why : "unknown error"));
    }
    const auto version = symbol<ffspm_abi_version_fn>(lib, "ffspm_abi_version", module->path);
    if (version() != FFSPM_ABI_VERSION)
        throw GenerationError("the SentencePiece module " + module->path +
                              " has another interface version than this Footfall");
    module->load = symbol<ffspm_load_fn>(lib, "ffspm_load", module->path);
    module->free = symbol<ffspm_free_fn>(lib, "ffspm_free", module->path);
    module->pieceSize = symbol<ffspm_int_fn>(lib, "ffspm_piece_size", module->path);
    module->eosId = symbol<ffspm_int_fn>(lib, "ffspm_eos_id", module->path);
    module->padId = symbol<ffspm_int_fn>(lib, "ffspm_pad_id", module->path);
    module->encode = symbol<ffspm_encode_fn>(lib, "ffspm_encode", module->path);
    loaded = std::move(module);
    return *loaded;
}

} // namespace

class SpmTokenizer::Backend {
public:
    virtual ~Backend() = default;
    virtual int pieceSize() const = 0;
    virtual int eosId() const = 0;
    virtual int padId() const = 0;
    virtual std::vector<int> encode(const std::string& text) const = 0;
};

namespace {

class ModuleBackend final : public SpmTokenizer::Backend {
public:
    explicit ModuleBackend(const std::string& modelPath) : m_spm(spmModule()) {
        char error[512] = {0};
        m_handle = m_spm.load(modelPath.c_str(), error, sizeof error);
        if (!m_handle)
            throw GenerationError("cannot read the T5 tokenizer model " + modelPath + ": " + error);
    }
    ~ModuleBackend() override { m_spm.free(m_handle); }

    int pieceSize() const override { return m_spm.pieceSize(m_handle); }
    int eosId() const override { return m_spm.eosId(m_handle); }
    int padId() const override { return m_spm.padId(m_handle); }

    std::vector<int> encode(const std::string& text) const override {
        std::vector<int> ids(std::max<std::size_t>(64, text.size() + 8));
        char error[512] = {0};
        for (;;) {
            const int n = m_spm.encode(m_handle, text.data(), text.size(), ids.data(),
                                       static_cast<int>(ids.size()), error, sizeof error);
            if (n < 0)
                throw GenerationError("the T5 tokenizer failed on a prompt: " + std::string(error));
            if (static_cast<std::size_t>(n) <= ids.size()) {
                ids.resize(static_cast<std::size_t>(n));
                return ids;
            }
            ids.resize(static_cast<std::size_t>(n));
        }
    }

private:
    const SpmModule& m_spm;
    void* m_handle = nullptr;
};

// footfall-spm-server over a socket pair (spm_server.cpp has the protocol). A socket rather
// than pipes so that a server that died gives an error (MSG_NOSIGNAL), not a SIGPIPE; every
// read has a deadline, so a stuck server is an error too, never a hang.
class ProcessBackend final : public SpmTokenizer::Backend {
public:
    explicit ProcessBackend(const std::string& modelPath) {
        const std::string server = SpmTokenizer::serverPath();
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            throw GenerationError("cannot start the tokenizer process: " +
                                  std::string(std::strerror(errno)));
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        std::string arg0 = server;
        std::string arg1 = modelPath;
        char* argv[] = {arg0.data(), arg1.data(), nullptr};
        const int spawned = ::posix_spawn(&m_pid, server.c_str(), &actions, nullptr, argv, environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (spawned != 0) {
            ::close(fds[0]);
            throw GenerationError("cannot start the tokenizer process " + server + ": " +
                                  std::strerror(spawned));
        }
        m_socket = fds[0];
        try {
            if (readInt("starting") != 0)
                throw GenerationError("cannot read the T5 tokenizer model " + modelPath + ": " +
                                      readMessage());
            m_pieceSize = readInt("starting");
            m_eosId = readInt("starting");
            m_padId = readInt("starting");
            if (m_pieceSize < 1 || m_pieceSize > kMaxPieces || m_eosId < -1 ||
                m_eosId >= m_pieceSize || m_padId < -1 || m_padId >= m_pieceSize)
                throw GenerationError("the tokenizer process " + server +
                                      " answered with an impossible vocabulary (" +
                                      std::to_string(m_pieceSize) + " pieces)");
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ProcessBackend() override { stop(); }

    int pieceSize() const override { return m_pieceSize; }
    int eosId() const override { return m_eosId; }
    int padId() const override { return m_padId; }

    std::vector<int> encode(const std::string& text) const override {
        if (text.size() > kMaxRequestBytes)
            throw GenerationError("a prompt of " + std::to_string(text.size()) +
                                  " bytes is too long for the T5 tokenizer");
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_socket < 0)
            throw GenerationError("the tokenizer process is no longer running");
        const auto length = static_cast<std::uint32_t>(text.size());
        sendAll(&length, sizeof length);
        sendAll(text.data(), text.size());
        const std::int32_t n = readInt("tokenizing");
        if (n < 0)
            throw GenerationError("the T5 tokenizer failed on a prompt: " + readMessage());
        // A piece covers at least one byte; NFKC may expand a character a few times over.
        if (static_cast<std::size_t>(n) > 8 * text.size() + 16)
            throw GenerationError("the tokenizer process answered " + std::to_string(n) +
                                  " pieces for a " + std::to_string(text.size()) + "-byte prompt");
        std::vector<int> ids(static_cast<std::size_t>(n));
        readAll(ids.data(), ids.size() * sizeof(int), "tokenizing");
        for (const int id : ids)
            if (id < 0 || id >= m_pieceSize)
                throw GenerationError("the tokenizer process answered piece id " +
                                      std::to_string(id) + " outside its vocabulary of " +
                                      std::to_string(m_pieceSize));
        return ids;
    }

private:
    static constexpr int kMaxPieces = 16 << 20;
    static constexpr std::size_t kMaxRequestBytes = 64u << 20;
    static constexpr std::uint32_t kMaxMessageBytes = 64u << 10;
    static constexpr int kReplyTimeoutMs = 60000;

    [[noreturn]] void died(const char* during) const {
        throw GenerationError(std::string("the tokenizer process ended while ") + during +
                              " (see its messages above)");
    }

    void sendAll(const void* data, std::size_t size) const {
        const auto* p = static_cast<const char*>(data);
        while (size > 0) {
            const ssize_t n = ::send(m_socket, p, size, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                died("tokenizing");
            p += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    void readAll(void* data, std::size_t size, const char* during) const {
        auto* p = static_cast<char*>(data);
        while (size > 0) {
            pollfd pfd{m_socket, POLLIN, 0};
            const int ready = ::poll(&pfd, 1, kReplyTimeoutMs);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready == 0)
                throw GenerationError(std::string("the tokenizer process did not answer within ") +
                                      std::to_string(kReplyTimeoutMs / 1000) + " s while " +
                                      during);
            const ssize_t n = ::recv(m_socket, p, size, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                died(during);
            p += n;
            size -= static_cast<std::size_t>(n);
        }
    }

    std::int32_t readInt(const char* during) const {
        std::int32_t value = 0;
        readAll(&value, sizeof value, during);
        return value;
    }

    std::string readMessage() const {
        std::uint32_t length = 0;
        readAll(&length, sizeof length, "reporting an error");
        if (length > kMaxMessageBytes)
            return "(an error message of " + std::to_string(length) + " bytes)";
        std::string message(length, '\0');
        readAll(message.data(), length, "reporting an error");
        return message;
    }

    // Closing our end ends the server's loop; one that does not exit soon is killed.
    void stop() {
        if (m_socket >= 0) {
            ::close(m_socket);
            m_socket = -1;
        }
        if (m_pid <= 0)
            return;
        int status = 0;
        for (int i = 0; i < 200; ++i) {
            const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
            if (done == m_pid || (done < 0 && errno != EINTR)) {
                m_pid = 0;
                return;
            }
            ::usleep(10000);
        }
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &status, 0);
        m_pid = 0;
    }

    pid_t m_pid = 0;
    int m_socket = -1;
    int m_pieceSize = 0;
    int m_eosId = -1;
    int m_padId = -1;
    mutable std::mutex m_mutex;
};

} // namespace

std::string SpmTokenizer::modulePath() {
    return findModule();
}

std::string SpmTokenizer::serverPath() {
    return findHelper(kServerName, "FOOTFALL_SPM_SERVER", "server");
}

TokenizerBackend SpmTokenizer::defaultBackend() {
    if (const char* env = std::getenv("FOOTFALL_TOKENIZER"); env && *env) {
        const std::string value = env;
        if (value == "module")
            return TokenizerBackend::Module;
        if (value == "process")
            return TokenizerBackend::Process;
        throw GenerationError("FOOTFALL_TOKENIZER is '" + value +
                              "'; expected 'module' or 'process'");
    }
#if defined(__SANITIZE_ADDRESS__)
    // ASan refuses RTLD_DEEPBIND, and without it SentencePiece's protobuf aborts.
    return TokenizerBackend::Process;
#else
    return TokenizerBackend::Module;
#endif
}

SpmTokenizer::SpmTokenizer(const std::string& modelPath)
    : SpmTokenizer(modelPath, defaultBackend()) {}

SpmTokenizer::SpmTokenizer(const std::string& modelPath, TokenizerBackend backend)
    : m_modelPath(modelPath), m_backendKind(backend) {
    std::error_code ec;
    if (!fs::is_regular_file(modelPath, ec))
        throw GenerationError("the T5 tokenizer model " + modelPath + " does not exist");
    if (backend == TokenizerBackend::Process)
        m_backend = std::make_unique<ProcessBackend>(modelPath);
    else
        m_backend = std::make_unique<ModuleBackend>(modelPath);
    m_eosId = m_backend->eosId();
    // T5's spiece.model defines pad 0 / eos 1; a model without a pad piece pads with 0 like HF.
    m_padId = std::max(0, m_backend->padId());
    if (m_eosId < 0)
        throw GenerationError("the T5 tokenizer model " + modelPath +
                              " defines no end-of-sequence piece </s>");
}

SpmTokenizer::~SpmTokenizer() = default;

int SpmTokenizer::vocabSize() const {
    return m_backend->pieceSize();
}

std::vector<int> SpmTokenizer::encode(const std::string& text) const {
    return m_backend->encode(text);
}

TokenBatch SpmTokenizer::tokenize(const std::vector<std::string>& texts, int maxLength) const {
    if (maxLength < 1)
        throw GenerationError("the T5 max_length must be at least 1, not " +
                              std::to_string(maxLength));
    TokenBatch batch;
    batch.batch = static_cast<std::int64_t>(texts.size());
    batch.length = maxLength;
    batch.ids.assign(texts.size() * static_cast<std::size_t>(maxLength), m_padId);
    batch.mask.assign(batch.ids.size(), 0);
    for (std::size_t row = 0; row < texts.size(); ++row) {
        std::vector<int> pieces = encode(texts[row]);
        // Truncation keeps room for </s>, as HF's tokenizer does.
        pieces.resize(std::min(pieces.size(), static_cast<std::size_t>(maxLength - 1)));
        pieces.push_back(m_eosId);
        const std::size_t base = row * static_cast<std::size_t>(maxLength);
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            batch.ids[base + i] = pieces[i];
            batch.mask[base + i] = 1;
        }
    }
    return batch;
}

} // namespace footfall::model
