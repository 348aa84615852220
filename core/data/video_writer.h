#pragma once
// Writing a video file (the demo's sample clip, tests): lossless FFV1 in
// Matroska through OpenCV's videoio, so what is read back is exactly what was
// written. No OpenCV in this header.
#include <cstdint>
#include <string>
#include <vector>

namespace mcunet::video {

class VideoWriter {
public:
    // A new file at `path` (.mkv); frames of width x height RGB at `fps`.
    // Throws mcunet::Error naming the path when it cannot be opened.
    VideoWriter(const std::string& path, int width, int height, double fps);
    ~VideoWriter();
    VideoWriter(const VideoWriter&) = delete;
    VideoWriter& operator=(const VideoWriter&) = delete;
    void write(const std::vector<std::uint8_t>& rgb);  // height rows of width x 3 bytes
    void close();                                      // flushes; the destructor closes too

private:
    struct Impl;
    Impl* impl_;
};

}  // namespace mcunet::video
