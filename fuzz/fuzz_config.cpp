// model_config.json and the LoRA training config: loadModelConfig and
// LoraTrainingConfig::fromFile on the same bytes, then the sizes the model derives from an
// accepted config (what the engine computes first). Documented failure: footfall::GenerationError;
// an accepted config must give sizes the model can be built with (no division by zero, no
// overflow).
#include "fuzz_input.h"

#include "base/errors.h"
#include "model/lora/lora_config.h"
#include "model/sao/model_config.h"

#include <cstdint>

using footfall::GenerationError;
using namespace footfall::model;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = footfall::fuzz::inputFile(data, size);
    try {
        const ModelConfig config = loadModelConfig(path);
        (void)config.latentLength();
        const DitConfig& dit = config.diffusion.dit;
        (void)dit.dimHeads();
        (void)dit.rotaryDim();
        (void)dit.crossKvHeads();
        (void)dit.ffInnerDim();
        (void)objectiveName(config.diffusion.objective);
        for (int64_t layer = 0; layer < std::min<int64_t>(dit.depth, 64); ++layer)
            (void)dit.layerCrossAttends(layer);
        try {
            const LoraTrainingConfig lora = LoraTrainingConfig::fromModelConfig(config);
            (void)lora.scale(4);
            (void)lora.toJson().dump();
        } catch (const GenerationError&) {
        }
    } catch (const GenerationError&) {
    }
    try {
        const LoraTrainingConfig lora = LoraTrainingConfig::fromFile(path);
        for (int64_t rank : {int64_t(1), int64_t(4), int64_t(128)}) {
            FOOTFALL_FUZZ_CHECK(lora.effectiveRank(rank) > 0);
            (void)lora.scale(rank);
        }
        (void)lora.toJson().dump();
    } catch (const GenerationError&) {
    }
    return 0;
}
