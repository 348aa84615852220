#include "deploy/deploy_jobs.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "deploy/pipeline.h"
#include "device/board_device.h"
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

// The int8 model of a trained model directory, refused unless it is the
// design's network: weights of another shape would not even load into it.
quant::QuantizedModel loadTrainedInt8(const std::string& dir, const arch::Architecture& design, GeneratedProject& out) {
    quant::TrainedModel trained = quant::loadTrainedModel(dir);
    if (!trained.network.isArchitecture())
        throw Error(dir + ": the trained model is a " + trained.network.family() + " network (" + trained.network.name() +
                    "), not the design's MBConv network");
    const std::vector<std::string> differences = architectureDifferences(trained.network.architecture(), design);
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

// The board with the project's limits: the linker script enforces them.
board::Board boardOf(const GeneratedProject& p) { return p.analysis->deployBoard(); }

void requireDeployable(const board::Board& b) {
    if (const device::BoardSupport support = device::boardSupport(b); !support.deployable()) throw Error(support.whyNot);
}

// The pipeline's progress and cancel, through the job.
deploy::Control controlFor(JobContext& job) {
    deploy::Control control;
    control.cancel = job.cancelFlag();
    control.progress = [&job](const deploy::Progress& p) {
        job.progress(std::llround(p.fraction * 1000), 1000, QString::fromStdString(p.message));
    };
    return control;
}

std::unique_ptr<device::BoardDevice> openBoard(const board::Board& b, const std::string& serial) {
    return device::openDevice(b, {serial, "", 115200}, &board::Catalog::builtIn());
}

}  // namespace

const char* deployStepName(deploy::Stage s) {
    switch (s) {
        case deploy::Stage::Generate: return "Generate";
        case deploy::Stage::Build: return "Build";
        case deploy::Stage::Flash: return "Flash";
        case deploy::Stage::Profile: return "Profile";
    }
    return "";
}

std::vector<std::int8_t> profilingInput(const GeneratedProject& project) {
    return deploy::profilingInput(*project.model, project.seed);
}

