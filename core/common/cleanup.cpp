#include "common/cleanup.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
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
    std::error_code ignored;
    for (const auto& [token, dir] : r.directories) std::filesystem::remove_all(dir, ignored);
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
        int signal = 0;
        while (sigwait(&set, &signal) != 0) {
        }
        cleanUpAndExit(signal);
    }).detach();
}

void resetSignalMaskInChild() {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

ScopedDirectory::ScopedDirectory(std::string dir) : dir_(std::move(dir)), token_(addDirectory(dir_)) {}

ScopedDirectory::~ScopedDirectory() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    remove(token_);
}

}  // namespace mcunet::cleanup
