// Planar float audio: one contiguous vector per channel. No Qt, no Torch.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

namespace footfall {

class AudioBuffer {
public:
    AudioBuffer() = default;
    AudioBuffer(int channels, std::size_t frames, int sampleRate)
        : m_sampleRate(sampleRate),
          m_data(static_cast<std::size_t>(channels), std::vector<float>(frames, 0.0f)) {
        if (channels < 0 || sampleRate <= 0)
            throw std::invalid_argument("AudioBuffer: channels must be >= 0 and sample rate > 0");
    }

    int channels() const { return static_cast<int>(m_data.size()); }
    std::size_t frames() const { return m_data.empty() ? 0 : m_data.front().size(); }
    int sampleRate() const { return m_sampleRate; }
    double durationSeconds() const {
        return m_sampleRate > 0 ? static_cast<double>(frames()) / m_sampleRate : 0.0;
    }
    bool empty() const { return frames() == 0; }

    float* channel(int c) { return m_data.at(static_cast<std::size_t>(c)).data(); }
    const float* channel(int c) const { return m_data.at(static_cast<std::size_t>(c)).data(); }
    std::vector<float>& channelVector(int c) { return m_data.at(static_cast<std::size_t>(c)); }
    const std::vector<float>& channelVector(int c) const {
        return m_data.at(static_cast<std::size_t>(c));
    }

    float sample(int c, std::size_t frame) const { return m_data[c][frame]; }

    // Frames [first, first + count) of every channel, clamped to the buffer.
    AudioBuffer slice(std::size_t first, std::size_t count) const {
        if (first > frames())
            first = frames();
        if (count > frames() - first)
            count = frames() - first;
        AudioBuffer out(channels(), count, m_sampleRate);
        for (int c = 0; c < channels(); ++c)
            std::copy(m_data[c].begin() + first, m_data[c].begin() + first + count,
                      out.m_data[c].begin());
        return out;
    }

    // Interleaved copy (L R L R ...) for file writers and audio devices.
    std::vector<float> interleaved() const {
        const std::size_t n = frames();
        const int ch = channels();
        std::vector<float> out(n * static_cast<std::size_t>(ch));
        for (int c = 0; c < ch; ++c)
            for (std::size_t i = 0; i < n; ++i)
                out[i * ch + c] = m_data[c][i];
        return out;
    }

    static AudioBuffer fromInterleaved(const float* data, std::size_t frames, int channels,
                                       int sampleRate) {
        AudioBuffer out(channels, frames, sampleRate);
        for (int c = 0; c < channels; ++c)
            for (std::size_t i = 0; i < frames; ++i)
                out.m_data[c][i] = data[i * channels + c];
        return out;
    }

private:
    int m_sampleRate = 44100;
    std::vector<std::vector<float>> m_data;
};

} // namespace footfall
