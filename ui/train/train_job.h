#pragma once
// One training run of `mcunet train --json` in a child process. Training
// never runs in the studio's process: libtorch stays out of the studio, a
// crash in training cannot take the project down, and the child's own
// checkpoint / resume logic is the one the CLI users get.
//
// The job starts the child with an argument list (never a shell), follows its
// progress lines (TrainProgressParser) and re-emits them as typed signals on
// the GUI thread; reading the pipe never blocks. Cancel sends SIGINT: the
// child writes a checkpoint and exits with 130, and Resume starts it again
// with the same flags and --resume. A child that ignores SIGINT is killed
// after a timeout. The child never outlives the job: the destructor stops it
// the same way (checkpoint first), and the kernel sends it SIGTERM if the
// studio dies without running destructors (PR_SET_PDEATHSIG).
#include <optional>

#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

#include "common/defaults.h"
#include "jobs/child_process.h"
#include "train/train_metatypes.h"

namespace mcunet::ui {

// Everything `mcunet train` is started with.
struct TrainRequest {
    QString program;       // the mcunet CLI
    QString data = QString::fromLatin1(defaults::kTrainData);  // or a folder of class subfolders
    QString architecture;  // --arch FILE (architecture JSON)
    QString preset;        // --preset NAME when there is no architecture file
    QString out;           // --out: the model directory to write
    QString board;         // --board ID (empty: no fit check)
    std::optional<double> sramKiB, flashKiB;  // the project's overrides
    int resolution = 0, channels = 0;         // 0: the architecture's own
    int epochs = defaults::kTrainEpochs, batch = defaults::kTrainBatch, threads = 0;  // threads 0: the child's default (all cores)
    QString optimizer = QString::fromLatin1(defaults::kTrainOptimizer);
    int trainPerClass = 0, testPerClass = 0;  // 0: every image
    int maxSteps = 0;                         // per epoch; 0: all
    long long seed = defaults::kSeed;

    // The child's arguments, starting with "train"; --resume when continuing.
    QStringList arguments(bool resume) const;
    // Where the child keeps its checkpoint until the model is written.
    QString checkpointPath() const;
};

class TrainJob : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping };
    enum class Outcome { Done, Stopped, Failed };
    Q_ENUM(Outcome)

    explicit TrainJob(QObject* parent = nullptr);
    ~TrainJob() override;  // stops a running child (checkpoint, then kill after the timeout)

    // Starts a fresh run; false (and the reason in `error`) when one is
    // running or the program is missing. A child that then fails to start
    // ends the run with finished(Failed, why).
    bool start(const TrainRequest& request, QString* error = nullptr);
    // Continues the last run from its checkpoint with the same flags.
    bool resume(QString* error = nullptr);
    // SIGINT: the child checkpoints and stops. Kill if it is still there after the timeout.
    void cancel();
    // Blocks until the child ended (tests, shutdown); false on timeout.
    bool waitForFinished(int timeoutMs);

    State state() const { return state_; }
    bool isRunning() const { return state_ != State::Idle; }
    // The last run stopped with a checkpoint that Resume can continue.
    bool canResume() const;
    const TrainRequest& request() const { return request_; }
    qint64 processId() const { return child_->processId(); }  // 0 when no child runs
    QString standardError() const { return child_->standardError(); }
    void setKillTimeout(int ms) { child_->setKillTimeout(ms); }

signals:
    void started(bool resumed);
    void messageReceived(const QString& text);  // "message" events, unparsed lines, stderr lines
    void trainingStarted(const mcunet::ui::TrainStart& start);
    void stepReported(const mcunet::ui::TrainStep& step);
    void epochReported(const mcunet::ui::TrainEpoch& epoch);
    void doneReported(const mcunet::ui::TrainDone& done);
    // The child exited. Done: the model is written; Stopped: a checkpoint is
    // kept (Resume); Failed: `error` says why (the child's stderr when it has one).
    void finished(mcunet::ui::TrainJob::Outcome outcome, const QString& error);

private:
    bool launch(bool resume, QString* error);
    void dispatch(const TrainEvent& event);
    void onExited(int exitCode, QProcess::ExitStatus status);
    void endRun(Outcome outcome, const QString& error);

    ChildProcess* child_;
    TrainProgressParser parser_;
    TrainRequest request_;
    bool haveRequest_ = false;
    State state_ = State::Idle;
    bool sawDone_ = false, sawStopped_ = false, resumed_ = false;
};

}  // namespace mcunet::ui
