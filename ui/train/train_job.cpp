#include "train/train_job.h"

#include "common/overloaded.h"

#include <QFileInfo>

namespace mcunet::ui {

namespace {

QString number(double v) { return QString::number(v, 'g', 10); }

}  // namespace

QStringList TrainRequest::arguments(bool resume) const {
    QStringList a{QStringLiteral("train"), QStringLiteral("--data"), data};
    if (architecture.isEmpty() && !preset.isEmpty()) a << QStringLiteral("--preset") << preset;
    else a << QStringLiteral("--arch") << architecture;
    a << QStringLiteral("--out") << out;
    if (!board.isEmpty()) {
        a << QStringLiteral("--board") << board;
        if (sramKiB) a << QStringLiteral("--sram") << number(*sramKiB);
        if (flashKiB) a << QStringLiteral("--flash") << number(*flashKiB);
    }
    if (resolution > 0) a << QStringLiteral("--resolution") << QString::number(resolution);
    if (channels > 0) a << QStringLiteral("--channels") << QString::number(channels);
    a << QStringLiteral("--epochs") << QString::number(epochs) << QStringLiteral("--batch") << QString::number(batch);
    if (threads > 0) a << QStringLiteral("--threads") << QString::number(threads);
    a << QStringLiteral("--optimizer") << optimizer << QStringLiteral("--seed") << QString::number(seed);
    if (trainPerClass > 0) a << QStringLiteral("--train-per-class") << QString::number(trainPerClass);
    if (testPerClass > 0) a << QStringLiteral("--test-per-class") << QString::number(testPerClass);
    if (maxSteps > 0) a << QStringLiteral("--max-steps") << QString::number(maxSteps);
    if (resume) a << QStringLiteral("--resume");
    a << QStringLiteral("--json");
    return a;
}

QString TrainRequest::checkpointPath() const {
    // `mcunet train` keeps its work in OUT.training until the model is written.
    return out + QStringLiteral(".training/checkpoint.pt");
}

TrainJob::TrainJob(QObject* parent) : QObject(parent), child_(new ChildProcess(QStringLiteral("mcunet train"), this)) {
    connect(child_, &ChildProcess::started, this, [this] { emit started(resumed_); });
    connect(child_, &ChildProcess::outputReceived, this, [this](const QByteArray& bytes) {
        for (const TrainEvent& e : parser_.feed(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size()))))
            dispatch(e);
    });
    connect(child_, &ChildProcess::errorLine, this, &TrainJob::messageReceived);
    connect(child_, &ChildProcess::message, this, &TrainJob::messageReceived);
    connect(child_, &ChildProcess::exited, this, &TrainJob::onExited);
    connect(child_, &ChildProcess::failedToStart, this, [this](const QString& why) {
        if (state_ != State::Idle) endRun(Outcome::Failed, why);
    });
}

TrainJob::~TrainJob() = default;  // the child stops itself (checkpoint first)

bool TrainJob::start(const TrainRequest& request, QString* error) {
    if (isRunning()) {
        if (error) *error = tr("a training run is already going");
        return false;
    }
    request_ = request;
    haveRequest_ = true;
    return launch(false, error);
}

bool TrainJob::resume(QString* error) {
    if (isRunning()) {
        if (error) *error = tr("a training run is already going");
        return false;
    }
    if (!canResume()) {
        if (error) *error = tr("nothing to resume: no checkpoint of the last run");
        return false;
    }
    return launch(true, error);
}

bool TrainJob::canResume() const {
    return haveRequest_ && !isRunning() && QFileInfo::exists(request_.checkpointPath());
}

bool TrainJob::launch(bool resume, QString* error) {
    parser_ = TrainProgressParser();
    sawDone_ = sawStopped_ = false;
    resumed_ = resume;
    state_ = State::Running;  // before start: a child that fails to start ends the run through failedToStart
    if (child_->start(request_.program, request_.arguments(resume), error)) return true;
    state_ = State::Idle;
    return false;
}

void TrainJob::cancel() {
    if (state_ != State::Running) return;
    state_ = State::Stopping;
    child_->cancel();
}

bool TrainJob::waitForFinished(int timeoutMs) { return child_->waitForFinished(timeoutMs); }

void TrainJob::dispatch(const TrainEvent& event) {
    std::visit(Overloaded{
                   [this](const TrainMessage& m) { emit messageReceived(QString::fromStdString(m.text)); },
                   [this](const TrainStart& s) { emit trainingStarted(s); },
                   [this](const TrainStep& s) { emit stepReported(s); },
                   [this](const TrainEpoch& e) { emit epochReported(e); },
                   [this](const TrainStopped& s) {
                       sawStopped_ = true;
                       emit messageReceived(QString::fromStdString(s.text));
                   },
                   [this](const TrainDone& d) {
                       sawDone_ = true;
                       emit doneReported(d);
                   },
                   [this](const RawLine& r) { emit messageReceived(QString::fromStdString(r.text)); },
               },
               event);
}

void TrainJob::onExited(int exitCode, QProcess::ExitStatus status) {
    for (const TrainEvent& e : parser_.finish()) dispatch(e);
    const QString errors = child_->standardError();
    if (status == QProcess::NormalExit && exitCode == 0 && sawDone_) return endRun(Outcome::Done, {});
    if ((status == QProcess::NormalExit && exitCode == 130) || sawStopped_ || child_->cancelRequested()) {
        const QString where = QFileInfo::exists(request_.checkpointPath())
                                  ? tr("checkpoint kept at %1; Resume continues it").arg(request_.checkpointPath())
                                  : tr("stopped before the first checkpoint; nothing to resume");
        return endRun(Outcome::Stopped, where);
    }
    if (status == QProcess::CrashExit)
        return endRun(Outcome::Failed, tr("mcunet train crashed (%1)%2")
                                           .arg(child_->errorString(), errors.isEmpty() ? QString() : QStringLiteral(": ") + errors));
    if (exitCode == 0) return endRun(Outcome::Failed, tr("mcunet train exited without reporting a model"));
    const QString detail = errors.isEmpty() ? tr("no message on stderr") : errors;
    endRun(Outcome::Failed, exitCode == 2 ? detail : tr("exit code %1: %2").arg(exitCode).arg(detail));
}

void TrainJob::endRun(Outcome outcome, const QString& error) {
    state_ = State::Idle;
    emit finished(outcome, error);
}

}  // namespace mcunet::ui
