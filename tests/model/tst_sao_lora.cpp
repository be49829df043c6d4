// LoRAs through the Stable Audio Open engine on the tiny model folder: strength 0 is the base
// model bit for bit, unmerging restores it bit for bit, merges are reused, the .ckpt and
// .safetensors forms of the LoRAW fixture give identical takes, metadata and sidecar identify
// the LoRA, foreign LoRAs fail clearly without harming the next take, and the
// `--checkpoint lora.ckpt --config ... --model DIR` form.
#include "engine_run.h"
#include "engines/engine_factory.h"
#include "engines/sao/sao_engine.h"
#include "generation/engine.h"
#include "generation/take_generation.h"
#include "model/formats/safetensors.h"
#include "model/runtime/onednn_linear.h"
#include "parity.h"
#include "tiny_sao_model.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

using namespace footfall;
using namespace footfall::test;

namespace {

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const GenerationError& e) {
        qInfo("%s", e.what()); // the sentence a user would see
        return QString::fromUtf8(e.what());
    }
    return QString();
}

std::string sha256Of(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&f);
    return hash.result().toHex().toStdString();
}

bool sameAudio(const AudioBuffer& a, const AudioBuffer& b) {
    if (a.channels() != b.channels() || a.frames() != b.frames())
        return false;
    for (int c = 0; c < a.channels(); ++c)
        if (std::memcmp(a.channel(c), b.channel(c), a.frames() * sizeof(float)) != 0)
            return false;
    return true;
}

double maxAbsDiff(const AudioBuffer& a, const AudioBuffer& b) {
    double d = 0;
    for (int c = 0; c < a.channels(); ++c)
        for (size_t i = 0; i < a.frames(); ++i)
            d = std::max(d, double(std::abs(a.channel(c)[i] - b.channel(c)[i])));
    return d;
}

// A LoRAW-style safetensors file of float32 tensors (all zeros but for a ramp).
void writeSafetensors(const QString& path,
                      const std::vector<std::pair<std::string, std::vector<int64_t>>>& tensors) {
    nlohmann::json header = nlohmann::json::object();
    std::vector<float> data;
    for (const auto& [name, shape] : tensors) {
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        const size_t begin = data.size() * sizeof(float);
        for (int64_t i = 0; i < n; ++i)
            data.push_back(0.01f * float(i % 7));
        header[name] = {{"dtype", "F32"},
                        {"shape", shape},
                        {"data_offsets", {begin, data.size() * sizeof(float)}}};
    }
    std::string text = header.dump();
    while (text.size() % 8)
        text += ' ';
    std::ofstream out(path.toStdString(), std::ios::binary);
    const uint64_t length = text.size();
    out.write(reinterpret_cast<const char*>(&length), 8);
    out.write(text.data(), std::streamsize(text.size()));
    out.write(reinterpret_cast<const char*>(data.data()),
              std::streamsize(data.size() * sizeof(float)));
}

} // namespace

class TestSaoLora : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    QString m_parity;
    QString m_model;
    QString m_ckpt;        // lora_tiny.ckpt (LoRAW's torch.save)
    QString m_safetensors; // lora_tiny.safetensors (same tensors)
    QString m_config;      // the parity model_config.json: base config + `lora` (rank 4, alpha 8)
    std::unique_ptr<Engine> m_engine;
    AudioBuffer m_base; // request() without LoRA

    GenerationRequest request() const {
        GenerationRequest r;
        r.prompt = "footsteps on gravel";
        r.durationSeconds = 0.1;
        r.steps = 4;
        r.cfgScale = 7.0;
        r.seed = 1234;
        r.engine.device = "cpu";
        return r;
    }

    GenerationRequest withLora(const QString& path, double strength,
                               const QString& config = QString()) const {
        GenerationRequest r = request();
        LoraSelection l;
        l.path = path.toStdString();
        l.strength = strength;
        l.configPath = config.toStdString();
        r.loras.push_back(l);
        return r;
    }

    // The one take `r` asks of `engine`.
    static GeneratedAudio takeOf(Engine& engine, const GenerationRequest& r) {
        auto takes = test::runEngine(engine, r, {}, nullptr);
        if (takes.size() != 1)
            throw std::runtime_error("expected one take");
        return std::move(takes.front());
    }

    GeneratedAudio one(const GenerationRequest& r) { return takeOf(*m_engine, r); }

    EngineOptions options() const {
        EngineOptions o;
        o.modelDir = m_model.toStdString();
        o.device = "cpu";
        o.precision = "fp32"; // exact comparisons: not the hardware-dependent auto
        return o;
    }

