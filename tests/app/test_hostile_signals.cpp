// Issue 24: SIGINT, SIGTERM and SIGKILL at seeded random moments of
// `mcunet deploy` (code generation, the cross-compile, QEMU, the profile),
// `mcunet train` and `mcunet import`. After each:
//   - SIGINT / SIGTERM end the command within a second and a half (exit code
//     128 + the signal; training stops after a checkpoint, exit 130);
//   - no process the command started survives (compilers, cc1, QEMU: found
//     by the TMPDIR they inherit), SIGKILL included, within two seconds;
//   - nothing is left in TMPDIR but the deployed project the virtual board's
//     flash record points into; what a SIGKILL leaves is removed by the next
//     command that starts.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "train_built.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;

namespace {

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Processes whose environment holds TMPDIR=<tmpdir>... (every descendant of
// a command started with that TMPDIR, and the children it gave a private one).
QStringList processesUnder(const fs::path& tmpdir) {
    QStringList found;
    const std::string needle = "TMPDIR=" + tmpdir.string();
    std::error_code ec;
    for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
        const std::string pid = it->path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
        const std::string env = readAll(it->path() / "environ");
        std::size_t at = 0;
        while ((at = env.find(needle, at)) != std::string::npos) {
            if (at == 0 || env[at - 1] == '\0') {
                std::string comm = readAll(it->path() / "comm");
                if (!comm.empty() && comm.back() == '\n') comm.pop_back();
                found << QString::fromStdString(pid + " (" + comm + ")");
                break;
            }
            at += needle.size();
        }
    }
    return found;
}

}  // namespace

