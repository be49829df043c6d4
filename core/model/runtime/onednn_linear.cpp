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
    // (what, batch, rows, inner, columns, variant, scale): a linear layer (what: weights
    // layout · 4 + epilogue; variant: bias; scale 0) or the batched float32 product
    // (kBatchedProduct; variant: right operand stored transposed; scale: the output scale's bits).
    using Key = std::tuple<int, int64_t, int64_t, int64_t, int64_t, bool, uint32_t>;

    static PrimitiveCache& instance() {
        static PrimitiveCache cache;
        return cache;
    }
    const dnnl::engine& engine() const { return m_engine; }

    template <typename MakePd> std::optional<dnnl::matmul> get(const Key& key, MakePd make) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (auto it = m_primitives.find(key); it != m_primitives.end())
            return it->second;
        std::optional<dnnl::matmul> made;
        try {
            made = dnnl::matmul(make(m_engine));
        } catch (const dnnl::error&) {
            made.reset(); // no kernel for this CPU or shape: ATen's path
        }
        m_primitives.emplace(key, made);
        return made;
    }

    // The weights layout oneDNN's bf16 kernel picks for {K, N} (asked with a typical input
    // length: the DiT's 2 x 131 tokens); null when it has none. One per shape, so every weight
    // of a shape shares it and primitives can be cached by shape.
    std::shared_ptr<const PackedLinearWeight::Layout> packedLayout(int64_t k, int64_t n);

private:
    PrimitiveCache() : m_engine(dnnl::engine::kind::cpu, 0) {}
    dnnl::engine m_engine;
    std::mutex m_mutex;
    std::map<Key, std::optional<dnnl::matmul>> m_primitives;
    std::map<std::pair<int64_t, int64_t>, std::shared_ptr<const PackedLinearWeight::Layout>>
        m_layouts;
};

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;
constexpr int kBatchedProduct = 100;

} // namespace

struct PackedLinearWeight::Layout {
    dnnl::memory::desc desc;
};

std::shared_ptr<const PackedLinearWeight::Layout> PrimitiveCache::packedLayout(int64_t k,
                                                                               int64_t n) {
    constexpr int64_t kTypicalRows = 256;
    std::lock_guard<std::mutex> lock(m_mutex);
    const auto key = std::make_pair(k, n);
    if (auto it = m_layouts.find(key); it != m_layouts.end())
        return it->second;
    std::shared_ptr<const PackedLinearWeight::Layout> layout;
    try {
        const dnnl::matmul::primitive_desc pd(
            dnnl::matmul::desc(dnnl::memory::desc({kTypicalRows, k}, dt::bf16, tag::ab),
                               dnnl::memory::desc({k, n}, dt::bf16, tag::any),
                               dnnl::memory::desc({kTypicalRows, n}, dt::f32, tag::ab)),
            m_engine);
        layout = std::make_shared<const PackedLinearWeight::Layout>(
            PackedLinearWeight::Layout{pd.weights_desc()});
    } catch (const dnnl::error&) {
        layout.reset(); // no bf16 kernel: weights stay plain
    }
    m_layouts.emplace(key, layout);
    return layout;
}

bool oneDnnLinearAvailable() {
    return !disabledByEnvironment();
}

