// Oobleck VAE against the original stable-audio-tools outputs (oobleck_vae case: decode and
// encode with a replayed posterior sample), the SAO 1.0 key/shape manifest of the VAE, and
// strict-loading errors (wrong shape, missing and unexpected keys).
#include "base/errors.h"
#include "model/formats/safetensors.h"
#include "model/runtime/weights.h"
#include "model/sao/noise.h"
#include "model/sao/oobleck_vae.h"
#include "parity.h"
#include "reference_formulas.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <algorithm>
#include <map>
#include <set>

using namespace footfall::model;
using footfall::GenerationError;

namespace {

using footfall::test::allClose;
using footfall::test::loadParityCase;
using footfall::test::ParityCase;
using footfall::test::parityPath;
using footfall::test::readJsonFile;

// Outputs of the decode path and of the encode path (every expected.* the case lists must be
// one of them, so a reference set with more outputs does not pass silently).
const std::set<std::string> kDecodeOutputs = {"decoded_audio"};
const std::set<std::string> kEncodeOutputs = {"pre_bottleneck",  "mean", "scale", "stdev",
                                              "latents_sampled", "kl"};

// Compares the case's expected outputs that are in `actual`; logs each max error.
QString compareOutputs(const ParityCase& c, const std::map<std::string, at::Tensor>& actual) {
    QString failures;
    for (const auto& name : c.expectedNames()) {
        const auto it = actual.find(name);
        if (it == actual.end())
            continue;
        const auto report = allClose(it->second, c.expected(name), c.tolerance(name), name);
        qInfo("%s", report.message.c_str());
        if (!report.ok)
            failures += QString::fromStdString(report.message) + "; ";
    }
    return failures;
}

// The SAO 1.0 pretransform section (as in tests/model/data/sao-1.0-model_config.json).
const char* kSao10Pretransform = R"({
  "type": "autoencoder", "iterate_batch": true,
  "config": {
    "encoder": {"type": "oobleck", "requires_grad": false,
                "config": {"in_channels": 2, "channels": 128, "c_mults": [1, 2, 4, 8, 16],
                           "strides": [2, 4, 4, 8, 8], "latent_dim": 128, "use_snake": true}},
    "decoder": {"type": "oobleck",
                "config": {"out_channels": 2, "channels": 128, "c_mults": [1, 2, 4, 8, 16],
                           "strides": [2, 4, 4, 8, 8], "latent_dim": 64, "use_snake": true,
                           "final_tanh": false}},
    "bottleneck": {"type": "vae"},
    "latent_dim": 64, "downsampling_ratio": 2048, "io_channels": 2
  }
})";

} // namespace

class TestParityVae : public QObject {
    Q_OBJECT

private:
    ParityCase m_case;
    PretransformConfig m_config;
    WeightSource m_weights;
    std::string m_weightsPath;
    std::string m_prefix;

    at::Tensor input(const std::string& name) const { return m_case.input(name); }

private Q_SLOTS:
    // Tests without fixtures (manifest, config errors) run even when the folder is absent.
    void initTestCase() {
        if (!footfall::test::parityDirExists())
            return;
        m_case = loadParityCase("oobleck_vae");
        m_config = parsePretransformConfig(m_case.json.at("config"), "oobleck_vae.json");
        const auto& weights = m_case.json.at("weights");
        m_prefix = weights.value("key_prefix", std::string("pretransform.model."));
        m_weightsPath = parityPath(weights.at("file").get<std::string>());
        m_weights = WeightSource::open(m_weightsPath);
    }

