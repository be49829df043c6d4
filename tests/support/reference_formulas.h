// Formulas of the original models written out independently of core/ (plain integer and
// double arithmetic, from the layer definitions), so that tests derive their expectations from
// a config instead of from one fixture set's numbers:
//
//   expectedDecodedLength(pretransform.decoder, latents)   // Oobleck decoder output samples
//   expectedT5Buckets(key - query, numBuckets, maxDistance) // HF T5 encoder bucket(s)
#pragma once

#include "model/sao/model_config.h"

#include <cmath>
#include <cstdint>
#include <set>

namespace footfall::test {

// Samples the Oobleck decoder makes of `latents` latents. Its blocks run the strides in reverse
// order; each upsamples with ConvTranspose1d(kernel 2s, stride s, padding ceil(s/2)), whose
// output is (n - 1)·stride - 2·padding + (kernel - 1) + 1, or with nearest upsampling (n·s,
// then a 'same' conv); the residual units and the first/last convs keep the length.
inline int64_t expectedDecodedLength(const footfall::model::OobleckConfig& decoder,
                                     int64_t latents) {
    int64_t n = latents;
    for (size_t i = decoder.strides.size(); i-- > 0;) {
        const int64_t stride = decoder.strides[i];
        if (decoder.useNearestUpsample) {
            n *= stride;
        } else {
            const int64_t kernel = 2 * stride;
            const int64_t padding = (stride + 1) / 2;
            n = (n - 1) * stride - 2 * padding + (kernel - 1) + 1;
        }
    }
    return n;
}

// HF T5's relative position bucket of relative = key position - query position in the
// encoder (bidirectional, as T5Attention uses it there): half the buckets per direction (the
// upper half for keys after the query), distances below max_exact = half / 2 get their own
// bucket, larger ones max_exact + trunc(log(d / max_exact) / log(max_distance / max_exact) ·
// (half - max_exact)), capped at half - 1.
// HF evaluates the log term in float32, so where the exact value lies within `border` of an
// integer the truncation may land on either side: every bucket that can come out is returned.
inline std::set<int64_t> expectedT5Buckets(int64_t relative, int64_t numBuckets,
                                           int64_t maxDistance, double border = 1e-4) {
    const int64_t buckets = numBuckets / 2;
    const int64_t offset = relative > 0 ? buckets : 0;
    const int64_t distance = relative < 0 ? -relative : relative;
    const int64_t maxExact = buckets / 2;
    if (distance < maxExact)
        return {offset + distance};
    const double scaled =
        std::log(static_cast<double>(distance) / static_cast<double>(maxExact)) /
        std::log(static_cast<double>(maxDistance) / static_cast<double>(maxExact)) *
        static_cast<double>(buckets - maxExact);
    std::set<int64_t> out;
    for (const double v : {scaled - border, scaled, scaled + border}) {
        const int64_t large = maxExact + static_cast<int64_t>(v); // truncation, as .to(long)
        out.insert(offset + (large < buckets - 1 ? large : buckets - 1));
    }
    return out;
}

} // namespace footfall::test