private Q_SLOTS:
    void initTestCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        m_parity = parityDir();
        QVERIFY(m_tmp.isValid());
        const TinySaoModel tiny = buildTinySaoModel(m_parity, m_tmp.path());
        if (!tiny.skipReason.isEmpty())
            FOOTFALL_SKIP_UNLESS_CI(qPrintable(tiny.skipReason));
        QVERIFY2(tiny.error.isEmpty(), qPrintable(tiny.error));
        m_model = tiny.folder;
        m_ckpt = QDir(m_parity).filePath("lora_tiny.ckpt");
        m_safetensors = QDir(m_parity).filePath("lora_tiny.safetensors");
        m_config = QDir(m_parity).filePath("model_config.json");
        m_engine = makeSaoEngine(options());
        const GeneratedAudio base = one(request());
        QVERIFY(!base.engineDetails.contains("loras"));
        m_base = base.audio;
    }

    void strengthZeroIsTheBaseModel() {
        const GeneratedAudio zero = one(withLora(m_ckpt, 0.0, m_config));
        QVERIFY(sameAudio(zero.audio, m_base));
        const auto& l = zero.engineDetails.at("loras");
        QCOMPARE(l.size(), size_t(1));
        QCOMPARE(l[0].at("strength").get<double>(), 0.0);
        QCOMPARE(l[0].at("applied").get<bool>(), false);
    }

    void strengthOneThenBackToTheBase() {
        const GeneratedAudio full = one(withLora(m_ckpt, 1.0, m_config));
        QVERIFY(!sameAudio(full.audio, m_base));
        QVERIFY(full.engineDetails.contains("lora_switch"));
        QVERIFY(full.engineDetails["lora_switch"].at("unmerge_merge_ms").is_number());
        QVERIFY(full.engineDetails["lora_switch"].at("dit_prepare_ms").is_number());

        // The same LoRA again: the merge is reused and the take is identical.
        const GeneratedAudio again = one(withLora(m_ckpt, 1.0, m_config));
        QVERIFY(!again.engineDetails.contains("lora_switch"));
        QVERIFY(sameAudio(again.audio, full.audio));

        // Another strength: merged again, and different.
        const GeneratedAudio half = one(withLora(m_ckpt, 0.5, m_config));
        QVERIFY(half.engineDetails.contains("lora_switch"));
        QVERIFY(!sameAudio(half.audio, full.audio));
        QVERIFY(!sameAudio(half.audio, m_base));

        // No LoRA: the base weights are restored bit for bit.
        const GeneratedAudio base = one(request());
        QVERIFY(base.engineDetails.contains("lora_switch"));
        QVERIFY(!base.engineDetails.contains("loras"));
        QVERIFY(sameAudio(base.audio, m_base));

        // And once more at strength 1: the same take as before.
        QVERIFY(sameAudio(one(withLora(m_ckpt, 1.0, m_config)).audio, full.audio));
    }

    // The CPU's bf16 path keeps the DiT's linear weights packed for oneDNN: a merge unpacks
    // them, merges and packs again, so the LoRA acts as it does in float32 and removing it
    // restores the base take bit for bit.
    void bf16PathMergesIntoPackedWeights() {
        EngineOptions o = options();
        o.precision = "bf16";
        const auto engine = makeSaoEngine(o);
        const auto take = [&engine](const GenerationRequest& r) { return takeOf(*engine, r); };
        const GeneratedAudio base = take(request());
        const std::string kernel = base.engineDetails.at("matmul_kernel").get<std::string>();
        qInfo("bf16 path: %s", kernel.c_str());
        if (model::oneDnnLinearAvailable())
            QCOMPARE(kernel, std::string("onednn, packed weights, float32 result"));
        const GeneratedAudio lora = take(withLora(m_ckpt, 1.0, m_config));
        QVERIFY(!sameAudio(lora.audio, base.audio));
        const GeneratedAudio fp32Lora = one(withLora(m_ckpt, 1.0, m_config));
        const double effect = maxAbsDiff(fp32Lora.audio, m_base);
        const double bf16Error = maxAbsDiff(base.audio, m_base);
        const double loraError = maxAbsDiff(lora.audio, fp32Lora.audio);
        qInfo("LoRA effect %.3g; bf16 vs fp32: base %.3g, with the LoRA %.3g", effect, bf16Error,
              loraError);
        // A LoRA merged into wrong or garbled weights would be off by far more than bf16's
        // own rounding of the base model.
        QVERIFY(loraError < 2 * bf16Error + 0.1 * effect);
        QCOMPARE(lora.engineDetails.at("matmul_kernel").get<std::string>(), kernel);
        QVERIFY(sameAudio(take(request()).audio, base.audio));
        QVERIFY(sameAudio(take(withLora(m_ckpt, 1.0, m_config)).audio, lora.audio));
        one(request()); // the shared float32 engine back to its base weights for the next test
    }

    // Low-memory mode keeps no copies of the base weights while a LoRA is on: it reads them from
    // the weights file again. Switching and removing the LoRA must give the same takes as ever,
    // and a weights file changed on disk must fail clearly, then load again.
    void lowMemoryReadsBaseWeightsAgain() {
        const std::filesystem::path folder =
            std::filesystem::path(m_tmp.path().toStdString()) / "low-memory-model";
        std::filesystem::copy(m_model.toStdString(), folder,
                              std::filesystem::copy_options::recursive);
        for (const char* precision : {"fp32", "bf16"}) {
            EngineOptions o = options();
            o.modelDir = folder.string();
            o.precision = precision;
            o.lowMemory = true;
            const auto engine = makeSaoEngine(o);
            const auto take = [&engine](const GenerationRequest& r) { return takeOf(*engine, r); };
            auto lowMemory = [&](GenerationRequest r) {
                r.engine = o;
                return r;
            };
            const GeneratedAudio base = take(lowMemory(request()));
            const GeneratedAudio full = take(lowMemory(withLora(m_ckpt, 1.0, m_config)));
            QVERIFY(!sameAudio(full.audio, base.audio));
            const GeneratedAudio half = take(lowMemory(withLora(m_ckpt, 0.5, m_config)));
            QVERIFY(!sameAudio(half.audio, full.audio));
            QVERIFY(!sameAudio(half.audio, base.audio));
            QVERIFY2(sameAudio(take(lowMemory(request())).audio, base.audio), precision);
            QVERIFY2(sameAudio(take(lowMemory(withLora(m_ckpt, 1.0, m_config))).audio, full.audio),
                     precision);

            // The file changes under the loaded model: the LoRA cannot come off it.
            const std::filesystem::path weights = folder / "model.safetensors";
            QVERIFY(std::filesystem::exists(weights));
            std::filesystem::last_write_time(weights, std::filesystem::last_write_time(weights) +
                                                          std::chrono::hours(1));
            try {
                take(lowMemory(withLora(m_ckpt, 0.5, m_config)));
                QFAIL("a switch on a changed weights file went through");
            } catch (const GenerationError& e) {
                QVERIFY2(std::string(e.what()).find("changed on disk") != std::string::npos,
                         e.what());
            }
            // The next take loads the model again (the same weights here).
            QVERIFY2(sameAudio(take(lowMemory(request())).audio, base.audio), precision);
            QVERIFY2(sameAudio(take(lowMemory(withLora(m_ckpt, 0.5, m_config))).audio, half.audio),
                     precision);
        }
    }

    void ckptAndSafetensorsGiveTheSameTake() {
        const GeneratedAudio a = one(withLora(m_ckpt, 0.8, m_config));
        const GeneratedAudio b = one(withLora(m_safetensors, 0.8, m_config));
        QVERIFY(sameAudio(a.audio, b.audio));
        QVERIFY(!sameAudio(a.audio, m_base));
        QCOMPARE(a.engineDetails["loras"][0].at("format").get<std::string>(),
                 std::string("loraw-ckpt"));
        QCOMPARE(b.engineDetails["loras"][0].at("format").get<std::string>(),
                 std::string("safetensors"));
    }

    void severalLorasAddUp() {
        // 0.5 + 0.5 of the same LoRA merges (within float rounding) like 1.0.
        GenerationRequest both = withLora(m_ckpt, 0.5, m_config);
        both.loras.push_back(both.loras.front());
        both.loras.back().path = m_safetensors.toStdString();
        const GeneratedAudio sum = one(both);
        QCOMPARE(sum.engineDetails["loras"].size(), size_t(2));
        const GeneratedAudio full = one(withLora(m_ckpt, 1.0, m_config));
        const double diff = maxAbsDiff(sum.audio, full.audio);
        const double toBase = maxAbsDiff(full.audio, m_base);
        qInfo("0.5 + 0.5 vs 1.0: max |diff| %.3g (LoRA vs base: %.3g)", diff, toBase);
        QVERIFY(diff < 1e-3 * toBase);
    }

    void twoDifferentLorasStack() {
        // B is another LoRA: A's modules with lora_up scaled by -0.5 (lora_down kept), so its
        // delta is -0.5 times A's. A + B must then sound like A at strength 0.5; a merger that
        // applied only one of them, or one twice, would not.
        const auto a = model::SafetensorsFile::open(m_safetensors.toStdString());
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        int scaled = 0;
        for (const auto& key : a.keys()) {
            at::Tensor t = a.tensor(key).clone();
            const std::string up = "lora_up.weight";
            if (key.size() > up.size() && key.compare(key.size() - up.size(), up.size(), up) == 0) {
                t = t * -0.5;
                ++scaled;
            }
            tensors.emplace_back(key, t);
        }
        QVERIFY(scaled > 0);
        const QString other = m_tmp.filePath("lora_other.safetensors");
        model::writeSafetensors(other.toStdString(), tensors);

        GenerationRequest both = withLora(m_ckpt, 1.0, m_config);
        both.loras.push_back(both.loras.front());
        both.loras.back().path = other.toStdString();
        const GeneratedAudio sum = one(both);
        QCOMPARE(sum.engineDetails["loras"].size(), size_t(2));
        QVERIFY(sum.engineDetails["loras"][0].at("sha256") !=
                sum.engineDetails["loras"][1].at("sha256"));
        const GeneratedAudio half = one(withLora(m_ckpt, 0.5, m_config));
        const GeneratedAudio full = one(withLora(m_ckpt, 1.0, m_config));
        const double diff = maxAbsDiff(sum.audio, half.audio);
        const double halfToFull = maxAbsDiff(half.audio, full.audio);
        qInfo("A + (-0.5 A) vs 0.5 A: max |diff| %.3g (0.5 A vs A: %.3g)", diff, halfToFull);
        QVERIFY(diff < 1e-3 * halfToFull);
        // B alone moves the take the other way from A.
        const GeneratedAudio onlyB = one(withLora(other, 1.0, m_config));
        QVERIFY(!sameAudio(onlyB.audio, m_base) && !sameAudio(onlyB.audio, full.audio));
    }

    void configGivesAlphaAndRank() {
        // The selection's config: rank 4, alpha 8 -> scale 2.
        GeneratedAudio g = one(withLora(m_ckpt, 1.0, m_config));
        nlohmann::json l = g.engineDetails["loras"][0];
        QCOMPARE(l.at("scale").get<double>(), 2.0);
        QCOMPARE(l.at("rank").get<int>(), 4);
        QCOMPARE(l.at("config").get<std::string>(), m_config.toStdString());
        const AudioBuffer scale2 = g.audio;

        // No config given: the engine's model config has the same `lora` section.
        g = one(withLora(m_ckpt, 1.0));
        l = g.engineDetails["loras"][0];
        QCOMPARE(l.at("scale").get<double>(), 2.0);
        QCOMPARE(l.at("config").get<std::string>(), m_model.toStdString() + "/model_config.json");
        QVERIFY(sameAudio(g.audio, scale2));

        // Another alpha: another merge, another take.
        const QString alpha4 = m_tmp.filePath("alpha4.json");
        {
            std::ifstream in(m_config.toStdString());
            nlohmann::json c = nlohmann::json::parse(in);
            c["lora"]["alpha"] = 4;
            std::ofstream(alpha4.toStdString()) << c.dump();
        }
        g = one(withLora(m_ckpt, 1.0, alpha4));
        QCOMPARE(g.engineDetails["loras"][0].at("scale").get<double>(), 1.0);
        QVERIFY(g.engineDetails.contains("lora_switch"));
        QVERIFY(!sameAudio(g.audio, scale2));
        // Strength 2 at scale 1 is strength 1 at scale 2 (same product, same merge).
        const GeneratedAudio doubled = one(withLora(m_ckpt, 2.0, alpha4));
        QVERIFY(sameAudio(doubled.audio, scale2));

        // No `lora` section anywhere: alpha = rank (scale 1).
        const QString plainDir = m_tmp.filePath("plain-config");
        QDir().mkpath(plainDir);
        for (const char* rel : {"model.safetensors", "text_encoder/config.json",
                                "text_encoder/model.safetensors", "tokenizer/spiece.model"})
            QVERIFY(copyReplacing(m_model + "/" + rel, plainDir + "/" + rel));
        {
            std::ifstream in((m_model + "/model_config.json").toStdString());
            nlohmann::json c = nlohmann::json::parse(in);
            c.erase("lora");
            std::ofstream((plainDir + "/model_config.json").toStdString()) << c.dump();
        }
        EngineOptions o = options();
        o.modelDir = plainDir.toStdString();
        auto plain = makeSaoEngine(o);
        GenerationRequest r = withLora(m_ckpt, 1.0);
        const auto takes = test::runEngine(*plain, r, {}, nullptr);
        l = takes.front().engineDetails["loras"][0];
        QCOMPARE(l.at("scale").get<double>(), 1.0);
        QVERIFY(l.at("config").is_null());
        QVERIFY(sameAudio(takes.front().audio, g.audio)); // alpha 4 / rank 4 is scale 1 too
    }

    // The one rule for missing keys (lora_config.h): no alpha -> alpha = rank; no rank -> the
    // file's (4 here), so a bare {"alpha": 8} is the same scale 2 as the full section.
    void missingAlphaOrRank() {
        const QString noAlpha = m_tmp.filePath("no_alpha.json");
        std::ofstream(noAlpha.toStdString()) << R"({"lora": {"rank": 4}})";
        GeneratedAudio g = one(withLora(m_ckpt, 1.0, noAlpha));
        nlohmann::json l = g.engineDetails["loras"][0];
        QCOMPARE(l.at("scale").get<double>(), 1.0);
        QCOMPARE(l.at("alpha").get<std::string>(), std::string("rank"));
        QCOMPARE(l.at("config").get<std::string>(), noAlpha.toStdString());

        const QString noRank = m_tmp.filePath("no_rank.json");
        std::ofstream(noRank.toStdString()) << R"({"alpha": 8})";
        g = one(withLora(m_ckpt, 1.0, noRank));
        l = g.engineDetails["loras"][0];
        QCOMPARE(l.at("scale").get<double>(), 2.0);
        QCOMPARE(l.at("effective_scale").get<double>(), 2.0);
        QVERIFY(sameAudio(g.audio, one(withLora(m_ckpt, 1.0, m_config)).audio));

        const QString bad = m_tmp.filePath("bad_rank.json");
        std::ofstream(bad.toStdString()) << R"({"lora": {"rank": "four"}})";
        const QString error = errorOf([&] { one(withLora(m_ckpt, 1.0, bad)); });
        QVERIFY2(error.contains(bad) && error.contains("lora.rank"), qPrintable(error));
    }

    void gradioMode() {
        GenerationRequest r = withLora(m_ckpt, 0.5, m_config);
        r.loras.front().lorawGradioCompatible = true;
        const GeneratedAudio g = one(r);
        const auto& l = g.engineDetails["loras"][0];
        QCOMPARE(l.at("mode").get<std::string>(), std::string("loraw-gradio-compatible"));
        QCOMPARE(l.at("scale").get<double>(), 1.0);
        QCOMPARE(l.at("effective_scale").get<double>(), 0.25);
        QVERIFY(!sameAudio(g.audio, m_base));
        // Same strength, other mode: another merge (training-faithful: 0.5 * 2 = 1).
        const GeneratedAudio t = one(withLora(m_ckpt, 0.5, m_config));
        QVERIFY(t.engineDetails.contains("lora_switch"));
        QVERIFY(!sameAudio(g.audio, t.audio));
    }

    void metadataAndSidecarIdentifyTheLora() {
        OutputOptions out;
        out.folder = m_tmp.filePath("takes").toStdString();
        const auto takes =
            generateTakes(*m_engine, withLora(m_ckpt, 0.7, m_config), out, {}, nullptr);
        QCOMPARE(takes.size(), size_t(1));
        const nlohmann::json& m = takes.front().metadata;
        QCOMPARE(m.at("loras").size(), size_t(1));
        const nlohmann::json& l = m["loras"][0];
        QCOMPARE(l.at("file").get<std::string>(), std::string("lora_tiny.ckpt"));
        QCOMPARE(l.at("path").get<std::string>(), m_ckpt.toStdString());
        QCOMPARE(l.at("size").get<int64_t>(), QFileInfo(m_ckpt).size());
        QCOMPARE(l.at("sha256").get<std::string>(), sha256Of(m_ckpt));
        QCOMPARE(l.at("strength").get<double>(), 0.7);
        QCOMPARE(l.at("mode").get<std::string>(), std::string("training-faithful"));
        QCOMPARE(l.at("scale").get<double>(), 2.0);
        QCOMPARE(l.at("rank").get<int>(), 4);
        QCOMPARE(l.at("dora").get<bool>(), false);
        QCOMPARE(l.at("config").get<std::string>(), m_config.toStdString());
        QCOMPARE(l.at("modules").get<int>(), 16);
        // The sidecar holds the same.
        std::ifstream in(takes.front().sidecarPath);
        QVERIFY(in.good());
        const nlohmann::json sidecar = nlohmann::json::parse(in);
        QCOMPARE(sidecar.at("loras"), m.at("loras"));
    }

    void changedFileIsReadAgain() {
        // Same path, new content (size and mtime change): the identity follows the file.
        const QString path = m_tmp.filePath("changing.ckpt");
        QVERIFY(copyReplacing(m_ckpt, path));
        GeneratedAudio g = one(withLora(path, 1.0, m_config));
        QCOMPARE(g.engineDetails["loras"][0].at("sha256").get<std::string>(), sha256Of(m_ckpt));
        const AudioBuffer first = g.audio;
        QVERIFY(copyReplacing(m_safetensors, path));
        g = one(withLora(path, 1.0, m_config));
        QCOMPARE(g.engineDetails["loras"][0].at("sha256").get<std::string>(),
                 sha256Of(m_safetensors));
        QCOMPARE(g.engineDetails["loras"][0].at("format").get<std::string>(),
                 std::string("safetensors"));
        QVERIFY(g.engineDetails.contains("lora_switch"));
        QVERIFY(sameAudio(g.audio, first)); // same tensors
    }

    void foreignLoraFailsClearly() {
        // Merged LoRA in place before the failure.
        const GeneratedAudio merged = one(withLora(m_ckpt, 1.0, m_config));

        // A LoRA whose to_qkv is shaped for another model (the tiny model's is [384, 128]).
        const QString wrongShape = m_tmp.filePath("wrong_shape.safetensors");
        writeSafetensors(
            wrongShape,
            {{"model/model/transformer/layers/0/self_attn/to_qkv/lora_down.weight", {4, 1536}},
             {"model/model/transformer/layers/0/self_attn/to_qkv/lora_up.weight", {4608, 4}}});
        QString error = errorOf([&] { one(withLora(wrongShape, 1.0)); });
        QVERIFY2(error.contains("wrong_shape.safetensors") &&
                     error.contains("model.model.transformer.layers.0.self_attn.to_qkv.weight") &&
                     error.contains("another model"),
                 qPrintable(error));
        // Nothing changed: the previous merge is still there, reused as is.
        GeneratedAudio g = one(withLora(m_ckpt, 1.0, m_config));
        QVERIFY(!g.engineDetails.contains("lora_switch"));
        QVERIFY(sameAudio(g.audio, merged.audio));

        // A LoRA for a deeper model: layer 7 does not exist here.
        const QString deeper = m_tmp.filePath("deeper.safetensors");
        writeSafetensors(deeper,
                         {{"model/model/transformer/layers/7/ff/ff/2/lora_down.weight", {4, 512}},
                          {"model/model/transformer/layers/7/ff/ff/2/lora_up.weight", {128, 4}}});
        error = errorOf([&] { one(withLora(deeper, 1.0)); });
        QVERIFY2(error.contains("model.model.transformer.layers.7.ff.ff.2.weight"),
                 qPrintable(error));

        // Not a LoRA at all.
        error = errorOf([&] { one(withLora(m_model + "/model.safetensors", 1.0)); });
        QVERIFY2(error.contains("model.safetensors"), qPrintable(error));

        // A good and a bad one together: nothing is applied, the next take without LoRA works.
        GenerationRequest mixed = withLora(m_ckpt, 0.5, m_config);
        mixed.loras.push_back(withLora(wrongShape, 1.0).loras.front());
        QVERIFY(!errorOf([&] { one(mixed); }).isEmpty());
        g = one(request());
        QVERIFY(sameAudio(g.audio, m_base));
    }

    void seedCheckpointForm() {
        QVERIFY(isLoraFile(m_ckpt.toStdString()));
        QVERIFY(isLoraFile(m_safetensors.toStdString()));
        QVERIFY(!isLoraFile((m_model + "/model.safetensors").toStdString()));
        QVERIFY(!isLoraFile(m_config.toStdString()));

        // --checkpoint lora_tiny.ckpt --config model_config.json --model DIR
        EngineOptions o;
        o.engine = "auto";
        o.precision = "fp32";
        o.modelDir = m_model.toStdString();
        o.checkpoint = m_ckpt.toStdString();
        o.config = m_config.toStdString();
        o.device = "cpu";
        auto engine = createEngine(o);
        QCOMPARE(engine->name(), std::string("sao"));
        const auto takes = test::runEngine(*engine, request(), {}, nullptr);
        const nlohmann::json& l = takes.front().engineDetails.at("loras");
        QCOMPARE(l.size(), size_t(1));
        QCOMPARE(l[0].at("file").get<std::string>(), std::string("lora_tiny.ckpt"));
        QCOMPARE(l[0].at("strength").get<double>(), 1.0);
        QCOMPARE(l[0].at("config").get<std::string>(), m_config.toStdString());
        // The base model is the folder's (not the LoRA): same take as the LoRA at strength 1.
        const GeneratedAudio reference = one(withLora(m_ckpt, 1.0, m_config));
        QVERIFY(sameAudio(takes.front().audio, reference.audio));
        QCOMPARE(engine->modelInfo().at("weights").at("file").get<std::string>(),
                 std::string("model.safetensors"));

        // Without --model: one clear sentence.
        o.modelDir.clear();
        const QString error = errorOf([&] { createEngine(o); });
        QVERIFY2(error.contains("lora_tiny.ckpt is a LoRA: give the base model with --model DIR"),
                 qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestSaoLora)
#include "tst_sao_lora.moc"
