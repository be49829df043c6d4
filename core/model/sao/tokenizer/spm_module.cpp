// SentencePiece behind a small C API. Built as a MODULE and dlopen()ed with
// RTLD_LOCAL|RTLD_DEEPBIND by tokenizer.cpp: libsentencepiece carries its own protobuf,
// which crashes when it is resolved against libtorch's in the same symbol scope.
// Nothing from libtorch or the rest of Footfall may be linked in here.
#include "spm_api.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

namespace {

void writeError(char* error, int errorSize, const std::string& message) {
    if (!error || errorSize <= 0)
        return;
    const std::size_t n = std::min(message.size(), static_cast<std::size_t>(errorSize - 1));
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

sentencepiece::SentencePieceProcessor* processor(void* handle) {
    return static_cast<sentencepiece::SentencePieceProcessor*>(handle);
}

} // namespace

// No exception may cross the C boundary: every entry point catches everything.
extern "C" {

FFSPM_EXPORT int ffspm_abi_version(void) {
    return FFSPM_ABI_VERSION;
}

FFSPM_EXPORT void* ffspm_load(const char* path, char* error, int errorSize) {
    try {
        auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
        const auto status = sp->Load(path);
        if (!status.ok()) {
            writeError(error, errorSize, status.ToString());
            return nullptr;
        }
        return sp.release();
    } catch (const std::exception& e) {
        writeError(error, errorSize, e.what());
    } catch (...) {
        writeError(error, errorSize, "unknown SentencePiece error");
    }
    return nullptr;
}

FFSPM_EXPORT void ffspm_free(void* handle) {
    delete processor(handle);
}

FFSPM_EXPORT int ffspm_piece_size(void* handle) {
    return processor(handle)->GetPieceSize();
}
FFSPM_EXPORT int ffspm_eos_id(void* handle) {
    return processor(handle)->eos_id();
}
FFSPM_EXPORT int ffspm_pad_id(void* handle) {
    return processor(handle)->pad_id();
}
FFSPM_EXPORT int ffspm_unk_id(void* handle) {
    return processor(handle)->unk_id();
}

FFSPM_EXPORT int ffspm_encode(void* handle, const char* text, size_t length, int* ids, int capacity,
                              char* error, int errorSize) {
    try {
        std::vector<int> out;
        const auto status = processor(handle)->Encode(std::string(text, length), &out);
        if (!status.ok()) {
            writeError(error, errorSize, status.ToString());
            return -1;
        }
        const int n = static_cast<int>(out.size());
        for (int i = 0; i < n && i < capacity; ++i)
            ids[i] = out[static_cast<std::size_t>(i)];
        return n;
    } catch (const std::exception& e) {
        writeError(error, errorSize, e.what());
    } catch (...) {
        writeError(error, errorSize, "unknown SentencePiece error");
    }
    return -1;
}

} // extern "C"
