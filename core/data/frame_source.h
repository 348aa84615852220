#pragma once
// Frames for the camera demo (docs/demo.md): a camera ("camera:N", V4L2) or
// a video file, decoded by OpenCV's videoio (never highgui). OpenCV stays in
// this folder's library: the header exposes none of it. No Qt.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mcunet::video {

struct Frame {
    int index = 0;             // counts from 0 since the source was opened (or looped)
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  // height rows of width x 3 bytes
    double seconds = 0;        // position in a file; time since opening for a camera
};

class FrameSource {
public:
    virtual ~FrameSource() = default;
    // The next frame; false at the end of a file or when a camera stops
    // delivering (unplugged): the caller reopens or loops.
    virtual bool read(Frame& frame) = 0;
    virtual std::string description() const = 0;  // "camera 0", "walk.mp4 (640x480, 30 fps)"
    virtual double framesPerSecond() const = 0;    // the file's or the camera's own rate; 0 if unknown
    virtual bool isCamera() const = 0;
};

// "camera:N" (N = 0..63) or a video file. Throws mcunet::Error naming the
// source: a camera that cannot be opened, a path that is not a regular file
// (a FIFO or device never blocks the caller), a file OpenCV cannot decode.
std::unique_ptr<FrameSource> openFrameSource(const std::string& spec);

// True for the "camera:N" form.
bool isCameraSpec(const std::string& spec);

}  // namespace mcunet::video
