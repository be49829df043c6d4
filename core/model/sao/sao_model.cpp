#include "model/sao/sao_model.h"

#include "io/audio_file.h"
#include "model/formats/torch_checkpoint.h"
#include "model/runtime/cpu_block_cache.h"
#include "model/runtime/torch_runtime.h"
#include "model/sao/resample.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

namespace fs = std::filesystem;

namespace footfall::model {
namespace {

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::pair<uintmax_t, fs::file_time_type> fileStamp(const std::string& path) {
    std::error_code sizeError, timeError;
    const uintmax_t size = fs::file_size(path, sizeError);
    const fs::file_time_type time = fs::last_write_time(path, timeError);
    return {sizeError ? 0 : size, timeError ? fs::file_time_type() : time};
}

nlohmann::json fileIdentity(const std::string& path) {
    if (path.empty())
        return nullptr;
    nlohmann::json j;
    j["file"] = fs::path(path).filename().string();
    j["path"] = path;
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (!ec)
        j["bytes"] = size;
    return j;
}

// PadCrop(randomize=False) + set_audio_channels of the original.
at::Tensor padCropChannels(const at::Tensor& audio, int64_t length, int64_t channels) {
    at::Tensor out = at::zeros({audio.size(0), length}, audio.options());
    const int64_t n = std::min(length, audio.size(1));
    out.narrow(1, 0, n).copy_(audio.narrow(1, 0, n));
    out = out.unsqueeze(0);
    if (channels == 1)
        return out.mean(1, true);
    if (channels == 2) {
        if (out.size(1) == 1)
            return out.repeat({1, 2, 1});
        if (out.size(1) > 2)
            return out.narrow(1, 0, 2);
    }
    return out;
}

} // namespace

SaoPipeline::SaoPipeline(SaoModelFiles files, DeviceSettings settings)
    : m_files(std::move(files)), m_settings(std::move(settings)) {
    m_config = loadModelConfig(m_files.modelConfig);
    if (m_config.modelType != "diffusion_cond")
        throw GenerationError(m_files.modelConfig + ": model_type is '" + m_config.modelType +
                              "'; Footfall runs diffusion_cond models (Stable Audio Open)");
    if (m_config.pretransform.downsamplingRatio <= 0 || m_config.sampleRate <= 0 ||
        m_config.sampleSize <= 0)
        throw GenerationError(m_files.modelConfig +
                              ": sample_size, sample_rate and the autoencoder pretransform "
                              "(downsampling_ratio) are required");
    bool needsT5 = false;
    for (const auto& c : m_config.conditioning.configs)
        needsT5 = needsT5 || c.type == "t5";
    if (needsT5) {
        if (m_files.t5Config.empty() || m_files.t5Weights.empty())
            throw GenerationError(m_files.modelConfig +
                                  " has a T5 prompt conditioner, but no T5 encoder was given");
        m_t5Config = T5Config::fromFile(m_files.t5Config);
    }
    m_device = resolveDevice(m_settings.device, m_settings.precision);
}

SaoPipeline::~SaoPipeline() = default;

std::string SaoPipeline::defaultSampler() const {
    return m_config.diffusion.isRectifiedFlow() ? "pingpong" : "dpmpp-3m-sde";
}

double SaoPipeline::windowSeconds() const {
    return static_cast<double>(m_config.latentLength() * m_config.pretransform.downsamplingRatio) /
           sampleRate();
}

// Low memory on the CPU keeps float32-stored weights in float16 (float32 compute): the DiT
// (4.2 GB of the 5.3 GB in fp32) and the T5 (220 MB instead of 440 MB while the prompt is
// encoded). Other storage dtypes are already 16-bit.
WeightTarget SaoPipeline::stored(WeightTarget target) const {
    if (m_settings.lowMemory && !target.device.is_cuda() && target.dtype == at::kFloat)
        target.dtype = at::kHalf;
    return target;
}

WeightTarget SaoPipeline::t5Target(const ResolvedDevice& device) const {
    return stored({device.t5StorageDtype, device.device, device.t5Dtype});
}

void SaoPipeline::unload() {
    m_loaded = false;
    m_reloadSource.reset();
    ++m_modelGeneration; // pointers into m_dit (LoRA merges) are about to dangle
    m_vae.reset();
    m_dit.reset();
    m_conditioner.reset();
    m_t5Weights.reset();
    m_weights.reset();
    releaseCachedCpuBlocks();
}

void SaoPipeline::loadOn(const ResolvedDevice& device, const std::function<void()>& poll) {
    unload();
    // Low-memory mode caches no freed blocks: the conversions' temporaries go back at once.
    std::optional<CpuMemoryPolicyScope> lowMemory;
    if (m_settings.lowMemory)
        lowMemory.emplace(0);
    const auto checkpoint = [&poll] {
        if (poll)
            poll();
    };
    const WeightTarget target{device.storageDtype, device.device, device.dtype, device.matmulDtype};
    const WeightTarget ditTarget = stored(target);
    if (!m_tokenizer && !m_files.tokenizer.empty())
        m_tokenizer = std::make_shared<const SpmTokenizer>(m_files.tokenizer);
    m_weights = openModelWeights(m_files.weights);
    m_weightsStamp = fileStamp(m_files.weights);
    m_weightsChanged = false;
    checkpoint();

    // The original loads its checkpoint strictly: any tensor outside the three parts is foreign.
    std::vector<std::string> stray;
    for (const auto& key : m_weights->keys())
        if (key.rfind("model.model.", 0) != 0 && key.rfind("pretransform.model.", 0) != 0 &&
            key.rfind("conditioner.", 0) != 0)
            stray.push_back(key);
    if (!stray.empty())
        throw GenerationError("weights " + m_files.weights + " hold " +
                              std::to_string(stray.size()) + " key(s) that are not part of a " +
                              "Stable Audio Open model, e.g. '" + stray.front() +
                              "' (a training checkpoint? unwrap it first)");

    m_dit = std::make_unique<DiffusionTransformer>(m_config.diffusion.dit,
                                                   m_config.diffusion.objective);
    m_dit->load(*m_weights, ditTarget);
    // Later repacks (LoRA switches) reuse freed pages, except where the peak matters most.
    m_dit->setReturnFreedMemory(m_settings.lowMemory);
    checkpoint();
    VaeLoadOptions vaeOptions;
    vaeOptions.target = {device.vaeStorageDtype, device.device, device.dtype,
                         device.vaeMatmulDtype};
    // The encoder (half the VAE, 310 MB at full size in float32) serves only init audio: it is
    // loaded when a variation first needs it (encodeAudio).
    vaeOptions.withEncoder = false;
    m_vae = std::make_unique<OobleckVae>(m_config.pretransform, *m_weights, vaeOptions);
    checkpoint();
    m_conditioner =
        std::make_unique<MultiConditioner>(m_config.conditioning, m_t5Config, m_tokenizer);
    m_conditioner->load(*m_weights, target);
    checkpoint();
    // Low-memory mode loads the T5 when a prompt needs encoding (condition()) and frees it
    // after: it is never in memory while the DiT samples or the VAE decodes. The file is opened
    // here all the same, so that a missing or damaged one fails the load, not the first take.
    if (m_conditioner->hasT5()) {
        m_t5Weights = std::make_unique<WeightSource>(WeightSource::open(m_files.t5Weights));
        if (!m_settings.lowMemory)
            m_conditioner->loadT5(*m_t5Weights, t5Target(device));
        checkpoint();
    }
    m_device = device;
    m_loaded = true;
    trimCpuMemory(); // conversion temporaries
    // Half-precision storage copied what it needs: keeping the float32 source open would hold
    // both copies (fully for a .ckpt, as mapped pages for safetensors). Reopened on demand.
    if (ditTarget.dtype != at::kFloat)
        m_weights.reset();
}

void SaoPipeline::ensureLoaded(const std::string& deviceOverride,
                               const std::function<void()>& poll) {
    if (m_weightsChanged)
        unload(); // the loaded weights are not the file's any more: load them again
    const bool explicitDevice = !deviceOverride.empty() && lower(deviceOverride) != "auto";
    // Without an explicit device, whatever is loaded stays (including a CPU fallback).
    if (m_loaded && !explicitDevice)
        return;
    const std::string wanted = explicitDevice ? deviceOverride : m_settings.device;
    ResolvedDevice r = resolveDevice(wanted, m_settings.precision);
    if (m_loaded && r.device == m_device.device && r.dtype == m_device.dtype &&
        r.storageDtype == m_device.storageDtype && r.matmulDtype == m_device.matmulDtype &&
        r.vaeMatmulDtype == m_device.vaeMatmulDtype)
        return;
    try {
        loadOn(r, poll);
    } catch (const GenerationError&) {
        unload();
        throw; // a file problem: the same on every device
    } catch (const Cancelled&) {
        unload();
        throw;
    } catch (const std::exception& e) {
        unload();
        const std::string lowered = lower(wanted.empty() ? "auto" : wanted);
        if (!r.device.is_cuda() || lowered != "auto")
            throw GenerationError(std::string("loading the model on ") + r.description +
                                  " failed: " + e.what());
        // Automatic choice: a GPU that cannot hold the model falls back to the CPU.
        const std::string reason = e.what();
        ResolvedDevice cpu = resolveDevice("cpu", m_settings.precision);
        cpu.note = "CUDA could not load the model (" + reason.substr(0, reason.find('\n')) +
                   "); fell back to the CPU";
        loadOn(cpu, poll);
    }
}

LatentPlan SaoPipeline::plan(double durationSeconds, bool fullWindow) const {
    if (!(durationSeconds > 0.0) || !std::isfinite(durationSeconds))
        throw GenerationError("the duration must be a positive number of seconds");
    const int64_t ratio = m_config.pretransform.downsamplingRatio;
    const int64_t patch = std::max<int64_t>(1, m_config.diffusion.dit.patchSize);
    const int64_t full = m_config.latentLength();
    LatentPlan p;
    p.fullWindow = fullWindow;
    const double samples = durationSeconds * sampleRate();
    const OobleckConfig& decoder = m_config.pretransform.decoder;
    const auto wanted = static_cast<int64_t>(std::llround(samples));
    if (fullWindow) {
        p.latentLength = full;
    } else {
        // Only the latents the duration needs, a whole number of the model's minimum unit.
        const auto needed =
            static_cast<int64_t>(std::ceil(samples / static_cast<double>(ratio) - 1e-9));
        p.latentLength = std::max<int64_t>(patch, (needed + patch - 1) / patch * patch);
        // Odd decoder strides decode a few samples fewer than latentLength · ratio: one more
        // unit when that shortfall would cut the take short (never past the window).
        while (oobleckDecodedLength(decoder, p.latentLength) < wanted &&
               p.latentLength + patch <= full)
            p.latentLength += patch;
    }
    if (p.latentLength > full && !fullWindow) {
        char message[256];
        std::snprintf(message, sizeof message,
                      "%.2f s is longer than this model's window of %.2f s (sample_size %lld at "
                      "%lld Hz)",
                      durationSeconds, windowSeconds(), static_cast<long long>(m_config.sampleSize),
                      static_cast<long long>(m_config.sampleRate));
        throw GenerationError(message);
    }
    const int64_t decoded = oobleckDecodedLength(decoder, p.latentLength);
    if (decoded < 1)
        throw GenerationError("the VAE decoder (" + std::to_string(decoder.strides.size()) +
                              " strides) cannot decode " + std::to_string(p.latentLength) +
                              " latents: use a longer duration");
    p.sampleSize = p.latentLength * ratio;
    p.outputFrames = std::max<int64_t>(1, std::min<int64_t>(decoded, wanted));
    return p;
}

MultiConditioner& SaoPipeline::conditioner() {
    ensureLoaded();
    return *m_conditioner;
}

DiffusionTransformer& SaoPipeline::dit() {
    ensureLoaded();
    return *m_dit;
}

OobleckVae& SaoPipeline::vae() {
    ensureLoaded();
    return *m_vae;
}

ConditioningInputs SaoPipeline::condition(const std::vector<ConditioningMetadata>& batch) {
    ensureLoaded();
    const MatmulPhaseThreads threads; // T5 is matmul-bound
    if (m_conditioner->hasT5() && !m_conditioner->isT5Loaded()) {
        if (!m_t5Weights) // low-memory mode closed it after the last encoding
            m_t5Weights = std::make_unique<WeightSource>(WeightSource::open(m_files.t5Weights));
        m_conditioner->loadT5(*m_t5Weights, t5Target(m_device));
    }
    ConditioningInputs in = assembleConditioning((*m_conditioner)(batch), m_config.diffusion);
    const auto options = at::TensorOptions().dtype(m_device.dtype).device(m_device.device);
    if (in.crossAttnCond.defined())
        in.crossAttnCond = in.crossAttnCond.to(options);
    if (in.globalCond.defined())
        in.globalCond = in.globalCond.to(options);
    return in;
}

SamplerSettings SaoPipeline::resolvedSampling(const SamplerSettings& s, bool) const {
    SamplerSettings r = s;
    if (r.sampler.empty())
        r.sampler = defaultSampler();
    if (m_config.diffusion.isRectifiedFlow()) {
        if (!r.sigmaMax)
            r.sigmaMax = 1.0;
        r.sigmaMin.reset(); // generate_diffusion_cond drops it for RF models
    } else {
        // The SAO 1.0 model card's sigma range (gradio uses 0.01 / 100).
        if (!r.sigmaMin)
            r.sigmaMin = 0.3;
        if (!r.sigmaMax)
            r.sigmaMax = 500.0;
    }
    if (r.steps < 1)
        throw GenerationError("steps must be at least 1");
    return r;
}

at::Tensor SaoPipeline::sample(const ConditioningInputs& cond, const ConditioningInputs* negative,
                               const at::Tensor& noise, const at::Tensor& initLatents,
                               const SamplerSettings& settings, NoiseSource* noiseSource,
                               const StepCallback& callback) {
    ensureLoaded();
    const MatmulPhaseThreads threads(m_device.matmulDtype); // the DiT is matmul-bound
    const auto options = at::TensorOptions().dtype(m_device.dtype).device(m_device.device);
    DitConditioning dc;
    dc.crossAttnCond = cond.crossAttnCond;
    dc.globalCond = cond.globalCond;
    if (negative) {
        dc.negativeCrossAttnCond = negative->crossAttnCond.to(options);
        dc.negativeCrossAttnMask = negative->crossAttnMask;
    }
    DitGuidance guidance;
    guidance.cfgScale = settings.cfgScale;
    const auto prepareStart = std::chrono::steady_clock::now();
    const DiffusionTransformer::Prepared prepared = m_dit->prepare(dc, guidance);
    m_lastPrepareMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - prepareStart)
            .count();
    const DiffusionTransformer& dit = *m_dit;
    const ModelFn model = [&dit, &prepared](const at::Tensor& x, const at::Tensor& t) {
        return dit.forward(x, t, prepared);
    };
    const SamplerSettings s = resolvedSampling(settings, initLatents.defined());
    const at::Tensor x0 = noise.to(options);
    const at::Tensor init = initLatents.defined() ? initLatents.to(options) : at::Tensor();
    if (m_config.diffusion.isRectifiedFlow()) {
        RfSamplingOptions o;
        o.sampler = s.sampler;
        o.steps = s.steps;
        o.sigmaMax = *s.sigmaMax;
        return sampleRf(model, x0, init, o, noiseSource, callback);
    }
    KSamplingOptions o;
    o.sampler = s.sampler;
    o.steps = s.steps;
    o.sigmaMin = *s.sigmaMin;
    o.sigmaMax = *s.sigmaMax;
    o.rho = s.rho;
    return sampleK(model, x0, init, o, noiseSource, callback);
}

