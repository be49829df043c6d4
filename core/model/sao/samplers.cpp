#include "model/sao/samplers.h"

#include "base/errors.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace footfall::model {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Schedule values as doubles. They are float32 in the original; widening is exact, and the
// per-step coefficients below are then formed in double (differences are far below the
// fixtures' tolerances).
std::vector<double> scheduleValues(const at::Tensor& schedule) {
    at::Tensor values = schedule.detach().to(at::kCPU, at::kDouble).contiguous();
    const double* data = values.data_ptr<double>();
    return std::vector<double>(data, data + values.numel());
}

void checkSchedule(const std::vector<double>& s, const char* what) {
    if (s.size() < 2)
        throw GenerationError(std::string(what) + " needs at least 2 values (1 step), got " +
                              std::to_string(s.size()));
}

// sigmas[i] * x.new_ones([B]): the per-item noise level / time handed to the model.
at::Tensor perItem(const at::Tensor& x, double value) {
    return at::full({x.size(0)}, value, x.options());
}

void report(const StepCallback& callback, size_t index, size_t count, double sigma,
            const at::Tensor& x, const at::Tensor& denoised) {
    if (!callback)
        return;
    SamplerStep step;
    step.index = static_cast<int>(index);
    step.count = static_cast<int>(count);
    step.sigma = sigma;
    step.x = x;
    step.denoised = denoised;
    callback(step);
}

// log(sigma_i) - log(sigma_{i+1}): the step in k-diffusion's t = -log(sigma).
double logStep(double sigma, double sigmaNext) {
    return std::log(sigma) - std::log(sigmaNext);
}

} // namespace

Denoiser vDenoiser(ModelFn model) {
    return [model = std::move(model)](const at::Tensor& x, const at::Tensor& sigma) {
        // Scalings for sigma_data = 1, computed on the [B] sigma tensor as k-diffusion does.
        std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
        shape[0] = sigma.size(0);
        const at::Tensor s2 = sigma * sigma + 1.0;
        const at::Tensor cSkip = (1.0 / s2).view(shape);
        const at::Tensor cOut = (-sigma / s2.sqrt()).view(shape);
        const at::Tensor cIn = (1.0 / s2.sqrt()).view(shape);
        const at::Tensor t = sigma.atan() / kPi * 2.0;
        return model(x * cIn, t) * cOut + x * cSkip;
    };
}

at::Tensor polyexponentialSigmas(int64_t steps, double sigmaMin, double sigmaMax, double rho) {
    if (steps < 1)
        throw GenerationError("sampler steps must be at least 1, got " + std::to_string(steps));
    if (!(sigmaMin > 0.0) || !(sigmaMax > 0.0))
        throw GenerationError("sigma_min and sigma_max must be positive (got " +
                              std::to_string(sigmaMin) + ", " + std::to_string(sigmaMax) + ")");
    const at::Tensor ramp = at::linspace(1.0, 0.0, steps, at::kFloat).pow(rho);
    const double logMin = std::log(sigmaMin);
    const at::Tensor sigmas = at::exp(ramp * (std::log(sigmaMax) - logMin) + logMin);
    return at::cat({sigmas, at::zeros({1}, at::kFloat)});
}

at::Tensor rectifiedFlowSchedule(int64_t steps, double sigmaMax) {
    if (steps < 1)
        throw GenerationError("sampler steps must be at least 1, got " + std::to_string(steps));
    if (!(sigmaMax > 0.0))
        throw GenerationError("sigma_max (init noise level) must be positive, got " +
                              std::to_string(sigmaMax));
    sigmaMax = std::min(sigmaMax, 1.0);
    const double logSnrMax = sigmaMax < 1.0 ? std::log((1.0 - sigmaMax) / sigmaMax + 1e-6) : -6.0;
    at::Tensor t = at::sigmoid(-at::linspace(logSnrMax, 2.0, steps + 1, at::kFloat));
    t[0] = sigmaMax;
    t[steps] = 0.0;
    return t;
}

// ---------------------------------------------------------------------------------------------
// k-diffusion samplers

