#include "io/file_check.h"

#include "io/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace footfall {

namespace fs = std::filesystem;

namespace {

struct SndfileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};

// The RIFF size field promises `size + 8` bytes; a file cut short (a killed writer, a full
// disk, an interrupted copy) is shorter. Empty when the file is not RIFF.
std::optional<bool> riffLengthComplete(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 8> head{};
    if (!in.read(reinterpret_cast<char*>(head.data()), head.size()))
        return std::nullopt;
    if (head[0] != 'R' || head[1] != 'I' || head[2] != 'F' || head[3] != 'F')
        return std::nullopt;
    const std::uint64_t riffSize =
        static_cast<std::uint64_t>(head[4]) | (static_cast<std::uint64_t>(head[5]) << 8) |
        (static_cast<std::uint64_t>(head[6]) << 16) | (static_cast<std::uint64_t>(head[7]) << 24);
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    return !ec && size >= riffSize + 8;
}

} // namespace

std::optional<AudioFileInfo> probeAudioFile(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    if (riffListProblem(path))
        return std::nullopt; // libsndfile would hang on it
    SF_INFO sf{};
    std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &sf));
    if (!file)
        return std::nullopt;
    AudioFileInfo info;
    info.frames = sf.frames;
    info.channels = sf.channels;
    info.sampleRate = sf.samplerate;
    const int major = sf.format & SF_FORMAT_TYPEMASK;
    info.container = major == SF_FORMAT_WAV ? "wav" : major == SF_FORMAT_FLAC ? "flac" : "other";

    bool endDecodes = sf.frames > 0 && sf.channels > 0;
    if (endDecodes) {
        std::vector<float> last(static_cast<std::size_t>(sf.channels));
        endDecodes = sf_seek(file.get(), sf.frames - 1, SEEK_SET) == sf.frames - 1 &&
                     sf_readf_float(file.get(), last.data(), 1) == 1;
    }
    info.complete = endDecodes && riffLengthComplete(path).value_or(true);
    return info;
}

std::vector<LeftoverFile> leftoverTemporaryFiles(const std::string& folder) {
    const fs::path dir(folder.empty() ? "." : folder);
    const std::string suffix = ".part";
    std::vector<LeftoverFile> found;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() <= 1 + suffix.size() || name[0] != '.' ||
            name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
            continue;
        // ".<target>.<pid>": the pid is the digits after the last dot.
        const std::string middle = name.substr(1, name.size() - 1 - suffix.size());
        const auto dot = middle.rfind('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == middle.size() ||
            !std::all_of(middle.begin() + static_cast<std::ptrdiff_t>(dot) + 1, middle.end(),
                         [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        found.push_back({it->path().string(), (dir / middle.substr(0, dot)).string()});
    }
    std::sort(found.begin(), found.end(),
              [](const LeftoverFile& a, const LeftoverFile& b) { return a.path < b.path; });
    return found;
}

} // namespace footfall
