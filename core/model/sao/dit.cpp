#include "model/sao/dit.h"

#include "base/errors.h"
#include "model/runtime/cpu_block_cache.h"
#include "model/runtime/mixed_precision.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace footfall::model {

namespace {

constexpr double kPi = 3.14159265358979323846; // Python math.pi
constexpr int64_t kTimestepFeatures = 256;     // FourierFeatures(1, 256) in dit.py
constexpr double kBlockNormEps = 1e-5;         // transformer.py LayerNorm default
constexpr double kQkNormEps = 1e-6;            // nn.LayerNorm(dim_heads, eps=1e-6) for qk_norm "ln"

// Sequential(Linear, SiLU, Linear) as used by every embedding MLP of the DiT.
at::Tensor mlp(const at::Tensor& x, const at::Tensor& w0, const at::Tensor& b0,
               const at::Tensor& w2, const at::Tensor& b2, std::optional<at::ScalarType> matmul) {
    const at::Tensor h = at::silu(mixedLinear(x, w0, b0, matmul));
    return mixedLinear(h, w2, b2, matmul);
}

// LayerNorm over the last `dim` features with the affine parameters as `x` needs them.
at::Tensor layerNorm(const at::Tensor& x, int64_t dim, const at::Tensor& weight,
                     const at::Tensor& bias, double eps) {
    return at::layer_norm(x, {dim}, computeView(weight, x), computeView(bias, x), eps);
}

// 'b n (h d) -> b h n d'
at::Tensor splitHeads(const at::Tensor& t, int64_t heads) {
    const int64_t b = t.size(0), n = t.size(1);
    return t.reshape({b, n, heads, t.size(2) / heads}).transpose(1, 2);
}

// to_qkv's output [b, n, 3·heads·d] (float32, contiguous) as contiguous q, k, v [b, heads, n, d],
// q and k rotated as applyRotary does (cos/sin [n, rot], float32, contiguous; undefined: no
// rotary), in one pass. The same products in the same order as the ATen ops it replaces
// (split views, rotary, the copies attention makes of them): ~25 ms of a full-size bf16 step.
std::vector<at::Tensor> splitHeadsRotated(const at::Tensor& qkv, int64_t heads,
                                          const at::Tensor& cos, const at::Tensor& sin) {
    const int64_t b = qkv.size(0), n = qkv.size(1), width = qkv.size(2);
    const int64_t e = width / 3, d = e / heads;
    const int64_t rot = cos.defined() ? cos.size(-1) : 0, half = rot / 2;
    std::vector<at::Tensor> out;
    for (int i = 0; i < 3; ++i)
        out.push_back(at::empty({b, heads, n, d}, qkv.options()));
    const float* src = qkv.data_ptr<float>();
    const float* c = rot > 0 ? cos.data_ptr<float>() : nullptr;
    const float* s = rot > 0 ? sin.data_ptr<float>() : nullptr;
    float* dst[3] = {out[0].data_ptr<float>(), out[1].data_ptr<float>(), out[2].data_ptr<float>()};
    at::parallel_for(0, 3 * b * heads, 1, [&](int64_t first, int64_t last) {
        for (int64_t job = first; job < last; ++job) {
            const int64_t which = job / (b * heads), item = job % (b * heads);
            const int64_t bi = item / heads, hi = item % heads;
            const float* from = src + bi * n * width + which * e + hi * d;
            float* to = dst[which] + item * n * d;
            for (int64_t t = 0; t < n; ++t, from += width, to += d) {
                if (which == 2 || rot == 0) {
                    std::memcpy(to, from, static_cast<size_t>(d) * sizeof(float));
                    continue;
                }
                const float* ct = c + t * rot;
                const float* st = s + t * rot;
                for (int64_t j = 0; j < half; ++j) {
                    const float head = from[j] * ct[j];
                    const float rotated = -from[j + half] * st[j];
                    to[j] = head + rotated;
                }
                for (int64_t j = half; j < rot; ++j) {
                    const float head = from[j] * ct[j];
                    const float rotated = from[j - half] * st[j];
                    to[j] = head + rotated;
                }
                std::memcpy(to + rot, from + rot, static_cast<size_t>(d - rot) * sizeof(float));
            }
        }
    });
    return out;
}

[[noreturn]] void badInput(const std::string& what) {
    throw GenerationError("DiT input: " + what);
}

} // namespace

