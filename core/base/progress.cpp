#include "base/progress.h"

namespace footfall {

const char* phaseName(Phase phase) {
    switch (phase) {
    case Phase::Loading:
        return "loading";
    case Phase::Encoding:
        return "encoding";
    case Phase::Sampling:
        return "sampling";
    case Phase::Decoding:
        return "decoding";
    case Phase::Analysing:
        return "analysing";
    case Phase::Saving:
        return "saving";
    case Phase::Done:
        return "done";
    }
    return "unknown";
}

} // namespace footfall
