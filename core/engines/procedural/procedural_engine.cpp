#include "engines/procedural/procedural_engine.h"

#include "engines/procedural/footstep_prompt.h"
#include "engines/procedural/footstep_synth.h"

namespace footfall {

namespace {

class ProceduralEngine final : public Engine {
public:
    std::string name() const override { return "procedural"; }
    std::vector<std::string> samplers() const override { return {"procedural"}; }
    std::string deviceDescription() const override { return "cpu"; }
    bool usesDiffusionSettings() const override { return false; }
    nlohmann::json modelInfo() const override {
        return {{"engine", "procedural"}, {"synth_version", 1}};
    }
    std::vector<std::string> checkRequest(const GenerationRequest& request) const override {
        std::vector<std::string> errors;
        if (!request.loras.empty())
            errors.push_back("the procedural engine does not use LoRAs: choose the sao engine "
                             "and a model, or remove the LoRAs");
        if (!request.initAudioPath.empty())
            errors.push_back("the procedural engine cannot vary init audio: choose the sao "
                             "engine and a model");
        return errors;
    }

    GeneratedAudio generate(const ResolvedTake& take, const ProgressCallback& progress,
                            const CancelToken* cancel) override {
        throwIfCancelled(cancel);
        const GenerationRequest& request = take.request;
        const FootstepParams params = interpretPrompt(request.prompt);
        const FootstepSynth synth(params, static_cast<std::uint64_t>(request.seed),
                                  request.durationSeconds, FootstepSynth::kSampleRate);
        // One report per synthesised step (and one for the final mix); cancellation is
        // checked just as often.
        auto onStep = [&](int done, int total) {
            throwIfCancelled(cancel);
            if (progress)
                progress({Phase::Sampling, done, total, take.index, take.count});
        };
        GeneratedAudio audio;
        audio.audio = synth.render(onStep);
        audio.engineDetails = synth.details();
        return audio;
    }
};

} // namespace

std::unique_ptr<Engine> makeProceduralEngine() {
    return std::make_unique<ProceduralEngine>();
}

} // namespace footfall
