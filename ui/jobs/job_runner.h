#pragma once
// Runs one long job at a time on a worker thread (never the GUI thread), with
// progress, a log and cancel. The work function gets a JobContext; its result
// comes back on the GUI thread through the `done` callback, only when the job
// finished without being cancelled or throwing. Views show the signals in a
// progress bar, a Cancel button and a log pane.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <QObject>
#include <QString>

class QThread;

namespace mcunet::ui {

class JobRunner;

// Handed to the work function; safe to use from the worker thread.
class JobContext {
public:
    explicit JobContext(JobRunner* runner) : runner_(runner) {}
    bool cancelled() const { return cancel_.load(); }
    const std::atomic<bool>* cancelFlag() const { return &cancel_; }
    // Reports progress; returns false once the user asked to cancel.
    bool progress(std::int64_t done, std::int64_t total, const QString& text = QString());
    void log(const QString& line);
    void requestCancel() { cancel_ = true; }

private:
    JobRunner* runner_;
    std::atomic<bool> cancel_{false};
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    ~JobRunner() override;  // cancels and waits for a running job

    bool isRunning() const { return thread_ != nullptr; }
    QString currentJob() const { return name_; }

    // Starts `work` on a worker thread; false (and nothing started) while another job runs.
    template <class T>
    bool run(const QString& name, std::function<T(JobContext&)> work, std::function<void(T)> done) {
        auto result = std::make_shared<std::optional<T>>();
        return start(
            name, [work = std::move(work), result](JobContext& c) { result->emplace(work(c)); },
            [done = std::move(done), result] {
                if (*result) done(std::move(**result));
            });
    }

    // Blocks until the job ends (tests, shutdown); false on timeout.
    bool wait(int timeoutMs);

public slots:
    void cancel();

signals:
    void started(const QString& name);
    void progress(qint64 done, qint64 total, const QString& text);
    void logged(const QString& line);
    // ok: finished and delivered its result; cancelled: the user stopped it.
    void finished(const QString& name, bool ok, bool cancelled, const QString& error);

private:
    bool start(const QString& name, std::function<void(JobContext&)> work, std::function<void()> onSuccess);
    void onThreadFinished();

    QThread* thread_ = nullptr;
    QString name_;
    std::shared_ptr<JobContext> context_;
    std::function<void()> onSuccess_;
    std::shared_ptr<QString> error_;
    quint64 serial_ = 0;
};

}  // namespace mcunet::ui
