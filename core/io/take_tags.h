// What a take's file carries besides its samples -- BWF bext, iXML, FLAC Vorbis comments --
// all derived from the take's metadata (what its sidecar holds), so that none of them can
// disagree with another; and the way back from a file to its metadata.
#pragma once

#include "io/audio_file.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace footfall {

// One EBU R98 coding-history line, "A=PCM,F=44100,W=24,M=stereo,T=<text>" + CR LF. R98 knows
// only integer PCM word lengths: 32-bit float is written as A=PCM,W=32 with "32-bit float" in
// the T= text (A=PCM_FLOAT and the like are not R98). M= is mono, stereo or multitrack.
std::string codingHistoryLine(AudioFormat format, int sampleRate, int channels,
                              const std::string& text);

// A take's coding history: one line, "T=Footfall <version>; <engine>[; 32-bit float |
// ; TPDF dither]". A derived file (metadata with "source_take") has two: the take as it was
// generated, then this file ("T=Footfall <version>; export" or "; selection").
std::string codingHistoryFor(const nlohmann::json& metadata, AudioFormat format);

// FLAC Vorbis comments (values exact UTF-8):
//   TITLE (the UCS FXName, else the prompt), DESCRIPTION (the prompt), DATE (the take's
//   timestamp, ISO 8601), ENCODER ("Footfall <version>"), ORIGINATOR ("Footfall");
//   with UCS naming CATID, CATEGORY, SUBCATEGORY, CATEGORYFULL, FXNAME, CREATORID, SOURCEID
//   (and USERCATEGORY, VENDORCATEGORY, USERDATA when the name has them);
//   FOOTFALL_VERSION, FOOTFALL_SEED, FOOTFALL_ENGINE, FOOTFALL_SAMPLER, FOOTFALL_CFG_SCALE and
//   FOOTFALL_STEPS (absent when not applicable to the engine), FOOTFALL_DURATION (seconds
//   asked for), FOOTFALL_NEGATIVE_PROMPT, FOOTFALL_MODEL and FOOTFALL_LORAS (compact JSON),
//   FOOTFALL_LOUDNESS_LUFS, FOOTFALL_LOUDNESS_RANGE_LU, FOOTFALL_TRUE_PEAK_DBTP,
//   FOOTFALL_PEAK_DBFS, FOOTFALL_SOURCE_TAKE (derived files), and FOOTFALL_METADATA: the whole
//   metadata as compact JSON (including "request", what recallRequest reads).
// The writer adds the file's markers after these (WriteOptions::markers):
//   FOOTFALL_MARKER_001, FOOTFALL_MARKER_002, ... = "<frame> <label>", e.g. "22050 step 1"
//   (frames from the file's first frame; markersToVorbisComments in io/audio_file.h).
VorbisComments metadataToVorbisComments(const nlohmann::json& metadata);

// A take's step markers: one per footstep the export's step slicer finds (detectSteps, the
// one onset detector), at the frame where the slicer starts that step, labelled "step 1",
// "step 2", ... Every saved take carries them (WAV cue + LIST/adtl labl, FLAC
// FOOTFALL_MARKER_NNN).
CueMarkers stepMarkers(const AudioBuffer& audio);
// The markers inside [first, first + count) of a take, moved so that `first` is frame 0, as a
// file cut from that range carries them; the others are dropped, labels are kept ("step 3"
// stays "step 3").
CueMarkers markersInRange(const CueMarkers& markers, std::size_t first, std::size_t count);
// The markers a take's file carries (readMarkers), or, for a file without any (a take written
// before markers existed), stepMarkers(audio) of its audio.
CueMarkers takeMarkers(const std::string& path, const AudioBuffer& audio);

// Everything writeAudioFile needs besides the samples: bext (ASCII description, originator,
// reference, date and time from "timestamp", TimeReference from "source_take", coding
// history, loudness), iXML and Vorbis comments.
WriteOptions takeWriteOptions(const nlohmann::json& metadata, AudioFormat format,
                              std::uint32_t ditherSeed);

// The metadata a take file carries: a WAV's iXML FOOTFALL_METADATA or a FLAC's
// FOOTFALL_METADATA comment. Empty for files without it (older takes, other files).
std::optional<nlohmann::json> readTakeMetadata(const std::string& path);

// The metadata of a file cut or processed from a take (an export, a dragged selection): the
// take's metadata with this file's path (absolute), format, timestamp and length, and
// "source_take" = {path, format, timestamp, first_frame, frames, start_seconds, end_seconds,
// kind}: which take, which range of it. "ucs" describes this file's name: present when the
// name starts with a CatID of the UCS list. The caller records the new audio's analysis.
nlohmann::json derivedTakeMetadata(const nlohmann::json& takeMetadata,
                                   const std::string& sourcePath, const std::string& path,
                                   AudioFormat format, std::size_t firstFrame, std::size_t frames,
                                   const std::string& kind,
                                   std::chrono::system_clock::time_point when);

// Local time as the metadata's "timestamp" holds it: YYYY-MM-DDTHH:MM:SS.
std::string metadataTimestamp(std::chrono::system_clock::time_point when);

} // namespace footfall
