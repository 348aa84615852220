#pragma once
// Runs a program of the build (mcunet, mpirun around it) to its end, as the
// command-line tests do: exit code (-1 when killed by a signal or the time
// bound), stdout, stderr and how long it took.
#include <QByteArray>
#include <QElapsedTimer>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace mcunet::testing {

struct CliResult {
    int code = -1;
    QByteArray out, err;
    qint64 ms = 0;
};

inline CliResult runProgram(const QString& program, const QStringList& args, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, "(timed out)", t.elapsed()};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError(),
            t.elapsed()};
}

}  // namespace mcunet::testing