DiffusionTransformer::DiffusionTransformer(const DitConfig& config, DiffusionObjective objective)
    : m_config(config), m_objective(objective) {
    m_blocks.resize(static_cast<size_t>(config.depth));
    for (int64_t i = 0; i < config.depth; ++i) {
        DitBlock& block = m_blocks[static_cast<size_t>(i)];
        block.crossAttends = config.layerCrossAttends(i);
        block.selfAttn.isCross = false;
        block.crossAttn.isCross = true;
    }
}

void DiffusionTransformer::collectParameters(ParameterList& out, const std::string& prefix) {
    unpackWeights();
    const DitConfig& c = m_config;
    const int64_t e = c.embedDim;
    const int64_t d = c.dimHeads();
    const int64_t dimIn = c.ioChannels * c.patchSize;

    out.add(prefix + "timestep_features.weight", &m_timestepFeatures, {kTimestepFeatures / 2, 1});
    out.add(prefix + "to_timestep_embed.0.weight", &m_timestepW0, {e, kTimestepFeatures});
    out.add(prefix + "to_timestep_embed.0.bias", &m_timestepB0, {e});
    out.add(prefix + "to_timestep_embed.2.weight", &m_timestepW2, {e, e});
    out.add(prefix + "to_timestep_embed.2.bias", &m_timestepB2, {e});
    if (c.condTokenDim > 0) {
        const int64_t ce = c.condEmbedDim();
        out.add(prefix + "to_cond_embed.0.weight", &m_condW0, {ce, c.condTokenDim});
        out.add(prefix + "to_cond_embed.2.weight", &m_condW2, {ce, ce});
    }
    if (c.globalCondDim > 0) {
        const int64_t ge = c.globalEmbedDim();
        out.add(prefix + "to_global_embed.0.weight", &m_globalW0, {ge, c.globalCondDim});
        out.add(prefix + "to_global_embed.2.weight", &m_globalW2, {ge, ge});
    }

    const std::string tp = prefix + "transformer.";
    for (size_t i = 0; i < m_blocks.size(); ++i) {
        DitBlock& b = m_blocks[i];
        const std::string lp = tp + "layers." + std::to_string(i) + ".";
        auto qkNorm = [&](DitAttention& a, const std::string& ap) {
            if (c.qkNorm != QkNorm::LayerNorm)
                return;
            out.add(ap + "q_norm.weight", &a.qNormWeight, {d});
            out.add(ap + "q_norm.bias", &a.qNormBias, {d});
            out.add(ap + "k_norm.weight", &a.kNormWeight, {d});
            out.add(ap + "k_norm.bias", &a.kNormBias, {d});
        };
        out.add(lp + "pre_norm.gamma", &b.preNormGamma, {e});
        out.add(lp + "pre_norm.beta", &b.preNormBeta, {e});
        out.add(lp + "self_attn.to_qkv.weight", &b.selfAttn.toQkv, {3 * e, e});
        out.add(lp + "self_attn.to_out.weight", &b.selfAttn.toOut, {e, e});
        qkNorm(b.selfAttn, lp + "self_attn.");
        if (b.crossAttends) {
            const int64_t ce = c.condEmbedDim();
            out.add(lp + "cross_attend_norm.gamma", &b.crossNormGamma, {e});
            out.add(lp + "cross_attend_norm.beta", &b.crossNormBeta, {e});
            out.add(lp + "cross_attn.to_q.weight", &b.crossAttn.toQ, {e, e});
            out.add(lp + "cross_attn.to_kv.weight", &b.crossAttn.toKv, {2 * ce, ce});
            out.add(lp + "cross_attn.to_out.weight", &b.crossAttn.toOut, {e, e});
            qkNorm(b.crossAttn, lp + "cross_attn.");
        }
        const int64_t inner = c.ffInnerDim();
        out.add(lp + "ff_norm.gamma", &b.ffNormGamma, {e});
        out.add(lp + "ff_norm.beta", &b.ffNormBeta, {e});
        out.add(lp + "ff.ff.0.proj.weight", &b.ffProjWeight, {2 * inner, e});
        out.add(lp + "ff.ff.0.proj.bias", &b.ffProjBias, {2 * inner});
        out.add(lp + "ff.ff.2.weight", &b.ffOutWeight, {e, inner});
        out.add(lp + "ff.ff.2.bias", &b.ffOutBias, {e});
    }
    out.add(tp + "project_in.weight", &m_projectIn, {e, dimIn});
    out.add(tp + "project_out.weight", &m_projectOut, {dimIn, e});
    if (c.rotaryPosEmb)
        out.add(tp + "rotary_pos_emb.inv_freq", &m_invFreq, {c.rotaryDim() / 2});
    // input_concat_dim is 0 (config check), so the pre-conv sees io_channels.
    out.add(prefix + "preprocess_conv.weight", &m_preprocessConv, {c.ioChannels, c.ioChannels, 1});
    out.add(prefix + "postprocess_conv.weight", &m_postprocessConv,
            {c.ioChannels, c.ioChannels, 1});
}