at::Tensor SaoPipeline::decode(const at::Tensor& latents, const std::function<void()>& poll) {
    ensureLoaded();
    return m_vae->decode(latents.to(m_device.device, m_device.dtype), poll);
}

at::Tensor SaoPipeline::encodeAudio(const at::Tensor& audio, int64_t rate, int64_t sampleSize,
                                    NoiseSource* noise, const std::function<void()>& poll) {
    ensureLoaded();
    const int64_t channels = m_config.pretransform.ioChannels > 0 ? m_config.pretransform.ioChannels
                                                                  : m_config.audioChannels;
    at::Tensor x =
        resampleLikeTorchaudio(audio.to(m_device.device, at::kFloat), rate, m_config.sampleRate);
    x = padCropChannels(x, sampleSize, channels).to(m_device.dtype);
    if (m_vae->hasEncoder())
        return m_vae->encode(x, noise, poll);
    // The first variation from audio loads the whole VAE. It replaces the decoder-only one,
    // except in low-memory mode, which keeps it for this variation only.
    VaeLoadOptions options;
    options.target = {m_device.vaeStorageDtype, m_device.device, m_device.dtype,
                      m_device.vaeMatmulDtype};
    const std::unique_ptr<WeightSource> reopened =
        m_weights ? nullptr : openModelWeights(m_files.weights);
    auto full = std::make_unique<OobleckVae>(m_config.pretransform,
                                             m_weights ? *m_weights : *reopened, options);
    if (m_settings.lowMemory)
        return full->encode(x, noise, poll);
    m_vae = std::move(full);
    return m_vae->encode(x, noise, poll);
}

