#pragma once
// What must not outlive a command ended by Ctrl-C or SIGTERM: child process
// groups (compilers, QEMU) and temporary folders. Code that starts a child or
// makes a temporary folder registers it here and unregisters it when done;
// a program that calls installSignalCleanup() then, on SIGINT, SIGTERM or
// SIGHUP, kills the registered groups, removes the registered folders and
// exits with 128 + the signal. The work runs on a thread that waits for the
// signals (sigwait), never inside a signal handler.
#include <functional>
#include <string>
#include <sys/types.h>

namespace mcunet::cleanup {

int addProcessGroup(pid_t group);
int addDirectory(const std::string& dir);
// Makes a folder with `make` and registers it in one step a signal cannot
// split (the signal cleanup waits for it): no folder is ever made and left
// unregistered. Returns the token; `dir` receives the folder.
int addNewDirectory(const std::function<std::string()>& make, std::string& dir);
void remove(int token);
// fork() whose child leads a new process group registered for the signal
// cleanup in the same step a signal cannot split: a signal that ends the
// program between fork and registration would leave the child running (and
// writing into a folder the cleanup is removing). Returns fork's result; in
// the parent `token` receives the registration. The child must only make
// async-signal-safe calls and exec.
pid_t forkRegistered(int& token);

// A temporary folder removed when the scope ends, and by the signal cleanup
// if a signal ends the program first.
class ScopedDirectory {
public:
    explicit ScopedDirectory(std::string dir);
    // Made by `make` and registered in one step (addNewDirectory).
    explicit ScopedDirectory(const std::function<std::string()>& make);
    ~ScopedDirectory();
    ScopedDirectory(const ScopedDirectory&) = delete;
    ScopedDirectory& operator=(const ScopedDirectory&) = delete;
    const std::string& path() const { return dir_; }

private:
    std::string dir_;
    int token_;
};

// Call at the start of main(), before any thread starts. Children started
// with runProcess or VirtualBoard get the default signal mask back.
void installSignalCleanup();

// While set, the first SIGINT / SIGTERM / SIGHUP goes to `stop` (on the
// signal thread) instead of ending the program; `stop` returns true when the
// program will now end by itself soon (training: after its next checkpoint).
// A second signal, or `stop` returning false, cleans up and exits as above.
// An empty function clears it.
void setGracefulStop(std::function<bool()> stop);
// In a forked child before exec: the default signal mask (no blocked signals).
void resetSignalMaskInChild();

}  // namespace mcunet::cleanup
