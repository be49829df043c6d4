// Weight STORAGE dtype separate from the COMPUTE dtype (WeightTarget::compute): the tiny parity
// DiT, Oobleck VAE, T5 and number conditioners loaded with bf16 / fp16 weights on the CPU and
// float32 compute. Checks that
//   - the stored tensors really are bf16/fp16 and take half the bytes of the float32 load,
//   - inputs and outputs stay float32,
//   - the outputs match the original's float32 outputs within a bound derived from rounding
//     the weights (unit roundoff u: bf16 2^-9 = 1.95e-3, fp16 2^-11 = 4.9e-4),
//   - DiT and T5 compute exactly what a float32 model with the same rounded weights computes
//     (every weight is upcast right before its op; nothing else changes),
//   - a LoRA merged into a bf16-stored DiT (LoraMerger merges in float32 and casts back) gives
//     the float32 merged output within the same bound.
//
// Error measure: max|actual - expected| / max|expected| (the output's scale; elementwise
// relative errors are meaningless near zero crossings), logged with the rms relative error.
#include "dit_parity_case.h"
#include "model/lora/lora_apply.h"
#include "model/lora/lora_file.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/noise.h"
#include "model/sao/number_conditioner.h"
#include "model/sao/oobleck_vae.h"
#include "model/sao/t5_encoder.h"
#include "parity.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <QtTest>

#include <cstring>
#include <memory>

using namespace footfall::model;
using namespace footfall::test;

Q_DECLARE_METATYPE(at::ScalarType)

namespace {

// Unit roundoff of the storage dtype (round to nearest): the largest relative error one weight
// gets from being stored.
double unitRoundoff(at::ScalarType t) {
    return t == at::kBFloat16 ? std::ldexp(1.0, -9) : std::ldexp(1.0, -11);
}

// Bounds on max|a - e| / max|e|, in units of u of the storage dtype. Measured on these
// fixtures (bf16 / fp16): DiT 3.03 u / 1.48 u (worst of cfg 1, cfg 6, negative, uncond), VAE
// decode 2.71 u / 1.57 u (encode 2.01 u / 1.02 u), T5 7.52 u / 3.37 u, number embedders
// 5.88 u / 2.46 u, LoRA-merged DiT (bf16) 2.43 u. Each rounded weight is off by at most u
// (about u/sqrt(3) rms); chained layers add such errors up, T5's unscaled attention logits
// and the number embedders' sin/cos of 2 pi x w (a phase error |2 pi x w| u) amplify them.
// The bounds leave about 1.3-2.7x headroom and stay far below what a broken path gives (a
// weight not converted, an activation downcast to half, a wrong buffer: errors of O(1) =
// hundreds of u). Tighter checks: DiT and T5 must equal bit for bit a float32 model holding
// the same rounded weights, and the VAE's stored tensors the float32-folded ones, rounded.
constexpr double kDitBound = 4.0;    // x u
constexpr double kVaeBound = 4.0;    // x u
constexpr double kT5Bound = 10.0;    // x u
constexpr double kNumberBound = 8.0; // x u

struct Error {
    double maxNorm = 0.0; // max|a - e| / max|e|
    double rmsRel = 0.0;  // ||a - e|| / ||e||
};

Error errorOf(const at::Tensor& actual, const at::Tensor& expected) {
    const at::Tensor a = actual.to(at::kDouble), e = expected.to(at::kDouble);
    Error r;
    r.maxNorm = (a - e).abs().max().item<double>() / e.abs().max().item<double>();
    r.rmsRel = (a - e).norm().item<double>() / e.norm().item<double>();
    return r;
}

// Logs and checks the error against bound x u.
#define CHECK_STORAGE_ERROR(actual, expected, storage, bound, label)                               \
    do {                                                                                           \
        const at::Tensor actual_ = (actual);                                                       \
        QCOMPARE(actual_.scalar_type(), at::kFloat);                                               \
        QCOMPARE(actual_.sizes().vec(), (expected).sizes().vec());                                 \
        const Error err_ = errorOf(actual_, (expected));                                           \
        const double u_ = unitRoundoff(storage);                                                   \
        const std::string message_ =                                                               \
            std::string(label) + ": max err / max|e| " + std::to_string(err_.maxNorm) + " (" +     \
            std::to_string(err_.maxNorm / u_) + " u), rms rel " + std::to_string(err_.rmsRel) +    \
            " (" + std::to_string(err_.rmsRel / u_) + " u); bound " + std::to_string(bound) +      \
            " u";                                                                                  \
        qInfo("%s", message_.c_str());                                                             \
        QVERIFY2(err_.maxNorm <= (bound)*u_, message_.c_str());                                    \
    } while (false)

bool bitEqual(const at::Tensor& a, const at::Tensor& b) {
    if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes())
        return false;
    const at::Tensor ca = a.contiguous(), cb = b.contiguous();
    return std::memcmp(ca.data_ptr(), cb.data_ptr(), size_t(ca.nbytes())) == 0;
}

