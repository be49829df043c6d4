#include "model/runtime/weights.h"

#include "base/errors.h"
#include "model/formats/torch_checkpoint.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <set>

namespace footfall::model {

namespace {

size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

at::Tensor toTarget(const at::Tensor& t, const WeightTarget& target) {
    if (t.scalar_type() == target.dtype && t.device() == target.device)
        return t;
    return t.to(target.device, target.dtype);
}

std::string joinFirst(const std::vector<std::string>& items, size_t count) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < count; ++i)
        out += (i ? "; " : "") + items[i];
    if (items.size() > count)
        out += "; … and " + std::to_string(items.size() - count) + " more";
    return out;
}

} // namespace

std::string shapeToString(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

WeightSource::WeightSource(SafetensorsFile file) {
    addFile(std::move(file));
}

WeightSource WeightSource::open(const std::string& path) {
    return WeightSource(SafetensorsFile::open(path));
}

void WeightSource::addFile(SafetensorsFile file) {
    Source source;
    source.label = file.path();
    source.file = std::move(file);
    m_sources.push_back(std::move(source));
}

void WeightSource::addTensors(std::map<std::string, at::Tensor> tensors, const std::string& label) {
    Source source;
    source.label = label;
    source.tensors = std::move(tensors);
    m_sources.push_back(std::move(source));
}

const WeightSource::Source* WeightSource::find(const std::string& key) const {
    for (const auto& source : m_sources) {
        if (source.file ? source.file->contains(key) : source.tensors.count(key) != 0)
            return &source;
    }
    return nullptr;
}

bool WeightSource::contains(const std::string& key) const {
    return find(key) != nullptr;
}

std::vector<std::string> WeightSource::keys() const {
    std::set<std::string> all;
    for (const auto& source : m_sources) {
        if (source.file) {
            for (auto& k : source.file->keys())
                all.insert(std::move(k));
        } else {
            for (const auto& kv : source.tensors)
                all.insert(kv.first);
        }
    }
    return {all.begin(), all.end()};
}

std::string WeightSource::description() const {
    if (m_sources.empty())
        return "(no weights)";
    std::string out;
    for (size_t i = 0; i < m_sources.size(); ++i)
        out += (i ? " + " : "") + ("'" + m_sources[i].label + "'");
    return out;
}

std::string WeightSource::origin(const std::string& key) const {
    const Source* source = find(key);
    return source ? source->label : description();
}

std::vector<int64_t> WeightSource::shape(const std::string& key) const {
    const Source* source = find(key);
    if (!source)
        throw GenerationError("weights " + description() + ": missing key '" + key + "'");
    if (source->file)
        return source->file->info(key).shape;
    return source->tensors.at(key).sizes().vec();
}

at::Tensor WeightSource::raw(const std::string& key) const {
    const Source* source = find(key);
    if (!source) {
        std::string message = "weights " + description() + ": missing key '" + key + "'";
        const auto near = nearestKeys(key);
        if (!near.empty())
            message += " (nearest existing keys: " + joinFirst(near, near.size()) + ")";
        throw GenerationError(message);
    }
    if (source->file)
        return source->file->tensor(key);
    return source->tensors.at(key);
}

void WeightSource::releaseFilePages(const std::string& key) const {
    const Source* source = find(key);
    if (!source || !source->file)
        return;
    source->file->releasePages(key);
}

at::Tensor WeightSource::require(const std::string& key, const WeightTarget& target) const {
    return toTarget(raw(key), target);
}

at::Tensor WeightSource::require(const std::string& key, at::IntArrayRef expectedShape,
                                 const WeightTarget& target) const {
    at::Tensor t = raw(key);
    if (t.sizes() != expectedShape)
        throw GenerationError("weights '" + origin(key) + "': tensor '" + key + "' has shape " +
                              shapeToString(t.sizes()) + ", expected " +
                              shapeToString(expectedShape) +
                              " (does model_config.json match the checkpoint?)");
    return toTarget(t, target);
}

std::optional<at::Tensor> WeightSource::optional(const std::string& key,
                                                 at::IntArrayRef expectedShape,
                                                 const WeightTarget& target) const {
    if (!contains(key))
        return std::nullopt;
    return require(key, expectedShape, target);
}

std::vector<std::string> WeightSource::nearestKeys(const std::string& key, size_t count) const {
    std::vector<std::pair<size_t, std::string>> scored;
    for (auto& k : keys())
        scored.emplace_back(editDistance(key, k), std::move(k));
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (size_t i = 0; i < scored.size() && i < count; ++i)
        out.push_back(std::move(scored[i].second));
    return out;
}

void ParameterList::add(std::string name, at::Tensor* tensor, std::vector<int64_t> shape) {
    m_entries.push_back({std::move(name), tensor, std::move(shape)});
}

std::vector<std::pair<std::string, at::Tensor*>> ParameterList::named() const {
    std::vector<std::pair<std::string, at::Tensor*>> out;
    out.reserve(m_entries.size());
    for (const auto& e : m_entries)
        out.emplace_back(e.name, e.tensor);
    return out;
}

std::map<std::string, std::vector<int64_t>> ParameterList::shapes() const {
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& e : m_entries)
        out[e.name] = e.shape;
    return out;
}

