// core/board serial transport: the link over a pseudo-terminal pair. The host
// side opens the pty's slave (/dev/pts/N) exactly as it opens a board's
// /dev/ttyACM0; a device thread on the master runs the firmware's own
// protocol code built for the host (fake model, tests/core/board/fake_device),
// with faults injected in both directions as in test_link. Also: the port is
// raw 8N1 at the rate asked for, and a missing port, permission denied, a
// busy port, something that is not a serial port and a rate termios cannot
// set each give a message that says what to do.
#include <QtTest>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <grp.h>

#include <atomic>
#include <random>
#include <thread>

#include "board/link.h"
#include "board/serial_port.h"
#include "fault_injection.h"
#include "mcunet_link.h"

extern "C" {
#include "model.h"
void link_feed(uint8_t byte);
int link_in_frame(void);
void mlperf_feed(uint8_t byte);
}

using namespace mcunet;
using test::Fault;

namespace {

// The board's end of the pty: a thread that reads the master, feeds the
// firmware's protocol code and writes its output back, through a Damager.
class PtyDevice {
public:
    PtyDevice(unsigned seed = 1, double rate = 0.0, std::vector<Fault> kinds = {}) : damager_(seed, rate, std::move(kinds)) {
        master_ = posix_openpt(O_RDWR | O_NOCTTY);
        if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) qFatal("posix_openpt failed");
        slave_ = ptsname(master_);
        fake_board_reset();
        thread_ = std::thread([this] { loop(); });
    }
    ~PtyDevice() {
        stop_ = true;
        thread_.join();
        if (master_ >= 0) close(master_);
    }
    const std::string& path() const { return slave_; }
    int master() const { return master_; }
    int faults() const { return faults_; }
    void deaf() { deaf_ = true; }       // reads everything, answers nothing
    // Closes its end, like a board unplugged; returns once it is closed (else
    // a request sent at once could still be answered: seen under CI load).
    void vanish() {
        vanish_ = true;
        while (!closed_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

private:
    void loop() {
        std::uint8_t buffer[65536];
        while (!stop_) {
            if (vanish_) {
                close(master_);
                master_ = -1;
                closed_ = true;
                return;
            }
            pollfd p{master_, POLLIN, 0};
            if (poll(&p, 1, 10) <= 0 || !(p.revents & POLLIN)) {
                if (p.revents & POLLHUP) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // slave not open yet
                continue;
            }
            const ssize_t n = read(master_, buffer, sizeof buffer);
            if (n <= 0 || deaf_) continue;
            for (std::uint8_t b : damager_.damage(std::vector<std::uint8_t>(buffer, buffer + n))) {
                if (link_in_frame() || b == MCU_LINK_SYNC0) link_feed(b);
                else mlperf_feed(b);
            }
            std::vector<std::uint8_t> out;
            for (std::uint32_t k; (k = fake_board_take_output(buffer, sizeof buffer)) > 0;) out.insert(out.end(), buffer, buffer + k);
            out = damager_.damage(out);
            for (std::size_t sent = 0; sent < out.size();) {
                const ssize_t w = write(master_, out.data() + sent, out.size() - sent);
                if (w <= 0) break;
                sent += static_cast<std::size_t>(w);
            }
            faults_ = damager_.faults;
        }
    }

    test::Damager damager_;
    int master_ = -1;
    std::string slave_;
    std::thread thread_;
    std::atomic<bool> stop_{false}, deaf_{false}, vanish_{false}, closed_{false};
    std::atomic<int> faults_{0};
};

std::vector<std::int8_t> randomInput(std::mt19937& rng) {
    std::vector<std::int8_t> in(MODEL_INPUT_BYTES);
    for (auto& b : in) b = static_cast<std::int8_t>(rng() & 0xff);
    return in;
}

std::vector<std::int8_t> expectedOutput(const std::vector<std::int8_t>& input) {
    std::uint32_t sum = 0;
    for (std::int8_t b : input) sum += static_cast<std::uint8_t>(b);
    std::vector<std::int8_t> out;
    for (std::uint32_t i = 0; i < MODEL_OUTPUT_BYTES; ++i) out.push_back(static_cast<std::int8_t>(static_cast<std::uint8_t>(sum * (i + 1))));
    return out;
}

std::string openError(const std::string& path, const board::SerialOptions& o = {}) {
    try {
        board::openSerialPort(path, o);
    } catch (const board::LinkError& e) {
        return e.what();
    }
    return "(opened)";
}

}  // namespace

class TestSerialLink : public QObject {
    Q_OBJECT
private slots:
    void rawEightN1AtTheRequestedRate_data() {
        QTest::addColumn<int>("baud");
        QTest::addColumn<int>("speed");
        QTest::newRow("115200") << 115200 << int(B115200);
        QTest::newRow("921600") << 921600 << int(B921600);
        QTest::newRow("2000000") << 2000000 << int(B2000000);
    }
    void rawEightN1AtTheRequestedRate() {
        QFETCH(int, baud);
        QFETCH(int, speed);
        PtyDevice device;
        board::SerialOptions o;
        o.baud = baud;
        auto port = board::openSerialPort(device.path(), o);
        termios t{};  // a pty master reports its slave's settings
        QVERIFY(tcgetattr(device.master(), &t) == 0);
        QCOMPARE(int(cfgetospeed(&t)), speed);
        QCOMPARE(int(cfgetispeed(&t)), speed);
        QCOMPARE(t.c_cflag & CSIZE, tcflag_t(CS8));
        QCOMPARE(t.c_cflag & (PARENB | CSTOPB | CRTSCTS), tcflag_t(0));
        QVERIFY(t.c_cflag & CREAD);
        QVERIFY(t.c_cflag & CLOCAL);
        QCOMPARE(t.c_lflag & (ICANON | ECHO | ISIG | IEXTEN), tcflag_t(0));
        QCOMPARE(t.c_iflag & (IXON | IXOFF | ICRNL | ISTRIP), tcflag_t(0));
        QCOMPARE(t.c_oflag & OPOST, tcflag_t(0));
        QCOMPARE(int(t.c_cc[VMIN]), 0);
        // Every byte value passes untouched (no CR/LF translation, no XON/XOFF).
        std::vector<std::uint8_t> all(256);
        for (int i = 0; i < 256; ++i) all[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i);
        QVERIFY(write(device.master(), all.data(), all.size()) == 256);  // the device thread is idle: no request came
        std::vector<std::uint8_t> got;
        for (int i = 0; i < 50 && got.size() < all.size(); ++i) {
            const auto bytes = port->read(20);
            got.insert(got.end(), bytes.begin(), bytes.end());
        }
        QCOMPARE(got, all);
    }