namespace {

bool fitsLinear(const at::Tensor& x, int64_t n, int64_t k, const at::Tensor& bias) {
    return x.defined() && x.device().is_cpu() && x.scalar_type() == at::kBFloat16 && x.dim() >= 1 &&
           x.size(-1) == k && x.numel() > 0 &&
           (!bias.defined() || (bias.dim() == 1 && bias.size(0) == n && bias.device().is_cpu() &&
                                bias.is_floating_point()));
}

// What the kernel does with x·Wᵀ + bias before storing it (its post-ops).
enum class Epilogue {
    None,       // a new float32 tensor
    Accumulate, // added into `other` (float32), which is the result
    SwishTimes, // swish(result) · `other` (float32), a new bf16 tensor
};

// x·Wᵀ + bias with weights described by `weights` ({K, N}) at `weightData`, finished as
// `epilogue` says; `layout` tells the cache which layout family the descriptor belongs to.
std::optional<at::Tensor> runLinear(int layout, const at::Tensor& x,
                                    const dnnl::memory::desc& weights, void* weightData, int64_t n,
                                    const at::Tensor& bias, Epilogue epilogue = Epilogue::None,
                                    const at::Tensor& other = {}) {
    const int64_t k = x.size(-1), m = x.numel() / k;
    const bool withBias = bias.defined();
    std::vector<int64_t> outShape(x.sizes().begin(), x.sizes().end());
    outShape.back() = n;
    if (epilogue != Epilogue::None &&
        (!other.defined() || other.scalar_type() != at::kFloat || !other.device().is_cpu() ||
         !other.is_contiguous() || other.sizes().vec() != outShape))
        return std::nullopt;
    const dt dstType = epilogue == Epilogue::SwishTimes ? dt::bf16 : dt::f32;
    const int what = layout * 4 + static_cast<int>(epilogue);
    auto primitive = PrimitiveCache::instance().get(
        {what, 1, m, k, n, withBias, 0u}, [&](const dnnl::engine& engine) {
            const dnnl::memory::desc src({m, k}, dt::bf16, tag::ab);
            const dnnl::memory::desc dst({m, n}, dstType, tag::ab);
            const dnnl::matmul::desc desc =
                withBias ? dnnl::matmul::desc(src, weights,
                                              dnnl::memory::desc({1, n}, dt::f32, tag::ab), dst)
                         : dnnl::matmul::desc(src, weights, dst);
            dnnl::post_ops ops;
            if (epilogue == Epilogue::Accumulate)
                ops.append_sum(1.f);
            if (epilogue == Epilogue::SwishTimes) {
                ops.append_eltwise(1.f, dnnl::algorithm::eltwise_swish, 1.f, 0.f); // x·σ(x)
                ops.append_binary(dnnl::algorithm::binary_mul,
                                  dnnl::memory::desc({m, n}, dt::f32, tag::ab));
            }
            dnnl::primitive_attr attr;
            attr.set_post_ops(ops);
            return dnnl::matmul::primitive_desc(desc, attr, engine);
        });
    if (!primitive)
        return std::nullopt;
    const at::Tensor src = x.reshape({m, k}).contiguous();
    const at::Tensor b = withBias ? bias.to(at::kFloat).contiguous() : at::Tensor();
    at::Tensor out =
        epilogue == Epilogue::Accumulate
            ? other
            : at::empty(outShape, x.options().dtype(epilogue == Epilogue::SwishTimes ? at::kBFloat16
                                                                                     : at::kFloat));

    const auto& engine = PrimitiveCache::instance().engine();
    dnnl::stream stream(engine);
    std::unordered_map<int, dnnl::memory> args{
        {DNNL_ARG_SRC, dnnl::memory({{m, k}, dt::bf16, tag::ab}, engine, src.data_ptr())},
        {DNNL_ARG_WEIGHTS, dnnl::memory(weights, engine, weightData)},
        {DNNL_ARG_DST, dnnl::memory({{m, n}, dstType, tag::ab}, engine, out.data_ptr())}};
    if (withBias)
        args.emplace(DNNL_ARG_BIAS, dnnl::memory({{1, n}, dt::f32, tag::ab}, engine, b.data_ptr()));
    if (epilogue == Epilogue::SwishTimes)
        args.emplace(DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1,
                     dnnl::memory({{m, n}, dt::f32, tag::ab}, engine, other.data_ptr()));
    primitive->execute(stream, args);
    stream.wait();
    return out;
}

// The weight [N, K] row-major as oneDNN sees it: {K, N} with K contiguous.
dnnl::memory::desc plainWeights(int64_t n, int64_t k) {
    return dnnl::memory::desc({k, n}, dt::bf16, tag::ba);
}

void reorderWeights(const dnnl::memory::desc& from, void* fromData, const dnnl::memory::desc& to,
                    void* toData) {
    const auto& engine = PrimitiveCache::instance().engine();
    dnnl::stream stream(engine);
    dnnl::memory a(from, engine, fromData), b(to, engine, toData);
    dnnl::reorder(a, b).execute(stream, a, b);
    stream.wait();
}

} // namespace

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor& x, const at::Tensor& weight,
                                           const at::Tensor& bias) {
    if (disabledByEnvironment() || !weight.defined() || !weight.device().is_cpu() ||
        weight.scalar_type() != at::kBFloat16 || weight.dim() != 2 ||
        !fitsLinear(x, weight.size(0), weight.size(1), bias))
        return std::nullopt;
    const at::Tensor w = weight.contiguous();
    return runLinear(0, x, plainWeights(w.size(0), w.size(1)), w.data_ptr(), w.size(0), bias);
}

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor& x, const PackedLinearWeight& weight,
                                           const at::Tensor& bias) {
    if (disabledByEnvironment() || weight.empty() ||
        !fitsLinear(x, weight.outFeatures(), weight.inFeatures(), bias))
        return std::nullopt;
    return runLinear(1, x, weight.m_layout->desc, weight.m_data.data_ptr(), weight.outFeatures(),
                     bias);
}

bool oneDnnBf16LinearAccumulate(const at::Tensor& x, const PackedLinearWeight& weight,
                                const at::Tensor& bias, at::Tensor& into) {
    if (disabledByEnvironment() || weight.empty() ||
        !fitsLinear(x, weight.outFeatures(), weight.inFeatures(), bias))
        return false;
    return runLinear(1, x, weight.m_layout->desc, weight.m_data.data_ptr(), weight.outFeatures(),
                     bias, Epilogue::Accumulate, into)
        .has_value();
}

