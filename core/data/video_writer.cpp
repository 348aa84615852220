#include "data/video_writer.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "common/error.h"

namespace mcunet::video {

struct VideoWriter::Impl {
    cv::VideoWriter writer;
    int width = 0, height = 0;
    std::string path;
};

VideoWriter::VideoWriter(const std::string& path, int width, int height, double fps) : impl_(new Impl) {
    impl_->width = width;
    impl_->height = height;
    impl_->path = path;
    if (width <= 0 || height <= 0 || width > 8192 || height > 8192 || !(fps > 0 && fps <= 240)) {
        delete impl_;
        throw Error(path + ": a video of " + std::to_string(width) + "x" + std::to_string(height) + " at " + std::to_string(fps) +
                    " fps cannot be written");
    }
    try {
        impl_->writer.open(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('F', 'F', 'V', '1'), fps, cv::Size(width, height), true);
    } catch (const cv::Exception&) {
    }
    if (!impl_->writer.isOpened()) {
        delete impl_;
        throw Error(path + ": cannot write a video there (FFV1 in Matroska through OpenCV's FFmpeg backend)");
    }
}

VideoWriter::~VideoWriter() {
    if (impl_) impl_->writer.release();
    delete impl_;
}

void VideoWriter::write(const std::vector<std::uint8_t>& rgb) {
    const std::size_t want = static_cast<std::size_t>(impl_->width) * impl_->height * 3;
    if (rgb.size() != want) throw Error(impl_->path + ": a frame of " + std::to_string(rgb.size()) + " bytes, want " + std::to_string(want));
    cv::Mat in(impl_->height, impl_->width, CV_8UC3, const_cast<std::uint8_t*>(rgb.data()));
    cv::Mat bgr;
    cv::cvtColor(in, bgr, cv::COLOR_RGB2BGR);
    impl_->writer.write(bgr);
}

void VideoWriter::close() { impl_->writer.release(); }

}  // namespace mcunet::video
