#include "model/lora/lora_info.h"

#include "base/errors.h"
#include "model/formats/sha256.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"

#include <ATen/ATen.h>

#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>

namespace footfall {

namespace {

std::string baseName(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string humanBytes(uint64_t bytes) {
    std::ostringstream s;
    if (bytes >= (1u << 20))
        s << std::fixed << std::setprecision(1) << double(bytes) / double(1u << 20) << " MiB";
    else if (bytes >= 1024)
        s << std::fixed << std::setprecision(1) << double(bytes) / 1024.0 << " KiB";
    else
        s << bytes << " bytes";
    return s.str();
}

template <typename T> std::string joined(const std::vector<T>& items, const char* sep = ", ") {
    std::ostringstream s;
    for (size_t i = 0; i < items.size(); ++i)
        s << (i ? sep : "") << items[i];
    return s.str();
}

} // namespace

LoraInfo inspectLoraFile(const std::string& path) {
    const model::LoraFile file = model::readLoraFile(path);
    LoraInfo info;
    info.path = path;
    info.fileName = baseName(path);
    info.format = file.format;
    info.formatDescription = file.formatDescription;
    info.fileSize = file.fileSize;
    info.sha256 = file.sha256;
    info.tensorCount = file.tensorCount;
    info.moduleCount = file.modules.size();
    info.dtypes = file.dtypes();
    info.embeddedConfig = file.embeddedConfig;
    info.fileMetadata = file.fileMetadata;
    info.notes = file.notes;
    std::set<int64_t> ranks;
    std::set<std::string> components;
    std::set<int64_t> layers;
    for (const model::LoraModule& m : file.modules) {
        LoraModuleInfo mi;
        mi.id = m.id;
        mi.baseKey = model::loraBaseWeightKey(m.id);
        mi.rank = m.rank();
        mi.inFeatures = m.inFeatures();
        mi.outFeatures = m.outFeatures();
        mi.kernelSize = m.isConv() ? m.down.size(2) : 0;
        mi.dora = m.isDora();
        info.parameterCount += m.down.numel() + m.up.numel() +
                               (m.doraMagnitude.defined() ? m.doraMagnitude.numel() : 0) +
                               (m.doraBias.defined() ? m.doraBias.numel() : 0);
        if (mi.dora)
            ++info.doraModuleCount;
        ranks.insert(mi.rank);
        // Component = the first segment after the wrapper prefixes (model/model/...).
        std::istringstream segs(m.id);
        std::string seg;
        std::vector<std::string> parts;
        while (std::getline(segs, seg, '/'))
            parts.push_back(seg);
        size_t i = 0;
        while (i + 1 < parts.size() && parts[i] == "model")
            ++i;
        components.insert(parts[i]);
        for (size_t j = 0; j + 1 < parts.size(); ++j)
            if (parts[j] == "layers")
                try {
                    layers.insert(std::stoll(parts[j + 1]));
                } catch (...) {
                }
        if (m.id.size() >= 22 && m.id.compare(m.id.size() - 22, 22, "transformer/project_in") == 0)
            info.embedDim = mi.outFeatures;
        info.modules.push_back(std::move(mi));
    }
    info.dora = info.doraModuleCount > 0;
    info.ranks.assign(ranks.begin(), ranks.end());
    info.components.assign(components.begin(), components.end());
    info.layerCount = layers.empty() ? 0 : *layers.rbegin() + 1;
    if (info.embedDim == 1536 && info.layerCount == 24)
        info.modelGuess = "Stable Audio Open 1.0";
    else if (info.embedDim == 1024 && info.layerCount == 16)
        info.modelGuess = "Stable Audio Open small";
    if (info.dora)
        info.notes.push_back("DoRA: applied with its magnitude vectors (training-faithful) unless "
                             "the LoRAW-gradio behaviour is chosen, which ignores them");
    info.notes.push_back("alpha is not stored in LoRAW files: give the LoRA's training config "
                         "(its `lora` section), otherwise alpha = rank (scale 1)");
    return info;
}

std::string formatLoraInfo(const LoraInfo& info) {
    std::ostringstream s;
    s << "LoRA file:   " << info.path << "\n";
    s << "Format:      " << info.formatDescription << " (" << info.format << ")\n";
    s << "Size:        " << humanBytes(info.fileSize) << " (" << info.fileSize << " bytes)\n";
    s << "SHA-256:     " << info.sha256 << "\n";
    s << "Tensors:     " << info.tensorCount << " (" << info.parameterCount << " values, "
      << joined(info.dtypes) << ")\n";
    s << "Modules:     " << info.moduleCount << " in " << joined(info.components) << "\n";
    s << "Rank:        " << joined(info.ranks) << "\n";
    s << "DoRA:        "
      << (info.dora ? "yes (" + std::to_string(info.doraModuleCount) + " modules)" : "no") << "\n";
    if (info.embedDim || info.layerCount) {
        s << "Model:       embed_dim " << (info.embedDim ? std::to_string(info.embedDim) : "?")
          << ", " << info.layerCount << " transformer layers";
        if (!info.modelGuess.empty())
            s << " (matches " << info.modelGuess << ")";
        s << "\n";
    }
    if (info.embeddedConfig.is_object() && info.embeddedConfig.contains("lora"))
        s << "Config:      embedded lora section " << info.embeddedConfig["lora"].dump() << "\n";
    for (const std::string& note : info.notes)
        s << "Note:        " << note << "\n";
    s << "Modules (id, rank, shape):\n";
    for (const LoraModuleInfo& m : info.modules) {
        s << "  " << m.id << "  r=" << m.rank << "  [" << m.outFeatures << "x" << m.inFeatures;
        if (m.kernelSize)
            s << "x" << m.kernelSize;
        s << "]" << (m.dora ? "  DoRA" : "") << "\n";
    }
    return s.str();
}

nlohmann::json toJson(const LoraInfo& info) {
    nlohmann::json j;
    j["path"] = info.path;
    j["file"] = info.fileName;
    j["format"] = info.format;
    j["format_description"] = info.formatDescription;
    j["size"] = info.fileSize;
    j["sha256"] = info.sha256;
    j["tensor_count"] = info.tensorCount;
    j["module_count"] = info.moduleCount;
    j["parameter_count"] = info.parameterCount;
    j["ranks"] = info.ranks;
    j["rank"] = info.ranks.size() == 1 ? nlohmann::json(info.ranks[0]) : nlohmann::json(nullptr);
    j["dtypes"] = info.dtypes;
    j["dtype"] = info.dtypes.size() == 1 ? nlohmann::json(info.dtypes[0]) : nlohmann::json(nullptr);
    j["dora"] = info.dora;
    j["dora_module_count"] = info.doraModuleCount;
    j["components"] = info.components;
    j["embed_dim"] = info.embedDim;
    j["layer_count"] = info.layerCount;
    j["model_guess"] =
        info.modelGuess.empty() ? nlohmann::json(nullptr) : nlohmann::json(info.modelGuess);
    nlohmann::json modules = nlohmann::json::array();
    for (const LoraModuleInfo& m : info.modules) {
        nlohmann::json mj = {{"id", m.id},
                             {"base_key", m.baseKey},
                             {"rank", m.rank},
                             {"in_features", m.inFeatures},
                             {"out_features", m.outFeatures},
                             {"dora", m.dora}};
        if (m.kernelSize)
            mj["kernel_size"] = m.kernelSize;
        modules.push_back(std::move(mj));
    }
    j["modules"] = std::move(modules);
    j["embedded_config"] = info.embeddedConfig;
    j["file_metadata"] = info.fileMetadata.is_null() ? nlohmann::json::object() : info.fileMetadata;
    j["notes"] = info.notes;
    return j;
}

nlohmann::json loraIdentity(const std::string& path, double strength) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw GenerationError("cannot open LoRA file '" + path + "'");
    const auto size = uint64_t(in.tellg());
    return {{"file", baseName(path)},
            {"path", path},
            {"size", size},
            {"sha256", model::sha256File(path)},
            {"strength", strength}};
}

} // namespace footfall
