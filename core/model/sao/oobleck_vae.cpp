#include "model/sao/oobleck_vae.h"

#include "base/errors.h"
#include "model/runtime/cpu_block_cache.h"
#include "model/runtime/mixed_precision.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <functional>

namespace footfall::model {

// ---------------------------------------------------------------------------------------------
// modules

namespace {

// What the loaded VAE keeps: every tensor converted to the storage dtype once it is prepared
// (folded weights, biases, SnakeBeta scales), and a list of them for memory accounting.
struct Stored {
    at::ScalarType dtype = at::kFloat;
    std::optional<at::ScalarType> matmul; // convolutions in it (the CPU's bf16 path)
    std::vector<const at::Tensor*>* tensors = nullptr;

    void keep(at::Tensor& t) {
        if (!t.defined())
            return;
        t = t.to(dtype); // no-op when prepared in the storage dtype
        if (tensors)
            tensors->push_back(&t);
    }
    // Per-channel scales: a few KB, kept in float32 on the bf16 path (the sine's frequency
    // rounded to 8 bits would shift its phase).
    void keepScale(at::Tensor& t) {
        if (!t.defined())
            return;
        if (!matmul)
            t = t.to(dtype);
        if (tensors)
            tensors->push_back(&t);
    }
};

// SnakeBeta with log-scale parameters (stored), or ELU when use_snake is false.
struct Activation {
    bool snake = true;
    int64_t channels = 0;
    at::Tensor alpha, beta;           // as stored: log scale, [C]
    at::Tensor frequency, inverseMag; // exp(alpha), 1 / (exp(beta) + 1e-9), [1, C, 1]

    void collect(ParameterList& out, const std::string& prefix) {
        if (!snake)
            return;
        out.add(prefix + "alpha", &alpha, {channels});
        out.add(prefix + "beta", &beta, {channels});
    }
    void prepare(Stored& stored) {
        if (!snake)
            return;
        frequency = alpha.exp().view({1, channels, 1});
        inverseMag = (beta.exp() + 1e-9).reciprocal().view({1, channels, 1});
        alpha = at::Tensor();
        beta = at::Tensor();
        stored.keepScale(frequency);
        stored.keepScale(inverseMag);
    }
    at::Tensor operator()(const at::Tensor& x) const {
        if (!snake)
            return at::elu(x);
        // x + 1/(b + 1e-9) * sin(a x)^2, in place on one temporary: at the decoder's last
        // stages every full-rate activation is ~1 GiB per batch item (47 s of SAO 1.0 audio).
        at::Tensor y = x * computeView(frequency, x);
        y.sin_();
        y.mul_(y);
        y.mul_(computeView(inverseMag, x));
        return y.add_(x);
    }
};

// weight_norm'ed Conv1d / ConvTranspose1d; `same` marks the nearest-upsample variant's conv
// (padding='same', bias=False, preceded by nearest upsampling by `upsample`).
struct Conv {
    int64_t in = 0, out = 0, kernel = 1, stride = 1, padding = 0, dilation = 1;
    bool transposed = false;
    bool hasBias = true;
    int64_t upsample = 1;
    at::Tensor weightG, weightV, bias;
    at::Tensor weight;
    std::optional<at::ScalarType> matmul;