std::shared_ptr<const GeneratedProject> generateProject(const GenerateRequest& request, JobContext& job) {
    const auto start = Clock::now();
    const DesignAnalysis& a = *request.analysis;
    auto out = std::make_shared<GeneratedProject>();
    out->analysis = request.analysis;
    out->planner = a.selectedPlanner;
    out->seed = request.seed;
    out->directory = request.directory;

    std::shared_ptr<const quant::QuantizedModel> model;
    if (a.importedModel) {
        model = a.importedModel;  // its own weights and quantization
    } else if (request.trainedModel.empty()) {
        job.progress(0, 4, QStringLiteral("Quantizing %1 (seeded weights)…").arg(QString::fromStdString(a.architecture.name)));
        model = std::make_shared<quant::QuantizedModel>(quant::quantizeSeeded(a.graph, request.seed));
    } else {
        job.progress(0, 4, QStringLiteral("Loading the trained int8 weights from %1…").arg(QString::fromStdString(request.trainedModel)));
        model = std::make_shared<quant::QuantizedModel>(loadTrainedInt8(request.trainedModel, a.architecture, *out));
    }
    stopIfCancelled(job);
    if (request.clearDirectory) {
        std::error_code ignored;
        fs::remove_all(request.directory, ignored);
    }
    codegen::Options options;
    options.modelName = a.architecture.name;
    options.boardId = a.board.id;
    // The studio regenerates into its folder at every change: one of ours
    // (its marker) is replaced; a folder of the user's is refused, never written.
    options.replace = true;
    deploy::Generated generated = deploy::generate(*model, out->planner, request.directory, options, controlFor(job));
    out->generated = std::move(generated.generated);
    out->plan = std::move(generated.plan);
    stopIfCancelled(job);
    const fs::path dir(request.directory);
    for (const char* f : {"model.c", "model.h", "plan.json"}) out->sources[f] = readText(dir / f);
    out->model = std::move(model);
    job.log(QStringLiteral("Generate: %1 files in %2, arena %3 B (%4), %5 kernel variants, %6")
                .arg(out->generated.files.size())
                .arg(QString::fromStdString(out->directory))
                .arg(withCommas(out->generated.arenaBytes), QString::fromLatin1(memory::plannerName(out->planner)))
                .arg(out->generated.kernelVariants.size())
                .arg(a.importedModel ? QStringLiteral("the imported model's weights")
                     : out->trainedModel.empty()
                         ? QStringLiteral("seeded random weights")
                         : QStringLiteral("trained weights from %1").arg(QString::fromStdString(out->trainedModel))));
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const BuiltFirmware> buildProject(const GeneratedProject& project, JobContext& job) {
    const auto start = Clock::now();
    const board::Board b = boardOf(project);
    requireDeployable(b);
    auto out = std::make_shared<BuiltFirmware>();
    out->firmware = deploy::build(project.directory, b, {}, controlFor(job));
    stopIfCancelled(job);
    out->plannedArenaBytes = project.plan.value("arena_bytes", std::int64_t(-1));
    out->estimatedFlashBytes = project.analysis->cost.flashBytes;
    job.log(QStringLiteral("Build: %1 (Flash %2 B, SRAM %3 B, arena %4 B)")
                .arg(QString::fromStdString(out->firmware.elf), withCommas(out->firmware.flashBytes),
                     withCommas(out->firmware.sramBytes), withCommas(out->firmware.arenaBytes)));
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const FlashedBoard> flashBoard(const GeneratedProject& project, const std::string& elf,
                                               const std::string& serial, JobContext& job) {
    const auto start = Clock::now();
    const board::Board b = boardOf(project);
    requireDeployable(b);
    auto out = std::make_shared<FlashedBoard>();
    out->elf = elf;
    const std::unique_ptr<device::BoardDevice> dev = openBoard(b, serial);
    const std::string planPath = (fs::path(project.directory) / "plan.json").string();
    const deploy::Flashed flashed = deploy::flash(*dev, b, elf, planPath, &project.plan, controlFor(job));
    out->device = flashed.device;
    out->hello = flashed.hello;
    const std::string expected = project.analysis->architecture.name;
    if (out->hello.model != expected)
        throw Error("flash: the board answers with " + out->hello.model + ", expected " + expected);
    job.log(QStringLiteral("Flash: %1 through %2 answers: %3, %4 layers, arena %5 B, counts %6")
                .arg(QString::fromStdString(out->hello.board), QString::fromStdString(out->device.transport),
                     QString::fromStdString(out->hello.model))
                .arg(out->hello.layers)
                .arg(withCommas(out->hello.arenaBytes))
                .arg(out->hello.countsInstructions ? QStringLiteral("executed instructions") : QStringLiteral("cycles")));
    out->seconds = secondsSince(start);
    return out;
}

std::shared_ptr<const ProfileRun> profileBoard(const GeneratedProject& project, int runs, const std::string& serial,
                                               JobContext& job) {
    const auto start = Clock::now();
    const board::Board b = boardOf(project);
    requireDeployable(b);
    auto out = std::make_shared<ProfileRun>();
    out->input = profilingInput(project);
    const std::unique_ptr<device::BoardDevice> dev = openBoard(b, serial);
    out->profile = deploy::profile(*dev, b, board::layersFromPlan(project.plan), out->input, runs, controlFor(job)).profile;
    stopIfCancelled(job);
    job.progress(900, 1000, QStringLiteral("Running the reference interpreter on the same input…"));
    out->reference = quant::runReferenceOutput(*project.model, out->input);
    out->matchesReference = out->reference == out->profile.output;
    const board::Profile& p = out->profile;
    job.log(QStringLiteral("Profile: %1 %2 for %3 MACs (%4 MACs per %5); output %6 the reference interpreter's")
                .arg(withCommas(static_cast<std::int64_t>(p.total)), QString::fromStdString(p.unit()), withCommas(p.macs))
                .arg(p.total ? double(p.macs) / double(p.total) : 0.0, 0, 'f', 3)
                .arg(p.instructions ? QStringLiteral("instruction") : QStringLiteral("cycle"))
                .arg(out->matchesReference ? QStringLiteral("identical to") : QStringLiteral("DIFFERS from")));
    job.progress(1000, 1000);
    out->seconds = secondsSince(start);
    return out;
}

}  // namespace mcunet::ui
