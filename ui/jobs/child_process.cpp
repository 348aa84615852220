#include "jobs/child_process.h"

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

bool isExecutable(const QString& path) {
    const QFileInfo f(path);
    return f.isFile() && f.isExecutable();
}

// stderr is kept for the error message; a chatty child must not grow it forever.
constexpr qsizetype kMaxStderrChars = 64 * 1024;

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

ChildProcess::ChildProcess(QString what, QObject* parent)
    : QObject(parent), what_(std::move(what)), killTimer_(new QTimer(this)) {
    killTimer_->setSingleShot(true);
    connect(killTimer_, &QTimer::timeout, this, [this] {
        if (!process_ || process_->state() == QProcess::NotRunning) return;
        emit message(tr("%1 did not stop within %2 s of the interrupt: killed").arg(what_).arg(killTimeoutMs_ / 1000));
        process_->kill();
    });
}

ChildProcess::~ChildProcess() {
    // Nobody is left to hear about the run: stop it quietly, checkpoint first.
    blockSignals(true);
    if (process_ && process_->state() != QProcess::NotRunning) stopNow(killTimeoutMs_);
}

bool ChildProcess::isRunning() const { return process_ && process_->state() != QProcess::NotRunning; }

qint64 ChildProcess::processId() const { return isRunning() ? process_->processId() : 0; }

QString ChildProcess::errorString() const { return process_ ? process_->errorString() : QString(); }

bool ChildProcess::start(const QString& program, const QStringList& arguments, QString* error) {
    if (isRunning()) {
        if (error) *error = tr("%1 is already running").arg(what_);
        return false;
    }
    if (!isExecutable(program)) {
        if (error)
            *error = program.isEmpty()
                         ? tr("the mcunet CLI was not found (beside the studio, in ../, on PATH or in $MCUNET_CLI)")
                         : tr("%1 is not an executable program").arg(program);
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
        connect(process_, &QProcess::readyReadStandardOutput, this, &ChildProcess::readOutput);
        connect(process_, &QProcess::readyReadStandardError, this, &ChildProcess::readErrors);
        connect(process_, &QProcess::finished, this, &ChildProcess::onFinished);
        connect(process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart)  // the rest end in finished()
                emit failedToStart(tr("cannot start %1: %2").arg(process_->program(), process_->errorString()));
        });
        connect(process_, &QProcess::started, this, &ChildProcess::started);
    }
    stderr_.clear();
    stderrPartial_.clear();
    cancelRequested_ = false;
    process_->start(program, arguments, QIODevice::ReadOnly);
    return true;
}

void ChildProcess::cancel() {
    if (!isRunning() || cancelRequested_) return;
    cancelRequested_ = true;
    const qint64 pid = process_->processId();
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGINT);
    killTimer_->start(killTimeoutMs_);
}

bool ChildProcess::waitForFinished(int timeoutMs) {
    if (!isRunning()) return true;
    return process_->waitForFinished(timeoutMs);
}

void ChildProcess::stopNow(int timeoutMs) {
    process_->disconnect(this);
    killTimer_->stop();
    const qint64 pid = process_->processId();
    if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGINT);
    if (!process_->waitForFinished(timeoutMs)) {
        process_->kill();
        process_->waitForFinished(5000);
    }
}

void ChildProcess::readOutput() {
    const QByteArray bytes = process_->readAllStandardOutput();
    if (!bytes.isEmpty()) emit outputReceived(bytes);
}

void ChildProcess::readErrors() {
    const QString text = QString::fromUtf8(process_->readAllStandardError());
    stderr_ += text;
    if (stderr_.size() > kMaxStderrChars) stderr_ = stderr_.right(kMaxStderrChars);
    stderrPartial_ += text;
    qsizetype newline;
    while ((newline = stderrPartial_.indexOf(QLatin1Char('\n'))) >= 0) {
        const QString line = stderrPartial_.left(newline).trimmed();
        stderrPartial_.remove(0, newline + 1);
        if (!line.isEmpty()) emit errorLine(line);
    }
}

void ChildProcess::onFinished(int exitCode, QProcess::ExitStatus status) {
    killTimer_->stop();
    readOutput();
    readErrors();
    if (!stderrPartial_.trimmed().isEmpty()) emit errorLine(stderrPartial_.trimmed());
    stderrPartial_.clear();
    stderr_ = stderr_.trimmed();
    emit exited(exitCode, status);
}

}  // namespace mcunet::ui
