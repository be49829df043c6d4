#include "model/sao/noise.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace footfall::model {

namespace {

at::Generator makeGenerator(uint64_t seed, at::Device device) {
    if (device.is_cpu())
        return at::detail::createCPUGenerator(seed);
    // A clone of the device's default generator has the right type (CUDA: Philox) without
    // needing that backend's headers; re-seeding it also resets its offset, as manual_seed does.
    at::Generator generator = at::globalContext().defaultGenerator(device).clone();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_current_seed(seed);
    return generator;
}

std::string shapeText(at::IntArrayRef shape) {
    std::ostringstream out;
    out << shape;
    return out.str();
}

} // namespace

SeededNoise::SeededNoise(uint64_t seed, at::Device device)
    : m_seed(seed), m_device(device), m_generator(makeGenerator(seed, device)) {}

at::Tensor SeededNoise::randn(at::IntArrayRef shape, at::ScalarType dtype) {
    return at::randn(shape, m_generator, at::TensorOptions().dtype(dtype).device(m_device));
}

at::Tensor SeededNoise::next(const at::Tensor& like, double, double) {
    return at::randn(like.sizes(), m_generator, like.options());
}

StackedNoise::StackedNoise(std::vector<NoiseSource*> items) : m_items(std::move(items)) {}

at::Tensor StackedNoise::next(const at::Tensor& like, double sigma, double sigmaNext) {
    const auto rows = static_cast<size_t>(like.dim() > 0 ? like.size(0) : 0);
    if (rows != m_items.size())
        throw std::runtime_error("a batch of " + std::to_string(m_items.size()) +
                                 " noise streams asked for " + std::to_string(rows) + " rows");
    std::vector<at::Tensor> parts;
    parts.reserve(rows);
    for (size_t i = 0; i < rows; ++i)
        parts.push_back(
            m_items[i]->next(like.narrow(0, static_cast<int64_t>(i), 1), sigma, sigmaNext));
    return at::cat(parts, 0);
}

ReplayNoise::ReplayNoise(std::vector<at::Tensor> draws) : m_draws(std::move(draws)) {}

ReplayNoise::ReplayNoise(const at::Tensor& stacked) {
    for (int64_t i = 0; i < stacked.size(0); ++i)
        m_draws.push_back(stacked[i]);
}

at::Tensor ReplayNoise::next(const at::Tensor& like, double, double) {
    if (m_next >= m_draws.size())
        throw std::runtime_error("ReplayNoise: all " + std::to_string(m_draws.size()) +
                                 " recorded draws are used up");
    const at::Tensor& draw = m_draws[m_next];
    if (draw.sizes() != like.sizes())
        throw std::runtime_error("ReplayNoise: draw " + std::to_string(m_next) + " has shape " +
                                 shapeText(draw.sizes()) + ", expected " + shapeText(like.sizes()));
    ++m_next;
    return draw.to(like.options());
}

} // namespace footfall::model
