#include "io/audio_file.h"

#include "io/transliterate.h"

#include <sndfile.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
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

// Little-endian serialisation, whatever the host's byte order.
void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void putFixed(std::string& out, const std::string& text, std::size_t size) {
    std::string field = text.substr(0, std::min(size, text.size()));
    field.resize(size, '\0');
    out += field;
}
std::uint32_t get32(const std::string& s, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
    return v;
}

// Appends a RIFF chunk; an odd payload gets the pad byte RIFF requires (not counted in the size).
void appendChunk(std::string& out, const char* id, const std::string& payload) {
    out.append(id, 4);
    put32(out, static_cast<std::uint32_t>(payload.size()));
    out += payload;
    if (payload.size() % 2)
        out += '\0';
}

std::string fmtPayload(AudioFormat format, int channels, int sampleRate) {
    const int bits = audioFormatBits(format);
    const auto blockAlign = static_cast<std::uint16_t>(channels * bits / 8);
    std::string p;
    put16(p, format == AudioFormat::Wav32Float ? 3 : 1); // WAVE_FORMAT_IEEE_FLOAT : _PCM
    put16(p, static_cast<std::uint16_t>(channels));
    put32(p, static_cast<std::uint32_t>(sampleRate));
    put32(p, static_cast<std::uint32_t>(sampleRate) * blockAlign);
    put16(p, blockAlign);
    put16(p, static_cast<std::uint16_t>(bits));
    // Formats other than PCM need cbSize: without it sox warns "wave header missing extended
    // part of fmt chunk". WAVE_FORMAT_EXTENSIBLE is no way out: sox warns about that too.
    if (format == AudioFormat::Wav32Float)
        put16(p, 0);
    return p;
}

// EBU Tech 3285 v2: 602 bytes of fixed fields, then the coding history.
std::string bextPayload(const BroadcastInfo& b) {
    std::string p;
    putFixed(p, transliterateToAscii(b.description), 256);
    putFixed(p, transliterateToAscii(b.originator), 32);
    putFixed(p, transliterateToAscii(b.originatorReference), 32);
    putFixed(p, b.originationDate, 10);
    putFixed(p, b.originationTime, 8);
    put32(p, static_cast<std::uint32_t>(b.timeReference & 0xffffffffu));
    put32(p, static_cast<std::uint32_t>(b.timeReference >> 32));
    put16(p, 2);        // version
    p.append(64, '\0'); // UMID: none
    const auto& l = b.loudness;
    for (const auto& v :
         {l ? l->integratedLufs : std::nullopt, l ? l->loudnessRangeLu : std::nullopt,
          l ? l->truePeakDbtp : std::nullopt, l ? l->maxMomentaryLufs : std::nullopt,
          l ? l->maxShortTermLufs : std::nullopt})
        put16(p, static_cast<std::uint16_t>(loudnessField(v)));
    p.append(180, '\0'); // reserved
    // ASCII line by line, keeping R98's CR LF line ends (transliteration makes them spaces).
    std::string line;
    for (char c : b.codingHistory) {
        if (c == '\r' || c == '\n') {
            p += transliterateToAscii(line);
            p += c;
            line.clear();
        } else {
            line += c;
        }
    }
    p += transliterateToAscii(line);
    return p;
}

// The `cue ` chunk: one 24-byte point per marker, ids from 1, positioned in the data chunk.
std::string cuePayload(const CueMarkers& markers) {
    std::string p;
    put32(p, static_cast<std::uint32_t>(markers.size()));
    for (std::size_t i = 0; i < markers.size(); ++i) {
        const auto frame = static_cast<std::uint32_t>(markers[i].frame);
        put32(p, static_cast<std::uint32_t>(i + 1)); // dwName: the id labl refers to
        put32(p, frame);                             // dwPosition (no playlist: the frame)
        p += "data";                                 // fccChunk
        put32(p, 0);                                 // dwChunkStart
        put32(p, 0);                                 // dwBlockStart
        put32(p, frame);                             // dwSampleOffset
    }
    return p;
}

