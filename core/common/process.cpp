#include "common/process.h"

#include "common/atomic_file.h"
#include "common/cleanup.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

extern char** environ;

namespace mcunet {

std::string findProgram(const std::string& name) {
    if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = dirs.find(':', start);
        const std::string dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return "";
}

namespace {

extern "C" void killOwnGroup(int) { ::kill(0, SIGKILL); }

// In the forked child, which leads a process group of its own: it stays as
// the group's keeper. When the parent dies, SIGKILL included, the kernel
// sends it SIGHUP (PR_SET_PDEATHSIG) and it kills the whole group (a
// compiler driver's cc1 and as too), so nothing keeps running for seconds
// after the command is gone. It runs the program as its own child and exits
// as that child did. Only async-signal-safe calls: the parent may have threads.
[[noreturn]] void keepGroupAndExec(char* const* args, pid_t parent) {
    struct sigaction sa {};
    sa.sa_handler = killOwnGroup;
    sigaction(SIGHUP, &sa, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGHUP);
    if (getppid() != parent) killOwnGroup(0);  // the parent died before prctl
    const pid_t child = fork();
    if (child < 0) _exit(127);
    if (child == 0) {
        execvp(args[0], args);  // exec resets the SIGHUP handler; PDEATHSIG is not inherited
        _exit(127);
    }
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
    signal(sig, SIG_DFL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

// environ with TMPDIR replaced: the child's temporary files (a compiler's
// cc*.s) go to a private folder the parent removes, whatever ends the child.
std::vector<std::string> environmentWithTmpdir(const std::string& tmpdir) {
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e)
        if (std::strncmp(*e, "TMPDIR=", 7) != 0) env.emplace_back(*e);
    env.push_back("TMPDIR=" + tmpdir);
    return env;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& workingDir,
                         double timeoutSeconds, const std::function<void(const std::string&)>& onLine) {
    ProcessResult r;
    if (argv.empty()) return r;
    // Prepared before fork: the child may only make async-signal-safe calls.
    cleanup::ScopedDirectory tmpdir([] { return atomic_file::makeTempDirectory("tmp"); });
    std::vector<std::string> envStrings = environmentWithTmpdir(tmpdir.path());
    std::vector<char*> env;
    for (std::string& e : envStrings) env.push_back(e.data());
    env.push_back(nullptr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int pipeFd[2];
    if (pipe(pipeFd) != 0) return r;
    const pid_t parent = getpid();
    const pid_t pid = fork();
    if (pid < 0) {
        close(pipeFd[0]);
        close(pipeFd[1]);
        return r;
    }
    if (pid == 0) {
        cleanup::resetSignalMaskInChild();
        setpgid(0, 0);  // own process group: a timeout kills its children too
        dup2(pipeFd[1], STDOUT_FILENO);
        dup2(pipeFd[1], STDERR_FILENO);
        close(pipeFd[0]);
        close(pipeFd[1]);
        const int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        if (!workingDir.empty() && chdir(workingDir.c_str()) != 0) _exit(126);
        environ = env.data();
        keepGroupAndExec(args.data(), parent);
    }
    setpgid(pid, pid);
    const int token = cleanup::addProcessGroup(pid);  // killed with us if a signal ends this program
    close(pipeFd[1]);
    r.started = true;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeoutSeconds);
    char buffer[65536];
    std::size_t lineStart = 0;  // of the first line not yet given to onLine
    bool open = true;
    while (open) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            r.timedOut = true;
            kill(-pid, SIGKILL);
            break;
        }
        pollfd p{pipeFd[0], POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left, 200)));
        if (ready < 0 && errno != EINTR) break;
        if (ready > 0) {
            const ssize_t n = read(pipeFd[0], buffer, sizeof buffer);
            if (n > 0) {
                r.output.append(buffer, static_cast<std::size_t>(n));
                for (std::size_t nl; onLine && (nl = r.output.find('\n', lineStart)) != std::string::npos; lineStart = nl + 1)
                    onLine(r.output.substr(lineStart, nl - lineStart));
            } else if (n == 0 || errno != EINTR) {
                open = false;
            }
        }
    }
    close(pipeFd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    cleanup::remove(token);
    if (WIFEXITED(status)) r.exitCode = WEXITSTATUS(status);
    if (r.exitCode == 127 && r.output.empty()) r.started = false;
    return r;
}

}  // namespace mcunet
