// Samplers against the original k-diffusion / stable-audio-tools sampling of the tiny DiTs:
// the sampler case (VDenoiser, polyexponential sigmas, dpmpp-2m / 2m-sde / 3m-sde with replayed
// SDE noise, k-euler, v-ddim) and the sampler_rf case (logSNR t schedule, euler / pingpong with
// replayed noise / dpmpp). Also: the seeded noise stream against generate_diffusion_cond's,
// cancellation from the step callback, and errors for unknown samplers.
#include "base/errors.h"
#include "model/formats/safetensors.h"
#include "model/runtime/weights.h"
#include "model/sao/dit.h"
#include "model/sao/model_config.h"
#include "model/sao/noise.h"
#include "model/sao/samplers.h"
#include "parity.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <QtTest>

#include <map>
#include <memory>
#include <set>
#include <utility>

using namespace footfall::model;
using footfall::Cancelled;
using footfall::GenerationError;

namespace {

using footfall::test::allClose;
using footfall::test::loadParityCase;
using footfall::test::ParityCase;
using footfall::test::parityPath;

std::string underscored(std::string name) {
    for (auto& c : name)
        if (c == '-')
            c = '_';
    return name;
}

// Records the sigma interval of every draw, then hands out the recorded noise.
class RecordingNoise : public NoiseSource {
public:
    explicit RecordingNoise(const at::Tensor& draws) : m_replay(draws) {}
    at::Tensor next(const at::Tensor& like, double sigma, double sigmaNext) override {
        calls.emplace_back(sigma, sigmaNext);
        return m_replay.next(like, sigma, sigmaNext);
    }
    std::vector<std::pair<double, double>> calls;

private:
    ReplayNoise m_replay;
};

// The DiT a case names (model config + weights), with the case's conditioning prepared.
struct CaseModel {
    ModelConfig config;
    std::unique_ptr<DiffusionTransformer> dit;
    DiffusionTransformer::Prepared prepared;

    CaseModel(const ParityCase& c, double cfgScale) {
        const auto& weights = c.json.at("weights");
        config = loadModelConfig(
            parityPath(weights.value("config_file", std::string("model_config.json"))));
        dit = std::make_unique<DiffusionTransformer>(config.diffusion.dit,
                                                     config.diffusion.objective);
        dit->load(WeightSource::open(parityPath(weights.at("file").get<std::string>())), {},
                  weights.value("key_prefix", std::string("model.model.")));
        DitConditioning cond;
        if (c.hasInput("cross_attn_cond"))
            cond.crossAttnCond = c.input("cross_attn_cond");
        if (c.hasInput("global_cond"))
            cond.globalCond = c.input("global_cond");
        DitGuidance guidance;
        guidance.cfgScale = cfgScale;
        prepared = dit->prepare(cond, guidance);
    }
    ModelFn model() const {
        return [this](const at::Tensor& x, const at::Tensor& t) {
            return dit->forward(x, t, prepared);
        };
    }
};

// Compares every expected output of the case; one without a result fails (a reference set
// with more outputs must not pass silently). Logs each max error.
QString compareAll(const ParityCase& c, const std::map<std::string, at::Tensor>& actual) {
    QString failures;
    for (const auto& name : c.expectedNames()) {
        const auto it = actual.find(name);
        if (it == actual.end()) {
            failures += QString("no result for expected.%1; ").arg(name.c_str());
            continue;
        }
        const auto report = allClose(it->second, c.expected(name), c.tolerance(name), name);
        qInfo("%s", report.message.c_str());
        if (!report.ok)
            failures += QString::fromStdString(report.message) + "; ";
    }
    return failures;
}

} // namespace

