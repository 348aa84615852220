#pragma once
// One CLI child process that the studio follows: `mcunet train --json`,
// `mcunet tinynas --json`. Started with an argument list (never a shell);
// stdout comes back as raw bytes (the owner's parser splits and reads them),
// stderr as lines and as a bounded tail for the error message. Reading the
// pipes never blocks the GUI thread.
//
// cancel() sends SIGINT (the CLI writes its checkpoint or state and exits
// with 130) and kills the child if it is still there after the kill timeout.
// The child never outlives its owner: the destructor stops it the same way,
// and the kernel sends it SIGTERM if the studio dies without running
// destructors (PR_SET_PDEATHSIG).
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

class QTimer;

namespace mcunet::ui {

// The `mcunet` CLI: $MCUNET_CLI, then `mcunet` beside this executable, then
// `../mcunet` (the build tree: build/app/studio/mcunet-studio and
// build/app/mcunet), then PATH. Empty when none is found.
QString findMcunetCli();

class ChildProcess : public QObject {
    Q_OBJECT
public:
    // `what` names the child in messages ("mcunet train").
    explicit ChildProcess(QString what, QObject* parent = nullptr);
    ~ChildProcess() override;  // stops a running child (SIGINT, then kill after the timeout), quietly

    // Starts `program` with `arguments`; false (and why) when one is running or
    // the program is not an executable. A child that then fails to start ends
    // with failedToStart(why).
    bool start(const QString& program, const QStringList& arguments, QString* error = nullptr);
    bool isRunning() const;
    void cancel();  // SIGINT, kill after the timeout
    bool cancelRequested() const { return cancelRequested_; }
    bool waitForFinished(int timeoutMs);  // tests, shutdown; false on timeout
    qint64 processId() const;              // 0 when no child runs
    QString standardError() const { return stderr_; }  // the last 64 KiB, trimmed
    QString errorString() const;
    void setKillTimeout(int ms) { killTimeoutMs_ = ms; }
    int killTimeout() const { return killTimeoutMs_; }

signals:
    void started();
    void outputReceived(const QByteArray& bytes);  // stdout, as the pipe delivers it
    void errorLine(const QString& line);           // one stderr line (also kept in standardError())
    void message(const QString& text);              // the job's own notes ("did not stop: killed")
    // The child exited (every way but failing to start); stdout and stderr are read to the end first.
    void exited(int exitCode, QProcess::ExitStatus status);
    void failedToStart(const QString& why);

private:
    void readOutput();
    void readErrors();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void stopNow(int timeoutMs);

    QString what_;
    QProcess* process_ = nullptr;
    QTimer* killTimer_ = nullptr;
    QString stderr_, stderrPartial_;
    bool cancelRequested_ = false;
    int killTimeoutMs_ = 20000;
};

}  // namespace mcunet::ui
