#include "deploy/deploy_jobs.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "board/virtual_board.h"
#include "common/format.h"
#include "common/error.h"
#include "common/json_read.h"
#include "jobs/job_runner.h"
#include "quant/interpreter.h"
#include "quant/model_dir.h"
#include "train/trained_model_info.h"

namespace mcunet::ui {

namespace fs = std::filesystem;

namespace {

std::atomic<int> liveBoards{0};

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void stopIfCancelled(JobContext& job) {
    if (job.cancelled()) throw Error("cancelled");
}

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A virtual board for the length of one step (it must not outlive the
// worker thread: QEMU gets SIGKILL when the thread that started it ends). A watcher thread kills QEMU as
// soon as the job is cancelled: the link then fails at once and the step
// unwinds; the board object reaps the process when it goes away (after the
// watcher has stopped, so the pid cannot be reused under it).
class BoardSession {
public:
    BoardSession(const board::Board& b, const std::string& elf, JobContext& job)
        : board_(std::make_unique<board::VirtualBoard>(b, elf)) {
        ++liveBoards;
        const pid_t pid = board_->pid();
        watcher_ = std::thread([this, pid, &job] {
            std::unique_lock lock(mutex_);
            while (!done_) {
                if (job.cancelled()) {
                    if (pid > 0) ::kill(pid, SIGKILL);
                    return;
                }
                wake_.wait_for(lock, std::chrono::milliseconds(15));
            }
        });
    }
    ~BoardSession() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        wake_.notify_all();
        watcher_.join();
        board_.reset();  // stops and reaps QEMU
        --liveBoards;
    }
    BoardSession(const BoardSession&) = delete;
    BoardSession& operator=(const BoardSession&) = delete;
    board::Transport& transport() { return board_->transport(); }

private:
    std::unique_ptr<board::VirtualBoard> board_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool done_ = false;
    std::thread watcher_;
};

// The int8 model of a trained model directory, refused unless it is the
// design's network: weights of another shape would not even load into it.
quant::QuantizedModel loadTrainedInt8(const std::string& dir, const arch::Architecture& design, GeneratedProject& out) {
    quant::TrainedModel trained = quant::loadTrainedModel(dir);
    const std::vector<std::string> differences = architectureDifferences(trained.architecture, design);
    if (!differences.empty()) {
        std::string list;
        for (const std::string& d : differences) list += (list.empty() ? "" : "; ") + d;
        throw Error(dir + ": the trained model is not the design's network (" + list + ")");
    }
    out.trainedModel = dir;
    for (const quant::Accuracy& acc : trained.accuracy)
        if (acc.engine == "int8-reference") out.trainedInt8Accuracy = acc.value();
    return std::move(trained.int8);
}

const board::Board& boardOf(const GeneratedProject& p) { return p.analysis->board; }

void requireVirtual(const board::Board& b) {
    if (!b.isVirtual)
        throw Error(b.id + " is a USB board: build, flash and profiling run on the virtual boards (virtual-m7, "
                           "virtual-m4) for now; USB boards come later");
}

}  // namespace

const char* deployStepName(DeployStep s) {
    switch (s) {
        case DeployStep::Generate: return "Generate";
        case DeployStep::Build: return "Build";
        case DeployStep::Flash: return "Flash";
        case DeployStep::Profile: return "Profile";
    }
    return "";
}

int liveVirtualBoards() { return liveBoards.load(); }

std::vector<std::int8_t> profilingInput(const GeneratedProject& project) {
    const graph::Graph& g = project.model->graph;
    return quant::quantizeTensor(quant::randomInputs(g, 1, project.seed + 1)[0],
                                 project.model->tensors[static_cast<std::size_t>(g.input())]);
}

std::shared_ptr<const GeneratedProject> generateProject(const GenerateRequest& request, JobContext& job) {
    const auto start = Clock::now();
    const DesignAnalysis& a = *request.analysis;
    auto out = std::make_shared<GeneratedProject>();
    out->analysis = request.analysis;
    out->planner = a.selectedPlanner;
    out->seed = request.seed;
    out->directory = request.directory;

    std::shared_ptr<quant::QuantizedModel> model;
    if (request.trainedModel.empty()) {
        job.progress(0, 4, QStringLiteral("Quantizing %1 (seeded weights)…").arg(QString::fromStdString(a.architecture.name)));
        model = std::make_shared<quant::QuantizedModel>(quant::quantizeSeeded(a.graph, request.seed));
    } else {
        job.progress(0, 4, QStringLiteral("Loading the trained int8 weights from %1…").arg(QString::fromStdString(request.trainedModel)));
        model = std::make_shared<quant::QuantizedModel>(loadTrainedInt8(request.trainedModel, a.architecture, *out));
    }
    stopIfCancelled(job);
    job.progress(1, 4, QStringLiteral("Planning the arena (%1)…").arg(QString::fromLatin1(memory::plannerName(out->planner))));
    const memory::Plan plan = memory::plan(model->graph, out->planner);
    stopIfCancelled(job);

    job.progress(2, 4, QStringLiteral("Writing C to %1…").arg(QString::fromStdString(request.directory)));
    if (request.clearDirectory) {
        std::error_code ignored;
        fs::remove_all(request.directory, ignored);
    }
    codegen::Options options;
    options.prefix = "model";  // the firmware build expects it
    options.modelName = a.architecture.name;
    options.boardId = a.board.id;
    out->generated = codegen::generate(*model, plan, request.directory, options);
    stopIfCancelled(job);

    job.progress(3, 4, QStringLiteral("Reading plan.json…"));
    const fs::path dir(request.directory);
    out->plan = json_read::parseFile((dir / "plan.json").string());
    for (const char* f : {"model.c", "model.h", "plan.json"}) out->sources[f] = readText(dir / f);
    out->model = std::move(model);
    job.log(QStringLiteral("Generate: %1 files in %2, arena %3 B (%4), %5 kernel variants, %6")
                .arg(out->generated.files.size())
                .arg(QString::fromStdString(out->directory))
                .arg(withCommas(out->generated.arenaBytes), QString::fromLatin1(memory::plannerName(out->planner)))
                .arg(out->generated.kernelVariants.size())
                .arg(out->trainedModel.empty() ? QStringLiteral("seeded random weights")
                                               : QStringLiteral("trained weights from %1").arg(QString::fromStdString(out->trainedModel))));
    job.progress(4, 4);
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const BuiltFirmware> buildProject(const GeneratedProject& project, JobContext& job) {
    const auto start = Clock::now();
    const board::Board& b = boardOf(project);
    requireVirtual(b);
    job.progress(0, 1, QStringLiteral("Cross-building for %1 (arm-none-eabi-gcc)…").arg(QString::fromStdString(b.id)));
    auto out = std::make_shared<BuiltFirmware>();
    out->firmware = board::buildFirmware(project.directory, b);
    stopIfCancelled(job);
    out->plannedArenaBytes = project.plan.value("arena_bytes", std::int64_t(-1));
    out->estimatedFlashBytes = project.analysis->cost.flashBytes;
    job.log(QStringLiteral("Build: %1 (Flash %2 B, SRAM %3 B, arena %4 B)")
                .arg(QString::fromStdString(out->firmware.elf), withCommas(out->firmware.flashBytes),
                     withCommas(out->firmware.sramBytes), withCommas(out->firmware.arenaBytes)));
    job.progress(1, 1);
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const FlashedBoard> flashVirtualBoard(const GeneratedProject& project, const std::string& elf,
                                                      JobContext& job) {
    const auto start = Clock::now();
    const board::Board& b = boardOf(project);
    requireVirtual(b);
    job.progress(0, 2, QStringLiteral("Booting %1 in QEMU (%2)…").arg(QString::fromStdString(b.id), QString::fromStdString(b.qemuMachine)));
    auto out = std::make_shared<FlashedBoard>();
    out->elf = elf;
    {
        BoardSession session(b, elf, job);
        stopIfCancelled(job);
        job.progress(1, 2, QStringLiteral("Saying hello over the link…"));
        board::LinkClient link(session.transport());
        out->hello = link.hello();
    }
    stopIfCancelled(job);
    const std::string expected = project.analysis->architecture.name;
    const auto layers = project.plan["layers"].size();
    if (out->hello.model != expected || out->hello.layers != static_cast<int>(layers))
        throw Error("flash: the board answers with " + out->hello.model + " (" + std::to_string(out->hello.layers) +
                    " layers), expected " + expected + " (" + std::to_string(layers) + " layers)");
    job.log(QStringLiteral("Flash: %1 answers: %2, %3 layers, arena %4 B, counts %5")
                .arg(QString::fromStdString(out->hello.board), QString::fromStdString(out->hello.model))
                .arg(out->hello.layers)
                .arg(withCommas(out->hello.arenaBytes))
                .arg(out->hello.countsInstructions ? QStringLiteral("executed instructions") : QStringLiteral("cycles")));
    job.progress(2, 2);
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const ProfileRun> profileVirtualBoard(const GeneratedProject& project, const std::string& elf, int runs,
                                                      JobContext& job) {
    const auto start = Clock::now();
    const board::Board& b = boardOf(project);
    requireVirtual(b);
    auto out = std::make_shared<ProfileRun>();
    out->input = profilingInput(project);
    job.progress(0, 3, QStringLiteral("Booting %1 in QEMU…").arg(QString::fromStdString(b.id)));
    {
        BoardSession session(b, elf, job);
        stopIfCancelled(job);
        job.progress(1, 3, QStringLiteral("Running %1 %2 time(s) on %3…")
                               .arg(QString::fromStdString(project.analysis->architecture.name))
                               .arg(runs)
                               .arg(QString::fromStdString(b.id)));
        board::LinkClient link(session.transport());
        try {
            out->profile = board::profileModel(link, board::layersFromPlan(project.plan), b, out->input, runs);
        } catch (const std::exception&) {
            stopIfCancelled(job);  // QEMU was killed on purpose: report the cancel, not the broken link
            throw;
        }
    }
    stopIfCancelled(job);
    job.progress(2, 3, QStringLiteral("Running the reference interpreter on the same input…"));
    out->reference = quant::runReferenceOutput(*project.model, out->input);
    out->matchesReference = out->reference == out->profile.output;
    const board::Profile& p = out->profile;
    job.log(QStringLiteral("Profile: %1 %2 for %3 MACs (%4 MACs per %5); output %6 the reference interpreter's")
                .arg(withCommas(static_cast<std::int64_t>(p.total)), QString::fromStdString(p.unit()), withCommas(p.macs))
                .arg(p.total ? double(p.macs) / double(p.total) : 0.0, 0, 'f', 3)
                .arg(p.instructions ? QStringLiteral("instruction") : QStringLiteral("cycle"))
                .arg(out->matchesReference ? QStringLiteral("identical to") : QStringLiteral("DIFFERS from")));
    job.progress(3, 3);
    out->seconds = secondsSince(start);
    return out;
}

}  // namespace mcunet::ui
