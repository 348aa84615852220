#include "audio/wav.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "common/error.h"

namespace mcunet::audio {

namespace fs = std::filesystem;

namespace {

constexpr std::uint16_t kPcm = 1, kFloat = 3, kExtensible = 0xFFFE;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(1) << 30;  // 1 GiB

std::uint32_t le32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint16_t le16(const std::uint8_t* p) { return std::uint16_t(p[0] | p[1] << 8); }

struct Format {
    std::uint16_t tag = 0, channels = 0, bits = 0, blockAlign = 0;
    std::uint32_t rate = 0;
    bool isFloat() const { return tag == kFloat; }
};

Format parseFormat(const std::uint8_t* p, std::uint32_t size, const std::string& name) {
    auto bad = [&](const std::string& why) { return Error(name + ": fmt chunk: " + why); };
    if (size < 16) throw bad("is " + std::to_string(size) + " bytes (at least 16)");
    Format f;
    f.tag = le16(p);
    f.channels = le16(p + 2);
    f.rate = le32(p + 4);
    f.blockAlign = le16(p + 12);
    f.bits = le16(p + 14);
    if (f.tag == kExtensible) {
        if (size < 40) throw bad("EXTENSIBLE format in " + std::to_string(size) + " bytes (40 needed)");
        f.tag = le16(p + 24);  // the sub-format GUID's first two bytes: 1 PCM, 3 IEEE float
    }
    if (f.tag != kPcm && f.tag != kFloat)
        throw bad("format " + std::to_string(f.tag) + " (only PCM and IEEE float are read; convert with sox FILE -e signed -b 16 out.wav)");
    if (f.channels < 1 || f.channels > 16) throw bad("channels " + std::to_string(f.channels) + " (1..16)");
    if (f.rate < 1000 || f.rate > 384000) throw bad("sample rate " + std::to_string(f.rate) + " Hz (1000..384000)");
    const bool pcmBits = f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32;
    if (f.tag == kPcm ? !pcmBits : f.bits != 32)
        throw bad(std::to_string(f.bits) + " bits per sample (PCM: 8, 16, 24, 32; float: 32)");
    if (f.blockAlign != f.channels * (f.bits / 8))
        throw bad("block align " + std::to_string(f.blockAlign) + ", the channels and bits give " +
                  std::to_string(f.channels * (f.bits / 8)));
    return f;
}

float sampleAt(const std::uint8_t* p, const Format& f) {
    switch (f.bits) {
        case 8: return (float(p[0]) - 128.0f) / 128.0f;  // 8-bit WAV is unsigned
        case 16: return float(std::int16_t(le16(p))) / 32768.0f;
        case 24: {
            std::int32_t v = std::int32_t(p[0] | p[1] << 8 | p[2] << 16);
            if (v & 0x800000) v -= 0x1000000;
            return float(v) / 8388608.0f;
        }
        default: {
            const std::uint32_t u = le32(p);
            if (f.isFloat()) {
                float v;
                std::memcpy(&v, &u, 4);
                return std::isfinite(v) ? std::clamp(v, -1.0f, 1.0f) : 0.0f;
            }
            return float(double(std::int32_t(u)) / 2147483648.0);
        }
    }
}

}  // namespace

Clip parseWav(const std::vector<std::uint8_t>& b, const std::string& name) {
    if (b.size() < 12 || std::memcmp(b.data(), "RIFF", 4) != 0 || std::memcmp(b.data() + 8, "WAVE", 4) != 0)
        throw Error(name + ": not a WAV file (no RIFF/WAVE header)");
    Format format;
    bool haveFormat = false;
    std::size_t at = 12;
    while (at + 8 <= b.size()) {
        const std::uint32_t size = le32(b.data() + at + 4);
        const std::string id(reinterpret_cast<const char*>(b.data() + at), 4);
        const std::size_t body = at + 8;
        if (std::uint64_t(size) > b.size() - body) {
            // A data chunk cut short (a recording that was stopped) is read
            // up to the end of the file; any other chunk must be whole.
            if (id != "data") throw Error(name + ": chunk '" + id + "' says " + std::to_string(size) + " bytes, the file has " +
                                          std::to_string(b.size() - body) + " left (truncated file)");
        }
        if (id == "fmt ") {
            format = parseFormat(b.data() + body, size, name);
            haveFormat = true;
        } else if (id == "data") {
            if (!haveFormat) throw Error(name + ": data chunk before the fmt chunk");
            const std::size_t bytes = std::min<std::size_t>(size, b.size() - body);
            const std::size_t frames = bytes / format.blockAlign;
            if (double(frames) / format.rate > kMaxWavSeconds)
                throw Error(name + ": data: " + std::to_string(double(frames) / format.rate) + " s (at most " +
                            std::to_string(int(kMaxWavSeconds)) + " s are read)");
            Clip clip;
            clip.sampleRate = int(format.rate);
            clip.samples.resize(frames);
            const std::size_t width = format.bits / 8;
            for (std::size_t i = 0; i < frames; ++i) {
                float sum = 0.0f;
                const std::uint8_t* frame = b.data() + body + i * format.blockAlign;
                for (int c = 0; c < format.channels; ++c) sum += sampleAt(frame + std::size_t(c) * width, format);
                clip.samples[i] = sum / float(format.channels);
            }
            return clip;
        }
        at = body + size + (size & 1);  // chunks are padded to an even size
        if (at < body) break;           // overflow: treated as the end
    }
    throw Error(name + (haveFormat ? ": no data chunk" : ": no fmt chunk"));
}

Clip readWav(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error(path + ": file not found");
    if (!fs::is_regular_file(path, ec)) throw Error(path + ": not a regular file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) throw Error(path + ": cannot read its size");
    if (size > kMaxFileBytes) throw Error(path + ": " + std::to_string(size) + " bytes (WAV files up to 1 GiB are read)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size));
    if (in.gcount() != std::streamsize(size)) throw Error(path + ": read failed");
    return parseWav(bytes, path);
}

void writeWav(const std::string& path, const Clip& clip) {
    if (clip.sampleRate < 1000 || clip.sampleRate > 384000)
        throw Error(path + ": sample rate " + std::to_string(clip.sampleRate) + " Hz cannot be written (1000..384000)");
    const std::uint32_t dataBytes = static_cast<std::uint32_t>(clip.samples.size() * 2);
    std::string out;
    auto put32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(char((v >> (8 * i)) & 0xFF));
    };
    auto put16 = [&](std::uint16_t v) {
        out.push_back(char(v & 0xFF));
        out.push_back(char(v >> 8));
    };
    out += "RIFF";
    put32(36 + dataBytes);
    out += "WAVEfmt ";
    put32(16);
    put16(kPcm);
    put16(1);
    put32(std::uint32_t(clip.sampleRate));
    put32(std::uint32_t(clip.sampleRate) * 2);
    put16(2);
    put16(16);
    out += "data";
    put32(dataBytes);
    for (float s : clip.samples) {
        const float v = std::isfinite(s) ? std::clamp(s, -1.0f, 1.0f) : 0.0f;
        put16(std::uint16_t(std::int16_t(std::lround(v * 32767.0f))));
    }
    atomic_file::writeText(path, out);
}

Clip resample(const Clip& clip, int sampleRate) {
    if (sampleRate < 1000 || sampleRate > 384000) throw Error("resample: rate " + std::to_string(sampleRate) + " Hz (1000..384000)");
    if (clip.sampleRate == sampleRate || clip.samples.empty()) {
        Clip same = clip;
        same.sampleRate = sampleRate;
        return same;
    }
    Clip out;
    out.sampleRate = sampleRate;
    out.samples.resize(std::size_t(std::ceil(double(clip.samples.size()) * sampleRate / clip.sampleRate)) + 16);
    std::size_t done = 0;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    const soxr_error_t error = soxr_oneshot(clip.sampleRate, sampleRate, 1, clip.samples.data(), clip.samples.size(),
                                            nullptr, out.samples.data(), out.samples.size(), &done, &io, &quality, nullptr);
    if (error) throw Error(std::string("resample: ") + error);
    out.samples.resize(done);
    return out;
}

}  // namespace mcunet::audio
