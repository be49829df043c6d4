#include "model/oobleck_vae.h"

#include "engine/engine.h"

#include <ATen/ATen.h>

#include <fstream>
#include <functional>
#include <numeric>

namespace footfall::model {

// ---------------------------------------------------------------------------------------------
// config

namespace {

using nlohmann::json;

[[noreturn]] void configError(const std::string& origin, const std::string& what) {
    throw GenerationError("model config " + origin + ": " + what);
}

template <typename T>
T valueOr(const json& object, const char* key, T fallback, const std::string& origin,
          const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return fallback;
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        configError(origin, "'" + path + "." + key + "' has the wrong type (" + it->dump() + ")");
    }
}

const json& objectAt(const json& object, const char* key, const std::string& origin,
                     const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_object())
        configError(origin, "'" + path + "." + key + "' is missing or not an object");
    return *it;
}

int64_t positive(int64_t value, const std::string& origin, const std::string& key) {
    if (value <= 0)
        configError(origin, "'" + key + "' must be positive, got " + std::to_string(value));
    return value;
}

OobleckCoderConfig parseCoder(const json& coder, bool isEncoder, const std::string& origin,
                              const std::string& path) {
    const std::string type = valueOr<std::string>(coder, "type", "", origin, path);
    if (type != "oobleck")
        configError(origin, "'" + path + ".type' is '" + type +
                                "'; only the Oobleck autoencoder is supported");
    OobleckCoderConfig c;
    const auto configIt = coder.find("config");
    const json empty = json::object();
    const json& cfg = configIt != coder.end() && configIt->is_object() ? *configIt : empty;
    const std::string cpath = path + ".config";
    c.ioChannels = valueOr<int64_t>(cfg, isEncoder ? "in_channels" : "out_channels", c.ioChannels,
                                    origin, cpath);
    c.channels = valueOr<int64_t>(cfg, "channels", c.channels, origin, cpath);
    c.cMults = valueOr<std::vector<int64_t>>(cfg, "c_mults", c.cMults, origin, cpath);
    c.strides = valueOr<std::vector<int64_t>>(cfg, "strides", c.strides, origin, cpath);
    c.latentDim = valueOr<int64_t>(cfg, "latent_dim", c.latentDim, origin, cpath);
    c.useSnake = valueOr<bool>(cfg, "use_snake", c.useSnake, origin, cpath);
    if (valueOr<bool>(cfg, "antialias_activation", false, origin, cpath))
        configError(origin, "'" + cpath + ".antialias_activation' is not supported");
    if (!isEncoder) {
        c.finalTanh = valueOr<bool>(cfg, "final_tanh", c.finalTanh, origin, cpath);
        c.nearestUpsample =
            valueOr<bool>(cfg, "use_nearest_upsample", c.nearestUpsample, origin, cpath);
    }
    positive(c.ioChannels, origin, cpath + (isEncoder ? ".in_channels" : ".out_channels"));
    positive(c.channels, origin, cpath + ".channels");
    positive(c.latentDim, origin, cpath + ".latent_dim");
    if (c.cMults.empty() || c.cMults.size() != c.strides.size())
        configError(origin, "'" + cpath +
                                ".c_mults' and '.strides' must be non-empty and of "
                                "equal length");
    for (auto m : c.cMults)
        positive(m, origin, cpath + ".c_mults");
    for (auto s : c.strides)
        positive(s, origin, cpath + ".strides");
    return c;
}

} // namespace

