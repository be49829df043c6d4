// Prompt vocabulary of the procedural engine: words -> surface, footwear, gait, pace, weight,
// wetness, perspective. Public so that the UI's prompt builder offers exactly the words the
// engine understands.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace footfall {

enum class Surface { Concrete, Marble, Wood, Metal, Gravel, Snow, Sand, Leaves, Carpet, Grass };
enum class Footwear { Sneakers, Boots, HighHeels, DressShoes, Barefoot, Sandals };
enum class Gait { Walk, Run, Jog, Sneak, Limp, March };
enum class Perspective { Close, Mid, Far };

// One axis of the prompt; every known phrase belongs to exactly one.
enum class PromptAxis { Surface, Footwear, Gait, Pace, Weight, Wetness, Perspective };

struct FootstepParams {
    Surface surface = Surface::Concrete;
    Footwear footwear = Footwear::Sneakers;
    Gait gait = Gait::Walk;
    double paceStepsPerSecond = 1.8; // after gait default, pace words or an explicit rate
    bool explicitPace = false;       // "2.5 steps per second" was given
    double weight = 0.5;             // 0 (child) ... 1 (giant)
    double wetness = 0.0;            // 0 dry ... 1 puddles
    Perspective perspective = Perspective::Close;
    std::vector<std::string> matchedWords; // vocabulary phrases found, in prompt order
};

// Canonical names, as they appear in engineDetails ("high_heels", "far", ...).
const char* surfaceName(Surface surface);
const char* footwearName(Footwear footwear);
const char* gaitName(Gait gait);
const char* perspectiveName(Perspective perspective);
const char* promptAxisName(PromptAxis axis);
std::string weightLabel(double weight);   // "child", "light", "medium", "heavy", "very_heavy"
std::string wetnessLabel(double wetness); // "dry", "damp", "wet", "puddles"

// Base pace of a gait (steps per second) before "slow"/"fast" words.
double gaitBasePace(Gait gait);

// Case-insensitive; the first phrase found wins on each axis, absent axes keep the defaults
// (concrete, sneakers, walk, 1.8 steps/s, medium weight, dry, close). "N steps per second",
// "N steps/s" and "N steps per minute" set the pace explicitly (clamped to 0.3 ... 6).
FootstepParams interpretPrompt(const std::string& prompt);

// Everything the parser knows: phrase (lower case, words separated by one space), its axis
// and the canonical value it selects (e.g. {"stilettos", Footwear, "high_heels"}).
struct PromptWord {
    std::string phrase;
    PromptAxis axis;
    std::string value;
};
const std::vector<PromptWord>& promptVocabulary();
// The phrases of one axis, in vocabulary order (the canonical word first for each value).
std::vector<std::string> knownWords(PromptAxis axis);
// The canonical values of one axis (for combo boxes): e.g. {"concrete", "marble", ...}.
std::vector<std::string> canonicalValues(PromptAxis axis);

// {"surface", "footwear", "gait", "pace_steps_per_second", "pace_explicit", "weight",
//  "weight_amount", "wetness", "wetness_amount", "perspective", "matched_words"}.
nlohmann::json toJson(const FootstepParams& params);

} // namespace footfall