int64_t bytesOf(const std::vector<at::Tensor>& tensors) {
    int64_t total = 0;
    for (const auto& t : tensors)
        total += static_cast<int64_t>(t.nbytes());
    return total;
}

std::vector<at::Tensor> tensorsOf(const ParameterList& params) {
    std::vector<at::Tensor> out;
    for (const auto& e : params.entries())
        out.push_back(*e.tensor);
    return out;
}

// Every tensor of `source` rounded to `storage` and back to float32, except those `keep`
// names: a float32 model with exactly the weights a `storage`-stored model computes with.
WeightSource roundedSource(const WeightSource& source, at::ScalarType storage,
                           const std::function<bool(const std::string&)>& keep = {}) {
    std::map<std::string, at::Tensor> tensors;
    for (const auto& key : source.keys()) {
        const at::Tensor t = source.raw(key).to(at::kFloat);
        tensors[key] = keep && keep(key) ? t : t.to(storage).to(at::kFloat);
    }
    WeightSource out;
    out.addTensors(std::move(tensors), "rounded to " + std::string(c10::toString(storage)));
    return out;
}

WeightTarget stored(at::ScalarType storage) {
    return {storage, at::kCPU, at::kFloat};
}

struct DitCase {
    ParityCase c;
    DiffusionConfig config;
    std::string prefix;
    WeightSource weights;
};

DitCase ditCase(const std::string& name) {
    DitCase d;
    d.c = loadParityCase(name);
    d.config = parseDiffusionConfig(d.c.json.at("config"), name + ".json config");
    d.prefix = d.c.json.at("weights").value("key_prefix", std::string("model.model."));
    d.weights =
        WeightSource::open(parityPath(d.c.json.at("weights").at("file").get<std::string>()));
    return d;
}

void addStorageRows() {
    QTest::addColumn<at::ScalarType>("storage");
    QTest::newRow("bf16") << at::kBFloat16;
    QTest::newRow("fp16") << at::kHalf;
}

} // namespace