VaeConfig parseVaeConfig(const json& pretransform, const std::string& origin) {
    const std::string path = "model.pretransform";
    if (!pretransform.is_object())
        configError(origin, "'" + path + "' is missing or not an object");
    const std::string type = valueOr<std::string>(pretransform, "type", "", origin, path);
    if (type != "autoencoder")
        configError(origin, "'" + path + ".type' is '" + type +
                                "'; only 'autoencoder' (Oobleck VAE) is supported");
    // model_half (an fp16 VAE in the original) is not read: the caller picks the compute dtype.
    VaeConfig c;
    c.scale = valueOr<double>(pretransform, "scale", 1.0, origin, path);
    if (!(c.scale != 0.0))
        configError(origin, "'" + path + ".scale' must not be 0");
    c.iterateBatch = valueOr<bool>(pretransform, "iterate_batch", false, origin, path);
    c.chunked = valueOr<bool>(pretransform, "chunked", false, origin, path);
    const std::string apath = path + ".config";
    const json& ae = objectAt(pretransform, "config", origin, path);
    const json& encoder = objectAt(ae, "encoder", origin, apath);
    const json& decoder = objectAt(ae, "decoder", origin, apath);
    c.encoder = parseCoder(encoder, true, origin, apath + ".encoder");
    c.decoder = parseCoder(decoder, false, origin, apath + ".decoder");
    c.softClip = valueOr<bool>(decoder, "soft_clip", false, origin, apath + ".decoder");

    const auto bottleneck = ae.find("bottleneck");
    if (bottleneck == ae.end() || bottleneck->is_null()) {
        c.vaeBottleneck = false;
    } else {
        const std::string btype =
            valueOr<std::string>(*bottleneck, "type", "", origin, apath + ".bottleneck");
        if (btype != "vae")
            configError(origin, "'" + apath + ".bottleneck.type' is '" + btype +
                                    "'; only 'vae' is supported");
    }
    if (ae.find("pretransform") != ae.end() && !ae["pretransform"].is_null())
        configError(origin, "a nested pretransform inside '" + apath + "' is not supported");

    const auto required = [&](const char* key) {
        const auto it = ae.find(key);
        if (it == ae.end() || !it->is_number_integer())
            configError(origin, "'" + apath + "." + key + "' is missing or not an integer");
        return positive(it->get<int64_t>(), origin, apath + "." + key);
    };
    c.latentDim = required("latent_dim");
    c.downsamplingRatio = required("downsampling_ratio");
    c.ioChannels = required("io_channels");

    const int64_t encoderOut = c.vaeBottleneck ? 2 * c.latentDim : c.latentDim;
    if (c.encoder.latentDim != encoderOut)
        configError(origin, "'" + apath + ".encoder.config.latent_dim' is " +
                                std::to_string(c.encoder.latentDim) + " but the bottleneck needs " +
                                std::to_string(encoderOut) + " (latent_dim " +
                                std::to_string(c.latentDim) + ")");
    if (c.decoder.latentDim != c.latentDim)
        configError(origin, "'" + apath + ".decoder.config.latent_dim' is " +
                                std::to_string(c.decoder.latentDim) + " but latent_dim is " +
                                std::to_string(c.latentDim));
    for (const auto* coder : {&c.encoder, &c.decoder}) {
        const int64_t product = std::accumulate(coder->strides.begin(), coder->strides.end(),
                                                int64_t{1}, std::multiplies<int64_t>());
        if (product != c.downsamplingRatio)
            configError(origin, "the strides of '" + apath +
                                    (coder == &c.encoder ? ".encoder" : ".decoder") +
                                    "' multiply to " + std::to_string(product) +
                                    ", not downsampling_ratio " +
                                    std::to_string(c.downsamplingRatio));
    }
    return c;
}

VaeConfig vaeConfigFromModelConfig(const json& modelConfig, const std::string& origin) {
    if (!modelConfig.is_object())
        configError(origin, "is not a JSON object");
    const auto model = modelConfig.find("model");
    if (model == modelConfig.end() || !model->is_object())
        configError(origin, "'model' is missing or not an object");
    const auto it = model->find("pretransform");
    if (it == model->end() || !it->is_object())
        configError(origin, "'model.pretransform' is missing (a latent model needs its VAE)");
    return parseVaeConfig(*it, origin);
}

VaeConfig vaeConfigFromModelConfig(const ModelConfig& modelConfig) {
    const std::string origin = modelConfig.path.empty() ? "model_config.json" : modelConfig.path;
    if (!modelConfig.pretransform.raw.is_object())
        configError(origin, "'model.pretransform' is missing (a latent model needs its VAE)");
    return parseVaeConfig(modelConfig.pretransform.raw, origin);
}

VaeConfig loadVaeConfig(const std::string& modelConfigPath) {
    std::ifstream in(modelConfigPath);
    if (!in)
        throw GenerationError("cannot open model config " + modelConfigPath);
    json config;
    try {
        in >> config;
    } catch (const json::exception& e) {
        throw GenerationError("model config " + modelConfigPath +
                              " is not valid JSON: " + e.what());
    }
    return vaeConfigFromModelConfig(config, modelConfigPath);
}

// ---------------------------------------------------------------------------------------------
// modules

