// The Oobleck VAE pretransform of Stable Audio Open (stable-audio-tools AudioAutoencoder with
// OobleckEncoder / OobleckDecoder, VAE bottleneck, AutoencoderPretransform). Spec section 6.
// Weights load under the original keys (`pretransform.model.encoder.layers.N...`), weight norm
// (weight_g / weight_v) folded into plain weights at load.
// Torch header: include only from core/model, core/runtime, tests.
#pragma once

#include "model/model_config.h"
#include "model/noise.h"
#include "model/weights.h"

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

// OobleckEncoder / OobleckDecoder constructor arguments (defaults as the original's).
struct OobleckCoderConfig {
    int64_t ioChannels = 2; // encoder in_channels / decoder out_channels
    int64_t channels = 128;
    std::vector<int64_t> cMults = {1, 2, 4, 8};
    std::vector<int64_t> strides = {2, 4, 8, 8};
    int64_t latentDim = 32; // encoder: output channels (2 x latent for a VAE); decoder: input
    bool useSnake = false;  // SnakeBeta, else ELU
    bool finalTanh = true;  // decoder only (SAO 1.0 sets false)
    bool nearestUpsample =
        false; // decoder only: nearest upsample + conv instead of transposed conv
};

// model.pretransform of model_config.json.
struct VaeConfig {
    OobleckCoderConfig encoder;
    OobleckCoderConfig decoder;
    bool vaeBottleneck = true; // bottleneck.type "vae" (absent: none)
    int64_t latentDim = 64;    // channels of the diffused latents
    int64_t downsamplingRatio = 2048;
    int64_t ioChannels = 2;    // audio channels
    double scale = 1.0;        // latents = encode / scale; decode(latents * scale)
    bool iterateBatch = false; // encode/decode one batch item at a time (memory only)
    bool softClip = false;     // decoder.soft_clip: tanh after decoding
    bool chunked = false;      // decode in overlapping chunks of 128 latents (overlap 32)
};

// `pretransform`: the model.pretransform object ({type, config, scale, iterate_batch, ...}).
// Throws GenerationError naming `origin` and the key for anything unsupported or inconsistent.
VaeConfig parseVaeConfig(const nlohmann::json& pretransform, const std::string& origin);
// The whole model_config.json (reads model.pretransform).
VaeConfig vaeConfigFromModelConfig(const nlohmann::json& modelConfig, const std::string& origin);
VaeConfig loadVaeConfig(const std::string& modelConfigPath);
// From engineer A's parsed config (re-reads its raw model.pretransform object).
VaeConfig vaeConfigFromModelConfig(const ModelConfig& modelConfig);

// Every checkpoint tensor of the VAE under `prefix` with its shape, in state_dict order
// (encoder, then decoder; per conv: bias, weight_g, weight_v; per SnakeBeta: alpha, beta).
// No tensors are allocated.
std::vector<std::pair<std::string, std::vector<int64_t>>>
oobleckParameterShapes(const VaeConfig& config, const std::string& prefix = "pretransform.model.");

struct VaeEncoding {
    at::Tensor preBottleneck; // encoder output [B, 2 latent, L]
    at::Tensor mean;          // [B, latent, L]
    at::Tensor scale;         // pre-softplus half
    at::Tensor stdev;         // softplus(scale) + 1e-4
    at::Tensor kl;            // (mean^2 + stdev^2 - log stdev^2 - 1).sum(1).mean(), 0-d
    at::Tensor latents;       // mean + stdev * noise (or mean), divided by the pretransform scale
};

struct VaeLoadOptions {
    std::string prefix = "pretransform.model.";
    // dtype: storage; computeDtype(): what encode/decode compute and return in (float32 on the
    // CPU; {kBFloat16 or kHalf, kCPU, kFloat} stores half the bytes and still computes float32).
    WeightTarget target;
    bool withEncoder = true; // false: decoder only (no init audio); encoder keys are ignored
};

class OobleckVae {
public:
    // Loads strictly: every declared key with its exact shape, and no unknown key under the
    // prefix (encoder keys are skipped when withEncoder is false). Throws GenerationError
    // naming the file and key.
    OobleckVae(const VaeConfig& config, const WeightSource& weights,
               const VaeLoadOptions& options = {});
    ~OobleckVae();
    OobleckVae(OobleckVae&&) noexcept;
    OobleckVae& operator=(OobleckVae&&) noexcept;

    const VaeConfig& config() const;
    bool hasEncoder() const;
    at::ScalarType computeDtype() const; // inputs are converted to it, outputs come in it
    at::ScalarType storageDtype() const;
    // Every tensor the loaded VAE holds (folded conv weights, biases, SnakeBeta scales), for
    // checks and memory accounting. They alias the module: never modify them in place.
    std::vector<at::Tensor> storedTensors() const;
    int64_t downsamplingRatio() const { return config().downsamplingRatio; }
    int64_t latentChannels() const { return config().latentDim; }

    // pretransform.decode: latents [B, latent, L] -> audio [B, io, L * ratio] (chunked when the
    // config says so). `poll` (if set) runs between decoder blocks, e.g. to throw Cancelled.
    at::Tensor decode(const at::Tensor& latents, const std::function<void()>& poll = {}) const;
    // The original's chunked decode whatever the config says (lower peak memory; differs from
    // decode() near chunk borders): chunks of `chunkSize` latents overlapping by `overlap`.
    at::Tensor decodeChunked(const at::Tensor& latents, int64_t chunkSize = 128,
                             int64_t overlap = 32, const std::function<void()>& poll = {}) const;

    // pretransform.encode of audio [B, io, T] (T a multiple of the downsampling ratio).
    // The original samples the posterior with torch.randn_like(mean) from the global stream:
    // pass that source; null takes the mean.
    VaeEncoding encodeDetailed(const at::Tensor& audio, NoiseSource* noise,
                               const std::function<void()>& poll = {}) const;
    at::Tensor encode(const at::Tensor& audio, NoiseSource* noise,
                      const std::function<void()>& poll = {}) const {
        return encodeDetailed(audio, noise, poll).latents;
    }

    struct Impl;

private:
    at::Tensor scaledLatents(const at::Tensor& latents) const;

    std::unique_ptr<Impl> m_impl;
};

} // namespace footfall::model
