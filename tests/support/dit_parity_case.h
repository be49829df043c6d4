// Reading the DiT parity cases (dit_forward, dit_forward_small): which output is guided,
// unguided or negative, and the conditioning each one needs. Shared by the DiT parity test and
// the weight-storage test.
#pragma once

#include "model/sao/dit.h"
#include "parity.h"

#include <ATen/ATen.h>

#include <regex>
#include <string>

namespace footfall::test {

struct DitExpectation {
    double cfgScale = 1.0;
    bool zeroCond = false; // the CFG null branch
    bool negative = false;
};

// out_cfg<N>, out_cfg<N>_negative, out_uncond; scales from "cfg_scales" when the case has it.
// False for outputs that are not DiT forwards.
inline bool ditExpectationFor(const ParityCase& c, const std::string& name, DitExpectation* out) {
    static const std::regex cfg("out_cfg([0-9]+(?:\\.[0-9]+)?)(_negative)?");
    std::smatch m;
    if (name == "out_uncond") {
        out->zeroCond = true;
    } else if (std::regex_match(name, m, cfg)) {
        out->cfgScale = std::stod(m[1].str());
        out->negative = m[2].matched;
    } else {
        return false;
    }
    if (c.json.contains("cfg_scales") && c.json["cfg_scales"].contains(name))
        out->cfgScale = c.json["cfg_scales"][name].get<double>();
    return true;
}

inline footfall::model::DitConditioning ditConditioning(const ParityCase& c,
                                                        const DitExpectation& e) {
    footfall::model::DitConditioning cond;
    cond.crossAttnCond = c.input("cross_attn_cond");
    if (e.zeroCond)
        cond.crossAttnCond = at::zeros_like(cond.crossAttnCond);
    if (c.hasInput("global_cond"))
        cond.globalCond = c.input("global_cond");
    if (e.negative) {
        cond.negativeCrossAttnCond = c.input("negative_cross_attn_cond");
        if (c.hasInput("negative_cross_attn_mask"))
            cond.negativeCrossAttnMask = c.input("negative_cross_attn_mask");
    }
    return cond;
}

} // namespace footfall::test
