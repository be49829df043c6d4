#include "model/runtime/onednn_linear.h"

#include <ATen/ATen.h>

#include <cstdlib>
#include <cstring>

#ifdef FOOTFALL_HAVE_ONEDNN
#include <dnnl.hpp>

#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>
#endif

namespace footfall::model {

#ifdef FOOTFALL_HAVE_ONEDNN

namespace {

bool disabledByEnvironment() {
    static const bool off = [] {
        const char* v = std::getenv("FOOTFALL_ONEDNN");
        return v && (std::strcmp(v, "off") == 0 || std::strcmp(v, "0") == 0);
    }();
    return off;
}

// One primitive per shape (rows, in, out, bias): creating one costs far more than running it.
// A shape oneDNN cannot serve is remembered as such, so it is asked once.
class PrimitiveCache {
public:
    static PrimitiveCache& instance() {
        static PrimitiveCache cache;
        return cache;
    }
    const dnnl::engine& engine() const { return m_engine; }

    std::optional<dnnl::matmul> get(int64_t m, int64_t k, int64_t n, bool bias) {
        const auto key = std::make_tuple(m, k, n, bias);
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto it = m_primitives.find(key); it != m_primitives.end())
            return it->second;
        std::optional<dnnl::matmul> made;
        try {
            using dt = dnnl::memory::data_type;
            using tag = dnnl::memory::format_tag;
            const dnnl::memory::desc src({m, k}, dt::bf16, tag::ab);
            const dnnl::memory::desc weights({k, n}, dt::bf16, tag::ba); // [N, K] row-major
            const dnnl::memory::desc dst({m, n}, dt::f32, tag::ab);
            const auto desc =
                bias ? dnnl::matmul::desc(src, weights,
                                          dnnl::memory::desc({1, n}, dt::f32, tag::ab), dst)
                     : dnnl::matmul::desc(src, weights, dst);
            made = dnnl::matmul(dnnl::matmul::primitive_desc(desc, m_engine));
        } catch (const dnnl::error&) {
            made.reset(); // no kernel for this CPU or shape: ATen's path
        }
        m_primitives.emplace(key, made);
        return made;
    }

private:
    PrimitiveCache() : m_engine(dnnl::engine::kind::cpu, 0) {}
    dnnl::engine m_engine;
    std::mutex m_mutex;
    std::map<std::tuple<int64_t, int64_t, int64_t, bool>, std::optional<dnnl::matmul>> m_primitives;
};

} // namespace

bool oneDnnLinearAvailable() {
    return !disabledByEnvironment();
}

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor& x, const at::Tensor& weight,
                                           const at::Tensor& bias) {
    if (disabledByEnvironment() || !x.defined() || !weight.defined() || !x.device().is_cpu() ||
        !weight.device().is_cpu() || x.scalar_type() != at::kBFloat16 ||
        weight.scalar_type() != at::kBFloat16 || weight.dim() != 2 || x.dim() < 1 ||
        x.size(-1) != weight.size(1) || x.numel() == 0 ||
        (bias.defined() && (bias.dim() != 1 || bias.size(0) != weight.size(0) ||
                            !bias.device().is_cpu() || !bias.is_floating_point())))
        return std::nullopt;
    const int64_t k = weight.size(1), n = weight.size(0), m = x.numel() / k;
    auto primitive = PrimitiveCache::instance().get(m, k, n, bias.defined());
    if (!primitive)
        return std::nullopt;
    const at::Tensor src = x.reshape({m, k}).contiguous();
    const at::Tensor w = weight.contiguous();
    const at::Tensor b = bias.defined() ? bias.to(at::kFloat).contiguous() : at::Tensor();
    std::vector<int64_t> outShape(x.sizes().begin(), x.sizes().end());
    outShape.back() = n;
    at::Tensor out = at::empty(outShape, x.options().dtype(at::kFloat));

    using dt = dnnl::memory::data_type;
    using tag = dnnl::memory::format_tag;
    const auto& engine = PrimitiveCache::instance().engine();
    dnnl::stream stream(engine);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, dnnl::memory({{m, k}, dt::bf16, tag::ab}, engine, src.data_ptr())},
        {DNNL_ARG_WEIGHTS, dnnl::memory({{k, n}, dt::bf16, tag::ba}, engine, w.data_ptr())},
        {DNNL_ARG_DST, dnnl::memory({{m, n}, dt::f32, tag::ab}, engine, out.data_ptr())}};
    if (b.defined())
        args.emplace(DNNL_ARG_BIAS, dnnl::memory({{1, n}, dt::f32, tag::ab}, engine, b.data_ptr()));
    primitive->execute(stream, args);
    stream.wait();
    return out;
}

#else

bool oneDnnLinearAvailable() {
    return false;
}

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor&, const at::Tensor&,
                                           const at::Tensor&) {
    return std::nullopt;
}

#endif

} // namespace footfall::model
