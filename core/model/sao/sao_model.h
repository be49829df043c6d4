// One Stable Audio Open generation, as stable-audio-tools' generate_diffusion_cond does it
// seed -> noise -> conditioning -> sampling -> VAE decode -> trim.
// Owns the loaded model (DiT, VAE, conditioners with T5) on one device.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "base/cancel.h"
#include "base/errors.h"
#include "base/progress.h"
#include "model/runtime/device.h"
#include "model/runtime/weights.h"
#include "model/sao/conditioners.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/model_files.h"
#include "model/sao/noise.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/samplers.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

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
    int64_t outputFrames = 0; // audio frames after trimming (<= the decoded length)
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
    // `poll` (if set) runs between the parts (weights file, DiT, VAE, conditioners, T5), e.g.
    // to throw Cancelled: a cancelled load leaves nothing loaded.
    void ensureLoaded(const std::string& device = {}, const std::function<void()>& poll = {});

    // Latent length for a duration: only what it needs for the decoded audio to cover it (odd
    // VAE strides decode a little less than latents · ratio), rounded up to the model's minimum
    // (unless fullWindow). Throws GenerationError beyond the model's window.
    LatentPlan plan(double durationSeconds, bool fullWindow) const;

    SaoOutput generate(const SaoTake& take, const ProgressCallback& progress,
                       const CancelToken* cancel, int takeIndex = 0, int takes = 1);
    // Several takes in one DiT and VAE pass (CFG included): each output is the take generate()
    // makes alone (its own noise stream; equal within the float rounding of batched matmuls).
    // Progress names takes firstTake .. firstTake + size - 1 of totalTakes. Throws
    // GenerationError unless every pair canShareBatch.
    std::vector<SaoOutput> generateBatch(const std::vector<SaoTake>& takes,
                                         const ProgressCallback& progress,
                                         const CancelToken* cancel, int firstTake = 0,
                                         int totalTakes = 1);
    // Same length, window, sampling and negative-prompt use, no init audio: prompts and seeds
    // may differ.
    static bool canShareBatch(const SaoTake& a, const SaoTake& b);
    // Rough working memory one more take adds to a pass of this plan (DiT activations with CFG,
    // attention scores, and the VAE decode unless it decodes item by item): for sizing batches.
    int64_t passBytesPerTake(const LatentPlan& plan) const;

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

    // --- For merging LoRAs into the DiT's weights (engines/sao/lora_cache.h). ---
    // The DiT's weights by their checkpoint names (ParameterList::named()); loads the model
    // first. The tensors behind the pointers may be replaced (never written into) while no
    // generation runs. sample() prepares the DiT (cross-attention K/V) on every call, so a
    // replaced weight needs no other invalidation. On the CPU's bf16 path the weights are
    // unpacked to their plain layout first (DiffusionTransformer::collectParameters): call
    // packDitWeights() when done replacing them.
    std::vector<std::pair<std::string, at::Tensor*>> ditParameters();
    // Packs them again and closes the file reloadDitWeight() opened.
    void packDitWeights();
    // Whether reloadDitWeight() can serve (a safetensors weights file: a .ckpt would be read
    // whole, more memory than the copies it saves).
    bool canReloadDitWeights() const;
    // A DiT weight (ditParameters' key) read again from the weights file, converted as at load:
    // the base weight bit for bit, for a LoRA merge that keeps no copies (low-memory mode).
    // Throws GenerationError when the file changed on disk since the model was loaded (the
    // model then loads again on its next use) or cannot be read.
    at::Tensor reloadDitWeight(const std::string& key, const at::Tensor& like);
    // Changes whenever the loaded model is dropped (a reload on another device, a failed
    // load): the pointers of ditParameters() are then invalid and the DiT is back to its base
    // weights.
    uint64_t modelGeneration() const { return m_modelGeneration; }
    // Milliseconds the last sample() spent in DiT::prepare.
    double lastPrepareMilliseconds() const { return m_lastPrepareMs; }

private:
    void loadOn(const ResolvedDevice& device, const std::function<void()>& poll);
    // `target` with low-memory mode's storage rule applied (float16 for float32 on the CPU).
    WeightTarget stored(WeightTarget target) const;
    // Where and in what the T5's weights are kept (stored(): 16 bits in low-memory mode).
    WeightTarget t5Target(const ResolvedDevice& device) const;
    void unload();
    SamplerSettings resolvedSampling(const SamplerSettings& settings, bool withInit) const;

    SaoModelFiles m_files;
    DeviceSettings m_settings;
    ModelConfig m_config;
    T5Config m_t5Config;
    ResolvedDevice m_device;
    bool m_loaded = false;
    // The weights file as loaded (size, modification time): reloadDitWeight() reads only that.
    std::pair<uintmax_t, std::filesystem::file_time_type> m_weightsStamp;
    bool m_weightsChanged = false; // seen by reloadDitWeight(): ensureLoaded() loads again
    std::unique_ptr<WeightSource> m_reloadSource; // open during a merge (reloadDitWeight)
    std::shared_ptr<const SpmTokenizer> m_tokenizer;
    std::unique_ptr<WeightSource> m_weights;
    std::unique_ptr<WeightSource> m_t5Weights;
    std::unique_ptr<MultiConditioner> m_conditioner;
    std::unique_ptr<DiffusionTransformer> m_dit;
    std::unique_ptr<OobleckVae> m_vae;
    uint64_t m_modelGeneration = 0;
    double m_lastPrepareMs = 0.0;
};

} // namespace footfall::model
