// The two ways a generation ends without takes: a user-facing error, or a cancel.
#pragma once

#include <stdexcept>

namespace footfall {

// A user-facing failure (bad file, bad parameter): the message is shown as is.
struct GenerationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Thrown when the cancel token is set; callers treat it as "no takes, no error".
struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("generation cancelled") {}
};

} // namespace footfall