    void everyOutputIsChecked() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        for (const auto& name : m_case.expectedNames())
            QVERIFY2(kDecodeOutputs.count(name) || kEncodeOutputs.count(name),
                     qPrintable(QString("expected.%1 is not compared by this test")
                                    .arg(QString::fromStdString(name))));
    }

    void configMatchesModelConfig() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const PretransformConfig fromFile =
            loadModelConfig(parityPath("model_config.json")).pretransform;
        QCOMPARE(fromFile.latentDim, m_config.latentDim);
        QCOMPARE(fromFile.downsamplingRatio, m_config.downsamplingRatio);
        QCOMPARE(fromFile.decoder.channels, m_config.decoder.channels);
        QCOMPARE(fromFile.decoder.strides, m_config.decoder.strides);
        QCOMPARE(fromFile.decoder.finalTanh, m_config.decoder.finalTanh);
        QCOMPARE(fromFile.scale, m_config.scale);
    }

    // The declared keys/shapes are exactly the checkpoint's VAE tensors.
    void parameterShapesMatchCheckpoint() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const auto shapes = oobleckParameterShapes(m_config, m_prefix);
        std::map<std::string, std::vector<int64_t>> declared(shapes.begin(), shapes.end());
        QCOMPARE(declared.size(), shapes.size()); // no duplicates
        std::set<std::string> inFile;
        for (const auto& key : m_weights.keys())
            if (key.rfind(m_prefix, 0) == 0)
                inFile.insert(key);
        for (const auto& key : inFile) {
            QVERIFY2(declared.count(key),
                     qPrintable(QString("undeclared key %1").arg(key.c_str())));
            QCOMPARE(declared[key], m_weights.shape(key));
        }
        QCOMPARE(declared.size(), inFile.size());
        if (m_case.json.at("weights").contains("keys")) {
            std::set<std::string> listed;
            for (const auto& key : m_case.json["weights"]["keys"])
                listed.insert(key.get<std::string>());
            QCOMPARE(listed.size(), inFile.size());
        }
    }

    void decode() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const OobleckVae vae(m_config, m_weights, {m_prefix, {}, false});
        QVERIFY(!vae.hasEncoder());
        const at::Tensor latents = input("latents");
        int polls = 0;
        const at::Tensor audio = vae.decode(latents, [&] { ++polls; });
        QVERIFY(polls > 0);
        // The decoder's own length (latents x ratio only when every stride is even).
        const int64_t length =
            footfall::test::expectedDecodedLength(m_config.decoder, latents.size(2));
        QCOMPARE(audio.size(2), length);
        QCOMPARE(vae.decodedLength(latents.size(2)), length);
        const QString failures = compareOutputs(m_case, {{"decoded_audio", audio}});
        QVERIFY2(failures.isEmpty(), qPrintable(failures));
    }

    // Chunk placement (AudioAutoencoder.decode_audio with chunked=True): the first chunk's audio
    // up to its inner edge is that chunk decoded alone, the last chunk's from its inner edge on
    // is the last chunk decoded alone and ends the audio; one chunk covering everything is the
    // plain decode. Lengths from the config (odd strides shorten every chunk's audio).
    void decodeChunked() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const OobleckVae vae(m_config, m_weights, {m_prefix, {}, false});
        const at::Tensor latents = input("latents");
        const int64_t length = latents.size(2);
        QVERIFY(at::equal(vae.decodeChunked(latents, length, 2), vae.decode(latents)));
        if (length < 4)
            QSKIP("latents too short to split");
        const int64_t chunk = length / 2;
        const int64_t overlap = chunk / 2;
        const at::Tensor chunked = vae.decodeChunked(latents, chunk, overlap);
        QCOMPARE(chunked.sizes(), vae.decode(latents).sizes());
        const int64_t chunkLength = footfall::test::expectedDecodedLength(m_config.decoder, chunk);
        const int64_t edge = (overlap / 2) * m_config.downsamplingRatio;
        const at::Tensor first = vae.decode(latents.slice(2, 0, chunk));
        QCOMPARE(first.size(2), chunkLength);
        // Up to the first chunk's inner edge, its audio's end or the second chunk's paste start
        // (an odd overlap lets the second chunk overwrite one latent's worth).
        const int64_t secondStart = std::min(chunk - overlap, length - chunk);
        const int64_t firstEnd = std::min({chunk * m_config.downsamplingRatio - edge, chunkLength,
                                           secondStart * m_config.downsamplingRatio + edge});
        QVERIFY(at::equal(chunked.slice(2, 0, firstEnd), first.slice(2, 0, firstEnd)));
        const at::Tensor last = vae.decode(latents.slice(2, length - chunk, length));
        const int64_t lastBegin = chunked.size(2) - chunkLength + edge;
        QVERIFY(at::equal(chunked.slice(2, lastBegin), last.slice(2, edge)));
        QVERIFY_THROWS_EXCEPTION(GenerationError, vae.decodeChunked(latents, 4, 4));
    }

    void encode() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const OobleckVae vae(m_config, m_weights, {m_prefix, {}, true});
        ReplayNoise noise(std::vector<at::Tensor>{input("vae_noise")});
        const VaeEncoding e = vae.encodeDetailed(input("audio"), &noise);
        QCOMPARE(noise.used(), size_t(1));
        const QString failures = compareOutputs(m_case, {{"pre_bottleneck", e.preBottleneck},
                                                         {"mean", e.mean},
                                                         {"scale", e.scale},
                                                         {"stdev", e.stdev},
                                                         {"latents_sampled", e.latents},
                                                         {"kl", e.kl.reshape({1})}});
        QVERIFY2(failures.isEmpty(), qPrintable(failures));
        // Without a noise source the mean is taken.
        const at::Tensor mean = vae.encode(input("audio"), nullptr);
        QVERIFY(at::equal(mean, e.mean));
    }

    // The end-to-end cases decode their final latents with their own model's VAE (SAO 1.0 and
    // the small-type model, which has its own VAE weights): a strict load of each checkpoint and
    // a second decode check.
    void decodeEndToEndLatents_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("end_to_end") << "end_to_end";
        QTest::newRow("end_to_end_small") << "end_to_end_small";
    }
    void decodeEndToEndLatents() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, name);
        const ParityCase c = loadParityCase(name.toStdString());
        const auto& files = c.json.at("weights");
        const PretransformConfig config =
            loadModelConfig(parityPath(files.at("config").get<std::string>())).pretransform;
        const OobleckVae vae(config,
                             WeightSource::open(parityPath(files.at("model").get<std::string>())));
        const QString failures = compareOutputs(c, {{"audio", vae.decode(c.expected("latents"))}});
        QVERIFY2(failures.isEmpty(), qPrintable(failures));
    }

    void encodeThrowsWithoutEncoder() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const OobleckVae vae(m_config, m_weights, {m_prefix, {}, false});
        QVERIFY_THROWS_EXCEPTION(GenerationError, vae.encode(input("audio"), nullptr));
    }

    void wrongShapeNamesKey() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const std::string key = m_prefix + "decoder.layers.0.weight_v";
        auto shape = m_weights.shape(key);
        shape[1] += 1;
        WeightSource weights;
        weights.addTensors({{key, at::zeros(shape)}}, "patched tensors");
        weights.addFile(SafetensorsFile::open(m_weightsPath));
        try {
            OobleckVae vae(m_config, weights, {m_prefix, {}, false});
            QFAIL("loading a mis-shaped weight did not throw");
        } catch (const GenerationError& e) {
            const QString message = e.what();
            qInfo("%s", e.what());
            QVERIFY2(message.contains(QString::fromStdString(key)), e.what());
            QVERIFY2(message.contains("patched tensors"), e.what());
        }
    }

    void missingKeyNamesKey() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        std::map<std::string, at::Tensor> tensors;
        const std::string dropped = m_prefix + "decoder.layers.1.layers.0.alpha";
        for (const auto& key : m_weights.keys())
            if (key.rfind(m_prefix, 0) == 0 && key != dropped)
                tensors[key] = m_weights.raw(key);
        WeightSource weights;
        weights.addTensors(tensors, "vae subset");
        try {
            OobleckVae vae(m_config, weights, {m_prefix, {}, true});
            QFAIL("loading without a key did not throw");
        } catch (const GenerationError& e) {
            qInfo("%s", e.what());
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(dropped)), e.what());
        }
    }

    void unexpectedKeyIsAnError() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        WeightSource weights;
        const std::string extra = m_prefix + "decoder.layers.0.weight";
        weights.addTensors({{extra, at::zeros({1})}}, "extra tensors");
        weights.addFile(SafetensorsFile::open(m_weightsPath));
        try {
            OobleckVae vae(m_config, weights, {m_prefix, {}, false});
            QFAIL("an unexpected VAE key did not throw");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(extra)), e.what());
        }
    }

    // SAO 1.0: 365 VAE tensors, 156 112 514 parameters (the released model's manifest).
    void sao10Manifest() {
        const PretransformConfig config =
            parsePretransformConfig(nlohmann::json::parse(kSao10Pretransform), "SAO 1.0 config");
        const auto shapes = oobleckParameterShapes(config);
        QCOMPARE(shapes.size(), size_t(365));
        int64_t total = 0;
        std::map<std::string, std::vector<int64_t>> byName(shapes.begin(), shapes.end());
        for (const auto& [name, shape] : shapes) {
            int64_t n = 1;
            for (auto d : shape)
                n *= d;
            total += n;
        }
        QCOMPARE(total, int64_t(156112514));
        const std::vector<std::pair<std::string, std::vector<int64_t>>> samples = {
            {"encoder.layers.0.weight_g", {128, 1, 1}},
            {"encoder.layers.0.weight_v", {128, 2, 7}},
            {"encoder.layers.2.layers.0.layers.1.weight_v", {128, 128, 7}},
            {"encoder.layers.2.layers.4.weight_v", {256, 128, 8}},
            {"encoder.layers.6.alpha", {2048}},
            {"encoder.layers.7.weight_v", {128, 2048, 3}},
            {"decoder.layers.1.layers.0.alpha", {2048}},
            {"decoder.layers.1.layers.1.weight_g", {2048, 1, 1}},
            {"decoder.layers.1.layers.1.weight_v", {2048, 1024, 16}},
            {"decoder.layers.1.layers.1.bias", {1024}},
            {"decoder.layers.5.layers.4.layers.2.beta", {128}},
            {"decoder.layers.6.alpha", {128}},
            {"decoder.layers.7.weight_g", {2, 1, 1}},
            {"decoder.layers.7.weight_v", {2, 128, 7}}};
        for (const auto& [name, shape] : samples) {
            const std::string key = "pretransform.model." + name;
            QVERIFY2(byName.count(key), key.c_str());
            QCOMPARE(byName[key], shape);
        }
        QVERIFY(!byName.count("pretransform.model.decoder.layers.7.bias"));
    }

    // Variants SAO does not use (no fixtures): ELU instead of SnakeBeta (no alpha/beta keys),
    // nearest-neighbour upsampling (Sequential(Upsample, conv) -> "layers.1.1.", no bias),
    // final tanh. Random weights: checks keys, shapes and lengths.
    void otherVariantsLoadAndRun() {
        auto json = nlohmann::json::parse(kSao10Pretransform);
        for (const char* part : {"encoder", "decoder"}) {
            auto& cfg = json["config"][part]["config"];
            cfg["channels"] = 4;
            cfg["c_mults"] = {1, 2};
            cfg["strides"] = {2, 3};
            cfg["use_snake"] = false;
        }
        json["config"]["encoder"]["config"]["latent_dim"] = 6;
        json["config"]["decoder"]["config"]["latent_dim"] = 3;
        json["config"]["decoder"]["config"]["use_nearest_upsample"] = true;
        json["config"]["decoder"]["config"]["final_tanh"] = true;
        json["config"]["latent_dim"] = 3;
        json["config"]["downsampling_ratio"] = 6;
        const PretransformConfig config = parsePretransformConfig(json, "variant");
        std::map<std::string, at::Tensor> tensors;
        for (const auto& [name, shape] : oobleckParameterShapes(config, "ae.")) {
            QVERIFY2(name.find("alpha") == std::string::npos, name.c_str());
            tensors[name] = at::randn(shape) * 0.3 + (name.find("weight_g") != std::string::npos);
        }
        QVERIFY(tensors.count("ae.decoder.layers.1.layers.1.1.weight_v"));
        QVERIFY(!tensors.count("ae.decoder.layers.1.layers.1.1.bias"));
        WeightSource weights;
        weights.addTensors(tensors, "random");
        const OobleckVae vae(config, weights, {"ae.", {}, true});
        const at::Tensor audio = vae.decode(at::randn({2, 3, 5}));
        QCOMPARE(audio.sizes(), (at::IntArrayRef{2, 2, 30}));
        QVERIFY(audio.abs().max().item<double>() <= 1.0); // final tanh
        QCOMPARE(vae.encode(audio, nullptr).sizes(), (at::IntArrayRef{2, 3, 5}));
    }

    void badConfigsAreRejected() {
        auto config = nlohmann::json::parse(kSao10Pretransform);
        config["config"]["decoder"]["config"]["latent_dim"] = 32;
        QVERIFY_THROWS_EXCEPTION(GenerationError, parsePretransformConfig(config, "x"));
        config = nlohmann::json::parse(kSao10Pretransform);
        config["config"]["downsampling_ratio"] = 1024;
        QVERIFY_THROWS_EXCEPTION(GenerationError, parsePretransformConfig(config, "x"));
        config = nlohmann::json::parse(kSao10Pretransform);
        config["config"]["encoder"]["type"] = "dac";
        try {
            parsePretransformConfig(config, "my_config.json");
            QFAIL("no error for an unsupported encoder");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("my_config.json"), e.what());
            QVERIFY2(QString(e.what()).contains("encoder.type"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestParityVae)
#include "tst_parity_vae.moc"
