#include "common/process.h"

#include "common/atomic_file.h"
#include "common/cleanup.h"
#include "common/error.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstdio>
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

// Everything a child needs, prepared before fork (the child may only make
// async-signal-safe calls): its argument vector and environment with a
// private TMPDIR.
struct Prepared {
    cleanup::ScopedDirectory tmpdir{[] { return atomic_file::makeTempDirectory("tmp"); }};
    std::vector<std::string> envStrings;
    std::vector<char*> env, args;
    explicit Prepared(const std::vector<std::string>& argv) : envStrings(environmentWithTmpdir(tmpdir.path())) {
        for (std::string& e : envStrings) env.push_back(e.data());
        env.push_back(nullptr);
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
    }
};

// Forks the keeper of a new process group running the program, its stdin,
// stdout and stderr on the given descriptors (-1: /dev/null), every pipe end
// of `parentEnds` closed in the child (the keeper does not exec: an end left
// open there would hold a pipe open); registers the group for the signal
// cleanup. Returns the pid (the group's id), -1 when fork fails. `token`
// receives the cleanup registration.
struct Fds {
    int in = -1, out = -1, err = -1;
    std::array<int, 4> parentEnds{-1, -1, -1, -1};
};
pid_t spawnKept(Prepared& p, const Fds& fds, const std::string& workingDir, int& token) {
    const pid_t parent = getpid();
    // Own process group (a timeout kills its children too), registered for
    // the signal cleanup in the same step as the fork.
    const pid_t pid = cleanup::forkRegistered(token);
    if (pid < 0) return -1;
    if (pid == 0) {
        cleanup::resetSignalMaskInChild();
        setpgid(0, 0);
        const int devnull = open("/dev/null", O_RDWR);
        dup2(fds.in >= 0 ? fds.in : devnull, STDIN_FILENO);
        dup2(fds.out >= 0 ? fds.out : devnull, STDOUT_FILENO);
        dup2(fds.err >= 0 ? fds.err : devnull, STDERR_FILENO);
        for (int fd : {fds.in, fds.out, fds.err, devnull, fds.parentEnds[0], fds.parentEnds[1], fds.parentEnds[2], fds.parentEnds[3]})
            if (fd > STDERR_FILENO) close(fd);
        if (!workingDir.empty() && chdir(workingDir.c_str()) != 0) _exit(126);
        environ = p.env.data();
        keepGroupAndExec(p.args.data(), parent);
    }
    return pid;
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& workingDir,
                         double timeoutSeconds, const std::function<void(const std::string&)>& onLine) {
    ProcessResult r;
    if (argv.empty()) return r;
    Prepared prepared(argv);
    int pipeFd[2];
    if (pipe2(pipeFd, O_CLOEXEC) != 0) return r;
    int token = 0;
    Fds fds;
    fds.out = fds.err = pipeFd[1];
    fds.parentEnds[0] = pipeFd[0];
    const pid_t pid = spawnKept(prepared, fds, workingDir, token);
    if (pid < 0) {
        close(pipeFd[0]);
        close(pipeFd[1]);
        return r;
    }
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

// ---------------------------------------------------------------- PipedProcess

struct PipedProcess::Impl {
    std::string program;
    Prepared prepared;
    pid_t pid = -1;
    int token = 0;
    int toChild = -1, fromChild = -1;
    std::string errPath;
    bool reaped = false;
    int status = 0;

    explicit Impl(const std::vector<std::string>& argv) : program(argv.at(0)), prepared(argv) {}

    // What ended the child, with the end of its stderr: for messages.
    std::string ended() {
        if (!reaped && waitpid(pid, &status, WNOHANG) == pid) reaped = true;
        std::string why = program;
        if (!reaped) why += " stopped answering";
        else if (WIFEXITED(status)) why += " ended (exit " + std::to_string(WEXITSTATUS(status)) + ")";
        else if (WIFSIGNALED(status)) why += " was killed by signal " + std::to_string(WTERMSIG(status));
        std::string err;
        if (FILE* f = std::fopen(errPath.c_str(), "rb")) {
            char buffer[400];
            const std::size_t n = std::fread(buffer, 1, sizeof buffer, f);
            std::fclose(f);
            err.assign(buffer, n);
        }
        while (!err.empty() && (err.back() == '\n' || err.back() == '\r')) err.pop_back();
        return err.empty() ? why : why + ": " + err;
    }

    // Waits until `fd` is ready for `events`; false after the deadline.
    static bool waitFor(int fd, short events, std::chrono::steady_clock::time_point deadline) {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return false;
            pollfd p{fd, events, 0};
            const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
            if (ready > 0) return true;
            if (ready < 0 && errno != EINTR) return false;
        }
    }
};

