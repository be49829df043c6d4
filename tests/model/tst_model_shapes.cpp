// Properties of the model code that hold for any configuration, checked on configurations built
// here with random weights (no reference data): the Oobleck decoder's length and chunked decode
// for several stride sets (odd strides included), T5's relative position buckets for several
// bucket setups, LoRAW's two LoRA semantics (merged weights vs. forward with the multiplier),
// and DiT forwards with 3 heads and patch size 2.
#include "base/errors.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_config.h"
#include "model/lora/lora_file.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/noise.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/t5_encoder.h"
#include "parity.h"
#include "reference_formulas.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace footfall::model;
using footfall::GenerationError;
using footfall::test::allClose;
using footfall::test::expectedDecodedLength;
using footfall::test::Tolerance;

namespace {

// ---------------------------------------------------------------------------------------------
// Oobleck VAE

// A small SAO-type pretransform section with the given strides.
nlohmann::json pretransformJson(const std::vector<int64_t>& strides, bool nearest, bool chunked) {
    std::vector<int64_t> mults;
    int64_t ratio = 1;
    for (size_t i = 0; i < strides.size(); ++i) {
        mults.push_back(i == 0 ? 1 : 2);
        ratio *= strides[i];
    }
    nlohmann::json coder = {
        {"channels", 4}, {"c_mults", mults}, {"strides", strides}, {"use_snake", true}};
    nlohmann::json encoder = coder, decoder = coder;
    encoder["in_channels"] = 2;
    encoder["latent_dim"] = 6;
    decoder["out_channels"] = 2;
    decoder["latent_dim"] = 3;
    decoder["final_tanh"] = false;
    decoder["use_nearest_upsample"] = nearest;
    return {{"type", "autoencoder"},
            {"chunked", chunked},
            {"config",
             {{"encoder", {{"type", "oobleck"}, {"config", encoder}}},
              {"decoder", {{"type", "oobleck"}, {"config", decoder}}},
              {"bottleneck", {{"type", "vae"}}},
              {"latent_dim", 3},
              {"downsampling_ratio", ratio},
              {"io_channels", 2}}}};
}

// Random weights for every VAE tensor: weight_g near 1 (so every weight-normed conv keeps the
// signal's scale), the rest small.
WeightSource randomVaeWeights(const PretransformConfig& config) {
    std::map<std::string, at::Tensor> tensors;
    for (const auto& [name, shape] : oobleckParameterShapes(config, "ae.")) {
        const bool gain = name.find("weight_g") != std::string::npos;
        const bool direction = name.find("weight_v") != std::string::npos;
        tensors[name] = gain        ? 1.0 + 0.1 * at::randn(shape)
                        : direction ? at::randn(shape)
                                    : 0.1 * at::randn(shape);
    }
    WeightSource weights;
    weights.addTensors(tensors, "random VAE");
    return weights;
}

// The stride-set checks' VAE: that config (no chunking) with random weights in float64, so
// that reassembled results can be compared with the whole one to the last bits.
PretransformConfig stridesConfig(const std::vector<int64_t>& strides, bool nearest) {
    return parsePretransformConfig(pretransformJson(strides, nearest, false), "shapes");
}
OobleckVae float64Vae(const PretransformConfig& config, bool withEncoder) {
    return OobleckVae(config, randomVaeWeights(config),
                      {"ae.", {at::kDouble, at::kCPU}, withEncoder});
}

// Latents on either side of an output sample's position that can reach it: the first conv
// (kernel 7: 3 latents), per block the upsampler (at most 2 input samples) and the three
// residual units (kernel 7 at dilations 1, 3, 9: 3 + 9 + 27 samples at the block's output
// rate), the last conv (3 samples). Rounded up, plus one for the odd strides' shortened ends.
int64_t receptiveRadius(const OobleckConfig& decoder) {
    double radius = 3.0;
    double rate = 1.0;
    for (size_t i = decoder.strides.size(); i-- > 0;) {
        radius += 2.0 / rate;
        rate *= static_cast<double>(decoder.strides[i]);
        radius += 39.0 / rate;
    }
    radius += 3.0 / rate;
    return static_cast<int64_t>(std::ceil(radius)) + 1;
}

// The same for the encoder, in latents: per block (at its input rate) three residual units
// (39 samples) and the strided conv (kernel 2s: s samples), the first conv (kernel 7) before
// and the last (kernel 3: one latent) after. Rounded up, plus one.
int64_t encoderReceptiveRadius(const OobleckConfig& encoder) {
    double samplesPerLatent = 1.0;
    for (const int64_t s : encoder.strides)
        samplesPerLatent *= static_cast<double>(s);
    double radius = 3.0 / samplesPerLatent + 1.0;
    double rate = samplesPerLatent; // input samples per latent at the current block
    for (const int64_t s : encoder.strides) {
        radius += (39.0 + static_cast<double>(s)) / rate;
        rate /= static_cast<double>(s);
    }
    return static_cast<int64_t>(std::ceil(radius)) + 1;
}

// Computed in float64: chunked and full decode differ only by rounding (~1e-16), where a
// chunk border inside the receptive field shows as ~1e-3 of the signal.
QString closeFailure(const at::Tensor& actual, const at::Tensor& expected,
                     const std::string& label) {
    const double scale = expected.abs().max().item<double>();
    const auto report = allClose(actual, expected, Tolerance{1e-9, 1e-11 * scale}, label);
    qInfo("%s", report.message.c_str());
    return report.ok ? QString() : QString::fromStdString(report.message);
}

// ---------------------------------------------------------------------------------------------
// DiT

nlohmann::json ditJson(const nlohmann::json& config, const std::string& objective = "v") {
    return {{"type", "dit"},
            {"diffusion_objective", objective},
            {"cross_attention_cond_ids", {"prompt"}},
            {"global_cond_ids", {"seconds_total"}},
            {"config", config}};
}

// Random weights for every DiT tensor; `zeroed` keys (by suffix) get zeros.
std::map<std::string, at::Tensor> randomDitTensors(DiffusionTransformer& dit,
                                                   const std::vector<std::string>& zeroed = {}) {
    ParameterList list;
    dit.collectParameters(list, "model.model.");
    std::map<std::string, at::Tensor> tensors;
    for (const auto& entry : list.entries()) {
        bool zero = false;
        for (const auto& suffix : zeroed)
            zero = zero || (entry.name.size() >= suffix.size() &&
                            entry.name.compare(entry.name.size() - suffix.size(), suffix.size(),
                                               suffix) == 0);
        tensors[entry.name] = zero ? at::zeros(entry.shape) : 0.2 * at::randn(entry.shape);
    }
    return tensors;
}

} // namespace

