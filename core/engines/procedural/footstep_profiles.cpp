// The profile tables: the numbers behind each footwear, gait, surface and perspective.
#include "engines/procedural/footstep_profiles.h"

namespace footfall::procedural {

FootwearProfile footwearProfile(Footwear footwear) {
    switch (footwear) {
    case Footwear::Sneakers:
        return {2.5, 18, 2500, 0.05, 95, 0.75, 0.65, 0.12, 0.0, 0.8};
    case Footwear::Boots:
        return {1.0, 14, 5000, 0.35, 85, 0.7, 1.0, 0.10, 0.0, 1.2};
    case Footwear::HighHeels:
        return {0.12, 5, 15000, 1.0, 95, 0.45, 0.85, 0.02, 0.0, 0.25};
    case Footwear::DressShoes:
        return {0.35, 8, 9000, 0.7, 100, 0.65, 0.85, 0.12, 0.0, 0.7};
    case Footwear::Barefoot:
        return {4.5, 25, 1000, 0.0, 110, 0.8, 0.4, 0.05, 0.3, 0.9};
    case Footwear::Sandals:
        return {0.8, 10, 6000, 0.3, 90, 0.7, 0.6, 0.08, 0.7, 0.6};
    }
    return {2.5, 18, 2500, 0.05, 95, 0.75, 0.65, 0.12, 0.0, 0.8};
}

GaitProfile gaitProfile(Gait gait) {
    switch (gait) {
    case Gait::Walk:
        return {1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    case Gait::Run:
        return {0.35, 1.45, 0.8, 1.4, 1.15, 0.5};
    case Gait::Jog:
        return {0.55, 1.25, 0.9, 1.2, 1.08, 0.7};
    case Gait::Sneak:
        return {1.9, 0.35, 2.2, 0.8, 0.6, 1.5};
    case Gait::Limp:
        return {1.2, 0.9, 1.0, 1.0, 1.0, 1.8};
    case Gait::March:
        return {0.7, 1.3, 0.85, 0.8, 1.1, 0.6};
    }
    return {1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
}

const char* surfaceModelName(SurfaceModel model) {
    switch (model) {
    case SurfaceModel::Modal:
        return "modal";
    case SurfaceModel::Particle:
        return "particle";
    case SurfaceModel::Noise:
        return "filtered_noise";
    }
    return "modal";
}

SurfaceProfile surfaceProfile(Surface surface) {
    SurfaceProfile s;
    switch (surface) {
    case Surface::Marble:
        // Dense, hard and polished: bright, short modes and a crisp direct tap.
        s.modes = {{310, 0.03, 0.35}, {1420, 0.07, 0.7}, {2350, 0.06, 0.8}, {3350, 0.055, 0.7},
                   {4550, 0.05, 0.6}, {5900, 0.04, 0.5}, {7600, 0.03, 0.4}, {9800, 0.025, 0.3}};
        s.direct = 0.7;
        s.grit = 40;
        s.thump = 0.45;
        s.level = 1.0;
        break;
    case Surface::Concrete:
        // Rough, heavily damped slab: broad mid modes, gritty contact.
        s.modes = {{170, 0.03, 0.5},    {480, 0.022, 0.55},  {910, 0.018, 0.5},
                   {1600, 0.016, 0.45}, {2500, 0.014, 0.35}, {3800, 0.012, 0.25}};
        s.direct = 0.9;
        s.grit = 400;
        s.freqJitter = 0.08;
        s.thump = 0.55;
        s.level = 0.9;
        break;
    case Surface::Wood:
        // Floorboards on joists: low, hollow modes; boards creak under weight.
        s.modes = {{95, 0.14, 0.9},  {165, 0.12, 0.8}, {255, 0.1, 0.75},   {390, 0.09, 0.6},
                   {610, 0.07, 0.5}, {930, 0.05, 0.4}, {1450, 0.035, 0.3}, {2250, 0.025, 0.2}};
        s.direct = 0.45;
        s.grit = 60;
        s.thump = 0.9;
        s.creak = 0.3;
        s.level = 0.9;
        break;
    case Surface::Metal:
        // Steel plate / grating: inharmonic plate modes with a long ring, rattling bars.
        s.modes = {{212, 0.9, 0.5},    {347, 0.85, 0.55}, {528, 0.8, 0.6},    {761, 0.7, 0.55},
                   {1043, 0.65, 0.5},  {1397, 0.55, 0.5}, {1810, 0.5, 0.45},  {2450, 0.42, 0.4},
                   {3120, 0.35, 0.35}, {3980, 0.3, 0.3},  {5200, 0.22, 0.25}, {6600, 0.16, 0.2}};
        s.direct = 0.35;
        s.freqJitter = 0.01;
        s.rattle = 1.0;
        s.thump = 0.5;
        s.level = 0.95;
        break;
    case Surface::Gravel:
        // Stones knocking: fairly sparse, tonal clicks.
        s.model = SurfaceModel::Particle;
        s.rate = 2600;
        s.burstMs = 1.2;
        s.fLo = 1300;
        s.fHi = 6500;
        s.q = 5.0;
        s.sustainMs = 70;
        s.direct = 0.15;
        s.thump = 0.4;
        s.level = 0.85;
        s.soft = 0.6;
        break;
    case Surface::Snow:
        // Compacting snow: dense crunch of tiny fractures, damped body.
        s.model = SurfaceModel::Particle;
        s.rate = 9000;
        s.burstMs = 0.5;
        s.fLo = 900;
        s.fHi = 5500;
        s.q = 1.3;
        s.sustainMs = 120;
        s.direct = 0.05;
        s.thump = 0.3;
        s.level = 0.75;
        s.soft = 1.0;
        break;
    case Surface::Sand:
        // Very dense, soft grains: a muffled hiss.
        s.model = SurfaceModel::Particle;
        s.rate = 14000;
        s.burstMs = 0.3;
        s.fLo = 300;
        s.fHi = 2200;
        s.q = 0.9;
        s.sustainMs = 90;
        s.direct = 0.05;
        s.thump = 0.5;
        s.level = 0.6;
        s.soft = 1.0;
        break;
    case Surface::Leaves:
        // Dry leaves: crisp, longer crackles and a rustling tail.
        s.model = SurfaceModel::Particle;
        s.rate = 2200;
        s.burstMs = 3.0;
        s.fLo = 2500;
        s.fHi = 9500;
        s.q = 2.0;
        s.sustainMs = 130;
        s.direct = 0.05;
        s.thump = 0.3;
        s.level = 0.7;
        s.soft = 1.0;
        break;
    case Surface::Carpet:
        // Pile absorbs the contact: low-passed noise and a soft thud.
        s.model = SurfaceModel::Noise;
        s.noiseLo = 60;
        s.noiseHi = 700;
        s.am = 0.15;
        s.sustainMs = 40;
        s.direct = 0.35;
        s.thump = 1.0;
        s.level = 0.45;
        s.soft = 1.0;
        break;
    case Surface::Grass:
        // Blades brushing the shoe: band-passed, rustling noise.
        s.model = SurfaceModel::Noise;
        s.noiseLo = 1100;
        s.noiseHi = 6500;
        s.am = 0.8;
        s.sustainMs = 90;
        s.direct = 0.1;
        s.thump = 0.5;
        s.level = 0.55;
        s.soft = 1.0;
        break;
    }
    return s;
}

PerspectiveProfile perspectiveProfile(Perspective perspective) {
    switch (perspective) {
    case Perspective::Close:
        return {1.0, 0.0, 0.2, 6000, 3, 5.0, 19.0, 1.0};
    case Perspective::Mid:
        return {0.55, 9000, 0.34, 5000, 5, 8.0, 45.0, 0.8};
    case Perspective::Far:
        return {0.3, 3800, 0.5, 3500, 8, 13.0, 95.0, 0.55};
    }
    return {1.0, 0.0, 0.2, 6000, 3, 5.0, 19.0, 1.0};
}

} // namespace footfall::procedural