class TestParitySamplers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void schedules() {
        // sigma_max is not representable in float32: exp(log) rounding as the original
        const at::Tensor sigmas = polyexponentialSigmas(100, 0.3, 500.0, 1.0);
        QCOMPARE(sigmas.size(0), int64_t(101));
        QCOMPARE(sigmas[100].item<float>(), 0.0f);
        QVERIFY(std::abs(sigmas[1].item<double>() - 463.90) < 0.01);
        QVERIFY(std::abs(sigmas[99].item<double>() - 0.3) < 1e-6);
        const at::Tensor t = rectifiedFlowSchedule(8);
        const std::vector<double> spec = {1,        0.993307, 0.982014, 0.952574, 0.880797,
                                          0.731059, 0.5,      0.268941, 0};
        for (size_t i = 0; i < spec.size(); ++i)
            QVERIFY2(std::abs(t[static_cast<int64_t>(i)].item<double>() - spec[i]) < 1e-6,
                     qPrintable(QString("t[%1]").arg(i)));
        // init noise level below 1: t[0] = sigma_max
        QCOMPARE(rectifiedFlowSchedule(4, 0.5)[0].item<float>(), 0.5f);
        QCOMPARE(rectifiedFlowSchedule(4, 7.0)[0].item<float>(), 1.0f);
        QVERIFY_THROWS_EXCEPTION(GenerationError, polyexponentialSigmas(0, 0.3, 500));
        QVERIFY_THROWS_EXCEPTION(GenerationError, rectifiedFlowSchedule(0));
    }

    void kDiffusionCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const ParityCase c = loadParityCase("sampler");
        const nlohmann::json& settings = c.json.at("sampler_settings");
        const CaseModel m(c, settings.at("cfg_scale").get<double>());
        KSamplingOptions options;
        options.steps = settings.at("steps").get<int64_t>();
        options.sigmaMin = settings.at("sigma_min").get<double>();
        options.sigmaMax = settings.at("sigma_max").get<double>();
        options.rho = settings.value("rho", 1.0);

        std::map<std::string, at::Tensor> actual;
        const at::Tensor sigmas =
            polyexponentialSigmas(options.steps, options.sigmaMin, options.sigmaMax, options.rho);
        actual["sigmas"] = sigmas;
        const at::Tensor noise = c.input("noise");
        const Denoiser denoiser = vDenoiser(m.model());
        const double sigma0 = sigmas[0].item<double>();
        actual["vdenoiser_step0_denoised"] =
            denoiser(noise * sigma0, at::full({noise.size(0)}, sigma0, noise.options()));

        // Every sampler the case lists (final_<name> outputs).
        const std::map<std::string, std::string> samplers = {{"dpmpp_2m", "dpmpp-2m"},
                                                             {"dpmpp_2m_sde", "dpmpp-2m-sde"},
                                                             {"dpmpp_3m_sde", "dpmpp-3m-sde"},
                                                             {"k_euler", "k-euler"},
                                                             {"v_ddim", "v-ddim"}};
        const auto& calls = c.json.value("noise_sampler_calls", nlohmann::json::object());
        QString failures;
        for (const auto& [suffix, name] : samplers) {
            if (!c.json.at("tolerance").contains("final_" + suffix))
                continue;
            options.sampler = name;
            std::vector<at::Tensor> denoised;
            RecordingNoise sde(c.input("sde_noise"));
            int lastIndex = -1;
            int count = 0;
            const at::Tensor final = sampleK(m.model(), noise, at::Tensor(), options, &sde,
                                             [&](const SamplerStep& step) {
                                                 count = step.count;
                                                 lastIndex = step.index;
                                                 denoised.push_back(step.denoised);
                                             });
            actual["final_" + suffix] = final;
            actual["denoised_per_step_" + suffix] = at::stack(denoised);
            QCOMPARE(count, int(options.steps));
            QCOMPARE(lastIndex, int(options.steps) - 1);
            // the noise source is asked exactly as the original's noise sampler was
            if (calls.contains(name)) {
                const auto& expected = calls[name].at("noise_sampler_calls");
                if (sde.calls.size() != expected.size())
                    failures += QString("%1: %2 noise draws, expected %3; ")
                                    .arg(name.c_str())
                                    .arg(sde.calls.size())
                                    .arg(expected.size());
                for (size_t i = 0; i < std::min(sde.calls.size(), expected.size()); ++i) {
                    const double s0 = expected[i][0].get<double>();
                    const double s1 = expected[i][1].get<double>();
                    if (std::abs(sde.calls[i].first - s0) > 1e-6 * s0 ||
                        std::abs(sde.calls[i].second - s1) > 1e-6 * s1)
                        failures += QString("%1: draw %2 for sigma (%3, %4), expected (%5, %6); ")
                                        .arg(name.c_str())
                                        .arg(i)
                                        .arg(sde.calls[i].first)
                                        .arg(sde.calls[i].second)
                                        .arg(s0)
                                        .arg(s1);
                }
            }
        }
        failures += compareAll(c, actual);
        QVERIFY2(failures.isEmpty(), qPrintable(failures));
    }

    void rectifiedFlowCase() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const ParityCase c = loadParityCase("sampler_rf");
        const nlohmann::json& settings = c.json.at("sampler_settings");
        const CaseModel m(c, settings.value("cfg_scale", 1.0));
        RfSamplingOptions options;
        options.steps = settings.at("steps").get<int64_t>();
        options.sigmaMax = settings.value("sigma_max", 1.0);

        std::map<std::string, at::Tensor> actual;
        const at::Tensor t = rectifiedFlowSchedule(options.steps, options.sigmaMax);
        actual["t_schedule"] = t;
        const at::Tensor noise = c.input("noise");
        actual["velocity_step0"] =
            m.model()(noise, at::full({noise.size(0)}, t[0].item<double>(), noise.options()));

        const auto replay = c.json.value("noise_replay", nlohmann::json::object());
        QString failures;
        for (const auto& type : settings.at("sampler_types")) {
            options.sampler = type.get<std::string>();
            std::vector<at::Tensor> denoised;
            ReplayNoise pingpong(c.input("pingpong_noise"));
            const at::Tensor final =
                sampleRf(m.model(), noise, at::Tensor(), options, &pingpong,
                         [&](const SamplerStep& step) { denoised.push_back(step.denoised); });
            actual["final_" + underscored(options.sampler)] = final;
            actual["denoised_per_step_" + underscored(options.sampler)] = at::stack(denoised);
            if (replay.contains(options.sampler)) {
                const auto expectedDraws =
                    replay[options.sampler].at("randn_like_calls_replayed").get<size_t>();
                if (pingpong.used() != expectedDraws)
                    failures += QString("%1: %2 noise draws, expected %3; ")
                                    .arg(options.sampler.c_str())
                                    .arg(pingpong.used())
                                    .arg(expectedDraws);
            }
        }
        failures += compareAll(c, actual);
        QVERIFY2(failures.isEmpty(), qPrintable(failures));
    }

    // generate_diffusion_cond: torch.manual_seed(seed); randn(init noise); pingpong's
    // randn_like draws continue the same CPU stream (end_to_end_small records both).
    void seededNoiseMatchesTorchStream() {
        FOOTFALL_REQUIRE_PARITY_DIR();
        const ParityCase c = loadParityCase("end_to_end_small");
        const nlohmann::json& json = c.json;
        const at::Tensor init = c.input("init_noise");
        const at::Tensor draws = c.input("pingpong_noise");
        SeededNoise noise(json.at("sampler_settings").at("seed").get<uint64_t>());
        const at::Tensor x = noise.randn(init.sizes());
        const double initErr = (x - init).abs().max().item<double>();
        qInfo("init noise max abs err %.3g", initErr);
        QVERIFY2(initErr == 0.0, "seeded initial noise differs from torch.manual_seed + randn");
        for (int64_t i = 0; i < draws.size(0); ++i) {
            const double err = (noise.next(x) - draws[i]).abs().max().item<double>();
            QVERIFY2(err == 0.0, qPrintable(QString("draw %1 differs by %2").arg(i).arg(err)));
        }
        // Same seed, same stream; another seed, another stream.
        SeededNoise again(json.at("sampler_settings").at("seed").get<uint64_t>());
        QVERIFY(at::equal(again.randn(init.sizes()), init));
        SeededNoise other(json.at("sampler_settings").at("seed").get<uint64_t>() + 1);
        QVERIFY(!at::equal(other.randn(init.sizes()), init));
    }

    void replayNoiseChecks() {
        ReplayNoise noise(std::vector<at::Tensor>{at::ones({2, 3})});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, noise.next(at::zeros({3, 2})));
        QVERIFY(at::equal(noise.next(at::zeros({2, 3})), at::ones({2, 3})));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, noise.next(at::zeros({2, 3})));
    }

    // A throwing callback stops sampling at once (the pipeline's cancel check).
    void cancelFromCallback() {
        int evaluations = 0;
        const ModelFn model = [&](const at::Tensor& x, const at::Tensor&) {
            ++evaluations;
            return x * 0.5;
        };
        const at::Tensor noise = at::randn({1, 4, 8});
        SeededNoise source(1);
        for (const auto& name : kSamplerNames()) {
            evaluations = 0;
            KSamplingOptions options;
            options.sampler = name;
            options.steps = 10;
            options.sigmaMax = name == "v-ddim" ? 1.0 : 100.0;
            QVERIFY_THROWS_EXCEPTION(Cancelled, sampleK(model, noise, at::Tensor(), options,
                                                        &source, [](const SamplerStep& step) {
                                                            if (step.index == 2)
                                                                throw Cancelled();
                                                        }));
            QCOMPARE(evaluations, 3);
        }
        for (const auto& name : rfSamplerNames()) {
            evaluations = 0;
            RfSamplingOptions options;
            options.sampler = name;
            QVERIFY_THROWS_EXCEPTION(Cancelled, sampleRf(model, noise, at::Tensor(), options,
                                                         &source, [](const SamplerStep& step) {
                                                             if (step.index == 1)
                                                                 throw Cancelled();
                                                         }));
            QCOMPARE(evaluations, 2);
        }
    }

    void variationsStartFromNoisedInit() {
        const at::Tensor init = at::full({1, 2, 4}, 2.0);
        const at::Tensor noise = at::ones({1, 2, 4});
        at::Tensor firstX;
        const ModelFn model = [&](const at::Tensor& x, const at::Tensor&) {
            if (!firstX.defined())
                firstX = x.clone();
            return at::zeros_like(x);
        };
        RfSamplingOptions rf;
        rf.sampler = "euler";
        rf.steps = 2;
        rf.sigmaMax = 0.25;
        sampleRf(model, noise, init, rf, nullptr);
        // init (1 - s) + noise s
        QVERIFY(at::allclose(firstX, at::full({1, 2, 4}, 2.0 * 0.75 + 0.25)));
        firstX = at::Tensor();
        KSamplingOptions k;
        k.sampler = "dpmpp-2m";
        k.steps = 2;
        k.sigmaMax = 0.5;
        k.sigmaMin = 0.1;
        // the VDenoiser scales the model input by c_in = 1/sqrt(s^2 + 1); x0 = init + noise s
        sampleK(model, noise, init, k, nullptr);
        QVERIFY(at::allclose(firstX, at::full({1, 2, 4}, 2.5 / std::sqrt(1.25))));
    }

    void unknownSamplersAreRejected() {
        const ModelFn model = [](const at::Tensor& x, const at::Tensor&) { return x; };
        const at::Tensor noise = at::zeros({1, 2, 4});
        KSamplingOptions k;
        k.sampler = "pingpong";
        QVERIFY_THROWS_EXCEPTION(GenerationError, sampleK(model, noise, {}, k, nullptr));
        RfSamplingOptions rf;
        rf.sampler = "dpmpp-3m-sde";
        QVERIFY_THROWS_EXCEPTION(GenerationError, sampleRf(model, noise, {}, rf, nullptr));
        k.sampler = "dpmpp-3m-sde"; // needs a noise source
        QVERIFY_THROWS_EXCEPTION(GenerationError, sampleK(model, noise, {}, k, nullptr));
    }
};

QTEST_APPLESS_MAIN(TestParitySamplers)
#include "tst_parity_samplers.moc"
