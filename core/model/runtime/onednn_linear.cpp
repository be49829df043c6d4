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

// One primitive per shape: creating one costs far more than running it. A shape oneDNN cannot
// serve is remembered as such, so it is asked once.
class PrimitiveCache {
public:
    // (what, batch, rows, inner, columns, variant): the linear layer (variant: bias) or the
    // batched float32 product (variant: right operand stored transposed).
    using Key = std::tuple<int, int64_t, int64_t, int64_t, int64_t, bool>;

    static PrimitiveCache& instance() {
        static PrimitiveCache cache;
        return cache;
    }
    const dnnl::engine& engine() const { return m_engine; }

    template <typename MakeDesc> std::optional<dnnl::matmul> get(const Key& key, MakeDesc make) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto it = m_primitives.find(key); it != m_primitives.end())
            return it->second;
        std::optional<dnnl::matmul> made;
        try {
            made = dnnl::matmul(dnnl::matmul::primitive_desc(make(), m_engine));
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
    std::map<Key, std::optional<dnnl::matmul>> m_primitives;
};

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

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
    const bool withBias = bias.defined();
    auto primitive = PrimitiveCache::instance().get({0, 1, m, k, n, withBias}, [&] {
        const dnnl::memory::desc src({m, k}, dt::bf16, tag::ab);
        const dnnl::memory::desc weights({k, n}, dt::bf16, tag::ba); // [N, K] row-major
        const dnnl::memory::desc dst({m, n}, dt::f32, tag::ab);
        return withBias ? dnnl::matmul::desc(src, weights,
                                             dnnl::memory::desc({1, n}, dt::f32, tag::ab), dst)
                        : dnnl::matmul::desc(src, weights, dst);
    });
    if (!primitive)
        return std::nullopt;
    const at::Tensor src = x.reshape({m, k}).contiguous();
    const at::Tensor w = weight.contiguous();
    const at::Tensor b = bias.defined() ? bias.to(at::kFloat).contiguous() : at::Tensor();
    std::vector<int64_t> outShape(x.sizes().begin(), x.sizes().end());
    outShape.back() = n;
    at::Tensor out = at::empty(outShape, x.options().dtype(at::kFloat));

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

std::optional<at::Tensor> oneDnnBatchedMatmul(const at::Tensor& a, const at::Tensor& b) {
    if (disabledByEnvironment() || !a.defined() || !b.defined() || a.dim() < 3 ||
        a.dim() != b.dim() || !a.device().is_cpu() || !b.device().is_cpu() ||
        a.scalar_type() != at::kFloat || b.scalar_type() != at::kFloat ||
        a.size(-1) != b.size(-2) || a.numel() == 0 || b.numel() == 0)
        return std::nullopt;
    for (int64_t d = 0; d + 2 < a.dim(); ++d)
        if (a.size(d) != b.size(d))
            return std::nullopt; // no broadcasting here
    const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
    const int64_t batch = a.numel() / (m * k);
    const at::Tensor left = a.reshape({batch, m, k}).contiguous();
    at::Tensor right = b.reshape({batch, k, n});
    // kᵀ in attention: the transpose of a contiguous [batch, n, k] is used as it is stored.
    const bool transposed =
        right.stride(1) == 1 && right.stride(2) == k && right.stride(0) == k * n;
    if (!transposed)
        right = right.contiguous();
    auto primitive = PrimitiveCache::instance().get({1, batch, m, k, n, transposed}, [&] {
        return dnnl::matmul::desc(
            dnnl::memory::desc({batch, m, k}, dt::f32, tag::abc),
            dnnl::memory::desc({batch, k, n}, dt::f32, transposed ? tag::acb : tag::abc),
            dnnl::memory::desc({batch, m, n}, dt::f32, tag::abc));
    });
    if (!primitive)
        return std::nullopt;
    std::vector<int64_t> outShape(a.sizes().begin(), a.sizes().end());
    outShape.back() = n;
    at::Tensor out = at::empty(outShape, a.options());
    const auto& engine = PrimitiveCache::instance().engine();
    dnnl::stream stream(engine);
    primitive->execute(
        stream,
        {{DNNL_ARG_SRC, dnnl::memory({{batch, m, k}, dt::f32, tag::abc}, engine, left.data_ptr())},
         {DNNL_ARG_WEIGHTS, dnnl::memory({{batch, k, n}, dt::f32, transposed ? tag::acb : tag::abc},
                                         engine, right.data_ptr())},
         {DNNL_ARG_DST, dnnl::memory({{batch, m, n}, dt::f32, tag::abc}, engine, out.data_ptr())}});
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

std::optional<at::Tensor> oneDnnBatchedMatmul(const at::Tensor&, const at::Tensor&) {
    return std::nullopt;
}

#endif

} // namespace footfall::model