std::vector<std::pair<std::string, at::Tensor*>> SaoPipeline::ditParameters() {
    ensureLoaded();
    ParameterList params;
    m_dit->collectParameters(params);
    return params.named();
}

void SaoPipeline::packDitWeights() {
    m_reloadSource.reset();
    if (m_dit)
        m_dit->packWeights();
}

bool SaoPipeline::canReloadDitWeights() const {
    return !isTorchCheckpointFile(m_files.weights);
}

at::Tensor SaoPipeline::reloadDitWeight(const std::string& key, const at::Tensor& like) {
    if (!m_dit)
        throw GenerationError("DiT weight '" + key + "' asked for with no model loaded");
    if (!m_reloadSource) {
        if (fileStamp(m_files.weights) != m_weightsStamp) {
            m_weightsChanged = true;
            throw GenerationError(
                "the model's weights file " + m_files.weights +
                " changed on disk (or is gone) since it was loaded, so the LoRA cannot be "
                "taken off it: the model loads again for the next take");
        }
        m_reloadSource = openModelWeights(m_files.weights);
    }
    return m_dit->loadedParameter(*m_reloadSource, key, like.sizes());
}

nlohmann::json SaoPipeline::modelInfo() const {
    nlohmann::json j;
    j["model_config"] = fileIdentity(m_files.modelConfig);
    j["weights"] = fileIdentity(m_files.weights);
    j["t5_config"] = fileIdentity(m_files.t5Config);
    j["t5_weights"] = fileIdentity(m_files.t5Weights);
    j["tokenizer"] = fileIdentity(m_files.tokenizer);
    j["objective"] = objectiveName(m_config.diffusion.objective);
    j["sample_rate"] = m_config.sampleRate;
    j["sample_size"] = m_config.sampleSize;
    j["window_seconds"] = windowSeconds();
    return j;
}

