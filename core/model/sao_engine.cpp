// Stable Audio Open behind the Engine interface: finds the files of a downloaded
// stable-audio-open folder, checks them against each other without reading any weights, and
// runs takes through SaoPipeline (which loads on first use).
#include "model/sao_engine.h"

#include "model/lora_apply.h"
#include "model/lora_checkpoint_reader.h"
#include "model/lora_file.h"
#include "model/safetensors.h"
#include "model/sao_pipeline.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;

namespace footfall {

using namespace model;

namespace {

using ShapeMap = std::map<std::string, std::vector<int64_t>>;

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::string joinFirst(const std::vector<std::string>& items, size_t n) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < n; ++i)
        out += (i ? ", " : "") + items[i];
    if (items.size() > n)
        out += ", ...";
    return out;
}

// Names and shapes of a weights file from its header / pickle only (no tensor data read).
ShapeMap fileShapes(const std::string& path) {
    ShapeMap shapes;
    if (isTorchCheckpointFile(path)) {
        const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
        for (const auto& [k, v] : checkpointStateDict(ckpt, path).entries)
            if (k->kind == PickleValue::Kind::String && v->kind == PickleValue::Kind::Tensor)
                shapes[k->text] = v->tensor.sizes;
        return shapes;
    }
    const SafetensorsFile file = SafetensorsFile::open(path);
    for (const auto& key : file.keys())
        shapes[key] = file.info(key).shape;
    return shapes;
}

// Compares declared parameters with a file's shapes: one error listing what is wrong.
void checkShapes(const ParameterList& declared, const ShapeMap& actual,
                 const std::vector<std::string>& strictPrefixes, const std::string& weightsPath,
                 const std::string& configPath, const std::set<std::string>& alsoAllowed = {}) {
    std::vector<std::string> missing, misshaped, unexpected;
    std::set<std::string> names;
    for (const auto& e : declared.entries()) {
        names.insert(e.name);
        const auto it = actual.find(e.name);
        if (it == actual.end())
            missing.push_back("'" + e.name + "'");
        else if (it->second != e.shape)
            misshaped.push_back("'" + e.name + "' is " + shapeToString(it->second) + " but " +
                                fs::path(configPath).filename().string() + " implies " +
                                shapeToString(e.shape));
    }
    for (const auto& [key, shape] : actual) {
        if (names.count(key) || alsoAllowed.count(key))
            continue;
        for (const auto& prefix : strictPrefixes)
            if (key.rfind(prefix, 0) == 0) {
                unexpected.push_back("'" + key + "'");
                break;
            }
    }
    if (missing.empty() && misshaped.empty() && unexpected.empty())
        return;
    std::string message = weightsPath + " does not match " + configPath + ":";
    if (!missing.empty())
        message += " missing " + std::to_string(missing.size()) +
                   " key(s): " + joinFirst(missing, 4) + ".";
    if (!misshaped.empty())
        message += " wrong shape: " + joinFirst(misshaped, 3) + ".";
    if (!unexpected.empty())
        message += " unexpected " + std::to_string(unexpected.size()) +
                   " key(s): " + joinFirst(unexpected, 4) + ".";
    throw GenerationError(message);
}

