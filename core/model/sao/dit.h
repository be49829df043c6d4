// The Stable Audio Open diffusion transformer (stable-audio-tools DiffusionTransformer with a
// ContinuousTransformer), in plain ATen ops, with classifier-free guidance inside the
// forward exactly as the original (batch doubling, zeroed cross-attention conditioning for the
// unconditional half, optional negative conditioning, CFG interval, CFG rescale).
//
// Keys are the original ones: collectParameters(out, "model.model.") registers
// "model.model.transformer.layers.0.self_attn.to_qkv.weight" etc.
#pragma once

#include "model/runtime/onednn_linear.h"
#include "model/runtime/weights.h"
#include "model/sao/model_config.h"

#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

namespace footfall::model {

struct DitAttention {
    bool isCross = false;
    at::Tensor toQkv; // self-attention: [3E, E], rows [q | k | v]
    at::Tensor toQ;   // cross-attention: [E, E]
    at::Tensor toKv;  // cross-attention: [2C, C], rows [k | v]
    at::Tensor toOut; // [E, E]
    at::Tensor qNormWeight, qNormBias, kNormWeight, kNormBias; // qk_norm "ln": [dim_heads]
    // packWeights(): the linear weights above in oneDNN's layout, the plain tensor then empty.
    PackedLinearWeight toQkvPacked, toQPacked, toKvPacked, toOutPacked;
};

struct DitBlock {
    bool crossAttends = false;
    at::Tensor preNormGamma, preNormBeta; // beta is a zero buffer stored in the checkpoint
    DitAttention selfAttn;
    at::Tensor crossNormGamma, crossNormBeta;
    DitAttention crossAttn;
    at::Tensor ffNormGamma, ffNormBeta;
    at::Tensor ffProjWeight, ffProjBias; // GLU: [2 * inner, E], rows [value | gate]
    at::Tensor ffOutWeight, ffOutBias;   // [E, inner]
    // The GLU's weight packed as its two halves, so that the gate's product applies SiLU and
    // the product with the values in its epilogue (oneDnnBf16SwiGlu).
    PackedLinearWeight ffValuePacked, ffGatePacked, ffOutPacked;
};

struct DitConditioning {
    at::Tensor crossAttnCond;         // [B, S, cond_token_dim] or undefined
    at::Tensor globalCond;            // [B, global_cond_dim] or undefined
    at::Tensor negativeCrossAttnCond; // [B, S, cond_token_dim] or undefined
    at::Tensor negativeCrossAttnMask; // [B, S] (bool or 0/1) or undefined
    // cross_attn_mask is deliberately absent: the original DiT ignores it.
};

struct DitGuidance {
    double cfgScale = 1.0;
    double cfgIntervalMin = 0.0; // CFG applies while cfgIntervalMin <= sigma(t[0]) <= max
    double cfgIntervalMax = 1.0;
    double scalePhi = 0.0; // CFG rescale; 0 in generate_diffusion_cond
};

class DiffusionTransformer {
public:
    DiffusionTransformer(const DitConfig& config, DiffusionObjective objective);

    const DitConfig& config() const { return m_config; }
    DiffusionObjective objective() const { return m_objective; }

    // Registers every tensor (parameters and persistent buffers) under prefix + original name
    // with the shape the config implies. Pointers stay valid while this object is not moved.
    // Packed weights are unpacked first, so what the pointers show is always the plain tensor
    // (LoRA merges, tests); call packWeights() again after changing them.
    void collectParameters(ParameterList& out, const std::string& prefix = "model.model.");
    // collectParameters + strict loadParameters (unexpected keys under `prefix` are errors).
    // With a compute dtype other than the storage dtype (target.compute), the Fourier timestep
    // features and the rotary frequencies stay in the compute dtype (keepsComputePrecision):
    // they scale positions and 2πt into angles, where bf16 rounding would shift the phase.
    void load(const WeightSource& weights, const WeightTarget& target = {},
              const std::string& prefix = "model.model.");
    // The tensor load() put in place for `key` (its full name, e.g. "model.model.transformer.
    // layers.0.ff.ff.2.weight"), read again from `weights` with the same conversion, so the
    // same bits: a base weight back after a LoRA merge without keeping a copy (low-memory mode).
    at::Tensor loadedParameter(const WeightSource& weights, const std::string& key,
                               at::IntArrayRef shape) const;
    // The tensors load() keeps in the compute dtype when storing the rest in another one.
    // `mixed` (bf16 matmuls, float32 compute): also the layers outside the transformer blocks.
    static bool keepsComputePrecision(const std::string& key, bool mixed = false);
    // On the CPU's bf16 path (matmul dtype bf16, weights stored in bf16, oneDNN built in),
    // reorders the blocks' linear weights once into the layout oneDNN's kernel reads
    // (onednn_linear.h), in place of the plain ones: the same products, 14% faster. load()
    // calls it; call it after filling or changing weights through collectParameters. Elsewhere
    // a no-op. Not while forward() runs.
    void packWeights();
    // Whether packing and unpacking give each freed weight's heap pages back to the kernel at
    // once (default: on; load() packs that way). Without, the C heap keeps the freed weight as
    // a hole the next one may not fit, and resident memory grows by up to a copy of the
    // weights; with it, a LoRA switch faults 4 GB of fresh pages in (SAO 1.0: 8.3 s against
    // 3.5 s). SaoPipeline turns it off after loading, except in low-memory mode.
    void setReturnFreedMemory(bool on) { m_returnFreedMemory = on; }
    // How many linear weights are packed now (the GLU weight's two halves count once; 0 on any
    // other path).
    size_t packedWeightCount() const;
    bool isLoaded() const { return m_timestepFeatures.defined(); }
    // The compute dtype: inputs are converted to it and outputs come in it. target.compute of
    // load() (or setComputeDtype); unset, the weights' dtype.
    at::ScalarType dtype() const;
    // The dtype the weights are stored in (float32 when nothing is loaded).
    at::ScalarType storageDtype() const;
    // Computes in `dtype` whatever the weights are stored in (each weight is converted right
    // before its op); nullopt: in the weights' dtype. For modules filled through
    // collectParameters (load() sets it from its target).
    void setComputeDtype(std::optional<at::ScalarType> dtype) { m_compute = dtype; }
    // The transformer blocks' linear layers in `dtype` when it differs from the compute dtype
    // (mixed_precision.h): the CPU's bf16 path. Layer norms, the attention products and softmax,
    // the residual stream, the embeddings, project in/out and the CFG arithmetic stay in the
    // compute dtype. load() sets it from target.matmul.
    void setMatmulDtype(std::optional<at::ScalarType> dtype) { m_matmul = dtype; }
    std::optional<at::ScalarType> matmulDtype() const { return m_matmul; }
    at::Device device() const;

