#include "board/serial_port.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace mcunet::board {

namespace {

const std::vector<std::pair<int, speed_t>>& speeds() {
    static const std::vector<std::pair<int, speed_t>> table = {
        {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},
        {230400, B230400},   {460800, B460800},   {500000, B500000},   {576000, B576000},   {921600, B921600},
        {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000},
        {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000}};
    return table;
}

speed_t speedFor(int baud) {
    for (const auto& [rate, speed] : speeds())
        if (rate == baud) return speed;
    std::string known;
    for (const auto& entry : speeds()) known += (known.empty() ? "" : ", ") + std::to_string(entry.first);
    throw LinkError("serial port: " + std::to_string(baud) + " baud is not a rate termios can set (" + known + ")");
}

class SerialTransport : public Transport {
public:
    SerialTransport(int fd, std::string path, int writeTimeoutMs)
        : fd_(fd), path_(std::move(path)), writeTimeoutMs_(writeTimeoutMs) {}
    ~SerialTransport() override {
        ioctl(fd_, TIOCNXCL);
        close(fd_);  // also releases the flock
    }

    void write(const std::vector<std::uint8_t>& bytes) override {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(writeTimeoutMs_);
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::write(fd_, bytes.data() + sent, bytes.size() - sent);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno != EAGAIN) throw closed();
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            pollfd p{fd_, POLLOUT, 0};
            if (left <= 0 || poll(&p, 1, static_cast<int>(left)) == 0)
                throw LinkError("link: " + path_ + " takes no data (" + std::to_string(writeTimeoutMs_) +
                                " ms): the board does not read its UART");
            if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) throw closed();
        }
    }

    std::vector<std::uint8_t> read(int timeoutMs) override {
        pollfd p{fd_, POLLIN, 0};
        const int ready = poll(&p, 1, timeoutMs);
        if (ready < 0 && errno != EINTR) throw closed();
        if (ready <= 0) return {};
        if (!(p.revents & POLLIN)) throw closed();  // POLLHUP, POLLERR: the device went away
        std::vector<std::uint8_t> buf(4096);
        const ssize_t n = ::read(fd_, buf.data(), buf.size());
        if (n == 0) throw closed();  // readable yet nothing: hang-up
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) return {};
            throw closed();  // EIO: unplugged
        }
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }

private:
    LinkError closed() const { return LinkError("link: " + path_ + " closed (the board was unplugged or reset?)"); }
    int fd_;
    std::string path_;
    int writeTimeoutMs_;
};

// Raw 8N1, no flow control, no echo or line editing, reads return at once
// (poll does the waiting). Checked by reading the settings back: a driver may
// silently keep another rate.
void configure(int fd, const std::string& path, int baud) {
    const speed_t speed = speedFor(baud);
    termios t{};
    if (tcgetattr(fd, &t) != 0) throw LinkError(serialOpenError(path, errno));
    cfmakeraw(&t);
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB | CSTOPB | CRTSCTS);
    t.c_cflag |= CS8 | CLOCAL | CREAD;
    t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    if (cfsetispeed(&t, speed) != 0 || cfsetospeed(&t, speed) != 0 || tcsetattr(fd, TCSANOW, &t) != 0)
        throw LinkError(path + ": the port refuses " + std::to_string(baud) + " baud 8N1 (" + std::strerror(errno) + ")");
    termios back{};
    if (tcgetattr(fd, &back) != 0 || cfgetospeed(&back) != speed || (back.c_cflag & CSIZE) != CS8 ||
        (back.c_cflag & (PARENB | CSTOPB | CRTSCTS)) != 0)
        throw LinkError(path + ": the port did not keep " + std::to_string(baud) + " baud 8N1 (its driver may not support the rate)");
    tcflush(fd, TCIOFLUSH);  // bytes from before we opened it belong to no request
}

}  // namespace

const std::vector<int>& serialBaudRates() {
    static const std::vector<int> rates = [] {
        std::vector<int> r;
        for (const auto& entry : speeds()) r.push_back(entry.first);
        return r;
    }();
    return rates;
}

std::string serialOpenError(const std::string& path, int error) {
    switch (error) {
        case ENOENT:
        case ENODEV:
        case ENXIO:
            return path + ": no such serial port: is the board plugged in? (an ST-LINK's virtual COM port is "
                          "/dev/ttyACM0, /dev/ttyACM1, ...; a USB-serial adapter /dev/ttyUSB0, ...)";
        case EACCES:
        case EPERM:
            return path + ": permission denied: add your user to the dialout group "
                          "(sudo usermod -aG dialout $USER), then log out and in again";
        case EBUSY:
        case EWOULDBLOCK:
            return path + ": the port is busy: another program has it open (a serial terminal, another mcunet, "
                          "ModemManager): close it and try again";
        case ENOTTY:
            return path + ": not a serial port";
        default:
            return path + ": cannot open the serial port (" + std::strerror(error) + ")";
    }
}

std::unique_ptr<Transport> openSerialPort(const std::string& path, const SerialOptions& options) {
    speedFor(options.baud);  // a bad rate is reported before the port is touched
    const int fd = open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw LinkError(serialOpenError(path, errno));
    try {
        if (!isatty(fd)) throw LinkError(serialOpenError(path, ENOTTY));
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) throw LinkError(serialOpenError(path, errno));
        configure(fd, path, options.baud);
        // Exclusive mode: later open()s fail with EBUSY (except root's), so a
        // terminal cannot steal bytes mid-frame; flock covers root too.
        ioctl(fd, TIOCEXCL);
    } catch (...) {
        close(fd);
        throw;
    }
    return std::make_unique<SerialTransport>(fd, path, options.writeTimeoutMs);
}

}  // namespace mcunet::board