// Everything makeSaoEngine can check without reading weights.
void validateModel(const SaoModelLocation& files) {
    const ModelConfig config = loadModelConfig(files.modelConfig);
    bool hasT5 = false;
    for (const auto& c : config.conditioning.configs)
        hasT5 = hasT5 || c.type == "t5";
    T5Config t5;
    if (hasT5)
        t5 = T5Config::fromFile(files.t5Config);

    // The SAO checkpoint: DiT + VAE + conditioners, exactly (the original loads strictly).
    const ShapeMap shapes = fileShapes(files.weights);
    ParameterList declared;
    DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
    dit.collectParameters(declared);
    for (const auto& [name, shape] : oobleckParameterShapes(
             vaeConfigFromModelConfig(config.raw, files.modelConfig), "pretransform.model."))
        declared.add(name, nullptr, shape);
    MultiConditioner conditioner(config.conditioning, t5, nullptr);
    conditioner.collectParameters(declared);
    std::vector<std::string> stray;
    for (const auto& [key, shape] : shapes)
        if (key.rfind("model.model.", 0) != 0 && key.rfind("pretransform.", 0) != 0 &&
            key.rfind("conditioner.", 0) != 0)
            stray.push_back("'" + key + "'");
    if (!stray.empty())
        throw GenerationError(files.weights + " holds " + std::to_string(stray.size()) +
                              " key(s) that are not part of a Stable Audio Open model: " +
                              joinFirst(stray, 3) + " (a training checkpoint? unwrap it first)");
    checkShapes(declared, shapes, {"model.model.", "pretransform.", "conditioner."}, files.weights,
                files.modelConfig);

    if (!hasT5)
        return;
    // The T5 encoder: either tied embedding key, nothing unknown under shared./encoder.
    // (a full t5-base file also has decoder.* and lm_head, which are ignored).
    const ShapeMap t5Shapes = fileShapes(files.t5Weights);
    T5Encoder encoder(t5);
    ParameterList t5Declared;
    encoder.collectParameters(t5Declared);
    ParameterList t5Check;
    const bool aliasOnly =
        !t5Shapes.count("shared.weight") && t5Shapes.count("encoder.embed_tokens.weight");
    for (const auto& e : t5Declared.entries())
        t5Check.add(aliasOnly && e.name == "shared.weight" ? "encoder.embed_tokens.weight" : e.name,
                    nullptr, e.shape);
    checkShapes(t5Check, t5Shapes, {"shared.", "encoder."}, files.t5Weights, files.t5Config,
                {"encoder.embed_tokens.weight", "shared.weight"});

    const SpmTokenizer tokenizer(files.tokenizer);
    if (tokenizer.vocabSize() > t5.vocabSize)
        throw GenerationError("the tokenizer " + files.tokenizer + " has " +
                              std::to_string(tokenizer.vocabSize()) + " pieces, more than the " +
                              std::to_string(t5.vocabSize) + " embeddings of the T5 in " +
                              files.t5Weights + " (they do not belong together)");
}

bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A LoRA file as read, kept while its size and modification time stay the same.
struct CachedLora {
    uint64_t size = 0;
    fs::file_time_type mtime;
    std::shared_ptr<const LoraFile> file;
    uint64_t lastUse = 0;
};

// The LoRAs of one request, ready for SaoPipeline::mergeLoras.
struct ResolvedLoras {
    std::vector<LoraSpec> specs;
    std::string key; // "" when there are none
    nlohmann::json details = nlohmann::json::array();
};

// Files kept parsed beyond those of the current request.
constexpr size_t kLoraCacheSize = 8;

std::string exactNumber(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%a", v);
    return text;
}

AudioBuffer toAudioBuffer(const at::Tensor& audio, int sampleRate) {
    const at::Tensor a = audio.to(at::kCPU, at::kFloat).contiguous();
    AudioBuffer out(static_cast<int>(a.size(0)), static_cast<size_t>(a.size(1)), sampleRate);
    for (int c = 0; c < out.channels(); ++c)
        std::copy(a[c].data_ptr<float>(), a[c].data_ptr<float>() + a.size(1), out.channel(c));
    return out;
}

class SaoEngine : public Engine {
public:
    SaoEngine(const SaoEngineOptions& options, const SaoModelLocation& files) : m_options(options) {
        SaoModelFiles f;
        f.modelConfig = files.modelConfig;
        f.weights = files.weights;
        f.t5Config = files.t5Config;
        f.t5Weights = files.t5Weights;
        f.tokenizer = files.tokenizer;
        DeviceSettings settings;
        settings.device = options.device;
        settings.precision = options.precision;
        settings.lowMemory = options.lowMemory;
        m_pipeline = std::make_unique<SaoPipeline>(f, settings);
    }

    std::string name() const override { return "sao"; }
    std::string defaultSampler() const override { return m_pipeline->defaultSampler(); }
    std::string deviceDescription() const override {
        const ResolvedDevice& d = m_pipeline->device();
        return d.description + ", " + dtypeName(d.dtype) +
               (m_pipeline->isLoaded() ? "" : " (not loaded yet)");
    }
    nlohmann::json modelInfo() const override { return m_pipeline->modelInfo(); }

