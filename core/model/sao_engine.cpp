// Placeholder until the Stable Audio Open pipeline lands (issue 3).
#include "model/sao_engine.h"

namespace footfall {

std::unique_ptr<Engine> makeSaoEngine(const SaoEngineOptions&) {
    throw GenerationError("the Stable Audio Open engine is not built into this version yet");
}

} // namespace footfall
