// Cheap checks of take files already on disk: is an audio file whole, and which leftovers of
// an interrupted atomic write lie next to a path. Used to recognise finished work (batch
// resume) and to list a library without reading every sample.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace footfall {

struct AudioFileInfo {
    std::int64_t frames = 0;
    int channels = 0;
    int sampleRate = 0;
    std::string container; // "wav", "flac" or "other"
    // Whether the file holds everything its header promises: a RIFF file is at least as long
    // as its RIFF size says, and the last frame decodes (a truncated FLAC keeps its header's
    // length, so only decoding the end shows what is missing).
    bool complete = false;
};

// Header facts and the completeness check, without reading the samples in between. Empty
// when the file does not exist or is not audio libsndfile can open.
std::optional<AudioFileInfo> probeAudioFile(const std::string& path);

// A temporary file that writeAudioFile/writeFileAtomically leave when the process dies before
// the rename: ".<file name>.<pid>.part" next to the file it was meant to become.
struct LeftoverFile {
    std::string path;   // the temporary file
    std::string target; // the file it was to become, in the same folder
};
// Every such leftover directly in `folder`, sorted by path. One listing for a whole folder,
// so that checking thousands of takes does not list the folder thousands of times.
std::vector<LeftoverFile> leftoverTemporaryFiles(const std::string& folder);

} // namespace footfall