// LIST/adtl: a labl sub-chunk (cue id, NUL-terminated ASCII text) per marker.
std::string adtlPayload(const CueMarkers& markers) {
    std::string p = "adtl";
    for (std::size_t i = 0; i < markers.size(); ++i) {
        std::string labl;
        put32(labl, static_cast<std::uint32_t>(i + 1));
        labl += transliterateToAscii(markers[i].label);
        labl += '\0';
        appendChunk(p, "labl", labl);
    }
    return p;
}

std::vector<std::int32_t> integerCodes(const AudioBuffer& audio, AudioFormat format) {
    const double fullScale = format == AudioFormat::Wav16 ? 32768.0 : 8388608.0;
    const std::size_t frames = audio.frames();
    const int channels = audio.channels();
    std::vector<std::int32_t> codes(frames * static_cast<std::size_t>(channels));
    for (int c = 0; c < channels; ++c) {
        const float* x = audio.channel(c);
        for (std::size_t i = 0; i < frames; ++i)
            codes[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
                static_cast<std::int32_t>(std::lrint(static_cast<double>(x[i]) * fullScale));
    }
    return codes;
}

void writeWav(std::string& out, const AudioBuffer& audio, const WriteOptions& options) {
    const int channels = audio.channels();
    const int bytes = audioFormatBits(options.format) / 8;
    const std::uint64_t dataSize =
        static_cast<std::uint64_t>(audio.frames()) * static_cast<std::uint64_t>(channels * bytes);

    std::string header;
    appendChunk(header, "fmt ", fmtPayload(options.format, channels, audio.sampleRate()));
    if (options.format == AudioFormat::Wav32Float) {
        std::string fact;
        put32(fact, static_cast<std::uint32_t>(audio.frames())); // frames per channel
        appendChunk(header, "fact", fact);
    }
    appendChunk(header, "bext", bextPayload(options.bext));
    if (!options.ixml.empty())
        appendChunk(header, "iXML", options.ixml);
    if (!options.markers.empty()) {
        // cue before LIST: libsndfile names its cue points from labl chunks it reads later.
        appendChunk(header, "cue ", cuePayload(options.markers));
        appendChunk(header, "LIST", adtlPayload(options.markers));
    }
    const std::uint64_t riffSize = 4 + header.size() + 8 + dataSize + (dataSize % 2);
    if (riffSize > 0xffffffffu)
        throw std::runtime_error("the take is too long for a WAV file (over 4 GiB)");

    std::string start = "RIFF";
    put32(start, static_cast<std::uint32_t>(riffSize));
    start += "WAVE";
    start += header;
    start += "data";
    put32(start, static_cast<std::uint32_t>(dataSize));
    out = std::move(start);

    std::string block;
    if (options.format == AudioFormat::Wav32Float) {
        const std::vector<float> data = audio.interleaved();
        block.reserve(data.size() * 4);
        for (float f : data) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &f, sizeof bits);
            put32(block, bits);
        }
    } else {
        const std::vector<std::int32_t> codes = integerCodes(audio, options.format);
        block.reserve(codes.size() * static_cast<std::size_t>(bytes));
        for (std::int32_t v : codes) {
            const auto u = static_cast<std::uint32_t>(v);
            for (int b = 0; b < bytes; ++b)
                block += static_cast<char>((u >> (8 * b)) & 0xff);
        }
    }
    if (dataSize % 2)
        block += '\0';
    out += block;
}

// FLAC metadata block types (RFC 9639).
constexpr int kFlacStreamInfo = 0;
constexpr int kFlacVorbisComment = 4;

struct FlacBlock {
    int type = 0;
    std::string body;
};

