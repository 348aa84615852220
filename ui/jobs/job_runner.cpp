#include "jobs/job_runner.h"

#include <exception>

#include <QThread>

namespace mcunet::ui {

bool JobContext::progress(std::int64_t done, std::int64_t total, const QString& text) {
    emit runner_->progress(done, total, text);
    return !cancelled();
}

void JobContext::log(const QString& line) { emit runner_->logged(line); }

JobRunner::JobRunner(QObject* parent) : QObject(parent) {}

JobRunner::~JobRunner() {
    if (thread_) {
        context_->requestCancel();
        thread_->wait();
        delete thread_;
    }
}

bool JobRunner::start(const QString& name, std::function<void(JobContext&)> work, std::function<void()> onSuccess) {
    if (thread_) return false;
    name_ = name;
    context_ = std::make_shared<JobContext>(this);
    onSuccess_ = std::move(onSuccess);
    error_ = std::make_shared<QString>();
    thread_ = QThread::create([work = std::move(work), context = context_, error = error_] {
        try {
            work(*context);
        } catch (const std::exception& e) {
            *error = QString::fromStdString(e.what());
        } catch (...) {
            *error = QStringLiteral("unknown error");
        }
    });
    thread_->setObjectName(name);
    const quint64 serial = ++serial_;
    connect(
        thread_, &QThread::finished, this,
        [this, serial] {
            if (serial == serial_) onThreadFinished();
        },
        Qt::QueuedConnection);
    emit started(name);
    thread_->start(QThread::LowPriority);
    return true;
}

void JobRunner::cancel() {
    if (context_) context_->requestCancel();
}

bool JobRunner::wait(int timeoutMs) {
    if (!thread_) return true;
    if (!thread_->wait(QDeadlineTimer(timeoutMs))) return false;
    onThreadFinished();
    return true;
}

void JobRunner::onThreadFinished() {
    if (!thread_) return;  // already handled by wait()
    thread_->wait();
    delete thread_;
    thread_ = nullptr;
    const bool cancelled = context_->cancelled();
    const QString error = *error_;
    const QString name = name_;
    auto onSuccess = std::move(onSuccess_);
    onSuccess_ = nullptr;
    const bool ok = !cancelled && error.isEmpty();
    if (ok && onSuccess) onSuccess();
    emit finished(name, ok, cancelled, error);
}

}  // namespace mcunet::ui
