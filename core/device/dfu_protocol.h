#pragma once
// USB DFU 1.1 (USB Device Firmware Upgrade class specification, revision
// 1.1) and ST's DfuSe extensions (AN3156, "USB DFU protocol used in the STM32
// bootloader"): request codes, states, status codes, the GETSTATUS reply and
// the DFU functional descriptor, with a message for every status and state
// that says what to do. Pure data: no libusb (docs/usb-devices.md).
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mcunet::device::dfu {

// Class-specific requests (DFU 1.1 table 3.2), sent to the DFU interface:
// bmRequestType 0x21 (host to device) or 0xA1 (device to host), wIndex = the
// interface number.
enum class Request : std::uint8_t {
    Detach = 0,
    Download = 1,   // DFU_DNLOAD, wValue = block number, data = the block
    Upload = 2,     // DFU_UPLOAD, wValue = block number
    GetStatus = 3,  // 6-byte reply, see StatusReply
    ClearStatus = 4,
    GetState = 5,   // 1-byte reply
    Abort = 6,
};
inline constexpr std::uint8_t kRequestTypeOut = 0x21;  // class, interface, host to device
inline constexpr std::uint8_t kRequestTypeIn = 0xA1;   // class, interface, device to host

// Device states (DFU 1.1 section 6.1.2, bState).
enum class State : std::uint8_t {
    AppIdle = 0,
    AppDetach = 1,
    DfuIdle = 2,
    DownloadSync = 3,
    DownloadBusy = 4,
    DownloadIdle = 5,
    ManifestSync = 6,
    Manifest = 7,
    ManifestWaitReset = 8,
    UploadIdle = 9,
    Error = 10,
};

// Status codes (DFU 1.1 section 6.1.2, bStatus).
enum class Status : std::uint8_t {
    Ok = 0x00,
    ErrTarget = 0x01,
    ErrFile = 0x02,
    ErrWrite = 0x03,
    ErrErase = 0x04,
    ErrCheckErased = 0x05,
    ErrProg = 0x06,
    ErrVerify = 0x07,
    ErrAddress = 0x08,
    ErrNotDone = 0x09,
    ErrFirmware = 0x0A,
    ErrVendor = 0x0B,
    ErrUsbReset = 0x0C,
    ErrPowerOnReset = 0x0D,
    ErrUnknown = 0x0E,
    ErrStalledPacket = 0x0F,
};

// The 6-byte DFU_GETSTATUS reply.
struct StatusReply {
    std::uint8_t status = 0;          // bStatus (a Status, or an out-of-spec value)
    std::uint32_t pollTimeoutMs = 0;  // bwPollTimeout: wait this long before the next GETSTATUS
    std::uint8_t state = 0;           // bState (a State, or an out-of-spec value)
    std::uint8_t stringIndex = 0;     // iString: vendor text for errVENDOR
};

// Decodes a GETSTATUS reply.
//   bytes: what the device sent; exactly 6 bytes are required.
// Returns std::nullopt for any other length (the caller reports a protocol error).
std::optional<StatusReply> parseStatusReply(std::span<const std::uint8_t> bytes);

// "errTARGET", "dfuDNBUSY", ...; unknown codes as "status 0x42" / "state 0x42".
std::string statusName(std::uint8_t status);
std::string stateName(std::uint8_t state);
// One sentence: what the status means (the specification's wording, and
// AN3156's use of it in the STM32 bootloader) and what the user should do.
std::string statusAdvice(std::uint8_t status);

// DFU functional descriptor (DFU 1.1 section 4.1.3, bDescriptorType 0x21),
// found among the DFU interface's extra descriptor bytes.
inline constexpr std::uint8_t kFunctionalDescriptorType = 0x21;
struct FunctionalDescriptor {
    bool canDownload = false;           // bmAttributes bit 0
    bool canUpload = false;             // bit 1
    bool manifestationTolerant = false; // bit 2
    bool willDetach = false;            // bit 3
    std::uint16_t detachTimeoutMs = 0;  // wDetachTimeOut
    std::uint16_t transferSize = 0;     // wTransferSize: the largest block a DNLOAD/UPLOAD carries
    std::uint16_t dfuVersion = 0;       // bcdDFUVersion: 0x0110 DFU 1.1, 0x011A ST's DfuSe
};

// Finds and decodes the functional descriptor.
//   extra: descriptor bytes following an interface descriptor (a sequence of
//          bLength-prefixed descriptors).
// Returns std::nullopt when there is none. A DFU 1.0 descriptor (7 bytes, no
// bcdDFUVersion) is accepted with dfuVersion 0x0100; malformed lengths end
// the search (never read past `extra`).
std::optional<FunctionalDescriptor> findFunctionalDescriptor(std::span<const std::uint8_t> extra);

// DfuSe commands (AN3156 section 6): a DFU_DNLOAD with wBlockNum 0 whose
// first byte is the command. Data blocks use wBlockNum >= 2 and land at
// address pointer + (wBlockNum - 2) * wTransferSize.
inline constexpr std::uint8_t kDfuseGetCommands = 0x00;
inline constexpr std::uint8_t kDfuseSetAddress = 0x21;  // + 4-byte little-endian address
inline constexpr std::uint8_t kDfuseErase = 0x41;       // + 4-byte address: erase that page/sector
inline constexpr std::uint8_t kDfuseReadUnprotect = 0x92;  // never sent: it mass-erases the chip
inline constexpr std::uint16_t kDfuseFirstDataBlock = 2;
inline constexpr std::uint16_t kDfuseVersion = 0x011A;  // bcdDFUVersion of ST's DfuSe devices

// USB interface triple of a device in DFU mode (DFU 1.1 section 4.2.3), and
// the protocol a run-time interface has (section 4.1.2).
inline constexpr std::uint8_t kInterfaceClass = 0xFE;
inline constexpr std::uint8_t kInterfaceSubClass = 0x01;
inline constexpr std::uint8_t kProtocolDfuMode = 0x02;
inline constexpr std::uint8_t kProtocolRuntime = 0x01;

}  // namespace mcunet::device::dfu