    std::vector<GeneratedAudio> generate(const GenerationRequest& request,
                                         const ProgressCallback& progress,
                                         const CancelToken* cancel) override {
        const auto errors = validateRequest(request);
        if (!errors.empty())
            throw GenerationError(errors.front());
        const bool rf = m_pipeline->config().diffusion.isRectifiedFlow();
        if (!request.sampler.empty() &&
            !(rf ? isRfSampler(request.sampler) : isKSampler(request.sampler))) {
            std::string known;
            for (const auto& n : rf ? rfSamplerNames() : kSamplerNames())
                known += (known.empty() ? "" : ", ") + n;
            throw GenerationError("sampler '" + request.sampler + "' does not exist for this " +
                                  "model (" + known + ")");
        }
        // Cheap checks before loading anything.
        m_pipeline->plan(request.durationSeconds, m_options.fullWindow);
        if (progress)
            progress({Phase::Loading, 0, 0, 0, request.batchSize});
        // LoRA files and configs are read (or taken from the cache) before the model loads.
        const ResolvedLoras loras = resolveLoras(request);
        m_pipeline->ensureLoaded(request.device);
        throwIfCancelled(cancel);
        const auto mergeStart = std::chrono::steady_clock::now();
        const bool switched = m_pipeline->mergeLoras(loras.specs, loras.key);
        const double mergeMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mergeStart)
                .count();

        const std::int64_t seed = resolveSeed(request.seed);
        std::vector<GeneratedAudio> out;
        for (int i = 0; i < request.batchSize; ++i) {
            SaoTake take;
            take.prompt = request.prompt;
            take.negativePrompt = request.negativePrompt;
            take.durationSeconds = request.durationSeconds;
            take.fullWindow = m_options.fullWindow;
            take.sampling.sampler = request.sampler;
            take.sampling.steps = request.steps;
            take.sampling.cfgScale = request.cfgScale;
            take.seed = static_cast<uint64_t>(seed + i);
            take.initAudioPath = request.initAudioPath;
            take.initNoiseLevel = request.initNoiseLevel;
            SaoOutput result = m_pipeline->generate(take, progress, cancel, i, request.batchSize);
            GeneratedAudio g;
            g.audio =
                toAudioBuffer(result.audio, static_cast<int>(m_pipeline->config().sampleRate));
            g.seed = seed + i;
            g.engineDetails = std::move(result.details);
            if (!loras.specs.empty())
                g.engineDetails["loras"] = loras.details;
            if (switched && i == 0)
                g.engineDetails["lora_switch"] = {
                    {"unmerge_merge_ms", mergeMs},
                    {"dit_prepare_ms", m_pipeline->lastPrepareMilliseconds()}};
            out.push_back(std::move(g));
        }
        return out;
    }

