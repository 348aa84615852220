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
    QString model;   // a model folder, "sample" or "sample-kws"
    QString source;  // "camera:N", a video file, "sample"; for keyword models "mic", a WAV file or "sample-kws"
    QString target;  // "host" or a virtual board
    bool loop = true;
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

signals:
    void message(const QString& text);
    void started(const QString& source, const QString& target, const QString& model, const QStringList& classes);
    void frameReady(const mcunet::ui::DemoFrame& frame);
    // Empty `error`: stopped by the user or the source ended.
    void finished(const QString& error);

private:
    void workOnPictures(const demo::SessionRequest& r, const std::function<void(const std::string&)>& say);
    void workOnSound(const demo::SessionRequest& r, const std::function<void(const std::string&)>& say,
                     std::shared_ptr<demo::SampleQueue> microphone);

    const board::Catalog& catalog_;
    std::thread thread_;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> running_{false};
    std::shared_ptr<demo::SampleQueue> microphoneQueue_;  // set while the microphone feeds the demo
    Microphone* microphone_ = nullptr;                    // GUI thread; deleted when the demo ends
};

}  // namespace mcunet::ui

Q_DECLARE_METATYPE(mcunet::ui::DemoFrame)