void DiffusionTransformer::load(const WeightSource& weights, const WeightTarget& target,
                                const std::string& prefix) {
    ParameterList params;
    collectParameters(params, prefix);
    LoadOptions options;
    options.target = target;
    options.strictPrefixes = {prefix};
    loadParameters(params, weights, options);
    m_compute = target.compute;
    m_loadTarget = target;
    setMatmulDtype(target.matmul);
    for (const auto& e : params.entries())
        if (loadTargetFor(e.name).dtype != target.dtype)
            *e.tensor = loadedParameter(weights, e.name, e.shape);
    packWeights();
}

WeightTarget DiffusionTransformer::loadTargetFor(const std::string& key) const {
    const WeightTarget& target = m_loadTarget;
    const bool mixed = target.matmul && *target.matmul != target.computeDtype();
    if (target.computeDtype() != target.dtype && keepsComputePrecision(key, mixed))
        return WeightTarget{target.computeDtype(), target.device};
    return target;
}

at::Tensor DiffusionTransformer::loadedParameter(const WeightSource& weights,
                                                 const std::string& key,
                                                 at::IntArrayRef shape) const {
    at::Tensor t = weights.require(key, shape, loadTargetFor(key));
    weights.releaseFilePages(key);
    return t;
}

std::vector<DiffusionTransformer::PackSlot> DiffusionTransformer::packableWeights() {
    std::vector<PackSlot> out;
    for (DitBlock& b : m_blocks) {
        out.push_back({&b.selfAttn.toQkv, {&b.selfAttn.toQkvPacked}});
        out.push_back({&b.selfAttn.toOut, {&b.selfAttn.toOutPacked}});
        if (b.crossAttends) {
            out.push_back({&b.crossAttn.toQ, {&b.crossAttn.toQPacked}});
            out.push_back({&b.crossAttn.toKv, {&b.crossAttn.toKvPacked}});
            out.push_back({&b.crossAttn.toOut, {&b.crossAttn.toOutPacked}});
        }
        out.push_back({&b.ffProjWeight, {&b.ffValuePacked, &b.ffGatePacked}});
        out.push_back({&b.ffOutWeight, {&b.ffOutPacked}});
    }
    return out;
}

void DiffusionTransformer::packWeights() {
    if (m_matmul != at::kBFloat16 || dtype() == at::kBFloat16)
        return; // not the mixed bf16 path
    for (const PackSlot& slot : packableWeights()) {
        const at::Tensor& plain = *slot.plain;
        const int64_t parts = static_cast<int64_t>(slot.parts.size());
        if (!plain.defined() || !plain.device().is_cpu() || plain.scalar_type() != at::kBFloat16 ||
            plain.dim() != 2 || plain.size(0) % parts != 0)
            continue;
        std::vector<PackedLinearWeight> packed;
        for (const at::Tensor& rows : plain.chunk(parts, 0))
            if (auto p = PackedLinearWeight::pack(rows))
                packed.push_back(std::move(*p));
        if (static_cast<int64_t>(packed.size()) != parts)
            continue; // all or nothing
        for (size_t i = 0; i < packed.size(); ++i)
            *slot.parts[i] = std::move(packed[i]);
        *slot.plain = at::Tensor(); // one copy only: its memory goes back now
        // The C heap keeps the freed weight as a hole the next packed one may not fit: without
        // this, resident memory grew by up to 350 MB over the packing of SAO 1.0 (depending on
        // the heap's layout), the peak of a low-memory run.
        if (m_returnFreedMemory)
            trimCpuMemory();
    }
}

