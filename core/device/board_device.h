#pragma once
// One interface for what a board on this machine can do, whatever it is: the
// QEMU virtual board, an STM32 in its ROM bootloader (DfuSe over libusb), an
// STM32 Discovery / Nucleo board through its ST-LINK (libstlink). The deploy
// pipeline (core/deploy) and every caller (CLI, studio) go through it; none
// of them creates a VirtualBoard or a flasher itself. docs/usb-devices.md.
//
// Threading: a BoardDevice is used from one thread (the one that opened it:
// QEMU dies with the thread that started it); `cancel` flags may be set from
// any thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "board/board.h"
#include "board/link.h"
#include "device/usb_discovery.h"

namespace mcunet::device {

// What a board's profiles count (HELLO's counter kind agrees).
enum class CounterKind {
    Cycles,        // real boards: the DWT cycle counter
    Instructions,  // the virtual boards: executed instructions (QEMU -icount), never cycles
};
std::string counterKindName(CounterKind kind);  // "cycles", "instructions"

// How the host reaches a board's firmware link (docs/link-protocol.md).
enum class LinkKind {
    Tcp,     // the virtual board: QEMU's UART on a loopback socket
    Serial,  // a real board's UART: the ST-LINK virtual COM port or a USB-serial adapter
};

// How firmware gets onto a board.
enum class FlashKind {
    Virtual,  // recorded, booted in QEMU by openLink
    Dfuse,    // USB DFU 1.1 + DfuSe, the STM32 ROM bootloader (0483:df11)
    StLink,   // SWD through the on-board ST-LINK (libstlink)
    None,     // nothing here can flash it (OpenMV, bossac, ...)
};
std::string flashKindName(FlashKind kind);  // "qemu", "dfu", "st-link", "none"

// The one answer to "what does this board support here": asked by the CLI
// and the studio alike.
struct BoardSupport {
    bool firmware = false;           // a firmware board layer exists (board::hasFirmwareLayer)
    std::vector<FlashKind> flashers; // usable flash methods, preferred first (empty: none)
    LinkKind link = LinkKind::Serial;
    CounterKind counter = CounterKind::Cycles;
    std::vector<std::string> usbIds;  // "0483:374b", ... the USB IDs a connected board shows (real boards)
    // Build, flash and profile all possible (a board still has to be connected).
    bool deployable() const { return firmware && !flashers.empty(); }
    std::string whyNot;  // "" when deployable(); else the user-facing reason
};
BoardSupport boardSupport(const board::Board& board);

// What is connected (identify()).
struct DeviceIdentity {
    std::string boardId;    // the catalog board it is used as
    std::string serial;     // USB serial number ("" for the virtual board)
    FlashKind flashKind = FlashKind::None;
    std::string transport;  // "qemu (TCP 127.0.0.1)", "ST-LINK/V2-1 0483:374b serial ... (bus 1, address 5)", ...
    std::string serialPort; // the link's serial port when known ("/dev/ttyACM0"), "" otherwise
};

// A firmware image to flash: the ELF (board::loadImage gives its bytes) or
// bytes at an address.
struct FlashImage {
    std::string elf;                  // the ELF path ("" for a raw image; the virtual board needs one)
    std::uint32_t address = 0;        // where bytes[0] goes
    std::vector<std::uint8_t> bytes;  // what is written
};
// Reads `elf` (board::readElf, board::loadImage). Throws mcunet::Error naming the file.
FlashImage flashImageFromElf(const std::string& elf);

struct FlashProgress {
    std::string phase;  // "erasing", "writing", "verifying", "booting", ...
    std::uint64_t done = 0, total = 0;
};
// Returns false to cancel.
using FlashProgressFn = std::function<bool(const FlashProgress&)>;

struct FlashResult {
    bool verified = false;            // read back and compared (the virtual board: it answered HELLO)
    std::uint64_t bytesWritten = 0;
    std::vector<std::uint32_t> erased;  // sector / page addresses erased, in order
    double seconds = 0;
};

class BoardDevice {
public:
    virtual ~BoardDevice() = default;
    virtual DeviceIdentity identify() const = 0;
    // Writes `image` and verifies it. Never touches Flash outside the sectors
    // the image covers, never mass erases, never option bytes; an image
    // outside the board's Flash is refused before anything is sent.
    //   progress: may be empty. cancel: may be null; checked between steps.
    // Throws DeviceError (Cancelled when stopped) or mcunet::Error.
    virtual FlashResult flash(const FlashImage& image, const FlashProgressFn& progress,
                              const std::atomic<bool>* cancel) = 0;
    // The firmware's link: QEMU booted with the flashed ELF on the virtual
    // board, the serial port on a real one. Reads and writes on it throw
    // board::Cancelled within ~50 ms of `cancel` being set (may be null).
    // The device's resources (QEMU) live as long as the returned transport.
    virtual std::unique_ptr<board::Transport> openLink(const std::atomic<bool>* cancel) = 0;
    // Restarts the firmware (the virtual board: the next openLink boots it afresh).
    virtual void reset() = 0;
    virtual CounterKind counterKind() const = 0;
};

// Which connected device to use.
// Which of a real board's links to talk to its firmware over.
enum class LinkChoice {
    Auto,    // the firmware's USB link when exactly one is connected and no port is named, else the UART
    Usb,     // the firmware's vendor bulk USB link (device/usb_link.h) only
    Serial,  // the UART (ST-LINK virtual COM port or an adapter) only
};

struct DeviceSelector {
    std::string serial;      // USB serial number: picks one of several boards
    std::string serialPort;  // the link's port when it cannot be found from USB (a DFU board's adapter)
    int baud = 115200;       // the link's rate (the firmware's MCUNET_UART_BAUD)
    LinkChoice link = LinkChoice::Auto;
};

// Finds the board on this machine and opens it for flashing: the virtual
// board at once; a real board through the connected USB device whose ID it
// lists (ST-LINK preferred to the ROM bootloader).
//   board: from the catalog. selector: serial number, link port.
//   catalog: identifies devices (may be null: the built-in IDs only).
// Throws DeviceError: NotFound ("no <board> connected", naming the board and
// the VID:PIDs looked for), Ambiguous (lists the serial numbers), Permission
// (names packaging/udev/49-mcunet.rules and how to install it), Refused (no
// flash method for this board here), or what opening the device threw.
std::unique_ptr<BoardDevice> openDevice(const board::Board& board, const DeviceSelector& selector,
                                        const board::Catalog* catalog);

// The ST-LINK virtual COM port of a connected USB device (its ttyACM under
// sysfs), or "" when it has none.
std::string serialPortOf(const UsbDeviceInfo& device);

// A transport that throws board::Cancelled once `cancel` is set: reads are cut
// into slices of at most 50 ms so a cancel is seen promptly on every
// transport. `inner` is owned; `keepAlive` (may be null) is destroyed after it.
std::unique_ptr<board::Transport> cancellableTransport(std::unique_ptr<board::Transport> inner,
                                                       const std::atomic<bool>* cancel,
                                                       std::shared_ptr<void> keepAlive = nullptr);

}  // namespace mcunet::device
