#include "board/virtual_board.h"

#include "common/atomic_file.h"
#include "common/cleanup.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "board/elf.h"
#include "common/error.h"
#include "common/process.h"
#include "mcunet_link.h"

namespace mcunet::board {

namespace fs = std::filesystem;

namespace {

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) close(fd);
        throw Error("virtual board: no free loopback port");
    }
    const int port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

}  // namespace

std::string flashedFirmwarePath(const std::string& boardId) {
    const char* state = std::getenv("XDG_STATE_HOME");
    const char* home = std::getenv("HOME");
    fs::path base = state && *state ? fs::path(state) : fs::path(home && *home ? home : "/tmp") / ".local" / "state";
    return (base / "mcunet-studio" / (boardId + ".json")).string();
}

VirtualBoard::VirtualBoard(const Board& board, const std::string& elf, VirtualBoardOptions options) {
    if (!board.isVirtual) throw Error(board.id + " is not a virtual board");
    const std::string qemu = findProgram(options.qemu);
    if (qemu.empty()) throw Error("virtual board: " + options.qemu + " not found (install qemu-system-arm)");
    readElf(elf);  // refuses a file that is not an ARM ELF before QEMU does, with a clearer message
    // Made and registered in one step: removed even if a signal ends us.
    cleanupToken_ = cleanup::addNewDirectory([] { return fs::absolute(atomic_file::makeTempDirectory("qemu")).string(); },
                                             tempDir_);
    logPath_ = tempDir_ + "/qemu.log";
    const int port = freeLoopbackPort();
    const std::vector<std::string> argv = {
        qemu, "-M", board.qemuMachine, "-cpu", board.qemuCpu, "-display", "none", "-monitor", "none",
        "-serial", "tcp:127.0.0.1:" + std::to_string(port) + ",server=on,wait=on" + (options.tcpNoDelay ? ",nodelay=on" : ""),
        "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", fs::absolute(elf).string()};
    const pid_t parent = getpid();
    // QEMU's group is registered in the same step: a signal that ends us now
    // kills it before its folder is removed.
    pid_ = cleanup::forkRegistered(groupToken_);
    if (pid_ < 0) {
        release();
        throw Error("virtual board: fork failed");
    }
    if (pid_ == 0) {
        cleanup::resetSignalMaskInChild();
        prctl(PR_SET_PDEATHSIG, SIGKILL);  // QEMU dies with us, whatever kills us
        if (getppid() != parent) _exit(1);
        setpgid(0, 0);
        // Semihosting opens the firmware's host files here (writeHostInput).
        if (chdir(tempDir_.c_str()) != 0) _exit(126);
        const int log = open(logPath_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log >= 0) {
            dup2(log, STDOUT_FILENO);
            dup2(log, STDERR_FILENO);
        }
        const int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    // Connect while watching QEMU: if it exits first, say why.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.startTimeoutMs);
    for (;;) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            forgetProcess();
            const std::string why = log();
            release();  // no folder or registration outlives a board that never started
            throw Error("virtual board: QEMU exited at start" +
                        std::string(WIFEXITED(status) ? " with code " + std::to_string(WEXITSTATUS(status)) : "") +
                        (why.empty() ? "" : ": " + why));
        }
        try {
            transport_ = connectTcp("127.0.0.1", port, 50);
            return;
        } catch (const LinkError&) {
        }
        if (std::chrono::steady_clock::now() > deadline) {
            release();
            throw Error("virtual board: QEMU did not open its UART within " + std::to_string(options.startTimeoutMs) + " ms");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

VirtualBoard::~VirtualBoard() { release(); }

void VirtualBoard::release() {
    stop();
    std::error_code ignored;
    if (!tempDir_.empty()) fs::remove_all(tempDir_, ignored);
    if (cleanupToken_) cleanup::remove(cleanupToken_);
    cleanupToken_ = 0;
}

bool VirtualBoard::running() const {
    if (pid_ <= 0) return false;
    int status = 0;
    return waitpid(pid_, &status, WNOHANG) == 0;
}

void VirtualBoard::stop() {
    transport_.reset();
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {  // QEMU ends on SIGTERM in well under 0.1 s
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            forgetProcess();
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    forgetProcess();
}

// QEMU is reaped: its pid may be reused, so the signal cleanup forgets it.
void VirtualBoard::forgetProcess() {
    pid_ = -1;
    if (groupToken_) cleanup::remove(groupToken_);
    groupToken_ = 0;
}

void VirtualBoard::writeHostInput(const std::vector<std::int8_t>& input) {
    const std::string path = tempDir_ + "/" + MCU_HOST_INPUT_FILE;
    atomic_file::writeText(path, std::string(reinterpret_cast<const char*>(input.data()), input.size()));
}

void VirtualBoard::sendInput(LinkClient& link, const std::vector<std::int8_t>& input, bool hostInput) {
    if (!hostInput) {
        link.writeInput(input);
        return;
    }
    writeHostInput(input);
    link.loadInput();
}

std::string VirtualBoard::log() const {
    std::ifstream in(logPath_);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace mcunet::board
