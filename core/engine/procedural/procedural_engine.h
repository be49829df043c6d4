// The embedded default: physically informed procedural footsteps, no weights needed.
#pragma once

#include "engine/engine.h"

#include <memory>

namespace footfall {

std::unique_ptr<Engine> makeProceduralEngine();

} // namespace footfall
