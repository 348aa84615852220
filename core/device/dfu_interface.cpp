#include "device/dfu_interface.h"

#include <array>

#include "device/usb_libusb.h"

namespace mcunet::device::dfu {

DeviceError statusError(const StatusReply& reply, const std::string& doing) {
    return DeviceError(DeviceErrorKind::DeviceStatus,
                       doing + ": the device reports " + statusName(reply.status) + " in state " +
                           stateName(reply.state) + ": " + statusAdvice(reply.status));
}

int Interface::transfer(std::uint8_t requestType, Request request, std::uint16_t value, std::uint8_t* data,
                        std::uint16_t length, const std::string& doing) {
    const int r = libusb_control_transfer(handle_, requestType, static_cast<std::uint8_t>(request), value, number_,
                                          data, length, timeoutMs_);
    if (r < 0) fail(r, request, doing);
    return r;
}

void Interface::fail(int code, Request request, const std::string& doing) {
    // DFU 1.1 section 6.1: a device stalls a request it cannot carry out and
    // enters dfuERROR; its status then says why.
    if (code == LIBUSB_ERROR_PIPE && request != Request::GetStatus && request != Request::ClearStatus) {
        std::array<std::uint8_t, 6> bytes{};
        const int n = libusb_control_transfer(handle_, kRequestTypeIn, static_cast<std::uint8_t>(Request::GetStatus), 0,
                                              number_, bytes.data(), bytes.size(), timeoutMs_);
        const auto reply = n == 6 ? parseStatusReply(bytes) : std::nullopt;
        if (reply && (reply->status != static_cast<std::uint8_t>(Status::Ok) ||
                      reply->state == static_cast<std::uint8_t>(State::Error))) {
            DeviceError error = statusError(*reply, doing);
            recover();
            throw error;
        }
        recover();
        throw DeviceError(DeviceErrorKind::Protocol,
                          doing + ": the device refused the request (stall) without an error status. Reset the "
                                  "board into the bootloader and try again");
    }
    throw usb::errorFromLibusb(code, doing);
}

StatusReply Interface::getStatus(const std::string& doing) {
    std::array<std::uint8_t, 6> bytes{};
    const int n = transfer(kRequestTypeIn, Request::GetStatus, 0, bytes.data(), bytes.size(), doing);
    const auto reply = parseStatusReply(std::span<const std::uint8_t>(bytes.data(), static_cast<std::size_t>(n)));
    if (!reply)
        throw DeviceError(DeviceErrorKind::Protocol, doing + ": GETSTATUS returned " + std::to_string(n) +
                                                         " bytes instead of 6. Is this a DFU device?");
    return *reply;
}

std::uint8_t Interface::getState(const std::string& doing) {
    std::uint8_t state = 0;
    const int n = transfer(kRequestTypeIn, Request::GetState, 0, &state, 1, doing);
    if (n != 1) throw DeviceError(DeviceErrorKind::Protocol, doing + ": GETSTATE returned no byte");
    return state;
}

void Interface::clearStatus(const std::string& doing) { transfer(kRequestTypeOut, Request::ClearStatus, 0, nullptr, 0, doing); }

void Interface::abort(const std::string& doing) { transfer(kRequestTypeOut, Request::Abort, 0, nullptr, 0, doing); }

void Interface::download(std::uint16_t block, std::span<const std::uint8_t> data, const std::string& doing) {
    // libusb takes a mutable pointer for both directions; an OUT transfer only reads it.
    auto* bytes = const_cast<std::uint8_t*>(data.data());
    const int n = transfer(kRequestTypeOut, Request::Download, block, data.empty() ? nullptr : bytes,
                           static_cast<std::uint16_t>(data.size()), doing);
    if (static_cast<std::size_t>(n) != data.size())
        throw DeviceError(DeviceErrorKind::Protocol, doing + ": the device took " + std::to_string(n) + " of " +
                                                         std::to_string(data.size()) + " bytes");
}

std::vector<std::uint8_t> Interface::upload(std::uint16_t block, std::size_t length, const std::string& doing) {
    std::vector<std::uint8_t> bytes(length);
    const int n = transfer(kRequestTypeIn, Request::Upload, block, bytes.data(), static_cast<std::uint16_t>(length), doing);
    bytes.resize(static_cast<std::size_t>(n));
    return bytes;
}

void Interface::recover() noexcept {
    std::array<std::uint8_t, 6> bytes{};
    const int n = libusb_control_transfer(handle_, kRequestTypeIn, static_cast<std::uint8_t>(Request::GetStatus), 0,
                                          number_, bytes.data(), bytes.size(), timeoutMs_);
    const auto reply = n == 6 ? parseStatusReply(bytes) : std::nullopt;
    const bool inError = reply && reply->state == static_cast<std::uint8_t>(State::Error);
    const Request r = inError ? Request::ClearStatus : Request::Abort;
    libusb_control_transfer(handle_, kRequestTypeOut, static_cast<std::uint8_t>(r), 0, number_, nullptr, 0, timeoutMs_);
}

}  // namespace mcunet::device::dfu
