#include "model/sao/tokenizer/tokenizer.h"

#include "base/errors.h"
#include "model/sao/tokenizer/spm_api.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <system_error>

namespace fs = std::filesystem;

namespace footfall::model {
namespace {

constexpr const char* kModuleName = "footfall_spm.so";

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
std::vector<fs::path> candidatePaths() {
    std::vector<fs::path> out;
    const fs::path dir = executableDir();
    if (!dir.empty()) {
        out.push_back(dir / kModuleName);
        out.push_back(dir / ".." / "lib" / kModuleName);
        out.push_back(dir / ".." / ".." / "lib" / kModuleName);
        out.push_back(dir / ".." / ".." / ".." / "lib" / kModuleName);
        out.push_back(dir / ".." / "lib" / "footfall" / kModuleName);
        if (*multiarchTriplet())
            out.push_back(dir / ".." / "lib" / multiarchTriplet() / "footfall" / kModuleName);
        out.push_back(dir / ".." / "lib64" / "footfall" / kModuleName);
    }
#ifdef FOOTFALL_SPM_BUILD_DIR
    out.push_back(fs::path(FOOTFALL_SPM_BUILD_DIR) / kModuleName);
#endif
#ifdef FOOTFALL_SPM_INSTALL_DIR
    out.push_back(fs::path(FOOTFALL_SPM_INSTALL_DIR) / kModuleName);
#endif
    return out;
}

std::string findModule() {
    if (const char* env = std::getenv("FOOTFALL_SPM_MODULE"); env && *env) {
        if (!fs::is_regular_file(env))
            throw GenerationError(std::string("FOOTFALL_SPM_MODULE points to ") + env +
                                  ", which is not a file (expected " + kModuleName + ")");
        return env;
    }
    std::string searched;
    for (const auto& candidate : candidatePaths()) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec))
            return fs::weakly_canonical(candidate, ec).string();
        searched += (searched.empty() ? "" : ", ") + candidate.lexically_normal().string();
    }
    throw GenerationError(std::string("the SentencePiece module ") + kModuleName +
                          " (T5 tokenizer) was not found; searched: " + searched +
                          ". Set FOOTFALL_SPM_MODULE to its path");
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
#if defined(__SANITIZE_ADDRESS__)
    // ASan cannot dlopen with RTLD_DEEPBIND, and without it SentencePiece's protobuf aborts.
    throw GenerationError("the T5 tokenizer is not available in sanitizer builds "
                          "(RTLD_DEEPBIND is unsupported under AddressSanitizer)");
#endif
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

std::string SpmTokenizer::modulePath() {
    return findModule();
}

SpmTokenizer::SpmTokenizer(const std::string& modelPath) : m_modelPath(modelPath) {
    std::error_code ec;
    if (!fs::is_regular_file(modelPath, ec))
        throw GenerationError("the T5 tokenizer model " + modelPath + " does not exist");
    const SpmModule& spm = spmModule();
    char error[512] = {0};
    m_handle = spm.load(modelPath.c_str(), error, sizeof error);
    if (!m_handle)
        throw GenerationError("cannot read the T5 tokenizer model " + modelPath + ": " + error);
    m_eosId = spm.eosId(m_handle);
    // T5's spiece.model defines pad 0 / eos 1; a model without a pad piece pads with 0 like HF.
    m_padId = std::max(0, spm.padId(m_handle));
    if (m_eosId < 0) {
        spm.free(m_handle);
        m_handle = nullptr;
        throw GenerationError("the T5 tokenizer model " + modelPath +
                              " defines no end-of-sequence piece </s>");
    }
}

SpmTokenizer::~SpmTokenizer() {
    if (m_handle)
        spmModule().free(m_handle);
}

int SpmTokenizer::vocabSize() const {
    return spmModule().pieceSize(m_handle);
}

std::vector<int> SpmTokenizer::encode(const std::string& text) const {
    const SpmModule& spm = spmModule();
    std::vector<int> ids(std::max<std::size_t>(64, text.size() + 8));
    char error[512] = {0};
    for (;;) {
        const int n = spm.encode(m_handle, text.data(), text.size(), ids.data(),
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
