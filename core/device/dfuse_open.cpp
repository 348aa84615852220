// Opening a DFU device: the libusb device behind a UsbDeviceInfo, its DFU
// interface and functional descriptor, and the memory layout of every
// alternate setting.
#include <span>

#include "device/dfu_protocol.h"
#include "device/dfuse_device_impl.h"

namespace mcunet::device {

namespace {

std::span<const std::uint8_t> extraOf(const unsigned char* extra, int length) {
    return length > 0 ? std::span<const std::uint8_t>(extra, static_cast<std::size_t>(length))
                      : std::span<const std::uint8_t>();
}

struct FoundInterface {
    int number = -1;
    std::vector<std::pair<int, std::uint8_t>> alts;  // bAlternateSetting, iInterface
    std::optional<dfu::FunctionalDescriptor> functional;
    bool runtimeOnly = false;
};

// Walks the configuration for the DFU-mode interface (class 0xFE, subclass 1,
// protocol 2). The functional descriptor may follow any of its alternate
// settings or, on some devices, the configuration itself.
FoundInterface findDfuInterface(const libusb_config_descriptor& config) {
    FoundInterface found;
    for (int i = 0; i < config.bNumInterfaces; ++i) {
        const libusb_interface& itf = config.interface[i];
        for (int a = 0; a < itf.num_altsetting; ++a) {
            const libusb_interface_descriptor& alt = itf.altsetting[a];
            if (alt.bInterfaceClass != dfu::kInterfaceClass || alt.bInterfaceSubClass != dfu::kInterfaceSubClass)
                continue;
            if (alt.bInterfaceProtocol == dfu::kProtocolRuntime) found.runtimeOnly = true;
            if (alt.bInterfaceProtocol != dfu::kProtocolDfuMode) continue;
            if (found.number >= 0 && found.number != alt.bInterfaceNumber) continue;  // the first DFU interface only
            found.number = alt.bInterfaceNumber;
            found.alts.emplace_back(alt.bAlternateSetting, alt.iInterface);
            if (!found.functional) found.functional = dfu::findFunctionalDescriptor(extraOf(alt.extra, alt.extra_length));
        }
    }
    if (!found.functional) found.functional = dfu::findFunctionalDescriptor(extraOf(config.extra, config.extra_length));
    if (found.number >= 0) found.runtimeOnly = false;
    return found;
}

void readInterface(DfuseDevice::Impl& impl, libusb_device* device) {
    libusb_config_descriptor* raw = nullptr;
    int r = libusb_get_active_config_descriptor(device, &raw);
    if (r != LIBUSB_SUCCESS) r = libusb_get_config_descriptor(device, 0, &raw);
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "reading the configuration of " + describe(impl.info.usb));
    usb::Config config(raw);
    const FoundInterface found = findDfuInterface(*config);
    const std::string who = describe(impl.info.usb);
    if (found.runtimeOnly)
        throw DeviceError(DeviceErrorKind::Protocol,
                          who + " is running its application (DFU run-time mode), not the bootloader. Start it in "
                                "the ROM bootloader: hold BOOT0 high (or set the BOOT jumper) and reset the board");
    if (found.number < 0)
        throw DeviceError(DeviceErrorKind::Protocol, who + " has no DFU interface (class 0xFE, subclass 1, protocol 2)");
    if (!found.functional || found.functional->transferSize == 0)
        throw DeviceError(DeviceErrorKind::Protocol,
                          who + " has no usable DFU functional descriptor (wTransferSize): not a DFU 1.1 device");
    DfuseDeviceInfo& info = impl.info;
    info.interfaceNumber = found.number;
    info.transferSize = found.functional->transferSize;
    info.dfuVersion = found.functional->dfuVersion;
    info.canDownload = found.functional->canDownload;
    info.canUpload = found.functional->canUpload;
    info.manifestationTolerant = found.functional->manifestationTolerant;
    info.willDetach = found.functional->willDetach;
    for (const auto& [alt, stringIndex] : found.alts) {
        DfuseAltSetting setting;
        setting.alt = alt;
        setting.layoutText = usb::stringDescriptor(impl.handle.get(), stringIndex);
        try {
            setting.memory = parseDfuseLayout(setting.layoutText);
        } catch (const Error& e) {
            setting.layoutError = e.what();
        }
        info.alts.push_back(std::move(setting));
    }
}

}  // namespace

DfuseDevice::DfuseDevice(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DfuseDevice::DfuseDevice(DfuseDevice&&) noexcept = default;
DfuseDevice& DfuseDevice::operator=(DfuseDevice&&) noexcept = default;
DfuseDevice::~DfuseDevice() = default;

const DfuseDeviceInfo& DfuseDevice::info() const { return impl_->info; }

const DfuseAltSetting* DfuseDevice::altFor(std::uint32_t address) const {
    for (const DfuseAltSetting& a : impl_->info.alts)
        if (a.memory && a.memory->sectorAt(address) != nullptr) return &a;
    return nullptr;
}

DfuseDevice DfuseDevice::open(const UsbSelector& selector, const board::Catalog* catalog) {
    UsbSelector wanted = selector;
    if (!wanted.kind) wanted.kind = UsbKind::Dfu;
    const UsbDeviceInfo chosen = selectUsbDevice(listUsbDevices(catalog), wanted);

    auto impl = std::make_unique<Impl>();
    impl->info.usb = chosen;
    libusb_device** raw = nullptr;
    const ssize_t n = libusb_get_device_list(impl->context.get(), &raw);
    if (n < 0) throw usb::errorFromLibusb(static_cast<int>(n), "listing USB devices");
    usb::DeviceList list(raw);
    libusb_device* device = usb::findDevice(raw, n, chosen);
    if (device == nullptr)
        throw DeviceError(DeviceErrorKind::Disconnected, describe(chosen) + " went away while being opened: reconnect it");
    libusb_device_handle* handle = nullptr;
    const int r = libusb_open(device, &handle);
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "opening " + describe(chosen));
    impl->handle.reset(handle);
    readInterface(*impl, device);
    libusb_set_auto_detach_kernel_driver(handle, 1);  // LIBUSB_ERROR_NOT_SUPPORTED where it does not apply
    const int c = libusb_claim_interface(handle, impl->info.interfaceNumber);
    if (c != LIBUSB_SUCCESS) throw usb::errorFromLibusb(c, "claiming the DFU interface of " + describe(chosen));
    impl->claimed = true;
    return DfuseDevice(std::move(impl));
}

}  // namespace mcunet::device