// Parses "fLaC" + metadata blocks; `audioStart` gets the offset of the first frame.
std::vector<FlacBlock> flacBlocks(const std::string& bytes, std::size_t& audioStart) {
    if (bytes.size() < 8 || bytes.compare(0, 4, "fLaC") != 0)
        throw std::runtime_error("not a FLAC stream");
    std::vector<FlacBlock> blocks;
    std::size_t pos = 4;
    for (bool last = false; !last;) {
        if (pos + 4 > bytes.size())
            throw std::runtime_error("truncated FLAC metadata");
        const auto head = static_cast<unsigned char>(bytes[pos]);
        last = (head & 0x80u) != 0;
        const std::size_t length =
            (static_cast<std::size_t>(static_cast<unsigned char>(bytes[pos + 1])) << 16) |
            (static_cast<std::size_t>(static_cast<unsigned char>(bytes[pos + 2])) << 8) |
            static_cast<unsigned char>(bytes[pos + 3]);
        if (pos + 4 + length > bytes.size())
            throw std::runtime_error("truncated FLAC metadata");
        blocks.push_back({head & 0x7f, bytes.substr(pos + 4, length)});
        pos += 4 + length;
    }
    audioStart = pos;
    return blocks;
}

VorbisComments parseVorbisComment(const std::string& body, std::string* vendor) {
    VorbisComments out;
    std::size_t pos = 0;
    const auto take32 = [&]() {
        if (pos + 4 > body.size())
            throw std::runtime_error("truncated Vorbis comment");
        const std::uint32_t v = get32(body, pos);
        pos += 4;
        return v;
    };
    const auto takeText = [&](std::uint32_t n) {
        if (pos + n > body.size())
            throw std::runtime_error("truncated Vorbis comment");
        std::string t = body.substr(pos, n);
        pos += n;
        return t;
    };
    const std::string v = takeText(take32());
    if (vendor)
        *vendor = v;
    const std::uint32_t count = take32();
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::string entry = takeText(take32());
        const std::size_t eq = entry.find('=');
        if (eq != std::string::npos)
            out.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return out;
}

std::string vorbisCommentBody(const std::string& vendor, const VorbisComments& comments) {
    std::string body;
    put32(body, static_cast<std::uint32_t>(vendor.size()));
    body += vendor;
    put32(body, static_cast<std::uint32_t>(comments.size()));
    for (const auto& [key, value] : comments) {
        // Field names are ASCII 0x20-0x7D without '=' (Vorbis I, section 5.2.3).
        for (char c : key)
            if (c < 0x20 || c > 0x7d || c == '=')
                throw std::runtime_error("invalid Vorbis comment name \"" + key + "\"");
        const std::string entry = key + "=" + value;
        put32(body, static_cast<std::uint32_t>(entry.size()));
        body += entry;
    }
    return body;
}

// Replaces the FLAC file's Vorbis comment block (libFLAC writes one with its vendor string)
// by `comments`, right after STREAMINFO. Frames never point back into the metadata, so they
// are copied unchanged.
std::string withFlacComments(const std::string& bytes, const VorbisComments& comments) {
    std::size_t audioStart = 0;
    const std::vector<FlacBlock> blocks = flacBlocks(bytes, audioStart);
    std::string vendor = "Footfall";
    std::vector<FlacBlock> kept;
    for (const FlacBlock& b : blocks) {
        if (b.type == kFlacVorbisComment)
            parseVorbisComment(b.body, &vendor);
        else
            kept.push_back(b);
    }
    if (kept.empty() || kept.front().type != kFlacStreamInfo)
        throw std::runtime_error("FLAC stream without STREAMINFO");
    const std::string body = vorbisCommentBody(vendor, comments);
    if (body.size() >= (1u << 24))
        throw std::runtime_error("the take's metadata is too large for a FLAC comment block");
    kept.insert(kept.begin() + 1, FlacBlock{kFlacVorbisComment, body});

    std::string out = "fLaC";
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const std::size_t n = kept[i].body.size();
        out += static_cast<char>((i + 1 == kept.size() ? 0x80 : 0) | kept[i].type);
        out += static_cast<char>((n >> 16) & 0xff);
        out += static_cast<char>((n >> 8) & 0xff);
        out += static_cast<char>(n & 0xff);
        out += kept[i].body;
    }
    out.append(bytes, audioStart, std::string::npos);
    return out;
}