namespace {

// What the loaded VAE keeps: every tensor converted to the storage dtype once it is prepared
// (folded weights, biases, SnakeBeta scales), and a list of them for memory accounting.
struct Stored {
    at::ScalarType dtype = at::kFloat;
    std::vector<const at::Tensor*>* tensors = nullptr;

    void keep(at::Tensor& t) {
        if (!t.defined())
            return;
        t = t.to(dtype); // no-op when prepared in the storage dtype
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
        stored.keep(frequency);
        stored.keep(inverseMag);
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
    }
    at::Tensor operator()(const at::Tensor& x) const {
        const std::vector<int64_t> s = {stride}, p = {padding}, d = {dilation}, none = {0};
        const at::Tensor w = computeView(weight, x), b = computeView(bias, x);
        if (transposed)
            return at::conv_transpose1d(x, w, b, s, p, none, 1, d);
        if (upsample > 1) {
            const std::vector<int64_t> size = {x.size(2) * upsample};
            const at::Tensor up = at::upsample_nearest1d(x, at::IntArrayRef(size));
            // padding='same' with an even kernel: the extra column goes to the right
            const int64_t total = dilation * (kernel - 1);
            const at::Tensor padded = at::constant_pad_nd(up, {total / 2, total - total / 2});
            const std::vector<int64_t> one = {1};
            return at::conv1d(padded, w, b, at::IntArrayRef(one), at::IntArrayRef(none),
                              at::IntArrayRef(d));
        }
        return at::conv1d(x, w, b, at::IntArrayRef(s), at::IntArrayRef(p), at::IntArrayRef(d));
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
    explicit Encoder(const OobleckCoderConfig& c) {
        std::vector<int64_t> mults = {1};
        mults.insert(mults.end(), c.cMults.begin(), c.cMults.end());
        first = conv(c.ioChannels, mults[0] * c.channels, 7, 1, 3);
        for (size_t i = 0; i + 1 < mults.size(); ++i)
            blocks.emplace_back(mults[i] * c.channels, mults[i + 1] * c.channels, c.strides[i],
                                c.useSnake);
        act = activation(c.useSnake, mults.back() * c.channels);
        last = conv(mults.back() * c.channels, c.latentDim, 3, 1, 1);
    }
    at::Tensor operator()(const at::Tensor& input, const Poll& p) const { return run(input, p); }
};

struct Decoder : CoderStack<DecoderBlock> {
    bool tanh = false;

