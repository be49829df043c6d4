// One Stable Audio Open generation, as stable-audio-tools' generate_diffusion_cond does it
// (spec sections 1 and 10): seed -> noise -> conditioning -> sampling -> VAE decode -> trim.
// Owns the loaded model (DiT, VAE, conditioners with T5) on one device.
// Torch header: include only from core/model, tests.
#pragma once

#include "engine/engine.h"
#include "model/conditioners.h"
#include "model/dit.h"
#include "model/model_config.h"
#include "model/noise.h"
#include "model/oobleck_vae.h"
#include "model/samplers.h"
#include "model/weights.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace footfall::model {

class LoraMerger;
struct LoraSpec;

// The files of one model, already located (sao_engine.cpp finds them in a model folder).
struct SaoModelFiles {
    std::string modelConfig; // model_config.json
    std::string weights;     // model.safetensors or model.ckpt
    std::string t5Config;    // text_encoder/config.json (HF T5 config)
    std::string t5Weights;   // text_encoder/model.safetensors (HF T5EncoderModel keys)
    std::string tokenizer;   // tokenizer/spiece.model; empty: token ids must be supplied
};

struct DeviceSettings {
    std::string device = "auto"; // auto | cpu | cuda
    // auto | fp32 | fp16 | bf16. CUDA computes in it; the CPU computes fp32 and only stores the
    // weights in fp16/bf16 (half the memory; upcast right before each op).
    std::string precision = "auto";
    // Free the T5 after encoding; VAE encoder only on demand; on the CPU, DiT weights stored
    // in fp16 (8x more accurate than bf16 in tests/model/tst_weight_storage.cpp).
    bool lowMemory = false;
};

struct ResolvedDevice {
    at::Device device = at::kCPU;
    at::ScalarType dtype = at::kFloat;        // compute: DiT, VAE, number conditioners
    at::ScalarType t5Dtype = at::kFloat;      // compute: float16 on CUDA, as the original runs T5
    at::ScalarType storageDtype = at::kFloat; // how those weights are held
    at::ScalarType t5StorageDtype = at::kFloat;
    std::string description; // "cpu (2 threads)", "cuda:0 NVIDIA H100 80GB HBM3 (79.1 GiB)"
    std::string note;        // why a request was not honoured as given (fallbacks)
};

// auto: CUDA when this libtorch has it and a GPU is visible, else the CPU. Throws
// GenerationError when "cuda" is asked for and unavailable, or for unknown names.
ResolvedDevice resolveDevice(const std::string& device, const std::string& precision);
const char* dtypeName(at::ScalarType type); // "float32", "float16", "bfloat16"

struct SamplerSettings {
    std::string sampler; // empty: the model's default (dpmpp-3m-sde / pingpong)
    int64_t steps = 100;
    double cfgScale = 7.0;
    std::optional<double> sigmaMin; // v models: default 0.3 (SAO 1.0 model card)
    std::optional<double> sigmaMax; // v models: default 500; RF: 1; with init audio: the level
    double rho = 1.0;
};

struct SaoTake {
    std::string prompt;
    std::string negativePrompt;
    double secondsStart = 0.0;
    double durationSeconds = 10.0; // seconds_total and the length of the returned audio
    bool fullWindow = false;       // generate the model's whole sample_size (trim afterwards)
    SamplerSettings sampling;
    uint64_t seed = 0;
    std::string initAudioPath; // optional: a variation of this audio
    double initNoiseLevel = 1.0;
};

struct SaoOutput {
    at::Tensor audio;   // [channels, frames] float32 on the CPU, trimmed to the duration
    at::Tensor latents; // [1, C, L] as sampled (on the model device)
    nlohmann::json details;
};

struct LatentPlan {
    int64_t latentLength = 0; // frames of the diffused latent
    int64_t sampleSize = 0;   // latentLength * downsampling ratio
    int64_t outputFrames = 0; // audio frames after trimming
    bool fullWindow = false;
};

class SaoPipeline {
public:
    // Parses and checks the config (cheap). Weights load on first use (ensureLoaded).
    SaoPipeline(SaoModelFiles files, DeviceSettings settings);
    ~SaoPipeline();

    const ModelConfig& config() const { return m_config; }
    const SaoModelFiles& files() const { return m_files; }
    const DeviceSettings& settings() const { return m_settings; }
    // Before loading: what resolveDevice() picks for the settings.
    const ResolvedDevice& device() const { return m_device; }
    bool isLoaded() const { return m_loaded; }
    std::string defaultSampler() const;
    double sampleRate() const { return static_cast<double>(m_config.sampleRate); }
    double windowSeconds() const;

