#include "device/dfu_protocol.h"

#include <array>
#include <cstdio>

namespace mcunet::device::dfu {

namespace {

struct StatusText {
    const char* name;
    const char* advice;
};

// Meanings from DFU 1.1 section 6.1.2; how the STM32 bootloader uses them
// from AN3156 (errTARGET for an address that is not in the memory or a
// protected sector).
constexpr std::array<StatusText, 16> kStatus{{
    {"OK", "no error: the last request succeeded"},
    {"errTARGET",
     "the address is not in the device's memory or its sector is protected: check the image "
     "address against the board's Flash; a read-protected chip must be unprotected with "
     "STM32CubeProgrammer (which erases it)"},
    {"errFILE", "the device rejected the image as not meant for it: check the board and the image"},
    {"errWRITE",
     "the device cannot write that memory (write-protected sector): remove the write protection "
     "(option bytes, with STM32CubeProgrammer) or flash another address"},
    {"errERASE", "erasing a sector failed: reset the board into the bootloader and try again"},
    {"errCHECK_ERASED", "a sector was not blank after erasing: reset the board and try again"},
    {"errPROG", "programming the memory failed: reset the board into the bootloader and flash again"},
    {"errVERIFY", "the device's own check of the written memory failed: flash again; if it repeats, "
                  "the Flash may be worn"},
    {"errADDRESS", "the device received an address outside its memory: check the image address"},
    {"errNOTDONE", "the device did not receive all the data before the end of the download: "
                   "flash again"},
    {"errFIRMWARE", "the firmware on the device is corrupt and it cannot leave DFU mode: flash a "
                    "complete image"},
    {"errVENDOR", "a vendor-specific error: see the device's message; reset the board and retry"},
    {"errUSBR", "the device saw an unexpected USB reset: use another cable or port and flash again"},
    {"errPOR", "the device saw an unexpected power-on reset: check the board's power and flash again"},
    {"errUNKNOWN", "the device reports an unknown error: reset the board into the bootloader and retry"},
    {"errSTALLEDPKT", "the device refused a request in its current state: reset the board into the "
                      "bootloader and retry"},
}};

constexpr std::array<const char*, 11> kStates{{
    "appIDLE", "appDETACH", "dfuIDLE", "dfuDNLOAD-SYNC", "dfuDNBUSY", "dfuDNLOAD-IDLE",
    "dfuMANIFEST-SYNC", "dfuMANIFEST", "dfuMANIFEST-WAIT-RESET", "dfuUPLOAD-IDLE", "dfuERROR",
}};

std::string hexCode(const char* what, unsigned value) {
    char text[32];
    std::snprintf(text, sizeof text, "%s 0x%02x", what, value);
    return text;
}

}  // namespace

std::optional<StatusReply> parseStatusReply(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != 6) return std::nullopt;
    StatusReply r;
    r.status = bytes[0];
    r.pollTimeoutMs = static_cast<std::uint32_t>(bytes[1]) | (static_cast<std::uint32_t>(bytes[2]) << 8) |
                      (static_cast<std::uint32_t>(bytes[3]) << 16);
    r.state = bytes[4];
    r.stringIndex = bytes[5];
    return r;
}

std::string statusName(std::uint8_t status) {
    return status < kStatus.size() ? kStatus[status].name : hexCode("status", status);
}

std::string stateName(std::uint8_t state) {
    return state < kStates.size() ? kStates[state] : hexCode("state", state);
}

std::string statusAdvice(std::uint8_t status) {
    return status < kStatus.size() ? kStatus[status].advice
                                   : "a status the DFU specification does not define: reset the board "
                                     "into the bootloader and retry";
}

std::optional<FunctionalDescriptor> findFunctionalDescriptor(std::span<const std::uint8_t> extra) {
    std::size_t at = 0;
    while (at + 2 <= extra.size()) {
        const std::size_t length = extra[at];
        if (length < 2 || at + length > extra.size()) return std::nullopt;
        if (extra[at + 1] == kFunctionalDescriptorType && length >= 7) {
            const std::uint8_t* d = extra.data() + at;
            FunctionalDescriptor f;
            f.canDownload = (d[2] & 0x01) != 0;
            f.canUpload = (d[2] & 0x02) != 0;
            f.manifestationTolerant = (d[2] & 0x04) != 0;
            f.willDetach = (d[2] & 0x08) != 0;
            f.detachTimeoutMs = static_cast<std::uint16_t>(d[3] | (d[4] << 8));
            f.transferSize = static_cast<std::uint16_t>(d[5] | (d[6] << 8));
            f.dfuVersion = length >= 9 ? static_cast<std::uint16_t>(d[7] | (d[8] << 8)) : 0x0100;
            return f;
        }
        at += length;
    }
    return std::nullopt;
}

}  // namespace mcunet::device::dfu