private:
    // The parsed file for `path`: read once, again only when its size or mtime changes.
    std::shared_ptr<const LoraFile> loraFile(const std::string& path) {
        std::error_code ec;
        if (!fs::is_regular_file(path, ec))
            throw GenerationError("LoRA file not found: " + path);
        const uint64_t size = fs::file_size(path, ec);
        const fs::file_time_type mtime = ec ? fs::file_time_type() : fs::last_write_time(path, ec);
        if (ec)
            throw GenerationError("cannot read LoRA file '" + path + "': " + ec.message());
        auto it = m_loraCache.find(path);
        if (it == m_loraCache.end() || it->second.size != size || it->second.mtime != mtime) {
            auto file = std::make_shared<const LoraFile>(readLoraFile(path));
            it = m_loraCache.insert_or_assign(path, CachedLora{size, mtime, std::move(file), 0})
                     .first;
        }
        it->second.lastUse = ++m_loraTick;
        return it->second.file;
    }

    // Keeps the files in use plus the most recently used others, kLoraCacheSize at most.
    void trimLoraCache(const std::set<std::string>& inUse) {
        while (m_loraCache.size() > std::max(kLoraCacheSize, inUse.size())) {
            auto oldest = m_loraCache.end();
            for (auto it = m_loraCache.begin(); it != m_loraCache.end(); ++it)
                if (!inUse.count(it->first) &&
                    (oldest == m_loraCache.end() || it->second.lastUse < oldest->second.lastUse))
                    oldest = it;
            if (oldest == m_loraCache.end())
                return;
            m_loraCache.erase(oldest);
        }
    }

    // Training settings for one selection: its config's `lora` section, else the Lightning
    // checkpoint's embedded config, else the engine's model config, else none (alpha = rank).
    // `origin` names where they came from (null: nowhere).
    LoraTrainingConfig loraConfig(const LoraSelection& selection, const LoraFile& file,
                                  nlohmann::json& origin) const {
        origin = nullptr;
        if (!selection.configPath.empty()) {
            LoraTrainingConfig c = LoraTrainingConfig::fromFile(selection.configPath);
            if (c.present) {
                origin = selection.configPath;
                return c;
            }
        }
        if (file.embeddedConfig.is_object() && file.embeddedConfig.contains("lora")) {
            origin = "embedded in " + fs::path(file.path).filename().string();
            return LoraTrainingConfig::fromJson(file.embeddedConfig,
                                                file.path + " (embedded model_config)");
        }
        const ModelConfig& model = m_pipeline->config();
        if (model.raw.is_object() && model.raw.contains("lora")) {
            origin = m_pipeline->files().modelConfig;
            return LoraTrainingConfig::fromJson(model.raw, m_pipeline->files().modelConfig);
        }
        return {};
    }

    // The engine's LoRAs then the request's: parsed files, settings, the merge key and what
    // the take's metadata says about each (file identity, strength, mode, scale, rank, ...).
    ResolvedLoras resolveLoras(const GenerationRequest& request) {
        std::vector<LoraSelection> selections = m_options.loras;
        selections.insert(selections.end(), request.loras.begin(), request.loras.end());
        ResolvedLoras r;
        std::set<std::string> inUse;
        for (const LoraSelection& sel : selections) {
            if (!std::isfinite(sel.strength) || sel.strength < 0.0 ||
                sel.strength > RequestLimits::maxLoraStrength)
                throw GenerationError("LoRA " + sel.path + ": strength " +
                                      std::to_string(sel.strength) + " is outside 0..2");
            const std::shared_ptr<const LoraFile> file = loraFile(sel.path);
            inUse.insert(sel.path);
            const CachedLora& cached = m_loraCache.at(sel.path);
            nlohmann::json configOrigin;
            LoraSpec spec(file, sel.strength,
                          sel.lorawGradioCompatible ? LoraMergeMode::LorawGradioCompatible
                                                    : LoraMergeMode::TrainingFaithful);
            spec.config = loraConfig(sel, *file, configOrigin);
            spec.doraIgnoreMagnitude = sel.doraIgnoreMagnitude;
            const bool gradio = spec.mode == LoraMergeMode::LorawGradioCompatible;

            std::set<int64_t> ranks;
            for (const LoraModule& m : file->modules)
                ranks.insert(m.rank());
            std::set<double> scales;
            for (const int64_t rank : ranks) {
                const double configRank = double(spec.config.rank.value_or(rank));
                scales.insert(gradio ? 1.0 : spec.config.alpha.value_or(configRank) / configRank);
            }
            const auto oneOrAll = [](const auto& set) {
                return set.size() == 1 ? nlohmann::json(*set.begin()) : nlohmann::json(set);
            };
            // loraIdentity()'s fields, from the bytes the reader hashed (no second pass).
            nlohmann::json j = {{"file", fs::path(sel.path).filename().string()},
                                {"path", sel.path},
                                {"size", file->fileSize},
                                {"sha256", file->sha256},
                                {"strength", sel.strength}};
            j["mode"] = loraMergeModeName(spec.mode);
            j["scale"] = oneOrAll(scales);
            j["rank"] = oneOrAll(ranks);
            j["dora"] = file->hasDora();
            j["config"] = configOrigin;
            j["format"] = file->format;
            j["modules"] = file->modules.size();
            j["applied"] = sel.strength > 0.0;
            if (gradio) {
                j["effective_scale"] = sel.strength * sel.strength;
            } else {
                j["alpha"] =
                    spec.config.alpha ? nlohmann::json(*spec.config.alpha) : nlohmann::json("rank");
                j["multiplier"] = spec.config.multiplier;
                if (scales.size() == 1)
                    j["effective_scale"] = *scales.begin() * spec.config.multiplier * sel.strength;
            }
            if (file->hasDora())
                j["dora_handling"] = gradio || sel.doraIgnoreMagnitude
                                         ? "magnitude ignored (LoRAW gradio behaviour)"
                                         : "training-faithful";
            if (!sel.configPath.empty() && configOrigin != nlohmann::json(sel.configPath))
                j["config_note"] = sel.configPath + " has no `lora` section";
            r.details.push_back(std::move(j));

            // The merge key: what decides the merged weights, field by field.
            const std::string fields[] = {sel.path,
                                          std::to_string(cached.size),
                                          std::to_string(cached.mtime.time_since_epoch().count()),
                                          exactNumber(sel.strength),
                                          loraMergeModeName(spec.mode),
                                          spec.doraIgnoreMagnitude ? "dora-magnitude-ignored"
                                                                   : "dora-magnitude-used",
                                          spec.config.toJson().dump()};
            for (const std::string& field : fields)
                r.key += field + '\x1f';
            r.key += '\x1e';
            r.specs.push_back(std::move(spec));
        }
        trimLoraCache(inUse);
        return r;
    }

    SaoEngineOptions m_options;
    std::unique_ptr<SaoPipeline> m_pipeline;
    std::map<std::string, CachedLora> m_loraCache; // by path
    uint64_t m_loraTick = 0;
};

} // namespace

