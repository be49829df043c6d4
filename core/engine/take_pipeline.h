// Engine -> analysis -> file on disk -> metadata: one call that turns a request into saved takes.
#pragma once

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "engine/engine.h"
#include "io/audio_file.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace footfall {

struct OutputOptions {
    std::string folder = ".";
    std::string fileName; // optional explicit name (seed: --output x.wav); suffixed on collision
    AudioFormat format = AudioFormat::Wav32Float;
    std::string ucsTemplate; // empty: "YYYYMMDD_HHMMSS_<prompt>"; else e.g.
                             // "FEETHmn_<FXName>_<Creator>_<Source>"
    std::string creator;
    std::string source;
    bool writeSidecar = true;
    // Seed-compatible fields recorded as given (the seed's --checkpoint / --config).
    std::string checkpoint;
    std::string config;
};

struct TakeAnalysis {
    LevelStats levels;
    PhaseInfo phase;
    Loudness loudness;
};
TakeAnalysis analyseTake(const AudioBuffer& audio);

struct Take {
    std::string audioPath;   // final file, already on disk
    std::string sidecarPath; // empty if not written
    AudioBuffer audio;       // the samples as generated (float, unnormalised)
    TakeAnalysis analysis;
    nlohmann::json metadata; // exactly what the sidecar holds
};

// Checks the folder exists (or can be created) and is writable; throws GenerationError.
void checkOutputFolder(const std::string& folder);

using TakeSavedCallback = std::function<void(const Take&)>;

// Runs the engine one take at a time and saves each (audio + sidecar) before it is reported
// through `onSaved` and before the next starts. Throws GenerationError for bad input or a
// failed write, Cancelled when cancelled (takes already saved stay on disk and were reported).
std::vector<Take> generateTakes(Engine& engine, const GenerationRequest& request,
                                const OutputOptions& output, const ProgressCallback& progress,
                                const CancelToken* cancel, const TakeSavedCallback& onSaved = {});

// The metadata dictionary of one take (seed schema + reproduction fields).
nlohmann::json buildTakeMetadata(const Engine& engine, const GenerationRequest& request,
                                 const GeneratedAudio& generated, const TakeAnalysis& analysis,
                                 const OutputOptions& output, const std::string& audioPath,
                                 double generationSeconds);

} // namespace footfall
