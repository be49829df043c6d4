// Cancellation shared between the thread that generates and whoever wants it to stop.
#pragma once

#include "base/errors.h"

#include <atomic>

namespace footfall {

class CancelToken {
public:
    void cancel() { m_cancelled.store(true, std::memory_order_relaxed); }
    void reset() { m_cancelled.store(false, std::memory_order_relaxed); }
    bool isCancelled() const { return m_cancelled.load(std::memory_order_relaxed); }

private:
    std::atomic<bool> m_cancelled{false};
};

inline void throwIfCancelled(const CancelToken* token) {
    if (token && token->isCancelled())
        throw Cancelled();
}

} // namespace footfall
