// T5 encoder against HF T5EncoderModel outputs on the tiny random T5 of the parity fixtures
// (conditioners case), the t5-base key/shape manifest, and strict-loading errors.
#include "base/errors.h"
#include "model/runtime/weights.h"
#include "model/sao/t5_encoder.h"
#include "parity.h"
#include "reference_formulas.h"

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

    // The encoder's bucket of every (query, key) pair against HF's definition written out in
    // reference_formulas.h, for the fixture's own T5 config and t5-base's (32 buckets, max
    // distance 128), over lengths past max_distance, queries != keys (more bucket setups:
    // tst_model_shapes).
    void relativeBuckets_data() {
        QTest::addColumn<qint64>("numBucketsRow");
        QTest::addColumn<qint64>("maxDistanceRow");
        QTest::newRow("fixture t5_config.json")
            << qint64(m_config.numBuckets) << qint64(m_config.maxDistance);
        const T5Config base = T5Config::fromJson(nlohmann::json::parse(kT5BaseConfig), "t5-base");
        QTest::newRow("t5-base") << qint64(base.numBuckets) << qint64(base.maxDistance);
    }
    void relativeBuckets() {
        QFETCH(qint64, numBucketsRow);
        QFETCH(qint64, maxDistanceRow);
        const int64_t numBuckets = numBucketsRow, maxDistance = maxDistanceRow;
        T5Config config = m_config;
        config.numBuckets = numBuckets;
        config.maxDistance = maxDistance;
        T5Encoder encoder(config);
        const int64_t queries = 2 * maxDistance + 21;
        const int64_t keys = queries + 13;
        const at::Tensor buckets = encoder.relativePositionBuckets(queries, keys);
        QCOMPARE(buckets.sizes(), (at::IntArrayRef{queries, keys}));
        QCOMPARE(buckets.scalar_type(), at::kLong);
        const auto b = buckets.accessor<int64_t, 2>();
        const int64_t half = numBuckets / 2;
        for (int64_t q = 0; q < queries; ++q)
            for (int64_t k = 0; k < keys; ++k) {
                const auto allowed = expectedT5Buckets(k - q, numBuckets, maxDistance);
                if (!allowed.count(b[q][k]))
                    QFAIL(qPrintable(QString("query %1 key %2: bucket %3, expected %4")
                                         .arg(q)
                                         .arg(k)
                                         .arg(b[q][k])
                                         .arg(*allowed.begin())));
            }
        // Anchors: same position, exact buckets next to it, the last bucket of each half.
        QCOMPARE(b[5][5], int64_t(0));
        QCOMPARE(b[5][6], half + 1);
        QCOMPARE(b[6][5], int64_t(1));
        QCOMPARE(b[0][keys - 1], numBuckets - 1);
        QCOMPARE(b[queries - 1][0], half - 1);
    }

    // The module tree from t5-base's config.json has exactly HF T5EncoderModel's keys/shapes
    // (allocates nothing: the list only records names and declared shapes).
    void t5BaseModuleTreeMatchesManifest() {
        const QString manifestPath =
            QString(FOOTFALL_SOURCE_DIR) + "/tests/model/data/sao-1.0-manifest.json";
        QVERIFY2(QFileInfo::exists(manifestPath), qPrintable(manifestPath));
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