    void cleanSession() {
        PtyDevice device;
        auto port = board::openSerialPort(device.path());
        board::LinkClient link(*port, {200, 0});
        const board::Hello h = link.hello();
        QCOMPARE(h.inputBytes, std::uint32_t(MODEL_INPUT_BYTES));
        QCOMPARE(QString::fromStdString(h.board), QString("fake-board"));
        std::mt19937 rng(3);
        const auto input = randomInput(rng);
        link.writeInput(input);  // three frames of up to 1 KB through the pty
        link.run(2, 200);
        QCOMPARE(link.readOutput(MODEL_OUTPUT_BYTES), expectedOutput(input));
        const auto profile = link.readProfile(MODEL_LAYER_COUNT);
        QCOMPARE(profile[299], std::uint64_t(399));
        QCOMPARE(link.retriesUsed(), 0);
        // MLPerf's text commands on the same port.
        const std::string name = "name%";
        port->write(std::vector<std::uint8_t>(name.begin(), name.end()));
        std::string reply;
        for (int i = 0; i < 100 && reply.find("m-ready\r\n") == std::string::npos; ++i) {
            const auto bytes = port->read(20);
            reply.append(bytes.begin(), bytes.end());
        }
        QVERIFY2(reply.find("m-name-dut-[mcunet-studio]\r\nm-ready\r\n") != std::string::npos, reply.c_str());
    }

    void faultsAreDetectedAndRetriesRecover_data() {
        QTest::addColumn<int>("kind");
        QTest::newRow("corrupted bytes") << int(Fault::Corrupt);
        QTest::newRow("truncated messages") << int(Fault::Truncate);
        QTest::newRow("duplicated messages") << int(Fault::Duplicate);
        QTest::newRow("dropped bytes") << int(Fault::Drop);
        QTest::newRow("noise and false frame starts") << int(Fault::Noise);
    }
    void faultsAreDetectedAndRetriesRecover() {
        QFETCH(int, kind);
        int faults = 0, retries = 0;
        for (unsigned seed = 0; seed < 12; ++seed) {
            PtyDevice device(200 + seed, 0.3, {static_cast<Fault>(kind)});
            auto port = board::openSerialPort(device.path());
            board::LinkClient link(*port, {60, 15});
            std::mt19937 rng(seed);
            const auto input = randomInput(rng);
            try {
                link.hello();
                link.writeInput(input);
                link.run(1, 60);
                // A retried or duplicated RUN is answered from the cache, never run twice.
                QCOMPARE(fake_invocations, std::uint32_t(1));
                QCOMPARE(link.readOutput(MODEL_OUTPUT_BYTES), expectedOutput(input));
                const auto profile = link.readProfile(MODEL_LAYER_COUNT);
                for (int i = 0; i < MODEL_LAYER_COUNT; ++i) QCOMPARE(profile[static_cast<std::size_t>(i)], std::uint64_t(100 + i));
            } catch (const std::exception& e) {
                QFAIL(qPrintable(QString("seed %1: %2").arg(seed).arg(e.what())));
            }
            faults += device.faults();
            retries += link.retriesUsed();
        }
        qInfo("%d faults injected over the pty, %d retries, every result correct", faults, retries);
        QVERIFY(faults > 10);
        if (kind != int(Fault::Duplicate)) QVERIFY(retries > 0);  // duplicates are simply ignored
    }

