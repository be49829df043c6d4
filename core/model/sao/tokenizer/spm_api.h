// The C API of the SentencePiece module (footfall_spm.so). Shared by the module and the
// loader in tokenizer.cpp; plain C types only, so that no C++ ABI or exception crosses it.
#pragma once

#include <stddef.h>

#define FFSPM_ABI_VERSION 1
#define FFSPM_EXPORT __attribute__((visibility("default")))

extern "C" {
using ffspm_abi_version_fn = int (*)(void);
// Returns a handle or nullptr (message in error).
using ffspm_load_fn = void* (*)(const char* path, char* error, int errorSize);
using ffspm_free_fn = void (*)(void* handle);
using ffspm_int_fn = int (*)(void* handle); // piece_size, eos_id, pad_id, unk_id
// Writes up to capacity ids; returns how many the text has (call again when larger), -1 on error.
using ffspm_encode_fn = int (*)(void* handle, const char* text, size_t length, int* ids,
                                int capacity, char* error, int errorSize);
}
