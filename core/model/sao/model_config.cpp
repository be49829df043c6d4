#include "model/sao/model_config.h"

#include "base/errors.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>

namespace footfall::model {

namespace {

using nlohmann::json;

// Reads typed values by key and reports problems with the key's full JSON path.
class Reader {
public:
    explicit Reader(std::string source) : m_source(std::move(source)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw GenerationError(m_source + ": '" + path + "' " + what);
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

    const json* find(const json& obj, const std::string& key) const {
        const auto it = obj.find(key);
        return (it == obj.end() || it->is_null()) ? nullptr : &*it;
    }

    const json& object(const json& obj, const std::string& key, const std::string& path) const {
        const json* v = find(obj, key);
        if (!v)
            fail(join(path, key), "is missing");
        if (!v->is_object())
            fail(join(path, key), "must be a JSON object, got " + v->dump());
        return *v;
    }

    // Absent -> empty object.
    json optionalObject(const json& obj, const std::string& key, const std::string& path) const {
        const json* v = find(obj, key);
        if (!v)
            return json::object();
        if (!v->is_object())
            fail(join(path, key), "must be a JSON object, got " + v->dump());
        return *v;
    }

    int64_t integerValue(const json& v, const std::string& path, int64_t min) const {
        int64_t out = 0;
        if (v.is_number_integer()) {
            if (v.is_number_unsigned() &&
                v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                fail(path, "is too large: " + v.dump());
            out = v.get<int64_t>();
        } else if (v.is_number_float() && std::isfinite(v.get<double>()) &&
                   std::floor(v.get<double>()) == v.get<double>() &&
                   std::fabs(v.get<double>()) < 9.0e15) {
            out = static_cast<int64_t>(v.get<double>());
        } else {
            fail(path, "must be an integer, got " + v.dump());
        }
        if (out < min)
            fail(path, "must be at least " + std::to_string(min) + ", got " + v.dump());
        return out;
    }

    int64_t integer(const json& obj, const std::string& key, const std::string& path,
                    std::optional<int64_t> fallback, int64_t min = 1) const {
        const json* v = find(obj, key);
        if (!v) {
            if (!fallback)
                fail(join(path, key), "is missing");
            return *fallback;
        }
        return integerValue(*v, join(path, key), min);
    }

    double number(const json& obj, const std::string& key, const std::string& path,
                  std::optional<double> fallback) const {
        const json* v = find(obj, key);
        if (!v) {
            if (!fallback)
                fail(join(path, key), "is missing");
            return *fallback;
        }
        if (!v->is_number() || !std::isfinite(v->get<double>()))
            fail(join(path, key), "must be a number, got " + v->dump());
        return v->get<double>();
    }

    bool boolean(const json& obj, const std::string& key, const std::string& path,
                 bool fallback) const {
        const json* v = find(obj, key);
        if (!v)
            return fallback;
        if (!v->is_boolean())
            fail(join(path, key), "must be true or false, got " + v->dump());
        return v->get<bool>();
    }

    std::string string(const json& obj, const std::string& key, const std::string& path,
                       std::optional<std::string> fallback) const {
        const json* v = find(obj, key);
        if (!v) {
            if (!fallback)
                fail(join(path, key), "is missing");
            return *fallback;
        }
        if (!v->is_string())
            fail(join(path, key), "must be a string, got " + v->dump());
        return v->get<std::string>();
    }

    std::vector<int64_t> integerList(const json& obj, const std::string& key,
                                     const std::string& path,
                                     std::optional<std::vector<int64_t>> fallback) const {
        const json* v = find(obj, key);
        if (!v) {
            if (!fallback)
                fail(join(path, key), "is missing");
            return *fallback;
        }
        if (!v->is_array() || v->empty())
            fail(join(path, key), "must be a non-empty list of integers, got " + v->dump());
        std::vector<int64_t> out;
        for (size_t i = 0; i < v->size(); ++i)
            out.push_back(
                integerValue((*v)[i], join(path, key) + "[" + std::to_string(i) + "]", 1));
        return out;
    }

    std::vector<std::string> stringList(const json& obj, const std::string& key,
                                        const std::string& path, bool required) const {
        const json* v = find(obj, key);
        if (!v) {
            if (required)
                fail(join(path, key), "is missing");
            return {};
        }
        if (!v->is_array())
            fail(join(path, key), "must be a list of strings, got " + v->dump());
        std::vector<std::string> out;
        for (const auto& item : *v) {
            if (!item.is_string())
                fail(join(path, key), "must be a list of strings, got " + v->dump());
            out.push_back(item.get<std::string>());
        }
        return out;
    }

    // Keys of `obj` outside `known` are options this implementation cannot honour.
    void rejectUnknown(const json& obj, const std::string& path,
                       std::initializer_list<const char*> known) const {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            const bool isKnown = std::any_of(known.begin(), known.end(),
                                             [&](const char* k) { return it.key() == k; });
            if (!isKnown)
                fail(join(path, it.key()),
                     "is not supported by Footfall (only Stable Audio Open-type models are)");
        }
    }

private:
    std::string m_source;
};

OobleckConfig parseOobleck(const Reader& r, const json& parent, const std::string& key,
                           const std::string& parentPath, bool decoder) {
    const std::string path = Reader::join(parentPath, key);
    const json& node = r.object(parent, key, parentPath);
    const std::string type = r.string(node, "type", path, std::nullopt);
    if (type != "oobleck")
        r.fail(Reader::join(path, "type"), "is \"" + type + "\"; only \"oobleck\" is supported");
    r.boolean(node, "requires_grad", path, true); // training only
    OobleckConfig c;
    const std::string cpath = Reader::join(path, "config");
    const json& cfg = r.object(node, "config", path);
    c.audioChannels = r.integer(cfg, decoder ? "out_channels" : "in_channels", cpath, 2);
    c.channels = r.integer(cfg, "channels", cpath, 128);
    c.latentDim = r.integer(cfg, "latent_dim", cpath, 32);
    c.cMults = r.integerList(cfg, "c_mults", cpath, std::vector<int64_t>{1, 2, 4, 8});
    c.strides = r.integerList(cfg, "strides", cpath, std::vector<int64_t>{2, 4, 8, 8});
    if (c.cMults.size() != c.strides.size())
        r.fail(Reader::join(cpath, "strides"), "must have as many entries as c_mults (" +
                                                   std::to_string(c.cMults.size()) + "), got " +
                                                   std::to_string(c.strides.size()));
    c.useSnake = r.boolean(cfg, "use_snake", cpath, false);
    if (r.boolean(cfg, "antialias_activation", cpath, false))
        r.fail(Reader::join(cpath, "antialias_activation"), "is not supported by Footfall");
    if (decoder) {
        c.useNearestUpsample = r.boolean(cfg, "use_nearest_upsample", cpath, false);
        c.finalTanh = r.boolean(cfg, "final_tanh", cpath, true);
    }
    return c;
}

PretransformConfig parsePretransform(const Reader& r, const json& node) {
    const std::string path = "model.pretransform";
    PretransformConfig p;
    const std::string type = r.string(node, "type", path, std::nullopt);
    if (type != "autoencoder")
        r.fail(path + ".type", "is \"" + type + "\"; only \"autoencoder\" is supported");
    p.scale = r.number(node, "scale", path, 1.0);
    if (p.scale == 0.0)
        r.fail(path + ".scale", "must not be 0");
    p.modelHalf = r.boolean(node, "model_half", path, false);
    p.iterateBatch = r.boolean(node, "iterate_batch", path, false);
    p.chunked = r.boolean(node, "chunked", path, false);

    const std::string cpath = path + ".config";
    const json& cfg = r.object(node, "config", path);
    p.encoder = parseOobleck(r, cfg, "encoder", cpath, false);
    p.decoder = parseOobleck(r, cfg, "decoder", cpath, true);
    p.softClip = r.boolean(cfg.at("decoder"), "soft_clip", cpath + ".decoder", false);
    const json bottleneck = r.optionalObject(cfg, "bottleneck", cpath);
    if (!bottleneck.empty())
        p.bottleneckType = r.string(bottleneck, "type", cpath + ".bottleneck", std::nullopt);
    if (!p.bottleneckType.empty() && p.bottleneckType != "vae")
        r.fail(cpath + ".bottleneck.type",
               "is \"" + p.bottleneckType + "\"; only \"vae\" is supported");
    if (r.find(cfg, "pretransform"))
        r.fail(cpath + ".pretransform", "(a nested pretransform) is not supported by Footfall");
    p.latentDim = r.integer(cfg, "latent_dim", cpath, std::nullopt);
    p.downsamplingRatio = r.integer(cfg, "downsampling_ratio", cpath, std::nullopt);
    p.ioChannels = r.integer(cfg, "io_channels", cpath, std::nullopt);

    // Cross-checks the original would only discover as a shape error deep inside a forward.
    for (const OobleckConfig* coder : {&p.encoder, &p.decoder}) {
        int64_t product = 1;
        for (int64_t s : coder->strides)
            product *= s;
        if (product != p.downsamplingRatio)
            r.fail(cpath + ".downsampling_ratio",
                   "is " + std::to_string(p.downsamplingRatio) + " but the " +
                       (coder == &p.encoder ? "encoder" : "decoder") + " strides multiply to " +
                       std::to_string(product));
    }
    const int64_t encoderOut = p.vaeBottleneck() ? 2 * p.latentDim : p.latentDim;
    if (p.encoder.latentDim != encoderOut)
        r.fail(cpath + ".encoder.config.latent_dim",
               "is " + std::to_string(p.encoder.latentDim) + ", expected " +
                   std::to_string(encoderOut) +
                   (p.vaeBottleneck()
                        ? " (mean and scale of a latent_dim of " + std::to_string(p.latentDim) + ")"
                        : " (latent_dim)"));
    if (p.decoder.latentDim != p.latentDim)
        r.fail(cpath + ".decoder.config.latent_dim", "is " + std::to_string(p.decoder.latentDim) +
                                                         ", expected latent_dim " +
                                                         std::to_string(p.latentDim));
    return p;
}

ConditioningConfig parseConditioning(const Reader& r, const json& model) {
    const std::string path = "model.conditioning";
    const json& node = r.object(model, "conditioning", "model");
    ConditioningConfig c;
    c.condDim = r.integer(node, "cond_dim", path, std::nullopt);
    if (r.find(node, "default_keys") && !r.optionalObject(node, "default_keys", path).empty())
        r.fail(path + ".default_keys", "is not supported by Footfall");
    if (r.find(node, "pre_encoded_keys") &&
        !r.stringList(node, "pre_encoded_keys", path, false).empty())
        r.fail(path + ".pre_encoded_keys", "is not supported by Footfall");
    const json* configs = r.find(node, "configs");
    if (!configs || !configs->is_array() || configs->empty())
        r.fail(path + ".configs", "must be a non-empty list of conditioners");
    std::set<std::string> ids;
    for (size_t i = 0; i < configs->size(); ++i) {
        const std::string ipath = path + ".configs[" + std::to_string(i) + "]";
        const json& item = (*configs)[i];
        if (!item.is_object())
            r.fail(ipath, "must be a JSON object");
        ConditionerConfig cc;
        cc.id = r.string(item, "id", ipath, std::nullopt);
        if (!ids.insert(cc.id).second)
            r.fail(ipath + ".id", "\"" + cc.id + "\" is used twice");
        cc.type = r.string(item, "type", ipath, std::nullopt);
        const std::string cpath = ipath + ".config";
        cc.raw = r.optionalObject(item, "config", ipath);
        if (cc.type == "t5") {
            cc.t5.modelName = r.string(cc.raw, "t5_model_name", cpath, std::string("t5-base"));
            cc.t5.maxLength = r.integer(cc.raw, "max_length", cpath, 128);
            cc.t5.enableGrad = r.boolean(cc.raw, "enable_grad", cpath, false);
            cc.t5.projectOut = r.boolean(cc.raw, "project_out", cpath, false);
        } else if (cc.type == "number") {
            cc.number.minVal = r.number(cc.raw, "min_val", cpath, 0.0);
            cc.number.maxVal = r.number(cc.raw, "max_val", cpath, 1.0);
            if (!(cc.number.maxVal > cc.number.minVal))
                r.fail(cpath + ".max_val",
                       "must be greater than min_val (" + json(cc.number.minVal).dump() + ")");
        } else {
            r.fail(ipath + ".type",
                   "is \"" + cc.type + "\"; only \"t5\" and \"number\" conditioners are supported");
        }
        c.configs.push_back(std::move(cc));
    }
    return c;
}

DitConfig parseDit(const Reader& r, const json& node, const std::string& path) {
    r.rejectUnknown(node, path, {"io_channels",         "patch_size",
                                 "embed_dim",           "cond_token_dim",
                                 "project_cond_tokens", "global_cond_dim",
                                 "project_global_cond", "input_concat_dim",
                                 "prepend_cond_dim",    "depth",
                                 "num_heads",           "transformer_type",
                                 "global_cond_type",    "timestep_cond_type",
                                 "attn_kwargs",         "ff_kwargs",
                                 "rotary_pos_emb",      "zero_init_branch_outputs",
                                 "final_cross_attn_ix", "causal",
                                 "conformer",           "layer_scale",
                                 "remove_norms",        "add_rope",
                                 "use_sinusoidal_emb",  "use_abs_pos_emb",
                                 "num_memory_tokens",   "sliding_window",
                                 "norm_kwargs"});
    DitConfig d;
    d.ioChannels = r.integer(node, "io_channels", path, 32);
    d.patchSize = r.integer(node, "patch_size", path, 1);
    d.embedDim = r.integer(node, "embed_dim", path, 768);
    d.condTokenDim = r.integer(node, "cond_token_dim", path, 0, 0);
    d.projectCondTokens = r.boolean(node, "project_cond_tokens", path, true);
    d.globalCondDim = r.integer(node, "global_cond_dim", path, 0, 0);
    d.projectGlobalCond = r.boolean(node, "project_global_cond", path, true);
    d.depth = r.integer(node, "depth", path, 12);
    d.numHeads = r.integer(node, "num_heads", path, 8);
    d.transformerType =
        r.string(node, "transformer_type", path, std::string("continuous_transformer"));
    if (d.transformerType != "continuous_transformer")
        r.fail(path + ".transformer_type",
               "is \"" + d.transformerType + "\"; only \"continuous_transformer\" is supported");
    d.globalCondType = r.string(node, "global_cond_type", path, std::string("prepend"));
    if (d.globalCondType != "prepend")
        r.fail(path + ".global_cond_type",
               "is \"" + d.globalCondType + "\"; only \"prepend\" is supported");
    d.timestepCondType = r.string(node, "timestep_cond_type", path, std::string("global"));
    if (d.timestepCondType != "global")
        r.fail(path + ".timestep_cond_type",
               "is \"" + d.timestepCondType + "\"; only \"global\" is supported");
    for (const char* zeroKey : {"input_concat_dim", "prepend_cond_dim", "num_memory_tokens"})
        if (r.integer(node, zeroKey, path, 0, 0) != 0)
            r.fail(Reader::join(path, zeroKey), "must be 0 (not supported by Footfall)");
    for (const char* falseKey : {"causal", "conformer", "layer_scale", "remove_norms", "add_rope",
                                 "use_sinusoidal_emb", "use_abs_pos_emb"})
        if (r.boolean(node, falseKey, path, false))
            r.fail(Reader::join(path, falseKey), "must be false (not supported by Footfall)");
    d.rotaryPosEmb = r.boolean(node, "rotary_pos_emb", path, true);
    r.boolean(node, "zero_init_branch_outputs", path, true); // initialisation only
    if (const json* fx = r.find(node, "final_cross_attn_ix"))
        d.finalCrossAttnIx = r.integerValue(*fx, path + ".final_cross_attn_ix", -1);
    // sliding_window only reaches flash-attention, which the reference never uses.

    const std::string apath = path + ".attn_kwargs";
    const json attn = r.optionalObject(node, "attn_kwargs", path);
    r.rejectUnknown(attn, apath, {"qk_norm"});
    const std::string qk = r.string(attn, "qk_norm", apath, std::string("none"));
    if (qk == "none")
        d.qkNorm = QkNorm::None;
    else if (qk == "ln")
        d.qkNorm = QkNorm::LayerNorm;
    else if (qk == "l2")
        d.qkNorm = QkNorm::L2;
    else
        r.fail(apath + ".qk_norm", "is \"" + qk + "\"; supported: \"none\", \"ln\", \"l2\"");

    const std::string fpath = path + ".ff_kwargs";
    const json ff = r.optionalObject(node, "ff_kwargs", path);
    r.rejectUnknown(ff, fpath, {"mult", "zero_init_output"});
    d.ffMult = r.number(ff, "mult", fpath, 4.0);
    if (d.ffMult <= 0)
        r.fail(fpath + ".mult", "must be positive");
    const json norm = r.optionalObject(node, "norm_kwargs", path);
    r.rejectUnknown(norm, path + ".norm_kwargs", {});

    if (d.embedDim % d.numHeads != 0)
        r.fail(path + ".num_heads", "(" + std::to_string(d.numHeads) + ") must divide embed_dim (" +
                                        std::to_string(d.embedDim) + ")");
    if (d.rotaryPosEmb && d.rotaryDim() > d.dimHeads())
        r.fail(path + ".num_heads", "gives " + std::to_string(d.dimHeads()) +
                                        " features per head, fewer than the rotary embedding's " +
                                        std::to_string(d.rotaryDim()));
    if (d.condTokenDim > 0 && d.condEmbedDim() % d.dimHeads() != 0)
        r.fail(path + ".cond_token_dim",
               "(" + std::to_string(d.condEmbedDim()) +
                   " after projection) must be a multiple of the head size " +
                   std::to_string(d.dimHeads()));
    if (d.condTokenDim > 0 && d.numHeads % d.crossKvHeads() != 0)
        r.fail(path + ".cond_token_dim", "gives " + std::to_string(d.crossKvHeads()) +
                                             " key/value heads, which must divide num_heads " +
                                             std::to_string(d.numHeads));
    if (d.globalCondDim > 0 && !d.projectGlobalCond && d.globalCondDim != d.embedDim)
        r.fail(path + ".global_cond_dim", "must equal embed_dim when project_global_cond is false");
    return d;
}

DiffusionConfig parseDiffusion(const Reader& r, const json& node) {
    const std::string path = "model.diffusion";
    DiffusionConfig d;
    d.type = r.string(node, "type", path, std::nullopt);
    if (d.type != "dit")
        r.fail(path + ".type", "is \"" + d.type + "\"; only \"dit\" is supported");
    const std::string objective = r.string(node, "diffusion_objective", path, std::string("v"));
    if (objective == "v")
        d.objective = DiffusionObjective::V;
    else if (objective == "rectified_flow")
        d.objective = DiffusionObjective::RectifiedFlow;
    else if (objective == "rf_denoiser")
        d.objective = DiffusionObjective::RfDenoiser;
    else
        r.fail(path + ".diffusion_objective",
               "is \"" + objective + "\"; supported: \"v\", \"rectified_flow\", \"rf_denoiser\"");
    d.crossAttentionCondIds = r.stringList(node, "cross_attention_cond_ids", path, false);
    d.globalCondIds = r.stringList(node, "global_cond_ids", path, false);
    for (const char* unsupported : {"input_concat_ids", "prepend_cond_ids"})
        if (!r.stringList(node, unsupported, path, false).empty())
            r.fail(Reader::join(path, unsupported), "is not supported by Footfall");
    if (const json* shift = r.find(node, "distribution_shift_options"))
        d.distributionShiftOptions = *shift;
    d.dit = parseDit(r, r.object(node, "config", path), path + ".config");
    return d;
}

} // namespace

const char* objectiveName(DiffusionObjective objective) {
    switch (objective) {
    case DiffusionObjective::V:
        return "v";
    case DiffusionObjective::RectifiedFlow:
        return "rectified_flow";
    case DiffusionObjective::RfDenoiser:
        return "rf_denoiser";
    }
    return "?";
}

int64_t DitConfig::rotaryDim() const {
    return std::max<int64_t>(dimHeads() / 2, 32);
}

const ConditionerConfig* ConditioningConfig::find(const std::string& id) const {
    for (const auto& c : configs)
        if (c.id == id)
            return &c;
    return nullptr;
}

ModelConfig parseModelConfig(const nlohmann::json& root, const std::string& source) {
    const Reader r(source);
    if (!root.is_object())
        throw GenerationError(source + ": not a JSON object");
    ModelConfig c;
    c.raw = root;
    c.modelType = r.string(root, "model_type", "", std::nullopt);
    if (c.modelType != "diffusion_cond")
        r.fail("model_type", "is \"" + c.modelType + "\"; only \"diffusion_cond\" is supported");
    c.sampleSize = r.integer(root, "sample_size", "", std::nullopt);
    c.sampleRate = r.integer(root, "sample_rate", "", std::nullopt);
    c.audioChannels = r.integer(root, "audio_channels", "", 2);
    const json& model = r.object(root, "model", "");
    c.ioChannels = r.integer(model, "io_channels", "model", std::nullopt);
    c.pretransform = parsePretransform(r, r.object(model, "pretransform", "model"));
    c.conditioning = parseConditioning(r, model);
    c.diffusion = parseDiffusion(r, r.object(model, "diffusion", "model"));

    // Consistency between sections: each would otherwise be a shape error at run time.
    const DitConfig& dit = c.diffusion.dit;
    if (c.pretransform.latentDim != c.ioChannels)
        r.fail("model.io_channels", "is " + std::to_string(c.ioChannels) +
                                        " but the autoencoder's latent_dim is " +
                                        std::to_string(c.pretransform.latentDim));
    if (dit.ioChannels != c.ioChannels)
        r.fail("model.diffusion.config.io_channels", "is " + std::to_string(dit.ioChannels) +
                                                         " but model.io_channels is " +
                                                         std::to_string(c.ioChannels));
    for (const auto& id : c.diffusion.crossAttentionCondIds)
        if (!c.conditioning.find(id))
            r.fail("model.diffusion.cross_attention_cond_ids",
                   "names \"" + id + "\", which is not in model.conditioning.configs");
    for (const auto& id : c.diffusion.globalCondIds) {
        const ConditionerConfig* cc = c.conditioning.find(id);
        if (!cc)
            r.fail("model.diffusion.global_cond_ids",
                   "names \"" + id + "\", which is not in model.conditioning.configs");
        if (cc->type != "number")
            r.fail("model.diffusion.global_cond_ids",
                   "names \"" + id + "\", a " + cc->type +
                       " conditioner; only number conditioners give one vector per item");
    }
    if (!c.diffusion.crossAttentionCondIds.empty() && dit.condTokenDim != c.conditioning.condDim)
        r.fail("model.diffusion.config.cond_token_dim",
               "is " + std::to_string(dit.condTokenDim) + " but the conditioners give " +
                   std::to_string(c.conditioning.condDim) + " (model.conditioning.cond_dim)");
    if (c.diffusion.crossAttentionCondIds.empty() && dit.condTokenDim > 0)
        r.fail("model.diffusion.cross_attention_cond_ids",
               "is empty but model.diffusion.config.cond_token_dim is " +
                   std::to_string(dit.condTokenDim));
    const int64_t globalWidth =
        c.conditioning.condDim * static_cast<int64_t>(c.diffusion.globalCondIds.size());
    if (dit.globalCondDim != globalWidth)
        r.fail("model.diffusion.config.global_cond_dim",
               "is " + std::to_string(dit.globalCondDim) + " but global_cond_ids give " +
                   std::to_string(globalWidth) + " (" +
                   std::to_string(c.diffusion.globalCondIds.size()) + " x cond_dim)");
    if (c.pretransform.ioChannels != c.audioChannels)
        r.fail("model.pretransform.config.io_channels",
               "is " + std::to_string(c.pretransform.ioChannels) + " but audio_channels is " +
                   std::to_string(c.audioChannels));
    return c;
}

PretransformConfig parsePretransformConfig(const nlohmann::json& pretransform,
                                           const std::string& source) {
    const Reader r(source);
    if (!pretransform.is_object())
        throw GenerationError(source + ": 'model.pretransform' must be a JSON object");
    return parsePretransform(r, pretransform);
}

DiffusionConfig parseDiffusionConfig(const nlohmann::json& diffusion, const std::string& source) {
    const Reader r(source);
    if (!diffusion.is_object())
        throw GenerationError(source + ": 'model.diffusion' must be a JSON object");
    return parseDiffusion(r, diffusion);
}

ModelConfig loadModelConfig(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw GenerationError("cannot open model config '" + path + "'");
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw GenerationError("model config '" + path + "' is not valid JSON: " + e.what());
    }
    ModelConfig c = parseModelConfig(root, "model config '" + path + "'");
    c.path = path;
    return c;
}

} // namespace footfall::model