    void aSilentBoardFailsInBoundedTime() {
        PtyDevice device;
        device.deaf();
        auto port = board::openSerialPort(device.path());
        board::LinkClient link(*port, {50, 3});
        QElapsedTimer timer;
        timer.start();
        try {
            link.hello();
            QFAIL("a silent board answered");
        } catch (const board::LinkError& e) {
            QVERIFY2(QString(e.what()).contains("no valid answer from the board after 4 attempts"), e.what());
        }
        QVERIFY2(timer.elapsed() >= 150 && timer.elapsed() < 1500, qPrintable(QString::number(timer.elapsed())));
    }

    void anUnpluggedBoardIsReported() {
        PtyDevice device;
        auto port = board::openSerialPort(device.path());
        board::LinkClient link(*port, {200, 4});
        link.hello();
        device.vanish();
        QElapsedTimer timer;
        timer.start();
        try {
            link.run(1, 200);
            QFAIL("ran on an unplugged board");
        } catch (const board::LinkError& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(device.path() + " closed")), e.what());
        }
        QVERIFY(timer.elapsed() < 1000);  // at once, not after every retry
    }

    void openErrorsSayWhatToDo() {
        QVERIFY(openError("/dev/ttyACM-not-here").find("/dev/ttyACM-not-here: no such serial port: is the board plugged in?") == 0);
        QCOMPARE(QString::fromStdString(openError("/dev/null")), QString("/dev/null: not a serial port"));
        QVERIFY(openError("/tmp").find("/tmp: cannot open the serial port (Is a directory)") == 0);
        board::SerialOptions odd;
        odd.baud = 12345;
        QVERIFY(openError("/dev/ttyACM-not-here", odd).find("12345 baud is not a rate termios can set (9600, ") != std::string::npos);
        QVERIFY(board::serialOpenError("/dev/ttyACM0", EACCES).find("permission denied: add your user to the dialout group") !=
                std::string::npos);
        QVERIFY(board::serialOpenError("/dev/ttyACM0", EBUSY).find("the port is busy") != std::string::npos);

        // Busy: one program has it; a second open is refused (flock, and
        // TIOCEXCL for users other than root).
        PtyDevice device;
        auto first = board::openSerialPort(device.path());
        const std::string busy = openError(device.path());
        QVERIFY2(busy.find(device.path() + ": the port is busy: another program has it open") == 0, busy.c_str());
        first.reset();
        QVERIFY(board::openSerialPort(device.path()) != nullptr);  // free again once closed
    }

    void permissionDeniedNamesTheDialoutGroup() {
        if (geteuid() != 0) QSKIP("needs root to become another user (the message itself is checked in openErrorsSayWhatToDo)");
        // A bare pty (no device thread: the child forks with one thread only);
        // the slave is root's with mode 0620, so nobody may not open it.
        const int master = posix_openpt(O_RDWR | O_NOCTTY);
        QVERIFY(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
        const std::string path = ptsname(master);
        int pipeFd[2];
        QVERIFY(pipe(pipeFd) == 0);
        const pid_t child = fork();
        if (child == 0) {
            close(pipeFd[0]);
            if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
            const std::string message = openError(path);
            const ssize_t n = write(pipeFd[1], message.data(), message.size());
            _exit(n == ssize_t(message.size()) ? 0 : 4);
        }
        close(pipeFd[1]);
        std::string message;
        char buffer[512];
        for (ssize_t n; (n = read(pipeFd[0], buffer, sizeof buffer)) > 0;) message.append(buffer, static_cast<std::size_t>(n));
        close(pipeFd[0]);
        int status = 0;
        waitpid(child, &status, 0);
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(QString::fromStdString(message),
                 QString::fromStdString(path + ": permission denied: add your user to the dialout group "
                                               "(sudo usermod -aG dialout $USER), then log out and in again"));
        close(master);
    }
};

QTEST_GUILESS_MAIN(TestSerialLink)
#include "test_serial_link.moc"
