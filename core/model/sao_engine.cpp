// Stable Audio Open behind the Engine interface: finds the files of a downloaded
// stable-audio-open folder, checks them against each other without reading any weights, and
// runs takes through SaoPipeline (which loads on first use).
#include "model/sao_engine.h"

#include "model/lora_checkpoint_reader.h"
#include "model/safetensors.h"
#include "model/sao_pipeline.h"

#include <ATen/ATen.h>

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
    std::ifstream probe(path, std::ios::binary);
    char magic[2] = {0, 0};
    probe.read(magic, 2);
    if (magic[0] == 'P' && magic[1] == 'K') {
        const TorchCheckpoint ckpt = TorchCheckpoint::open(path);
        const PickleValue* dict = &ckpt.root();
        if (const PickleValue* sd = dict->get("state_dict"); sd && sd->isDict())
            dict = sd;
        if (!dict->isDict())
            throw GenerationError("checkpoint " + path + " holds no state dict");
        for (const auto& [k, v] : dict->entries)
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
        if (!request.loras.empty())
            throw GenerationError("LoRAs are not applied by the Stable Audio Open engine in this "
                                  "build yet; remove them from the request");
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
        m_pipeline->ensureLoaded(request.device);

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
            out.push_back(std::move(g));
        }
        return out;
    }

private:
    SaoEngineOptions m_options;
    std::unique_ptr<SaoPipeline> m_pipeline;
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

std::unique_ptr<Engine> makeSaoEngine(const SaoEngineOptions& options) {
    const SaoModelLocation files = locateSaoModel(options);
    validateModel(files);
    return std::make_unique<SaoEngine>(options, files);
}

} // namespace footfall
