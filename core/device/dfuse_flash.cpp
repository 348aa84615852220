// DfuseDevice::flash and read: the steps of dfuse_device.h, in order, on
// top of DfuseSession.
#include <algorithm>
#include <chrono>

#include "device/dfuse_plan.h"
#include "device/dfuse_session.h"

namespace mcunet::device {

namespace {

const DfuseAltSetting& altOrRefuse(const DfuseDevice& device, std::uint32_t address, std::uint64_t size) {
    if (const DfuseAltSetting* a = device.altFor(address)) return *a;
    std::string layouts;
    for (const DfuseAltSetting& a : device.info().alts)
        layouts += "\n  alt " + std::to_string(a.alt) + ": \"" + a.layoutText + "\"" +
                   (a.layoutError.empty() ? "" : " (" + a.layoutError + ")");
    throw DeviceError(DeviceErrorKind::Refused,
                      "refusing to flash: no memory of " + describe(device.info().usb) + " holds " +
                          formatAddressRange(address, std::uint64_t{address} + std::max<std::uint64_t>(size, 1)) +
                          " (nothing was written). Its memories:" + layouts);
}

// Adds what the user must know when an error strikes after erasing began.
DeviceError afterErase(const DeviceError& e) {
    if (e.kind() == DeviceErrorKind::Cancelled || e.kind() == DeviceErrorKind::Refused) return e;
    return DeviceError(e.kind(), std::string(e.what()) +
                                     ". The erased sectors may now hold a partial image: start the board in the "
                                     "bootloader and flash again before running it");
}

}  // namespace

std::string phaseName(DfuseProgress::Phase phase) {
    switch (phase) {
        case DfuseProgress::Phase::Reading: return "reading";
        case DfuseProgress::Phase::Erasing: return "erasing";
        case DfuseProgress::Phase::Writing: return "writing";
        case DfuseProgress::Phase::Verifying: return "verifying";
        case DfuseProgress::Phase::Leaving: return "leaving DFU";
    }
    return "flashing";
}

DfuseReport DfuseDevice::flash(std::span<const std::uint8_t> image, std::uint32_t address, const DfuseOptions& options) {
    using Phase = DfuseProgress::Phase;
    const auto start = std::chrono::steady_clock::now();
    // 1. Everything that can be refused is refused before the first request.
    const DfuseAltSetting& alt = altOrRefuse(*this, address, image.size());
    const DfusePlan plan = planDfuseFlash(*alt.memory, address, image.size());
    const std::string who = describe(impl_->info.usb);
    if (!impl_->info.canDownload)
        throw DeviceError(DeviceErrorKind::Refused, "refusing to flash: " + who + " does not accept downloads");
    if ((options.verify || options.preserve) && !impl_->info.canUpload)
        throw DeviceError(DeviceErrorKind::Refused, "refusing to flash: " + who +
                                                        " cannot be read back (no upload), so the image could not "
                                                        "be verified nor the rest of its sectors kept");
    DfuseSession session(*impl_, options);
    DfuseReport report;
    session.selectAlt(alt.alt);
    session.ensureIdle();

    // 2. The covered sectors' content after flashing: kept bytes around the image.
    const std::uint32_t head = plan.address - plan.spanBegin;
    const std::uint64_t imageEnd = std::uint64_t{plan.address} + plan.size;
    const auto tail = static_cast<std::uint32_t>(plan.spanEnd - imageEnd);
    std::vector<std::uint8_t> content(static_cast<std::size_t>(plan.spanEnd - plan.spanBegin), 0xFF);
    if (options.preserve) {
        std::uint64_t done = 0;
        const std::uint64_t total = std::uint64_t{head} + tail;
        const auto before = session.read(plan.spanBegin, head, Phase::Reading, done, total);
        const auto after = session.read(static_cast<std::uint32_t>(imageEnd), tail, Phase::Reading, done, total);
        std::copy(before.begin(), before.end(), content.begin());
        std::copy(after.begin(), after.end(), content.begin() + head + plan.size);
        report.bytesPreserved = total;
    }
    std::copy(image.begin(), image.end(), content.begin() + head);

    try {
        // 3. Erase the covered sectors, one page-erase command each.
        for (std::size_t i = 0; i < plan.erase.size(); ++i) {
            session.progress(Phase::Erasing, i, plan.erase.size());
            session.eraseSector(plan.erase[i]);
            report.erased.push_back(plan.erase[i]);
        }
        session.progress(Phase::Erasing, plan.erase.size(), plan.erase.size());
        // 4. Write the kept head, the image, the kept tail.
        const std::span<const std::uint8_t> all(content);
        std::uint64_t done = 0;
        session.write(plan.spanBegin, all.first(head), true, done, content.size());
        session.write(plan.address, all.subspan(head, plan.size), false, done, content.size());
        session.write(static_cast<std::uint32_t>(imageEnd), all.last(tail), true, done, content.size());
        report.bytesWritten = content.size();
        // 5. Verify what was written (the whole sectors when their rest was kept).
        if (options.verify) {
            const std::uint32_t from = options.preserve ? plan.spanBegin : plan.address;
            const std::span<const std::uint8_t> expected = options.preserve ? all : all.subspan(head, plan.size);
            std::uint64_t read = 0;
            const auto back = session.read(from, static_cast<std::uint32_t>(expected.size()), Phase::Verifying, read,
                                           expected.size());
            const auto diff = std::mismatch(expected.begin(), expected.end(), back.begin());
            if (diff.first != expected.end()) {
                const auto at = static_cast<std::uint64_t>(diff.first - expected.begin());
                throw DeviceError(DeviceErrorKind::Verify,
                                  "verifying: the byte at " + hexAddress(from + at) + " reads " +
                                      std::to_string(*diff.second) + " instead of " + std::to_string(*diff.first) +
                                      "; flash again, and if it repeats the sector may be worn or write-protected");
            }
            report.verified = true;
        }
        // 6. Leave DFU and start the image.
        if (options.leave) {
            session.progress(Phase::Leaving, 0, 1);
            report.left = session.leave(options.jumpAddress.value_or(plan.address));
        }
    } catch (const DeviceError& e) {
        throw afterErase(e);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return report;
}

std::vector<std::uint8_t> DfuseDevice::read(std::uint32_t address, std::uint32_t length, const DfuseOptions& options) {
    const DfuseAltSetting* alt = altFor(address);
    const std::uint64_t end = std::uint64_t{address} + length;
    for (std::uint64_t at = address; alt != nullptr && at < end;) {
        const DfuseSector* s = alt->memory->sectorAt(static_cast<std::uint32_t>(at));
        if (s == nullptr || !s->readable) alt = nullptr;
        else at = s->end();
    }
    if (alt == nullptr)
        throw DeviceError(DeviceErrorKind::Refused, "refusing to read " + formatAddressRange(address, end) +
                                                        ": not all of it is readable memory of " +
                                                        describe(impl_->info.usb));
    if (!impl_->info.canUpload)
        throw DeviceError(DeviceErrorKind::Refused, describe(impl_->info.usb) + " does not support upload (reading)");
    DfuseSession session(*impl_, options);
    session.selectAlt(alt->alt);
    session.ensureIdle();
    std::uint64_t done = 0;
    return session.read(address, length, DfuseProgress::Phase::Reading, done, length);
}

}  // namespace mcunet::device
