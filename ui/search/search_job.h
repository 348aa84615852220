#pragma once
// One TinyNAS run, `mcunet tinynas --json`, in a child process: stage 1,
// the supernet, the evolutionary search, fine-tuning, int8, deploy and
// profile on the board, and the two baselines, each step resumable by the
// CLI itself. The job follows the child's progress lines (FlowProgressParser)
// and re-emits them as typed signals on the GUI thread. Cancel sends SIGINT;
// starting the same request again continues the run where it stopped (the
// CLI skips finished steps and resumes training and search from their state).
#include <optional>

#include <QObject>
#include <QString>
#include <QStringList>

#include "common/defaults.h"
#include "jobs/child_process.h"
#include "search/search_progress.h"
#include "train/train_metatypes.h"

namespace mcunet::ui {

// Everything `mcunet tinynas` is started with.
struct SearchRequest {
    QString program;  // the mcunet CLI
    QString data = QString::fromLatin1(defaults::kTrainData);
    QString board;
    std::optional<double> sramKiB, flashKiB;  // the project's limits (absent: the board's)
    double latencyMs = 0;                     // 0: no latency limit
    QString budget = QStringLiteral("default");
    long long seed = defaults::kSeed;
    int threads = 0;  // 0: every core
    QString out;      // the run folder
    bool force = false;  // replace an earlier run of ours with other settings
    QStringList arguments() const;
};

class SearchJob : public QObject {
    Q_OBJECT
public:
    enum class Outcome { Done, Stopped, Failed };
    Q_ENUM(Outcome)

    explicit SearchJob(QObject* parent = nullptr);

    bool start(const SearchRequest& request, QString* error = nullptr);
    void cancel();
    bool isRunning() const { return running_; }
    bool waitForFinished(int timeoutMs) { return child_->waitForFinished(timeoutMs); }
    qint64 processId() const { return child_->processId(); }
    const SearchRequest& request() const { return request_; }
    void setKillTimeout(int ms) { child_->setKillTimeout(ms); }

signals:
    void started();
    void stepStarted(const QString& step, const QString& text);
    void messageReceived(const QString& text);
    void trainingStarted(const QString& step, const mcunet::ui::TrainStart& start);
    void trainingStep(const QString& step, const mcunet::ui::TrainStep& s);
    void trainingEpoch(const QString& step, const mcunet::ui::TrainEpoch& epoch);
    void generationReported(const mcunet::ui::FlowGeneration& generation);
    void reportReady(const mcunet::ui::TinynasReport& report);
    // Done: report.json is written; Stopped: Start continues the run; Failed: `error` says why.
    void finished(mcunet::ui::SearchJob::Outcome outcome, const QString& error);

private:
    void dispatch(const FlowEvent& event);
    void onExited(int exitCode, QProcess::ExitStatus status);
    void endRun(Outcome outcome, const QString& error);

    ChildProcess* child_;
    FlowProgressParser parser_;
    SearchRequest request_;
    bool running_ = false, sawDone_ = false;
};

}  // namespace mcunet::ui

Q_DECLARE_METATYPE(mcunet::ui::FlowGeneration)
Q_DECLARE_METATYPE(mcunet::ui::TinynasReport)
