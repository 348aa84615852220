#pragma once
// Board definitions (resources/boards/*.json, docs/board-json.md): the limits
// the search and the planners check against, and the latency table of the
// cost model. The catalog reads a folder; a bad file is reported by name.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mcunet::board {

struct UsbId {
    std::uint16_t vendor = 0, product = 0;
    std::string role;  // "dfu", "st-link", "data", ...
};

// The latency model: our kernels' instructions per layer (cost/instructions.h,
// the same for every Cortex-M board) times the core's cycles per instruction,
// times a per-op-kind factor a profile calibrates (board::calibrate).
struct LatencyTable {
    double cyclesPerInstruction = 1.0;     // 1 on the virtual boards (they count instructions)
    std::map<std::string, double> opScale;  // keyed by graph::opKindName; 1 when absent
    double scale(const std::string& opKind) const {
        const auto it = opScale.find(opKind);
        return it == opScale.end() ? 1.0 : it->second;
    }
};

// A firmware board layer (core/runtime/firmware/board.h; docs/board-json.md,
// "firmware"): what the firmware build adds for this board. Checked when
// read, so file names and defines reach the build only in their safe forms.
struct FirmwareLayer {
    std::string core;                  // the core the layer is written for (the board's own)
    std::vector<std::string> sources;  // firmware/*.c files beside the common ones
    std::uint32_t flashOrigin = 0;     // where Flash starts: the linker script's origin
    std::string fpu;                   // the -mfpu value replacing the core's default ("" keeps it)
    bool uartBaud = false;             // a real UART: the firmware takes MCUNET_UART_BAUD
    std::vector<std::string> defines;  // -D names: which board of a family
    bool operator==(const FirmwareLayer&) const = default;
};

struct Board {
    std::string id;
    std::string name;
    std::string mcu;
    std::string core;  // "cortex-m7", "cortex-m4", ...
    std::int64_t clockHz = 0;
    std::int64_t sramBytes = 0;
    std::int64_t flashBytes = 0;
    std::int64_t runtimeFlashBytes = 0;  // firmware + kernels allowance counted in Flash
    bool isVirtual = false;
    std::string qemuMachine;  // virtual boards only
    std::string qemuCpu;
    std::string flashMethod;   // "dfu", "st-link", "openmv", "bossac", "qemu"
    std::string cycleCounter;  // "dwt" or "icount" (executed instructions, never cycles)
    std::vector<UsbId> usb;
    LatencyTable latency;
    std::optional<FirmwareLayer> firmware;  // none: the firmware cannot be built for it (yet)
};

// 2: the latency block is cycles_per_instruction and op_scale (version 1's
// per-MAC table is still read: docs/board-json.md says how). 3: the optional
// firmware block (versions 1 and 2 are read as boards without one).
inline constexpr int kBoardSchemaVersion = 3;

Board boardFromJson(const nlohmann::json& document);  // validates, throws mcunet::Error
nlohmann::json toJson(const Board& b);
// The board with its SRAM and Flash capped at `sramBytes` / `flashBytes`
// (a project's or a command's smaller limits): the firmware built for it
// links against them, so a model over them fails to link.
Board withLimits(Board b, std::int64_t sramBytes, std::int64_t flashBytes);

// The folder with the project's resources: $MCUNET_RESOURCES, else
// ../share/mcunet-studio/resources beside the executable (installed: the
// prefix the program runs from, never the build tree or the working
// directory), else the source tree's resources/ (development builds).
std::string resourceDir();
// The documentation, found the same way: ../share/doc/mcunet-studio beside
// the executable (installed), else the source tree's docs/.
std::string documentationDir();

class Catalog {
public:
    static Catalog load(const std::string& folder);  // every *.json in folder
    // resourceDir()/boards, loaded once for the process (a reference to one
    // catalog, so references into it never dangle).
    static const Catalog& builtIn();
    const std::vector<Board>& boards() const& { return boards_; }
    const Board& byId(const std::string& id) const&;  // throws with the known IDs
    const Board* find(const std::string& id) const&;
    // A reference into a temporary catalog would dangle: refused at compile time.
    const std::vector<Board>& boards() const&& = delete;
    const Board& byId(const std::string& id) const&& = delete;
    const Board* find(const std::string& id) const&& = delete;

private:
    std::vector<Board> boards_;
};

}  // namespace mcunet::board
