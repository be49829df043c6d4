// End-to-end parity through SaoPipeline: tokens -> T5 -> conditioners -> DiT sampling with CFG ->
// VAE decode, against generate_diffusion_cond on the tiny SAO 1.0-type (end_to_end) and SAO
// small-type (end_to_end_small) models, with the recorded noise replayed.
#include "engine/engine.h"
#include "model/safetensors.h"
#include "model/sao_pipeline.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <fstream>

using namespace footfall::model;

namespace {

QString parityDir() {
    const QByteArray env = qgetenv("FOOTFALL_PARITY_DIR");
    return env.isEmpty() ? QString(FOOTFALL_DEFAULT_PARITY_DIR) : QString::fromLocal8Bit(env);
}

nlohmann::json readJson(const QString& path) {
    std::ifstream in(path.toStdString());
    return nlohmann::json::parse(in);
}

// numpy allclose: |a - e| <= atol + rtol |e|. Reports the largest absolute error.
void expectClose(const at::Tensor& actual, const at::Tensor& expected, const nlohmann::json& tol,
                 const std::string& name) {
    QVERIFY2(actual.sizes() == expected.sizes(),
             qPrintable(QString("%1: shape %2 vs %3")
                            .arg(QString::fromStdString(name))
                            .arg(QString::fromStdString(shapeToString(actual.sizes())))
                            .arg(QString::fromStdString(shapeToString(expected.sizes())))));
    const double rtol = tol.at("rtol").get<double>();
    const double atol = tol.at("atol").get<double>();
    const at::Tensor a = actual.to(at::kDouble).cpu();
    const at::Tensor e = expected.to(at::kDouble).cpu();
    const at::Tensor diff = (a - e).abs();
    const double maxErr = diff.max().item<double>();
    const int64_t bad = (diff > atol + rtol * e.abs()).sum().item<int64_t>();
    qInfo("%s: max abs err %.3g (atol %.3g, rtol %.3g)", name.c_str(), maxErr, atol, rtol);
    QVERIFY2(bad == 0, qPrintable(QString("%1: %2 elements outside tolerance, max abs err %3")
                                      .arg(QString::fromStdString(name))
                                      .arg(bad)
                                      .arg(maxErr)));
}

struct Case {
    nlohmann::json json;
    SafetensorsFile tensors;
    at::Tensor input(const std::string& name) const { return tensors.tensorF32("input." + name); }
    at::Tensor expected(const std::string& name) const {
        return tensors.tensorF32("expected." + name);
    }
    const nlohmann::json& tol(const std::string& name) const {
        return json.at("tolerance").at(name);
    }
};

Case openCase(const QString& dir, const QString& name) {
    Case c;
    c.json = readJson(dir + "/" + name + ".json");
    c.tensors = SafetensorsFile::open((dir + "/" + name + ".safetensors").toStdString());
    return c;
}

std::unique_ptr<SaoPipeline> makePipeline(const QString& dir, const std::string& config,
                                          const std::string& weights) {
    SaoModelFiles files;
    files.modelConfig = (dir + "/").toStdString() + config;
    files.weights = (dir + "/").toStdString() + weights;
    files.t5Config = (dir + "/t5_config.json").toStdString();
    files.t5Weights = (dir + "/t5_encoder.safetensors").toStdString();
    DeviceSettings settings;
    settings.device = "cpu";
    return std::make_unique<SaoPipeline>(files, settings);
}

// The batch metadata of the case: numbers per item, the prompt given as token ids.
std::vector<ConditioningMetadata> metadata(const Case& c, const std::vector<std::string>& ids) {
    std::vector<ConditioningMetadata> meta;
    for (const auto& id : ids) {
        const at::Tensor values = c.input(id);
        meta.resize(static_cast<size_t>(values.size(0)));
        for (int64_t i = 0; i < values.size(0); ++i)
            meta[static_cast<size_t>(i)].numbers[id] = values[i].item<double>();
    }
    return meta;
}

ConditioningInputs conditionWithTokens(SaoPipeline& pipeline, const Case& c,
                                       const std::vector<ConditioningMetadata>& meta,
                                       const std::string& idsName, const std::string& maskName) {
    const CondMap map = pipeline.conditioner().withTokens(
        meta, "prompt", c.input(idsName).to(at::kLong), c.input(maskName));
    return assembleConditioning(map, pipeline.config().diffusion);
}

} // namespace

class TestParityEndToEnd : public QObject {
    Q_OBJECT

private:
    QString m_dir;

private Q_SLOTS:
    void initTestCase() {
        m_dir = parityDir();
        if (!QFileInfo::exists(m_dir + "/end_to_end.json"))
            QSKIP(
                qPrintable("parity fixtures not found at " + m_dir + " (set FOOTFALL_PARITY_DIR)"));
    }

