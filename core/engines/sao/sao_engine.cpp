// Stable Audio Open behind the Engine interface: finds the files of a downloaded
// stable-audio-open folder, checks them against each other without reading any weights, and
// runs takes through SaoPipeline (which loads on first use).
#include "engines/sao/sao_engine.h"

#include "engines/sao/lora_cache.h"
#include "model/formats/weight_shapes.h"
#include "model/lora/lora_config.h"
#include "model/runtime/device.h"
#include "model/sao/sao_model.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace footfall {

using namespace model;

namespace {

std::string joinFirst(const std::vector<std::string>& items, size_t n) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < n; ++i)
        out += (i ? ", " : "") + items[i];
    if (items.size() > n)
        out += ", ...";
    return out;
}

// Compares declared parameters with a file's shapes: one error listing what is wrong.
void checkShapes(const ParameterList& declared, const WeightShapes& actual,
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
void validateModel(const SaoModelFiles& files) {
    const ModelConfig config = loadModelConfig(files.modelConfig);
    LoraTrainingConfig::fromModelConfig(config); // a bad `lora` section fails here, not later
    bool hasT5 = false;
    for (const auto& c : config.conditioning.configs)
        hasT5 = hasT5 || c.type == "t5";
    T5Config t5;
    if (hasT5)
        t5 = T5Config::fromFile(files.t5Config);

    // The SAO checkpoint: DiT + VAE + conditioners, exactly (the original loads strictly).
    const WeightShapes shapes = readWeightShapes(files.weights);
    ParameterList declared;
    DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
    dit.collectParameters(declared);
    for (const auto& [name, shape] :
         oobleckParameterShapes(config.pretransform, "pretransform.model."))
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
    const WeightShapes t5Shapes = readWeightShapes(files.t5Weights);
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

AudioBuffer toAudioBuffer(const at::Tensor& audio, int sampleRate) {
    const at::Tensor a = audio.to(at::kCPU, at::kFloat).contiguous();
    AudioBuffer out(static_cast<int>(a.size(0)), static_cast<size_t>(a.size(1)), sampleRate);
    for (int c = 0; c < out.channels(); ++c)
        std::copy(a[c].data_ptr<float>(), a[c].data_ptr<float>() + a.size(1), out.channel(c));
    return out;
}

class SaoEngine : public Engine {
public:
    SaoEngine(const EngineOptions& options, std::vector<LoraSelection> fixedLoras,
              const SaoModelFiles& files)
        : m_options(options), m_fixedLoras(std::move(fixedLoras)) {
        DeviceSettings settings;
        settings.device = options.device;
        settings.precision = options.precision;
        settings.lowMemory = options.lowMemory;
        m_pipeline = std::make_unique<SaoPipeline>(files, settings);
    }

    std::string name() const override { return "sao"; }
    std::vector<std::string> samplers() const override {
        // The model's default first, then the others its objective supports.
        std::vector<std::string> names{m_pipeline->defaultSampler()};
        for (const auto& n :
             m_pipeline->config().diffusion.isRectifiedFlow() ? rfSamplerNames() : kSamplerNames())
            if (n != names.front())
                names.push_back(n);
        return names;
    }
    std::vector<std::string> checkRequest(const GenerationRequest& request) const override {
        try {
            m_pipeline->plan(request.durationSeconds, m_options.fullWindow);
        } catch (const GenerationError& e) {
            return {e.what()};
        }
        return {};
    }
    std::string deviceDescription() const override {
        const ResolvedDevice& d = m_pipeline->device();
        return d.description + ", " + (d.precision.empty() ? dtypeName(d.dtype) : d.precision) +
               (m_pipeline->isLoaded() ? "" : " (not loaded yet)");
    }
    nlohmann::json modelInfo() const override { return m_pipeline->modelInfo(); }

    GeneratedAudio generate(const ResolvedTake& resolved, const ProgressCallback& progress,
                            const CancelToken* cancel) override {
        return std::move(generateBatch({resolved}, progress, cancel).front());
    }

    size_t batchPassSize(const std::vector<ResolvedTake>& takes, size_t from) const override {
        if (from >= takes.size())
            return 1;
        const GenerationRequest& first = takes[from].request;
        const size_t limit = first.engine.batchPass > 0
                                 ? static_cast<size_t>(first.engine.batchPass)
                                 : automaticPassLimit(first);
        const SaoTake pattern = saoTakeOf(first);
        size_t n = 1;
        while (from + n < takes.size() && n < limit) {
            const GenerationRequest& next = takes[from + n].request;
            if (!SaoPipeline::canShareBatch(pattern, saoTakeOf(next)) ||
                !(next.loras == first.loras))
                break;
            ++n;
        }
        return n;
    }

    std::vector<GeneratedAudio> generateBatch(const std::vector<ResolvedTake>& takes,
                                              const ProgressCallback& progress,
                                              const CancelToken* cancel) override {
        if (takes.empty())
            return {};
        const ResolvedTake& first = takes.front();
        const int passTakes = static_cast<int>(takes.size());
        if (progress)
            progress({Phase::Loading, 0, 0, first.index, first.count, passTakes});
        // LoRA files and configs are read (or taken from the cache) before the model loads.
        // Every take of a pass has the same LoRAs (batchPassSize).
        const ResolvedLoras loras = resolveLoras(first.request);
        m_pipeline->ensureLoaded(m_options.device, [cancel] { throwIfCancelled(cancel); });
        throwIfCancelled(cancel);
        const auto mergeStart = std::chrono::steady_clock::now();
        const bool switched = m_loras.merge(*m_pipeline, loras);
        const double mergeMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - mergeStart)
                .count();

        std::vector<SaoTake> saoTakes;
        for (const ResolvedTake& t : takes)
            saoTakes.push_back(saoTakeOf(t.request));
        std::vector<SaoOutput> results;
        try {
            results =
                m_pipeline->generateBatch(saoTakes, progress, cancel, first.index, first.count);
        } catch (const c10::Error& e) {
            // A LibTorch failure inside an op: its message without the C++ backtrace.
            throw GenerationError("the model failed on " + m_pipeline->device().description + " (" +
                                  m_pipeline->device().precision +
                                  "): " + e.what_without_backtrace());
        }
        std::vector<GeneratedAudio> out;
        for (SaoOutput& result : results) {
            GeneratedAudio g;
            g.audio =
                toAudioBuffer(result.audio, static_cast<int>(m_pipeline->config().sampleRate));
            g.engineDetails = std::move(result.details);
            if (!loras.specs.empty())
                g.engineDetails["loras"] = loras.details;
            if (switched && out.empty()) // the pass's first take paid for the switch
                g.engineDetails["lora_switch"] = {
                    {"unmerge_merge_ms", mergeMs},
                    {"dit_prepare_ms", m_pipeline->lastPrepareMilliseconds()}};
            out.push_back(std::move(g));
        }
        return out;
    }

private:
    // The engine's LoRAs then the request's.
    ResolvedLoras resolveLoras(const GenerationRequest& request) {
        std::vector<LoraSelection> selections = m_fixedLoras;
        selections.insert(selections.end(), request.loras.begin(), request.loras.end());
        return m_loras.resolve(selections, m_pipeline->config());
    }

    SaoTake saoTakeOf(const GenerationRequest& request) const {
        SaoTake take;
        take.prompt = request.prompt;
        take.negativePrompt = request.negativePrompt;
        take.durationSeconds = request.durationSeconds;
        take.fullWindow = m_options.fullWindow;
        take.sampling.sampler = request.sampler;
        take.sampling.steps = request.steps;
        take.sampling.cfgScale = request.cfgScale;
        take.seed = static_cast<uint64_t>(request.seed);
        take.initAudioPath = request.initAudioPath;
        take.initNoiseLevel = request.initNoiseLevel;
        return take;
    }

    // As many takes per pass as half the free memory holds, at most kMaxAutomaticPass. A pass
    // shows its takes only when it is done, and a cancel loses all of it: on this project's
    // 2-core CPU, 8 takes of the tiny model came at 69 / 79 / 86 takes per minute in passes of
    // 1 / 4 / 8, so 4 keeps most of the gain while the first take comes twice as soon as with 8.
    // One in low-memory mode. A GPU's free memory is not known here: CUDA passes take
    // kMaxAutomaticPass too.
    size_t automaticPassLimit(const GenerationRequest& request) const {
        constexpr size_t kMaxAutomaticPass = 4;
        if (m_options.lowMemory)
            return 1;
        if (m_pipeline->device().device.is_cuda())
            return kMaxAutomaticPass;
        const std::optional<int64_t> available = availableHostMemory();
        if (!available)
            return 1;
        LatentPlan plan;
        try {
            plan = m_pipeline->plan(request.durationSeconds, m_options.fullWindow);
        } catch (const GenerationError&) {
            return 1;
        }
        const int64_t perTake = std::max<int64_t>(1, m_pipeline->passBytesPerTake(plan));
        const auto fits = static_cast<size_t>(std::max<int64_t>(1, *available / 2 / perTake));
        return std::min(fits, kMaxAutomaticPass);
    }

    EngineOptions m_options;
    std::vector<LoraSelection> m_fixedLoras; // applied before the request's own
    std::unique_ptr<SaoPipeline> m_pipeline;
    LoraCache m_loras;
};

} // namespace

bool isLoraFile(const std::string& path) {
    try {
        for (const auto& entry : readWeightShapes(path))
            if (endsWith(entry.first, "lora_down.weight"))
                return true;
    } catch (const std::exception&) {
    }
    return false;
}

std::unique_ptr<Engine> makeSaoEngine(const EngineOptions& options,
                                      const std::vector<LoraSelection>& fixedLoras) {
    const SaoModelFiles files =
        locateSaoModel(options.modelDir, options.checkpoint, options.config, options.t5Dir);
    validateModel(files);
    return std::make_unique<SaoEngine>(options, fixedLoras, files);
}

} // namespace footfall
