// The VAE's encoder (half the VAE) is loaded only when a variation from audio needs it: a fresh
// pipeline holds the decoder alone, the first init audio loads the whole VAE (kept, except in
// low-memory mode) and every path encodes the same latents, while decoding is unchanged.
#include "model/sao/noise.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/sao_model.h"
#include "parity_pipeline.h"

#include <ATen/ATen.h>

#include <QtTest>

using namespace footfall::model;
using namespace footfall::test;

namespace {

std::unique_ptr<SaoPipeline> makePipeline(bool lowMemory) {
    auto p = parityPipeline("model_config.json", "model.safetensors", "fp32", lowMemory);
    p->ensureLoaded();
    return p;
}

} // namespace

class TestVaeEncoderOnDemand : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { FOOTFALL_REQUIRE_PARITY_DIR(); }

    void encoderLoadsForTheFirstVariation() {
        auto p = makePipeline(false);
        QVERIFY(!p->vae().hasEncoder());
        const LatentPlan plan = p->plan(p->windowSeconds(), false); // any fixture's window
        const int64_t rate = p->config().sampleRate;
        at::manual_seed(5);
        const at::Tensor audio = at::randn({2, plan.sampleSize}) * 0.3;
        const at::Tensor latents = at::randn({1, p->config().pretransform.latentDim, 4});
        const at::Tensor decodedBefore = p->decode(latents);

        SeededNoise first(3);
        const at::Tensor encoded = p->encodeAudio(audio, rate, plan.sampleSize, &first);
        QVERIFY(p->vae().hasEncoder()); // kept for the next variation
        QCOMPARE(encoded.size(0), int64_t(1));
        QCOMPARE(encoded.size(2), plan.sampleSize / p->config().pretransform.downsamplingRatio);
        SeededNoise again(3);
        QVERIFY(at::equal(p->encodeAudio(audio, rate, plan.sampleSize, &again), encoded));
        // The whole VAE replaced the decoder-only one: decoding is the same.
        QVERIFY(at::equal(p->decode(latents), decodedBefore));

        // Low memory: the same latents from an encoder that is dropped after use.
        auto low = makePipeline(true);
        SeededNoise lowNoise(3);
        QVERIFY(at::equal(low->encodeAudio(audio, rate, plan.sampleSize, &lowNoise), encoded));
        QVERIFY(!low->vae().hasEncoder());
        QVERIFY(at::equal(low->decode(latents), decodedBefore));
    }
};

QTEST_APPLESS_MAIN(TestVaeEncoderOnDemand)
#include "tst_vae_encoder_on_demand.moc"