    // Loads everything onto the resolved device (auto falls back to the CPU when CUDA loading
    // fails). `device` overrides the settings' device when not "auto"/empty; a different
    // device than the loaded one reloads. Without one, a loaded model stays where it is.
    void ensureLoaded(const std::string& device = {});

    // Latent length for a duration: only what it needs, rounded up to the model's minimum
    // (unless fullWindow). Throws GenerationError beyond the model's window.
    LatentPlan plan(double durationSeconds, bool fullWindow) const;

    SaoOutput generate(const SaoTake& take, const ProgressCallback& progress,
                       const CancelToken* cancel, int takeIndex = 0, int takes = 1);

    // --- Building blocks (parity tests use them with recorded inputs). ---
    MultiConditioner& conditioner();
    DiffusionTransformer& dit();
    OobleckVae& vae();
    // get_conditioning_inputs(conditioner(meta)), cast to the DiT dtype/device.
    ConditioningInputs condition(const std::vector<ConditioningMetadata>& batch);
    // sample_k / sample_rf on the DiT with CFG inside. `noise` unscaled N(0,1) [B, C, L].
    at::Tensor sample(const ConditioningInputs& cond, const ConditioningInputs* negative,
                      const at::Tensor& noise, const at::Tensor& initLatents,
                      const SamplerSettings& settings, NoiseSource* noiseSource,
                      const StepCallback& callback = {});
    at::Tensor decode(const at::Tensor& latents, const std::function<void()>& poll = {});
    // prepare_audio + pretransform.encode: audio [C, T] at `sampleRate` -> latents [1, C, L].
    at::Tensor encodeAudio(const at::Tensor& audio, int64_t sampleRate, int64_t sampleSize,
                           NoiseSource* noise, const std::function<void()>& poll = {});

    // Identities of the files, for metadata.
    nlohmann::json modelInfo() const;

    // --- LoRAs merged into the DiT's weights (spec section 8, LoraMerger). ---
    // `key` names the selection (files, strengths, modes, configs). When it equals the merged
    // one nothing happens; otherwise the weights go back to the base bit for bit and `loras`
    // are merged (all validated first: on a GenerationError the weights stay as they were).
    // An empty list (key "") means the base weights. Returns whether the weights changed.
    // sample() prepares the DiT (cross-attention K/V) on every call, after any merge.
    // A reload (another device) drops the merge: the next call merges again.
    bool mergeLoras(const std::vector<LoraSpec>& loras, const std::string& key);
    const std::string& mergedLoraKey() const { return m_loraKey; }
    // Milliseconds the last sample() spent in DiT::prepare.
    double lastPrepareMilliseconds() const { return m_lastPrepareMs; }

private:
    void loadOn(const ResolvedDevice& device);
    void unload();
    SamplerSettings resolvedSampling(const SamplerSettings& settings, bool withInit) const;

    SaoModelFiles m_files;
    DeviceSettings m_settings;
    ModelConfig m_config;
    T5Config m_t5Config;
    ResolvedDevice m_device;
    bool m_loaded = false;
    std::shared_ptr<const SpmTokenizer> m_tokenizer;
    std::unique_ptr<WeightSource> m_weights;
    std::unique_ptr<WeightSource> m_t5Weights;
    std::unique_ptr<MultiConditioner> m_conditioner;
    std::unique_ptr<DiffusionTransformer> m_dit;
    std::unique_ptr<OobleckVae> m_vae;
    std::unique_ptr<LoraMerger> m_loraMerger; // over m_dit's parameters; reset with it
    std::string m_loraKey;                    // what is merged now ("" = base weights)
    double m_lastPrepareMs = 0.0;
};

// torchaudio.transforms.Resample (sinc_interp_hann, width 6, rolloff 0.99), the resampler the
// original uses for init audio: audio [C, T] -> [C, ceil(T * out / in)].
at::Tensor resampleLikeTorchaudio(const at::Tensor& audio, int64_t inRate, int64_t outRate);

// The weights file as a WeightSource: safetensors (mmap) or a torch .ckpt read with the
// restricted unpickler (top-level "state_dict" or a flat dict of tensors).
std::unique_ptr<WeightSource> openModelWeights(const std::string& path);

// True when `path` starts like a zip (torch.save's format) rather than a safetensors header.
bool isTorchCheckpointFile(const std::string& path);

class TorchCheckpoint;
struct PickleValue;
// The state dict a model .ckpt holds: its top-level "state_dict", else the top-level dict.
// Throws GenerationError naming `path` when there is none.
const PickleValue& checkpointStateDict(const TorchCheckpoint& ckpt, const std::string& path);

} // namespace footfall::model