PipedProcess::PipedProcess(const std::vector<std::string>& argv, const std::string& workingDir)
    : impl_(std::make_unique<Impl>(argv)) {
    Impl& d = *impl_;
    d.errPath = (std::filesystem::path(d.prepared.tmpdir.path()) / "stderr.txt").string();
    const int errFd = open(d.errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int in[2], out[2];
    if (errFd < 0 || pipe2(in, O_CLOEXEC) != 0) throw Error(d.program + ": cannot make its pipes (" + std::strerror(errno) + ")");
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        close(errFd);
        throw Error(d.program + ": cannot make its pipes (" + std::strerror(errno) + ")");
    }
    Fds fds;
    fds.in = in[0];
    fds.out = out[1];
    fds.err = errFd;
    fds.parentEnds = {in[1], out[0], -1, -1};
    d.pid = spawnKept(d.prepared, fds, workingDir, d.token);
    close(in[0]);
    close(out[1]);
    close(errFd);
    d.toChild = in[1];
    d.fromChild = out[0];
    if (d.pid < 0) {
        close(d.toChild);
        close(d.fromChild);
        throw Error(d.program + ": cannot start it (" + std::strerror(errno) + ")");
    }
}

PipedProcess::~PipedProcess() {
    Impl& d = *impl_;
    close(d.toChild);
    close(d.fromChild);
    if (!d.reaped) {
        kill(-d.pid, SIGKILL);
        while (waitpid(d.pid, &d.status, 0) < 0 && errno == EINTR) {
        }
    }
    cleanup::remove(d.token);
}

void PipedProcess::write(const void* data, std::size_t bytes, double timeoutSeconds) {
    Impl& d = *impl_;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeoutSeconds));
    // A write to a child that has gone raises SIGPIPE: held back on this
    // thread and taken off again, so that it is an error, not our end.
    sigset_t pipeSignal, old;
    sigemptyset(&pipeSignal);
    sigaddset(&pipeSignal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &old);
    const char* p = static_cast<const char*>(data);
    std::string failure;
    while (bytes > 0 && failure.empty()) {
        if (!Impl::waitFor(d.toChild, POLLOUT, deadline)) {
            failure = "timeout";
            break;
        }
        const ssize_t n = ::write(d.toChild, p, bytes);
        if (n > 0) {
            p += n;
            bytes -= static_cast<std::size_t>(n);
        } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
            failure = "gone";
        }
    }
    const timespec none{0, 0};
    while (sigtimedwait(&pipeSignal, nullptr, &none) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (failure == "timeout") throw Error(d.program + " did not take its input within " + std::to_string(int(timeoutSeconds)) + " s");
    if (!failure.empty()) throw Error(d.ended());
}

void PipedProcess::read(void* data, std::size_t bytes, double timeoutSeconds) {
    Impl& d = *impl_;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeoutSeconds));
    char* p = static_cast<char*>(data);
    while (bytes > 0) {
        if (!Impl::waitFor(d.fromChild, POLLIN, deadline))
            throw Error(d.program + " did not answer within " + std::to_string(int(timeoutSeconds)) + " s");
        const ssize_t n = ::read(d.fromChild, p, bytes);
        if (n > 0) {
            p += n;
            bytes -= static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) {
            for (int i = 0; i < 50 && !d.reaped; ++i) {  // its output ended: it is ending, give it a moment
                if (waitpid(d.pid, &d.status, WNOHANG) == d.pid) d.reaped = true;
                else usleep(10000);
            }
            throw Error(d.ended());
        }
    }
}

}  // namespace mcunet
