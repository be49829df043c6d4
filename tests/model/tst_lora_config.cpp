// The LoRAW `lora` section: the one rule for missing and present keys (see lora_config.h),
// read from a bare section, a whole model_config.json, a file or a parsed model config, and
// bad values rejected with a GenerationError naming the file and the field.
#include "base/errors.h"
#include "model/lora/lora_config.h"
#include "model/sao/model_config.h"
#include "parity.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace footfall::model;
using footfall::GenerationError;
using nlohmann::json;

namespace {

// LoRAW's examples/model_config.json section (its README's, plus DoRA).
json lorawExample() {
    return {{"component_whitelist", {"transformer"}},
            {"multiplier", 1.0},
            {"rank", 16},
            {"alpha", 16},
            {"dropout", 0},
            {"module_dropout", 0},
            {"lr", 1e-4},
            {"weight_decompose", true}};
}

json sao10WithLora(const json& section) {
    json j = footfall::test::readJsonFile(std::string(FOOTFALL_SOURCE_DIR) +
                                          "/tests/model/data/sao-1.0-model_config.json");
    j["lora"] = section;
    return j;
}

std::string errorOf(const json& j, const std::string& origin = "my_lora.json") {
    try {
        LoraTrainingConfig::fromJson(j, origin);
    } catch (const GenerationError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestLoraConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lorawExampleSection() {
        const LoraTrainingConfig c = LoraTrainingConfig::fromJson(lorawExample(), "example.json");
        QVERIFY(c.present);
        QCOMPARE(*c.alpha, 16.0);
        QCOMPARE(*c.rank, int64_t(16));
        QCOMPARE(c.multiplier, 1.0);
        QVERIFY(c.weightDecompose);
        QCOMPARE(c.componentWhitelist, std::vector<std::string>{"transformer"});
        QCOMPARE(c.scale(16), 1.0);
        QCOMPARE(c.toJson(), (json{{"alpha", 16.0},
                                   {"rank", 16},
                                   {"multiplier", 1.0},
                                   {"weight_decompose", true},
                                   {"component_whitelist", {"transformer"}}}));
    }

    // A whole model_config.json uses its `lora` section; one without a section is "not present";
    // an object that is not a model config is the bare section.
    void wholeModelConfigOrBareSection() {
        json section = lorawExample();
        section["rank"] = 4;
        section["alpha"] = 8;
        const LoraTrainingConfig whole =
            LoraTrainingConfig::fromJson(sao10WithLora(section), "model_config.json");
        const LoraTrainingConfig bare = LoraTrainingConfig::fromJson(section, "lora.json");
        QVERIFY(whole.present && bare.present);
        QCOMPARE(whole.toJson(), bare.toJson());
        QCOMPARE(whole.scale(4), 2.0);

        json noLora = sao10WithLora(section);
        noLora.erase("lora");
        const LoraTrainingConfig none = LoraTrainingConfig::fromJson(noLora, "model_config.json");
        QVERIFY(!none.present);
        QCOMPARE(none.toJson(), json::object());
        QCOMPARE(none.scale(4), 1.0); // nothing known: alpha = rank

        // The parsed model config keeps the section in raw only; fromModelConfig reads it there.
        const ModelConfig parsed = parseModelConfig(sao10WithLora(section));
        const LoraTrainingConfig fromParsed = LoraTrainingConfig::fromModelConfig(parsed);
        QCOMPARE(fromParsed.toJson(), bare.toJson());
        // An empty bare section is present, with every default.
        const LoraTrainingConfig empty = LoraTrainingConfig::fromJson(json::object(), "e.json");
        QVERIFY(empty.present);
        QVERIFY(!empty.alpha && !empty.rank);
    }

    // Absent alpha: alpha = rank (scale 1), whatever the rank.
    void missingAlpha() {
        json section = lorawExample();
        section.erase("alpha");
        const LoraTrainingConfig c = LoraTrainingConfig::fromJson(section, "a.json");
        QVERIFY(!c.alpha);
        QCOMPARE(c.scale(16), 1.0);
        QCOMPARE(c.scale(4), 1.0); // configured rank 16 against itself
        QVERIFY(c.toJson()["alpha"].is_null());
        // null reads as absent, as LoRAW's lora_config.get() gives None.
        section["alpha"] = nullptr;
        QVERIFY(!LoraTrainingConfig::fromJson(section, "a.json").alpha);
        // Not required in a model config either.
        QVERIFY(parseModelConfig(sao10WithLora(section)).raw.contains("lora"));
    }

    // Absent rank: each module's own (file) rank is the rank alpha is divided by.
    void missingRank() {
        json section = lorawExample();
        section.erase("rank");
        section["alpha"] = 16;
        const LoraTrainingConfig c = LoraTrainingConfig::fromJson(section, "r.json");
        QVERIFY(!c.rank);
        QCOMPARE(c.effectiveRank(8), int64_t(8));
        QCOMPARE(c.scale(8), 2.0);
        QCOMPARE(c.scale(16), 1.0);
        section.erase("alpha");
        QCOMPARE(LoraTrainingConfig::fromJson(section, "r.json").scale(8), 1.0);
    }

    // A configured rank is used even when the file's modules have another (LoRAW computes the
    // scale once, before clamping or resizing the module).
    void configuredRankWins() {
        json section = lorawExample();
        section["rank"] = 16;
        section["alpha"] = 32;
        const LoraTrainingConfig c = LoraTrainingConfig::fromJson(section, "c.json");
        QCOMPARE(c.effectiveRank(4), int64_t(16));
        QCOMPARE(c.scale(4), 2.0);
        QCOMPARE(c.scale(16), 2.0);
    }

    // alpha 0 means alpha = rank, as LoRAW's module reads it.
    void alphaZero() {
        json section = lorawExample();
        section["alpha"] = 0;
        section["rank"] = 8;
        const LoraTrainingConfig c = LoraTrainingConfig::fromJson(section, "z.json");
        QVERIFY(!c.alpha);
        QCOMPARE(c.scale(8), 1.0);
        QCOMPARE(c.scale(2), 1.0);
    }

    void multiplierAndDefaults() {
        const LoraTrainingConfig defaults =
            LoraTrainingConfig::fromJson(json{{"rank", 4}}, "d.json");
        QCOMPARE(defaults.multiplier, 1.0);
        QVERIFY(!defaults.weightDecompose);
        QVERIFY(defaults.componentWhitelist.empty());
        json section = lorawExample();
        section["multiplier"] = 0.5;
        QCOMPARE(LoraTrainingConfig::fromJson(section, "m.json").multiplier, 0.5);
        section["multiplier"] = -1; // LoRAW does not restrict it
        QCOMPARE(LoraTrainingConfig::fromJson(section, "m.json").multiplier, -1.0);
        // Training-only keys are not read, whatever they hold.
        section["dropout"] = "high";
        section["module_dropout"] = json::array();
        section["lr"] = "fast";
        QVERIFY(LoraTrainingConfig::fromJson(section, "m.json").present);
    }

    void badValues_data() {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value"); // JSON text
        QTest::addColumn<QString>("mentions");
        QTest::newRow("alpha string") << "alpha"
                                      << "\"8\""
                                      << "`lora.alpha`";
        QTest::newRow("alpha negative") << "alpha"
                                        << "-1"
                                        << "`lora.alpha`";
        QTest::newRow("rank fraction") << "rank"
                                       << "2.5"
                                       << "`lora.rank`";
        QTest::newRow("rank zero") << "rank"
                                   << "0"
                                   << "`lora.rank`";
        QTest::newRow("rank negative") << "rank"
                                       << "-4"
                                       << "`lora.rank`";
        QTest::newRow("rank string") << "rank"
                                     << "\"four\""
                                     << "`lora.rank`";
        QTest::newRow("multiplier") << "multiplier"
                                    << "\"x\""
                                    << "`lora.multiplier`";
        QTest::newRow("decompose") << "weight_decompose"
                                   << "\"yes\""
                                   << "`lora.weight_decompose`";
        QTest::newRow("whitelist string") << "component_whitelist"
                                          << "\"transformer\""
                                          << "`lora.component_whitelist`";
        QTest::newRow("whitelist numbers") << "component_whitelist"
                                           << "[1, 2]"
                                           << "`lora.component_whitelist`";
    }
    void badValues() {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        json section = lorawExample();
        section[key.toStdString()] = json::parse(value.toStdString());
        for (const json& j : {section, sao10WithLora(section)}) {
            const std::string message = errorOf(j);
            QVERIFY2(!message.empty(), "accepted");
            QVERIFY2(message.find("my_lora.json") != std::string::npos, message.c_str());
            QVERIFY2(message.find(mentions.toStdString()) != std::string::npos, message.c_str());
        }
    }

    void badShapes() {
        QVERIFY(errorOf(json::array()).find("my_lora.json") != std::string::npos);
        const std::string notObject = errorOf(json{{"lora", 5}});
        QVERIFY2(notObject.find("`lora`") != std::string::npos, notObject.c_str());
        QVERIFY2(notObject.find("my_lora.json") != std::string::npos, notObject.c_str());
    }

    void files() {
        QTemporaryDir dir;
        const std::string good = dir.filePath("good.json").toStdString();
        std::ofstream(good) << sao10WithLora(lorawExample()).dump();
        QCOMPARE(LoraTrainingConfig::fromFile(good).toJson(),
                 LoraTrainingConfig::fromJson(lorawExample(), "x").toJson());
        const std::string bad = dir.filePath("bad.json").toStdString();
        std::ofstream(bad) << "{\"lora\": ";
        try {
            LoraTrainingConfig::fromFile(bad);
            QFAIL("accepted invalid JSON");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(bad) != std::string::npos);
        }
        const std::string missing = dir.filePath("missing.json").toStdString();
        try {
            LoraTrainingConfig::fromFile(missing);
            QFAIL("accepted a missing file");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(missing) != std::string::npos);
        }
        // A loaded model config names its file in errors.
        const std::string broken = dir.filePath("model_config.json").toStdString();
        json section = lorawExample();
        section["rank"] = "many";
        std::ofstream(broken) << sao10WithLora(section).dump();
        try {
            LoraTrainingConfig::fromModelConfig(loadModelConfig(broken));
            QFAIL("accepted a bad rank");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(broken) != std::string::npos);
            QVERIFY(std::string(e.what()).find("`lora.rank`") != std::string::npos);
        }
    }

    // The parity LoRA was trained with rank 4, alpha 8: scale 2.
    void parityModelConfig() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const std::string path = footfall::test::parityPath("model_config.json");
        const LoraTrainingConfig c = LoraTrainingConfig::fromModelConfig(loadModelConfig(path));
        QVERIFY(c.present);
        const json raw = footfall::test::readJsonFile(path).at("lora");
        QCOMPARE(*c.rank, raw.at("rank").get<int64_t>());
        QCOMPARE(*c.alpha, raw.at("alpha").get<double>());
        QCOMPARE(c.multiplier, raw.value("multiplier", 1.0));
        QCOMPARE(c.componentWhitelist,
                 raw.at("component_whitelist").get<std::vector<std::string>>());
        QCOMPARE(c.scale(*c.rank), raw.at("alpha").get<double>() / raw.at("rank").get<double>());
        QCOMPARE(LoraTrainingConfig::fromFile(path).toJson(), c.toJson());
    }
};

QTEST_APPLESS_MAIN(TestLoraConfig)
#include "tst_lora_config.moc"