    void collect(ParameterList& out_, const std::string& prefix) {
        // state_dict order of a weight_norm'ed conv: bias, weight_g, weight_v
        if (hasBias)
            out_.add(prefix + "bias", &bias, {out});
        const int64_t dim0 = transposed ? in : out;
        out_.add(prefix + "weight_g", &weightG, {dim0, 1, 1});
        out_.add(prefix + "weight_v", &weightV,
                 transposed ? std::vector<int64_t>{in, out, kernel}
                            : std::vector<int64_t>{out, in, kernel});
    }
    void prepare(Stored& stored) {
        // torch.nn.utils.weight_norm(dim=0): w = g * v / ||v||, norm over all dims but 0
        // (dim 0 is the input channel of a transposed conv).
        const at::Tensor norm = weightV.reshape({weightV.size(0), -1})
                                    .norm(2, {1}, /*keepdim=*/true)
                                    .view({weightV.size(0), 1, 1});
        weight = weightV * (weightG / norm);
        weightG = at::Tensor();
        weightV = at::Tensor();
        stored.keep(weight);
        stored.keep(bias);
        matmul = stored.matmul;
    }
    at::Tensor operator()(const at::Tensor& x) const {
        if (transposed)
            return mixedConvTranspose1d(x, weight, bias, stride, padding, dilation, matmul);
        if (upsample > 1) {
            const std::vector<int64_t> size = {x.size(2) * upsample};
            const at::Tensor up = at::upsample_nearest1d(x, at::IntArrayRef(size));
            // padding='same' with an even kernel: the extra column goes to the right
            const int64_t total = dilation * (kernel - 1);
            const at::Tensor padded = at::constant_pad_nd(up, {total / 2, total - total / 2});
            return mixedConv1d(padded, weight, bias, 1, 0, dilation, matmul);
        }
        return mixedConv1d(x, weight, bias, stride, padding, dilation, matmul);
    }
};

Conv conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0,
          int64_t dilation = 1) {
    Conv c;
    c.in = in;
    c.out = out;
    c.kernel = kernel;
    c.stride = stride;
    c.padding = padding;
    c.dilation = dilation;
    return c;
}

Activation activation(bool snake, int64_t channels) {
    Activation a;
    a.snake = snake;
    a.channels = channels;
    return a;
}

struct ResidualUnit {
    Activation act1, act2;
    Conv conv1, conv2;

    ResidualUnit(int64_t channels, int64_t dilation, bool snake)
        : act1(activation(snake, channels)), act2(activation(snake, channels)),
          conv1(conv(channels, channels, 7, 1, dilation * 3, dilation)),
          conv2(conv(channels, channels, 1)) {}

    void collect(ParameterList& out, const std::string& prefix) {
        act1.collect(out, prefix + "layers.0.");
        conv1.collect(out, prefix + "layers.1.");
        act2.collect(out, prefix + "layers.2.");
        conv2.collect(out, prefix + "layers.3.");
    }
    void prepare(Stored& stored) {
        act1.prepare(stored);
        conv1.prepare(stored);
        act2.prepare(stored);
        conv2.prepare(stored);
    }
    at::Tensor operator()(const at::Tensor& x) const { return conv2(act2(conv1(act1(x)))).add_(x); }
};

std::vector<ResidualUnit> residualUnits(int64_t channels, bool snake) {
    return {ResidualUnit(channels, 1, snake), ResidualUnit(channels, 3, snake),
            ResidualUnit(channels, 9, snake)};
}

int64_t ceilHalf(int64_t s) {
    return (s + 1) / 2;
}

struct EncoderBlock {
    std::vector<ResidualUnit> units;
    Activation act;
    Conv down;

    EncoderBlock(int64_t in, int64_t out, int64_t stride, bool snake)
        : units(residualUnits(in, snake)), act(activation(snake, in)),
          down(conv(in, out, 2 * stride, stride, ceilHalf(stride))) {}

    void collect(ParameterList& out, const std::string& prefix) {
        for (size_t i = 0; i < units.size(); ++i)
            units[i].collect(out, prefix + "layers." + std::to_string(i) + ".");
        act.collect(out, prefix + "layers.3.");
        down.collect(out, prefix + "layers.4.");
    }
    void prepare(Stored& stored) {
        for (auto& u : units)
            u.prepare(stored);
        act.prepare(stored);
        down.prepare(stored);
    }
    at::Tensor operator()(at::Tensor x) const {
        for (const auto& u : units)
            x = u(x);
        return down(act(x));
    }
};

struct DecoderBlock {
    Activation act;
    Conv up;
    std::vector<ResidualUnit> units;

    DecoderBlock(int64_t in, int64_t out, int64_t stride, bool snake, bool nearest)
        : act(activation(snake, in)), units(residualUnits(out, snake)) {
        if (nearest) {
            up = conv(in, out, 2 * stride);
            up.hasBias = false;
            up.upsample = stride;
        } else {
            up = conv(in, out, 2 * stride, stride, ceilHalf(stride));
            up.transposed = true;
        }
    }

