// End-to-end parity through SaoPipeline: tokens -> T5 -> conditioners -> DiT sampling with CFG ->
// VAE decode, against generate_diffusion_cond on the tiny SAO 1.0-type (end_to_end) and SAO
// small-type (end_to_end_small) models, with the recorded noise replayed.

#include "parity_pipeline.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace footfall::model;
using namespace footfall::test;

namespace {

// The parity path, whatever the CPU (auto may pick bf16).
std::unique_ptr<SaoPipeline> makePipeline(const std::string& config, const std::string& weights) {
    return parityPipeline(config, weights, "fp32");
}

// The batch metadata of the case: numbers per item, the prompt given as token ids.
std::vector<ConditioningMetadata> metadata(const ParityCase& c,
                                           const std::vector<std::string>& ids) {
    std::vector<ConditioningMetadata> meta;
    for (const auto& id : ids) {
        const at::Tensor values = c.input(id);
        meta.resize(static_cast<size_t>(values.size(0)));
        for (int64_t i = 0; i < values.size(0); ++i)
            meta[static_cast<size_t>(i)].numbers[id] = values[i].item<double>();
    }
    return meta;
}

ConditioningInputs conditionWithTokens(SaoPipeline& pipeline, const ParityCase& c,
                                       const std::vector<ConditioningMetadata>& meta,
                                       const std::string& idsName, const std::string& maskName) {
    const CondMap map = pipeline.conditioner().withTokens(
        meta, "prompt", c.input(idsName).to(at::kLong), c.input(maskName));
    return assembleConditioning(map, pipeline.config().diffusion);
}

} // namespace

class TestParityEndToEnd : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { FOOTFALL_REQUIRE_PARITY_DIR(); }

    // SAO 1.0 type: v objective, dpmpp-3m-sde with replayed SDE noise, CFG 7, negative prompt.
    void saoOne() {
        const ParityCase c = loadParityCase("end_to_end");
        const auto& s = c.json.at("sampler_settings");
        auto pipeline = makePipeline("model_config.json", "model.safetensors");
        pipeline->ensureLoaded();
        QCOMPARE(pipeline->defaultSampler(), std::string("dpmpp-3m-sde"));

        SamplerSettings settings;
        settings.sampler = s.at("sampler_type").get<std::string>();
        settings.steps = s.at("steps").get<int64_t>();
        settings.cfgScale = s.at("cfg_scale").get<double>();
        settings.sigmaMin = s.at("sigma_min").get<double>();
        settings.sigmaMax = s.at("sigma_max").get<double>();
        settings.rho = s.at("rho").get<double>();
        FOOTFALL_VERIFY_CLOSE(polyexponentialSigmas(settings.steps, *settings.sigmaMin,
                                                    *settings.sigmaMax, settings.rho),
                              c.expected("sigmas"), c.requiredTolerance("sigmas"), "sigmas");

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
        FOOTFALL_VERIFY_CLOSE(latents, c.expected("latents"), c.requiredTolerance("latents"),
                              "latents");
        FOOTFALL_VERIFY_CLOSE(pipeline->decode(latents), c.expected("audio"),
                              c.requiredTolerance("audio"), "audio");

        // Negative prompt: its (masked) T5 embedding replaces the zero null conditioning.
        const ConditioningInputs negative = conditionWithTokens(
            *pipeline, c, meta, "negative_prompt_input_ids", "negative_prompt_attention_mask");
        ReplayNoise replayAgain(c.input("sde_noise"));
        const at::Tensor negLatents =
            pipeline->sample(cond, &negative, noise, {}, settings, &replayAgain);
        FOOTFALL_VERIFY_CLOSE(
            pipeline->decode(negLatents), c.expected("audio_with_negative_prompt"),
            c.requiredTolerance("audio_with_negative_prompt"), "audio_with_negative_prompt");
    }

    // SAO small type: rf_denoiser, pingpong, no CFG, seconds_total only.
    void saoSmall() {
        const ParityCase c = loadParityCase("end_to_end_small");
        const auto& s = c.json.at("sampler_settings");
        auto pipeline = makePipeline("model_config_small.json", "model_small.safetensors");
        QCOMPARE(pipeline->defaultSampler(), std::string("pingpong"));

        const auto meta = metadata(c, {"seconds_total"});
        const ConditioningInputs cond =
            conditionWithTokens(*pipeline, c, meta, "prompt_input_ids", "prompt_attention_mask");
        FOOTFALL_VERIFY_CLOSE(cond.crossAttnCond, c.expected("cross_attn_cond"),
                              c.requiredTolerance("cross_attn_cond"), "cross_attn_cond");
        FOOTFALL_VERIFY_CLOSE(cond.crossAttnMask, c.expected("cross_attn_mask"),
                              c.requiredTolerance("cross_attn_mask"), "cross_attn_mask");
        FOOTFALL_VERIFY_CLOSE(cond.globalCond, c.expected("global_cond"),
                              c.requiredTolerance("global_cond"), "global_cond");

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
        FOOTFALL_VERIFY_CLOSE(at::stack(denoised), c.expected("denoised_per_step"),
                              c.requiredTolerance("denoised_per_step"), "denoised_per_step");
        FOOTFALL_VERIFY_CLOSE(latents, c.expected("latents"), c.requiredTolerance("latents"),
                              "latents");
        FOOTFALL_VERIFY_CLOSE(pipeline->decode(latents), c.expected("audio"),
                              c.requiredTolerance("audio"), "audio");

        // The seeded stream reproduces the replayed one, so the same run without replay matches.
        SeededNoise stream(s.at("seed").get<uint64_t>());
        const at::Tensor streamNoise = stream.randn(noise.sizes());
        const at::Tensor streamLatents =
            pipeline->sample(cond, nullptr, streamNoise, {}, settings, &stream);
        FOOTFALL_VERIFY_CLOSE(streamLatents, c.expected("latents"), c.requiredTolerance("latents"),
                              "latents (seeded)");
    }
};

QTEST_APPLESS_MAIN(TestParityEndToEnd)
#include "tst_parity_end_to_end.moc"
