// The embedded default: physically informed procedural footsteps, no weights needed.
#pragma once

#include "generation/engine.h"

#include <memory>

namespace footfall {

std::unique_ptr<Engine> makeProceduralEngine();

} // namespace footfall