    void collect(ParameterList& out, const std::string& prefix) {
        act.collect(out, prefix + "layers.0.");
        // the nearest-upsample variant wraps (Upsample, conv) in a Sequential
        up.collect(out, prefix + (up.upsample > 1 ? "layers.1.1." : "layers.1."));
        for (size_t i = 0; i < units.size(); ++i)
            units[i].collect(out, prefix + "layers." + std::to_string(i + 2) + ".");
    }
    void prepare(Stored& stored) {
        act.prepare(stored);
        up.prepare(stored);
        for (auto& u : units)
            u.prepare(stored);
    }
    at::Tensor operator()(const at::Tensor& x) const {
        at::Tensor y = up(act(x));
        for (const auto& u : units)
            y = u(y);
        return y;
    }
};

using Poll = std::function<void()>;

void runPoll(const Poll& p) {
    if (p)
        p();
}

// Encoder and decoder share one layout: layers.0 conv, layers.1..n blocks, layers.n+1
// activation, layers.n+2 conv (the decoder's layers.n+3 is Tanh or Identity: no tensors).
template <class Block> struct CoderStack {
    Conv first;
    std::vector<Block> blocks;
    Activation act;
    Conv last;

    void collect(ParameterList& out, const std::string& prefix) {
        first.collect(out, prefix + "layers.0.");
        for (size_t i = 0; i < blocks.size(); ++i)
            blocks[i].collect(out, prefix + "layers." + std::to_string(i + 1) + ".");
        act.collect(out, prefix + "layers." + std::to_string(blocks.size() + 1) + ".");
        last.collect(out, prefix + "layers." + std::to_string(blocks.size() + 2) + ".");
    }
    void prepare(Stored& stored) {
        first.prepare(stored);
        for (auto& b : blocks)
            b.prepare(stored);
        act.prepare(stored);
        last.prepare(stored);
    }
    // Polls between blocks so a cancel is seen during a long encode/decode.
    at::Tensor run(const at::Tensor& input, const Poll& p) const {
        at::Tensor x = first(input);
        for (const auto& b : blocks) {
            runPoll(p);
            x = b(x);
        }
        return last(act(x));
    }
};

struct Encoder : CoderStack<EncoderBlock> {
    explicit Encoder(const OobleckConfig& c) {
        std::vector<int64_t> mults = {1};
        mults.insert(mults.end(), c.cMults.begin(), c.cMults.end());
        first = conv(c.audioChannels, mults[0] * c.channels, 7, 1, 3);
        for (size_t i = 0; i + 1 < mults.size(); ++i)
            blocks.emplace_back(mults[i] * c.channels, mults[i + 1] * c.channels, c.strides[i],
                                c.useSnake);
        act = activation(c.useSnake, mults.back() * c.channels);
        last = conv(mults.back() * c.channels, c.latentDim, 3, 1, 1);
    }
    at::Tensor operator()(const at::Tensor& input, const Poll& p) const { return run(input, p); }
};

int64_t ceilDiv(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

// Samples of its input on either side that one output sample of a same-length convolution
// depends on (at most).
int64_t reach(const Conv& c) {
    return c.dilation * (c.kernel - 1);
}

struct Decoder : CoderStack<DecoderBlock> {
    bool tanh = false;
    // The last two blocks (the full-rate stages: at 6 s of SAO 1.0, activations of 68 and
    // 136 MB each, several alive at once) run tile by tile along time: each tile reads `halo`
    // more input samples on both sides than it keeps, which covers every later layer's reach,
    // so the pasted tiles are the whole decode (the same sums; float rounding may differ in the
    // last bit). Peak memory of a 6 s decode: a few tiles' worth instead of ~900 MB.
    std::size_t tiledFrom = 0;
    int64_t halo = 0;      // in samples at blocks[tiledFrom]'s input
    int64_t tailScale = 1; // output samples per input sample of the tiled stages
    static constexpr int64_t kTileOutputSamples = 32768;

    // The tiled stages' reach, from the output back to their input.
    void planTiles() {
        tiledFrom = blocks.size() >= 2 ? blocks.size() - 2 : 0;
        int64_t r = reach(last);
        tailScale = 1;
        for (std::size_t i = blocks.size(); i-- > tiledFrom;) {
            const DecoderBlock& b = blocks[i];
            for (const ResidualUnit& u : b.units)
                r += reach(u.conv1) + reach(u.conv2);
            if (b.up.transposed) {
                r = ceilDiv(r, b.up.stride) + ceilDiv(b.up.kernel, b.up.stride);
                tailScale *= b.up.stride;
            } else { // nearest upsampling, then a same-length convolution
                r = ceilDiv(r + reach(b.up), b.up.upsample) + 1;
                tailScale *= b.up.upsample;
            }
        }
        halo = r + 2;
    }

    at::Tensor tail(at::Tensor x) const {
        for (std::size_t i = tiledFrom; i < blocks.size(); ++i)
            x = blocks[i](x);
        return last(act(x));
    }

    // `tileOutput`: output samples per tile (0: the whole length at once).
    at::Tensor decode(const at::Tensor& latents, const Poll& p, int64_t tileOutput) const {
        at::Tensor x = first(latents);
        for (std::size_t i = 0; i < tiledFrom; ++i) {
            runPoll(p);
            x = blocks[i](x);
        }
        runPoll(p);
        // The tiles' tensors are smaller than the block cache's sizes: what it holds from the
        // whole-length stages would only add to the peak.
        releaseCachedCpuBlocks();
        const int64_t n = x.size(2);
        const int64_t tile = tileOutput > 0 ? std::max<int64_t>(1, tileOutput / tailScale) : n;
        at::Tensor out;
        if (n <= tile) {
            out = tail(x);
        } else {
            std::vector<at::Tensor> parts;
            for (int64_t a = 0; a < n; a += tile) {
                runPoll(p);
                const int64_t b = std::min(n, a + tile);
                const int64_t from = std::max<int64_t>(0, a - halo), to = std::min(n, b + halo);
                const at::Tensor y = tail(x.narrow(2, from, to - from));
                // Output sample m of the tile is sample m + from · scale of the whole (the
                // layers shift by `scale` per input sample); the last tile ends where it ends.
                const int64_t keepFrom = (a - from) * tailScale;
                const int64_t keepTo = b == n ? y.size(2) : (b - from) * tailScale;
                parts.push_back(y.narrow(2, keepFrom, keepTo - keepFrom));
            }
            out = at::cat(parts, 2);
        }
        return tanh ? at::tanh(out) : out;
    }

    explicit Decoder(const OobleckConfig& c) : tanh(c.finalTanh) {
        std::vector<int64_t> mults = {1};
        mults.insert(mults.end(), c.cMults.begin(), c.cMults.end());
        first = conv(c.latentDim, mults.back() * c.channels, 7, 1, 3);
        for (size_t i = mults.size() - 1; i > 0; --i)
            blocks.emplace_back(mults[i] * c.channels, mults[i - 1] * c.channels, c.strides[i - 1],
                                c.useSnake, c.useNearestUpsample);
        act = activation(c.useSnake, mults[0] * c.channels);
        last = conv(mults[0] * c.channels, c.audioChannels, 7, 1, 3);
        last.hasBias = false;
        planTiles();
    }
    at::Tensor operator()(const at::Tensor& latents, const Poll& p,
                          int64_t tileOutput = kTileOutputSamples) const {
        return decode(latents, p, tileOutput);
    }
};

// Runs fn on the whole batch, or item by item when iterate_batch is set (peak memory of one).
template <typename Fn> at::Tensor perBatch(bool iterate, const at::Tensor& input, const Fn& fn) {
    if (!iterate || input.size(0) <= 1)
        return fn(input);
    std::vector<at::Tensor> outputs;
    for (int64_t i = 0; i < input.size(0); ++i)
        outputs.push_back(fn(input.slice(0, i, i + 1)));
    return at::cat(outputs, 0);
}

std::string shapeText(at::IntArrayRef shape) {
    return shapeToString(shape);
}

} // namespace

struct OobleckVae::Impl {
    PretransformConfig config;
    std::unique_ptr<Encoder> encoder;
    Decoder decoder;
    WeightTarget target;                   // storage dtype, device, compute dtype
    std::vector<const at::Tensor*> stored; // into encoder/decoder, filled by prepare

