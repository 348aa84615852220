#pragma once
// The microphone of the wake-word demo (docs/demo.md): Qt Multimedia's
// QAudioSource on the default recording device, 16 kHz mono, its samples
// pushed as they come into a demo::SampleQueue that the demo's worker thread
// reads. Lives in the GUI thread (QAudioSource delivers through its event
// loop); never blocks it.
#include <memory>

#include <QObject>
#include <QString>

class QAudioSource;
class QIODevice;

namespace mcunet::demo {
class SampleQueue;
}

namespace mcunet::ui {

class Microphone : public QObject {
    Q_OBJECT
public:
    explicit Microphone(std::shared_ptr<demo::SampleQueue> queue, QObject* parent = nullptr);
    ~Microphone() override;  // stops recording and closes the queue

    // Starts recording; false with `error` saying why (no microphone, a
    // format it cannot record) and nothing started.
    bool start(QString* error);
    QString deviceName() const { return deviceName_; }

signals:
    // The device stopped with an error (unplugged): the queue is closed.
    void failed(const QString& error);

private:
    void readAvailable();

    std::shared_ptr<demo::SampleQueue> queue_;
    QAudioSource* source_ = nullptr;
    QIODevice* io_ = nullptr;
    QString deviceName_;
};

}  // namespace mcunet::ui
