#include "engines/generate_footsteps.h"

#include <ATen/ATen.h>

namespace footfall {

FootstepsResult generate_footsteps(const GenerationRequest& request, const OutputOptions& output,
                                   const ProgressCallback& progress, const CancelToken* cancel) {
    auto engine = createEngine(request.engine);
    GenerationRequest one = request;
    one.batchSize = 1;
    auto takes = generateTakes(*engine, one, output, progress, cancel);
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
