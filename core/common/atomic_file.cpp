#include "common/atomic_file.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "common/error.h"

namespace mcunet::atomic_file {

namespace fs = std::filesystem;

namespace {

// The file to replace: a symbolic link's target, so the link itself survives.
fs::path resolveTarget(const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (fs::is_symlink(fs::symlink_status(p, ec))) {
        fs::path target = fs::read_symlink(p, ec);
        if (!ec) return target.is_absolute() ? target : p.parent_path() / target;
    }
    return p;
}

std::string errnoText() { return std::strerror(errno); }

}  // namespace

void replace(const std::string& path, const std::function<void(const std::string&)>& write) {
    if (path.empty()) throw Error("output path is empty");
    const fs::path target = resolveTarget(path);
    std::error_code ec;
    const fs::file_status status = fs::status(target, ec);
    if (fs::is_directory(status)) throw Error(path + ": is a directory, expected a file");
    // A device, FIFO or socket is never replaced by a regular file (as root,
    // renaming over /dev/full would succeed and remove the device).
    if (fs::exists(status) && !fs::is_regular_file(status))
        throw Error(path + ": not a regular file (a device, FIFO or socket); write to a file");
    const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string pattern = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) throw Error(path + ": cannot create a temporary file in " + dir.string() + ": " + errnoText());
    const std::string temp(name.data());
    auto fail = [&](const std::string& why) {
        ::unlink(temp.c_str());
        throw Error(path + ": " + why);
    };
    // Keep the destination's permission bits (mkstemp creates 0600).
    struct stat st {};
    const mode_t mask = ::umask(0);
    ::umask(mask);
    const mode_t mode = ::stat(target.c_str(), &st) == 0 ? (st.st_mode & 07777) : (0666 & ~mask);
    ::fchmod(fd, mode);
    ::close(fd);
    try {
        write(temp);
    } catch (...) {
        ::unlink(temp.c_str());
        throw;
    }
    const int sync = ::open(temp.c_str(), O_RDONLY);
    if (sync < 0) fail("cannot reopen the temporary file: " + errnoText());
    const bool synced = ::fsync(sync) == 0;
    ::close(sync);
    if (!synced) fail("write failed (fsync): " + errnoText());
    if (::rename(temp.c_str(), target.c_str()) != 0) fail("cannot replace file: " + errnoText());
}

void writeText(const std::string& path, const std::string& bytes) {
    replace(path, [&](const std::string& temp) {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) throw Error(path + ": write failed (disk full?)");
    });
}

namespace {

constexpr const char* kKept = "kept";

// Field 22 of /proc/PID/stat: the process's start time, so a reused pid is
// not mistaken for the owner.
std::string startTime(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const std::size_t close = stat.rfind(')');  // the command name may hold spaces and ')'
    if (close == std::string::npos) return "";
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
    }
    return field;
}

std::string ownerText() { return std::to_string(::getpid()) + " " + startTime(::getpid()) + "\n"; }

std::string readSmall(const fs::path& p) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) return "";
    std::ifstream in(p);
    std::string text(256, '\0');
    in.read(text.data(), 256);
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// True when the owner file names a process that still runs (or is kept).
bool ownerAlive(const std::string& owner) {
    if (owner.rfind(kKept, 0) == 0) return true;
    std::istringstream in(owner);
    long long pid = 0;
    std::string start;
    if (!(in >> pid >> start) || pid <= 0) return true;  // unreadable: never remove what we cannot judge
    return startTime(static_cast<pid_t>(pid)) == start;
}

// A folder of ours in the temporary directory: mcunet-<what>-XXXXXX, ours by uid.
bool isOurTempFolder(const fs::path& dir) {
    const std::string name = dir.filename().string();
    if (name.rfind("mcunet-", 0) != 0 || name.size() < 14 || name[name.size() - 7] != '-') return false;
    struct stat st {};
    return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::getuid() &&
           dir.parent_path() == fs::temp_directory_path();
}

}  // namespace

void sweepStaleTempDirectories() {
    std::error_code ec;
    const fs::path root = fs::temp_directory_path(ec);
    if (ec) return;
    fs::directory_iterator it(root, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const fs::path dir = it->path();
        if (!isOurTempFolder(dir)) continue;
        const std::string owner = readSmall(dir / kOwnerFile);
        if (owner.empty() || ownerAlive(owner)) continue;  // no owner file: not one we can judge
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
}

std::string makeTempDirectory(const std::string& what) {
    static std::once_flag swept;
    std::call_once(swept, sweepStaleTempDirectories);
    std::string pattern = (fs::temp_directory_path() / ("mcunet-" + what + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw Error(what + ": cannot create a temporary folder in " + pattern + ": " + errnoText());
    std::ofstream((fs::path(pattern) / kOwnerFile).string()) << ownerText();
    return pattern;
}

void keepTempDirectory(const std::string& dir) {
    if (!isOurTempFolder(dir)) return;
    writeText((fs::path(dir) / kOwnerFile).string(), std::string(kKept) + "\n");
}

void removeKeptTempDirectory(const std::string& dir) {
    if (dir.empty() || !isOurTempFolder(dir)) return;
    if (readSmall(fs::path(dir) / kOwnerFile).rfind(kKept, 0) != 0) return;
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

std::string makeTempDirectoryBeside(const std::string& path) {
    fs::path p(path);
    std::string pattern = p.string();
    while (!pattern.empty() && pattern.back() == '/') pattern.pop_back();
    pattern += ".tmp-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    if (!::mkdtemp(name.data())) throw Error(path + ": cannot create a temporary folder beside it: " + errnoText());
    // mkdtemp makes it 0700: give the folder the usual permissions.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(name.data(), 0777 & ~mask);
    return std::string(name.data());
}

void commitDirectory(const std::string& tempDir, const std::string& path) {
    std::error_code ec;
    fs::path target(path);
    std::string aside;
    if (fs::exists(fs::symlink_status(target, ec))) {
        aside = makeTempDirectoryBeside(path + ".old");
        fs::remove(aside, ec);
        fs::rename(target, aside, ec);
        if (ec) throw Error(path + ": cannot move the previous folder aside: " + ec.message());
    }
    fs::rename(tempDir, target, ec);
    if (ec) {
        std::error_code ignored;
        if (!aside.empty()) fs::rename(aside, target, ignored);
        throw Error(path + ": cannot put the new folder in place: " + ec.message());
    }
    if (!aside.empty()) fs::remove_all(aside, ec);
}

}  // namespace mcunet::atomic_file