    // Work that stays the same over all sampler steps of one take: cross-attention keys and
    // values of every layer for the conditional and (with CFG) the unconditional branch, and the
    // projected global conditioning. Recompute after any weight change (e.g. a LoRA merge).
    struct Prepared {
        int64_t batch = 0;
        DitGuidance guidance;
        bool hasCross = false;
        bool hasUncond = false;               // the batch below holds [cond ; uncond] (2B rows)
        at::Tensor globalEmbed;               // to_global_embed(global_cond): [B, E] or undefined
        std::vector<at::Tensor> keys, values; // per layer [B or 2B, heads, S, dim_heads]
        // Every cross-attending layer's values are exactly zero for the unconditional rows (the
        // null branch: zeroed tokens through bias-free to_cond_embed and to_kv). Their
        // attention output is then zero, and so is to_out's (no bias): the guided pass skips
        // those rows' cross-attention, ~6% of a step, with the same result.
        bool uncondCrossIsZero = false;
    };
    Prepared prepare(const DitConditioning& cond, const DitGuidance& guidance = {}) const;

    // DiTWrapper.forward: x [B, io_channels, L], t [B] (or one value for all). With CFG
    // (cfg_scale != 1 and sigma(t[0]) inside the interval) one 2B-batch evaluation.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& t, const Prepared& prepared) const;
    at::Tensor forward(const at::Tensor& x, const at::Tensor& t, const DitConditioning& cond,
                       const DitGuidance& guidance = {}) const;

    // Whether forward() would run the guided (2B) pass for this t.
    bool usesGuidance(const at::Tensor& t, const Prepared& prepared) const;

private:
    // Every packable linear weight with its packed slots: equal row slices of it, in order.
    struct PackSlot {
        at::Tensor* plain;
        std::vector<PackedLinearWeight*> parts;
    };
    std::vector<PackSlot> packableWeights();
    void unpackWeights();
    // A block's linear layer on the matmul path, from the packed weight when there is one.
    at::Tensor blockLinear(const at::Tensor& x, const at::Tensor& weight,
                           const PackedLinearWeight& packed, const at::Tensor& bias = {}) const;
    // h += blockLinear(x, ...) in place: inside the kernel where the weight is packed, else
    // with add_. h is the residual stream or a contiguous view of its leading rows.
    void addBlockLinear(at::Tensor& h, const at::Tensor& x, const at::Tensor& weight,
                        const PackedLinearWeight& packed, const at::Tensor& bias = {}) const;
    // The feed-forward's GLU: values · silu(gate) of x's projection, the input of ff.ff.2.
    at::Tensor gatedFeedForward(const DitBlock& block, const at::Tensor& x) const;
    // One pass of _forward over `rows` rows of the prepared batch starting at `firstRow`.
    at::Tensor forwardPass(const at::Tensor& x, const at::Tensor& t, const Prepared& prepared,
                           int64_t firstRow, const at::Tensor& globalEmbed) const;
    // The attentions up to their output projection (to_out): the heads' results, merged.
    at::Tensor selfAttention(const DitAttention& attn, const at::Tensor& x, const at::Tensor& cos,
                             const at::Tensor& sin) const;
    at::Tensor crossAttention(const DitAttention& attn, const at::Tensor& x, const at::Tensor& k,
                              const at::Tensor& v) const;
    at::Tensor normalizeHeads(const at::Tensor& t, const at::Tensor& weight,
                              const at::Tensor& bias) const;
    at::Tensor applyRotary(const at::Tensor& t, const at::Tensor& cos, const at::Tensor& sin) const;
    at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v) const;

    DitConfig m_config;
    DiffusionObjective m_objective;
    std::optional<at::ScalarType> m_compute; // unset: the weights' dtype
    WeightTarget m_loadTarget;               // load()'s
    bool m_returnFreedMemory = true;
    // What load() converts `key` to: its target, or the compute dtype (keepsComputePrecision).
    WeightTarget loadTargetFor(const std::string& key) const;
    std::optional<at::ScalarType> m_matmul; // unset: linear layers in the compute dtype

    at::Tensor m_timestepFeatures; // [128, 1]
    at::Tensor m_timestepW0, m_timestepB0, m_timestepW2, m_timestepB2;
    at::Tensor m_condW0, m_condW2;     // to_cond_embed (no bias)
    at::Tensor m_globalW0, m_globalW2; // to_global_embed (no bias)
    at::Tensor m_projectIn, m_projectOut;
    at::Tensor m_invFreq; // rotary_pos_emb.inv_freq [rotary_dim / 2]
    std::vector<DitBlock> m_blocks;
    at::Tensor m_preprocessConv, m_postprocessConv; // [io, io, 1]
};

} // namespace footfall::model
