// Engine -> analysis -> file on disk -> metadata: one call that turns a request into saved takes.
#pragma once

#include "audio/analysis.h"
#include "audio/loudness.h"
#include "generation/engine.h"
#include "io/audio_file.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace footfall {

struct OutputOptions {
    std::string folder = ".";
    std::string fileName; // optional explicit name (--output x.wav); suffixed on collision
    AudioFormat format = AudioFormat::Wav32Float;
    std::string ucsTemplate; // empty: "YYYYMMDD_HHMMSS_<prompt>"; else e.g.
                             // "FEETHmn_<FXName>_<Creator>_<Source>"
    std::string creator;
    std::string source;
    bool writeSidecar = true;
};

struct TakeAnalysis {
    LevelStats levels;
    PhaseInfo phase;
    Loudness loudness;
};
TakeAnalysis analyseTake(const AudioBuffer& audio);
// Where a take's metadata keeps its analysis ("max_amplitude", "rms", "peak_db", "rms_db",
// "phase_info", "loudness"): the one writer, for generated takes and files derived from them,
// and its reader. The reader gives nothing unless every field is there (a sidecar written before
// one existed), so that callers measure the audio instead.
void recordAnalysis(nlohmann::json& metadata, const TakeAnalysis& analysis);
std::optional<TakeAnalysis> recordedAnalysis(const nlohmann::json& metadata);

struct Take {
    std::string audioPath;   // final file, on disk unless saveError says otherwise
    std::string sidecarPath; // empty if not written
    AudioBuffer audio;       // the samples as generated (float, unnormalised)
    TakeAnalysis analysis;
    nlohmann::json metadata; // exactly what the sidecar holds
    // Empty once the take's files are on disk. Else why they could not be written, in words
    // ("could not save NAME: No space left on device"): nothing of the take is on disk (a
    // half-written file is removed), the take lives only here, and saveTake() tries again.
    std::string saveError;
    // What writing the take (again) needs besides `audio` and `metadata`.
    AudioFormat format = AudioFormat::Wav32Float;
    std::uint32_t ditherSeed = 1;
    bool withSidecar = true;
};

// Writes the take's audio file and sidecar from the take in memory (generateTakes does this
// for every take; call it again for a take whose saveError is set, once there is space). On
// success `sidecarPath` is set and `saveError` cleared; on failure nothing of the take is left
// on disk, `saveError` says why, and false is returned.
bool saveTake(Take& take);

// Checks the folder exists (or can be created) and is writable; throws GenerationError.
void checkOutputFolder(const std::string& folder);

using TakeSavedCallback = std::function<void(const Take&)>;

// Validates and resolves the request (resolveRequest: the one place a request is checked),
// runs the engine one take at a time and saves each (audio + sidecar) before it is reported
// through `onSaved` and before the next starts. Throws GenerationError for bad input,
// Cancelled when cancelled (takes already saved stay on disk and were reported).
// A take whose files cannot be written (a full disk, a read-only folder) is not lost: it is
// reported through `onSaved` with its saveError set and its audio kept; the other takes of its
// pass are tried and reported too, then GenerationError (the first saveError) ends the run.
std::vector<Take> generateTakes(Engine& engine, const GenerationRequest& request,
                                const OutputOptions& output, const ProgressCallback& progress,
                                const CancelToken* cancel, const TakeSavedCallback& onSaved = {});

// The metadata dictionary of one take (the established key set, plus "request": everything
// recallRequest() needs to generate the take again).
nlohmann::json buildTakeMetadata(const Engine& engine, const ResolvedTake& take,
                                 const GeneratedAudio& generated, const TakeAnalysis& analysis,
                                 const OutputOptions& output, const std::string& audioPath,
                                 double generationSeconds);

} // namespace footfall
