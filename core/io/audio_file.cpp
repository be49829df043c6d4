#include "io/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace footfall {

namespace fs = std::filesystem;

std::optional<AudioFormat> parseAudioFormat(const std::string& raw) {
    std::string name;
    for (char c : raw)
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "wav32f" || name == "wav" || name == "float" || name == "32f" || name == "f32")
        return AudioFormat::Wav32Float;
    if (name == "wav24" || name == "24" || name == "pcm24")
        return AudioFormat::Wav24;
    if (name == "wav16" || name == "16" || name == "pcm16")
        return AudioFormat::Wav16;
    if (name == "flac")
        return AudioFormat::Flac;
    return std::nullopt;
}

std::string audioFormatName(AudioFormat format) {
    switch (format) {
    case AudioFormat::Wav32Float:
        return "wav32f";
    case AudioFormat::Wav24:
        return "wav24";
    case AudioFormat::Wav16:
        return "wav16";
    case AudioFormat::Flac:
        return "flac";
    }
    return "wav32f";
}

std::string audioFormatExtension(AudioFormat format) {
    return format == AudioFormat::Flac ? "flac" : "wav";
}

std::string audioFormatDescription(AudioFormat format) {
    switch (format) {
    case AudioFormat::Wav32Float:
        return "WAV 32-bit float";
    case AudioFormat::Wav24:
        return "WAV 24-bit PCM";
    case AudioFormat::Wav16:
        return "WAV 16-bit PCM (TPDF dither)";
    case AudioFormat::Flac:
        return "FLAC 24-bit";
    }
    return "WAV";
}

namespace {

struct SndfileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

int sndfileFormat(AudioFormat format) {
    switch (format) {
    case AudioFormat::Wav32Float:
        return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    case AudioFormat::Wav24:
        return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    case AudioFormat::Wav16:
        return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case AudioFormat::Flac:
        return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    }
    return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
}

void copyField(char* dst, std::size_t size, const std::string& src) {
    std::memset(dst, 0, size);
    std::memcpy(dst, src.data(), std::min(size, src.size()));
}

// bext v2 stores loudness as int16 in 1/100 units; 0x7fff marks "not set".
std::int16_t loudnessField(const std::optional<double>& value) {
    if (!value)
        return 0x7fff;
    return static_cast<std::int16_t>(std::lround(std::clamp(*value, -327.0, 327.0) * 100.0));
}

std::optional<double> loudnessValue(std::int16_t raw) {
    if (raw == 0x7fff)
        return std::nullopt;
    return raw / 100.0;
}

// Simple xorshift for dither: deterministic, independent of the standard library.
struct DitherRng {
    std::uint32_t state;
    float uniform() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return static_cast<float>(state) / 4294967296.0f;
    }
};

std::vector<float> prepareSamples(const AudioBuffer& audio, const WriteOptions& options) {
    std::vector<float> data = audio.interleaved();
    for (float& s : data)
        if (!std::isfinite(s))
            s = 0.0f;
    if (options.format == AudioFormat::Wav32Float)
        return data; // the raw take: no clipping, no dither
    const float fullScale = options.format == AudioFormat::Wav16 ? 32768.0f : 8388608.0f;
    DitherRng rng{options.ditherSeed ? options.ditherSeed : 1u};
    for (float& s : data) {
        if (options.format == AudioFormat::Wav16) {
            // TPDF: sum of two uniforms, +-1 LSB peak.
            const float tpdf = (rng.uniform() - rng.uniform()) / fullScale;
            s += tpdf;
        }
        // Integer formats cannot hold overs: clip at the largest code.
        s = std::clamp(s, -1.0f, (fullScale - 1.0f) / fullScale);
    }
    return data;
}

} // namespace