// A file in memory for libsndfile's virtual I/O: the FLAC encoder writes and seeks back (to
// fill in STREAMINFO) here, so that only finished bytes ever go to disk.
struct MemoryFile {
    std::string bytes;
    sf_count_t pos = 0;
};

SF_VIRTUAL_IO memoryFileIo() {
    SF_VIRTUAL_IO io{};
    io.get_filelen = [](void* user) {
        return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size());
    };
    io.seek = [](sf_count_t offset, int whence, void* user) {
        auto* f = static_cast<MemoryFile*>(user);
        const sf_count_t base = whence == SEEK_SET   ? 0
                                : whence == SEEK_CUR ? f->pos
                                                     : static_cast<sf_count_t>(f->bytes.size());
        f->pos = std::max<sf_count_t>(0, base + offset);
        return f->pos;
    };
    io.read = [](void* ptr, sf_count_t count, void* user) {
        auto* f = static_cast<MemoryFile*>(user);
        const auto size = static_cast<sf_count_t>(f->bytes.size());
        const sf_count_t n = std::clamp<sf_count_t>(size - f->pos, 0, count);
        if (n > 0)
            std::memcpy(ptr, f->bytes.data() + f->pos, static_cast<std::size_t>(n));
        f->pos += n;
        return n;
    };
    io.write = [](const void* ptr, sf_count_t count, void* user) {
        auto* f = static_cast<MemoryFile*>(user);
        const auto end = static_cast<std::size_t>(f->pos + count);
        if (end > f->bytes.size())
            f->bytes.resize(end);
        std::memcpy(f->bytes.data() + f->pos, ptr, static_cast<std::size_t>(count));
        f->pos += count;
        return count;
    };
    io.tell = [](void* user) { return static_cast<MemoryFile*>(user)->pos; };
    return io;
}

std::string encodeFlac(const AudioBuffer& audio, const WriteOptions& options) {
    SF_INFO info{};
    info.samplerate = audio.sampleRate();
    info.channels = audio.channels();
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
    MemoryFile memory;
    SF_VIRTUAL_IO io = memoryFileIo();
    {
        SndfilePtr file(sf_open_virtual(&io, SFM_WRITE, &info, &memory));
        if (!file)
            throw std::runtime_error(sf_strerror(nullptr));
        // 24-bit codes in the top bits of an int: libsndfile passes them to FLAC unscaled, so
        // the file holds exactly samplesAsWritten()'s values.
        std::vector<std::int32_t> codes = integerCodes(audio, AudioFormat::Flac);
        for (std::int32_t& v : codes)
            v = static_cast<std::int32_t>(static_cast<std::uint32_t>(v) << 8);
        const sf_count_t written =
            sf_writef_int(file.get(), codes.data(), static_cast<sf_count_t>(audio.frames()));
        if (written != static_cast<sf_count_t>(audio.frames()))
            throw std::runtime_error(sf_strerror(file.get()));
    }
    VorbisComments comments = options.vorbisComments;
    for (auto& c : markersToVorbisComments(options.markers))
        comments.push_back(std::move(c));
    return withFlacComments(memory.bytes, comments);
}

// Walks a RIFF/WAVE file's top-level chunks; `visit(id, size, in)` returns true to stop (with
// `in` positioned at the payload).
template <typename Visit> bool walkRiff(std::ifstream& in, Visit visit) {
    char head[12];
    if (!in.read(head, 12) || std::memcmp(head, "RIFF", 4) != 0 ||
        std::memcmp(head + 8, "WAVE", 4) != 0)
        return false;
    char chunk[8];
    while (in.read(chunk, 8)) {
        const std::string id(chunk, 4);
        const std::uint32_t size = get32(std::string(chunk, 8), 4);
        const std::streamoff payload = in.tellg();
        if (visit(id, size, in))
            return true;
        in.clear();
        in.seekg(payload + static_cast<std::streamoff>(size) + (size % 2));
    }
    return false;
}

} // namespace

