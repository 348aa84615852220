#pragma once
// The link over a serial port (docs/link-protocol.md, "Transports"): a real
// board's UART as the host sees it, usually the ST-LINK's virtual COM port
// (/dev/ttyACM0) or a USB-serial adapter (/dev/ttyUSB0). The same Transport
// as the virtual board's TCP socket, so LinkClient, the profiler and MLPerf
// Tiny's text commands work unchanged over it.
//
// The port is opened raw, 8N1, no flow control, at one of serialBaudRates();
// it is locked (flock and TIOCEXCL) so a second program cannot interleave
// bytes with ours. Open errors say what to do: port missing, permission
// denied (the dialout group), port busy, not a serial port, rate refused.
#include <memory>
#include <string>
#include <vector>

#include "board/link.h"

namespace mcunet::board {

struct SerialOptions {
    int baud = 115200;          // one of serialBaudRates()
    int writeTimeoutMs = 2000;  // a port that takes no data for this long is reported
};

// Baud rates Linux termios can set (B9600 ... B4000000). What a given
// adapter accepts is its driver's business: a rate it refuses is reported.
const std::vector<int>& serialBaudRates();

// Throws LinkError with a message naming `path` and what to do.
std::unique_ptr<Transport> openSerialPort(const std::string& path, const SerialOptions& options = {});

// The message for an open() or flock() failure with `error` (an errno value),
// as openSerialPort throws it; public so every case can be tested.
std::string serialOpenError(const std::string& path, int error);

}  // namespace mcunet::board
