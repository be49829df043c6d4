// The full-size SAO 1.0 module tree (DiT + Oobleck VAE + conditioners), built from the published
// model_config.json without loading or allocating any weights, declares exactly the 745 keys and
// shapes of the real model.safetensors (tests/model/data/sao-1.0-manifest.json), and the
// T5-base encoder exactly HF's keys.
#include "model/runtime/weights.h"
#include "model/sao/conditioners.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/t5_encoder.h"
#include "parity.h"

#include <nlohmann/json.hpp>

#include <QFileInfo>
#include <QtTest>

#include <map>
#include <memory>

using namespace footfall::model;
using Shapes = std::map<std::string, std::vector<int64_t>>;

namespace {

// The key/shape manifest of the released model.safetensors, kept in tests/model/data
// (FOOTFALL_SAO_MANIFEST overrides, e.g. to check another release).
std::string manifestPath() {
    const QByteArray env = qgetenv("FOOTFALL_SAO_MANIFEST");
    if (!env.isEmpty())
        return env.toStdString();
    return std::string(FOOTFALL_SOURCE_DIR) + "/tests/model/data/sao-1.0-manifest.json";
}

ModelConfig sao10Config() {
    return loadModelConfig(std::string(FOOTFALL_SOURCE_DIR) +
                           "/tests/model/data/sao-1.0-model_config.json");
}

T5Config t5BaseConfig() { // HF t5-base / SAO's text_encoder/config.json
    T5Config c;
    c.vocabSize = 32128;
    c.dModel = 768;
    c.dKv = 64;
    c.dFf = 3072;
    c.numLayers = 12;
    c.numHeads = 12;
    return c;
}

// Lists differences (first few of each kind) between declared and expected shapes.
std::string diff(const Shapes& actual, const Shapes& expected) {
    std::string out;
    int missing = 0, extra = 0, wrong = 0;
    for (const auto& [k, s] : expected) {
        const auto it = actual.find(k);
        if (it == actual.end()) {
            if (missing++ < 5)
                out += "\n  missing " + k;
        } else if (it->second != s) {
            if (wrong++ < 5)
                out += "\n  " + k + " declared " + shapeToString(it->second) + ", manifest " +
                       shapeToString(s);
        }
    }
    for (const auto& [k, s] : actual)
        if (!expected.count(k) && extra++ < 5)
            out += "\n  not in manifest " + k + " " + shapeToString(s);
    if (!out.empty())
        out = std::to_string(missing) + " missing, " + std::to_string(extra) + " extra, " +
              std::to_string(wrong) + " mis-shaped:" + out;
    return out;
}

void addAll(Shapes& shapes, const ParameterList& list) {
    for (const auto& e : list.entries()) {
        QVERIFY2(!e.tensor || !e.tensor->defined(), ("allocated: " + e.name).c_str());
        QVERIFY2(shapes.emplace(e.name, e.shape).second, ("declared twice: " + e.name).c_str());
    }
}

} // namespace

class TestSaoManifest : public QObject {
    Q_OBJECT

    nlohmann::json m_manifest;

private Q_SLOTS:
    void initTestCase() {
        const std::string path = manifestPath();
        if (!QFileInfo::exists(QString::fromStdString(path)))
            QSKIP(qPrintable(QStringLiteral("SAO 1.0 manifest not found at '%1' (set "
                                            "FOOTFALL_SAO_MANIFEST or FOOTFALL_PARITY_DIR)")
                                 .arg(QString::fromStdString(path))));
        m_manifest = footfall::test::readJsonFile(path);
    }

    void checkpointKeysAndShapes() {
        const ModelConfig config = sao10Config();
        Shapes declared;

        DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
        ParameterList ditParams;
        dit.collectParameters(ditParams, "model.model.");
        QCOMPARE(ditParams.size(), size_t(374));
        addAll(declared, ditParams);

        MultiConditioner conditioners(config.conditioning, t5BaseConfig(), nullptr);
        ParameterList condParams;
        conditioners.collectParameters(condParams);
        QCOMPARE(condParams.size(), size_t(6));
        addAll(declared, condParams);

        for (const auto& [name, shape] : oobleckParameterShapes(config.pretransform))
            QVERIFY2(declared.emplace(name, shape).second, ("declared twice: " + name).c_str());

        Shapes expected;
        uint64_t bytes = 0;
        for (auto it = m_manifest.at("keys").begin(); it != m_manifest.at("keys").end(); ++it) {
            QCOMPARE(it.value().at("dtype").get<std::string>(), std::string("F32"));
            const auto shape = it.value().at("shape").get<std::vector<int64_t>>();
            expected.emplace(it.key(), shape);
            uint64_t n = 4;
            for (int64_t d : shape)
                n *= static_cast<uint64_t>(d);
            bytes += n;
        }
        QCOMPARE(expected.size(), m_manifest.at("tensors").get<size_t>());
        QCOMPARE(bytes, m_manifest.at("data_bytes").get<uint64_t>());

        const std::string problems = diff(declared, expected);
        QVERIFY2(problems.empty(), problems.c_str());
        QCOMPARE(declared.size(), size_t(745));
    }

    // Parameter counts of the released models (weights + LayerNorm beta buffers + inv_freq).
    void ditElementCounts() {
        const ModelConfig config = sao10Config();
        DiffusionTransformer dit(config.diffusion.dit, config.diffusion.objective);
        ParameterList params;
        dit.collectParameters(params);
        QCOMPARE(declaredElementCount(params), int64_t(1056828544) + 110592 + 16);

        // SAO small as its published config describes it (embed 1024, depth 16, 8 heads, qk LN,
        // projected cond tokens, global cond 768).
        DitConfig small = config.diffusion.dit;
        small.embedDim = 1024;
        small.depth = 16;
        small.numHeads = 8;
        small.globalCondDim = 768;
        small.projectCondTokens = true;
        small.qkNorm = QkNorm::LayerNorm;
        DiffusionTransformer smallDit(small, DiffusionObjective::RfDenoiser);
        ParameterList smallParams;
        smallDit.collectParameters(smallParams);
        QCOMPARE(smallParams.size(), size_t(382));
        QCOMPARE(declaredElementCount(smallParams), int64_t(340879488) + 49152 + 32);
    }

    void t5BaseKeys() {
        if (!m_manifest.contains("t5_base_encoder_keys"))
            QSKIP("manifest has no T5 keys");
        T5Encoder t5(t5BaseConfig());
        ParameterList params;
        t5.collectParameters(params, "", /*withTiedAlias=*/true);
        Shapes declared;
        addAll(declared, params);
        Shapes expected;
        for (auto it = m_manifest["t5_base_encoder_keys"].begin();
             it != m_manifest["t5_base_encoder_keys"].end(); ++it)
            expected.emplace(it.key(), it.value().get<std::vector<int64_t>>());
        const std::string problems = diff(declared, expected);
        QVERIFY2(problems.empty(), problems.c_str());
    }
};

QTEST_APPLESS_MAIN(TestSaoManifest)
#include "tst_sao_manifest.moc"