std::optional<std::string> riffListProblem(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::optional<std::string> problem;
    walkRiff(in, [&](const std::string& id, std::uint32_t size, std::ifstream& stream) {
        if (id != "LIST" || size < 4)
            return false;
        // Only the headers inside the list: at most one per 8 bytes of a size the file holds.
        const std::streamoff start = stream.tellg();
        stream.seekg(0, std::ios::end);
        const std::streamoff fileEnd = stream.tellg();
        const std::uint64_t end = std::min<std::uint64_t>(
            static_cast<std::uint64_t>(start) + size,
            static_cast<std::uint64_t>(std::max<std::streamoff>(fileEnd, 0)));
        std::uint64_t pos = static_cast<std::uint64_t>(start) + 4; // after the list type
        char head[8];
        while (pos + 8 <= end) {
            stream.clear();
            stream.seekg(static_cast<std::streamoff>(pos));
            if (!stream.read(head, 8))
                break;
            const std::uint32_t n = get32(std::string(head, 8), 4);
            if (n > end - pos - 8) {
                problem = "a '" + std::string(head, 4) + "' entry of " + std::to_string(n) +
                          " bytes runs past the end of its LIST chunk";
                return true;
            }
            pos += 8 + n + (n % 2);
        }
        return false;
    });
    return problem;
}

namespace {

// sf_open for reading, after riffListProblem: libsndfile 1.2 loops forever on a LIST entry
// whose size runs past its list (found by fuzz_audio: a 966-byte WAV hung sf_open). Null when
// either refuses; `why` says which.
SndfilePtr openForReading(const std::string& path, SF_INFO& info, std::string* why = nullptr) {
    if (const auto problem = riffListProblem(path)) {
        if (why)
            *why = "malformed RIFF: " + *problem;
        return nullptr;
    }
    SndfilePtr file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file && why)
        *why = sf_strerror(nullptr);
    return file;
}

// A chunk's `size` payload bytes from the stream's position, or false (nothing allocated) when
// the file holds fewer: a chunk header can claim 4 GB in a file of a few bytes.
bool readPayload(std::ifstream& in, std::uint32_t size, std::string& out) {
    const std::streamoff at = in.tellg();
    in.seekg(0, std::ios::end);
    const std::streamoff end = in.tellg();
    in.seekg(at);
    if (at < 0 || end < at || static_cast<std::uint64_t>(end - at) < size)
        return false;
    out.assign(size, '\0');
    return static_cast<bool>(in.read(out.data(), size));
}

// The labl texts of a WAV's LIST/adtl chunks, by cue point id.
std::map<std::uint32_t, std::string> adtlLabels(const std::string& path) {
    std::map<std::uint32_t, std::string> labels;
    std::ifstream in(path, std::ios::binary);
    walkRiff(in, [&](const std::string& id, std::uint32_t size, std::ifstream& stream) {
        if (id != "LIST" || size < 4)
            return false;
        std::string list;
        if (!readPayload(stream, size, list) || list.compare(0, 4, "adtl") != 0)
            return false;
        for (std::size_t pos = 4; pos + 8 <= list.size();) {
            const std::string sub = list.substr(pos, 4);
            const std::uint32_t n = get32(list, pos + 4);
            if (n > list.size() - pos - 8)
                break; // truncated: keep what was read
            if (sub == "labl" && n >= 4) {
                std::string label = list.substr(pos + 12, n - 4);
                label.resize(strnlen(label.c_str(), label.size()));
                labels[get32(list, pos + 8)] = label;
            }
            pos += 8 + n + (n % 2);
        }
        return false;
    });
    return labels;
}

} // namespace