    explicit Decoder(const OobleckCoderConfig& c) : tanh(c.finalTanh) {
        std::vector<int64_t> mults = {1};
        mults.insert(mults.end(), c.cMults.begin(), c.cMults.end());
        first = conv(c.latentDim, mults.back() * c.channels, 7, 1, 3);
        for (size_t i = mults.size() - 1; i > 0; --i)
            blocks.emplace_back(mults[i] * c.channels, mults[i - 1] * c.channels, c.strides[i - 1],
                                c.useSnake, c.nearestUpsample);
        act = activation(c.useSnake, mults[0] * c.channels);
        last = conv(mults[0] * c.channels, c.ioChannels, 7, 1, 3);
        last.hasBias = false;
    }
    at::Tensor operator()(const at::Tensor& latents, const Poll& p) const {
        const at::Tensor x = run(latents, p);
        return tanh ? at::tanh(x) : x;
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
    VaeConfig config;
    std::unique_ptr<Encoder> encoder;
    Decoder decoder;
    WeightTarget target;                   // storage dtype, device, compute dtype
    std::vector<const at::Tensor*> stored; // into encoder/decoder, filled by prepare

    Impl(const VaeConfig& c, bool withEncoder) : config(c), decoder(c.decoder) {
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
oobleckParameterShapes(const VaeConfig& config, const std::string& prefix) {
    OobleckVae::Impl impl(config, true);
    ParameterList list;
    impl.collect(list, prefix);
    std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
    for (const auto& entry : list.entries())
        shapes.emplace_back(entry.name, entry.shape);
    return shapes;
}

OobleckVae::OobleckVae(const VaeConfig& config, const WeightSource& weights,
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
    stored.tensors = &m_impl->stored;
    if (m_impl->encoder)
        m_impl->encoder->prepare(stored);
    m_impl->decoder.prepare(stored);
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

const VaeConfig& OobleckVae::config() const {
    return m_impl->config;
}

bool OobleckVae::hasEncoder() const {
    return m_impl->encoder != nullptr;
}

namespace {

// AudioAutoencoder.decode of already scaled latents: bottleneck decode (identity for the VAE),
// decoder (item by item with iterate_batch), soft clip.
at::Tensor decodeScaled(const OobleckVae::Impl& impl, const at::Tensor& z, const Poll& poll) {
    at::Tensor audio = perBatch(impl.config.iterateBatch, z,
                                [&](const at::Tensor& item) { return impl.decoder(item, poll); });
    return impl.config.softClip ? at::tanh(audio) : audio;
}

// AudioAutoencoder.decode_audio(chunked=True): chunks every `hop` latents plus a last chunk
// aligned to the end, pasted in order without overlap/2 latents at their inner edges (later
// chunks overwrite earlier ones).
at::Tensor decodeInChunks(const OobleckVae::Impl& impl, const at::Tensor& z, int64_t chunkSize,
                          int64_t overlap, const Poll& poll) {
    const int64_t total = z.size(2);
    if (total <= chunkSize)
        return decodeScaled(impl, z, poll);
    const int64_t hop = chunkSize - overlap;
    std::vector<int64_t> starts;
    for (int64_t i = 0; i + chunkSize <= total; i += hop)
        starts.push_back(i);
    if (starts.back() + chunkSize != total)
        starts.push_back(total - chunkSize);
    const int64_t ratio = impl.config.downsamplingRatio;
    const int64_t edge = (overlap / 2) * ratio;
    at::Tensor audio;
    for (size_t i = 0; i < starts.size(); ++i) {
        const at::Tensor chunk =
            decodeScaled(impl, z.slice(2, starts[i], starts[i] + chunkSize), poll);
        if (!audio.defined())
            audio = at::zeros({chunk.size(0), chunk.size(1), total * ratio}, chunk.options());
        const bool last = i + 1 == starts.size();
        int64_t begin = last ? total * ratio - chunk.size(2) : starts[i] * ratio;
        int64_t end = last ? total * ratio : begin + chunkSize * ratio;
        int64_t from = 0;
        int64_t to = chunk.size(2);
        if (i > 0) {
            begin += edge;
            from += edge;
        }
        if (!last) {
            end -= edge;
            to -= edge;
        }
        audio.slice(2, begin, end).copy_(chunk.slice(2, from, to));
    }
    return audio;
}

} // namespace

at::Tensor OobleckVae::scaledLatents(const at::Tensor& latents) const {
    const VaeConfig& c = m_impl->config;
    if (latents.dim() != 3 || latents.size(1) != c.latentDim)
        throw GenerationError("VAE decode expects latents [batch, " + std::to_string(c.latentDim) +
                              ", length], got " + shapeText(latents.sizes()));
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

at::Tensor OobleckVae::decodeChunked(const at::Tensor& latents, int64_t chunkSize, int64_t overlap,
                                     const std::function<void()>& poll) const {
    if (chunkSize <= 0 || overlap < 0 || overlap >= chunkSize)
        throw GenerationError("VAE chunked decode needs 0 <= overlap < chunk size (got chunk " +
                              std::to_string(chunkSize) + ", overlap " + std::to_string(overlap) +
                              ")");
    return decodeInChunks(*m_impl, scaledLatents(latents), chunkSize, overlap, poll);
}

VaeEncoding OobleckVae::encodeDetailed(const at::Tensor& audio, NoiseSource* noise,
                                       const std::function<void()>& poll) const {
    const VaeConfig& c = m_impl->config;
    if (!m_impl->encoder)
        throw GenerationError("the VAE was loaded without its encoder (init audio needs it)");
    if (audio.dim() != 3 || audio.size(1) != c.encoder.ioChannels)
        throw GenerationError("VAE encode expects audio [batch, " +
                              std::to_string(c.encoder.ioChannels) + ", samples], got " +
                              shapeText(audio.sizes()));
    const at::Tensor x = audio.to(m_impl->target.device, m_impl->target.computeDtype());
    VaeEncoding e;
    e.preBottleneck = perBatch(
        c.iterateBatch, x, [&](const at::Tensor& item) { return (*m_impl->encoder)(item, poll); });
    at::Tensor latents;
    if (c.vaeBottleneck) {
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

} // namespace footfall::model
