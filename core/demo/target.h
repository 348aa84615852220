#pragma once
// Where a live demo runs the model (docs/demo.md): the generated C on this
// computer, or the real firmware on a virtual board (QEMU). Each target is
// built once when it is opened and then answers one inference at a time,
// its output byte for byte the reference interpreter's. No Qt; the studio
// opens and drives targets from a worker thread.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "board/board.h"
#include "quant/model.h"

namespace mcunet::demo {

struct Inference {
    std::vector<std::int8_t> output;
    double seconds = 0;            // wall time of the request, as the demo waits for it
    std::uint64_t deviceCount = 0; // the run's count on the target: instructions or cycles; 0 on the host
    std::string unit;              // "instructions", "cycles", or "" on the host
};

class Target {
public:
    virtual ~Target() = default;
    virtual std::string name() const = 0;
    // Throws mcunet::Error (or board::LinkError) when the target fails.
    virtual Inference infer(const std::vector<std::int8_t>& input) = 0;
};

struct TargetRequest {
    const quant::QuantizedModel* model = nullptr;  // required; kept alive by the caller
    std::string modelName;
    std::string target = "host";  // "host" or a virtual board's id
    std::string workDir;          // the generated project and its build (an empty folder of ours)
    const board::Catalog* catalog = nullptr;  // required for boards
};

// Generates and builds for the target, then starts it (the host runner as a
// helper process, or QEMU with the firmware). Throws mcunet::Error naming an
// unknown target (with the known ones), a missing compiler or QEMU.
std::unique_ptr<Target> openTarget(const TargetRequest& request);

// "host" and every board of the catalog a demo can run on today.
std::vector<std::string> targetNames(const board::Catalog& catalog);

}  // namespace mcunet::demo
