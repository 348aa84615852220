#include "search/search_job.h"

#include "common/overloaded.h"

namespace mcunet::ui {

namespace {

QString number(double v) { return QString::number(v, 'g', 10); }

}  // namespace

QStringList SearchRequest::arguments() const {
    QStringList a{QStringLiteral("tinynas"), QStringLiteral("--data"), data, QStringLiteral("--board"), board};
    if (sramKiB) a << QStringLiteral("--sram") << number(*sramKiB);
    if (flashKiB) a << QStringLiteral("--flash") << number(*flashKiB);
    if (latencyMs > 0) a << QStringLiteral("--latency-ms") << number(latencyMs);
    a << QStringLiteral("--budget") << budget << QStringLiteral("--seed") << QString::number(seed);
    if (threads > 0) a << QStringLiteral("--threads") << QString::number(threads);
    a << QStringLiteral("--out") << out;
    if (force) a << QStringLiteral("--force");
    a << QStringLiteral("--json");
    return a;
}

SearchJob::SearchJob(QObject* parent) : QObject(parent), child_(new ChildProcess(QStringLiteral("mcunet tinynas"), this)) {
    connect(child_, &ChildProcess::started, this, &SearchJob::started);
    connect(child_, &ChildProcess::outputReceived, this, [this](const QByteArray& bytes) {
        for (const FlowEvent& e : parser_.feed(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size()))))
            dispatch(e);
    });
    connect(child_, &ChildProcess::errorLine, this, &SearchJob::messageReceived);
    connect(child_, &ChildProcess::message, this, &SearchJob::messageReceived);
    connect(child_, &ChildProcess::exited, this, &SearchJob::onExited);
    connect(child_, &ChildProcess::failedToStart, this, [this](const QString& why) {
        if (running_) endRun(Outcome::Failed, why);
    });
}

bool SearchJob::start(const SearchRequest& request, QString* error) {
    if (running_) {
        if (error) *error = tr("a search is already running");
        return false;
    }
    request_ = request;
    parser_ = FlowProgressParser();
    sawDone_ = false;
    running_ = true;  // before start: a child that fails to start ends the run through failedToStart
    if (child_->start(request_.program, request_.arguments(), error)) return true;
    running_ = false;
    return false;
}

void SearchJob::cancel() {
    if (running_) child_->cancel();
}

void SearchJob::dispatch(const FlowEvent& event) {
    std::visit(Overloaded{
                   [this](const FlowStepStarted& s) {
                       emit stepStarted(QString::fromStdString(s.step), QString::fromStdString(s.text));
                   },
                   [this](const FlowMessage& m) { emit messageReceived(QString::fromStdString(m.text)); },
                   [this](const FlowTrainLine& t) {
                       const QString step = QString::fromStdString(t.step);
                       if (const auto* s = std::get_if<TrainStart>(&t.event)) emit trainingStarted(step, *s);
                       else if (const auto* st = std::get_if<TrainStep>(&t.event)) emit trainingStep(step, *st);
                       else if (const auto* e = std::get_if<TrainEpoch>(&t.event)) emit trainingEpoch(step, *e);
                       else if (const auto* m = std::get_if<TrainMessage>(&t.event))
                           emit messageReceived(QString::fromStdString(m->text));
                   },
                   [this](const FlowGeneration& g) { emit generationReported(g); },
                   [this](const FlowDone& d) {
                       sawDone_ = true;
                       emit reportReady(d.report);
                   },
                   [this](const RawLine& r) { emit messageReceived(QString::fromStdString(r.text)); },
               },
               event);
}

void SearchJob::onExited(int exitCode, QProcess::ExitStatus status) {
    for (const FlowEvent& e : parser_.finish()) dispatch(e);
    const QString errors = child_->standardError();
    if (status == QProcess::NormalExit && exitCode == 0 && sawDone_) return endRun(Outcome::Done, {});
    if ((status == QProcess::NormalExit && exitCode == 130) || child_->cancelRequested())
        return endRun(Outcome::Stopped, tr("stopped; Start continues the run from its last finished epoch or generation"));
    if (status == QProcess::CrashExit)
        return endRun(Outcome::Failed, tr("mcunet tinynas crashed (%1)%2")
                                           .arg(child_->errorString(), errors.isEmpty() ? QString() : QStringLiteral(": ") + errors));
    if (exitCode == 0) return endRun(Outcome::Failed, tr("mcunet tinynas exited without a report"));
    const QString detail = errors.isEmpty() ? tr("no message on stderr") : errors;
    endRun(Outcome::Failed, exitCode == 2 ? detail : tr("exit code %1: %2").arg(exitCode).arg(detail));
}

void SearchJob::endRun(Outcome outcome, const QString& error) {
    running_ = false;
    emit finished(outcome, error);
}

}  // namespace mcunet::ui