void writeAudioFile(const std::string& path, const AudioBuffer& audio,
                    const WriteOptions& options) {
    if (audio.channels() < 1)
        throw std::runtime_error("cannot write " + path + ": the take has no channels");
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string tmp =
        (dir / ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".part"))
            .string();

    SF_INFO info{};
    info.samplerate = audio.sampleRate();
    info.channels = audio.channels();
    info.format = sndfileFormat(options.format);
    {
        SndfilePtr file(sf_open(tmp.c_str(), SFM_WRITE, &info));
        if (!file)
            throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
        const bool isWav = options.format != AudioFormat::Flac;
        if (isWav) {
            // Chunks must be set before the first sample is written.
            SF_BROADCAST_INFO_VAR(2048) bext{};
            copyField(bext.description, sizeof bext.description, options.bext.description);
            copyField(bext.originator, sizeof bext.originator, options.bext.originator);
            copyField(bext.originator_reference, sizeof bext.originator_reference,
                      options.bext.originatorReference);
            copyField(bext.origination_date, sizeof bext.origination_date,
                      options.bext.originationDate);
            copyField(bext.origination_time, sizeof bext.origination_time,
                      options.bext.originationTime);
            bext.version = 2;
            const auto& l = options.bext.loudness;
            bext.loudness_value = loudnessField(l ? l->integratedLufs : std::nullopt);
            bext.loudness_range = loudnessField(l ? l->loudnessRangeLu : std::nullopt);
            bext.max_true_peak_level = loudnessField(l ? l->truePeakDbtp : std::nullopt);
            bext.max_momentary_loudness = loudnessField(l ? l->maxMomentaryLufs : std::nullopt);
            bext.max_shortterm_loudness = loudnessField(l ? l->maxShortTermLufs : std::nullopt);
            std::string history = options.bext.codingHistory;
            if (history.size() > 2000)
                history.resize(2000);
            copyField(bext.coding_history, sizeof bext.coding_history, history);
            bext.coding_history_size = static_cast<std::uint32_t>(history.size());
            if (sf_command(file.get(), SFC_SET_BROADCAST_INFO, &bext, sizeof bext) != SF_TRUE) {
                file.reset();
                std::remove(tmp.c_str());
                throw std::runtime_error("cannot write the bext chunk of " + path);
            }
            if (!options.ixml.empty()) {
                SF_CHUNK_INFO chunk{};
                std::strncpy(chunk.id, "iXML", sizeof chunk.id);
                chunk.id_size = 4;
                std::string payload = options.ixml;
                if (payload.size() % 2)
                    payload += ' '; // RIFF chunks are word aligned
                chunk.datalen = static_cast<unsigned>(payload.size());
                chunk.data = payload.data();
                if (sf_set_chunk(file.get(), &chunk) != SF_ERR_NO_ERROR) {
                    file.reset();
                    std::remove(tmp.c_str());
                    throw std::runtime_error("cannot write the iXML chunk of " + path);
                }
            }
        }
        const std::vector<float> data = prepareSamples(audio, options);
        const sf_count_t written =
            sf_writef_float(file.get(), data.data(), static_cast<sf_count_t>(audio.frames()));
        if (written != static_cast<sf_count_t>(audio.frames())) {
            const std::string why = sf_strerror(file.get());
            file.reset();
            std::remove(tmp.c_str());
            throw std::runtime_error("cannot write " + path + ": " + why);
        }
        sf_write_sync(file.get());
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot move the finished take to " + path + ": " + ec.message());
    }
}

AudioBuffer readAudioFile(const std::string& path) {
    SF_INFO info{};
    SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file)
        throw std::runtime_error("cannot read " + path + ": " + sf_strerror(nullptr));
    if (info.channels < 1 || info.frames < 0 || info.samplerate <= 0)
        throw std::runtime_error("cannot read " + path + ": invalid audio header");
    std::vector<float> data(static_cast<std::size_t>(info.frames) * info.channels);
    const sf_count_t got = sf_readf_float(file.get(), data.data(), info.frames);
    return AudioBuffer::fromInterleaved(data.data(),
                                        static_cast<std::size_t>(std::max<sf_count_t>(got, 0)),
                                        info.channels, info.samplerate);
}

std::optional<BroadcastInfo> readBroadcastInfo(const std::string& path) {
    SF_INFO info{};
    SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file)
        return std::nullopt;
    SF_BROADCAST_INFO_VAR(4096) bext{};
    if (sf_command(file.get(), SFC_GET_BROADCAST_INFO, &bext, sizeof bext) != SF_TRUE)
        return std::nullopt;
    auto field = [](const char* p, std::size_t n) { return std::string(p, strnlen(p, n)); };
    BroadcastInfo out;
    out.description = field(bext.description, sizeof bext.description);
    out.originator = field(bext.originator, sizeof bext.originator);
    out.originatorReference = field(bext.originator_reference, sizeof bext.originator_reference);
    out.originationDate = field(bext.origination_date, sizeof bext.origination_date);
    out.originationTime = field(bext.origination_time, sizeof bext.origination_time);
    out.codingHistory =
        field(bext.coding_history,
              std::min<std::size_t>(bext.coding_history_size, sizeof bext.coding_history));
    if (bext.version >= 2) {
        Loudness l;
        l.integratedLufs = loudnessValue(bext.loudness_value);
        l.loudnessRangeLu = loudnessValue(bext.loudness_range);
        l.truePeakDbtp = loudnessValue(bext.max_true_peak_level);
        l.maxMomentaryLufs = loudnessValue(bext.max_momentary_loudness);
        l.maxShortTermLufs = loudnessValue(bext.max_shortterm_loudness);
        out.loudness = l;
    }
    return out;
}

std::optional<std::string> readChunk(const std::string& path, const std::string& chunkId) {
    SF_INFO info{};
    SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file)
        return std::nullopt;
    SF_CHUNK_INFO query{};
    std::strncpy(query.id, chunkId.c_str(), sizeof query.id - 1);
    query.id_size = static_cast<unsigned>(std::min<std::size_t>(chunkId.size(), 4));
    SF_CHUNK_ITERATOR* it = sf_get_chunk_iterator(file.get(), &query);
    if (!it)
        return std::nullopt;
    SF_CHUNK_INFO chunk{};
    if (sf_get_chunk_size(it, &chunk) != SF_ERR_NO_ERROR || chunk.datalen == 0)
        return std::nullopt;
    std::string data(chunk.datalen, '\0');
    chunk.data = data.data();
    if (sf_get_chunk_data(it, &chunk) != SF_ERR_NO_ERROR)
        return std::nullopt;
    while (!data.empty() && (data.back() == '\0' || data.back() == ' '))
        data.pop_back();
    return data;
}

} // namespace footfall