at::Tensor sampleDpmpp3mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                            NoiseSource& noise, const StepCallback& callback, double eta,
                            double sNoise) {
    const std::vector<double> s = scheduleValues(sigmas);
    checkSchedule(s, "dpmpp-3m-sde sigma schedule");
    const size_t n = s.size() - 1;
    at::Tensor d1, d2; // the two previous denoised estimates
    double h1 = 0.0, h2 = 0.0;
    double h = 0.0;
    for (size_t i = 0; i < n; ++i) {
        at::Tensor denoised = denoiser(x, perItem(x, s[i]));
        report(callback, i, n, s[i], x, denoised);
        if (s[i + 1] == 0.0) {
            x = denoised;
        } else {
            h = logStep(s[i], s[i + 1]);
            const double hEta = h * (eta + 1.0);
            const double phi1 = -std::expm1(-hEta);
            x = x * std::exp(-hEta) + denoised * phi1;
            if (d2.defined()) {
                const double r0 = h1 / h;
                const double r1 = h2 / h;
                const at::Tensor a = (denoised - d1) / r0;
                const at::Tensor b = (d1 - d2) / r1;
                const at::Tensor delta1 = a + (a - b) * (r0 / (r0 + r1));
                const at::Tensor delta2 = (a - b) / (r0 + r1);
                const double phi2 = std::expm1(-hEta) / hEta + 1.0;
                const double phi3 = phi2 / hEta - 0.5;
                x = x + delta1 * phi2 - delta2 * phi3;
            } else if (d1.defined()) {
                const double r = h1 / h;
                const double phi2 = std::expm1(-hEta) / hEta + 1.0;
                x = x + (denoised - d1) / r * phi2;
            }
            if (eta != 0.0) {
                const double amount = s[i + 1] * std::sqrt(-std::expm1(-2.0 * h * eta)) * sNoise;
                x = x + noise.next(x, s[i], s[i + 1]) * amount;
            }
        }
        d2 = d1;
        d1 = denoised;
        h2 = h1;
        h1 = h;
    }
    return x;
}

at::Tensor sampleDpmpp2mSde(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                            NoiseSource& noise, const StepCallback& callback, double eta,
                            double sNoise) {
    const std::vector<double> s = scheduleValues(sigmas);
    checkSchedule(s, "dpmpp-2m-sde sigma schedule");
    const size_t n = s.size() - 1;
    at::Tensor oldDenoised;
    double hLast = 0.0;
    double h = 0.0;
    for (size_t i = 0; i < n; ++i) {
        at::Tensor denoised = denoiser(x, perItem(x, s[i]));
        report(callback, i, n, s[i], x, denoised);
        if (s[i + 1] == 0.0) {
            x = denoised;
        } else {
            h = logStep(s[i], s[i + 1]);
            const double etaH = eta * h;
            const double phi = -std::expm1(-h - etaH);
            x = x * (s[i + 1] / s[i] * std::exp(-etaH)) + denoised * phi;
            if (oldDenoised.defined()) {
                // solver_type 'midpoint' (the default sample_k uses)
                const double r = hLast / h;
                x = x + (denoised - oldDenoised) * (0.5 * phi * (1.0 / r));
            }
            if (eta != 0.0) {
                const double amount = s[i + 1] * std::sqrt(-std::expm1(-2.0 * etaH)) * sNoise;
                x = x + noise.next(x, s[i], s[i + 1]) * amount;
            }
        }
        oldDenoised = denoised;
        hLast = h;
    }
    return x;
}

at::Tensor sampleDpmpp2m(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                         const StepCallback& callback) {
    const std::vector<double> s = scheduleValues(sigmas);
    checkSchedule(s, "dpmpp-2m sigma schedule");
    const size_t n = s.size() - 1;
    at::Tensor oldDenoised;
    for (size_t i = 0; i < n; ++i) {
        at::Tensor denoised = denoiser(x, perItem(x, s[i]));
        report(callback, i, n, s[i], x, denoised);
        if (s[i + 1] == 0.0) {
            // sigma ratio 0 and expm1(-inf) = -1: the update reduces to the denoised estimate
            x = denoised;
        } else {
            const double h = logStep(s[i], s[i + 1]);
            const double ratio = s[i + 1] / s[i];
            const double phi = -std::expm1(-h);
            if (!oldDenoised.defined()) {
                x = x * ratio + denoised * phi;
            } else {
                const double hLast = logStep(s[i - 1], s[i]);
                const double r = hLast / h;
                const at::Tensor corrected =
                    denoised * (1.0 + 1.0 / (2.0 * r)) - oldDenoised * (1.0 / (2.0 * r));
                x = x * ratio + corrected * phi;
            }
        }
        oldDenoised = denoised;
    }
    return x;
}

