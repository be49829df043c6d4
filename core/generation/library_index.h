// Takes on disk as a library: whether a saved take is whole (its audio and its sidecar agree),
// and an index of a folder of takes built from their sidecars, as CSV and JSON.
// `footfall-cli batch` uses the check to recognise finished work, `footfall-cli index` the
// index; the app can read a library folder with the same calls.
#pragma once

#include "io/file_check.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace footfall {

struct SavedTakeCheck {
    std::string problem;     // empty when the take is whole; else one sentence
    nlohmann::json metadata; // the sidecar, when it parsed
    std::optional<AudioFileInfo> audio;
    bool ok() const { return problem.empty(); }
};

// The take whose audio file is `audioPath`: its sidecar (<stem>.json) parses as a take's
// metadata whose output_path names this file, and the audio file opens, is not cut short and
// has the sidecar's frame count, channels, sample rate and container (format). Reads the
// headers and the last frame, never the whole file.
SavedTakeCheck checkSavedTake(const std::string& audioPath);

// One take of a library: what the index lists.
struct LibraryEntry {
    std::string fileName;
    std::string path; // relative to the indexed folder, '/'-separated
    double durationSeconds = 0.0;
    int sampleRate = 0;
    int channels = 0;
    std::string format; // "wav32f", "wav24", "wav16", "flac"
    std::string prompt;
    std::int64_t seed = 0;
    std::string engine;
    std::string model;              // model folder or checkpoint name; "procedural synth N"
    std::vector<std::string> loras; // "FILE:STRENGTH", as --lora takes them
    std::optional<double> integratedLufs;
    std::optional<double> truePeakDbtp;
    std::optional<double> peakDbfs;
    // The sidecar's "ucs" record (io/ucs.h: cat_id, category, subcategory, fx_name,
    // creator_id, source_id, ...), else the same record made from the file name when it
    // starts with a CatID of the UCS list; null for other names.
    nlohmann::json ucs;
    std::string created;     // the sidecar's timestamp
    nlohmann::json metadata; // the whole sidecar (what the app's take list keeps)
};

struct LibraryScan {
    std::vector<LibraryEntry> entries; // sorted by path
    // Sidecars whose take is not whole ("path: problem"), also a JSON file that does not
    // parse as a take's metadata next to an audio file of its name; other JSON files that
    // are not a take's sidecar (a manifest, an earlier index) are passed over silently.
    std::vector<std::string> problems;
};

// Every take under `folder` (recursively), from its sidecar. Throws GenerationError when the
// folder does not exist.
LibraryScan scanLibrary(const std::string& folder);

// The index's columns, in order; the CSV header and the JSON keys.
const std::vector<std::string>& libraryIndexColumns();
// One object per take with libraryIndexColumns() as keys (null where a value is undefined).
nlohmann::json libraryIndexJson(const std::vector<LibraryEntry>& entries);
// RFC 4180: a header row, CRLF line ends, fields with a comma, quote, CR/LF or edge spaces
// quoted with quotes doubled; LoRAs joined with ';'.
std::string libraryIndexCsv(const std::vector<LibraryEntry>& entries);

} // namespace footfall