VorbisComments markersToVorbisComments(const CueMarkers& markers) {
    VorbisComments out;
    for (std::size_t i = 0; i < markers.size(); ++i) {
        char key[40];
        std::snprintf(key, sizeof key, "FOOTFALL_MARKER_%03zu", i + 1);
        out.emplace_back(key, std::to_string(markers[i].frame) + " " + markers[i].label);
    }
    return out;
}

CueMarkers markersFromVorbisComments(const VorbisComments& comments) {
    static const std::string prefix = "FOOTFALL_MARKER_";
    std::vector<std::pair<unsigned long, CueMarker>> numbered;
    for (const auto& [key, value] : comments) {
        if (key.size() <= prefix.size() || key.compare(0, prefix.size(), prefix) != 0 ||
            key.find_first_not_of("0123456789", prefix.size()) != std::string::npos)
            continue;
        const std::size_t digits = value.find_first_not_of("0123456789");
        if (digits == 0 || value.empty())
            continue; // not "<frame> <label>"
        CueMarker m;
        try {
            m.frame = std::stoull(value.substr(0, digits));
            if (digits != std::string::npos)
                m.label = value.substr(value[digits] == ' ' ? digits + 1 : digits);
            numbered.emplace_back(std::stoul(key.substr(prefix.size())), std::move(m));
        } catch (const std::out_of_range&) {
            continue; // a number no file position can be
        }
    }
    std::stable_sort(numbered.begin(), numbered.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    CueMarkers out;
    for (auto& [number, marker] : numbered)
        out.push_back(std::move(marker));
    std::stable_sort(out.begin(), out.end(),
                     [](const CueMarker& a, const CueMarker& b) { return a.frame < b.frame; });
    return out;
}

AudioBuffer samplesAsWritten(const AudioBuffer& audio, AudioFormat format,
                             std::uint32_t ditherSeed) {
    AudioBuffer out = audio;
    const int channels = out.channels();
    const std::size_t frames = out.frames();
    const bool integer = format != AudioFormat::Wav32Float;
    const float fullScale = format == AudioFormat::Wav16 ? 32768.0f : 8388608.0f;
    DitherRng rng{ditherSeed ? ditherSeed : 1u};
    // Frame by frame, channels interleaved: the dither sequence of earlier versions.
    for (std::size_t i = 0; i < frames; ++i) {
        for (int c = 0; c < channels; ++c) {
            float& s = out.channel(c)[i];
            if (!std::isfinite(s))
                s = 0.0f;
            if (!integer)
                continue; // the raw take: no clipping, no dither
            if (format == AudioFormat::Wav16)
                s += (rng.uniform() - rng.uniform()) / fullScale; // TPDF, +-1 LSB peak
            // Integer formats cannot hold overs: clip at the largest code, then round to a
            // code (a power-of-two scale, so both steps are exact in float).
            s = std::clamp(s, -1.0f, (fullScale - 1.0f) / fullScale);
            // "+ 0.0f": code 0 reads back as +0, not as the -0 that rounding -0.3 LSB gives.
            s = std::nearbyint(s * fullScale) / fullScale + 0.0f;
        }
    }
    return out;
}

FileWriteError::FileWriteError(std::string path, std::string reason)
    : std::runtime_error("cannot write " + path + ": " + reason), m_path(std::move(path)),
      m_reason(std::move(reason)) {}

namespace {

// injectWriteFaultForTesting: bytes still allowed before writes fail (negative: no fault).
std::atomic<std::int64_t> g_faultAfter{-1};
std::atomic<int> g_faultError{0};

// write(2), all of it, or -1 with errno set (the injected fault included).
bool writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        std::size_t chunk = std::min<std::size_t>(size, 1 << 20);
        if (const std::int64_t left = g_faultAfter.load(); left >= 0) {
            if (left == 0) {
                errno = g_faultError.load();
                return false;
            }
            chunk = std::min<std::size_t>(chunk, static_cast<std::size_t>(left));
            g_faultAfter.fetch_sub(static_cast<std::int64_t>(chunk));
        }
        const ssize_t n = ::write(fd, data, chunk);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

void injectWriteFaultForTesting(std::int64_t bytes, int error) {
    g_faultError = error;
    g_faultAfter = bytes;
}

void writeBytesAtomically(const std::string& path, const std::string& bytes) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string tmp =
        (dir / ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".part"))
            .string();
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw FileWriteError(path, std::strerror(errno));
    // Written, then on the disk (a full disk may only say so at fsync or close), then renamed:
    // `path` is the finished file or does not exist, even after a crash or a power cut.
    bool ok = writeAll(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0;
    int error = ok ? 0 : errno;
    if (::close(fd) != 0 && ok) {
        ok = false;
        error = errno;
    }
    if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
        ok = false;
        error = errno;
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        throw FileWriteError(path, std::strerror(error));
    }
}