class TestWeightStorage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    // The float32 path does not copy: computeView hands back the weight itself.
    void computeViewIsFreeForMatchingDtypes() {
        const at::Tensor w = at::randn({4, 3});
        const at::Tensor x = at::randn({2, 3});
        QVERIFY(computeView(w, x).is_same(w));
        QVERIFY(!computeView(at::Tensor(), x).defined());
        const at::Tensor h = w.to(at::kBFloat16);
        const at::Tensor up = computeView(h, x);
        QCOMPARE(up.scalar_type(), at::kFloat);
        QVERIFY(at::equal(up, h.to(at::kFloat)));
        QCOMPARE(WeightTarget().computeDtype(), at::kFloat);
        QCOMPARE(WeightTarget(at::kHalf, at::kCPU).computeDtype(), at::kHalf);
        QCOMPARE(stored(at::kHalf).computeDtype(), at::kFloat);
    }

    void dit_data() { addStorageRows(); }
    void dit() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(at::ScalarType, storage);
        const DitCase d = ditCase("dit_forward");
        DiffusionTransformer full(d.config.dit, d.config.objective);
        full.load(d.weights, {}, d.prefix);
        DiffusionTransformer half(d.config.dit, d.config.objective);
        half.load(d.weights, stored(storage), d.prefix);
        QCOMPARE(half.dtype(), at::kFloat);
        QCOMPARE(half.storageDtype(), storage);

        // Every tensor is stored in half but the two angle buffers (keepsComputePrecision).
        ParameterList fullParams, halfParams;
        full.collectParameters(fullParams, d.prefix);
        half.collectParameters(halfParams, d.prefix);
        int64_t keptBytes = 0;
        for (const auto& e : halfParams.entries()) {
            const bool keep = DiffusionTransformer::keepsComputePrecision(e.name);
            QVERIFY2(e.tensor->scalar_type() == (keep ? at::kFloat : storage), e.name.c_str());
            if (keep)
                keptBytes += static_cast<int64_t>(e.tensor->nbytes());
        }
        QVERIFY(keptBytes > 0);
        const int64_t fullBytes = bytesOf(tensorsOf(fullParams));
        const int64_t halfBytes = bytesOf(tensorsOf(halfParams));
        qInfo("DiT parameter bytes: float32 %lld, %s storage %lld (of which %lld float32 angle "
              "buffers)",
              static_cast<long long>(fullBytes), c10::toString(storage),
              static_cast<long long>(halfBytes), static_cast<long long>(keptBytes));
        QCOMPARE(halfBytes, (fullBytes - keptBytes) / 2 + keptBytes);

        // Reference: a float32 DiT with the same rounded weights.
        const WeightSource roundedWeights =
            roundedSource(d.weights, storage, [](const std::string& key) {
                return DiffusionTransformer::keepsComputePrecision(key);
            });
        DiffusionTransformer rounded(d.config.dit, d.config.objective);
        rounded.load(roundedWeights, {}, d.prefix);

        const at::Tensor x = d.c.input("x"), t = d.c.input("t");
        for (const auto& name : d.c.expectedNames()) {
            DitExpectation e;
            QVERIFY2(ditExpectationFor(d.c, name, &e), name.c_str());
            DitGuidance guidance;
            guidance.cfgScale = e.cfgScale;
            const DitConditioning cond = ditConditioning(d.c, e);
            const at::Tensor out = half.forward(x, t, cond, guidance);
            CHECK_STORAGE_ERROR(out, d.c.expected(name), storage, kDitBound,
                                "dit_forward." + name + " " + c10::toString(storage));
            QVERIFY2(bitEqual(out, rounded.forward(x, t, cond, guidance)),
                     ("not the float32 result with rounded weights: " + name).c_str());
        }
    }

    // The CFG-prepared state (cross-attention K/V in float32) is reused across steps.
    void ditPreparedIsFloat32() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const DitCase d = ditCase("dit_forward");
        DiffusionTransformer half(d.config.dit, d.config.objective);
        half.load(d.weights, stored(at::kBFloat16), d.prefix);
        DitGuidance guidance;
        guidance.cfgScale = 6.0;
        const auto prepared = half.prepare(ditConditioning(d.c, DitExpectation{}), guidance);
        for (const auto& k : prepared.keys)
            if (k.defined())
                QCOMPARE(k.scalar_type(), at::kFloat);
        QCOMPARE(prepared.globalEmbed.scalar_type(), at::kFloat);
    }

    void vae_data() { addStorageRows(); }
    void vae() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(at::ScalarType, storage);
        const ParityCase c = loadParityCase("oobleck_vae");
        const PretransformConfig config =
            parsePretransformConfig(c.json.at("config"), "oobleck_vae.json");
        const auto& w = c.json.at("weights");
        const std::string prefix = w.value("key_prefix", std::string("pretransform.model."));
        const WeightSource weights =
            WeightSource::open(parityPath(w.at("file").get<std::string>()));
        VaeLoadOptions options;
        options.prefix = prefix;
        const OobleckVae full(config, weights, options);
        options.target = stored(storage);
        const OobleckVae half(config, weights, options);
        QCOMPARE(half.computeDtype(), at::kFloat);
        QCOMPARE(half.storageDtype(), storage);

        const auto tensors = half.storedTensors();
        QCOMPARE(tensors.size(), full.storedTensors().size());
        QVERIFY(!tensors.empty());
        for (const auto& t : tensors)
            QCOMPARE(t.scalar_type(), storage);
        const int64_t fullBytes = bytesOf(full.storedTensors());
        qInfo("VAE stored bytes: float32 %lld, %s %lld", static_cast<long long>(fullBytes),
              c10::toString(storage), static_cast<long long>(bytesOf(tensors)));
        QCOMPARE(bytesOf(tensors) * 2, fullBytes);
        // Folded in float32, rounded once: exactly the float32 folded weights, rounded.
        const auto fullTensors = full.storedTensors();
        for (size_t i = 0; i < tensors.size(); ++i)
            QVERIFY(bitEqual(tensors[i], fullTensors[i].to(storage)));

        const at::Tensor audio = half.decode(c.input("latents"));
        CHECK_STORAGE_ERROR(audio, c.expected("decoded_audio"), storage, kVaeBound,
                            std::string("decoded_audio ") + c10::toString(storage));
        ReplayNoise noise(std::vector<at::Tensor>{c.input("vae_noise")});
        const VaeEncoding e = half.encodeDetailed(c.input("audio"), &noise);
        CHECK_STORAGE_ERROR(e.preBottleneck, c.expected("pre_bottleneck"), storage, kVaeBound,
                            std::string("pre_bottleneck ") + c10::toString(storage));
        CHECK_STORAGE_ERROR(e.latents, c.expected("latents_sampled"), storage, kVaeBound,
                            std::string("latents_sampled ") + c10::toString(storage));
    }

    void t5_data() { addStorageRows(); }
    void t5() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(at::ScalarType, storage);
        const ParityCase c = loadParityCase("conditioners");
        const T5Config config = T5Config::fromFile(parityPath("t5_config.json"));
        const WeightSource weights = WeightSource::open(parityPath("t5_encoder.safetensors"));
        T5Encoder full(config), half(config), rounded(config);
        full.load(weights);
        half.load(weights, stored(storage));
        rounded.load(roundedSource(weights, storage));
        QCOMPARE(half.computeDtype(), at::kFloat);
        QCOMPARE(half.storageDtype(), storage);
        ParameterList fullParams, halfParams;
        full.collectParameters(fullParams);
        half.collectParameters(halfParams);
        for (const auto& e : halfParams.entries())
            QVERIFY2(e.tensor->scalar_type() == storage, e.name.c_str());
        QCOMPARE(bytesOf(tensorsOf(halfParams)) * 2, bytesOf(tensorsOf(fullParams)));

        for (const auto& [ids, mask, output] :
             std::vector<std::tuple<std::string, std::string, std::string>>{
                 {"t5_input_ids", "t5_attention_mask", "t5_last_hidden_state"},
                 {"prompt_input_ids", "prompt_attention_mask", "prompt_t5_raw"}}) {
            const at::Tensor idsT = c.input(ids).to(at::kLong);
            const at::Tensor maskT = c.input(mask).to(at::kBool);
            const at::Tensor out = half.forward(idsT, maskT);
            CHECK_STORAGE_ERROR(out, c.expected(output), storage, kT5Bound,
                                output + " " + c10::toString(storage));
            QVERIFY2(bitEqual(out, rounded.forward(idsT, maskT)),
                     ("not the float32 result with rounded weights: " + output).c_str());
        }

        // Moving the weights (low-memory mode keeps them elsewhere) keeps the compute dtype.
        half.to(stored(at::kHalf));
        QCOMPARE(half.storageDtype(), at::kHalf);
        QCOMPARE(half.computeDtype(), at::kFloat);
    }

    void numberConditioners_data() { addStorageRows(); }
    void numberConditioners() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        QFETCH(at::ScalarType, storage);
        const ParityCase c = loadParityCase("conditioners");
        const auto& nc = c.json.at("weights").at("number_conditioners");
        const WeightSource weights =
            WeightSource::open(parityPath(nc.at("file").get<std::string>()));
        NumberConditionerConfig config;
        config.minVal = c.json.at("number_conditioner_config").at("min_val").get<double>();
        config.maxVal = c.json.at("number_conditioner_config").at("max_val").get<double>();
        int checked = 0;
        for (const std::string id : {"seconds_start", "seconds_total"}) {
            if (!c.hasExpected(id + "_embeds"))
                continue;
            const at::Tensor expected = c.expected(id + "_embeds");
            NumberConditioner conditioner(id, config, expected.size(-1));
            conditioner.load(weights, stored(storage));
            QCOMPARE(conditioner.computeDtype(), at::kFloat);
            ParameterList params;
            conditioner.collectParameters(params, conditioner.defaultPrefix());
            for (const auto& e : params.entries())
                QVERIFY2(e.tensor->scalar_type() == storage, e.name.c_str());
            CHECK_STORAGE_ERROR(conditioner.forward(c.input(id)).embeds, expected, storage,
                                kNumberBound, id + "_embeds " + c10::toString(storage));
            ++checked;
        }
        QVERIFY(checked > 0);
    }

    // LoraMerger merges in float32 and casts back to each weight's dtype: on a bf16-stored DiT
    // the merged weights stay bf16, the output is the float32 merged output within the DiT
    // bound, and unmerge restores the bf16 weights bit for bit.
    void loraOnBf16Storage() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const at::ScalarType storage = at::kBFloat16;
        const ParityCase c = loadParityCase("lora");
        const auto& w = c.json.at("weights");
        const ModelConfig config = loadModelConfig(parityPath("model_config.json"));
        const WeightSource weights =
            WeightSource::open(parityPath(w.at("file").get<std::string>()));
        auto lora = std::make_shared<LoraFile>(
            readLoraFile(parityPath(w.at("lora_file_safetensors").get<std::string>())));
        LoraSpec spec(lora, 1.0);
        spec.config = LoraTrainingConfig::fromModelConfig(config);
        QVERIFY(spec.config.present);

        DiffusionTransformer full(config.diffusion.dit, config.diffusion.objective);
        full.load(weights);
        DiffusionTransformer half(config.diffusion.dit, config.diffusion.objective);
        half.load(weights, stored(storage));
        ParameterList fullParams, halfParams;
        full.collectParameters(fullParams);
        half.collectParameters(halfParams);
        std::map<std::string, at::Tensor> before;
        for (const auto& [name, tensor] : halfParams.named())
            before[name] = *tensor;
        LoraMerger fullMerger(fullParams.named());
        LoraMerger halfMerger(halfParams.named());
        fullMerger.apply({spec});
        halfMerger.apply({spec});
        QCOMPARE(halfMerger.touchedCount(), lora->modules.size());
        for (const auto& e : halfParams.entries())
            if (!DiffusionTransformer::keepsComputePrecision(e.name))
                QVERIFY2(e.tensor->scalar_type() == storage, e.name.c_str());

        DitConditioning cond;
        cond.crossAttnCond = c.input("cross_attn_cond");
        cond.globalCond = c.input("global_cond");
        const at::Tensor x = c.input("x"), t = c.input("t");
        DitGuidance guidance;
        guidance.cfgScale = 6.0;
        const at::Tensor fullOut = full.forward(x, t, cond, guidance);
        CHECK_STORAGE_ERROR(half.forward(x, t, cond, guidance), fullOut, storage, kDitBound,
                            "LoRA merged, cfg 6, bf16 storage vs float32 merged");
        CHECK_STORAGE_ERROR(half.forward(x, t, cond, guidance), c.expected("out_cfg6_merged"),
                            storage, kDitBound, "LoRA merged, cfg 6, bf16 storage vs original");

        halfMerger.unmerge();
        for (const auto& [name, tensor] : halfParams.named())
            QVERIFY2(bitEqual(*tensor, before[name]), name.c_str());
    }
};

QTEST_APPLESS_MAIN(TestWeightStorage)
#include "tst_weight_storage.moc"