    Impl(const PretransformConfig& c, bool withEncoder) : config(c), decoder(c.decoder) {
        if (withEncoder)
            encoder = std::make_unique<Encoder>(c.encoder);
    }
    void collect(ParameterList& out, const std::string& prefix) {
        if (encoder)
            encoder->collect(out, prefix + "encoder.");
        decoder.collect(out, prefix + "decoder.");
    }
};

std::vector<std::pair<std::string, std::vector<int64_t>>>
oobleckParameterShapes(const PretransformConfig& config, const std::string& prefix) {
    OobleckVae::Impl impl(config, true);
    ParameterList list;
    impl.collect(list, prefix);
    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    for (const auto& entry : list.entries())
        shapes.emplace_back(entry.name, entry.shape);
    return shapes;
}

OobleckVae::OobleckVae(const PretransformConfig& config, const WeightSource& weights,
                       const VaeLoadOptions& options)
    : m_impl(std::make_unique<Impl>(config, options.withEncoder)) {
    m_impl->target = options.target;
    ParameterList list;
    m_impl->collect(list, options.prefix);
    LoadOptions load;
    load.target = options.target;
    // Weights stored in another dtype than computed in (e.g. bf16 on the CPU): the weight norm
    // is folded and the SnakeBeta scales exponentiated in float32, then rounded once to the
    // storage dtype. Otherwise (float32, or half on CUDA) as the weights come.
    if (options.target.computeDtype() != options.target.dtype)
        load.target.dtype = at::kFloat;
    load.strictPrefixes = {options.withEncoder ? options.prefix : options.prefix + "decoder."};
    loadParameters(list, weights, load);
    Stored stored;
    stored.dtype = options.target.dtype;
    if (options.target.matmul && *options.target.matmul != options.target.computeDtype())
        stored.matmul = options.target.matmul;
    stored.tensors = &m_impl->stored;
    if (m_impl->encoder)
        m_impl->encoder->prepare(stored);
    m_impl->decoder.prepare(stored);
    // The folded weights are copies: the checkpoint's weight_g / weight_v pages are unused now.
    for (const auto& e : list.entries())
        weights.releaseFilePages(e.name);
}

at::ScalarType OobleckVae::computeDtype() const {
    return m_impl->target.computeDtype();
}

at::ScalarType OobleckVae::storageDtype() const {
    return m_impl->target.dtype;
}

std::vector<at::Tensor> OobleckVae::storedTensors() const {
    std::vector<at::Tensor> out;
    out.reserve(m_impl->stored.size());
    for (const at::Tensor* t : m_impl->stored)
        out.push_back(*t);
    return out;
}

OobleckVae::~OobleckVae() = default;
OobleckVae::OobleckVae(OobleckVae&&) noexcept = default;
OobleckVae& OobleckVae::operator=(OobleckVae&&) noexcept = default;

const PretransformConfig& OobleckVae::config() const {
    return m_impl->config;
}

bool OobleckVae::hasEncoder() const {
    return m_impl->encoder != nullptr;
}

namespace {

// AudioAutoencoder.decode of already scaled latents: bottleneck decode (identity for the VAE),
// decoder (item by item with iterate_batch), soft clip.
at::Tensor decodeScaled(const OobleckVae::Impl& impl, const at::Tensor& z, const Poll& poll,
                        int64_t tileOutput = Decoder::kTileOutputSamples) {
    at::Tensor audio = perBatch(impl.config.iterateBatch, z, [&](const at::Tensor& item) {
        return impl.decoder(item, poll, tileOutput);
    });
    return impl.config.softClip ? at::tanh(audio) : audio;
}

// AudioAutoencoder.decode_audio(chunked=True): chunks of chunkSize latents every hop =
// chunkSize - overlap latents plus a last chunk aligned to the end, each pasted at its latent
// offset · ratio in order, without overlap/2 latents' worth of samples at its inner edges (later
// chunks overwrite earlier ones). The original sizes the output and every chunk's paste as
// length · ratio, which only holds when every stride is even; here both come from the decoder's
// real length function (decodedLength = length · ratio - shortfall), which is the original's
// arithmetic wherever that one works. The paste positions stay the original's; a chunk whose
// audio ends before its paste end (odd strides, shortfall > overlap/2 · ratio) stops there and
// the next chunk starts where it stopped.
at::Tensor decodeInChunks(const OobleckVae::Impl& impl, const at::Tensor& z, int64_t chunkSize,
                          int64_t overlap, const Poll& poll) {
    const int64_t total = z.size(2);
    if (total <= chunkSize)
        return decodeScaled(impl, z, poll);
    const OobleckConfig& decoder = impl.config.decoder;
    const int64_t ratio = impl.config.downsamplingRatio;
    const int64_t outLength = oobleckDecodedLength(decoder, total);
    const int64_t chunkLength = oobleckDecodedLength(decoder, chunkSize);
    const int64_t hop = chunkSize - overlap;
    // Chunk i covers [start_i · ratio, start_i · ratio + chunkLength); the next one starts hop
    // latents later, so chunks leave no gap only when chunkLength >= hop · ratio.
    if (chunkLength < hop * ratio)
        throw GenerationError("the VAE decoder (strides " + shapeText(decoder.strides) +
                              ") cannot decode in chunks of " + std::to_string(chunkSize) +
                              " latents overlapping by " + std::to_string(overlap) + ": a chunk " +
                              "gives " + std::to_string(chunkLength) + " samples, fewer than the " +
                              std::to_string(hop * ratio) + " between chunk starts (use a " +
                              "larger overlap)");
    std::vector<int64_t> starts;
    for (int64_t i = 0; i + chunkSize <= total; i += hop)
        starts.push_back(i);
    if (starts.back() + chunkSize != total)
        starts.push_back(total - chunkSize);
    const int64_t edge = (overlap / 2) * ratio;
    at::Tensor audio;
    int64_t written = 0; // audio[0, written) is pasted
    for (size_t i = 0; i < starts.size(); ++i) {
        const at::Tensor chunk =
            decodeScaled(impl, z.slice(2, starts[i], starts[i] + chunkSize), poll);
        if (chunk.size(2) != chunkLength)
            throw GenerationError("the VAE decoder made " + std::to_string(chunk.size(2)) +
                                  " samples of " + std::to_string(chunkSize) +
                                  " latents; expected " + std::to_string(chunkLength));
        if (!audio.defined())
            audio = at::zeros({chunk.size(0), chunk.size(1), outLength}, chunk.options());
        const bool last = i + 1 == starts.size();
        const int64_t offset = last ? outLength - chunkLength : starts[i] * ratio;
        int64_t begin = i > 0 ? offset + edge : 0;
        int64_t end = last ? outLength : offset + chunkSize * ratio - edge;
        end = std::min(end, offset + chunkLength);
        begin = std::min(begin, written); // continue where a short previous chunk stopped
        if (end > begin)
            audio.slice(2, begin, end).copy_(chunk.slice(2, begin - offset, end - offset));
        written = std::max(written, end);
    }
    return audio;
}

} // namespace

int64_t oobleckDecodedLength(const OobleckConfig& decoder, int64_t latentLength) {
    int64_t length = latentLength;
    // The decoder's blocks upsample with the strides in reverse order.
    for (auto it = decoder.strides.rbegin(); it != decoder.strides.rend(); ++it) {
        const int64_t s = *it;
        // nearest: n·s; ConvTranspose1d: (n - 1)·s - 2·padding + kernel with kernel 2s and
        // padding ceil(s/2)
        length =
            decoder.useNearestUpsample ? length * s : (length - 1) * s - 2 * ceilHalf(s) + 2 * s;
        if (length <= 0)
            return 0;
    }
    return length;
}

int64_t OobleckVae::decodedLength(int64_t latentLength) const {
    return oobleckDecodedLength(m_impl->config.decoder, latentLength);
}

at::Tensor OobleckVae::scaledLatents(const at::Tensor& latents) const {
    const PretransformConfig& c = m_impl->config;
    if (latents.dim() != 3 || latents.size(1) != c.latentDim)
        throw GenerationError("VAE decode expects latents [batch, " + std::to_string(c.latentDim) +
                              ", length], got " + shapeText(latents.sizes()));
    if (decodedLength(latents.size(2)) < 1)
        throw GenerationError("the VAE decoder (strides " + shapeText(c.decoder.strides) +
                              ") cannot decode " + std::to_string(latents.size(2)) + " latents");
    const at::Tensor z = latents.to(m_impl->target.device, m_impl->target.computeDtype());
    // AutoencoderPretransform.decode: z * scale
    return c.scale == 1.0 ? z : z * c.scale;
}

at::Tensor OobleckVae::decode(const at::Tensor& latents, const std::function<void()>& poll) const {
    const at::Tensor z = scaledLatents(latents);
    if (m_impl->config.chunked)
        return decodeInChunks(*m_impl, z, 128, 32, poll); // the original's defaults
    return decodeScaled(*m_impl, z, poll);
}

at::Tensor OobleckVae::decodeTiled(const at::Tensor& latents, int64_t tileOutputSamples,
                                   const std::function<void()>& poll) const {
    if (tileOutputSamples < 0)
        throw GenerationError("VAE decode tiles must be 0 (whole) or more samples");
    return decodeScaled(*m_impl, scaledLatents(latents), poll, tileOutputSamples);
}

at::Tensor OobleckVae::decodeChunked(const at::Tensor& latents, int64_t chunkSize, int64_t overlap,
                                     const std::function<void()>& poll) const {
    if (chunkSize <= 0 || overlap < 0 || overlap >= chunkSize)
        throw GenerationError("VAE chunked decode needs 0 <= overlap < chunk size (got chunk " +
                              std::to_string(chunkSize) + ", overlap " + std::to_string(overlap) +
                              ")");
    return decodeInChunks(*m_impl, scaledLatents(latents), chunkSize, overlap, poll);
}

namespace {

// AudioAutoencoder.encode + the bottleneck + the pretransform's scale, on audio of any length.
VaeEncoding encodeWhole(const OobleckVae::Impl& impl, const at::Tensor& x, NoiseSource* noise,
                        const Poll& poll) {
    const PretransformConfig& c = impl.config;
    VaeEncoding e;
    e.preBottleneck = perBatch(c.iterateBatch, x,
                               [&](const at::Tensor& item) { return (*impl.encoder)(item, poll); });
    at::Tensor latents;
    if (c.vaeBottleneck()) {
        // bottleneck.vae_sample: the whole batch at once (one randn_like draw)
        const auto halves = e.preBottleneck.chunk(2, 1);
        e.mean = halves[0];
        e.scale = halves[1];
        e.stdev = at::softplus(e.scale) + 1e-4;
        const at::Tensor var = e.stdev * e.stdev;
        e.kl = (e.mean * e.mean + var - at::log(var) - 1.0).sum(1).mean();
        latents = noise ? noise->next(e.mean) * e.stdev + e.mean : e.mean;
    } else {
        latents = e.preBottleneck;
    }
    e.latents = c.scale == 1.0 ? latents : latents / c.scale;
    return e;
}

// AudioAutoencoder.encode_audio(chunked=True): chunks of chunkSize · ratio samples every
// (chunkSize - overlap) · ratio samples plus a last chunk aligned to the end, each encoded
// alone (its own posterior draw, in chunk order, as the original's per-chunk randn_like) and
// pasted at its latent offset without overlap / 2 latents at its inner edges, later chunks
// overwriting earlier ones. Audio of at most one chunk is encoded whole (the original fails
// there: its loop variable is never set).
VaeEncoding encodeInChunks(const OobleckVae::Impl& impl, const at::Tensor& x, int64_t chunkSize,
                           int64_t overlap, NoiseSource* noise, const Poll& poll) {
    const int64_t ratio = impl.config.downsamplingRatio;
    const int64_t total = x.size(2);
    const int64_t chunkSamples = chunkSize * ratio;
    if (total <= chunkSamples)
        return encodeWhole(impl, x, noise, poll);
    if (total % ratio != 0)
        throw GenerationError("VAE chunked encode needs a multiple of " + std::to_string(ratio) +
                              " samples, got " + std::to_string(total));
    const int64_t hop = (chunkSize - overlap) * ratio;
    std::vector<int64_t> starts;
    for (int64_t i = 0; i + chunkSamples <= total; i += hop)
        starts.push_back(i);
    if (starts.back() + chunkSamples != total)
        starts.push_back(total - chunkSamples);
    const int64_t latentLength = total / ratio;
    const int64_t edge = overlap / 2;
    VaeEncoding out;
    const auto paste = [&](at::Tensor& into, const at::Tensor& from, int64_t to, int64_t begin,
                           int64_t end) {
        if (!from.defined())
            return;
        if (!into.defined())
            into = at::zeros({from.size(0), from.size(1), latentLength}, from.options());
        into.slice(2, to, to + end - begin).copy_(from.slice(2, begin, end));
    };
    for (size_t i = 0; i < starts.size(); ++i) {
        const VaeEncoding e =
            encodeWhole(impl, x.slice(2, starts[i], starts[i] + chunkSamples), noise, poll);
        const int64_t length = e.latents.size(2);
        if (length != chunkSize)
            throw GenerationError("the VAE encoder made " + std::to_string(length) +
                                  " latents of " + std::to_string(chunkSamples) +
                                  " samples; expected " + std::to_string(chunkSize));
        const bool last = i + 1 == starts.size();
        int64_t target = last ? latentLength - length : starts[i] / ratio;
        int64_t begin = 0, end = length;
        if (i > 0) {
            target += edge;
            begin += edge;
        }
        if (!last)
            end -= edge;
        for (auto [into, from] : {std::pair{&out.preBottleneck, &e.preBottleneck},
                                  {&out.mean, &e.mean},
                                  {&out.scale, &e.scale},
                                  {&out.stdev, &e.stdev},
                                  {&out.latents, &e.latents}})
            paste(*into, *from, target, begin, end);
    }
    if (out.mean.defined()) {
        const at::Tensor var = out.stdev * out.stdev;
        out.kl = (out.mean * out.mean + var - at::log(var) - 1.0).sum(1).mean();
    }
    return out;
}

} // namespace

VaeEncoding OobleckVae::encodeDetailed(const at::Tensor& audio, NoiseSource* noise,
                                       const std::function<void()>& poll) const {
    const at::Tensor x = checkedEncoderInput(audio);
    if (m_impl->config.chunked)
        return encodeInChunks(*m_impl, x, 128, 32, noise, poll); // the original's defaults
    return encodeWhole(*m_impl, x, noise, poll);
}

VaeEncoding OobleckVae::encodeChunked(const at::Tensor& audio, NoiseSource* noise,
                                      int64_t chunkSize, int64_t overlap,
                                      const std::function<void()>& poll) const {
    if (chunkSize <= 0 || overlap < 0 || overlap >= chunkSize)
        throw GenerationError("VAE chunked encode needs 0 <= overlap < chunk size (got chunk " +
                              std::to_string(chunkSize) + ", overlap " + std::to_string(overlap) +
                              ")");
    return encodeInChunks(*m_impl, checkedEncoderInput(audio), chunkSize, overlap, noise, poll);
}

at::Tensor OobleckVae::checkedEncoderInput(const at::Tensor& audio) const {
    const PretransformConfig& c = m_impl->config;
    if (!m_impl->encoder)
        throw GenerationError("the VAE was loaded without its encoder (init audio needs it)");
    if (audio.dim() != 3 || audio.size(1) != c.encoder.audioChannels)
        throw GenerationError("VAE encode expects audio [batch, " +
                              std::to_string(c.encoder.audioChannels) + ", samples], got " +
                              shapeText(audio.sizes()));
    return audio.to(m_impl->target.device, m_impl->target.computeDtype());
}

} // namespace footfall::model
