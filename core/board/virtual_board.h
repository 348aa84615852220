#pragma once
// The virtual board: real firmware on an emulated Cortex-M (qemu-system-arm
// mps2-an500 / mps2-an386, deterministic -icount), its UART on a loopback TCP
// port. QEMU is killed when the object goes away, and also if this process
// dies (the kernel sends it SIGKILL), so no QEMU outlives the studio or a test.
#include <memory>
#include <string>
#include <vector>
#include <sys/types.h>

#include "board/board.h"
#include "board/link.h"

namespace mcunet::board {

struct VirtualBoardOptions {
    std::string qemu = "qemu-system-arm";
    int startTimeoutMs = 10000;
    // QEMU's end of the UART socket with TCP_NODELAY (chardev nodelay=on; the
    // host's end always has it). Without it every reply waits for Nagle's
    // algorithm and delayed ACKs: a command round trip took 10-20x longer
    // (docs/link-protocol.md). false only to measure that.
    bool tcpNoDelay = true;
};

class VirtualBoard {
public:
    // Boots `elf` on the board's QEMU machine and connects to its UART.
    // Throws mcunet::Error: QEMU missing, the ELF rejected, QEMU exiting early.
    VirtualBoard(const Board& board, const std::string& elf, VirtualBoardOptions options = {});
    ~VirtualBoard();
    VirtualBoard(const VirtualBoard&) = delete;
    VirtualBoard& operator=(const VirtualBoard&) = delete;

    Transport& transport() { return *transport_; }
    bool running() const;
    pid_t pid() const { return pid_; }
    void stop();                // idempotent
    std::string log() const;    // what QEMU printed
    // Writes the file the firmware's LoadInput reads through semihosting
    // (QEMU runs in this board's private folder): the input of the next
    // LinkClient::loadInput().
    void writeHostInput(const std::vector<std::int8_t>& input);
    // The input of the next run by the fastest route the firmware offers
    // (`hostInput`: its HELLO said so): the host file, else the link.
    void sendInput(LinkClient& link, const std::vector<std::int8_t>& input, bool hostInput);

private:
    void release();        // stop QEMU, remove its folder, drop the registrations
    void forgetProcess();  // after QEMU is reaped
    pid_t pid_ = -1;
    std::string logPath_;
    std::string tempDir_;
    int cleanupToken_ = 0;
    int groupToken_ = 0;
    std::unique_ptr<Transport> transport_;
};

// Where `mcunet flash` records a virtual board's current firmware (the
// virtual board's "Flash": the ELF and its plan.json), under
// $XDG_STATE_HOME or ~/.local/state/mcunet-studio/<board>.json.
std::string flashedFirmwarePath(const std::string& boardId);

}  // namespace mcunet::board