class TestHostileSignals : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path root_;

    QProcessEnvironment environment(const fs::path& tmpdir) const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("TMPDIR", q(tmpdir));
        env.insert("XDG_STATE_HOME", q(root_ / "state"));
        return env;
    }

    // How long an uninterrupted run takes (it must succeed): the signals
    // below fall within it.
    int baselineMs(const QStringList& args, const fs::path& tmpdir) const {
        QElapsedTimer t;
        t.start();
        const int code = runToEnd(args, tmpdir, 300);
        return code == 0 ? int(t.elapsed()) : -code - 1000;
    }

    int runToEnd(const QStringList& args, const fs::path& tmpdir, int seconds = 120) const {
        QProcess p;
        p.setProcessEnvironment(environment(tmpdir));
        p.start(MCUNET_CLI_PATH, args);
        if (!p.waitForFinished(seconds * 1000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // Starts `args`, sends `sig` after `delayMs` (unless it ended first) and
    // checks how it ends and what survives it.
    void interrupt(const QStringList& args, const fs::path& tmpdir, int sig, int delayMs, int allowedMs) {
        const QString what = QString("%1 after %2 ms: mcunet %3").arg(strsignal(sig)).arg(delayMs).arg(args.join(' '));
        QProcess p;
        p.setProcessEnvironment(environment(tmpdir));
        p.start(MCUNET_CLI_PATH, args);
        QVERIFY2(p.waitForStarted(), qPrintable(what));
        const bool endedFirst = p.waitForFinished(delayMs);
        if (endedFirst) {  // it finished before the signal: it must have succeeded
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                     qPrintable(what + ": ended first with " + QString::fromUtf8(p.readAllStandardError()).left(300)));
        } else {
            QElapsedTimer t;
            t.start();
            ::kill(static_cast<pid_t>(p.processId()), sig);
            QVERIFY2(p.waitForFinished(10000), qPrintable(what + ": still running 10 s after the signal"));
            const qint64 ms = t.elapsed();
            if (sig != SIGKILL) {
                QVERIFY2(ms <= allowedMs, qPrintable(what + QString(": took %1 ms to end").arg(ms)));
                // -1: the signal's default action, when it came before the
                // program installed its cleanup (the first milliseconds).
                const int code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
                QVERIFY2(code == 128 + sig || code == 130 || code == 0 || code == -1,
                         qPrintable(what + QString(": exit %1 ").arg(code) + QString::fromUtf8(p.readAllStandardError()).left(300)));
            }
        }
        // Nothing it started survives it.
        QStringList alive;
        for (int i = 0; i < 40 && !(alive = processesUnder(tmpdir)).isEmpty(); ++i) QThread::msleep(50);
        QVERIFY2(alive.isEmpty(), qPrintable(what + ": still running: " + alive.join(", ")));
        if (sig == SIGKILL) {
            // What it could not remove goes at the next start of any command.
            QCOMPARE(runToEnd({"boards"}, tmpdir), 0);
        }
        const QStringList left = leftovers(tmpdir);
        QVERIFY2(left.isEmpty(), qPrintable(what + ": left in TMPDIR: " + left.join(", ")));
    }

    // TMPDIR's entries, but the deployed project the flash record points into.
    QStringList leftovers(const fs::path& tmpdir) const {
        QStringList left;
        const std::string record = readAll(root_ / "state" / "mcunet-studio" / "virtual-m7.json");
        for (const auto& e : fs::directory_iterator(tmpdir)) {
            const bool kept = readAll(e.path() / ".mcunet-owner").rfind("kept", 0) == 0;
            if (kept && record.find(e.path().string()) != std::string::npos) continue;
            left << QString::fromStdString(e.path().filename().string());
        }
        return left;
    }

    static bool trainBuilt() { return mcunet::testing::kTrainBuilt; }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        root_ = fs::path(tmp_.path().toStdString());
        for (const char* d : {"state", "tmp-deploy", "tmp-train", "tmp-import", "files"}) fs::create_directories(root_ / d);
        QCOMPARE(runToEnd({"export-tflite", "--preset", "mcunet-vww1", "--seed", "1", "--out", q(root_ / "files" / "vww1.tflite")},
                          root_ / "tmp-import"),
                 0);
    }

    void deploy() {
        const QStringList args = {"deploy", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--profile",
                                  "--runs", "1"};
        const int ms = baselineMs(args, root_ / "tmp-deploy");
        QVERIFY2(ms > 0, "deploy does not run uninterrupted");
        std::mt19937 rng(24);
        for (const int sig : {SIGINT, SIGTERM, SIGKILL, SIGINT, SIGTERM, SIGKILL})
            interrupt(args, root_ / "tmp-deploy", sig, int(rng() % unsigned(ms)), 1500);
    }

    void import() {
        const QStringList args = {"import", q(root_ / "files" / "vww1.tflite"), "--board", "virtual-m7"};
        const int ms = baselineMs(args, root_ / "tmp-import");
        QVERIFY2(ms > 0, "import does not run uninterrupted");
        std::mt19937 rng(25);
        for (const int sig : {SIGINT, SIGTERM, SIGKILL, SIGINT, SIGTERM, SIGKILL})
            interrupt(args, root_ / "tmp-import", sig, int(rng() % unsigned(ms)), 1500);
    }

    void train() {
        if (!trainBuilt()) QSKIP("mcunet-train is not built here (sanitizer build): the default suite runs this");
        auto args = [this](int round) {
            const QString out = q(root_ / "files" / ("model" + std::to_string(round)));
            return QStringList{"train", "--data", "fashion-mnist", "--preset", "mcunet-vww1", "--resolution", "32",
                               "--channels", "1", "--threads", "1", "--batch", "8", "--epochs", "2", "--max-steps",
                               "30", "--train-per-class", "30", "--test-per-class", "5", "--calibration-images", "8",
                               "--out", out};
        };
        const int ms = baselineMs(args(99), root_ / "tmp-train");
        QVERIFY2(ms > 0, "train does not run uninterrupted");
        std::mt19937 rng(26);
        int round = 0;
        for (const int sig : {SIGINT, SIGTERM, SIGKILL, SIGINT, SIGTERM, SIGKILL}) {
            // Training stops after its next checkpoint: allow 3 s.
            interrupt(args(round++), root_ / "tmp-train", sig, int(rng() % unsigned(ms)), 3000);
        }
    }
};

QTEST_GUILESS_MAIN(TestHostileSignals)
#include "test_hostile_signals.moc"
