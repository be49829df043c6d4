// The procedural engine's tables: what each footwear, gait, surface and perspective means to the
// synthesis (sole hardness and timing, stance, the surface's resonances or grains, distance).
#pragma once

#include "engines/procedural/footstep_prompt.h"

#include <vector>

namespace footfall::procedural {

constexpr int kMaxModes = 12; // modal resonators per surface

struct FootwearProfile {
    double attackMs;     // heel contact rise: hardness of the sole
    double decayMs;      // contact force decay
    double brightnessHz; // excitation bandwidth (two one-pole low-passes)
    double click;        // impulse at contact: heel tap sharpness
    double heelToeMs;    // heel strike -> toe (ball) impact
    double toeLevel;
    double level;
    double roll; // scuff noise between heel and toe
    double slap; // sandal/skin slap after the toe
    double thump;
};
FootwearProfile footwearProfile(Footwear footwear);

struct GaitProfile {
    double heelToeScale;
    double level;
    double attackScale;
    double toeScale;
    double brightScale;
    double rollScale;
};
GaitProfile gaitProfile(Gait gait);

// How a surface answers the foot: resonating modes (hard floors), colliding grains (PhISEM) or
// band-limited noise (soft ground).
enum class SurfaceModel { Modal, Particle, Noise };
// As the take's details name it: "modal", "particle", "filtered_noise".
const char* surfaceModelName(SurfaceModel model);

struct Mode {
    double freq;
    double t60;
    double gain;
};

struct SurfaceProfile {
    SurfaceModel model = SurfaceModel::Modal;
    std::vector<Mode> modes; // modal: at most kMaxModes
    double direct = 0.5;     // contact noise heard directly, next to the modes
    double freqJitter = 0.03;
    double grit = 0.0; // sparse grain clicks under the sole (rate per second at full force)
    // particle (PhISEM)
    double rate = 0.0;    // collisions per second at full energy
    double burstMs = 1.0; // decay of one collision's noise burst
    double fLo = 1000, fHi = 4000, q = 2.0;
    double sustainMs = 50; // grains keep settling after the force peak
    // filtered noise
    double noiseLo = 100, noiseHi = 1000, am = 0.0;
    double thump = 0.5;
    double level = 1.0;
    double creak = 0.0;  // chance per step (wood)
    double rattle = 0.0; // secondary impacts (metal grating)
    double soft = 0.0;   // soft ground: wetness squelches instead of splashing only
};
SurfaceProfile surfaceProfile(Surface surface);

struct PerspectiveProfile {
    double gain;
    double lowpassHz; // 0: none (air absorption / occlusion)
    double reflectionGain;
    double reflectionLowpassHz;
    int taps;
    double firstTapMs;
    double lastTapMs;
    double panSpread; // far sources cross a smaller angle
};
PerspectiveProfile perspectiveProfile(Perspective perspective);

} // namespace footfall::procedural
