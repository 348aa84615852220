#include "common/cleanup.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace mcunet::cleanup {

namespace {

struct Registry {
    std::mutex mutex;
    int next = 1;
    std::map<int, pid_t> groups;
    std::map<int, std::string> directories;
    std::function<bool()> gracefulStop;
    bool stopAsked = false;
};

Registry& registry() {
    static Registry r;
    return r;
}

sigset_t handledSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

[[noreturn]] void cleanUpAndExit(int signal) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (const auto& [token, group] : r.groups) ::kill(-group, SIGKILL);
    // Reap the groups' leaders (our children) before removing folders, so no
    // dying compiler writes a file into a folder already removed (at most 1 s).
    for (int i = 0; i < 100; ++i) {
        bool running = false;
        for (const auto& [token, group] : r.groups)
            if (::waitpid(group, nullptr, WNOHANG) == 0) running = true;
        if (!running) break;
        ::usleep(10000);
    }
    // A child not yet reaped may still create a file while the folder is
    // emptied (rmdir then fails): try again a few times.
    for (const auto& [token, dir] : r.directories)
        for (int attempt = 0; attempt < 5; ++attempt) {
            std::error_code error;
            std::filesystem::remove_all(dir, error);
            if (!error && !std::filesystem::exists(dir, error)) break;
            ::usleep(20000);
        }
    ::_exit(128 + signal);
}

}  // namespace

int addProcessGroup(pid_t group) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.groups[r.next] = group;
    return r.next++;
}

int addDirectory(const std::string& dir) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.directories[r.next] = dir;
    return r.next++;
}

int addNewDirectory(const std::function<std::string()>& make, std::string& dir) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);  // cleanUpAndExit takes it too
    dir = make();
    r.directories[r.next] = dir;
    return r.next++;
}

pid_t forkRegistered(int& token) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);  // cleanUpAndExit waits for the registration
    const pid_t pid = ::fork();
    if (pid != 0) token = 0;
    if (pid <= 0) return pid;  // the child never touches the registry
    ::setpgid(pid, pid);       // the child does too: whichever runs first makes the group
    r.groups[r.next] = pid;
    token = r.next++;
    return pid;
}

void remove(int token) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.groups.erase(token);
    r.directories.erase(token);
}

void installSignalCleanup() {
    const sigset_t set = handledSignals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);  // every later thread inherits it
    std::thread([set] {
        for (;;) {
            int signal = 0;
            if (sigwait(&set, &signal) != 0) continue;
            std::function<bool()> stop;
            {
                Registry& r = registry();
                std::lock_guard<std::mutex> lock(r.mutex);
                if (!r.stopAsked) stop = r.gracefulStop;
                r.stopAsked = true;
            }
            if (stop && stop()) continue;  // the program stops by itself; a second signal ends it
            cleanUpAndExit(signal);
        }
    }).detach();
}

void setGracefulStop(std::function<bool()> stop) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.gracefulStop = std::move(stop);
    if (!r.gracefulStop) r.stopAsked = false;
}

void resetSignalMaskInChild() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

ScopedDirectory::ScopedDirectory(std::string dir) : dir_(std::move(dir)), token_(addDirectory(dir_)) {}

ScopedDirectory::ScopedDirectory(const std::function<std::string()>& make) : token_(addNewDirectory(make, dir_)) {}

ScopedDirectory::~ScopedDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    remove(token_);
}

}  // namespace mcunet::cleanup
