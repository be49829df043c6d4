// Loading module weights by the ORIGINAL state-dict key names, strictly (the original loads
// with load_state_dict(strict=True); a silent partial load would generate noise without an error).
//
// Modules are plain structs of at::Tensor. Each exposes
//     void collectParameters(ParameterList& out, const std::string& prefix);
// which registers every tensor under its full original key with the shape the config implies.
// That one declaration serves loading (loadParameters), LoRA merging (named(), replace the
// tensor through the pointer) and the manifest test (names and shapes without any allocation).
#pragma once

#include "model/formats/safetensors.h"

#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

// Where a tensor should end up after loading, and what the module computes in.
//
// `dtype` is the STORAGE dtype of the weights. `compute` is the dtype of the activations (inputs
// are converted to it, outputs come in it); unset, it is the storage dtype (float32 weights and
// float32 compute, or half weights and half compute on CUDA). `matmul`, when set and different
// from the compute dtype, is what linear layers and convolutions run in (mixed_precision.h):
// {kBFloat16, kCPU, kFloat, kBFloat16} is the CPU's bf16 path (bf16 matrix units, float32
// everywhere else). Without `matmul`, half weights on the CPU are a storage option only:
// {kBFloat16 or kHalf, kCPU, kFloat} keeps half the bytes and computes in float32 (each weight
// upcast right before its op, see computeView).
struct WeightTarget {
    WeightTarget() = default;
    WeightTarget(at::ScalarType dtype_, at::Device device_,
                 std::optional<at::ScalarType> compute_ = std::nullopt,
                 std::optional<at::ScalarType> matmul_ = std::nullopt)
        : dtype(dtype_), device(device_), compute(compute_), matmul(matmul_) {}

    at::ScalarType dtype = at::kFloat;
    at::Device device = at::kCPU;
    std::optional<at::ScalarType> compute;
    std::optional<at::ScalarType> matmul;

    at::ScalarType computeDtype() const { return compute.value_or(dtype); }
};

// A weight as an op on `like` (the activation) needs it: `w` itself when dtype and device
// already match (the normal path: no copy, bit-identical results), else a converted temporary
// (weights stored in bf16/fp16, computed in float32). Undefined stays undefined (no bias).
inline at::Tensor computeView(const at::Tensor& w, const at::Tensor& like) {
    if (!w.defined() || (w.scalar_type() == like.scalar_type() && w.device() == like.device()))
        return w;
    return w.to(like.device(), like.scalar_type());
}

// One or more safetensors files and/or in-memory tensor maps, looked up by key. A key present
// in several sources is taken from the first source that has it.
class WeightSource {
public:
    // Once `key` is loaded (every tensor read from a file is a copy): the file's pages of that
    // tensor leave the process (SafetensorsFile::releasePages).
    void releaseFilePages(const std::string& key) const;
    WeightSource() = default;
    explicit WeightSource(SafetensorsFile file);
    static WeightSource open(const std::string& path); // one safetensors file

    void addFile(SafetensorsFile file);
    // `label` names the tensors' origin in error messages (e.g. the .ckpt path).
    void addTensors(std::map<std::string, at::Tensor> tensors,
                    const std::string& label = "in-memory tensors");

    bool contains(const std::string& key) const;
    std::vector<std::string> keys() const; // sorted, de-duplicated
    std::vector<int64_t> shape(const std::string& key) const;
    std::string origin(const std::string& key) const; // file path / label holding the key
    std::string description() const;                  // all sources, for messages

    // The tensor as stored (a file's: a copy; an in-memory source's: shared, never modify it in
    // place).
    at::Tensor raw(const std::string& key) const;
    // Checks the shape exactly and converts to target (float32 CPU by default). The result may
    // be shared with an in-memory source: to change a weight, assign a new tensor instead of
    // writing in place. Throws GenerationError naming the file, the key and expected vs actual
    // shape, "missing" with the nearest existing keys, or a file cut short since it was opened.
    at::Tensor require(const std::string& key, at::IntArrayRef expectedShape,
                       const WeightTarget& target = {}) const;
    // Same without a shape check.
    at::Tensor require(const std::string& key, const WeightTarget& target = {}) const;
    std::optional<at::Tensor> optional(const std::string& key, at::IntArrayRef expectedShape,
                                       const WeightTarget& target = {}) const;

    // Up to `count` existing keys closest to `key` (edit distance), for error messages.
    std::vector<std::string> nearestKeys(const std::string& key, size_t count = 3) const;

private:
    struct Source {
        std::optional<SafetensorsFile> file;
        std::map<std::string, at::Tensor> tensors;
        std::string label;
    };
    const Source* find(const std::string& key) const;
    std::vector<Source> m_sources;
};

// A model's weights file as a WeightSource: safetensors (mapped) or a torch .ckpt read with
// the restricted unpickler (its top-level "state_dict" or a flat dict of tensors, copied).
std::unique_ptr<WeightSource> openModelWeights(const std::string& path);

// A module tree's tensors under their full original key names, with declared shapes.
struct NamedParameter {
    std::string name;
    at::Tensor* tensor = nullptr; // points into the module struct: keep the module in place
    std::vector<int64_t> shape;   // what the config implies (the loader checks it)
};

class ParameterList {
public:
    void add(std::string name, at::Tensor* tensor, std::vector<int64_t> shape);
    const std::vector<NamedParameter>& entries() const { return m_entries; }
    size_t size() const { return m_entries.size(); }
    std::vector<std::pair<std::string, at::Tensor*>> named() const;
    std::map<std::string, std::vector<int64_t>> shapes() const;
    const NamedParameter* find(const std::string& name) const;

private:
    std::vector<NamedParameter> m_entries;
};

struct LoadOptions {
    WeightTarget target;
    // Source keys starting with one of these prefixes must all be consumed by the list
    // (strict loading of that part of the checkpoint); empty: no unexpected-key check.
    std::vector<std::string> strictPrefixes;
};

// Fills every entry of `params` from `source` (exact shapes). Collects ALL problems (missing,
// mis-shaped, unexpected keys) and throws one GenerationError listing them (first few of each);
// then no tensor of `params` has been changed.
void loadParameters(const ParameterList& params, const WeightSource& source,
                    const LoadOptions& options = {});

// Number of elements over all declared shapes (no tensors needed).
int64_t declaredElementCount(const ParameterList& params);

std::string shapeToString(at::IntArrayRef shape);

} // namespace footfall::model
