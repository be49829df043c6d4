// T5 encoder against HF T5EncoderModel outputs on the tiny random T5 of the parity fixtures
// (conditioners case), the t5-base key/shape manifest, and strict-loading errors.
#include "engine/engine.h"
#include "model/t5_encoder.h"
#include "model/weights.h"
#include "parity.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <cstdlib>

using namespace footfall::model;
using namespace footfall::test;
using footfall::GenerationError;

namespace {

// HF's t5-base config.json (the values that matter for the module tree).
const char* kT5BaseConfig = R"({
  "architectures": ["T5ForConditionalGeneration"], "d_ff": 3072, "d_kv": 64, "d_model": 768,
  "decoder_start_token_id": 0, "dropout_rate": 0.1, "eos_token_id": 1, "initializer_factor": 1.0,
  "is_encoder_decoder": true, "layer_norm_epsilon": 1e-06, "model_type": "t5", "n_positions": 512,
  "num_heads": 12, "num_layers": 12, "output_past": true, "pad_token_id": 0,
  "relative_attention_num_buckets": 32, "vocab_size": 32128
})";

} // namespace

class TestParityT5 : public QObject {
    Q_OBJECT

private:
    ParityCase m_case;
    T5Config m_config;
    WeightSource m_weights;

private Q_SLOTS:
    void initTestCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_case = loadParityCase("conditioners");
        m_config = T5Config::fromFile(parityPath("t5_config.json"));
        m_weights = WeightSource::open(parityPath("t5_encoder.safetensors"));
        at::set_num_threads(2);
    }

    void configFromFile() {
        const auto& c = m_case.json.at("t5_config");
        QCOMPARE(m_config.dModel, c.at("d_model").get<int64_t>());
        QCOMPARE(m_config.numLayers, c.at("num_layers").get<int64_t>());
        QCOMPARE(m_config.numHeads, c.at("num_heads").get<int64_t>());
        QCOMPARE(m_config.dKv, c.at("d_kv").get<int64_t>());
        QCOMPARE(m_config.dFf, c.at("d_ff").get<int64_t>());
        QCOMPARE(m_config.vocabSize, c.at("vocab_size").get<int64_t>());
        QCOMPARE(m_config.gated, false);
        QCOMPARE(QString::fromStdString(m_config.activation), QString("relu"));
    }

    void lastHiddenState_data() {
        QTest::addColumn<QString>("ids");
        QTest::addColumn<QString>("mask");
        QTest::addColumn<QString>("output");
        QTest::newRow("t5 (padded row)") << "t5_input_ids"
                                         << "t5_attention_mask"
                                         << "t5_last_hidden_state";
        QTest::newRow("prompts") << "prompt_input_ids"
                                 << "prompt_attention_mask"
                                 << "prompt_t5_raw";
    }

    void lastHiddenState() {
        QFETCH(QString, ids);
        QFETCH(QString, mask);
        QFETCH(QString, output);
        T5Encoder encoder(m_config);
        encoder.load(m_weights);
        const at::Tensor idsT = m_case.input(ids.toStdString()).to(at::kLong);
        const at::Tensor maskT = m_case.input(mask.toStdString()).to(at::kBool);
        QVERIFY(maskT.logical_not().any().item<bool>()); // the case has padding
        const at::Tensor out = encoder.forward(idsT, maskT);
        QCOMPARE(out.scalar_type(), at::kFloat);
        // Integer 0/1 masks behave like bool ones.
        const at::Tensor outInt = encoder.forward(idsT, maskT.to(at::kLong));
        QVERIFY(at::equal(out, outInt));
        const std::string name = output.toStdString();
        FOOTFALL_VERIFY_CLOSE(out, m_case.expected(name), m_case.requiredTolerance(name), name);
    }

    void relativeBuckets() {
        T5Encoder encoder(m_config);
        const int64_t n = 300;
        const at::Tensor buckets = encoder.relativePositionBuckets(n, n);
        QCOMPARE(buckets.sizes(), (at::IntArrayRef{n, n}));
        const auto b = buckets.accessor<int64_t, 2>();
        // Exact buckets below 8 each way, keys after the query in the upper half.
        QCOMPARE(b[10][10], int64_t(0));
        QCOMPARE(b[10][13], int64_t(16 + 3));
        QCOMPARE(b[10][3], int64_t(7));
        // Log buckets up to max_distance, then the last bucket of each half.
        for (int64_t d = 8; d < n; ++d) {
            const int64_t expect =
                std::min<int64_t>(15, 8 + static_cast<int64_t>(std::log(double(d) / 8.0) /
                                                               std::log(128.0 / 8.0) * 8.0));
            // fp32 arithmetic may sit one below at exact borders (d = 16, 32, 64, 128), as in HF.
            QVERIFY2(b[0][d] - 16 == expect || b[0][d] - 16 == expect - 1,
                     qPrintable(QString("d=%1 bucket %2").arg(d).arg(b[0][d])));
            QCOMPARE(b[d][0], b[0][d] - 16);
        }
        QCOMPARE(b[0][n - 1], int64_t(31));
        QCOMPARE(b[n - 1][0], int64_t(15));
    }

    // The module tree from t5-base's config.json has exactly HF T5EncoderModel's keys/shapes
    // (allocates nothing: the list only records names and declared shapes).
    void t5BaseModuleTreeMatchesManifest() {
        const QString manifestPath =
            QString(FOOTFALL_SOURCE_DIR) + "/../shared/reference/sao-1.0-manifest.json";
        if (!QFileInfo::exists(manifestPath))
            QSKIP(qPrintable("manifest not found at " + manifestPath));
        const nlohmann::json manifest =
            readJsonFile(manifestPath.toStdString()).at("t5_base_encoder_keys");
        const T5Config config = T5Config::fromJson(nlohmann::json::parse(kT5BaseConfig), "t5-base");
        T5Encoder encoder(config);
        ParameterList params;
        encoder.collectParameters(params, "", true);
        QVERIFY(!encoder.isLoaded());
        std::map<std::string, std::vector<int64_t>> expectedShapes;
        for (const auto& [key, shape] : manifest.items())
            expectedShapes[key] = shape.get<std::vector<int64_t>>();
        QCOMPARE(params.size(), expectedShapes.size());
        QCOMPARE(params.shapes(), expectedShapes);
        QCOMPARE(declaredElementCount(params) - 32128 * 768, int64_t(109628544));
    }

    void missingKeyNamesTheKey() {
        std::map<std::string, at::Tensor> tensors;
        for (const auto& key : m_weights.keys())
            if (key != "encoder.block.1.layer.1.DenseReluDense.wo.weight")
                tensors[key] = m_weights.raw(key);
        WeightSource partial;
        partial.addTensors(tensors, "truncated-t5");
        T5Encoder encoder(m_config);
        try {
            encoder.load(partial);
            QFAIL("no error for a missing key");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("encoder.block.1.layer.1.DenseReluDense.wo.weight"),
                     e.what());
        }
    }

    void configMismatchIsAnError() {
        T5Config wrong = m_config;
        wrong.dFf *= 2;
        T5Encoder encoder(wrong);
        try {
            encoder.load(m_weights);
            QFAIL("no error for a config that does not fit the weights");
        } catch (const GenerationError& e) {
            QVERIFY2(QString(e.what()).contains("DenseReluDense.wi.weight"), e.what());
        }
        T5Config gated = m_config;
        gated.feedForwardProj = "gated-gelu";
        gated.gated = true;
        gated.activation = "gelu_new";
        T5Encoder gatedEncoder(gated);
        QVERIFY_THROWS_EXCEPTION(GenerationError, gatedEncoder.load(m_weights));
    }

    void eitherTiedEmbeddingKeySuffices() {
        for (const std::string drop : {"shared.weight", "encoder.embed_tokens.weight"}) {
            std::map<std::string, at::Tensor> tensors;
            for (const auto& key : m_weights.keys())
                if (key != drop)
                    tensors[key] = m_weights.raw(key);
            WeightSource source;
            source.addTensors(tensors, "without " + drop);
            T5Encoder encoder(m_config);
            encoder.load(source);
            QVERIFY(encoder.isLoaded());
        }
    }

    void outOfVocabularyIdIsAnError() {
        T5Encoder encoder(m_config);
        encoder.load(m_weights);
        const at::Tensor ids = at::full({1, 3}, m_config.vocabSize, at::kLong);
        QVERIFY_THROWS_EXCEPTION(GenerationError,
                                 encoder.forward(ids, at::ones({1, 3}, at::kBool)));
    }

    void badConfigValues() {
        QVERIFY_THROWS_EXCEPTION(
            GenerationError, T5Config::fromJson(nlohmann::json{{"d_model", -3}}, "config.json"));
        QVERIFY_THROWS_EXCEPTION(
            GenerationError,
            T5Config::fromJson(nlohmann::json{{"feed_forward_proj", "gated-tanhh"}},
                               "config.json"));
        const T5Config flan =
            T5Config::fromJson(nlohmann::json{{"feed_forward_proj", "gated-gelu"}}, "config.json");
        QVERIFY(flan.gated);
        QCOMPARE(QString::fromStdString(flan.activation), QString("gelu_new"));
        QVERIFY_THROWS_EXCEPTION(GenerationError, T5Config::fromFile("/nonexistent/config.json"));
    }
};

QTEST_APPLESS_MAIN(TestParityT5)
#include "tst_parity_t5.moc"