std::optional<at::Tensor> oneDnnBf16SwiGlu(const at::Tensor& x, const PackedLinearWeight& value,
                                           const at::Tensor& valueBias,
                                           const PackedLinearWeight& gate,
                                           const at::Tensor& gateBias) {
    if (disabledByEnvironment() || value.empty() || gate.empty() ||
        value.outFeatures() != gate.outFeatures() || value.inFeatures() != gate.inFeatures() ||
        !fitsLinear(x, value.outFeatures(), value.inFeatures(), valueBias) ||
        !fitsLinear(x, gate.outFeatures(), gate.inFeatures(), gateBias))
        return std::nullopt;
    const auto values = runLinear(1, x, value.m_layout->desc, value.m_data.data_ptr(),
                                  value.outFeatures(), valueBias);
    if (!values)
        return std::nullopt;
    return runLinear(1, x, gate.m_layout->desc, gate.m_data.data_ptr(), gate.outFeatures(),
                     gateBias, Epilogue::SwishTimes, *values);
}

std::optional<PackedLinearWeight> PackedLinearWeight::pack(const at::Tensor& weight) {
    if (disabledByEnvironment() || !weight.defined() || !weight.device().is_cpu() ||
        weight.scalar_type() != at::kBFloat16 || weight.dim() != 2 || weight.numel() == 0)
        return std::nullopt;
    const int64_t n = weight.size(0), k = weight.size(1);
    auto layout = PrimitiveCache::instance().packedLayout(k, n);
    if (!layout)
        return std::nullopt;
    PackedLinearWeight packed;
    packed.m_n = n;
    packed.m_k = k;
    packed.m_layout = std::move(layout);
    packed.m_data = at::empty({static_cast<int64_t>(packed.m_layout->desc.get_size())},
                              weight.options().dtype(at::kByte));
    const at::Tensor plain = weight.contiguous();
    reorderWeights(plainWeights(n, k), plain.data_ptr(), packed.m_layout->desc,
                   packed.m_data.data_ptr());
    return packed;
}

at::Tensor PackedLinearWeight::unpack() const {
    if (empty())
        return {};
    at::Tensor plain = at::empty({m_n, m_k}, m_data.options().dtype(at::kBFloat16));
    reorderWeights(m_layout->desc, m_data.data_ptr(), plainWeights(m_n, m_k), plain.data_ptr());
    return plain;
}

std::optional<at::Tensor> oneDnnBatchedMatmul(const at::Tensor& a, const at::Tensor& b,
                                              float outputScale) {
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
    uint32_t scaleBits = 0;
    std::memcpy(&scaleBits, &outputScale, sizeof scaleBits);
    auto primitive = PrimitiveCache::instance().get(
        {kBatchedProduct, batch, m, k, n, transposed, scaleBits}, [&](const dnnl::engine& engine) {
            dnnl::primitive_attr attr;
            if (outputScale != 1.0f)
                attr.set_output_scales(0, {outputScale});
            return dnnl::matmul::primitive_desc(
                dnnl::matmul::desc(
                    dnnl::memory::desc({batch, m, k}, dt::f32, tag::abc),
                    dnnl::memory::desc({batch, k, n}, dt::f32, transposed ? tag::acb : tag::abc),
                    dnnl::memory::desc({batch, m, n}, dt::f32, tag::abc)),
                attr, engine);
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

struct PackedLinearWeight::Layout {};

bool oneDnnLinearAvailable() {
    return false;
}

std::optional<PackedLinearWeight> PackedLinearWeight::pack(const at::Tensor&) {
    return std::nullopt;
}

at::Tensor PackedLinearWeight::unpack() const {
    return {};
}

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor&, const PackedLinearWeight&,
                                           const at::Tensor&) {
    return std::nullopt;
}

bool oneDnnBf16LinearAccumulate(const at::Tensor&, const PackedLinearWeight&, const at::Tensor&,
                                at::Tensor&) {
    return false;
}

std::optional<at::Tensor> oneDnnBf16SwiGlu(const at::Tensor&, const PackedLinearWeight&,
                                           const at::Tensor&, const PackedLinearWeight&,
                                           const at::Tensor&) {
    return std::nullopt;
}

std::optional<at::Tensor> oneDnnBf16Linear(const at::Tensor&, const at::Tensor&,
                                           const at::Tensor&) {
    return std::nullopt;
}

std::optional<at::Tensor> oneDnnBatchedMatmul(const at::Tensor&, const at::Tensor&, float) {
    return std::nullopt;
}

#endif

PackedLinearWeight::PackedLinearWeight() = default;
PackedLinearWeight::~PackedLinearWeight() = default;
PackedLinearWeight::PackedLinearWeight(const PackedLinearWeight&) = default;
PackedLinearWeight& PackedLinearWeight::operator=(const PackedLinearWeight&) = default;
PackedLinearWeight::PackedLinearWeight(PackedLinearWeight&&) noexcept = default;
PackedLinearWeight& PackedLinearWeight::operator=(PackedLinearWeight&&) noexcept = default;

} // namespace footfall::model
