#include "engines/procedural/footstep_prompt.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_map>

namespace footfall {

namespace {

constexpr double kMinPace = 0.3;
constexpr double kMaxPace = 6.0;
constexpr double kSlowFactor = 0.7;
constexpr double kFastFactor = 1.3;

// Canonical word first for every value: knownWords() and the UI rely on that order.
const std::vector<PromptWord>& vocabularyTable() {
    using A = PromptAxis;
    static const std::vector<PromptWord> table = {
        // surfaces
        {"concrete", A::Surface, "concrete"},
        {"cement", A::Surface, "concrete"},
        {"pavement", A::Surface, "concrete"},
        {"sidewalk", A::Surface, "concrete"},
        {"asphalt", A::Surface, "concrete"},
        {"street", A::Surface, "concrete"},
        {"parking garage", A::Surface, "concrete"},
        {"stone", A::Surface, "concrete"},
        {"marble", A::Surface, "marble"},
        {"tile", A::Surface, "marble"},
        {"tiles", A::Surface, "marble"},
        {"tiled", A::Surface, "marble"},
        {"granite", A::Surface, "marble"},
        {"ceramic", A::Surface, "marble"},
        {"polished stone", A::Surface, "marble"},
        {"wood", A::Surface, "wood"},
        {"wooden", A::Surface, "wood"},
        {"floorboards", A::Surface, "wood"},
        {"floorboard", A::Surface, "wood"},
        {"hardwood", A::Surface, "wood"},
        {"parquet", A::Surface, "wood"},
        {"planks", A::Surface, "wood"},
        {"deck", A::Surface, "wood"},
        {"boardwalk", A::Surface, "wood"},
        {"metal", A::Surface, "metal"},
        {"steel", A::Surface, "metal"},
        {"iron", A::Surface, "metal"},
        {"grating", A::Surface, "metal"},
        {"grate", A::Surface, "metal"},
        {"catwalk", A::Surface, "metal"},
        {"metal plate", A::Surface, "metal"},
        {"gravel", A::Surface, "gravel"},
        {"pebbles", A::Surface, "gravel"},
        {"rubble", A::Surface, "gravel"},
        {"dirt", A::Surface, "gravel"},
        {"dirt path", A::Surface, "gravel"},
        {"snow", A::Surface, "snow"},
        {"snowy", A::Surface, "snow"},
        {"sand", A::Surface, "sand"},
        {"sandy", A::Surface, "sand"},
        {"beach", A::Surface, "sand"},
        {"dune", A::Surface, "sand"},
        {"leaves", A::Surface, "leaves"},
        {"leaf", A::Surface, "leaves"},
        {"foliage", A::Surface, "leaves"},
        {"forest floor", A::Surface, "leaves"},
        {"autumn leaves", A::Surface, "leaves"},
        {"carpet", A::Surface, "carpet"},
        {"carpeted", A::Surface, "carpet"},
        {"rug", A::Surface, "carpet"},
        {"grass", A::Surface, "grass"},
        {"grassy", A::Surface, "grass"},
        {"lawn", A::Surface, "grass"},
        {"meadow", A::Surface, "grass"},
        // footwear
        {"sneakers", A::Footwear, "sneakers"},
        {"sneaker", A::Footwear, "sneakers"},
        {"trainers", A::Footwear, "sneakers"},
        {"running shoes", A::Footwear, "sneakers"},
        {"tennis shoes", A::Footwear, "sneakers"},
        {"rubber soles", A::Footwear, "sneakers"},
        {"shoes", A::Footwear, "sneakers"},
        {"boots", A::Footwear, "boots"},
        {"boot", A::Footwear, "boots"},
        {"combat boots", A::Footwear, "boots"},
        {"hiking boots", A::Footwear, "boots"},
        {"work boots", A::Footwear, "boots"},
        {"high heels", A::Footwear, "high_heels"},
        {"heels", A::Footwear, "high_heels"},
        {"stilettos", A::Footwear, "high_heels"},
        {"pumps", A::Footwear, "high_heels"},
        {"dress shoes", A::Footwear, "dress_shoes"},
        {"leather shoes", A::Footwear, "dress_shoes"},
        {"leather soles", A::Footwear, "dress_shoes"},
        {"oxfords", A::Footwear, "dress_shoes"},
        {"loafers", A::Footwear, "dress_shoes"},
        {"formal shoes", A::Footwear, "dress_shoes"},
        {"barefoot", A::Footwear, "barefoot"},
        {"bare feet", A::Footwear, "barefoot"},
        {"bare foot", A::Footwear, "barefoot"},
        {"sandals", A::Footwear, "sandals"},
        {"sandal", A::Footwear, "sandals"},
        {"flip flops", A::Footwear, "sandals"},
        {"flipflops", A::Footwear, "sandals"},
        // gaits
        {"walk", A::Gait, "walk"},
        {"walking", A::Gait, "walk"},
        {"walks", A::Gait, "walk"},
        {"footsteps", A::Gait, "walk"},
        {"strolling", A::Gait, "walk"},
        {"stroll", A::Gait, "walk"},
        {"run", A::Gait, "run"},
        {"running", A::Gait, "run"},
        {"runs", A::Gait, "run"},
        {"sprint", A::Gait, "run"},
        {"sprinting", A::Gait, "run"},
        {"jog", A::Gait, "jog"},
        {"jogging", A::Gait, "jog"},
        {"sneak", A::Gait, "sneak"},
        {"sneaking", A::Gait, "sneak"},
        {"creep", A::Gait, "sneak"},
        {"creeping", A::Gait, "sneak"},
        {"tiptoe", A::Gait, "sneak"},
        {"tiptoeing", A::Gait, "sneak"},
        {"tip toe", A::Gait, "sneak"},
        {"tip toeing", A::Gait, "sneak"},
        {"stealthy", A::Gait, "sneak"},
        {"limp", A::Gait, "limp"},
        {"limping", A::Gait, "limp"},
        {"hobbling", A::Gait, "limp"},
        {"injured", A::Gait, "limp"},
        {"march", A::Gait, "march"},
        {"marching", A::Gait, "march"},
        {"stomp", A::Gait, "march"},
        {"stomping", A::Gait, "march"},
        // pace
        {"slow", A::Pace, "slow"},
        {"slowly", A::Pace, "slow"},
        {"leisurely", A::Pace, "slow"},
        {"unhurried", A::Pace, "slow"},
        {"fast", A::Pace, "fast"},
        {"quick", A::Pace, "fast"},
        {"quickly", A::Pace, "fast"},
        {"brisk", A::Pace, "fast"},
        {"briskly", A::Pace, "fast"},
        {"hurried", A::Pace, "fast"},
        {"rushing", A::Pace, "fast"},
        // weight
        {"child", A::Weight, "child"},
        {"kid", A::Weight, "child"},
        {"children", A::Weight, "child"},
        {"toddler", A::Weight, "child"},
        {"light", A::Weight, "light"},
        {"lightly", A::Weight, "light"},
        {"light footed", A::Weight, "light"},
        {"small", A::Weight, "light"},
        {"petite", A::Weight, "light"},
        {"delicate", A::Weight, "light"},
        {"heavy", A::Weight, "heavy"},
        {"heavily", A::Weight, "heavy"},
        {"heavyset", A::Weight, "heavy"},
        {"big", A::Weight, "heavy"},
        {"large", A::Weight, "heavy"},
        {"large man", A::Weight, "heavy"},
        {"big man", A::Weight, "heavy"},
        {"very heavy", A::Weight, "very_heavy"},
        {"giant", A::Weight, "very_heavy"},
        {"huge", A::Weight, "very_heavy"},
        {"ogre", A::Weight, "very_heavy"},
        // wetness
        {"damp", A::Wetness, "damp"},
        {"moist", A::Wetness, "damp"},
        {"wet", A::Wetness, "wet"},
        {"rain", A::Wetness, "wet"},
        {"rainy", A::Wetness, "wet"},
        {"soaked", A::Wetness, "wet"},
        {"muddy", A::Wetness, "wet"},
        {"mud", A::Wetness, "wet"},
        {"puddles", A::Wetness, "puddles"},
        {"puddle", A::Wetness, "puddles"},
        {"splashing", A::Wetness, "puddles"},
        {"flooded", A::Wetness, "puddles"},
        // perspective
        {"close", A::Perspective, "close"},
        {"close up", A::Perspective, "close"},
        {"closeup", A::Perspective, "close"},
        {"near", A::Perspective, "close"},
        {"nearby", A::Perspective, "close"},
        {"mid", A::Perspective, "mid"},
        {"medium distance", A::Perspective, "mid"},
        {"middle distance", A::Perspective, "mid"},
        {"across the room", A::Perspective, "mid"},
        {"far", A::Perspective, "far"},
        {"far away", A::Perspective, "far"},
        {"distant", A::Perspective, "far"},
        {"in the distance", A::Perspective, "far"},
        {"faraway", A::Perspective, "far"},
        {"background", A::Perspective, "far"},
    };
    return table;
}

struct Index {
    std::unordered_map<std::string, std::size_t> byPhrase;
    std::size_t longest = 1; // in words
};

const Index& vocabularyIndex() {
    static const Index index = [] {
        Index idx;
        const auto& table = vocabularyTable();
        for (std::size_t i = 0; i < table.size(); ++i) {
            idx.byPhrase.emplace(table[i].phrase, i);
            const auto words = static_cast<std::size_t>(std::count(table[i].phrase.begin(),
                                                                   table[i].phrase.end(), ' ')) +
                               1;
            idx.longest = std::max(idx.longest, words);
        }
        return idx;
    }();
    return index;
}

// Lower-case words of [a-z0-9.]; everything else separates ("flip-flops" -> "flip flops",
// "steps/s" -> "steps s"). A trailing '.' (sentence end) is dropped.
std::vector<std::string> tokenize(const std::string& text) {
    std::vector<std::string> tokens;
    std::string current;
    auto flush = [&] {
        while (!current.empty() && current.back() == '.')
            current.pop_back();
        while (!current.empty() && current.front() == '.')
            current.erase(current.begin());
        if (!current.empty())
            tokens.push_back(current);
        current.clear();
    };
    for (char raw : text) {
        const auto ch = static_cast<unsigned char>(raw);
        if (ch >= 'A' && ch <= 'Z')
            current.push_back(static_cast<char>(ch - 'A' + 'a'));
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.')
            current.push_back(static_cast<char>(ch));
        else
            flush();
    }
    flush();
    return tokens;
}

// Locale-independent ("2.5" must not depend on LC_NUMERIC, which Qt sets from the system).
std::optional<double> parseNumber(const std::string& token) {
    double value = 0.0;
    double scale = 0.0;
    bool digits = false;
    for (char ch : token) {
        if (ch >= '0' && ch <= '9') {
            digits = true;
            if (scale == 0.0) {
                value = value * 10.0 + (ch - '0');
            } else {
                value += (ch - '0') * scale;
                scale *= 0.1;
            }
        } else if (ch == '.' && scale == 0.0) {
            scale = 0.1;
        } else {
            return std::nullopt;
        }
    }
    if (!digits)
        return std::nullopt;
    return value;
}

// "2 steps per second", "2 steps/s", "2 steps a second", "2 sps", "100 steps per minute",
// "100 spm", "100 bpm". Returns steps per second and the number of tokens consumed.
std::optional<std::pair<double, std::size_t>> explicitPaceAt(const std::vector<std::string>& t,
                                                             std::size_t i) {
    const auto number = parseNumber(t[i]);
    if (!number || i + 1 >= t.size())
        return std::nullopt;
    auto at = [&](std::size_t k) -> std::string { return k < t.size() ? t[k] : std::string(); };
    auto isSecond = [](const std::string& w) { return w == "second" || w == "sec" || w == "s"; };
    auto isMinute = [](const std::string& w) { return w == "minute" || w == "min" || w == "m"; };
    const std::string unit = at(i + 1);
    if (unit == "sps")
        return std::make_pair(*number, std::size_t{2});
    if (unit == "spm" || unit == "bpm")
        return std::make_pair(*number / 60.0, std::size_t{2});
    if (unit != "steps" && unit != "step" && unit != "footsteps")
        return std::nullopt;
    std::size_t k = i + 2;
    if (at(k) == "per" || at(k) == "a" || at(k) == "each" || at(k) == "every")
        ++k;
    if (isSecond(at(k)))
        return std::make_pair(*number, k + 1 - i);
    if (isMinute(at(k)))
        return std::make_pair(*number / 60.0, k + 1 - i);
    return std::nullopt;
}

template <typename Enum, std::size_t N>
Enum enumFromName(const std::string& name, const Enum (&values)[N], const char* (*nameOf)(Enum)) {
    for (Enum v : values)
        if (name == nameOf(v))
            return v;
    return values[0];
}

double weightFromValue(const std::string& value) {
    if (value == "child")
        return 0.12;
    if (value == "light")
        return 0.3;
    if (value == "heavy")
        return 0.8;
    if (value == "very_heavy")
        return 0.95;
    return 0.5;
}

double wetnessFromValue(const std::string& value) {
    if (value == "damp")
        return 0.35;
    if (value == "wet")
        return 0.7;
    if (value == "puddles")
        return 1.0;
    return 0.0;
}

} // namespace

const char* surfaceName(Surface surface) {
    switch (surface) {
    case Surface::Concrete:
        return "concrete";
    case Surface::Marble:
        return "marble";
    case Surface::Wood:
        return "wood";
    case Surface::Metal:
        return "metal";
    case Surface::Gravel:
        return "gravel";
    case Surface::Snow:
        return "snow";
    case Surface::Sand:
        return "sand";
    case Surface::Leaves:
        return "leaves";
    case Surface::Carpet:
        return "carpet";
    case Surface::Grass:
        return "grass";
    }
    return "concrete";
}

const char* footwearName(Footwear footwear) {
    switch (footwear) {
    case Footwear::Sneakers:
        return "sneakers";
    case Footwear::Boots:
        return "boots";
    case Footwear::HighHeels:
        return "high_heels";
    case Footwear::DressShoes:
        return "dress_shoes";
    case Footwear::Barefoot:
        return "barefoot";
    case Footwear::Sandals:
        return "sandals";
    }
    return "sneakers";
}

const char* gaitName(Gait gait) {
    switch (gait) {
    case Gait::Walk:
        return "walk";
    case Gait::Run:
        return "run";
    case Gait::Jog:
        return "jog";
    case Gait::Sneak:
        return "sneak";
    case Gait::Limp:
        return "limp";
    case Gait::March:
        return "march";
    }
    return "walk";
}

const char* perspectiveName(Perspective perspective) {
    switch (perspective) {
    case Perspective::Close:
        return "close";
    case Perspective::Mid:
        return "mid";
    case Perspective::Far:
        return "far";
    }
    return "close";
}

const char* promptAxisName(PromptAxis axis) {
    switch (axis) {
    case PromptAxis::Surface:
        return "surface";
    case PromptAxis::Footwear:
        return "footwear";
    case PromptAxis::Gait:
        return "gait";
    case PromptAxis::Pace:
        return "pace";
    case PromptAxis::Weight:
        return "weight";
    case PromptAxis::Wetness:
        return "wetness";
    case PromptAxis::Perspective:
        return "perspective";
    }
    return "surface";
}

std::string weightLabel(double weight) {
    if (weight < 0.2)
        return "child";
    if (weight < 0.4)
        return "light";
    if (weight < 0.65)
        return "medium";
    if (weight < 0.9)
        return "heavy";
    return "very_heavy";
}

std::string wetnessLabel(double wetness) {
    if (wetness < 0.15)
        return "dry";
    if (wetness < 0.5)
        return "damp";
    if (wetness < 0.85)
        return "wet";
    return "puddles";
}

double gaitBasePace(Gait gait) {
    switch (gait) {
    case Gait::Walk:
        return 1.8;
    case Gait::Run:
        return 2.9;
    case Gait::Jog:
        return 2.45;
    case Gait::Sneak:
        return 1.0;
    case Gait::Limp:
        return 1.3;
    case Gait::March:
        return 2.0;
    }
    return 1.8;
}

FootstepParams interpretPrompt(const std::string& prompt) {
    static const Surface surfaces[] = {
        Surface::Concrete, Surface::Marble, Surface::Wood,   Surface::Metal,  Surface::Gravel,
        Surface::Snow,     Surface::Sand,   Surface::Leaves, Surface::Carpet, Surface::Grass};
    static const Footwear footwears[] = {Footwear::Sneakers,  Footwear::Boots,
                                         Footwear::HighHeels, Footwear::DressShoes,
                                         Footwear::Barefoot,  Footwear::Sandals};
    static const Gait gaits[] = {Gait::Walk,  Gait::Run,  Gait::Jog,
                                 Gait::Sneak, Gait::Limp, Gait::March};
    static const Perspective perspectives[] = {Perspective::Close, Perspective::Mid,
                                               Perspective::Far};

    FootstepParams params;
    const auto tokens = tokenize(prompt);
    const auto& table = vocabularyTable();
    const auto& index = vocabularyIndex();
    bool seen[7] = {};
    std::optional<double> explicitPace;
    double paceFactor = 1.0;

    for (std::size_t i = 0; i < tokens.size();) {
        if (!explicitPace) {
            if (auto pace = explicitPaceAt(tokens, i)) {
                explicitPace = pace->first;
                std::string words;
                for (std::size_t k = 0; k < pace->second; ++k)
                    words += (k ? " " : "") + tokens[i + k];
                params.matchedWords.push_back(words);
                i += pace->second;
                continue;
            }
        }
        // Longest phrase first ("high heels" before "heels"), then a plural fallback.
        std::optional<std::size_t> hit;
        std::size_t used = 0;
        for (std::size_t n = std::min(index.longest, tokens.size() - i); n >= 1 && !hit; --n) {
            std::string phrase = tokens[i];
            for (std::size_t k = 1; k < n; ++k)
                phrase += " " + tokens[i + k];
            auto it = index.byPhrase.find(phrase);
            if (it == index.byPhrase.end() && n == 1 && phrase.size() > 3 && phrase.back() == 's')
                it = index.byPhrase.find(phrase.substr(0, phrase.size() - 1));
            if (it != index.byPhrase.end()) {
                hit = it->second;
                used = n;
            }
        }
        if (!hit) {
            ++i;
            continue;
        }
        const PromptWord& word = table[*hit];
        params.matchedWords.push_back(word.phrase);
        i += used;
        const auto axis = static_cast<std::size_t>(word.axis);
        if (seen[axis])
            continue; // first phrase of an axis wins
        seen[axis] = true;
        switch (word.axis) {
        case PromptAxis::Surface:
            params.surface = enumFromName(word.value, surfaces, &surfaceName);
            break;
        case PromptAxis::Footwear:
            params.footwear = enumFromName(word.value, footwears, &footwearName);
            break;
        case PromptAxis::Gait:
            params.gait = enumFromName(word.value, gaits, &gaitName);
            break;
        case PromptAxis::Pace:
            paceFactor = word.value == "slow" ? kSlowFactor : kFastFactor;
            break;
        case PromptAxis::Weight:
            params.weight = weightFromValue(word.value);
            break;
        case PromptAxis::Wetness:
            params.wetness = wetnessFromValue(word.value);
            break;
        case PromptAxis::Perspective:
            params.perspective = enumFromName(word.value, perspectives, &perspectiveName);
            break;
        }
    }

    if (explicitPace) {
        params.explicitPace = true;
        params.paceStepsPerSecond = std::clamp(*explicitPace, kMinPace, kMaxPace);
    } else {
        params.paceStepsPerSecond =
            std::clamp(gaitBasePace(params.gait) * paceFactor, kMinPace, kMaxPace);
    }
    return params;
}

const std::vector<PromptWord>& promptVocabulary() {
    return vocabularyTable();
}

std::vector<std::string> knownWords(PromptAxis axis) {
    std::vector<std::string> words;
    for (const auto& word : vocabularyTable())
        if (word.axis == axis)
            words.push_back(word.phrase);
    return words;
}

std::vector<std::string> canonicalValues(PromptAxis axis) {
    std::vector<std::string> values;
    for (const auto& word : vocabularyTable())
        if (word.axis == axis &&
            std::find(values.begin(), values.end(), word.value) == values.end())
            values.push_back(word.value);
    return values;
}

nlohmann::json toJson(const FootstepParams& params) {
    // Rounded so that the metadata reads cleanly; the engine uses the exact values.
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return nlohmann::json{
        {"surface", surfaceName(params.surface)},
        {"footwear", footwearName(params.footwear)},
        {"gait", gaitName(params.gait)},
        {"pace_steps_per_second", round3(params.paceStepsPerSecond)},
        {"pace_explicit", params.explicitPace},
        {"weight", weightLabel(params.weight)},
        {"weight_amount", round3(params.weight)},
        {"wetness", wetnessLabel(params.wetness)},
        {"wetness_amount", round3(params.wetness)},
        {"perspective", perspectiveName(params.perspective)},
        {"matched_words", params.matchedWords},
    };
}

} // namespace footfall