class TestModelShapes : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::manual_seed(20260); }

    // ------------------------------------------------------------------------- VAE

    void vaeChunkedDecodeEqualsFullDecode_data() {
        QTest::addColumn<std::vector<int64_t>>("strides");
        QTest::addColumn<bool>("nearest");
        QTest::newRow("strides [2, 2, 3]") << std::vector<int64_t>{2, 2, 3} << false;
        QTest::newRow("strides [3, 5]") << std::vector<int64_t>{3, 5} << false;
        QTest::newRow("strides [2, 4, 8]") << std::vector<int64_t>{2, 4, 8} << false;
        QTest::newRow("strides [5]") << std::vector<int64_t>{5} << false;
        QTest::newRow("strides [2, 1, 3]") << std::vector<int64_t>{2, 1, 3} << false;
        QTest::newRow("strides [3, 2], nearest") << std::vector<int64_t>{3, 2} << true;
    }

    // With overlap / 2 at least the decoder's receptive radius, every pasted sample of every
    // chunk is the full decode's sample: chunked == full, for odd and even latent lengths,
    // chunk sizes below, equal to and above the length.
    void vaeChunkedDecodeEqualsFullDecode() {
        QFETCH(std::vector<int64_t>, strides);
        QFETCH(bool, nearest);
        const PretransformConfig config = stridesConfig(strides, nearest);
        const OobleckVae vae = float64Vae(config, false);
        const int64_t radius = receptiveRadius(config.decoder);
        const int64_t overlap = 2 * radius;
        const int64_t hop = 5;
        const int64_t chunk = overlap + hop;
        for (const int64_t length : {chunk + 3 * hop + 2, chunk + 3 * hop + 3, chunk + 1, chunk}) {
            const at::Tensor latents = at::randn({2, 3, length}, at::kDouble);
            const at::Tensor full = vae.decode(latents);
            QCOMPARE(full.scalar_type(), at::kDouble);
            QCOMPARE(full.size(2), expectedDecodedLength(config.decoder, length));
            QCOMPARE(vae.decodedLength(length), full.size(2));
            const std::string label = "length " + std::to_string(length) + ", chunk " +
                                      std::to_string(chunk) + ", overlap " +
                                      std::to_string(overlap);
            const at::Tensor chunked = vae.decodeChunked(latents, chunk, overlap);
            QCOMPARE(chunked.sizes(), full.sizes());
            const QString failure = closeFailure(chunked, full, label);
            QVERIFY2(failure.isEmpty(), qPrintable(failure));
            // One chunk (size equal to or above the length) is the plain decode.
            QVERIFY(at::equal(vae.decodeChunked(latents, length, overlap / 2), full));
            QVERIFY(at::equal(vae.decodeChunked(latents, length + 7, overlap), full));
        }
        // The check has teeth: a small overlap cuts chunks inside the receptive field.
        const at::Tensor latents = at::randn({1, 3, 3 * radius}, at::kDouble);
        const at::Tensor cut = vae.decodeChunked(latents, radius, 2);
        QVERIFY(!closeFailure(cut, vae.decode(latents), "overlap 2").isEmpty());
    }

    // Where the chunks go with small overlaps (the original's placement, odd strides included):
    // the first chunk's audio up to its inner edge and the last chunk's from its inner edge on
    // are those chunks decoded alone, and every sample is pasted by some chunk (the output
    // starts as zeros). Odd overlaps: the next chunk overwrites the first one's last latent.
    // Strides [1, 2, 1] make chunks 3 samples short, more than overlap / 2 · ratio: a chunk
    // ends before the next one's paste start, which then starts earlier.
    void vaeChunkPlacement_data() {
        QTest::addColumn<std::vector<int64_t>>("strides");
        QTest::addColumn<int64_t>("overlap");
        QTest::newRow("strides [2, 2, 3], overlap 4")
            << std::vector<int64_t>{2, 2, 3} << int64_t(4);
        QTest::newRow("strides [2, 2, 3], overlap 3")
            << std::vector<int64_t>{2, 2, 3} << int64_t(3);
        QTest::newRow("strides [2, 2, 3], overlap 1")
            << std::vector<int64_t>{2, 2, 3} << int64_t(1);
        QTest::newRow("strides [3, 5], overlap 2") << std::vector<int64_t>{3, 5} << int64_t(2);
        QTest::newRow("strides [2, 4], overlap 4") << std::vector<int64_t>{2, 4} << int64_t(4);
        QTest::newRow("strides [1, 2, 1], overlap 2")
            << std::vector<int64_t>{1, 2, 1} << int64_t(2);
    }
    void vaeChunkPlacement() {
        QFETCH(std::vector<int64_t>, strides);
        QFETCH(int64_t, overlap);
        const PretransformConfig config =
            parsePretransformConfig(pretransformJson(strides, false, false), "shapes");
        const OobleckVae vae(config, randomVaeWeights(config), {"ae.", {}, false});
        const int64_t ratio = config.downsamplingRatio;
        const int64_t chunk = 8;
        const int64_t edge = (overlap / 2) * ratio;
        for (const int64_t length : {int64_t(16), int64_t(17), int64_t(23)}) {
            const at::Tensor latents = at::randn({2, 3, length});
            const at::Tensor chunked = vae.decodeChunked(latents, chunk, overlap);
            QCOMPARE(chunked.size(2), expectedDecodedLength(config.decoder, length));
            QVERIFY2(at::all(chunked != 0).item<bool>(), "a sample no chunk pasted");
            const int64_t chunkLength = expectedDecodedLength(config.decoder, chunk);
            const at::Tensor first = vae.decode(latents.slice(2, 0, chunk));
            const int64_t secondStart = std::min(chunk - overlap, length - chunk);
            const int64_t firstEnd =
                std::min({chunk * ratio - edge, chunkLength, secondStart * ratio + edge});
            QVERIFY(at::equal(chunked.slice(2, 0, firstEnd), first.slice(2, 0, firstEnd)));
            const at::Tensor last = vae.decode(latents.slice(2, length - chunk, length));
            QVERIFY(at::equal(chunked.slice(2, chunked.size(2) - chunkLength + edge),
                              last.slice(2, edge)));
        }
    }

    // Tiled decode (decode()'s default, the last two stages along time with context for every
    // layer's reach): the whole decode for odd and even strides, nearest upsampling, lengths
    // and tiles down to one sample of the tiled stages' input.
    void vaeTiledDecodeEqualsWholeDecode_data() { vaeChunkedDecodeEqualsFullDecode_data(); }
    void vaeTiledDecodeEqualsWholeDecode() {
        QFETCH(std::vector<int64_t>, strides);
        QFETCH(bool, nearest);
        const PretransformConfig config = stridesConfig(strides, nearest);
        const OobleckVae vae = float64Vae(config, false);
        for (const int64_t length : {1, 2, 9, 24}) {
            const at::Tensor latents = at::randn({2, 3, length}, at::kDouble);
            const at::Tensor whole = vae.decodeTiled(latents, 0);
            QCOMPARE(whole.size(2), expectedDecodedLength(config.decoder, length));
            for (const int64_t tile : {1, 5, 17, 64, 100000}) {
                const at::Tensor tiled = vae.decodeTiled(latents, tile);
                QCOMPARE(tiled.sizes(), whole.sizes());
                const QString failure = closeFailure(tiled, whole,
                                                     "length " + std::to_string(length) +
                                                         ", tile " + std::to_string(tile));
                QVERIFY2(failure.isEmpty(), qPrintable(failure));
            }
        }
        QVERIFY(at::equal(vae.decode(at::ones({1, 3, 4}, at::kDouble)),
                          vae.decodeTiled(at::ones({1, 3, 4}, at::kDouble), 32768)));
        QVERIFY_THROWS_EXCEPTION(GenerationError, vae.decodeTiled(at::ones({1, 3, 4}), -1));
    }

    // The decoder's length for several stride sets against the layers' own arithmetic, and
    // what the odd strides make of it: L * ratio minus a constant of the config.
    void vaeDecodedLength() {
        const std::vector<std::pair<std::vector<int64_t>, int64_t>> cases = {
            {{2, 4, 4, 8, 8}, 0}, // SAO 1.0: every stride even
            {{2, 2, 3}, 4},       // ((3L - 1) * 2) * 2
            {{3, 5}, 3 + 1},      // (5L - 1) * 3 - 1
            {{3}, 1},
            {{2, 1}, 2}, // (L - 1) * 2
        };
        for (const auto& [strides, shortfall] : cases) {
            const PretransformConfig config =
                parsePretransformConfig(pretransformJson(strides, false, false), "shapes");
            for (int64_t length : {1, 2, 7, 16}) {
                const int64_t expected = length * config.downsamplingRatio - shortfall;
                QCOMPARE(expectedDecodedLength(config.decoder, length), expected);
                QCOMPARE(oobleckDecodedLength(config.decoder, length), expected);
            }
        }
    }

    // The original's defaults when the config says chunked (128 latents, overlap 32), with an
    // odd stride: no crash, the decoder's length, the same as decodeChunked(128, 32).
    void vaeConfigChunkedOddStride() {
        const PretransformConfig config =
            parsePretransformConfig(pretransformJson({2, 2, 3}, false, true), "shapes");
        QVERIFY(config.chunked);
        const OobleckVae vae(config, randomVaeWeights(config), {"ae.", {}, false});
        const at::Tensor latents = at::randn({1, 3, 141});
        const at::Tensor audio = vae.decode(latents);
        QCOMPARE(audio.size(2), expectedDecodedLength(config.decoder, 141));
        QVERIFY(at::equal(audio, vae.decodeChunked(latents, 128, 32)));
        QVERIFY(at::isfinite(audio).all().item<bool>());
    }

    // Chunks that cannot cover the audio are refused with a GenerationError (never a Torch
    // error): overlap 0 with an odd stride leaves a sample between chunks. Even strides chunk
    // without overlap, as the original does.
    void vaeChunkingThatCannotCoverIsRefused() {
        const PretransformConfig odd =
            parsePretransformConfig(pretransformJson({2, 3}, false, false), "shapes");
        const OobleckVae oddVae(odd, randomVaeWeights(odd), {"ae.", {}, false});
        const at::Tensor latents = at::randn({1, 3, 20});
        try {
            oddVae.decodeChunked(latents, 8, 0);
            QFAIL("overlap 0 with an odd stride did not throw");
        } catch (const GenerationError& e) {
            qInfo("%s", e.what());
            QVERIFY2(QString(e.what()).contains("overlap"), e.what());
        }
        QCOMPARE(oddVae.decodeChunked(latents, 8, 1).size(2), oddVae.decode(latents).size(2));
        QVERIFY_THROWS_EXCEPTION(GenerationError, oddVae.decode(at::randn({1, 3, 0})));

        const PretransformConfig even =
            parsePretransformConfig(pretransformJson({2, 4}, false, false), "shapes");
        const OobleckVae evenVae(even, randomVaeWeights(even), {"ae.", {}, false});
        QCOMPARE(evenVae.decodeChunked(latents, 8, 0).size(2), int64_t(20 * 8));
    }

    // Chunked encode: with overlap / 2 at least the encoder's receptive radius, every pasted
    // latent is the whole encode's (mean and posterior), for several stride sets and lengths;
    // with a small overlap it is not (the check has teeth).
    void vaeChunkedEncodeEqualsFullEncode_data() { vaeChunkedDecodeEqualsFullDecode_data(); }
    void vaeChunkedEncodeEqualsFullEncode() {
        QFETCH(std::vector<int64_t>, strides);
        QFETCH(bool, nearest);
        const PretransformConfig config = stridesConfig(strides, nearest);
        const OobleckVae vae = float64Vae(config, true);
        const int64_t ratio = config.downsamplingRatio;
        const int64_t radius = encoderReceptiveRadius(config.encoder);
        const int64_t overlap = 2 * radius;
        const int64_t hop = 5;
        const int64_t chunk = overlap + hop;
        for (const int64_t length : {chunk + 3 * hop + 2, chunk + 3 * hop + 3, chunk + 1}) {
            const at::Tensor audio = at::randn({2, 2, length * ratio}, at::kDouble);
            const VaeEncoding full = vae.encodeDetailed(audio, nullptr);
            const VaeEncoding chunked = vae.encodeChunked(audio, nullptr, chunk, overlap);
            QCOMPARE(chunked.latents.sizes(), full.latents.sizes());
            QCOMPARE(chunked.latents.size(2), length);
            const std::string label = "length " + std::to_string(length) + ", chunk " +
                                      std::to_string(chunk) + ", overlap " +
                                      std::to_string(overlap);
            for (const auto& [name, a, b] :
                 {std::tuple{"latents", chunked.latents, full.latents},
                  std::tuple{"pre-bottleneck", chunked.preBottleneck, full.preBottleneck},
                  std::tuple{"stdev", chunked.stdev, full.stdev}}) {
                const QString failure = closeFailure(a, b, label + " " + name);
                QVERIFY2(failure.isEmpty(), qPrintable(failure));
            }
            QVERIFY(std::abs(chunked.kl.item<double>() - full.kl.item<double>()) <
                    1e-9 * std::abs(full.kl.item<double>()));
            // One chunk (equal to or above the length) is the whole encode.
            QVERIFY(at::equal(vae.encodeChunked(audio, nullptr, length + 3, overlap).latents,
                              full.latents));
        }
        const at::Tensor audio = at::randn({1, 2, 3 * radius * ratio}, at::kDouble);
        const at::Tensor cut = vae.encodeChunked(audio, nullptr, radius, 2).latents;
        QVERIFY(
            !closeFailure(cut, vae.encodeDetailed(audio, nullptr).latents, "overlap 2").isEmpty());
    }

    // Each chunk draws its own posterior noise, in chunk order, shaped like that chunk (the
    // original's randn_like per chunk): the first chunk's kept latents are that chunk encoded
    // alone with the first draw of the seed, the last chunk's those of the last draw.
    void vaeChunkedEncodeDrawsPerChunk() {
        const PretransformConfig config =
            parsePretransformConfig(pretransformJson({2, 3}, false, false), "shapes");
        const OobleckVae vae(config, randomVaeWeights(config), {"ae.", {}, true});
        const int64_t ratio = config.downsamplingRatio;
        const int64_t chunk = 8, overlap = 4, length = 20;
        const at::Tensor audio = at::randn({1, 2, length * ratio});
        SeededNoise noise(77);
        const at::Tensor chunked = vae.encodeChunked(audio, &noise, chunk, overlap).latents;
        // starts 0, 4, 8, 12: four chunks
        SeededNoise replay(77);
        const at::Tensor first =
            vae.encodeDetailed(audio.slice(2, 0, chunk * ratio), &replay).latents;
        QVERIFY(at::allclose(chunked.slice(2, 0, chunk - overlap / 2),
                             first.slice(2, 0, chunk - overlap / 2)));
        VaeEncoding last;
        for (int64_t start = 4; start <= 12; start += 4)
            last =
                vae.encodeDetailed(audio.slice(2, start * ratio, (start + chunk) * ratio), &replay);
        QVERIFY(at::allclose(chunked.slice(2, length - chunk + overlap / 2),
                             last.latents.slice(2, overlap / 2)));
        // The posterior draw makes it differ from the mean.
        QVERIFY(!at::allclose(chunked, vae.encodeChunked(audio, nullptr, chunk, overlap).latents));
        // The config's chunked flag takes the original's defaults (128 / 32).
        const PretransformConfig chunkedConfig =
            parsePretransformConfig(pretransformJson({2, 3}, false, true), "shapes");
        const OobleckVae chunkedVae(chunkedConfig, randomVaeWeights(chunkedConfig),
                                    {"ae.", {}, true});
        const at::Tensor longAudio = at::randn({1, 2, 150 * ratio});
        QVERIFY(at::equal(chunkedVae.encodeDetailed(longAudio, nullptr).latents,
                          chunkedVae.encodeChunked(longAudio, nullptr, 128, 32).latents));
        QVERIFY_THROWS_EXCEPTION(GenerationError, vae.encodeChunked(audio, nullptr, 8, 8));
        QVERIFY_THROWS_EXCEPTION(
            GenerationError, vae.encodeChunked(at::randn({1, 2, 20 * ratio + 1}), nullptr, 8, 2));
    }

    // ------------------------------------------------------------------------- T5

    // HF's encoder buckets (reference_formulas.h) for several bucket setups.
    void t5RelativeBuckets_data() {
        QTest::addColumn<qint64>("numBucketsRow");
        QTest::addColumn<qint64>("maxDistanceRow");
        const std::vector<std::pair<qint64, qint64>> setups = {
            {32, 128}, {16, 64}, {64, 256}, {8, 20}, {6, 10},
            {4, 8},    {32, 12}, {20, 100}, {10, 7}, {48, 32}};
        for (const auto& [buckets, distance] : setups)
            QTest::newRow(
                qPrintable(QString("%1 buckets, max distance %2").arg(buckets).arg(distance)))
                << buckets << distance;
    }
    void t5RelativeBuckets() {
        QFETCH(qint64, numBucketsRow);
        QFETCH(qint64, maxDistanceRow);
        const int64_t numBuckets = numBucketsRow, maxDistance = maxDistanceRow;
        T5Config config;
        config.numLayers = 1;
        config.numBuckets = numBuckets;
        config.maxDistance = maxDistance;
        const T5Encoder encoder(config);
        const int64_t queries = 2 * maxDistance + 17;
        const int64_t keys = queries - 9;
        const at::Tensor buckets = encoder.relativePositionBuckets(queries, keys);
        QCOMPARE(buckets.sizes(), (at::IntArrayRef{queries, keys}));
        const auto b = buckets.accessor<int64_t, 2>();
        for (int64_t q = 0; q < queries; ++q)
            for (int64_t k = 0; k < keys; ++k) {
                const auto allowed =
                    footfall::test::expectedT5Buckets(k - q, numBuckets, maxDistance);
                if (!allowed.count(b[q][k]))
                    QFAIL(qPrintable(QString("query %1 key %2: bucket %3, expected %4")
                                         .arg(q)
                                         .arg(k)
                                         .arg(b[q][k])
                                         .arg(*allowed.begin())));
            }
        QCOMPARE(buckets.min().item<int64_t>(), int64_t(0));
        QCOMPARE(buckets.max().item<int64_t>(), numBuckets - 1);
    }

    // ------------------------------------------------------------------------- LoRA

    // LoRAW with alpha 2, rank 4, multiplier 0.75 on one linear layer. Its forward adds
    // up(down(x)) * alpha/rank * multiplier; its dump_weights merges W + up@down * alpha/rank
    // (no multiplier); its gradio merger W + strength² up@down.
    void loraSemantics() {
        const int64_t in = 5, out = 6, rank = 4;
        const double alpha = 2.0, multiplier = 0.75;
        const std::string key = "model.model.transformer.layers.0.self_attn.to_out.weight";
        const at::Tensor base = at::randn({out, in});
        const at::Tensor bias = at::randn({out});
        const at::Tensor down = at::randn({rank, in});
        const at::Tensor up = at::randn({out, rank});
        auto lora = std::make_shared<LoraFile>(loraFileFromTensors(
            {{"model/model/transformer/layers/0/self_attn/to_out/lora_down.weight", down},
             {"model/model/transformer/layers/0/self_attn/to_out/lora_up.weight", up}},
            "random LoRA"));
        const LoraTrainingConfig training = LoraTrainingConfig::fromJson(
            nlohmann::json{
                {"lora", {{"alpha", alpha}, {"rank", rank}, {"multiplier", multiplier}}}},
            "shapes config");
        QCOMPARE(training.scale(rank), alpha / double(rank));

        std::map<std::string, at::Tensor> weights = {{key, base}};
        std::vector<std::pair<std::string, at::Tensor*>> named = {{key, &weights[key]}};
        LoraMerger merger(named);
        const at::Tensor dx = at::randn({3, in}, at::kDouble);
        const at::Tensor lorawForward =
            at::linear(dx, base.to(at::kDouble), bias.to(at::kDouble)) +
            at::linear(at::linear(dx, down.to(at::kDouble)), up.to(at::kDouble)) *
                (alpha / double(rank)) * multiplier;
        const at::Tensor product = at::matmul(up, down).to(at::kDouble);
        const auto mergedForward = [&] {
            return at::linear(dx, weights[key].to(at::kDouble), bias.to(at::kDouble));
        };

        // Forward semantics: the training config as it is.
        LoraSpec forward(lora, 1.0);
        forward.config = training;
        merger.apply({forward});
        QVERIFY(at::allclose(mergedForward(), lorawForward, 1e-5, 1e-5));
        QCOMPARE(merger.metadata()[0].at("scale").get<double>(), alpha / double(rank));
        QCOMPARE(merger.metadata()[0].at("effective_scale").get<double>(),
                 alpha / double(rank) * multiplier);

        // dump_weights semantics: the multiplier left out (1).
        LoraSpec dump(lora, 1.0);
        dump.config = training;
        dump.config.multiplier = 1.0;
        merger.apply({dump});
        const at::Tensor dumped = base.to(at::kDouble) + product * (alpha / double(rank));
        QVERIFY(at::allclose(weights[key].to(at::kDouble), dumped, 1e-5, 1e-6));
        QVERIFY(!at::allclose(mergedForward(), lorawForward, 1e-3, 1e-3)); // they differ

        // A user strength scales the forward semantics on top.
        LoraSpec half(lora, 0.5);
        half.config = training;
        merger.apply({half});
        QVERIFY(at::allclose(weights[key].to(at::kDouble),
                             base.to(at::kDouble) + product * (0.5 * alpha / rank * multiplier),
                             1e-5, 1e-6));

        // Gradio: alpha/rank and multiplier ignored, the strength squared.
        LoraSpec gradio(lora, multiplier, LoraMergeMode::LorawGradioCompatible);
        gradio.config = training;
        merger.apply({gradio});
        QVERIFY(at::allclose(weights[key].to(at::kDouble),
                             base.to(at::kDouble) + product * (multiplier * multiplier), 1e-5,
                             1e-6));

        merger.unmerge();
        QVERIFY(at::equal(weights[key], base));
    }

    // ------------------------------------------------------------------------- DiT

    void ditForwardShapes_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("objective");
        QTest::newRow("3 heads, patch 2") << R"({"io_channels": 4, "embed_dim": 96, "depth": 2,
            "num_heads": 3, "patch_size": 2, "cond_token_dim": 32, "global_cond_dim": 16})"
                                          << "v";
        QTest::newRow("3 heads, patch 2, qk-norm, rf") << R"({"io_channels": 4, "embed_dim": 96,
            "depth": 2, "num_heads": 3, "patch_size": 2, "cond_token_dim": 32,
            "global_cond_dim": 16, "attn_kwargs": {"qk_norm": "ln"}})"
                                                       << "rf_denoiser";
        // Unprojected 32-wide tokens: one key/value head shared by the 3 query heads.
        QTest::newRow("3 heads, patch 2, one kv head") << R"({"io_channels": 4, "embed_dim": 96,
            "depth": 2, "num_heads": 3, "patch_size": 2, "cond_token_dim": 32,
            "project_cond_tokens": false, "global_cond_dim": 16})"
                                                       << "v";
        QTest::newRow("3 heads, patch 3") << R"({"io_channels": 2, "embed_dim": 96, "depth": 1,
            "num_heads": 3, "patch_size": 3, "cond_token_dim": 8, "global_cond_dim": 8})"
                                          << "v";
    }

    void ditForwardShapes() {
        QFETCH(QString, json);
        QFETCH(QString, objective);
        const DiffusionConfig config = parseDiffusionConfig(
            ditJson(nlohmann::json::parse(json.toStdString()), objective.toStdString()), "shapes");
        const DitConfig& c = config.dit;
        QVERIFY(c.patchSize > 1);
        QCOMPARE(c.dimHeads() * c.numHeads, c.embedDim);
        DiffusionTransformer dit(c, config.objective);
        WeightSource weights;
        weights.addTensors(randomDitTensors(dit), "random DiT");
        dit.load(weights);
        ParameterList list;
        dit.collectParameters(list, "model.model.");
        QCOMPARE(list.find("model.model.transformer.project_in.weight")->shape,
                 (std::vector<int64_t>{c.embedDim, c.ioChannels * c.patchSize}));
        QCOMPARE(list.find("model.model.transformer.layers.0.self_attn.to_qkv.weight")->shape,
                 (std::vector<int64_t>{3 * c.embedDim, c.embedDim}));

        DitConditioning cond;
        cond.crossAttnCond = at::randn({2, 5, c.condTokenDim});
        cond.globalCond = at::randn({2, c.globalCondDim});
        const int64_t length = 6 * c.patchSize;
        const at::Tensor x = at::randn({2, c.ioChannels, length});
        const at::Tensor t = at::rand({2});
        for (const double scale : {1.0, 3.0}) {
            DitGuidance guidance;
            guidance.cfgScale = scale;
            const at::Tensor out = dit.forward(x, t, cond, guidance);
            QCOMPARE(out.sizes(), x.sizes());
            QVERIFY(at::isfinite(out).all().item<bool>());
            // Each item on its own gives the same rows.
            DitConditioning one;
            one.crossAttnCond = cond.crossAttnCond.slice(0, 1, 2);
            one.globalCond = cond.globalCond.slice(0, 1, 2);
            const at::Tensor single =
                dit.forward(x.slice(0, 1, 2), t.slice(0, 1, 2), one, guidance);
            // Float rounding of batch-size-dependent GEMM blocking, against the output's
            // scale (outputs reach ~100 here): 5e-5 seen; a batching mistake is order 1.
            const double outScale = out.abs().max().item<double>();
            QVERIFY(at::allclose(single, out.slice(0, 1, 2), 1e-4, 1e-5 * outScale));
        }
        QVERIFY_THROWS_EXCEPTION(GenerationError,
                                 dit.forward(at::randn({2, c.ioChannels, length + 1}), t, cond));
    }

    // The patch layout: with every block's output projections zeroed the transformer is the
    // identity, so the DiT computes unpatch(project_out · project_in · patch(x)), with einops'
    // 'b (t p) c -> b t (c p)' and 'b (c p) t -> b c (t p)' written out here index by index.
    void ditPatchLayout() {
        const DiffusionConfig config = parseDiffusionConfig(
            ditJson(nlohmann::json::parse(R"({"io_channels": 3, "embed_dim": 96, "depth": 2,
                "num_heads": 3, "patch_size": 2, "cond_token_dim": 16, "global_cond_dim": 8})")),
            "shapes");
        const DitConfig& c = config.dit;
        DiffusionTransformer dit(c, config.objective);
        auto tensors = randomDitTensors(dit, {"to_out.weight", "ff.ff.2.weight", "ff.ff.2.bias",
                                              "preprocess_conv.weight", "postprocess_conv.weight"});
        const at::Tensor projectIn = tensors.at("model.model.transformer.project_in.weight");
        const at::Tensor projectOut = tensors.at("model.model.transformer.project_out.weight");
        WeightSource weights;
        weights.addTensors(tensors, "random DiT");
        dit.load(weights);

        const int64_t batch = 2, p = c.patchSize, io = c.ioChannels, steps = 5;
        const at::Tensor x = at::randn({batch, io, steps * p});
        at::Tensor patched = at::zeros({batch, steps, io * p});
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t s = 0; s < steps; ++s)
                for (int64_t ch = 0; ch < io; ++ch)
                    for (int64_t j = 0; j < p; ++j)
                        patched[b][s][ch * p + j] = x[b][ch][s * p + j];
        const at::Tensor mapped = at::matmul(at::matmul(patched, projectIn.t()), projectOut.t());
        at::Tensor expected = at::zeros_like(x);
        for (int64_t b = 0; b < batch; ++b)
            for (int64_t s = 0; s < steps; ++s)
                for (int64_t ch = 0; ch < io; ++ch)
                    for (int64_t j = 0; j < p; ++j)
                        expected[b][ch][s * p + j] = mapped[b][s][ch * p + j];

        DitConditioning cond;
        cond.crossAttnCond = at::randn({batch, 4, c.condTokenDim});
        cond.globalCond = at::randn({batch, c.globalCondDim});
        const at::Tensor out = dit.forward(x, at::rand({batch}), cond);
        QVERIFY(at::allclose(out, expected, 1e-4, 1e-5));
    }
};

QTEST_APPLESS_MAIN(TestModelShapes)
#include "tst_model_shapes.moc"