SaoOutput SaoPipeline::generate(const SaoTake& take, const ProgressCallback& progress,
                                const CancelToken* cancel, int takeIndex, int takes) {
    return std::move(generateBatch({take}, progress, cancel, takeIndex, takes).front());
}

bool SaoPipeline::canShareBatch(const SaoTake& a, const SaoTake& b) {
    const SamplerSettings &x = a.sampling, &y = b.sampling;
    // Init audio spends each take's noise stream on its own encoding: one take per pass.
    return a.initAudioPath.empty() && b.initAudioPath.empty() &&
           a.durationSeconds == b.durationSeconds && a.secondsStart == b.secondsStart &&
           a.fullWindow == b.fullWindow && a.negativePrompt.empty() == b.negativePrompt.empty() &&
           x.sampler == y.sampler && x.steps == y.steps && x.cfgScale == y.cfgScale &&
           x.sigmaMin == y.sigmaMin && x.sigmaMax == y.sigmaMax && x.rho == y.rho;
}

int64_t SaoPipeline::passBytesPerTake(const LatentPlan& plan) const {
    const DitConfig& dit = m_config.diffusion.dit;
    const int64_t tokens = plan.latentLength / std::max<int64_t>(1, dit.patchSize) + 1;
    const int64_t branches = 2; // CFG: the conditional and the unconditional row
    // Residual stream, q/k/v, attention output and the feed-forward's inner width live at once.
    const int64_t activations = tokens * (8 * dit.embedDim + 2 * dit.ffInnerDim());
    const int64_t scores = dit.numHeads * tokens * tokens; // one layer's attention at a time
    int64_t bytes = branches * (activations + scores) * 4;
    const PretransformConfig& vae = m_config.pretransform;
    const int64_t samples = plan.latentLength * vae.downsamplingRatio;
    bytes += samples * std::max<int64_t>(1, vae.ioChannels) * 4 * 2; // decoded audio + a copy
    if (!vae.iterateBatch) // the whole batch decodes at once: its widest stages per take
        bytes += samples * vae.decoder.channels * 4 * 3;
    return bytes;
}