void writeAudioFile(const std::string& path, const AudioBuffer& audio,
                    const WriteOptions& options) {
    if (audio.channels() < 1)
        throw std::runtime_error("cannot write " + path + ": the take has no channels");
    const AudioBuffer prepared = options.samplesPrepared
                                     ? AudioBuffer()
                                     : samplesAsWritten(audio, options.format, options.ditherSeed);
    const AudioBuffer& samples = options.samplesPrepared ? audio : prepared;
    for (const CueMarker& m : options.markers)
        if (m.frame >= audio.frames())
            throw std::runtime_error("cannot write " + path + ": the marker \"" + m.label +
                                     "\" at frame " + std::to_string(m.frame) +
                                     " lies past the end of the audio");
    // The whole file is made in memory first: what reaches the disk is complete or nothing.
    std::string bytes;
    try {
        if (options.format == AudioFormat::Flac)
            bytes = encodeFlac(samples, options);
        else
            writeWav(bytes, samples, options);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot write " + path + ": " + e.what());
    }
    writeBytesAtomically(path, bytes);
}

AudioBuffer readAudioFile(const std::string& path) {
    SF_INFO info{};
    std::string why;
    SndfilePtr file = openForReading(path, info, &why);
    if (!file)
        throw std::runtime_error("cannot read " + path + ": " + why);
    if (info.channels < 1 || info.frames < 0 || info.samplerate <= 0)
        throw std::runtime_error("cannot read " + path + ": invalid audio header");
    // The header's frame count is only a claim (a few bytes can announce terabytes): read in
    // blocks that start small and double up to about 4 MB, straight into the growing buffer,
    // and keep what the file really holds (a short file never costs a 4 MB block).
    const auto channels = static_cast<std::size_t>(info.channels);
    const sf_count_t maxBlockFrames =
        std::max<sf_count_t>(1, (sf_count_t{1} << 20) / info.channels);
    sf_count_t blockFrames = std::min<sf_count_t>(maxBlockFrames, 4096);
    std::vector<float> data;
    for (;;) {
        const std::size_t before = data.size();
        data.resize(before + static_cast<std::size_t>(blockFrames) * channels);
        const sf_count_t got = sf_readf_float(file.get(), data.data() + before, blockFrames);
        data.resize(before + static_cast<std::size_t>(std::max<sf_count_t>(0, got)) * channels);
        if (got < blockFrames)
            break;
        blockFrames = std::min(maxBlockFrames, blockFrames * 2);
    }
    return AudioBuffer::fromInterleaved(data.data(), data.size() / channels, info.channels,
                                        info.samplerate);
}

