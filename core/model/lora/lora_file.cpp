#include "model/lora/lora_file.h"

#include "base/errors.h"
#include "model/formats/safetensors.h"
#include "model/formats/sha256.h"
#include "model/formats/torch_checkpoint.h"
#include "model/formats/zip_reader.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

namespace footfall::model {

namespace {

std::string shapeText(const at::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i)
        s += (i ? "," : "") + std::to_string(t.size(i));
    return s + "]";
}

[[noreturn]] void fail(const std::string& label, const std::string& what) {
    throw GenerationError("LoRA '" + label + "': " + what);
}

struct Parts {
    at::Tensor down, up, magWeight, magBias;
    std::string downKey, upKey, magKey;
};

// Groups `<id>/<part>.<param>` keys and validates each module on its own.
std::vector<LoraModule> groupModules(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                                     const std::string& label) {
    const bool anyLorawKey = std::any_of(tensors.begin(), tensors.end(), [](const auto& kv) {
        return kv.first.find("/lora_down.weight") != std::string::npos ||
               kv.first.find("/lora_up.weight") != std::string::npos;
    });
    if (!tensors.empty() && !anyLorawKey)
        fail(label, "it holds no LoRAW LoRA tensors (no '<module>/lora_down.weight' keys; first "
                    "key '" +
                        tensors.front().first +
                        "'): it looks like a model checkpoint or another kind of file, not a "
                        "LoRAW LoRA");
    std::map<std::string, Parts> grouped;
    for (const auto& [key, tensor] : tensors) {
        const size_t slash = key.rfind('/');
        const std::string id = slash == std::string::npos ? "" : key.substr(0, slash);
        const std::string part = slash == std::string::npos ? key : key.substr(slash + 1);
        if (id.empty() || id.find("//") != std::string::npos || id.front() == '/')
            fail(label, "key '" + key +
                            "' is not a LoRAW LoRA tensor (expected '<module>/lora_down.weight', "
                            "'<module>/lora_up.weight' or '<module>/dora_mag.weight|bias')");
        if (!tensor.defined() || !at::isFloatingType(tensor.scalar_type()))
            fail(label, "tensor '" + key + "' is not a floating-point tensor");
        Parts& p = grouped[id];
        auto set = [&](at::Tensor& slot, std::string* keySlot) {
            if (slot.defined())
                fail(label, "tensor '" + key + "' appears twice");
            slot = tensor;
            if (keySlot)
                *keySlot = key;
        };
        if (part == "lora_down.weight")
            set(p.down, &p.downKey);
        else if (part == "lora_up.weight")
            set(p.up, &p.upKey);
        else if (part == "dora_mag.weight")
            set(p.magWeight, &p.magKey);
        else if (part == "dora_mag.bias")
            set(p.magBias, nullptr);
        else
            fail(label, "key '" + key +
                            "' is not a LoRAW LoRA tensor (expected '<module>/lora_down.weight', "
                            "'<module>/lora_up.weight' or '<module>/dora_mag.weight|bias')");
    }
    std::vector<LoraModule> modules;
    for (auto& [id, p] : grouped) {
        if (!p.down.defined() || !p.up.defined())
            fail(label,
                 "module '" + id + "' has " +
                     (p.down.defined() ? "lora_down but no lora_up" : "lora_up but no lora_down") +
                     " tensor");
        const bool conv = p.down.dim() == 3;
        if ((p.down.dim() != 2 && !conv) || p.up.dim() != p.down.dim() ||
            (conv && p.up.size(2) != 1))
            fail(label, "module '" + id + "': lora_down " + shapeText(p.down) + " and lora_up " +
                            shapeText(p.up) +
                            " are neither Linear ([r,in] / [out,r]) nor Conv1d ([r,in,k] / "
                            "[out,r,1]) LoRA weights");
        if (p.down.size(0) != p.up.size(1))
            fail(label, "rank mismatch in module '" + id + "': lora_down " + shapeText(p.down) +
                            " has rank " + std::to_string(p.down.size(0)) + " but lora_up " +
                            shapeText(p.up) + " has rank " + std::to_string(p.up.size(1)));
        if (p.down.size(0) < 1 || p.down.size(1) < 1 || p.up.size(0) < 1)
            fail(label, "module '" + id + "' has an empty LoRA weight");
        if (p.magBias.defined() && !p.magWeight.defined())
            fail(label, "module '" + id + "' has dora_mag.bias but no dora_mag.weight");
        if (p.magWeight.defined()) {
            if (conv)
                fail(label, "module '" + id +
                                "': DoRA on a Conv1d module is not supported "
                                "(LoRAW cannot train it either)");
            if (p.magWeight.dim() != 2 || p.magWeight.size(0) != p.up.size(0) ||
                p.magWeight.size(1) != 1)
                fail(label, "module '" + id + "': dora_mag.weight " + shapeText(p.magWeight) +
                                " does not match lora_up " + shapeText(p.up) + " (expected [" +
                                std::to_string(p.up.size(0)) + ",1])");
            if (p.magBias.defined() && (p.magBias.dim() != 1 || p.magBias.size(0) != p.up.size(0)))
                fail(label, "module '" + id + "': dora_mag.bias " + shapeText(p.magBias) +
                                " does not match lora_up " + shapeText(p.up));
        }
        for (const at::Tensor* t : {&p.down, &p.up, &p.magWeight})
            if (t->defined() && !at::isfinite(*t).all().item<bool>())
                fail(label, "module '" + id + "' contains NaN or infinite values");
        LoraModule m;
        m.id = id;
        m.down = p.down;
        m.up = p.up;
        m.doraMagnitude = p.magWeight;
        m.doraBias = p.magBias;
        modules.push_back(std::move(m));
    }
    if (modules.empty())
        fail(label, "it holds no LoRA tensors");
    return modules;
}

nlohmann::json toJson(const PickleValue* v, int depth) {
    using Kind = PickleValue::Kind;
    if (depth > 32)
        return nullptr;
    switch (v->kind) {
    case Kind::None:
        return nullptr;
    case Kind::Bool:
        return v->boolean;
    case Kind::Int:
        return v->integer;
    case Kind::Float:
        return v->real;
    case Kind::String:
        return v->text;
    case Kind::Tuple:
    case Kind::List: {
        nlohmann::json a = nlohmann::json::array();
        for (const PickleValue* item : v->items)
            a.push_back(toJson(item, depth + 1));
        return a;
    }
    case Kind::Dict: {
        nlohmann::json o = nlohmann::json::object();
        for (const auto& [k, value] : v->entries)
            if (k->kind == Kind::String)
                o[k->text] = toJson(value, depth + 1);
        return o;
    }
    default:
        return std::string("<") + PickleValue::kindName(v->kind) + ">";
    }
}

std::string dtypeName(at::ScalarType type) {
    switch (type) {
    case at::kFloat:
        return "float32";
    case at::kHalf:
        return "float16";
    case at::kBFloat16:
        return "bfloat16";
    case at::kDouble:
        return "float64";
    default:
        return c10::toString(type);
    }
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool looksLikeLorawKeys(const PickleValue& dict) {
    if (!dict.isDict() || dict.entries.empty())
        return false;
    for (const auto& [k, v] : dict.entries)
        if (k->kind != PickleValue::Kind::String || k->text.find('/') == std::string::npos)
            return false;
    return true;
}

void readPlainCheckpoint(const TorchCheckpoint& ckpt, const PickleValue& dict, LoraFile& out) {
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& [k, v] : dict.entries) {
        if (k->kind != PickleValue::Kind::String)
            fail(out.path, "its dictionary has a non-string key");
        if (v->kind != PickleValue::Kind::Tensor)
            fail(out.path, std::string("entry '") + k->text + "' is a " +
                               PickleValue::kindName(v->kind) + ", not a tensor");
        tensors.emplace_back(k->text, ckpt.materialize(v->tensor));
    }
    out.tensorCount = tensors.size();
    out.modules = groupModules(tensors, out.path);
}

// A full Lightning checkpoint with injected LoRA modules (LoRAW training wrapper).
void readLightningCheckpoint(const TorchCheckpoint& ckpt, const PickleValue& sd, LoraFile& out) {
    const PickleValue& root = ckpt.root();
    bool relora = false;
    if (const PickleValue* callbacks = root.get("callbacks"); callbacks && callbacks->isDict())
        for (const auto& [k, v] : callbacks->entries)
            if (k->kind == PickleValue::Kind::String &&
                k->text.find("ReLoRAModelCheckpoint") != std::string::npos)
                relora = true;
    if (const PickleValue* config = root.get("model_config"))
        out.embeddedConfig = toJson(config, 0);

    struct Found {
        std::vector<std::pair<std::string, const PickleValue*>> lora;
        size_t originals = 0;
    };
    Found main, ema;
    const std::string emaPrefix = "diffusion_ema.ema_model.";
    for (const auto& [k, v] : sd.entries) {
        if (k->kind != PickleValue::Kind::String || v->kind != PickleValue::Kind::Tensor)
            continue;
        const std::string& key = k->text;
        const bool isEma = key.compare(0, emaPrefix.size(), emaPrefix) == 0;
        Found& f = isEma ? ema : main;
        if (endsWith(key, ".original_module.weight")) {
            ++f.originals;
            continue;
        }
        for (const char* part :
             {".lora_down.weight", ".lora_up.weight", ".dora_mag.weight", ".dora_mag.bias"}) {
            if (!endsWith(key, part))
                continue;
            std::string module = key.substr(0, key.size() - std::strlen(part));
            if (isEma)
                module = module.substr(emaPrefix.size());
            else if (module.compare(0, 10, "diffusion.") == 0)
                module = module.substr(10);
            std::replace(module.begin(), module.end(), '.', '/');
            f.lora.emplace_back(module + "/" + std::string(part + 1), v);
        }
    }
    if (main.lora.empty() && ema.lora.empty())
        fail(out.path, "it is a full model/Lightning checkpoint without LoRA tensors "
                       "(no lora_down/lora_up keys in its state_dict): load it as a model "
                       "checkpoint, not as a LoRA");
    if (relora)
        fail(out.path,
             "it is a ReLoRA Lightning checkpoint (ReLoRAModelCheckpoint): LoRAW merged the "
             "LoRA into the base weights (`original_module`) before saving and re-initialised "
             "lora_down/lora_up, so the file holds no separable LoRA — use it as a full model "
             "checkpoint instead");
    const bool useEma = main.lora.empty();
    Found& chosen = useEma ? ema : main;
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    bool allUpZero = true;
    for (const auto& [key, value] : chosen.lora) {
        at::Tensor t = ckpt.materialize(value->tensor);
        if (endsWith(key, "/lora_up.weight") && t.ne(0).any().item<bool>())
            allUpZero = false;
        tensors.emplace_back(key, std::move(t));
    }
    if (allUpZero)
        fail(out.path,
             "it is a Lightning checkpoint whose LoRA tensors are reset (every lora_up is zero), "
             "as after a ReLoRA merge: the fine-tune lives in the `original_module` weights, "
             "so there is no LoRA to apply — use it as a full model checkpoint instead");
    out.tensorCount = tensors.size();
    out.modules = groupModules(tensors, out.path);
    out.format = "lightning-ckpt";
    out.formatDescription = std::string("Lightning training checkpoint, LoRA tensors of the ") +
                            (useEma ? "EMA copy (diffusion_ema.ema_model.)" : "model (diffusion.)");
    if (chosen.originals)
        out.notes.push_back(
            "the checkpoint also holds " + std::to_string(chosen.originals) +
            " `original_module` base weights; they are not used — the LoRA is applied to the "
            "loaded model's weights");
    if (!useEma && !ema.lora.empty())
        out.notes.push_back("an EMA copy of the LoRA exists in the checkpoint and was not used");
}

void readCheckpoint(const std::string& path, LoraFile& out) {
    const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
    const PickleValue& root = ckpt.root();
    if (!root.isDict())
        fail(path, std::string("the checkpoint holds a ") + PickleValue::kindName(root.kind) +
                       ", not a dictionary of LoRA tensors");
    const PickleValue* sd = root.get("state_dict");
    if (sd && !looksLikeLorawKeys(root)) {
        if (!sd->isDict())
            fail(path, "its 'state_dict' is not a dictionary");
        if (looksLikeLorawKeys(*sd)) {
            out.format = "loraw-ckpt";
            out.formatDescription = "LoRAW LoRA checkpoint wrapped in {\"state_dict\": ...}";
            readPlainCheckpoint(ckpt, *sd, out);
        } else {
            readLightningCheckpoint(ckpt, *sd, out);
        }
        return;
    }
    out.format = "loraw-ckpt";
    out.formatDescription = "LoRAW LoRA checkpoint (torch.save of residual_modules.state_dict())";
    readPlainCheckpoint(ckpt, root, out);
}

void readSafetensors(const std::string& path, LoraFile& out) {
    SafetensorsFile file;
    try {
        file = SafetensorsFile::open(path);
    } catch (const GenerationError& e) {
        fail(path, std::string("it is neither a PyTorch zip checkpoint (.ckpt) nor a readable "
                               "safetensors file (") +
                       e.what() + ")");
    }
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const std::string& key : file.keys())
        tensors.emplace_back(key, file.tensor(key));
    out.format = "safetensors";
    out.formatDescription = "LoRAW LoRA as safetensors";
    out.fileMetadata = file.metadata();
    out.tensorCount = tensors.size();
    out.modules = groupModules(tensors, path);
}

} // namespace