SaoModelLocation locateSaoModel(const SaoEngineOptions& o) {
    SaoModelLocation files;
    const fs::path dir = o.modelDir;
    const auto need = [](const fs::path& p, const std::string& what) {
        if (!isFile(p))
            throw GenerationError(what + " not found: " + p.string());
        return p.string();
    };
    if (!o.modelDir.empty()) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            throw GenerationError("model folder not found: " + o.modelDir);
    }
    if (!o.config.empty())
        files.modelConfig = need(o.config, "model config");
    else if (!o.modelDir.empty())
        files.modelConfig = need(dir / "model_config.json",
                                 "model_config.json (the stable-audio-open download has one)");
    else
        throw GenerationError("no model_config.json: give a model folder or --config");

    if (!o.checkpoint.empty())
        files.weights = need(o.checkpoint, "model weights");
    else if (isFile(dir / "model.safetensors"))
        files.weights = (dir / "model.safetensors").string();
    else if (isFile(dir / "model.ckpt"))
        files.weights = (dir / "model.ckpt").string();
    else
        throw GenerationError("model weights not found: neither " +
                              (dir / "model.safetensors").string() + " nor " +
                              (dir / "model.ckpt").string() + " exists");

    // T5: an explicit t5-base folder, else the download's text_encoder/ + tokenizer/.
    const fs::path t5Dir = !o.t5Dir.empty() ? fs::path(o.t5Dir) : dir / "text_encoder";
    const std::string t5What = !o.t5Dir.empty() ? "T5 folder file" : "T5 text encoder file";
    files.t5Config = need(t5Dir / "config.json", t5What);
    if (!isFile(t5Dir / "model.safetensors") && isFile(t5Dir / "pytorch_model.bin"))
        throw GenerationError("the T5 encoder in " + t5Dir.string() +
                              " is only a pytorch_model.bin; Footfall reads model.safetensors");
    files.t5Weights = need(t5Dir / "model.safetensors", t5What);
    const std::vector<fs::path> spiece = {t5Dir / "spiece.model",
                                          t5Dir / "tokenizer" / "spiece.model",
                                          dir / "tokenizer" / "spiece.model"};
    for (const auto& p : spiece)
        if (!p.empty() && isFile(p)) {
            files.tokenizer = p.string();
            break;
        }
    if (files.tokenizer.empty())
        throw GenerationError("T5 tokenizer spiece.model not found (looked in " +
                              (o.t5Dir.empty() ? (dir / "tokenizer").string() : t5Dir.string()) +
                              ")");
    return files;
}

bool isLoraFile(const std::string& path) {
    try {
        for (const auto& entry : fileShapes(path))
            if (endsWith(entry.first, "lora_down.weight"))
                return true;
    } catch (const std::exception&) {
    }
    return false;
}

std::unique_ptr<Engine> makeSaoEngine(const SaoEngineOptions& options) {
    const SaoModelLocation files = locateSaoModel(options);
    validateModel(files);
    return std::make_unique<SaoEngine>(options, files);
}

} // namespace footfall
