// Where the random numbers of a generation come from. The original seeds the default torch
// generator (torch.manual_seed) and draws the initial noise, the VAE posterior sample of init
// audio and pingpong's per-step noise from that one stream; SeededNoise reproduces that stream.
// ReplayNoise feeds recorded draws (parity fixtures monkeypatched the original's noise).
// Torch header: include only from core/model, core/engines, tests.
#pragma once

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace footfall::model {

class NoiseSource {
public:
    virtual ~NoiseSource() = default;
    // Standard-normal values shaped like `like` (its dtype and device). sigma/sigmaNext name the
    // sampler interval the draw is for; sources that do not need them ignore them.
    virtual at::Tensor next(const at::Tensor& like, double sigma = 0.0, double sigmaNext = 0.0) = 0;
};

// torch.manual_seed(seed) followed by torch.randn / torch.randn_like on `device`: the same
// numbers as the original on the same device type (CPU and CUDA streams differ). Owns a private
// generator, so other code drawing random numbers does not shift the stream.
//
// SDE samplers (dpmpp-2m-sde / dpmpp-3m-sde) in the original draw from a torchsde Brownian tree
// seeded at random, which is not reproducible even in Python; here they take plain N(0,1) draws
// from this stream (the same distribution, one draw per step).
class SeededNoise : public NoiseSource {
public:
    SeededNoise(uint64_t seed, at::Device device = at::kCPU);

    // torch.randn(shape) in float32 (the original draws float32 noise and casts it afterwards).
    at::Tensor randn(at::IntArrayRef shape, at::ScalarType dtype = at::kFloat);
    // torch.randn_like(like).
    at::Tensor next(const at::Tensor& like, double sigma = 0.0, double sigmaNext = 0.0) override;

    uint64_t seed() const { return m_seed; }
    at::Device device() const { return m_device; }

private:
    uint64_t m_seed;
    at::Device m_device;
    at::Generator m_generator;
};

// A batch of independent streams: item i of every draw is what items[i] gives for that item
// alone, so takes sampled together get the numbers they would get one by one.
class StackedNoise : public NoiseSource {
public:
    explicit StackedNoise(std::vector<NoiseSource*> items);
    // Throws std::runtime_error when `like` does not have one row per stream.
    at::Tensor next(const at::Tensor& like, double sigma = 0.0, double sigmaNext = 0.0) override;

private:
    std::vector<NoiseSource*> m_items;
};

// Returns draws[0], draws[1], ... on successive calls (moved to `like`'s device and dtype).
// Throws std::runtime_error when it runs out or a draw's shape differs from `like`'s.
class ReplayNoise : public NoiseSource {
public:
    explicit ReplayNoise(std::vector<at::Tensor> draws);
    // draws[i] along dim 0, e.g. a recorded [steps, B, C, T] tensor.
    explicit ReplayNoise(const at::Tensor& stacked);

    at::Tensor next(const at::Tensor& like, double sigma = 0.0, double sigmaNext = 0.0) override;

    size_t used() const { return m_next; }
    size_t size() const { return m_draws.size(); }

private:
    std::vector<at::Tensor> m_draws;
    size_t m_next = 0;
};

} // namespace footfall::model