std::vector<SaoOutput> SaoPipeline::generateBatch(const std::vector<SaoTake>& takes,
                                                  const ProgressCallback& progress,
                                                  const CancelToken* cancel, int firstTake,
                                                  int totalTakes) {
    if (takes.empty())
        return {};
    // Declared first, so it runs after every temporary of the pass is freed: the blocks the
    // pass's large activations leave cached go back to the kernel, done or cancelled.
    struct ReleaseCachedBlocks {
        ~ReleaseCachedBlocks() { releaseCachedCpuBlocks(); }
    } releaseAtEnd;
    std::optional<CpuMemoryPolicyScope> lowMemory;
    if (m_settings.lowMemory)
        lowMemory.emplace(0); // no freed blocks cached for reuse: memory over speed
    const SaoTake& first = takes.front();
    for (size_t i = 1; i < takes.size(); ++i)
        if (!canShareBatch(first, takes[i]))
            throw GenerationError("these takes cannot share one pass (different duration, "
                                  "sampling settings or init audio)");
    const int passTakes = static_cast<int>(takes.size());
    const auto report = [&](Phase phase, int step, int total) {
        if (progress)
            progress({phase, step, total, firstTake, totalTakes, passTakes});
    };
    const auto poll = [cancel] { throwIfCancelled(cancel); };

    throwIfCancelled(cancel);
    const LatentPlan plan = this->plan(first.durationSeconds, first.fullWindow);
    report(Phase::Loading, 0, 0);
    ensureLoaded();
    throwIfCancelled(cancel);

    // torch.manual_seed(seed); noise = torch.randn([1, io_channels, latent_len]) first, as the
    // original; init-audio encoding and pingpong continue the same stream. One stream per take,
    // so a take in a batch gets the numbers it gets alone.
    std::vector<std::unique_ptr<SeededNoise>> streams;
    std::vector<NoiseSource*> sources;
    std::vector<at::Tensor> noises;
    const int64_t channels =
        m_config.ioChannels > 0 ? m_config.ioChannels : m_config.diffusion.dit.ioChannels;
    for (const SaoTake& t : takes) {
        streams.push_back(std::make_unique<SeededNoise>(t.seed, m_device.device));
        sources.push_back(streams.back().get());
        noises.push_back(streams.back()->randn({1, channels, plan.latentLength}));
    }
    StackedNoise rng(sources);
    const at::Tensor noise = at::cat(noises, 0);

    report(Phase::Encoding, 0, 0);
    std::vector<ConditioningMetadata> metas, negatives;
    for (const SaoTake& t : takes) {
        ConditioningMetadata meta;
        for (const auto& t5 : m_conditioner->t5Conditioners())
            meta.texts[t5->id()] = t.prompt;
        meta.numbers["seconds_start"] = t.secondsStart;
        meta.numbers["seconds_total"] = t.durationSeconds;
        metas.push_back(meta);
        for (auto& [id, text] : meta.texts)
            text = t.negativePrompt;
        negatives.push_back(std::move(meta));
    }
    const ConditioningInputs cond = condition(metas);
    std::optional<ConditioningInputs> negative;
    if (!first.negativePrompt.empty())
        negative = condition(negatives);
    if (m_settings.lowMemory) {
        m_conditioner->releaseT5();
        m_t5Weights.reset(); // unmap its file too
        trimCpuMemory();     // and hand its freed heap pages back before sampling
    }
    throwIfCancelled(cancel);

    SamplerSettings sampling = first.sampling;
    at::Tensor initLatents;
    if (!first.initAudioPath.empty()) { // a pass of one take (canShareBatch)
        const AudioBuffer buffer = readAudioFile(first.initAudioPath);
        if (buffer.empty())
            throw GenerationError("the init audio " + first.initAudioPath + " has no samples");
        at::Tensor audio = at::empty({buffer.channels(), static_cast<int64_t>(buffer.frames())});
        for (int c = 0; c < buffer.channels(); ++c)
            std::memcpy(audio[c].data_ptr<float>(), buffer.channel(c),
                        buffer.frames() * sizeof(float));
        initLatents = encodeAudio(audio, buffer.sampleRate(), plan.sampleSize, &rng, poll);
        sampling.sigmaMax = first.initNoiseLevel;
    }
    const SamplerSettings resolved = resolvedSampling(sampling, initLatents.defined());

    const StepCallback onStep = [&](const SamplerStep& step) {
        throwIfCancelled(cancel);
        report(Phase::Sampling, step.index + 1, step.count);
    };
    report(Phase::Sampling, 0, static_cast<int>(resolved.steps));
    const at::Tensor latents =
        sample(cond, negative ? &*negative : nullptr, noise, initLatents, resolved, &rng, onStep);
    throwIfCancelled(cancel);

    report(Phase::Decoding, 0, 0);
    std::optional<CpuMemoryPolicyScope> decodeMemory;
    if (m_settings.lowMemory) {
        trimCpuMemory(); // the heap pages sampling freed, before the decode's peak
        // Every decoder tensor of 1 MB or more in its own mapping, returned when freed: the C
        // heap keeps its high-water mark, which fragmentation by the stages' and tiles'
        // varying sizes puts far above what is alive at once (a 6 s SAO 1.0 decode peaked
        // 480 MB over its start that way; now below the T5 encode's peak).
        decodeMemory.emplace(0, std::size_t(1) << 20);
    }
    const at::Tensor decoded = decode(latents, poll);
    decodeMemory.reset();
    // Odd decoder strides make fewer than latentLength * ratio samples (OobleckVae::decodedLength).
    const int64_t frames = std::min<int64_t>(plan.outputFrames, decoded.size(2));

    std::vector<SaoOutput> outputs;
    for (int i = 0; i < passTakes; ++i) {
        const SaoTake& take = takes[static_cast<size_t>(i)];
        SaoOutput out;
        out.latents = latents.narrow(0, i, 1);
        out.audio = decoded[i].narrow(1, 0, frames).to(at::kCPU, at::kFloat).contiguous();
        nlohmann::json& d = out.details;
        d["sampler"] = resolved.sampler;
        d["steps"] = resolved.steps;
        d["cfg_scale"] = resolved.cfgScale;
        d["sigma_min"] = resolved.sigmaMin ? nlohmann::json(*resolved.sigmaMin) : nlohmann::json();
        d["sigma_max"] = resolved.sigmaMax ? nlohmann::json(*resolved.sigmaMax) : nlohmann::json();
        d["rho"] = resolved.rho;
        d["objective"] = objectiveName(m_config.diffusion.objective);
        d["seed"] = take.seed;
        d["seconds_start"] = take.secondsStart;
        d["seconds_total"] = take.durationSeconds;
        d["latent_length"] = plan.latentLength;
        d["sample_size"] = plan.sampleSize;
        d["window"] = plan.fullWindow ? "full" : "duration";
        d["window_seconds"] = windowSeconds();
        d["output_frames"] = frames;
        d["device"] = m_device.description;
        d["dtype"] = dtypeName(m_device.dtype);
        d["precision"] = m_device.precision;
        d["precision_reason"] = m_device.precisionReason;
        d["matmul_dtype"] = dtypeName(m_device.matmulDtype.value_or(m_device.dtype));
        d["matmul_kernel"] = matmulKernelName(m_device, m_dit->packedWeightCount() > 0);
        d["vae_matmul_dtype"] = dtypeName(m_device.vaeMatmulDtype.value_or(m_device.dtype));
        if (!m_device.device.is_cuda())
            d["cpu_features"] = cpuFeatures().flagList();
        d["weights_dtype"] = dtypeName(m_dit->storageDtype());
        d["t5_dtype"] = dtypeName(m_device.t5Dtype);
        d["t5_weights_dtype"] = dtypeName(t5Target(m_device).dtype);
        if (!m_device.note.empty())
            d["device_note"] = m_device.note;
        d["low_memory"] = m_settings.lowMemory;
        d["noise"] = "torch.manual_seed(seed) stream on " +
                     std::string(m_device.device.is_cuda() ? "cuda" : "cpu") +
                     (resolved.sampler.find("sde") != std::string::npos
                          ? "; SDE noise drawn from the same stream (the original's Brownian tree "
                            "is unseeded)"
                          : "");
        if (passTakes > 1) // same audio as alone, within float rounding of the batched matmuls
            d["batch_pass"] = {{"takes", passTakes}, {"index", i}};
        if (!take.negativePrompt.empty())
            d["negative_prompt"] = take.negativePrompt;
        if (!take.initAudioPath.empty()) {
            d["init_audio"] = take.initAudioPath;
            d["init_noise_level"] = take.initNoiseLevel;
        }
        outputs.push_back(std::move(out));
    }
    return outputs;
}

} // namespace footfall::model
