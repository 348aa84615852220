#pragma once
// Internal to core/device: the DFU 1.1 class requests on one claimed DFU
// interface, as libusb control transfers (dfu_protocol.h has the codes).
// Each call is one request; waiting through dfuDNBUSY is the caller's
// (dfuse_device.cpp). Transfer failures become DeviceError: a stalled
// request is reported with the status the device gives for it.
#include <libusb.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "device/device_error.h"
#include "device/dfu_protocol.h"

namespace mcunet::device::dfu {

// The error for a GETSTATUS reply whose status is not OK (or whose state is
// dfuERROR): names the status, the state and what to do.
//   reply: the device's reply. doing: what was being done.
DeviceError statusError(const StatusReply& reply, const std::string& doing);

class Interface {
public:
    // handle: an open device whose interface `number` is claimed (not owned).
    // timeoutMs: per control transfer, > 0.
    Interface(libusb_device_handle* handle, std::uint8_t number, unsigned timeoutMs)
        : handle_(handle), number_(number), timeoutMs_(timeoutMs) {}

    // DFU_GETSTATUS. doing: what the caller is doing, for messages.
    StatusReply getStatus(const std::string& doing);
    // DFU_GETSTATE: bState without side effects.
    std::uint8_t getState(const std::string& doing);
    // DFU_CLRSTATUS: dfuERROR -> dfuIDLE.
    void clearStatus(const std::string& doing);
    // DFU_ABORT: any idle state -> dfuIDLE.
    void abort(const std::string& doing);
    // DFU_DNLOAD of `data` (at most wTransferSize bytes; empty = the
    // end-of-download request) as block `block`.
    void download(std::uint16_t block, std::span<const std::uint8_t> data, const std::string& doing);
    // DFU_UPLOAD of block `block`, `length` bytes asked; returns what came
    // (a short block ends the upload).
    std::vector<std::uint8_t> upload(std::uint16_t block, std::size_t length, const std::string& doing);

    // Best effort, never throws: after an error, CLRSTATUS if the device is in
    // dfuERROR, else ABORT, so the next command starts from dfuIDLE.
    void recover() noexcept;

private:
    // One control transfer; returns bytes transferred or throws.
    int transfer(std::uint8_t requestType, Request request, std::uint16_t value, std::uint8_t* data,
                 std::uint16_t length, const std::string& doing);
    [[noreturn]] void fail(int code, Request request, const std::string& doing);

    libusb_device_handle* handle_;
    std::uint8_t number_;
    unsigned timeoutMs_;
};

}  // namespace mcunet::device::dfu
