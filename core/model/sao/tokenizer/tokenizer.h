// T5's SentencePiece tokenizer (spiece.model), as the T5 conditioner of the original uses it
// through HF's tokenizer: pieces, then </s>, then padding to max_length. Torch-free.
//
// SentencePiece itself lives in the footfall_spm module (see spm_module.cpp for why); this
// class finds it, dlopen()s it once per process and calls its C API. Where the module cannot
// be loaded that way (sanitizer builds: ASan refuses RTLD_DEEPBIND) it runs SentencePiece in
// a footfall-spm-server process instead (spm_server.cpp); both give the same ids.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace footfall::model {

// Row-major [batch, length] ids and attention mask (1 = real token incl. </s>, 0 = padding).
struct TokenBatch {
    std::int64_t batch = 0;
    std::int64_t length = 0;
    std::vector<std::int64_t> ids;
    std::vector<std::int64_t> mask;
};

// Where SentencePiece runs: the dlopen()ed module (default) or a server process (default in
// sanitizer builds). FOOTFALL_TOKENIZER=module|process overrides the default.
enum class TokenizerBackend { Module, Process };

class SpmTokenizer {
public:
    // Throws GenerationError naming the file when the model, the module or the server cannot
    // be loaded or started.
    explicit SpmTokenizer(const std::string& modelPath);
    SpmTokenizer(const std::string& modelPath, TokenizerBackend backend);
    ~SpmTokenizer();
    SpmTokenizer(const SpmTokenizer&) = delete;
    SpmTokenizer& operator=(const SpmTokenizer&) = delete;

    // The pieces of one text, no </s>.
    std::vector<int> encode(const std::string& text) const;
    // HF semantics (truncation=True, padding="max_length"): at most maxLength-1 pieces, then
    // </s>, then pad ids up to maxLength.
    TokenBatch tokenize(const std::vector<std::string>& texts, int maxLength) const;

    int vocabSize() const;
    int eosId() const { return m_eosId; }
    int padId() const { return m_padId; }
    const std::string& modelPath() const { return m_modelPath; }

    // Where the module was found (loads nothing else); throws GenerationError listing the
    // places searched when it is nowhere.
    static std::string modulePath();
    // The same for the server executable footfall-spm-server (FOOTFALL_SPM_SERVER overrides).
    static std::string serverPath();
    // The build's default, or FOOTFALL_TOKENIZER's; throws GenerationError on another value.
    static TokenizerBackend defaultBackend();
    TokenizerBackend backend() const { return m_backendKind; }

    class Backend;

private:
    std::string m_modelPath;
    TokenizerBackend m_backendKind;
    std::unique_ptr<Backend> m_backend;
    int m_eosId = 1;
    int m_padId = 0;
};

} // namespace footfall::model