void DiffusionTransformer::unpackWeights() {
    for (const PackSlot& slot : packableWeights()) {
        if (slot.parts.front()->empty())
            continue;
        std::vector<at::Tensor> rows;
        for (PackedLinearWeight* part : slot.parts) {
            rows.push_back(part->unpack());
            *part = PackedLinearWeight();
        }
        *slot.plain = rows.size() == 1 ? rows.front() : at::cat(rows, 0);
        if (m_returnFreedMemory)
            trimCpuMemory(); // the packed copy's pages (see packWeights)
    }
}

size_t DiffusionTransformer::packedWeightCount() const {
    // packableWeights() only hands out pointers; nothing is changed through them here.
    size_t n = 0;
    for (const PackSlot& slot : const_cast<DiffusionTransformer*>(this)->packableWeights())
        n += slot.parts.front()->empty() ? 0 : 1;
    return n;
}

at::Tensor DiffusionTransformer::blockLinear(const at::Tensor& x, const at::Tensor& weight,
                                             const PackedLinearWeight& packed,
                                             const at::Tensor& bias) const {
    if (!packed.empty())
        return mixedLinear(x, packed, bias);
    return mixedLinear(x, weight, bias, m_matmul);
}

void DiffusionTransformer::addBlockLinear(at::Tensor& h, const at::Tensor& x,
                                          const at::Tensor& weight,
                                          const PackedLinearWeight& packed,
                                          const at::Tensor& bias) const {
    if (!packed.empty() && h.scalar_type() == at::kFloat && h.is_contiguous()) {
        const at::Tensor xb = x.to(at::kBFloat16);
        if (oneDnnBf16LinearAccumulate(xb, packed, computeView(bias, xb), h))
            return;
    }
    h.add_(blockLinear(x, weight, packed, bias)); // h may be a view into the residual stream
}

at::Tensor DiffusionTransformer::gatedFeedForward(const DitBlock& b, const at::Tensor& x) const {
    if (!b.ffValuePacked.empty()) {
        const at::Tensor xb = x.to(at::kBFloat16);
        const int64_t inner = b.ffValuePacked.outFeatures();
        const at::Tensor bias = computeView(b.ffProjBias, xb);
        if (auto gated = oneDnnBf16SwiGlu(xb, b.ffValuePacked, bias.narrow(0, 0, inner),
                                          b.ffGatePacked, bias.narrow(0, inner, inner)))
            return *gated; // bf16: ff.ff.2's input as it would convert it
        const at::Tensor values = mixedLinear(x, b.ffValuePacked, bias.narrow(0, 0, inner));
        return values * at::silu(mixedLinear(x, b.ffGatePacked, bias.narrow(0, inner, inner)));
    }
    const auto glu = mixedLinear(x, b.ffProjWeight, b.ffProjBias, m_matmul).chunk(2, -1);
    return glu[0] * at::silu(glu[1]);
}

