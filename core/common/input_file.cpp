#include "common/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace mcunet::input_file {

namespace {

std::string kindOf(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

std::string refusal(const std::string& path, mode_t mode, const std::string& expected) {
    const std::string kind = kindOf(mode);
    return path + ": " + (kind == "not a regular file" ? kind : "is " + kind) + ", expected " + expected;
}

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

}  // namespace

std::uint64_t requireRegular(const std::string& path, const std::string& expected) {
    if (path.empty()) throw Error("an empty file name, expected " + expected);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw Error(path + ": " + (errno == ENOENT ? std::string("no such file") : std::strerror(errno)) + ", expected " +
                    expected);
    if (!S_ISREG(st.st_mode)) throw Error(refusal(path, st.st_mode, expected));
    if (::access(path.c_str(), R_OK) != 0) throw Error(path + ": cannot read it (" + std::strerror(errno) + ")");
    return static_cast<std::uint64_t>(st.st_size);
}

std::string read(const std::string& path, std::size_t maxBytes, const std::string& expected) {
    requireRegular(path, expected);
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (f.fd < 0) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) throw Error(refusal(path, st.st_mode, expected));
    if (static_cast<std::uint64_t>(st.st_size) > maxBytes)
        throw Error(path + ": " + std::to_string(st.st_size) + " bytes, more than the " + std::to_string(maxBytes) +
                    " bytes " + expected + " may have");
    std::string text;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw Error(path + ": read error (" + std::strerror(errno) + ")");
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > maxBytes)  // the file grew while we read it
            throw Error(path + ": more than the " + std::to_string(maxBytes) + " bytes " + expected + " may have");
    }
    return text;
}

}  // namespace mcunet::input_file