at::Tensor sampleEuler(const Denoiser& denoiser, at::Tensor x, const at::Tensor& sigmas,
                       const StepCallback& callback) {
    const std::vector<double> s = scheduleValues(sigmas);
    checkSchedule(s, "euler sigma schedule");
    const size_t n = s.size() - 1;
    for (size_t i = 0; i < n; ++i) {
        at::Tensor denoised = denoiser(x, perItem(x, s[i]));
        report(callback, i, n, s[i], x, denoised);
        const at::Tensor d = (x - denoised) / s[i];
        x = x + d * (s[i + 1] - s[i]);
    }
    return x;
}

at::Tensor sampleVDdim(const ModelFn& model, at::Tensor x, int64_t steps, double sigmaMax,
                       const StepCallback& callback) {
    if (steps < 1)
        throw GenerationError("sampler steps must be at least 1, got " + std::to_string(steps));
    // float32 as the original: t, then alpha = cos(t pi/2), sigma = sin(t pi/2)
    const at::Tensor t = at::linspace(sigmaMax, 0.0, steps + 1, at::kFloat).slice(0, 0, steps);
    const std::vector<double> tv = scheduleValues(t);
    const std::vector<double> alphas = scheduleValues(at::cos(t * (kPi / 2.0)));
    const std::vector<double> sigmas = scheduleValues(at::sin(t * (kPi / 2.0)));
    const size_t n = static_cast<size_t>(steps);
    at::Tensor pred;
    for (size_t i = 0; i < n; ++i) {
        const at::Tensor v = model(x, perItem(x, tv[i]));
        pred = x * alphas[i] - v * sigmas[i];
        const at::Tensor eps = x * sigmas[i] + v * alphas[i];
        const at::Tensor seen = x;
        if (i + 1 < n)
            x = pred * alphas[i + 1] + eps * sigmas[i + 1]; // eta 0: no fresh noise
        report(callback, i, n, tv[i], seen, pred);
    }
    return pred;
}

// ---------------------------------------------------------------------------------------------
// rectified-flow samplers

at::Tensor sampleFlowEuler(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                           const StepCallback& callback) {
    const std::vector<double> tv = scheduleValues(t);
    checkSchedule(tv, "euler t schedule");
    const size_t n = tv.size() - 1;
    for (size_t i = 0; i < n; ++i) {
        const at::Tensor v = model(x, perItem(x, tv[i]));
        const at::Tensor seen = x;
        // dt is a float32 difference in the original
        const float dt = static_cast<float>(tv[i + 1]) - static_cast<float>(tv[i]);
        x = x + v * static_cast<double>(dt);
        if (callback)
            report(callback, i, n, tv[i], seen, x - v * tv[i + 1]);
    }
    return x;
}

at::Tensor sampleFlowPingpong(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                              NoiseSource& noise, const StepCallback& callback) {
    const std::vector<double> tv = scheduleValues(t);
    checkSchedule(tv, "pingpong t schedule");
    const size_t n = tv.size() - 1;
    for (size_t i = 0; i < n; ++i) {
        const at::Tensor denoised = x - model(x, perItem(x, tv[i])) * tv[i];
        report(callback, i, n, tv[i], x, denoised);
        const double tNext = tv[i + 1];
        const float keep = 1.0f - static_cast<float>(tNext); // float32 in the original
        x = denoised * static_cast<double>(keep) + noise.next(x, tv[i], tNext) * tNext;
    }
    return x;
}

at::Tensor sampleFlowDpmpp(const ModelFn& model, at::Tensor x, const at::Tensor& t,
                           const StepCallback& callback) {
    const std::vector<double> tv = scheduleValues(t);
    checkSchedule(tv, "dpmpp t schedule");
    const size_t n = tv.size() - 1;
    // log-SNR of the flow; t = 1 gives -inf, t = 0 gives +inf, which the updates below turn into
    // the limits the original reaches with the same infinities.
    const auto logSnr = [](double value) { return std::log((1.0 - value) / value); };
    at::Tensor oldDenoised;
    for (size_t i = 0; i < n; ++i) {
        const double tCur = tv[i];
        const double tNext = tv[i + 1];
        const at::Tensor denoised = x - model(x, perItem(x, tCur)) * tCur;
        report(callback, i, n, tCur, x, denoised);
        const double alpha = 1.0 - tNext;
        const double h = logSnr(tNext) - logSnr(tCur);
        const double phi = -std::expm1(-h);
        if (tNext == 0.0) {
            x = denoised; // ratio 0, expm1(-inf) = -1
        } else if (!oldDenoised.defined()) {
            x = x * (tNext / tCur) + denoised * (alpha * phi);
        } else {
            const double hLast = logSnr(tCur) - logSnr(tv[i - 1]);
            const double r = hLast / h; // inf after the t = 1 step: the correction vanishes
            const double c = 1.0 / (2.0 * r);
            const at::Tensor corrected = denoised * (1.0 + c) - oldDenoised * c;
            x = x * (tNext / tCur) + corrected * (alpha * phi);
        }
        oldDenoised = denoised;
    }
    return x;
}

