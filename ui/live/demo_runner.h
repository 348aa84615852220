#pragma once
// Runs one live demo (core/demo's Session, or its KeywordSession for a
// keyword network) on a worker thread, never the GUI thread: building the
// target, reading frames or sound, inference. Results come back as queued
// signals; a video file is paced at its own frame rate so that it plays as a
// video, a camera at the rate it delivers; a WAV file in real time, the
// microphone (Qt Multimedia, read in the GUI thread into a queue) as it comes.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

namespace mcunet::board {
class Catalog;
}
namespace mcunet::demo {
class SampleQueue;
struct SessionRequest;
}
namespace mcunet::video {
struct Frame;
}

namespace mcunet::ui {

class Microphone;

struct DemoFrame {
    int index = 0;
    QImage frame;     // the source's frame
    QImage picture;   // what the microcontroller sees (the model's input)
    QString pictureCaption;  // what the picture is (empty: the camera demo's gray / RGB caption)
    int label = -1;
    QString labelName;
    double confidence = 0;
    QVector<QPair<QString, double>> top;  // the best classes, most probable first
    double framesPerSecond = 0;
    QString rateUnit;                     // "frames/s" when empty; "windows/s" for sound
    QString heardWord;                    // a wake-word demo's word heard in this window, else empty
    double latencyMs = -1;                // on the microcontroller; < 0 unknown (host)
    quint64 deviceCount = 0;
    QString unit;                         // "instructions", "cycles" or empty
    double targetMs = 0;                  // the request's wall time on the target
};

// "13.2 frames/s · 14.86 ms on the MCU (3,209,400 instructions) · 75.5 ms per request"
QString demoStats(const DemoFrame& frame);

struct DemoRequest {
    QString model;   // a model folder, "sample" or "sample-kws"; empty: a preview of the source (no model runs)
    QString source;  // "camera:N", a video file, "sample"; for keyword models "mic", a WAV file or "sample-kws"
    QString target;  // "host" or a virtual board
    bool loop = true;
};

// Teaching your own classes (docs/demo.md): the next pictures of the running
// source, added to an image folder under one class (data::addToImageFolder).
struct CaptureRequest {
    QString folder;     // the image folder: one subfolder per class
    QString className;  // 1 to 64 letters, digits, spaces, '-', '_' or '.'
    int pictures = 30;  // pictures to take
    int every = 3;      // one frame in `every`: spread over time while the object moves
    int size = 256;     // each picture the frame's centre square, at most this many pixels
};

class DemoRunner : public QObject {
    Q_OBJECT
public:
    explicit DemoRunner(const board::Catalog& catalog, QObject* parent = nullptr);
    ~DemoRunner() override;  // stops and waits

    // False (nothing started) while a demo runs.
    bool start(const DemoRequest& request);
    // Asks the running demo to stop; `finished` follows.
    void stop();
    bool isRunning() const { return running_; }
    // Blocks until the worker has ended (tests, shutdown); false on timeout.
    bool wait(int timeoutMs);

    // Saves the next pictures of the source while a picture demo or a
    // preview runs (replacing a capture still going); nothing happens
    // without a running source: the view starts a preview first.
    void capture(const CaptureRequest& request);
    void cancelCapture();
    bool isCapturing() const;

signals:
    void message(const QString& text);
    void started(const QString& source, const QString& target, const QString& model, const QStringList& classes);
    void frameReady(const mcunet::ui::DemoFrame& frame);
    // Empty `error`: stopped by the user or the source ended.
    void finished(const QString& error);
    // A picture was written (taken of wanted so far).
    void pictureCaptured(const QString& className, int taken, int wanted, const QString& path);
    // The capture ended: all taken, cancelled, the demo stopped, or a picture
    // could not be written (`error` says why; empty when complete).
    void captureFinished(const QString& className, int taken, const QString& error);

private:
    void workOnPreview(const demo::SessionRequest& r, const std::function<void(const std::string&)>& say);
    void captureFrom(const video::Frame& frame);
    void endCapture(const QString& why);
    void workOnPictures(const demo::SessionRequest& r, const std::function<void(const std::string&)>& say);
    void workOnSound(const demo::SessionRequest& r, const std::function<void(const std::string&)>& say,
                     std::shared_ptr<demo::SampleQueue> microphone);

    const board::Catalog& catalog_;
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::shared_ptr<demo::SampleQueue> microphoneQueue_;  // set while the microphone feeds the demo
    Microphone* microphone_ = nullptr;                    // GUI thread; deleted when the demo ends

    struct Capturing {
        CaptureRequest request;
        int seen = 0, taken = 0;
        unsigned id = 0;  // which capture: one replaced meanwhile is not counted
    };
    unsigned nextCaptureId_ = 0;        // guarded by captureMutex_
    mutable std::mutex captureMutex_;
    std::optional<Capturing> capture_;  // guarded by captureMutex_
};

}  // namespace mcunet::ui

Q_DECLARE_METATYPE(mcunet::ui::DemoFrame)