bool DiffusionTransformer::keepsComputePrecision(const std::string& key, bool mixed) {
    const auto endsWith = [&key](const std::string& suffix) {
        return key.size() >= suffix.size() &&
               key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    const auto contains = [&key](const std::string& part) {
        return key.find(part) != std::string::npos;
    };
    if (endsWith("timestep_features.weight") || endsWith("rotary_pos_emb.inv_freq"))
        return true;
    // The mixed path's edges: everything outside the transformer blocks (embeddings, project
    // in/out, the 1x1 convs) runs and is kept in the compute dtype. <1% of the work.
    return mixed && (contains("to_timestep_embed.") || contains("to_cond_embed.") ||
                     contains("to_global_embed.") || endsWith("project_in.weight") ||
                     endsWith("project_out.weight") || contains("process_conv."));
}

at::ScalarType DiffusionTransformer::dtype() const {
    return m_compute.value_or(storageDtype());
}

at::ScalarType DiffusionTransformer::storageDtype() const {
    // A block's weight: the mixed path keeps project_in and the embeddings in float32.
    if (!m_blocks.empty() && m_blocks.front().selfAttn.toQkv.defined())
        return m_blocks.front().selfAttn.toQkv.scalar_type();
    if (!m_blocks.empty() && !m_blocks.front().selfAttn.toQkvPacked.empty())
        return at::kBFloat16; // packing takes bf16 weights only
    return m_projectIn.defined() ? m_projectIn.scalar_type() : at::kFloat;
}

at::Device DiffusionTransformer::device() const {
    return m_projectIn.defined() ? m_projectIn.device() : at::Device(at::kCPU);
}

at::Tensor DiffusionTransformer::normalizeHeads(const at::Tensor& t, const at::Tensor& weight,
                                                const at::Tensor& bias) const {
    switch (m_config.qkNorm) {
    case QkNorm::None:
        return t;
    case QkNorm::LayerNorm:
        return layerNorm(t, t.size(-1), weight, bias, kQkNormEps);
    case QkNorm::L2: // F.normalize(dim=-1): x / max(||x||, 1e-12)
        return t / at::clamp_min(at::norm(t, 2, {-1}, true), 1e-12);
    }
    return t;
}

at::Tensor DiffusionTransformer::applyRotary(const at::Tensor& t, const at::Tensor& cos,
                                             const at::Tensor& sin) const {
    // Partial, half-split (GPT-NeoX) rotary on the first rotary_dim features, in float32.
    const int64_t rot = cos.size(-1);
    const at::Tensor tf = t.to(at::kFloat);
    const at::Tensor head = tf.narrow(-1, 0, rot);
    const at::Tensor x1 = head.narrow(-1, 0, rot / 2);
    const at::Tensor x2 = head.narrow(-1, rot / 2, rot / 2);
    const at::Tensor rotated = at::cat({-x2, x1}, -1);
    const at::Tensor out = head * cos + rotated * sin;
    if (rot == tf.size(-1))
        return out;
    return at::cat({out, tf.narrow(-1, rot, tf.size(-1) - rot)}, -1);
}

at::Tensor DiffusionTransformer::attend(const at::Tensor& q, const at::Tensor& k,
                                        const at::Tensor& v) const {
    // Always in the compute dtype, also on the bf16 path: softmax exponentiates the scores'
    // absolute rounding error (bf16 rounds a score of 10 by up to 0.04, 4% of its weight), and
    // the attention products are ~3% of a step's work at SAO's lengths. On the bf16 path they
    // run as batched oneDNN float32 products: ATen does them head by head on one thread.
    return mixedAttention(q, k, v, std::nullopt, m_matmul.has_value() && q.device().is_cpu());
}

at::Tensor DiffusionTransformer::selfAttention(const DitAttention& attn, const at::Tensor& x,
                                               const at::Tensor& cos, const at::Tensor& sin) const {
    const int64_t heads = m_config.numHeads;
    const at::Tensor projected = blockLinear(x, attn.toQkv, attn.toQkvPacked);
    if (m_config.qkNorm == QkNorm::None && projected.scalar_type() == at::kFloat &&
        projected.device().is_cpu() && projected.is_contiguous() &&
        (!cos.defined() ||
         (cos.scalar_type() == at::kFloat && cos.is_contiguous() && sin.is_contiguous() &&
          cos.size(-1) <= projected.size(2) / 3 / heads && cos.size(0) == projected.size(1)))) {
        const auto qkv = splitHeadsRotated(projected, heads, cos, sin);
        return attend(qkv[0], qkv[1], qkv[2]).transpose(1, 2).reshape({x.size(0), x.size(1), -1});
    }
    const auto qkv = projected.chunk(3, -1);
    at::Tensor q = splitHeads(qkv[0], heads);
    at::Tensor k = splitHeads(qkv[1], heads);
    const at::Tensor v = splitHeads(qkv[2], heads);
    q = normalizeHeads(q, attn.qNormWeight, attn.qNormBias);
    k = normalizeHeads(k, attn.kNormWeight, attn.kNormBias);
    if (cos.defined()) {
        q = applyRotary(q, cos, sin).to(v.scalar_type());
        k = applyRotary(k, cos, sin).to(v.scalar_type());
    }
    return attend(q, k, v).transpose(1, 2).reshape({x.size(0), x.size(1), -1});
}

at::Tensor DiffusionTransformer::crossAttention(const DitAttention& attn, const at::Tensor& x,
                                                const at::Tensor& k, const at::Tensor& v) const {
    at::Tensor q = splitHeads(blockLinear(x, attn.toQ, attn.toQPacked), m_config.numHeads);
    q = normalizeHeads(q, attn.qNormWeight, attn.qNormBias);
    return attend(q, k, v).transpose(1, 2).reshape({x.size(0), x.size(1), -1});
}

DiffusionTransformer::Prepared DiffusionTransformer::prepare(const DitConditioning& cond,
                                                             const DitGuidance& guidance) const {
    if (!isLoaded())
        throw GenerationError("DiT used before its weights were loaded");
    const DitConfig& c = m_config;
    const auto options = at::TensorOptions().dtype(dtype()).device(device());
    Prepared p;
    p.guidance = guidance;
    p.batch = -1;

    if (cond.globalCond.defined() && c.globalCondDim > 0) {
        const at::Tensor g = cond.globalCond.to(options);
        if (g.dim() != 2 || g.size(1) != c.globalCondDim)
            badInput("global_cond has shape " + shapeToString(g.sizes()) + ", expected [B, " +
                     std::to_string(c.globalCondDim) + "]");
        p.batch = g.size(0);
        p.globalEmbed = mlp(g, m_globalW0, {}, m_globalW2, {}, std::nullopt);
    }

    if (cond.crossAttnCond.defined() && c.condTokenDim > 0) {
        const at::Tensor x = cond.crossAttnCond.to(options);
        if (x.dim() != 3 || x.size(2) != c.condTokenDim)
            badInput("cross_attn_cond has shape " + shapeToString(x.sizes()) +
                     ", expected [B, S, " + std::to_string(c.condTokenDim) + "]");
        if (p.batch >= 0 && p.batch != x.size(0))
            badInput("cross_attn_cond has " + std::to_string(x.size(0)) +
                     " items but global_cond has " + std::to_string(p.batch));
        p.batch = x.size(0);
        p.hasCross = true;
        at::Tensor batch = x;
        if (guidance.cfgScale != 1.0) {
            // The null branch zeroes every cross-attention token (timing tokens included)
            // before to_cond_embed; a negative prompt replaces it, masked tokens zeroed.
            const at::Tensor null = at::zeros_like(x);
            at::Tensor uncond = null;
            if (cond.negativeCrossAttnCond.defined()) {
                uncond = cond.negativeCrossAttnCond.to(options);
                if (uncond.sizes() != x.sizes())
                    badInput("negative_cross_attn_cond has shape " + shapeToString(uncond.sizes()) +
                             ", expected " + shapeToString(x.sizes()));
                if (cond.negativeCrossAttnMask.defined()) {
                    const at::Tensor mask =
                        cond.negativeCrossAttnMask.to(device()).to(at::kBool).unsqueeze(2);
                    if (mask.size(0) != x.size(0) || mask.size(1) != x.size(1))
                        badInput("negative_cross_attn_mask has shape " +
                                 shapeToString(cond.negativeCrossAttnMask.sizes()) +
                                 ", expected [" + std::to_string(x.size(0)) + ", " +
                                 std::to_string(x.size(1)) + "]");
                    uncond = at::where(mask, uncond, null);
                }
            }
            batch = at::cat({x, uncond}, 0);
            p.hasUncond = true;
        }
        const at::Tensor context = mlp(batch, m_condW0, {}, m_condW2, {}, std::nullopt);
        const int64_t kvHeads = c.crossKvHeads();
        p.keys.resize(m_blocks.size());
        p.values.resize(m_blocks.size());
        for (size_t i = 0; i < m_blocks.size(); ++i) {
            const DitBlock& b = m_blocks[i];
            if (!b.crossAttends)
                continue;
            const auto kv =
                blockLinear(context, b.crossAttn.toKv, b.crossAttn.toKvPacked).chunk(2, -1);
            at::Tensor k = splitHeads(kv[0], kvHeads);
            at::Tensor v = splitHeads(kv[1], kvHeads);
            k = normalizeHeads(k, b.crossAttn.kNormWeight, b.crossAttn.kNormBias);
            if (kvHeads != c.numHeads) {
                // Grouped heads: query head h uses kv head h / (heads / kv_heads).
                k = k.repeat_interleave(c.numHeads / kvHeads, 1);
                v = v.repeat_interleave(c.numHeads / kvHeads, 1);
            }
            p.keys[i] = k.contiguous();
            p.values[i] = v.contiguous();
        }
        if (p.hasUncond) {
            // One answer for all layers: each .item() waits for the device (CUDA).
            at::Tensor anyNonZero;
            for (const at::Tensor& v : p.values) {
                if (!v.defined())
                    continue;
                const at::Tensor layer = v.narrow(0, p.batch, p.batch).ne(0).any();
                anyNonZero = anyNonZero.defined() ? at::logical_or(anyNonZero, layer) : layer;
            }
            p.uncondCrossIsZero = !anyNonZero.defined() || !anyNonZero.item<bool>();
        }
    }
    return p;
}

bool DiffusionTransformer::usesGuidance(const at::Tensor& t, const Prepared& prepared) const {
    if (!prepared.hasUncond || prepared.guidance.cfgScale == 1.0)
        return false;
    const at::Tensor t0 = t.reshape({-1}).narrow(0, 0, 1).to(at::kFloat);
    const at::Tensor sigma = m_objective == DiffusionObjective::V ? at::sin(t0 * kPi / 2) : t0;
    const float s = sigma.item<float>();
    return static_cast<float>(prepared.guidance.cfgIntervalMin) <= s &&
           s <= static_cast<float>(prepared.guidance.cfgIntervalMax);
}

at::Tensor DiffusionTransformer::forward(const at::Tensor& xIn, const at::Tensor& tIn,
                                         const Prepared& prepared) const {
    if (!isLoaded())
        throw GenerationError("DiT used before its weights were loaded");
    const DitConfig& c = m_config;
    const auto options = at::TensorOptions().dtype(dtype()).device(device());
    const at::Tensor x = xIn.to(options);
    if (x.dim() != 3 || x.size(1) != c.ioChannels)
        badInput("x has shape " + shapeToString(x.sizes()) + ", expected [B, " +
                 std::to_string(c.ioChannels) + ", L]");
    if (x.size(2) % c.patchSize != 0)
        badInput("latent length " + std::to_string(x.size(2)) +
                 " is not a multiple of the patch size " + std::to_string(c.patchSize));
    const int64_t b = x.size(0);
    if (prepared.batch >= 0 && prepared.batch != b)
        badInput("x has " + std::to_string(b) + " items but the conditioning has " +
                 std::to_string(prepared.batch));
    at::Tensor t = tIn.to(options).reshape({-1});
    if (t.numel() == 1 && b != 1)
        t = t.expand({b}).contiguous();
    if (t.numel() != b)
        badInput("t has " + std::to_string(t.numel()) + " values for " + std::to_string(b) +
                 " items");

    if (!usesGuidance(t, prepared))
        return forwardPass(x, t, prepared, 0, prepared.globalEmbed);

    const at::Tensor g = prepared.globalEmbed.defined()
                             ? at::cat({prepared.globalEmbed, prepared.globalEmbed}, 0)
                             : at::Tensor();
    const at::Tensor out = forwardPass(at::cat({x, x}, 0), at::cat({t, t}, 0), prepared, 0, g);
    const auto halves = out.chunk(2, 0);
    const at::Tensor& condOut = halves[0];
    const at::Tensor& uncondOut = halves[1];
    const double scale = prepared.guidance.cfgScale;
    const at::Tensor cfg = uncondOut + (condOut - uncondOut) * scale;
    const double phi = prepared.guidance.scalePhi;
    if (phi == 0.0)
        return cfg;
    const at::Tensor condStd = at::std(condOut, {1}, /*unbiased=*/true, /*keepdim=*/true);
    const at::Tensor cfgStd = at::std(cfg, {1}, /*unbiased=*/true, /*keepdim=*/true);
    return phi * (cfg * (condStd / cfgStd)) + (1.0 - phi) * cfg;
}

at::Tensor DiffusionTransformer::forward(const at::Tensor& x, const at::Tensor& t,
                                         const DitConditioning& cond,
                                         const DitGuidance& guidance) const {
    return forward(x, t, prepare(cond, guidance));
}

at::Tensor DiffusionTransformer::forwardPass(const at::Tensor& xIn, const at::Tensor& t,
                                             const Prepared& prepared, int64_t firstRow,
                                             const at::Tensor& globalEmbed) const {
    const DitConfig& c = m_config;
    const int64_t rows = xIn.size(0);
    const int64_t p = c.patchSize;

    // Timestep: FourierFeatures [cos | sin] of 2π t wᵀ, then the MLP; added to the global
    // embedding and prepended as one token.
    const at::Tensor angle = t.unsqueeze(1) * (2.0 * kPi);
    const at::Tensor f = at::matmul(angle, computeView(m_timestepFeatures, angle).t());
    const at::Tensor timestep = mlp(at::cat({at::cos(f), at::sin(f)}, -1), m_timestepW0,
                                    m_timestepB0, m_timestepW2, m_timestepB2, std::nullopt);
    const at::Tensor global = globalEmbed.defined() ? globalEmbed + timestep : timestep;
    const at::Tensor prepend = global.unsqueeze(1);

    at::Tensor x = at::conv1d(xIn, computeView(m_preprocessConv, xIn)) + xIn;
    x = x.transpose(1, 2); // [rows, L, C]
    if (p > 1)             // 'b (t p) c -> b t (c p)'
        x = x.reshape({rows, x.size(1) / p, p, x.size(2)})
                .permute({0, 1, 3, 2})
                .reshape({rows, x.size(1) / p, x.size(2) * p});

    at::Tensor h = at::cat({prepend, mixedLinear(x, m_projectIn, {}, std::nullopt)}, 1);
    const int64_t n = h.size(1);

    at::Tensor cos, sin;
    if (c.rotaryPosEmb) {
        const at::Tensor invFreq = m_invFreq.to(at::kFloat);
        const at::Tensor pos = at::arange(n, invFreq.options());
        const at::Tensor freqs = at::outer(pos, invFreq);
        const at::Tensor angles = at::cat({freqs, freqs}, -1);
        cos = at::cos(angles);
        sin = at::sin(angles);
    }

    // Rows whose cross-attention can add something: the null branch's rows follow the
    // conditional ones, and add exactly zero when their values are zero (Prepared).
    const int64_t crossRows =
        prepared.uncondCrossIsZero ? std::clamp<int64_t>(prepared.batch - firstRow, 0, rows) : rows;
    for (size_t i = 0; i < m_blocks.size(); ++i) {
        const DitBlock& b = m_blocks[i];
        const int64_t e = c.embedDim;
        const at::Tensor selfIn = layerNorm(h, e, b.preNormGamma, b.preNormBeta, kBlockNormEps);
        addBlockLinear(h, selfAttention(b.selfAttn, selfIn, cos, sin), b.selfAttn.toOut,
                       b.selfAttn.toOutPacked);
        if (b.crossAttends && prepared.hasCross && crossRows > 0) {
            const at::Tensor k = prepared.keys[i].narrow(0, firstRow, crossRows);
            const at::Tensor v = prepared.values[i].narrow(0, firstRow, crossRows);
            // The leading rows of the residual stream, in place (a contiguous view).
            at::Tensor hc = h.narrow(0, 0, crossRows);
            const at::Tensor crossIn =
                layerNorm(hc, e, b.crossNormGamma, b.crossNormBeta, kBlockNormEps);
            addBlockLinear(hc, crossAttention(b.crossAttn, crossIn, k, v), b.crossAttn.toOut,
                           b.crossAttn.toOutPacked);
        }
        const at::Tensor ffIn = layerNorm(h, e, b.ffNormGamma, b.ffNormBeta, kBlockNormEps);
        addBlockLinear(h, gatedFeedForward(b, ffIn), b.ffOutWeight, b.ffOutPacked, b.ffOutBias);
    }

    // Drop the prepended token, back to [rows, C, L].
    at::Tensor y =
        mixedLinear(h, m_projectOut, {}, std::nullopt).transpose(1, 2).narrow(2, 1, n - 1);
    if (p > 1) // 'b (c p) t -> b c (t p)'
        y = y.reshape({rows, c.ioChannels, p, n - 1})
                .permute({0, 1, 3, 2})
                .reshape({rows, c.ioChannels, (n - 1) * p});
    return at::conv1d(y, computeView(m_postprocessConv, y)) + y;
}

} // namespace footfall::model