const NamedParameter* ParameterList::find(const std::string& name) const {
    for (const auto& e : m_entries)
        if (e.name == name)
            return &e;
    return nullptr;
}

int64_t declaredElementCount(const ParameterList& params) {
    int64_t total = 0;
    for (const auto& e : params.entries()) {
        int64_t n = 1;
        for (int64_t d : e.shape)
            n *= d;
        total += n;
    }
    return total;
}

void loadParameters(const ParameterList& params, const WeightSource& source,
                    const LoadOptions& options) {
    std::vector<std::string> missing, misshaped, unexpected;
    std::set<std::string> declared;
    for (const auto& e : params.entries()) {
        declared.insert(e.name);
        if (!source.contains(e.name)) {
            std::string item = "'" + e.name + "'";
            if (missing.empty()) {
                const auto near = source.nearestKeys(e.name, 2);
                if (!near.empty())
                    item += " (nearest: " + joinFirst(near, near.size()) + ")";
            }
            missing.push_back(item);
            continue;
        }
        const auto actual = source.shape(e.name);
        if (actual != e.shape) {
            misshaped.push_back("'" + e.name + "' is " + shapeToString(actual) + ", expected " +
                                shapeToString(e.shape));
            continue;
        }
    }
    if (!options.strictPrefixes.empty()) {
        for (const auto& key : source.keys()) {
            if (declared.count(key))
                continue;
            for (const auto& prefix : options.strictPrefixes) {
                if (key.compare(0, prefix.size(), prefix) == 0) {
                    unexpected.push_back("'" + key + "'");
                    break;
                }
            }
        }
    }
    if (missing.empty() && misshaped.empty() && unexpected.empty()) {
        // Only now: a mismatching checkpoint leaves the module untouched.
        for (const auto& e : params.entries())
            if (e.tensor) {
                *e.tensor = source.require(e.name, e.shape, options.target);
                source.releaseFilePages(e.name);
            }
        return;
    }
    std::string message = "weights " + source.description() + " do not match the model:";
    if (!missing.empty())
        message += " missing " + std::to_string(missing.size()) +
                   " key(s): " + joinFirst(missing, 5) + ".";
    if (!misshaped.empty())
        message += " wrong shape: " + joinFirst(misshaped, 5) + ".";
    if (!unexpected.empty())
        message += " unexpected " + std::to_string(unexpected.size()) +
                   " key(s): " + joinFirst(unexpected, 5) + ".";
    message += " Does model_config.json belong to this checkpoint?";
    throw GenerationError(message);
}

std::unique_ptr<WeightSource> openModelWeights(const std::string& path) {
    auto source = std::make_unique<WeightSource>();
    if (isTorchCheckpointFile(path)) {
        const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
        std::map<std::string, at::Tensor> tensors;
        for (const auto& [k, v] : checkpointStateDict(ckpt, path).entries)
            if (k->kind == PickleValue::Kind::String && v->kind == PickleValue::Kind::Tensor)
                tensors[k->text] = ckpt.materialize(v->tensor);
        if (tensors.empty())
            throw GenerationError("checkpoint " + path + " holds no tensors");
        source->addTensors(std::move(tensors), path);
    } else {
        source->addFile(SafetensorsFile::open(path));
    }
    return source;
}

} // namespace footfall::model
