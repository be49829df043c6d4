// The WAV/FLAC reader used for init audio and re-import: readAudioFile (libsndfile), the
// markers (cue points + LIST/adtl labels, FLAC FOOTFALL_MARKER_NNN comments), FLAC Vorbis
// comments, the bext and iXML chunks. Documented failure: readAudioFile throws
// std::runtime_error; the other readers return nothing for a file without the data. Anything
// else (another exception, a crash, a sanitizer report, an allocation beyond libFuzzer's limit
// from a few bytes of header) is a finding.
#include "fuzz_input.h"

#include "io/audio_file.h"

#include <cstdint>
#include <stdexcept>

using namespace footfall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = footfall::fuzz::inputFile(data, size);
    try {
        const AudioBuffer audio = readAudioFile(path);
        FOOTFALL_FUZZ_CHECK(audio.channels() >= 1 && audio.sampleRate() > 0);
    } catch (const std::runtime_error&) {
    }
    (void)readMarkers(path);
    (void)readVorbisComments(path);
    (void)readBroadcastInfo(path);
    (void)readChunk(path, "iXML");
    (void)listChunks(path);
    return 0;
}
