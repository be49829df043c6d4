// The Oobleck VAE pretransform of Stable Audio Open (stable-audio-tools AudioAutoencoder with
// OobleckEncoder / OobleckDecoder, VAE bottleneck, AutoencoderPretransform), built from the
// parsed model.pretransform (PretransformConfig, model_config.h).
// Weights load under the original keys (`pretransform.model.encoder.layers.N...`), weight norm
// (weight_g / weight_v) folded into plain weights at load.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "model/runtime/weights.h"
#include "model/sao/model_config.h"
#include "model/sao/noise.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace footfall::model {

// Every checkpoint tensor of the VAE under `prefix` with its shape, in state_dict order
// (encoder, then decoder; per conv: bias, weight_g, weight_v; per SnakeBeta: alpha, beta).
// No tensors are allocated.
std::vector<std::pair<std::string, std::vector<int64_t>>>
oobleckParameterShapes(const PretransformConfig& config,
                       const std::string& prefix = "pretransform.model.");

// The number of audio samples the decoder makes of `latentLength` latents, block by block as
// the original's layers compute it: its ConvTranspose1d (kernel 2s, stride s, padding ceil(s/2))
// turns n samples into (n - 1)s - 2 ceil(s/2) + 2s, i.e. n·s for an even stride and n·s - 1 for
// an odd one; nearest upsampling gives n·s; every other decoder layer keeps the length. So it is
// latentLength · downsampling ratio minus a constant of the config (0 when every stride is even).
// Not positive: the decoder cannot decode that few latents.
int64_t oobleckDecodedLength(const OobleckConfig& decoder, int64_t latentLength);

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
    OobleckVae(const PretransformConfig& config, const WeightSource& weights,
               const VaeLoadOptions& options = {});
    ~OobleckVae();
    OobleckVae(OobleckVae&&) noexcept;
    OobleckVae& operator=(OobleckVae&&) noexcept;

    const PretransformConfig& config() const;
    bool hasEncoder() const;
    at::ScalarType computeDtype() const; // inputs are converted to it, outputs come in it
    at::ScalarType storageDtype() const;
    // Every tensor the loaded VAE holds (folded conv weights, biases, SnakeBeta scales), for
    // checks and memory accounting. They alias the module: never modify them in place.
    std::vector<at::Tensor> storedTensors() const;
    int64_t downsamplingRatio() const { return config().downsamplingRatio; }
    int64_t latentChannels() const { return config().latentDim; }

    // oobleckDecodedLength of the decoder: L * ratio when every stride is even.
    int64_t decodedLength(int64_t latentLength) const;

    // pretransform.decode: latents [B, latent, L] -> audio [B, io, decodedLength(L)] (chunked
    // when the config says so: 128 latents overlapping by 32, the original's defaults). `poll`
    // (if set) runs between decoder blocks, e.g. to throw Cancelled.
    at::Tensor decode(const at::Tensor& latents, const std::function<void()>& poll = {}) const;
    // The original's chunked decode whatever the config says (lower peak memory; differs from
    // decode() near chunk borders unless overlap / 2 covers the decoder's receptive field):
    // chunks of `chunkSize` latents every chunkSize - overlap latents, the last one aligned to
    // the end; each pasted at its latent offset · ratio without overlap / 2 latents' worth of
    // samples at its inner edges, later chunks overwriting earlier ones. Same length as
    // decode(); L <= chunkSize is decode() itself. Odd strides make every chunk's audio
    // shorter than chunkSize · ratio: the paste positions stay the original's, a chunk ending
    // short hands the rest to the next one, and overlap · ratio smaller than that shortfall
    // would leave samples no chunk covers: GenerationError. (The original sizes everything as
    // L · ratio: with odd strides it fails once there are several chunks, and one chunk of
    // exactly L latents comes out behind leading zeros; below chunkSize it fails outright.)
    at::Tensor decodeChunked(const at::Tensor& latents, int64_t chunkSize = 128,
                             int64_t overlap = 32, const std::function<void()>& poll = {}) const;
    // The decoder without the config's chunking, its last two (full-rate) stages run along time
    // in tiles of about `tileOutputSamples` output samples, each with enough context on both
    // sides for every layer's reach: the whole decode's result in a few tiles' memory.
    // decode() uses 32768; 0 decodes the whole length at once.
    at::Tensor decodeTiled(const at::Tensor& latents, int64_t tileOutputSamples,
                           const std::function<void()>& poll = {}) const;

    // pretransform.encode of audio [B, io, T] (T a multiple of the downsampling ratio; chunked
    // when the config says so, with the original's 128 latents overlapping by 32).
    // The original samples the posterior with torch.randn_like(mean) from the global stream:
    // pass that source; null takes the mean.
    VaeEncoding encodeDetailed(const at::Tensor& audio, NoiseSource* noise,
                               const std::function<void()>& poll = {}) const;
    // The original's chunked encode whatever the config says: chunks of chunkSize latents'
    // worth of samples every chunkSize - overlap latents, the last one aligned to the end, each
    // encoded alone (one posterior draw per chunk, in order) and pasted without overlap / 2
    // latents at its inner edges. Equals the whole encode (mean) once overlap / 2 covers the
    // encoder's receptive field. Audio of at most one chunk is encoded whole.
    VaeEncoding encodeChunked(const at::Tensor& audio, NoiseSource* noise, int64_t chunkSize = 128,
                              int64_t overlap = 32, const std::function<void()>& poll = {}) const;
    at::Tensor encode(const at::Tensor& audio, NoiseSource* noise,
                      const std::function<void()>& poll = {}) const {
        return encodeDetailed(audio, noise, poll).latents;
    }

    struct Impl;

private:
    at::Tensor checkedEncoderInput(const at::Tensor& audio) const;
    at::Tensor scaledLatents(const at::Tensor& latents) const;

    std::unique_ptr<Impl> m_impl;
};

} // namespace footfall::model
