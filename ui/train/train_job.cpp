#include "train/train_job.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

namespace mcunet::ui {

namespace {

template <class... F>
struct Overloaded : F... {
    using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

bool isExecutable(const QString& path) {
    const QFileInfo f(path);
    return f.isFile() && f.isExecutable();
}

// stderr is kept for the error message; a chatty child must not grow it forever.
constexpr qsizetype kMaxStderrChars = 64 * 1024;

QString number(double v) { return QString::number(v, 'g', 10); }

}  // namespace

QString findMcunetCli() {
    const QString env = qEnvironmentVariable("MCUNET_CLI");
    if (!env.isEmpty()) return isExecutable(env) ? QFileInfo(env).absoluteFilePath() : QString();
    const QString here = QCoreApplication::applicationDirPath();
    for (const QString& candidate : {QDir(here).filePath(QStringLiteral("mcunet")),
                                     QDir(here).filePath(QStringLiteral("../mcunet"))})
        if (isExecutable(candidate)) return QFileInfo(candidate).canonicalFilePath();
    return QStandardPaths::findExecutable(QStringLiteral("mcunet"));
}

QStringList TrainRequest::arguments(bool resume) const {
    QStringList a{QStringLiteral("train"), QStringLiteral("--data"), data, QStringLiteral("--arch"), architecture,
                  QStringLiteral("--out"), out};
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

TrainJob::TrainJob(QObject* parent) : QObject(parent), killTimer_(new QTimer(this)) {
    killTimer_->setSingleShot(true);
    connect(killTimer_, &QTimer::timeout, this, [this] {
        if (!process_ || process_->state() == QProcess::NotRunning) return;
        emit messageReceived(tr("mcunet train did not stop within %1 s of the interrupt: killed").arg(killTimeoutMs_ / 1000));
        process_->kill();
    });
}

TrainJob::~TrainJob() {
    // Nobody is left to hear about the run: stop it quietly, checkpoint first.
    blockSignals(true);
    if (process_ && process_->state() != QProcess::NotRunning) stopNow(killTimeoutMs_);
}

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

qint64 TrainJob::processId() const {
    return process_ && process_->state() != QProcess::NotRunning ? process_->processId() : 0;
}

bool TrainJob::launch(bool resume, QString* error) {
    if (!isExecutable(request_.program)) {
        const QString why = request_.program.isEmpty()
                                ? tr("the mcunet CLI was not found (beside the studio, in ../, on PATH or in $MCUNET_CLI)")
                                : tr("%1 is not an executable program").arg(request_.program);
        if (error) *error = why;
        return false;
    }
    if (!process_) {
        process_ = new QProcess(this);
        process_->setProcessChannelMode(QProcess::SeparateChannels);
        const pid_t studio = getpid();
        // In the child between fork and exec: ask the kernel for SIGTERM (the
        // child checkpoints and stops) should the studio die without cleaning up.
        process_->setChildProcessModifier([studio] {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != studio) ::_exit(1);  // the studio died before prctl took effect
        });
        connect(process_, &QProcess::readyReadStandardOutput, this, &TrainJob::readOutput);
        connect(process_, &QProcess::readyReadStandardError, this, &TrainJob::readErrors);
        connect(process_, &QProcess::finished, this, &TrainJob::onFinished);
        connect(process_, &QProcess::errorOccurred, this, &TrainJob::onErrorOccurred);
        connect(process_, &QProcess::started, this, [this] { emit started(resumed_); });
    }
    parser_ = TrainProgressParser();
    stderr_.clear();
    stderrPartial_.clear();
    sawDone_ = sawStopped_ = cancelRequested_ = false;
    state_ = State::Running;
    resumed_ = resume;
    // Failing to start (rare: the program was checked above) ends the run
    // through errorOccurred, like every other way a run ends.
    process_->start(request_.program, request_.arguments(resume), QIODevice::ReadOnly);
    return true;
}

void TrainJob::cancel() {
    if (state_ != State::Running || !process_) return;
    cancelRequested_ = true;
    state_ = State::Stopping;
    const qint64 pid = process_->processId();
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGINT);
    killTimer_->start(killTimeoutMs_);
}

bool TrainJob::waitForFinished(int timeoutMs) {
    if (!process_ || process_->state() == QProcess::NotRunning) return true;
    return process_->waitForFinished(timeoutMs);
}

void TrainJob::stopNow(int timeoutMs) {
    process_->disconnect(this);
    killTimer_->stop();
    const qint64 pid = process_->processId();
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGINT);
    if (!process_->waitForFinished(timeoutMs)) {
        process_->kill();
        process_->waitForFinished(5000);
    }
    state_ = State::Idle;
}

void TrainJob::readOutput() {
    const QByteArray bytes = process_->readAllStandardOutput();
    for (const TrainEvent& e : parser_.feed(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size()))))
        dispatch(e);
}

void TrainJob::readErrors() {
    const QString text = QString::fromUtf8(process_->readAllStandardError());
    stderr_ += text;
    if (stderr_.size() > kMaxStderrChars) stderr_ = stderr_.right(kMaxStderrChars);
    stderrPartial_ += text;
    qsizetype newline;
    while ((newline = stderrPartial_.indexOf(QLatin1Char('\n'))) >= 0) {
        const QString line = stderrPartial_.left(newline).trimmed();
        stderrPartial_.remove(0, newline + 1);
        if (!line.isEmpty()) emit messageReceived(line);
    }
}

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
                   [this](const RawLine& r) {
                       emit messageReceived(QString::fromStdString(r.text));
                   },
               },
               event);
}

void TrainJob::onFinished(int exitCode, QProcess::ExitStatus status) {
    killTimer_->stop();
    readOutput();
    for (const TrainEvent& e : parser_.finish()) dispatch(e);
    readErrors();
    if (!stderrPartial_.trimmed().isEmpty()) emit messageReceived(stderrPartial_.trimmed());
    stderrPartial_.clear();

    const QString errors = stderr_.trimmed();
    if (status == QProcess::NormalExit && exitCode == 0 && sawDone_) return endRun(Outcome::Done, {});
    if ((status == QProcess::NormalExit && exitCode == 130) || sawStopped_ || cancelRequested_) {
        const QString where = QFileInfo::exists(request_.checkpointPath())
                                  ? tr("checkpoint kept at %1; Resume continues it").arg(request_.checkpointPath())
                                  : tr("stopped before the first checkpoint; nothing to resume");
        return endRun(Outcome::Stopped, where);
    }
    if (status == QProcess::CrashExit)
        return endRun(Outcome::Failed, tr("mcunet train crashed (%1)%2")
                                           .arg(process_->errorString(), errors.isEmpty() ? QString() : QStringLiteral(": ") + errors));
    if (exitCode == 0) return endRun(Outcome::Failed, tr("mcunet train exited without reporting a model"));
    const QString detail = errors.isEmpty() ? tr("no message on stderr") : errors;
    endRun(Outcome::Failed, exitCode == 2 ? detail : tr("exit code %1: %2").arg(exitCode).arg(detail));
}

void TrainJob::onErrorOccurred(QProcess::ProcessError error) {
    if (error != QProcess::FailedToStart || state_ == State::Idle) return;  // the rest end in finished()
    endRun(Outcome::Failed, tr("cannot start %1: %2").arg(request_.program, process_->errorString()));
}

void TrainJob::endRun(Outcome outcome, const QString& error) {
    state_ = State::Idle;
    emit finished(outcome, error);
}

}  // namespace mcunet::ui