    // SAO 1.0 type: v objective, dpmpp-3m-sde with replayed SDE noise, CFG 7, negative prompt.
    void saoOne() {
        const Case c = openCase(m_dir, "end_to_end");
        const auto& s = c.json.at("sampler_settings");
        auto pipeline = makePipeline(m_dir, "model_config.json", "model.safetensors");
        pipeline->ensureLoaded();
        QCOMPARE(pipeline->defaultSampler(), std::string("dpmpp-3m-sde"));

        SamplerSettings settings;
        settings.sampler = s.at("sampler_type").get<std::string>();
        settings.steps = s.at("steps").get<int64_t>();
        settings.cfgScale = s.at("cfg_scale").get<double>();
        settings.sigmaMin = s.at("sigma_min").get<double>();
        settings.sigmaMax = s.at("sigma_max").get<double>();
        settings.rho = s.at("rho").get<double>();
        expectClose(polyexponentialSigmas(settings.steps, *settings.sigmaMin, *settings.sigmaMax,
                                          settings.rho),
                    c.expected("sigmas"), c.tol("sigmas"), "sigmas");

        const auto meta = metadata(c, {"seconds_start", "seconds_total"});
        const ConditioningInputs cond =
            conditionWithTokens(*pipeline, c, meta, "prompt_input_ids", "prompt_attention_mask");
        const at::Tensor noise = c.input("init_noise");
        QCOMPARE(noise.size(2), pipeline->config().latentLength()); // the full window

        ReplayNoise replay(c.input("sde_noise"));
        int steps = 0;
        const at::Tensor latents = pipeline->sample(cond, nullptr, noise, {}, settings, &replay,
                                                    [&](const SamplerStep&) { ++steps; });
        QCOMPARE(steps, int(settings.steps));
        QCOMPARE(replay.used(), replay.size());
        expectClose(latents, c.expected("latents"), c.tol("latents"), "latents");
        expectClose(pipeline->decode(latents), c.expected("audio"), c.tol("audio"), "audio");

        // Negative prompt: its (masked) T5 embedding replaces the zero null conditioning.
        const ConditioningInputs negative = conditionWithTokens(
            *pipeline, c, meta, "negative_prompt_input_ids", "negative_prompt_attention_mask");
        ReplayNoise replayAgain(c.input("sde_noise"));
        const at::Tensor negLatents =
            pipeline->sample(cond, &negative, noise, {}, settings, &replayAgain);
        expectClose(pipeline->decode(negLatents), c.expected("audio_with_negative_prompt"),
                    c.tol("audio_with_negative_prompt"), "audio_with_negative_prompt");
    }

    // SAO small type: rf_denoiser, pingpong, no CFG, seconds_total only.
    void saoSmall() {
        const Case c = openCase(m_dir, "end_to_end_small");
        const auto& s = c.json.at("sampler_settings");
        auto pipeline = makePipeline(m_dir, "model_config_small.json", "model_small.safetensors");
        QCOMPARE(pipeline->defaultSampler(), std::string("pingpong"));

        const auto meta = metadata(c, {"seconds_total"});
        const ConditioningInputs cond =
            conditionWithTokens(*pipeline, c, meta, "prompt_input_ids", "prompt_attention_mask");
        expectClose(cond.crossAttnCond, c.expected("cross_attn_cond"), c.tol("cross_attn_cond"),
                    "cross_attn_cond");
        expectClose(cond.crossAttnMask, c.expected("cross_attn_mask"), c.tol("cross_attn_mask"),
                    "cross_attn_mask");
        expectClose(cond.globalCond, c.expected("global_cond"), c.tol("global_cond"),
                    "global_cond");

        SamplerSettings settings;
        settings.sampler = s.at("sampler_type").get<std::string>();
        settings.steps = s.at("steps").get<int64_t>();
        settings.cfgScale = s.at("cfg_scale").get<double>();
        settings.sigmaMax = s.at("sigma_max").get<double>();
        const at::Tensor noise = c.input("init_noise");

        // The fixture's noise is the default CPU stream: manual_seed, randn, then randn_like.
        SeededNoise seeded(s.at("seed").get<uint64_t>());
        QVERIFY(at::equal(seeded.randn(noise.sizes()), noise));
        QVERIFY(at::equal(seeded.next(noise), c.input("pingpong_noise")[0]));

        ReplayNoise replay(c.input("pingpong_noise"));
        std::vector<at::Tensor> denoised;
        const at::Tensor latents =
            pipeline->sample(cond, nullptr, noise, {}, settings, &replay,
                             [&](const SamplerStep& step) { denoised.push_back(step.denoised); });
        expectClose(at::stack(denoised), c.expected("denoised_per_step"),
                    c.tol("denoised_per_step"), "denoised_per_step");
        expectClose(latents, c.expected("latents"), c.tol("latents"), "latents");
        expectClose(pipeline->decode(latents), c.expected("audio"), c.tol("audio"), "audio");

        // The seeded stream reproduces the replayed one, so the same run without replay matches.
        SeededNoise stream(s.at("seed").get<uint64_t>());
        const at::Tensor streamNoise = stream.randn(noise.sizes());
        const at::Tensor streamLatents =
            pipeline->sample(cond, nullptr, streamNoise, {}, settings, &stream);
        expectClose(streamLatents, c.expected("latents"), c.tol("latents"), "latents (seeded)");
    }
};

QTEST_APPLESS_MAIN(TestParityEndToEnd)
#include "tst_parity_end_to_end.moc"
