#include "model/lora/lora_apply.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <cmath>
#include <set>
#include <sstream>

namespace footfall::model {

namespace {

std::string shapeText(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string baseName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep))
        out.push_back(part);
    return out;
}

// Whether `t` can stand in for `like`: same shape, dtype and device.
bool sameLayout(const at::Tensor& t, const at::Tensor& like) {
    return t.defined() && t.sizes() == like.sizes() && t.scalar_type() == like.scalar_type() &&
           t.device() == like.device();
}

bool endsWithSegment(const std::string& key, const std::string& suffix) {
    if (key == suffix)
        return true;
    return key.size() > suffix.size() &&
           key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0 &&
           key[key.size() - suffix.size() - 1] == '.';
}

// The training settings used for one LoRA (explicit, embedded or defaults).
LoraTrainingConfig effectiveConfig(const LoraSpec& spec) {
    if (spec.config.present)
        return spec.config;
    if (spec.file->embeddedConfig.is_object() && spec.file->embeddedConfig.contains("lora"))
        return LoraTrainingConfig::fromJson(spec.file->embeddedConfig,
                                            spec.file->path + " (embedded model_config)");
    return {};
}

} // namespace

const char* loraMergeModeName(LoraMergeMode mode) {
    return mode == LoraMergeMode::TrainingFaithful ? "training-faithful"
                                                   : "loraw-gradio-compatible";
}

LoraMergeMode loraMergeModeFromName(const std::string& name) {
    if (name == "training-faithful" || name == "training")
        return LoraMergeMode::TrainingFaithful;
    if (name == "loraw-gradio-compatible" || name == "loraw-gradio" || name == "gradio")
        return LoraMergeMode::LorawGradioCompatible;
    throw GenerationError("unknown LoRA merge mode '" + name +
                          "' (use training-faithful or loraw-gradio-compatible)");
}

std::string loraBaseWeightKey(const std::string& moduleId) {
    std::string key = moduleId;
    std::replace(key.begin(), key.end(), '/', '.');
    return key + ".weight";
}

// ---------------------------------------------------------------- LoraMerger

LoraMerger::LoraMerger(std::vector<std::pair<std::string, at::Tensor*>> parameters,
                       LoraMergeOptions options)
    : m_options(options) {
    for (auto& [name, tensor] : parameters)
        if (tensor)
            m_params[name] = Param{tensor};
}

const at::Tensor& LoraMerger::current(const std::string& key) const {
    return *m_params.at(key).tensor;
}

std::vector<LoraTarget> LoraMerger::resolve(const LoraFile& file) const {
    const std::string label = "LoRA '" + file.path + "'";
    std::vector<LoraTarget> targets;
    std::set<std::string> used;
    for (const LoraModule& m : file.modules) {
        const std::string exact = loraBaseWeightKey(m.id);
        std::string weightKey;
        if (m_params.count(exact)) {
            weightKey = exact;
        } else {
            // Ids rooted differently (EMA copy, DiT-relative names): match by suffix, keeping at
            // least the segments from "transformer" on (or two segments without one).
            const std::vector<std::string> segs = split(m.id, '/');
            size_t maxStart = segs.size() >= 2 ? segs.size() - 2 : 0;
            for (size_t i = 0; i < segs.size(); ++i)
                if (segs[i] == "transformer") {
                    maxStart = i;
                    break;
                }
            for (size_t start = 1; start <= maxStart && weightKey.empty(); ++start) {
                std::string suffix;
                for (size_t i = start; i < segs.size(); ++i)
                    suffix += segs[i] + ".";
                suffix += "weight";
                std::vector<std::string> hits;
                for (const auto& [name, p] : m_params)
                    if (endsWithSegment(name, suffix))
                        hits.push_back(name);
                if (hits.size() > 1)
                    throw GenerationError(label + ": module '" + m.id + "' matches several " +
                                          "model weights ('" + hits[0] + "', '" + hits[1] +
                                          "'); cannot tell which one it is for");
                if (hits.size() == 1)
                    weightKey = hits[0];
            }
        }
        if (weightKey.empty())
            throw GenerationError(label + ": module '" + m.id + "' has no base weight '" + exact +
                                  "' in the model (a LoRA for another model or another "
                                  "component?)");
        if (!used.insert(weightKey).second)
            throw GenerationError(label + ": two modules map to the same weight '" + weightKey +
                                  "'");
        const at::Tensor& w = current(weightKey);
        std::vector<int64_t> expected = {m.outFeatures(), m.inFeatures()};
        if (m.isConv())
            expected.push_back(m.down.size(2));
        if (w.sizes().vec() != expected)
            throw GenerationError(
                label + ": module '" + m.id + "' changes a weight of shape " + shapeText(expected) +
                " (lora_up " + shapeText(m.up.sizes()) + " x lora_down " +
                shapeText(m.down.sizes()) + ") but the model's '" + weightKey + "' is " +
                shapeText(w.sizes()) + ": the LoRA was trained for another model");
        if (!at::isFloatingType(w.scalar_type()))
            throw GenerationError(label + ": the model's '" + weightKey +
                                  "' is not a floating-point weight");
        LoraTarget t{m.id, weightKey, ""};
        if (weightKey.size() > 6 && weightKey.compare(weightKey.size() - 6, 6, "weight") == 0) {
            const std::string bias = weightKey.substr(0, weightKey.size() - 6) + "bias";
            if (m_params.count(bias))
                t.biasKey = bias;
        }
        targets.push_back(std::move(t));
    }
    return targets;
}

