// Writing and reading takes: WAV (32f/24/16) with BWF bext + iXML and cue markers, written by
// our own RIFF writer (libsndfile would append a contradicting coding-history line and writes a
// float fmt chunk that sox warns about), and FLAC through libsndfile with Vorbis comments. Reading
// is libsndfile's.
#pragma once

#include "audio/audio_buffer.h"
#include "audio/loudness.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace footfall {

enum class AudioFormat { Wav32Float, Wav24, Wav16, Flac };
// "wav32f" | "wav24" | "wav16" | "flac" (also accepts "wav" = wav32f, "float", "24", "16").
std::optional<AudioFormat> parseAudioFormat(const std::string& name);
std::string audioFormatName(AudioFormat format);
// Bits per sample as written (FLAC: 24).
int audioFormatBits(AudioFormat format);
std::string audioFormatExtension(AudioFormat format);   // "wav" or "flac"
std::string audioFormatDescription(AudioFormat format); // "WAV 32-bit float", ...

// The bext text fields are ASCII (the writer transliterates them: transliterateToAscii).
struct BroadcastInfo {
    std::string description;          // bext Description (256 chars): the prompt
    std::string originator;           // 32 chars: "Footfall"
    std::string originatorReference;  // 32 chars: unique take reference
    std::string originationDate;      // yyyy-mm-dd
    std::string originationTime;      // hh:mm:ss
    std::uint64_t timeReference = 0;  // first sample's position; derived files: in the source
    std::string codingHistory;        // EBU R98 lines, each ending in CR LF
    std::optional<Loudness> loudness; // bext v2 loudness fields
};

using VorbisComments = std::vector<std::pair<std::string, std::string>>; // KEY, UTF-8 value

// A marker (cue point): a position in frames from the file's first frame, and its label.
struct CueMarker {
    std::uint64_t frame = 0;
    std::string label; // ASCII in a WAV's labl chunk (transliterated), exact UTF-8 in FLAC
    bool operator==(const CueMarker& o) const { return frame == o.frame && label == o.label; }
};
using CueMarkers = std::vector<CueMarker>;

// FLAC has no marker chunk that DAWs share, so a FLAC file carries its markers as Vorbis
// comments: FOOTFALL_MARKER_001, _002, ... (numbered from 1, at least three digits, in
// marker order), each "<frame> <label>", e.g. FOOTFALL_MARKER_001=22050 step 1.
VorbisComments markersToVorbisComments(const CueMarkers& markers);
CueMarkers markersFromVorbisComments(const VorbisComments& comments);

struct WriteOptions {
    AudioFormat format = AudioFormat::Wav32Float;
    BroadcastInfo bext;            // written for WAV only
    std::string ixml;              // complete <BWFXML> document; WAV only; empty = none
    VorbisComments vorbisComments; // FLAC only
    // WAV: a `cue ` chunk (cue point i+1 at markers[i].frame, in dwPosition and dwSampleOffset)
    // and a LIST/adtl chunk with a labl per point, both before `data`: the layout DAWs such as
    // REAPER show as markers and libsndfile reads (SFC_GET_CUE, names from labl). FLAC: the
    // FOOTFALL_MARKER_NNN comments after `vorbisComments`. A marker past the last frame is an
    // error (std::runtime_error).
    CueMarkers markers;
    std::uint32_t ditherSeed = 1; // TPDF dither for 16-bit, deterministic per take
    // `audio` is samplesAsWritten()'s result already (measured before writing): written as is,
    // without a second dither.
    bool samplesPrepared = false;
};

// The samples exactly as `format` stores them: non-finite values become 0; integer formats
// (24-bit WAV and FLAC, 16-bit WAV) are clipped to their range, 16-bit gets TPDF dither
// (seeded by `ditherSeed`), and all are rounded to their codes. What describes a file (its
// peak in the sidecar) is measured on this.
AudioBuffer samplesAsWritten(const AudioBuffer& audio, AudioFormat format,
                             std::uint32_t ditherSeed = 1);

// A file that could not be written: what() is "cannot write PATH: REASON", reason() the
// system's words for it ("No space left on device").
class FileWriteError : public std::runtime_error {
public:
    FileWriteError(std::string path, std::string reason);
    const std::string& path() const { return m_path; }
    const std::string& reason() const { return m_reason; }

private:
    std::string m_path, m_reason;
};

// Writes `bytes` to a temporary file ".<name>.<pid>.part" in `path`'s folder, flushes it to the
// disk and renames it over `path`: `path` is either the whole file or untouched. On failure
// the temporary file is removed and FileWriteError says why.
void writeBytesAtomically(const std::string& path, const std::string& bytes);

// Fault injection for tests: once `bytes` more bytes have gone through writeBytesAtomically
// (the take files, sidecars), every write fails with `error` (an errno value such as ENOSPC)
// as a full disk or a read-only folder would. Negative `bytes` turns it off (the default).
void injectWriteFaultForTesting(std::int64_t bytes, int error);

// Writes atomically (writeBytesAtomically; the file is made in memory first). Throws
// FileWriteError when the disk refuses it, std::runtime_error naming the path otherwise.
// WAV layout: RIFF/WAVE, fmt (PCM: 16 bytes, tag 1; 32-bit float: 18 bytes, tag 3 with
// cbSize 0, then a fact chunk), bext v2, iXML, then with markers `cue ` and LIST/adtl, data.
void writeAudioFile(const std::string& path, const AudioBuffer& audio, const WriteOptions& options);

AudioBuffer readAudioFile(const std::string& path);

// Read-back for tests, the metadata panel and re-import.
std::optional<BroadcastInfo> readBroadcastInfo(const std::string& path);
// A RIFF chunk's payload (the first top-level chunk with that id) as text: trailing NULs and
// spaces removed. readChunkData: the exact payload bytes.
std::optional<std::string> readChunk(const std::string& path, const std::string& chunkId);
std::optional<std::string> readChunkData(const std::string& path, const std::string& chunkId);
// The ids and payload sizes of a RIFF file's top-level chunks, in file order.
std::vector<std::pair<std::string, std::uint32_t>> listChunks(const std::string& path);
// Why a WAV's LIST chunk is malformed (an entry larger than what is left of its list), or
// nothing. Every reader here checks it before libsndfile opens a file: libsndfile loops
// forever on such an entry.
std::optional<std::string> riffListProblem(const std::string& path);
// A FLAC file's Vorbis comments in file order (empty for other files).
VorbisComments readVorbisComments(const std::string& path);
// A file's markers in position order: a WAV's cue points (libsndfile's SFC_GET_CUE) with the
// labels of its LIST/adtl labl chunks, a FLAC's FOOTFALL_MARKER_NNN comments. Empty when it
// has none.
CueMarkers readMarkers(const std::string& path);

} // namespace footfall