std::vector<std::string> LoraFile::dtypes() const {
    std::set<std::string> names;
    for (const auto& m : modules)
        for (const at::Tensor* t : {&m.down, &m.up, &m.doraMagnitude})
            if (t->defined())
                names.insert(dtypeName(t->scalar_type()));
    return {names.begin(), names.end()};
}

bool LoraFile::hasDora() const {
    return std::any_of(modules.begin(), modules.end(),
                       [](const LoraModule& m) { return m.isDora(); });
}

LoraFile readLoraFile(const std::string& path) {
    LoraFile out;
    out.path = path;
    std::ifstream probe(path, std::ios::binary);
    if (!probe)
        throw GenerationError("cannot open LoRA file '" + path + "': " + std::strerror(errno));
    unsigned char head[8] = {0};
    probe.read(reinterpret_cast<char*>(head), sizeof head);
    const std::streamsize got = probe.gcount();
    probe.close();
    if (got >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
        readCheckpoint(path, out);
    } else if (got >= 2 && head[0] == 0x80 && head[1] <= 5) {
        fail(path, "it is a legacy (non-zip) torch.save file; re-save it with a current torch "
                   "(torch.save(torch.load(f), f)) or convert it to safetensors");
    } else {
        readSafetensors(path, out);
    }
    std::sort(out.modules.begin(), out.modules.end(),
              [](const LoraModule& a, const LoraModule& b) { return a.id < b.id; });
    out.sha256 = sha256File(path);
    std::ifstream size(path, std::ios::binary | std::ios::ate);
    out.fileSize = uint64_t(size.tellg());
    return out;
}

LoraFile loraFileFromTensors(const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                             const std::string& label) {
    LoraFile out;
    out.path = label;
    out.format = "memory";
    out.formatDescription = "in-memory LoRA tensors";
    out.tensorCount = tensors.size();
    out.modules = groupModules(tensors, label);
    return out;
}

} // namespace footfall::model