std::optional<BroadcastInfo> readBroadcastInfo(const std::string& path) {
    SF_INFO info{};
    SndfilePtr file = openForReading(path, info);
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
    out.timeReference =
        (static_cast<std::uint64_t>(bext.time_reference_high) << 32) | bext.time_reference_low;
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

std::optional<std::string> readChunkData(const std::string& path, const std::string& chunkId) {
    std::ifstream in(path, std::ios::binary);
    std::optional<std::string> data;
    walkRiff(in, [&](const std::string& id, std::uint32_t size, std::ifstream& stream) {
        if (id != chunkId)
            return false;
        std::string payload;
        if (readPayload(stream, size, payload))
            data = std::move(payload);
        return true;
    });
    return data;
}

std::optional<std::string> readChunk(const std::string& path, const std::string& chunkId) {
    std::optional<std::string> data = readChunkData(path, chunkId);
    if (!data || data->empty())
        return std::nullopt;
    while (!data->empty() && (data->back() == '\0' || data->back() == ' '))
        data->pop_back();
    return data;
}

std::vector<std::pair<std::string, std::uint32_t>> listChunks(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::pair<std::string, std::uint32_t>> chunks;
    walkRiff(in, [&](const std::string& id, std::uint32_t size, std::ifstream&) {
        chunks.emplace_back(id, size);
        return false;
    });
    return chunks;
}

VorbisComments readVorbisComments(const std::string& path) {
    // Only the metadata blocks at the head of the file are read, not the audio.
    std::ifstream in(path, std::ios::binary);
    char magic[4];
    if (!in.read(magic, 4) || std::memcmp(magic, "fLaC", 4) != 0)
        return {};
    unsigned char head[4];
    for (bool last = false; !last && in.read(reinterpret_cast<char*>(head), 4);) {
        last = (head[0] & 0x80u) != 0;
        const std::size_t length =
            (std::size_t{head[1]} << 16) | (std::size_t{head[2]} << 8) | head[3];
        if ((head[0] & 0x7f) != kFlacVorbisComment) {
            in.seekg(static_cast<std::streamoff>(length), std::ios::cur);
            continue;
        }
        std::string body(length, '\0');
        if (!in.read(body.data(), static_cast<std::streamsize>(length)))
            return {};
        try {
            return parseVorbisComment(body, nullptr);
        } catch (const std::exception&) {
            return {};
        }
    }
    return {};
}

CueMarkers readMarkers(const std::string& path) {
    if (const VorbisComments comments = readVorbisComments(path); !comments.empty())
        return markersFromVorbisComments(comments);
    SF_INFO info{};
    SndfilePtr file = openForReading(path, info);
    std::uint32_t count = 0;
    if (!file || (info.format & SF_FORMAT_TYPEMASK) != SF_FORMAT_WAV ||
        sf_command(file.get(), SFC_GET_CUE_COUNT, &count, sizeof count) != SF_TRUE || count == 0)
        return {};
    // SF_CUES_VAR(count), sized at run time: the count, then the points.
    std::vector<char> cues(sizeof(std::uint32_t) + count * sizeof(SF_CUE_POINT));
    if (sf_command(file.get(), SFC_GET_CUE, cues.data(), static_cast<int>(cues.size())) != SF_TRUE)
        return {};
    std::memcpy(&count, cues.data(), sizeof count);
    const std::map<std::uint32_t, std::string> labels = adtlLabels(path);
    CueMarkers out;
    for (std::uint32_t i = 0; i < count; ++i) {
        SF_CUE_POINT point;
        std::memcpy(&point, cues.data() + sizeof(std::uint32_t) + i * sizeof point, sizeof point);
        CueMarker m;
        m.frame = point.sample_offset;
        const auto label = labels.find(static_cast<std::uint32_t>(point.indx));
        m.label = label != labels.end() ? label->second
                                        : std::string(point.name, strnlen(point.name, 256));
        out.push_back(std::move(m));
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const CueMarker& a, const CueMarker& b) { return a.frame < b.frame; });
    return out;
}

int audioFormatBits(AudioFormat format) {
    switch (format) {
    case AudioFormat::Wav32Float:
        return 32;
    case AudioFormat::Wav16:
        return 16;
    case AudioFormat::Wav24:
    case AudioFormat::Flac:
        return 24;
    }
    return 32;
}

} // namespace footfall
