#include "pipeline/generate_footsteps.h"

#include <ATen/ATen.h>

namespace footfall {

FootstepsResult generate_footsteps(const FootstepsArguments& args, const ProgressCallback& progress,
                                   const CancelToken* cancel) {
    EngineOptions e;
    e.engine = args.engine;
    e.modelDir = args.modelDir;
    e.checkpoint = args.checkpoint;
    e.config = args.config;
    e.device = args.device;
    auto engine = createEngine(e);

    GenerationRequest r;
    r.prompt = args.prompt;
    r.negativePrompt = args.negativePrompt;
    r.durationSeconds = args.duration;
    r.steps = args.steps;
    r.cfgScale = args.cfgScale;
    r.seed = args.seed;
    r.sampler = args.sampler;
    r.device = args.device;

    OutputOptions o;
    o.folder = args.output;
    o.format = args.format;
    o.checkpoint = args.checkpoint;
    o.config = args.config;
    auto takes = generateTakes(*engine, r, o, progress, cancel);
    Take& take = takes.front();

    FootstepsResult out;
    const int channels = take.audio.channels();
    const auto frames = static_cast<std::int64_t>(take.audio.frames());
    out.audio = at::empty({channels, frames}, at::kFloat);
    for (int c = 0; c < channels; ++c)
        std::copy(take.audio.channel(c), take.audio.channel(c) + frames,
                  out.audio[c].data_ptr<float>());
    out.sampleRate = take.audio.sampleRate();
    out.path = take.audioPath;
    out.metadata = std::move(take.metadata);
    out.buffer = std::move(take.audio);
    return out;
}

} // namespace footfall
