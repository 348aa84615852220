#include "data/frame_source.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <regex>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "common/error.h"
#include "common/input_file.h"

namespace mcunet::video {

namespace {

// Frames from an opened cv::VideoCapture, converted from OpenCV's BGR.
class CaptureSource final : public FrameSource {
public:
    CaptureSource(cv::VideoCapture capture, std::string description, bool camera)
        : capture_(std::move(capture)), description_(std::move(description)), camera_(camera),
          opened_(std::chrono::steady_clock::now()) {
        fps_ = capture_.get(cv::CAP_PROP_FPS);
        if (!(fps_ > 0 && fps_ < 1000)) fps_ = 0;
    }
    bool read(Frame& frame) override {
        cv::Mat bgr;
        try {
            if (!capture_.read(bgr) || bgr.empty()) return false;
        } catch (const cv::Exception&) {
            return false;  // a damaged stream ends like a finished one
        }
        cv::Mat rgb;
        if (bgr.channels() == 3) cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        else if (bgr.channels() == 1) cv::cvtColor(bgr, rgb, cv::COLOR_GRAY2RGB);
        else if (bgr.channels() == 4) cv::cvtColor(bgr, rgb, cv::COLOR_BGRA2RGB);
        else return false;
        if (rgb.depth() != CV_8U) return false;
        frame.index = next_++;
        frame.width = rgb.cols;
        frame.height = rgb.rows;
        frame.rgb.resize(static_cast<std::size_t>(rgb.cols) * rgb.rows * 3);
        for (int y = 0; y < rgb.rows; ++y)
            std::copy(rgb.ptr(y), rgb.ptr(y) + rgb.cols * 3, frame.rgb.data() + static_cast<std::size_t>(y) * rgb.cols * 3);
        if (camera_ || fps_ <= 0) frame.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - opened_).count();
        else frame.seconds = frame.index / fps_;
        return true;
    }
    std::string description() const override { return description_; }
    double framesPerSecond() const override { return fps_; }
    bool isCamera() const override { return camera_; }

private:
    cv::VideoCapture capture_;
    std::string description_;
    bool camera_;
    std::chrono::steady_clock::time_point opened_;
    double fps_ = 0;
    int next_ = 0;
};

std::string sizeText(const cv::VideoCapture& c) {
    char text[96];
    const double fps = c.get(cv::CAP_PROP_FPS);
    std::snprintf(text, sizeof text, "%dx%d", int(c.get(cv::CAP_PROP_FRAME_WIDTH)), int(c.get(cv::CAP_PROP_FRAME_HEIGHT)));
    std::string s = text;
    if (fps > 0 && fps < 1000) {
        std::snprintf(text, sizeof text, ", %.3g fps", fps);
        s += text;
    }
    return s;
}

}  // namespace

bool isCameraSpec(const std::string& spec) { return spec.rfind("camera:", 0) == 0; }

std::unique_ptr<FrameSource> openFrameSource(const std::string& spec) {
    if (isCameraSpec(spec)) {
        static const std::regex number("^camera:([0-9]{1,2})$");
        std::smatch m;
        if (!std::regex_match(spec, m, number) || std::stoi(m[1].str()) > 63)
            throw Error("--source " + spec.substr(0, 40) + ": a camera is camera:N with N from 0 to 63 (/dev/videoN)");
        const int index = std::stoi(m[1].str());
        const std::string device = "/dev/video" + std::to_string(index);
        if (!std::filesystem::exists(device)) throw Error("--source " + spec + ": no camera (" + device + " does not exist)");
        cv::VideoCapture c;
        try {
            c.open(index, cv::CAP_V4L2);
        } catch (const cv::Exception& e) {
            throw Error("--source " + spec + ": cannot open " + device + " (" + e.msg + ")");
        }
        if (!c.isOpened()) throw Error("--source " + spec + ": cannot open " + device + " (in use, or no permission: the video group)");
        const std::string description = "camera " + std::to_string(index) + " (" + sizeText(c) + ")";
        return std::make_unique<CaptureSource>(std::move(c), description, true);
    }
    input_file::requireRegular(spec, "a video file");
    cv::VideoCapture c;
    try {
        c.open(spec, cv::CAP_FFMPEG);
    } catch (const cv::Exception& e) {
        throw Error(spec + ": cannot decode it as a video (" + e.msg + ")");
    }
    if (!c.isOpened()) throw Error(spec + ": not a video this build can decode (OpenCV with FFmpeg)");
    const std::string description = std::filesystem::path(spec).filename().string() + " (" + sizeText(c) + ")";
    return std::make_unique<CaptureSource>(std::move(c), description, false);
}

}  // namespace mcunet::video