at::Tensor LoraMerger::baseOf(const std::string& key) const {
    auto it = m_pristine.find(key);
    if (it == m_pristine.end())
        return current(key);
    const Pristine& p = it->second;
    if (p.original.defined())
        return p.original.device() == p.device ? p.original : p.original.to(p.device);
    const at::Tensor& like = current(key);
    at::Tensor t = m_options.reloadBase(key, like);
    if (!sameLayout(t, like))
        throw GenerationError("LoRA: the base weight '" + key + "' read again is " +
                              (t.defined() ? shapeText(t.sizes()) : std::string("missing")) +
                              ", not the " + shapeText(like.sizes()) + " the model holds");
    return t;
}

void LoraMerger::unmerge() {
    // One at a time: a weight leaves the list only once it is back (reloadBase may throw).
    for (auto it = m_pristine.begin(); it != m_pristine.end();) {
        *m_params.at(it->first).tensor = baseOf(it->first);
        it = m_pristine.erase(it);
    }
    m_metadata = nlohmann::json::array();
}

void LoraMerger::apply(const std::vector<LoraSpec>& loras) {
    struct Planned {
        const LoraSpec* spec;
        LoraTrainingConfig config;
        std::vector<LoraTarget> targets;
    };
    // 1. Validate everything before touching the model.
    std::vector<Planned> plan;
    nlohmann::json metadata = nlohmann::json::array();
    for (const LoraSpec& spec : loras) {
        if (!spec.file)
            throw GenerationError("LoRA: no file given");
        const std::string label = "LoRA '" + spec.file->path + "'";
        if (!std::isfinite(spec.strength) || spec.strength < 0.0 || spec.strength > 2.0)
            throw GenerationError(label + ": strength " + std::to_string(spec.strength) +
                                  " is outside 0…2");
        Planned p{&spec, effectiveConfig(spec), resolve(*spec.file)};
        if (!p.config.componentWhitelist.empty())
            for (const LoraModule& m : spec.file->modules) {
                bool inside = false;
                for (const std::string& seg : split(m.id, '/'))
                    for (const std::string& allowed : p.config.componentWhitelist)
                        inside = inside || seg == allowed;
                if (!inside)
                    throw GenerationError(label + ": module '" + m.id +
                                          "' lies outside the component_whitelist of its "
                                          "config; is it the config this LoRA was trained with?");
            }
        const bool gradio = spec.mode == LoraMergeMode::LorawGradioCompatible;
        nlohmann::json j;
        j["file"] = baseName(spec.file->path);
        j["path"] = spec.file->path;
        j["format"] = spec.file->format;
        j["size"] = spec.file->fileSize;
        j["sha256"] = spec.file->sha256;
        j["strength"] = spec.strength;
        j["mode"] = loraMergeModeName(spec.mode);
        j["modules"] = spec.file->modules.size();
        j["applied"] = spec.strength > 0.0;
        if (gradio) {
            j["mode_description"] =
                "LoRAW gradio LoRAMerger: W + strength^2 * up@down (alpha/rank not applied)";
            j["effective_scale"] = spec.strength * spec.strength;
        } else {
            j["config"] = p.config.toJson();
            j["mode_description"] =
                "LoRAW training forward: W + strength * multiplier * alpha/rank * up@down";
        }
        if (spec.file->hasDora())
            j["dora"] = gradio || spec.doraIgnoreMagnitude
                            ? "magnitude ignored (LoRAW gradio behaviour)"
                            : "training-faithful (m / ||W + alpha/rank up@down|| row scaling)";
        if (p.config.present && p.config.weightDecompose != spec.file->hasDora())
            j["note"] = std::string("the config says weight_decompose ") +
                        (p.config.weightDecompose ? "true" : "false") + " but the file " +
                        (spec.file->hasDora() ? "has" : "has no") +
                        " DoRA magnitudes; the file decides";
        metadata.push_back(std::move(j));
        plan.push_back(std::move(p));
    }

    // 2. The modules that change each weight, in merge order (the LoRAs' order: a weight's
    // deltas add up, and DoRA scales what is merged so far). Metadata first, for every LoRA.
    struct Use {
        const Planned* plan;
        size_t module;
    };
    std::vector<std::string> order;
    std::map<std::string, std::vector<Use>> uses;
    for (size_t pi = 0; pi < plan.size(); ++pi) {
        const Planned& p = plan[pi];
        const LoraSpec& spec = *p.spec;
        if (spec.strength == 0.0)
            continue;
        std::set<double> scales;
        for (size_t i = 0; i < spec.file->modules.size(); ++i) {
            std::vector<Use>& u = uses[p.targets[i].weightKey];
            if (u.empty())
                order.push_back(p.targets[i].weightKey);
            u.push_back({&p, i});
            scales.insert(p.config.scale(spec.file->modules[i].rank()));
        }
        if (spec.mode != LoraMergeMode::LorawGradioCompatible) {
            nlohmann::json& meta = metadata[pi];
            meta["scale"] = scales.size() == 1
                                ? nlohmann::json(*scales.begin())
                                : nlohmann::json(std::vector<double>(scales.begin(), scales.end()));
            meta["effective_scale"] =
                scales.size() == 1
                    ? nlohmann::json(*scales.begin() * p.config.multiplier * spec.strength)
                    : nlohmann::json(nullptr);
        }
    }

    // 3. Back to the base weights. Keeping copies, all of them now, and merged tensors of the
    // previous apply that nobody else holds are recycled as outputs (no fresh memory per
    // switch). Reading them again (reloadBase), only the weights the new LoRAs leave alone:
    // the others are read one by one below and merged into their current tensors in place.
    const bool reload = static_cast<bool>(m_options.reloadBase);
    auto recyclable = [](const at::Tensor& t) {
        return t.defined() && t.use_count() == 1 && t.storage().use_count() == 1 &&
               t.is_contiguous() && t.storage_offset() == 0;
    };
    std::map<std::string, at::Tensor> recycle;
    if (!reload) {
        for (auto& [key, pristine] : m_pristine) {
            at::Tensor& slot = *m_params.at(key).tensor;
            if (recyclable(slot))
                recycle[key] = std::move(slot);
        }
        unmerge();
    } else {
        m_metadata = nlohmann::json::array();
        for (auto it = m_pristine.begin(); it != m_pristine.end();) {
            if (uses.count(it->first)) {
                ++it;
                continue;
            }
            *m_params.at(it->first).tensor = baseOf(it->first);
            it = m_pristine.erase(it);
        }
    }
    auto output = [&](const std::string& key, const at::Tensor& like) -> at::Tensor {
        if (reload) {
            const at::Tensor& slot = current(key);
            if (m_pristine.count(key) && recyclable(slot) && sameLayout(slot, like))
                return slot; // merged now: written in place (listed, so restorable)
            return at::empty(like.sizes(), like.options());
        }
        auto it = recycle.find(key);
        if (it != recycle.end() && sameLayout(it->second, like)) {
            at::Tensor t = std::move(it->second);
            recycle.erase(it);
            return t;
        }
        return at::empty(like.sizes(), like.options());
    };
    // Reading again: each weight replaced as soon as it is merged, listed first.
    std::vector<std::pair<std::string, at::Tensor>> merged;
    auto done = [&](const std::string& key, at::Tensor result) {
        if (!reload) {
            merged.emplace_back(key, std::move(result));
            return;
        }
        const at::Device device = current(key).device();
        m_pristine.emplace(key, Pristine{at::Tensor(), device});
        *m_params.at(key).tensor = std::move(result);
    };

    // 4. Merge one weight at a time in float32 and cast it back, so that at most one weight's
    // float32 copy exists: all of them at once were 4.2 GB for SAO 1.0's bf16 DiT, and faulting
    // that memory in was most of a switch's time. A float32 weight's first delta is fused with
    // the copy (addmm): each base weight is read once and the merged one written once.
    at::Tensor scratch;                         // the float32 copy of a 16-bit weight, reused
    std::map<std::string, at::Tensor> biasWork; // DoRA-scaled biases, float32
    for (const std::string& key : order) {
        const at::Tensor base = baseOf(key);
        const at::Tensor base2 = base.reshape({base.size(0), -1});
        const auto opts = base.options().dtype(at::kFloat);
        const bool isFloat = base.scalar_type() == at::kFloat;
        at::Tensor out = output(key, base);
        at::Tensor w; // float32 [out, in * k]
        if (isFloat) {
            w = out.view(base2.sizes());
        } else {
            if (!scratch.defined() || scratch.numel() < base.numel() ||
                scratch.device() != base.device())
                scratch = at::empty({base.numel()}, opts);
            w = scratch.narrow(0, 0, base.numel()).view(base2.sizes());
        }
        bool copied = false; // w holds the base (and any deltas so far)
        auto addDelta = [&](const at::Tensor& up, const at::Tensor& down, double c) {
            if (!copied && isFloat && c != 0.0)
                at::addmm_out(w, base2, up, down, 1.0, c);
            else {
                if (!copied)
                    w.copy_(base2);
                if (c != 0.0)
                    w.addmm_(up, down, 1.0, c);
            }
            copied = true;
        };
        for (const Use& use : uses.at(key)) {
            const LoraSpec& spec = *use.plan->spec;
            const LoraModule& m = spec.file->modules[use.module];
            const LoraTarget& t = use.plan->targets[use.module];
            const bool gradio = spec.mode == LoraMergeMode::LorawGradioCompatible;
            const int64_t rank = m.rank();
            const at::Tensor up = m.up.to(opts).reshape({m.outFeatures(), rank});
            const at::Tensor down = m.down.to(opts).reshape({rank, -1});
            if (gradio) {
                // LoRAMerger: scale 16/16; load_weights(multiplier) scales up and down (DoRA: 1).
                addDelta(up, down, m.isDora() ? 1.0 : spec.strength * spec.strength);
                continue;
            }
            const double k = use.plan->config.scale(rank);
            const double c = k * use.plan->config.multiplier * spec.strength;
            if (!m.isDora() || spec.doraIgnoreMagnitude) {
                addDelta(up, down, c);
                continue;
            }
            // y = (m / ||W + k U D||_row) ⊙ (W x + b + c U D x)
            addDelta(at::Tensor(), at::Tensor(), 0.0);
            const at::Tensor delta = at::matmul(up, down);
            const at::Tensor norm = at::linalg_vector_norm(w + delta * k, 2, {1}, /*keepdim=*/true);
            const at::Tensor s = m.doraMagnitude.to(opts).reshape({-1, 1}) / norm;
            w.copy_((w + delta * c) * s);
            if (!t.biasKey.empty()) {
                auto it = biasWork.find(t.biasKey);
                if (it == biasWork.end())
                    it = biasWork.emplace(t.biasKey, baseOf(t.biasKey).to(opts, false, true)).first;
                it->second = it->second * s.reshape(it->second.sizes());
            }
        }
        if (!isFloat)
            out.copy_(w.view(base.sizes())); // may throw: keeping copies, nothing committed yet
        done(key, std::move(out));
    }
    for (auto& [key, b32] : biasWork) {
        const at::Tensor& original = current(key);
        done(key,
             b32.scalar_type() == original.scalar_type() ? b32 : output(key, original).copy_(b32));
    }

    // 5. Keeping copies: commit (no-throw past the host copies).
    std::vector<Pristine> pristine;
    for (const auto& [key, result] : merged) {
        const at::Tensor& original = current(key);
        Pristine keep{original, original.device()};
        if (m_options.backupOnHost && !original.device().is_cpu())
            keep.original = original.to(at::kCPU);
        pristine.push_back(std::move(keep));
    }
    for (size_t i = 0; i < merged.size(); ++i) {
        *m_params.at(merged[i].first).tensor = std::move(merged[i].second);
        m_pristine.emplace(merged[i].first, std::move(pristine[i]));
    }
    m_metadata = std::move(metadata);
}

} // namespace footfall::model
