#include "engine/procedural/procedural_engine.h"

#include "engine/procedural/footstep_prompt.h"
#include "engine/procedural/footstep_synth.h"

namespace footfall {

namespace {

class ProceduralEngine final : public Engine {
public:
    std::string name() const override { return "procedural"; }
    std::string defaultSampler() const override { return "procedural"; }
    std::string deviceDescription() const override { return "cpu"; }
    nlohmann::json modelInfo() const override {
        return {{"engine", "procedural"}, {"synth_version", 1}};
    }

    std::vector<GeneratedAudio> generate(const GenerationRequest& request,
                                         const ProgressCallback& progress,
                                         const CancelToken* cancel) override {
        throwIfCancelled(cancel);
        const FootstepParams params = interpretPrompt(request.prompt);
        const int takes = std::max(1, request.batchSize);
        const std::int64_t base = resolveSeed(request.seed);
        std::vector<GeneratedAudio> out;
        out.reserve(static_cast<std::size_t>(takes));
        for (int take = 0; take < takes; ++take) {
            const std::int64_t seed = base + take;
            const FootstepSynth synth(params, static_cast<std::uint64_t>(seed),
                                      request.durationSeconds, FootstepSynth::kSampleRate);
            // One report per synthesised step (and one for the final mix); cancellation is
            // checked just as often.
            auto onStep = [&](int done, int total) {
                throwIfCancelled(cancel);
                if (progress) {
                    Progress p;
                    p.phase = Phase::Sampling;
                    p.step = done;
                    p.total = total;
                    p.take = take;
                    p.takes = takes;
                    progress(p);
                }
            };
            GeneratedAudio audio;
            audio.audio = synth.render(onStep);
            audio.seed = seed;
            audio.engineDetails = synth.details();
            out.push_back(std::move(audio));
        }
        return out;
    }
};

} // namespace

std::unique_ptr<Engine> makeProceduralEngine() {
    return std::make_unique<ProceduralEngine>();
}

} // namespace footfall
