// model_config.json parsing: the published SAO 1.0 config, the parity configs (values compared
// with the raw JSON, so other reference sets pass too), and broken variants, each rejected with
// a GenerationError naming the key.
#include "base/errors.h"
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

json sao10Json() {
    return footfall::test::readJsonFile(std::string(FOOTFALL_SOURCE_DIR) +
                                        "/tests/model/data/sao-1.0-model_config.json");
}

std::string parseError(const json& j) {
    try {
        parseModelConfig(j, "test config");
    } catch (const GenerationError& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

    // The generic checks: every parsed number equals the raw JSON value.
    void compareWithRaw(const ModelConfig& c, const json& j) {
        QCOMPARE(c.sampleSize, j["sample_size"].get<int64_t>());
        QCOMPARE(c.sampleRate, j["sample_rate"].get<int64_t>());
        QCOMPARE(c.audioChannels, j["audio_channels"].get<int64_t>());
        const json& m = j["model"];
        QCOMPARE(c.ioChannels, m["io_channels"].get<int64_t>());

        const json& d = m["diffusion"];
        const json& dc = d["config"];
        QCOMPARE(c.diffusion.dit.ioChannels, dc["io_channels"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.embedDim, dc["embed_dim"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.depth, dc["depth"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.numHeads, dc["num_heads"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.condTokenDim, dc["cond_token_dim"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.globalCondDim, dc["global_cond_dim"].get<int64_t>());
        QCOMPARE(c.diffusion.dit.projectCondTokens, dc.value("project_cond_tokens", true));
        QCOMPARE(c.diffusion.dit.patchSize, dc.value("patch_size", int64_t(1)));
        QCOMPARE(c.diffusion.dit.transformerType, dc["transformer_type"].get<std::string>());
        const std::string qk = dc.value("attn_kwargs", json::object()).value("qk_norm", "none");
        QCOMPARE(c.diffusion.dit.qkNorm == QkNorm::LayerNorm, qk == "ln");
        QCOMPARE(std::string(objectiveName(c.diffusion.objective)),
                 d.value("diffusion_objective", std::string("v")));
        QCOMPARE(c.diffusion.crossAttentionCondIds,
                 d["cross_attention_cond_ids"].get<std::vector<std::string>>());
        QCOMPARE(c.diffusion.globalCondIds, d["global_cond_ids"].get<std::vector<std::string>>());

        const json& cond = m["conditioning"];
        QCOMPARE(c.conditioning.condDim, cond["cond_dim"].get<int64_t>());
        QCOMPARE(c.conditioning.configs.size(), cond["configs"].size());
        for (size_t i = 0; i < c.conditioning.configs.size(); ++i) {
            const auto& cc = c.conditioning.configs[i];
            const json& cj = cond["configs"][i];
            QCOMPARE(cc.id, cj["id"].get<std::string>());
            QCOMPARE(cc.type, cj["type"].get<std::string>());
            if (cc.type == "t5") {
                QCOMPARE(cc.t5.modelName, cj["config"]["t5_model_name"].get<std::string>());
                QCOMPARE(cc.t5.maxLength, cj["config"]["max_length"].get<int64_t>());
            } else {
                QCOMPARE(cc.number.minVal, cj["config"]["min_val"].get<double>());
                QCOMPARE(cc.number.maxVal, cj["config"]["max_val"].get<double>());
            }
            QCOMPARE(c.conditioning.find(cc.id), &cc);
        }

        const json& p = m["pretransform"];
        const json& pc = p["config"];
        QCOMPARE(c.pretransform.iterateBatch, p.value("iterate_batch", false));
        QCOMPARE(c.pretransform.scale, p.value("scale", 1.0));
        QCOMPARE(c.pretransform.latentDim, pc["latent_dim"].get<int64_t>());
        QCOMPARE(c.pretransform.downsamplingRatio, pc["downsampling_ratio"].get<int64_t>());
        QCOMPARE(c.pretransform.ioChannels, pc["io_channels"].get<int64_t>());
        QCOMPARE(c.pretransform.bottleneckType, pc["bottleneck"]["type"].get<std::string>());
        QCOMPARE(c.pretransform.vaeBottleneck(), pc["bottleneck"]["type"] == "vae");
        QCOMPARE(c.pretransform.softClip, pc["decoder"].value("soft_clip", false));
        for (const char* side : {"encoder", "decoder"}) {
            const OobleckConfig& o =
                std::string(side) == "encoder" ? c.pretransform.encoder : c.pretransform.decoder;
            const json& oc = pc[side]["config"];
            QCOMPARE(o.channels, oc["channels"].get<int64_t>());
            QCOMPARE(o.latentDim, oc["latent_dim"].get<int64_t>());
            QCOMPARE(o.cMults, oc["c_mults"].get<std::vector<int64_t>>());
            QCOMPARE(o.strides, oc["strides"].get<std::vector<int64_t>>());
            QCOMPARE(o.useSnake, oc.value("use_snake", false));
            QCOMPARE(o.audioChannels,
                     oc.value(std::string(side) == "encoder" ? "in_channels" : "out_channels",
                              int64_t(2)));
        }
        QCOMPARE(c.pretransform.decoder.finalTanh,
                 pc["decoder"]["config"].value("final_tanh", true));
        QCOMPARE(c.latentLength(), c.sampleSize / c.pretransform.downsamplingRatio);
        // The `lora` section is LoRAW's, read by lora_config.h: only kept in raw here.
        QCOMPARE(c.raw, j);
    }

private Q_SLOTS:
    void sao10() {
        const json j = sao10Json();
        const ModelConfig c = parseModelConfig(j);
        compareWithRaw(c, j);
        // The derived sizes of the real model.
        QCOMPARE(c.latentLength(), int64_t(1024));
        QCOMPARE(c.diffusion.objective, DiffusionObjective::V);
        QCOMPARE(c.diffusion.dit.dimHeads(), int64_t(64));
        QCOMPARE(c.diffusion.dit.rotaryDim(), int64_t(32));
        QCOMPARE(c.diffusion.dit.condEmbedDim(), int64_t(768));
        QCOMPARE(c.diffusion.dit.crossKvHeads(), int64_t(12));
        QCOMPARE(c.diffusion.dit.globalEmbedDim(), int64_t(1536));
        QCOMPARE(c.diffusion.dit.ffInnerDim(), int64_t(6144));
        QCOMPARE(c.diffusion.dit.qkNorm, QkNorm::None);
        QVERIFY(!c.pretransform.decoder.finalTanh);
    }

    void parityConfigs_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("model_config") << "model_config.json";
        QTest::newRow("model_config_small") << "model_config_small.json";
    }
    void parityConfigs() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(QString, file);
        const std::string path = footfall::test::parityPath(file.toStdString());
        if (!QFileInfo::exists(QString::fromStdString(path)))
            QSKIP("this reference set has no such config");
        const ModelConfig c = loadModelConfig(path);
        QCOMPARE(c.path, path);
        compareWithRaw(c, footfall::test::readJsonFile(path));
    }

    void smallObjectiveAndQkNorm() {
        json j = sao10Json();
        j["model"]["diffusion"]["diffusion_objective"] = "rf_denoiser";
        j["model"]["diffusion"]["config"]["attn_kwargs"] = {{"qk_norm", "ln"}};
        j["model"]["diffusion"]["config"]["project_cond_tokens"] = true;
        const ModelConfig c = parseModelConfig(j);
        QVERIFY(c.diffusion.isRectifiedFlow());
        QCOMPARE(c.diffusion.dit.qkNorm, QkNorm::LayerNorm);
        QCOMPARE(c.diffusion.dit.crossKvHeads(), c.diffusion.dit.numHeads);
    }

    void broken_data() {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value"); // JSON text; empty: remove the key
        QTest::addColumn<QString>("mentions");
        auto row = [](const char* name, const char* ptr, const char* value, const char* key) {
            QTest::newRow(name) << ptr << value << key;
        };
        row("embed_dim not a number", "/model/diffusion/config/embed_dim", "\"wide\"",
            "model.diffusion.config.embed_dim");
        row("sample_rate missing", "/sample_rate", "", "'sample_rate' is missing");
        row("sample_size fractional", "/sample_size", "1.5", "'sample_size' must be an integer");
        row("depth zero", "/model/diffusion/config/depth", "0", "model.diffusion.config.depth");
        row("heads do not divide", "/model/diffusion/config/num_heads", "7",
            "model.diffusion.config.num_heads");
        row("unknown objective", "/model/diffusion/diffusion_objective", "\"edm\"",
            "model.diffusion.diffusion_objective");
        row("unet", "/model/diffusion/type", "\"adp_cfg_1d\"", "model.diffusion.type");
        row("adaLN", "/model/diffusion/config/global_cond_type", "\"adaLN\"",
            "model.diffusion.config.global_cond_type");
        row("qk rms", "/model/diffusion/config/attn_kwargs", "{\"qk_norm\": \"rms\"}",
            "model.diffusion.config.attn_kwargs.qk_norm");
        row("unknown dit key", "/model/diffusion/config/num_memory_slots", "4",
            "model.diffusion.config.num_memory_slots");
        row("memory tokens", "/model/diffusion/config/num_memory_tokens", "4",
            "model.diffusion.config.num_memory_tokens");
        row("cond dims", "/model/diffusion/config/cond_token_dim", "512",
            "model.diffusion.config.cond_token_dim");
        row("global dims", "/model/diffusion/config/global_cond_dim", "768",
            "model.diffusion.config.global_cond_dim");
        row("global id", "/model/diffusion/global_cond_ids", "[\"seconds_start\", \"nope\"]",
            "model.diffusion.global_cond_ids");
        row("cross id", "/model/diffusion/cross_attention_cond_ids", "[\"text\"]",
            "model.diffusion.cross_attention_cond_ids");
        row("max below min", "/model/conditioning/configs/1/config/max_val", "-1",
            "model.conditioning.configs[1].config.max_val");
        row("clap", "/model/conditioning/configs/0/type", "\"clap_text\"",
            "model.conditioning.configs[0].type");
        row("duplicate id", "/model/conditioning/configs/2/id", "\"seconds_start\"",
            "model.conditioning.configs[2].id");
        row("cond_dim missing", "/model/conditioning/cond_dim", "", "model.conditioning.cond_dim");
        row("ratio", "/model/pretransform/config/downsampling_ratio", "1024",
            "model.pretransform.config.downsampling_ratio");
        row("strides", "/model/pretransform/config/encoder/config/strides", "[2, 4]",
            "model.pretransform.config.encoder.config.strides");
        row("encoder latent", "/model/pretransform/config/encoder/config/latent_dim", "64",
            "model.pretransform.config.encoder.config.latent_dim");
        row("dac", "/model/pretransform/type", "\"dac_pretrained\"", "model.pretransform.type");
        row("io_channels", "/model/io_channels", "32", "model.io_channels");
        row("model type", "/model_type", "\"diffusion_uncond\"", "model_type");
        row("decoder strides", "/model/pretransform/config/decoder/config/strides",
            "[2, 4, 4, 8, 16]", "model.pretransform.config.downsampling_ratio");
        row("antialias", "/model/pretransform/config/encoder/config/antialias_activation", "true",
            "model.pretransform.config.encoder.config.antialias_activation");
        row("nested pretransform", "/model/pretransform/config/pretransform", "{}",
            "model.pretransform.config.pretransform");
        row("pretransform scale 0", "/model/pretransform/scale", "0", "model.pretransform.scale");
        row("bottleneck", "/model/pretransform/config/bottleneck", "{\"type\": \"rvq\"}",
            "model.pretransform.config.bottleneck.type");
        row("channels", "/model/pretransform/config/decoder/config/channels", "0",
            "model.pretransform.config.decoder.config.channels");
        row("decoder type", "/model/pretransform/config/decoder/type", "\"dac\"",
            "model.pretransform.config.decoder.type");
        row("soft_clip", "/model/pretransform/config/decoder/soft_clip", "1",
            "model.pretransform.config.decoder.soft_clip");
    }
    void broken() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, mentions);
        json j = sao10Json();
        QVERIFY(parseError(j).empty());
        const json::json_pointer ptr(pointer.toStdString());
        if (value.isEmpty())
            j[ptr.parent_pointer()].erase(ptr.back());
        else
            j[ptr] = json::parse(value.toStdString());
        const std::string message = parseError(j);
        QVERIFY2(!message.empty(), "accepted");
        qInfo("%s", message.c_str());
        QVERIFY2(message.find("test config") != std::string::npos, message.c_str());
        QVERIFY2(message.find(mentions.toStdString()) != std::string::npos, message.c_str());
    }

    // model.pretransform: the one parse the VAE is built from. SAO 1.0's values, the derived
    // downsampling ratio (product of the strides), defaults, and the bare section.
    void pretransform() {
        const json j = sao10Json();
        const PretransformConfig p = parseModelConfig(j).pretransform;
        QCOMPARE(p.scale, 1.0);
        QVERIFY(p.iterateBatch);
        QVERIFY(!p.chunked && !p.softClip && !p.modelHalf);
        QVERIFY(p.vaeBottleneck());
        QCOMPARE(p.latentDim, int64_t(64));
        QCOMPARE(p.ioChannels, int64_t(2));
        QCOMPARE(p.downsamplingRatio, int64_t(2048));
        for (const OobleckConfig* o : {&p.encoder, &p.decoder}) {
            QCOMPARE(o->strides, (std::vector<int64_t>{2, 4, 4, 8, 8}));
            QCOMPARE(o->cMults, (std::vector<int64_t>{1, 2, 4, 8, 16}));
            QCOMPARE(o->channels, int64_t(128));
            QCOMPARE(o->audioChannels, int64_t(2));
            QVERIFY(o->useSnake);
            QVERIFY(!o->useNearestUpsample);
            int64_t product = 1;
            for (int64_t s : o->strides)
                product *= s;
            QCOMPARE(product, p.downsamplingRatio);
        }
        QCOMPARE(p.encoder.latentDim, 2 * p.latentDim); // mean and scale
        QCOMPARE(p.decoder.latentDim, p.latentDim);
        QVERIFY(!p.decoder.finalTanh);
        QVERIFY(p.encoder.finalTanh); // decoder-only key: the encoder keeps the default

        // The bare section parses the same; its messages still name the full key path.
        json section = j["model"]["pretransform"];
        const PretransformConfig bare = parsePretransformConfig(section, "vae.json");
        QCOMPARE(bare.downsamplingRatio, p.downsamplingRatio);
        QCOMPARE(bare.decoder.strides, p.decoder.strides);

        // Other strides: the ratio must follow; absent coder keys take the original defaults.
        section["config"]["encoder"]["config"] = {
            {"latent_dim", 4}, {"strides", {3, 5}}, {"c_mults", {1, 2}}};
        section["config"]["decoder"]["config"] = {
            {"latent_dim", 2}, {"strides", {3, 5}}, {"c_mults", {1, 2}}};
        section["config"]["latent_dim"] = 2;
        section["config"]["downsampling_ratio"] = 15;
        section["config"]["decoder"]["soft_clip"] = true;
        section["scale"] = 0.5;
        section["chunked"] = true;
        const PretransformConfig other = parsePretransformConfig(section, "vae.json");
        QCOMPARE(other.downsamplingRatio, int64_t(15));
        QCOMPARE(other.encoder.channels, int64_t(128));
        QCOMPARE(other.decoder.audioChannels, int64_t(2));
        QVERIFY(!other.encoder.useSnake);
        QVERIFY(other.decoder.finalTanh);
        QVERIFY(other.softClip && other.chunked);
        QCOMPARE(other.scale, 0.5);
        section["config"]["downsampling_ratio"] = 16;
        try {
            parsePretransformConfig(section, "vae.json");
            QFAIL("accepted a ratio that is not the product of the strides");
        } catch (const GenerationError& e) {
            const std::string message = e.what();
            QVERIFY2(message.find("vae.json") != std::string::npos, e.what());
            QVERIFY2(message.find("model.pretransform.config.downsampling_ratio") !=
                         std::string::npos,
                     e.what());
            QVERIFY2(message.find("15") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(GenerationError, parsePretransformConfig(json::array(), "x"));
        section.erase("config");
        QVERIFY_THROWS_EXCEPTION(GenerationError, parsePretransformConfig(section, "x"));
    }

    void files() {
        QTemporaryDir dir;
        const std::string bad = dir.filePath("bad.json").toStdString();
        std::ofstream(bad) << "{\"model_type\": ";
        try {
            loadModelConfig(bad);
            QFAIL("accepted invalid JSON");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(bad) != std::string::npos);
            QVERIFY(std::string(e.what()).find("not valid JSON") != std::string::npos);
        }
        const std::string missing = dir.filePath("missing.json").toStdString();
        try {
            loadModelConfig(missing);
            QFAIL("accepted a missing file");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(missing) != std::string::npos);
        }
        const std::string wrong = dir.filePath("wrong.json").toStdString();
        json j = sao10Json();
        j["model"]["diffusion"]["config"]["depth"] = "deep";
        std::ofstream(wrong) << j.dump();
        try {
            loadModelConfig(wrong);
            QFAIL("accepted a bad depth");
        } catch (const GenerationError& e) {
            QVERIFY(std::string(e.what()).find(wrong) != std::string::npos);
            QVERIFY(std::string(e.what()).find("model.diffusion.config.depth") !=
                    std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestModelConfig)
#include "tst_model_config.moc"
