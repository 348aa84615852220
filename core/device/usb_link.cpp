// The board link over the firmware's vendor bulk interface (usb_link.h).
#include "device/usb_link.h"

#include <algorithm>

#include "device/usb_libusb.h"

namespace mcunet::device {

namespace {

struct LinkEndpoints {
    int interfaceNumber = -1;
    unsigned char in = 0, out = 0;
    int inPacket = 64;
};

LinkEndpoints findLinkInterface(const libusb_config_descriptor& config) {
    LinkEndpoints found;
    for (int i = 0; i < config.bNumInterfaces; ++i) {
        const libusb_interface& itf = config.interface[i];
        for (int a = 0; a < itf.num_altsetting; ++a) {
            const libusb_interface_descriptor& alt = itf.altsetting[a];
            if (alt.bInterfaceClass != kUsbLinkClass || alt.bInterfaceSubClass != kUsbLinkSubClass ||
                alt.bInterfaceProtocol != kUsbLinkProtocol)
                continue;
            LinkEndpoints e;
            e.interfaceNumber = alt.bInterfaceNumber;
            for (int k = 0; k < alt.bNumEndpoints; ++k) {
                const libusb_endpoint_descriptor& ep = alt.endpoint[k];
                if ((ep.bmAttributes & 3) != LIBUSB_TRANSFER_TYPE_BULK) continue;
                if (ep.bEndpointAddress & LIBUSB_ENDPOINT_IN) {
                    e.in = ep.bEndpointAddress;
                    e.inPacket = std::max<int>(ep.wMaxPacketSize, 8);
                } else {
                    e.out = ep.bEndpointAddress;
                }
            }
            if (e.in && e.out) return e;
        }
    }
    return found;
}

class UsbLinkTransport : public board::Transport {
public:
    UsbLinkTransport(std::unique_ptr<usb::Context> context, usb::Handle handle, LinkEndpoints ep, std::string who)
        : context_(std::move(context)), handle_(std::move(handle)), ep_(ep), who_(std::move(who)) {}

    ~UsbLinkTransport() override {
        if (handle_) libusb_release_interface(handle_.get(), ep_.interfaceNumber);
    }

    void write(const std::vector<std::uint8_t>& bytes) override {
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            int done = 0;
            const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 4096));
            const int r = libusb_bulk_transfer(handle_.get(), ep_.out, const_cast<unsigned char*>(bytes.data() + sent),
                                               chunk, &done, kWriteTimeoutMs);
            if (r != LIBUSB_SUCCESS && !(r == LIBUSB_ERROR_TIMEOUT && done > 0)) fail(r, "sending to");
            sent += static_cast<std::size_t>(done);
        }
    }

    // One bulk IN transfer of whole packets: it ends at the device's first
    // short packet (a reply's end) or at the timeout, with what arrived.
    std::vector<std::uint8_t> read(int timeoutMs) override {
        std::vector<std::uint8_t> buffer(static_cast<std::size_t>(ep_.inPacket) * 64);
        int done = 0;
        const int r = libusb_bulk_transfer(handle_.get(), ep_.in, buffer.data(), static_cast<int>(buffer.size()), &done,
                                           static_cast<unsigned>(std::max(timeoutMs, 1)));
        if (r != LIBUSB_SUCCESS && r != LIBUSB_ERROR_TIMEOUT) fail(r, "reading from");
        buffer.resize(static_cast<std::size_t>(done));
        return buffer;
    }

private:
    static constexpr unsigned kWriteTimeoutMs = 2000;

    [[noreturn]] void fail(int code, const std::string& doing) const {
        if (code == LIBUSB_ERROR_NO_DEVICE)
            throw board::LinkError(who_ + " was unplugged or reset (USB link lost): plug it in again and retry");
        throw board::LinkError(usb::errorFromLibusb(code, doing + " " + who_ + " over the USB link").what());
    }

    std::unique_ptr<usb::Context> context_;
    usb::Handle handle_;
    LinkEndpoints ep_;
    std::string who_;
};

}  // namespace

std::unique_ptr<board::Transport> openUsbLink(const UsbDeviceInfo& device) {
    auto context = std::make_unique<usb::Context>();
    libusb_device** raw = nullptr;
    const ssize_t n = libusb_get_device_list(context->get(), &raw);
    if (n < 0) throw usb::errorFromLibusb(static_cast<int>(n), "listing USB devices");
    usb::DeviceList list(raw);
    const std::string who = describe(device);
    libusb_device* found = usb::findDevice(raw, n, device);
    if (!found) throw DeviceError(DeviceErrorKind::NotFound, who + " is no longer connected: plug it in again");
    libusb_config_descriptor* rawConfig = nullptr;
    int r = libusb_get_active_config_descriptor(found, &rawConfig);
    if (r != LIBUSB_SUCCESS) r = libusb_get_config_descriptor(found, 0, &rawConfig);
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "reading the configuration of " + who);
    const usb::Config config(rawConfig);
    const LinkEndpoints ep = findLinkInterface(*config);
    if (ep.interfaceNumber < 0)
        throw DeviceError(DeviceErrorKind::Protocol,
                          who + " has no MCUNet link interface (vendor class 0xFF/0x4D/0x4C with a bulk IN and OUT "
                                "endpoint): flash it with MCUNet Studio's firmware, or use its serial port");
    libusb_device_handle* rawHandle = nullptr;
    r = libusb_open(found, &rawHandle);
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "opening " + who);
    usb::Handle handle(rawHandle);
    libusb_set_auto_detach_kernel_driver(handle.get(), 1);  // not supported everywhere: then nothing to detach
    r = libusb_claim_interface(handle.get(), ep.interfaceNumber);
    if (r == LIBUSB_ERROR_BUSY)
        throw DeviceError(DeviceErrorKind::Usb, who + "'s link interface is in use by another program: close it (another "
                                                      "studio or mcunet command) and retry");
    if (r != LIBUSB_SUCCESS) throw usb::errorFromLibusb(r, "claiming the link interface of " + who);
    return std::make_unique<UsbLinkTransport>(std::move(context), std::move(handle), ep, who);
}

}  // namespace mcunet::device
