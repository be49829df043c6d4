// Diffusion samplers of the original: k-diffusion samplers around a v-objective network
// (stable-audio-tools sample_k; SAO 1.0) and the rectified-flow samplers of sample_rf
// (SAO small), each checked against the original by tests/model/tst_parity_samplers.cpp.
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include "model/sao/noise.h"

#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

namespace footfall::model {

// The network as a sampler sees it (CFG included): x [B, C, L] and a per-item time t [B]
// -> output shaped like x. v objective: t in [0, 1] from sigma (VDenoiser); rectified flow:
// t in [0, 1] directly; the output is a velocity in both cases.
using ModelFn = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& t)>;

// k-diffusion denoiser: (x, sigma [B]) -> denoised estimate of the clean x.
using Denoiser = std::function<at::Tensor(const at::Tensor& x, const at::Tensor& sigma)>;

// Reported after every model evaluation. `denoised` is what the original hands to its
// callback as 'denoised' (rectified-flow euler: x_{i+1} - t_{i+1} v). Throwing from the
// callback (e.g. footfall::Cancelled) aborts sampling.
struct SamplerStep {
    int index = 0;      // 0-based step
    int count = 0;      // steps in total
    double sigma = 0.0; // sigma_i (k-diffusion) or t_i (rectified flow / v-ddim)
    at::Tensor x;       // the state the model saw at this step
    at::Tensor denoised;
};
using StepCallback = std::function<void(const SamplerStep&)>;

// k-diffusion VDenoiser with sigma_data 1: D(x, s) = F(x c_in, atan(s) 2/pi) c_out + x c_skip.
Denoiser vDenoiser(ModelFn model);

// get_sigmas_polyexponential(steps, sigmaMin, sigmaMax, rho) with a 0 appended: float32 on the
// CPU, [steps + 1] (computed in float32 as the original).
at::Tensor polyexponentialSigmas(int64_t steps, double sigmaMin, double sigmaMax, double rho = 1.0);
// sample_rf's schedule: t = sigmoid(-linspace(logsnr_max, 2, steps + 1)), t[0] = min(sigmaMax, 1),
// t[steps] = 0; logsnr_max = -6 for sigmaMax >= 1. float32 on the CPU, [steps + 1].
at::Tensor rectifiedFlowSchedule(int64_t steps, double sigmaMax = 1.0);

// --- k-diffusion samplers (sigmas: [n + 1] ending in 0, any device/dtype; x: start state). ---
// Noise sources are needed by the SDE samplers only (one draw per step except the last).
at::Tensor sampleDpmpp3mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                            NoiseSource& noise, const StepCallback& callback = {}, double eta = 1.0,
                            double sNoise = 1.0);
at::Tensor sampleDpmpp2mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                            NoiseSource& noise, const StepCallback& callback = {}, double eta = 1.0,
                            double sNoise = 1.0);
at::Tensor sampleDpmpp2m(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                         const StepCallback& callback = {});
// K.sampling.sample_euler with s_churn 0 (not offered by sample_k; a deterministic check).
at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                       const StepCallback& callback = {});
// stable-audio-tools' v-diffusion DDIM (eta 0): t = linspace(sigmaMax, 0, steps + 1)[:-1],
// model called with t directly; returns the last clean prediction.
at::Tensor sampleVDdim(const ModelFn& model, at::Tensor x, int64_t steps, double sigmaMax = 1.0,
                       const StepCallback& callback = {});

// --- rectified-flow samplers (t: [n + 1] schedule from 1 to 0; model called with t). ---
at::Tensor sampleFlowEuler(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                           const StepCallback& callback = {});
// x <- (1 - t_{i+1}) (x - t_i v) + t_{i+1} noise: one draw per step, the last one included
// (it is multiplied by 0 but still advances the original's RNG stream).
at::Tensor sampleFlowPingpong(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                              NoiseSource& noise, const StepCallback& callback = {});
// Flow DPM-Solver++(2M), deterministic.
at::Tensor sampleFlowDpmpp(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                           const StepCallback& callback = {});

// --- The original's entry points. ---
// Names: sample_k: "dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m", "v-ddim", plus "k-euler" (ours);
// sample_rf: "euler", "pingpong", "dpmpp".
std::vector<std::string> kSamplerNames();
std::vector<std::string> rfSamplerNames();
bool isKSampler(const std::string& name);
bool isRfSampler(const std::string& name);

struct KSamplingOptions {
    std::string sampler = "dpmpp-3m-sde";
    int64_t steps = 100;
    double sigmaMin = 0.01;  // generate_diffusion_cond defaults; the SAO 1.0 card uses 0.3 / 500
    double sigmaMax = 100.0; // with init latents this is the init noise level
    double rho = 1.0;
};

// sample_k: `noise` is unscaled N(0,1) [B, C, L]; x0 = noise * sigma_0 (+ initLatents when
// defined: variations). `noiseSource` feeds the SDE samplers (may be null for the others).
// Throws footfall::GenerationError for an unknown sampler or bad settings.
at::Tensor sampleK(const ModelFn& model, const at::Tensor& noise, const at::Tensor& initLatents,
                   const KSamplingOptions& options, NoiseSource* noiseSource,
                   const StepCallback& callback = {});

struct RfSamplingOptions {
    std::string sampler = "pingpong";
    int64_t steps = 8;
    double sigmaMax = 1.0; // clamped to 1; with init latents this is the init noise level
};

// sample_rf: x0 = noise, or initLatents (1 - sigmaMax) + noise sigmaMax when defined.
// `noiseSource` feeds pingpong (may be null for the others).
at::Tensor sampleRf(const ModelFn& model, const at::Tensor& noise, const at::Tensor& initLatents,
                    const RfSamplingOptions& options, NoiseSource* noiseSource,
                    const StepCallback& callback = {});

} // namespace footfall::model
