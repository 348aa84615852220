#include "live/microphone.h"

#include <vector>

#include <QAudioDevice>
#include <QAudioFormat>
#include <QAudioSource>
#include <QMediaDevices>

#include "demo/keyword.h"

namespace mcunet::ui {

Microphone::Microphone(std::shared_ptr<demo::SampleQueue> queue, QObject* parent) : QObject(parent), queue_(std::move(queue)) {}

Microphone::~Microphone() {
    if (source_) source_->stop();
    if (queue_) queue_->close();
}

bool Microphone::start(QString* error) {
    const QAudioDevice device = QMediaDevices::defaultAudioInput();
    if (device.isNull()) {
        if (error) *error = tr("No microphone found. Connect one (or choose a WAV file or the sample recording as the source).");
        return false;
    }
    deviceName_ = device.description();
    QAudioFormat format;
    format.setSampleRate(demo::kKeywordRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Int16);
    if (!device.isFormatSupported(format)) {
        if (error) *error = tr("The microphone \"%1\" cannot record 16 kHz mono, which the keyword features need.").arg(deviceName_);
        return false;
    }
    source_ = new QAudioSource(device, format, this);
    source_->setBufferSize(demo::kKeywordRate / 5 * 2);  // 200 ms
    io_ = source_->start();
    if (!io_ || source_->error() != QAudio::NoError) {
        if (error) *error = tr("The microphone \"%1\" could not be opened (error %2).").arg(deviceName_).arg(int(source_->error()));
        return false;
    }
    connect(io_, &QIODevice::readyRead, this, &Microphone::readAvailable);
    connect(source_, &QAudioSource::stateChanged, this, [this](QAudio::State state) {
        if (state == QAudio::StoppedState && source_->error() != QAudio::NoError) {
            queue_->close();
            emit failed(tr("The microphone \"%1\" stopped (unplugged?).").arg(deviceName_));
        }
    });
    return true;
}

void Microphone::readAvailable() {
    const QByteArray bytes = io_->readAll();
    const auto* p = reinterpret_cast<const qint16*>(bytes.constData());
    std::vector<float> samples(static_cast<std::size_t>(bytes.size() / 2));
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = float(p[i]) / 32768.0f;
    queue_->push(samples.data(), samples.size());
}

}  // namespace mcunet::ui
