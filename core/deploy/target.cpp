#include "deploy/target.h"

#include <chrono>

#include "board/firmware_build.h"
#include "board/link.h"
#include "board/virtual_board.h"
#include "codegen/build.h"
#include "common/error.h"
#include "common/process.h"
#include "deploy/pipeline.h"
#include "device/board_device.h"

namespace mcunet::deploy {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::size_t outputBytes(const quant::QuantizedModel& m) {
    return static_cast<std::size_t>(m.graph.tensor(m.graph.output()).bytes());
}

void checkInput(const quant::QuantizedModel& m, const std::vector<std::int8_t>& input) {
    const std::size_t want = static_cast<std::size_t>(m.graph.tensor(m.graph.input()).bytes());
    if (input.size() != want)
        throw Error("demo: an input of " + std::to_string(input.size()) + " bytes for a model that takes " + std::to_string(want));
}

deploy::Generated generateFor(const TargetRequest& r, const std::string& boardId) {
    codegen::Options options;
    options.modelName = r.modelName;
    options.boardId = boardId;
    return deploy::generate(*r.model, memory::Planner::Ours, r.workDir, options, {});
}

// RUN of the input already sent over `link`, then the output: one inference.
Inference runSent(board::LinkClient& link, const quant::QuantizedModel& m, Clock::time_point t0, const std::string& unit) {
    constexpr int kRunTimeoutMs = 30000;
    Inference result;
    result.deviceCount = link.run(1, kRunTimeoutMs);
    result.output = link.readOutput(static_cast<std::uint32_t>(outputBytes(m)));
    result.seconds = secondsSince(t0);
    result.unit = unit;
    return result;
}

// The generated C compiled for this computer, run as a helper process that
// reads inputs on stdin and answers each with its output (`--stream`).
class HostTarget final : public Target {
public:
    explicit HostTarget(const TargetRequest& r) : model_(*r.model) {
        generateFor(r, "host");
        runner_ = std::make_unique<PipedProcess>(std::vector<std::string>{codegen::buildHostRunner(r.workDir), "--stream"});
    }
    std::string name() const override { return "host"; }
    Inference infer(const std::vector<std::int8_t>& input) override {
        checkInput(model_, input);
        Inference result;
        const auto t0 = Clock::now();
        runner_->write(input.data(), input.size(), kTimeoutSeconds);
        result.output.resize(outputBytes(model_));
        runner_->read(result.output.data(), result.output.size(), kTimeoutSeconds);
        result.seconds = secondsSince(t0);
        return result;
    }

private:
    static constexpr double kTimeoutSeconds = 10;
    const quant::QuantizedModel& model_;
    std::unique_ptr<PipedProcess> runner_;
};

// The real firmware on a virtual board (QEMU) over its UART link: input,
// run (the board counts the instructions), output. The input goes through a
// host file the firmware reads by semihosting when it can (the UART carries
// about 14 KB/s: 0.45 s for an 80 x 80 picture), else over the link.
class VirtualBoardTarget final : public Target {
public:
    VirtualBoardTarget(const TargetRequest& r, const board::Board& b) : model_(*r.model), board_(b) {
        generateFor(r, b.id);
        const board::FirmwareBuild fw = deploy::build(r.workDir, b, {}, {});
        qemu_ = std::make_unique<board::VirtualBoard>(b, fw.elf);
        link_ = std::make_unique<board::LinkClient>(qemu_->transport());
        const board::Hello hello = link_->hello();
        countsInstructions_ = hello.countsInstructions;
        hostInput_ = hello.hostInput;
        if (hello.outputBytes != outputBytes(model_))
            throw Error(b.id + ": the firmware answers with " + std::to_string(hello.outputBytes) + " output bytes, the model has " +
                        std::to_string(outputBytes(model_)));
    }
    std::string name() const override { return board_.id; }
    Inference infer(const std::vector<std::int8_t>& input) override {
        checkInput(model_, input);
        const auto t0 = Clock::now();
        qemu_->sendInput(*link_, input, hostInput_);
        return runSent(*link_, model_, t0, countsInstructions_ ? "instructions" : "cycles");
    }

private:
    const quant::QuantizedModel& model_;
    board::Board board_;
    std::unique_ptr<board::VirtualBoard> qemu_;
    std::unique_ptr<board::LinkClient> link_;
    bool countsInstructions_ = true;
    bool hostInput_ = false;
};

// The firmware on a board through the device layer (core/device): flashed,
// then each frame over its link (a real board's USB bulk or serial link; a
// virtual board's UART when asked to go this way). Boards count cycles, the
// virtual ones instructions.
class DeviceTarget final : public Target {
public:
    DeviceTarget(const TargetRequest& r, const board::Board& b) : model_(*r.model), board_(b) {
        device_ = device::openDevice(b, r.device, r.catalog);  // "no board connected" before any work
        const deploy::Generated g = generateFor(r, b.id);
        deploy::Control control;
        control.cancel = r.cancel;
        const board::FirmwareBuild fw = deploy::build(r.workDir, b, {}, control);
        deploy::flash(*device_, b, fw.elf, "", &g.plan, control);
        link_ = device_->openLink(r.cancel);
        client_ = std::make_unique<board::LinkClient>(*link_);
        const board::Hello hello = client_->hello();
        unit_ = hello.countsInstructions ? "instructions" : "cycles";
        if (hello.outputBytes != outputBytes(model_))
            throw Error(b.id + ": the firmware answers with " + std::to_string(hello.outputBytes) + " output bytes, the model has " +
                        std::to_string(outputBytes(model_)));
    }
    ~DeviceTarget() override {
        client_.reset();
        link_.reset();  // the link (and a virtual board's QEMU) before the device
    }
    std::string name() const override { return board_.id; }
    Inference infer(const std::vector<std::int8_t>& input) override {
        checkInput(model_, input);
        const auto t0 = Clock::now();
        client_->writeInput(input);
        return runSent(*client_, model_, t0, unit_);
    }

private:
    const quant::QuantizedModel& model_;
    board::Board board_;
    std::unique_ptr<device::BoardDevice> device_;
    std::unique_ptr<board::Transport> link_;
    std::unique_ptr<board::LinkClient> client_;
    std::string unit_;
};

}  // namespace

std::vector<std::string> targetNames(const board::Catalog& catalog) {
    std::vector<std::string> names{"host"};
    for (const board::Board& b : catalog.boards())
        if (b.isVirtual) names.push_back(b.id);
    for (const board::Board& b : catalog.boards())
        if (!b.isVirtual && device::boardSupport(b).deployable()) names.push_back(b.id);
    return names;
}

std::unique_ptr<Target> openTarget(const TargetRequest& r) {
    if (!r.model) throw Error("demo: no model");
    if (r.target == "host") return std::make_unique<HostTarget>(r);
    const board::Board* b = r.board && r.board->id == r.target ? r.board : r.catalog ? r.catalog->find(r.target) : nullptr;
    if (b && b->isVirtual && !r.throughDeviceLayer) return std::make_unique<VirtualBoardTarget>(r, *b);
    if (b && (b->isVirtual || device::boardSupport(*b).deployable())) return std::make_unique<DeviceTarget>(r, *b);
    std::string known;
    if (r.catalog)
        for (const std::string& n : targetNames(*r.catalog)) known += (known.empty() ? "" : ", ") + n;
    if (b) throw Error("--target: " + device::boardSupport(*b).whyNot + " (targets: " + known + ")");
    throw Error("--target \"" + r.target.substr(0, 40) + "\" is not a demo target (targets: " + known + ")");
}

}  // namespace mcunet::deploy