// ---------------------------------------------------------------------------------------------
// entry points

std::vector<std::string> kSamplerNames() {
    return {"dpmpp-3m-sde", "dpmpp-2m-sde", "dpmpp-2m", "v-ddim", "k-euler"};
}

std::vector<std::string> rfSamplerNames() {
    return {"pingpong", "euler", "dpmpp"};
}

bool isKSampler(const std::string& name) {
    const auto names = kSamplerNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool isRfSampler(const std::string& name) {
    const auto names = rfSamplerNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

namespace {

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names)
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

NoiseSource& requireNoise(NoiseSource* source, const std::string& sampler) {
    if (!source)
        throw GenerationError("sampler '" + sampler + "' needs a noise source");
    return *source;
}

} // namespace

at::Tensor sampleK(const ModelFn& model, const at::Tensor& noise, const at::Tensor& initLatents,
                   const KSamplingOptions& options, NoiseSource* noiseSource,
                   const StepCallback& callback) {
    const std::string& name = options.sampler;
    if (!isKSampler(name))
        throw GenerationError("unknown sampler '" + name +
                              "' for a v-objective model (known: " + joined(kSamplerNames()) + ")");
    if (name == "v-ddim") {
        // v-diffusion works in t in [0, 1]: sigma_min / rho are ignored, sigma_max is clamped.
        const double sigmaMax = std::min(options.sigmaMax, 1.0);
        at::Tensor x = noise;
        if (initLatents.defined()) {
            const at::Tensor angle = at::full({}, sigmaMax, at::kFloat) * (kPi / 2.0);
            x = initLatents * at::cos(angle).item<double>() + noise * at::sin(angle).item<double>();
        }
        return sampleVDdim(model, x, options.steps, sigmaMax, callback);
    }
    const at::Tensor sigmas =
        polyexponentialSigmas(options.steps, options.sigmaMin, options.sigmaMax, options.rho);
    at::Tensor x = noise * sigmas[0].item<double>();
    if (initLatents.defined())
        x = initLatents + x;
    const Denoiser denoiser = vDenoiser(model);
    if (name == "dpmpp-3m-sde")
        return sampleDpmpp3mSde(denoiser, x, sigmas, requireNoise(noiseSource, name), callback);
    if (name == "dpmpp-2m-sde")
        return sampleDpmpp2mSde(denoiser, x, sigmas, requireNoise(noiseSource, name), callback);
    if (name == "dpmpp-2m")
        return sampleDpmpp2m(denoiser, x, sigmas, callback);
    return sampleEuler(denoiser, x, sigmas, callback); // "k-euler"
}

at::Tensor sampleRf(const ModelFn& model, const at::Tensor& noise, const at::Tensor& initLatents,
                    const RfSamplingOptions& options, NoiseSource* noiseSource,
                    const StepCallback& callback) {
    const std::string& name = options.sampler;
    if (!isRfSampler(name))
        throw GenerationError("unknown sampler '" + name + "' for a rectified-flow model (known: " +
                              joined(rfSamplerNames()) + ")");
    const at::Tensor t = rectifiedFlowSchedule(options.steps, options.sigmaMax);
    const double sigmaMax = std::min(options.sigmaMax, 1.0);
    at::Tensor x = noise;
    if (initLatents.defined())
        x = initLatents * (1.0 - sigmaMax) + noise * sigmaMax;
    if (name == "pingpong")
        return sampleFlowPingpong(model, x, t, requireNoise(noiseSource, name), callback);
    if (name == "dpmpp")
        return sampleFlowDpmpp(model, x, t, callback);
    return sampleFlowEuler(model, x, t, callback);
}

} // namespace footfall::model
