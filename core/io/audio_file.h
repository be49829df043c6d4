// Writing and reading takes with libsndfile: WAV (32f/24/16) and FLAC, BWF bext + iXML.
#pragma once

#include "audio/audio_buffer.h"
#include "audio/loudness.h"

#include <cstdint>
#include <optional>
#include <string>

namespace footfall {

enum class AudioFormat { Wav32Float, Wav24, Wav16, Flac };
// "wav32f" | "wav24" | "wav16" | "flac" (also accepts "wav" = wav32f, "float", "24", "16").
std::optional<AudioFormat> parseAudioFormat(const std::string& name);
std::string audioFormatName(AudioFormat format);
std::string audioFormatExtension(AudioFormat format);   // "wav" or "flac"
std::string audioFormatDescription(AudioFormat format); // "WAV 32-bit float", ...

struct BroadcastInfo {
    std::string description;         // bext Description (256 chars): the prompt
    std::string originator;          // 32 chars: "Footfall"
    std::string originatorReference; // 32 chars: unique take reference
    std::string originationDate;     // yyyy-mm-dd
    std::string originationTime;     // hh:mm:ss
    std::string codingHistory;
    std::optional<Loudness> loudness; // bext v2 loudness fields
};

struct WriteOptions {
    AudioFormat format = AudioFormat::Wav32Float;
    BroadcastInfo bext;           // written for WAV only
    std::string ixml;             // complete <BWFXML> document; WAV only; empty = none
    std::uint32_t ditherSeed = 1; // TPDF dither for 16-bit, deterministic per take
};

// Writes atomically: a temporary file in the target folder, renamed over `path` only when
// complete. Throws std::runtime_error naming the path on failure.
void writeAudioFile(const std::string& path, const AudioBuffer& audio, const WriteOptions& options);

AudioBuffer readAudioFile(const std::string& path);

// Read-back for tests and the metadata panel.
std::optional<BroadcastInfo> readBroadcastInfo(const std::string& path);
std::optional<std::string> readChunk(const std::string& path, const std::string& chunkId);

} // namespace footfall
