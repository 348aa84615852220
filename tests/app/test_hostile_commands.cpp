// Issue 14: every command of the `mcunet` binary against hostile input, as a
// user (or a file from elsewhere) would give it: mutated architecture files
// and generated projects, odd paths (missing, a directory, a device, a FIFO,
// empty, oversized), outputs that cannot be written. Each run must end by
// itself within its time bound with exit code 0 or 2, and a refusal must be
// a message `mcunet CMD: error: ...` naming what was wrong: never a crash,
// a signal, a hang or "internal error".
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "mutate.h"

namespace fs = std::filesystem;

namespace {

struct Result {
    int code = -1;  // -1: killed by a signal or the time bound
    QString out, err;
};

Result run(const QStringList& args, int seconds = 60) {
    QProcess p;
    p.start(MCUNET_CLI_PATH, args);
    if (!p.waitForFinished(seconds * 1000)) {
        p.kill();
        p.waitForFinished();
        return {-1, {}, "(timed out)"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// Exit 0, or exit 2 with a message naming `mustName` (a file or a field).
QString verdict(const Result& r, const QStringList& args, const QString& mustName = QString()) {
    const QString what = "mcunet " + args.join(' ') + ": ";
    if (r.code != 0 && r.code != 2) return what + QString("exit %1 (%2)").arg(r.code).arg(r.err.left(300));
    if (r.err.contains("internal error")) return what + r.err.left(300);
    if (r.code == 2) {
        if (!r.err.contains("mcunet " + args.front() + ": error: ")) return what + "no error prefix: " + r.err.left(300);
        if (!mustName.isEmpty() && !r.err.contains(mustName)) return what + "does not name " + mustName + ": " + r.err.left(300);
    }
    return {};
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

void writeAll(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes; }

}  // namespace

class TestHostileCommands : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path dir(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        QCOMPARE(run({"preset", "mcunet-vww1", "--out", QString::fromStdString(dir("arch.json").string())}).code, 0);
        QCOMPARE(run({"codegen", "--preset", "mcunet-vww1", "--seed", "1", "--board", "virtual-m7", "--out",
                      QString::fromStdString(dir("project").string())})
                     .code,
                 0);
        writeAll(dir("input.bin"), std::string(80 * 80 * 3, '\0'));
    }

    // cost, codegen and export-tflite read an architecture file: 300
    // mutations, every command on each.
    void mutatedArchitecture() {
        const fs::path arch = dir("arch.json"), mutated = dir("mutated.json");
        const std::string original = readAll(arch);
        std::mt19937_64 rng(14);
        const QString file = QString::fromStdString(mutated.string());
        int refused = 0;
        for (int i = 0; i < 150; ++i) {
            writeAll(mutated, mcunet::testing::mutate(original, rng));
            QList<QStringList> commands = {{"cost", file, "--board", "virtual-m7", "--json"}};
            if (i % 5 == 0) {
                commands.append({"codegen", file, "--seed", "1", "--board", "virtual-m7", "--out",
                                 QString::fromStdString(dir("gen").string())});
                commands.append({"export-tflite", file, "--seed", "1", "--out", QString::fromStdString(dir("x.tflite").string())});
            }
            for (const QStringList& args : commands) {
                const Result r = run(args);
                const QString problem = verdict(r, args, "mutated.json");
                if (!problem.isEmpty()) QFAIL(qPrintable(QString("mutation %1: %2").arg(i).arg(problem)));
                refused += r.code == 2;
            }
        }
        QVERIFY(refused > 50);
    }

    // run, build and flash read a generated project's plan.json: every
    // mutation is refused before any compiler starts, or accepted and run.
    void mutatedPlan() {
        const fs::path plan = dir("project") / "plan.json";
        const std::string original = readAll(plan);
        std::mt19937_64 rng(15);
        int refused = 0;
        for (int i = 0; i < 30; ++i) {
            writeAll(plan, mcunet::testing::mutate(original, rng));
            const QStringList args = {"run", QString::fromStdString(dir("project").string()), "--input",
                                      QString::fromStdString(dir("input.bin").string())};
            const Result r = run(args, 180);
            const QString problem = verdict(r, args, "plan.json");
            if (!problem.isEmpty()) QFAIL(qPrintable(QString("mutation %1: %2").arg(i).arg(problem)));
            refused += r.code == 2;
        }
        writeAll(plan, original);
        QVERIFY(refused > 12);
    }

    // Every file-taking command given a path that is not a readable file of
    // its kind.
    void oddPaths() {
        const fs::path fifo = dir("fifo"), empty = dir("empty.json"), huge = dir("huge.json");
        QCOMPARE(mkfifo(fifo.c_str(), 0600), 0);
        writeAll(empty, "");
        {
            std::ofstream out(huge, std::ios::binary);
            const std::string block(1 << 20, ' ');
            for (int i = 0; i < 20; ++i) out << block;  // 20 MB of whitespace: over every reader's cap
        }
        const QString project = QString::fromStdString(dir("project").string());
        const QStringList paths = {QString::fromStdString(dir("missing.json").string()), QString::fromStdString(tmp_.path().toStdString()),
                                   "/dev/zero", QString::fromStdString(fifo.string()), QString::fromStdString(empty.string()),
                                   QString::fromStdString(huge.string())};
        for (const QString& path : paths) {
            const QList<QStringList> commands = {
                {"cost", path, "--board", "virtual-m7"},
                {"codegen", path, "--seed", "1", "--board", "virtual-m7", "--out", QString::fromStdString(dir("g2").string())},
                {"export-tflite", path, "--seed", "1", "--out", QString::fromStdString(dir("y.tflite").string())},
                {"codegen", "--model", path, "--board", "virtual-m7", "--out", QString::fromStdString(dir("g3").string())},
                {"run", path, "--input", QString::fromStdString(dir("input.bin").string())},
                {"run", project, "--input", path},
                {"profile", "--board", "virtual-m7", "--input", path},
                {"flash", path, "--board", "virtual-m7"},
            };
            for (const QStringList& args : commands) {
                const Result r = run(args, 30);
                QVERIFY2(r.code == 2, qPrintable("mcunet " + args.join(' ') + ": exit " + QString::number(r.code) + " " + r.err.left(300)));
                const QString problem = verdict(r, args);
                QVERIFY2(problem.isEmpty(), qPrintable(problem));
            }
        }
    }

    // run and build on a project in a read-only folder: a message naming the
    // build folder (was "internal error: filesystem error"). Needs a
    // read-only mount (root); skipped where mounting is not allowed.
    void readOnlyProject() {
        const fs::path mnt = dir("ro");
        fs::create_directories(mnt);
        auto sh = [](const std::string& cmd) { return QProcess::execute("sh", {"-c", QString::fromStdString(cmd)}); };
        if (sh("mount -t tmpfs tmpfs '" + mnt.string() + "' 2>/dev/null") != 0) QSKIP("cannot mount a tmpfs here (not root)");
        const int copied = sh("cp -r '" + dir("project").string() + "' '" + (mnt / "p").string() + "' && mount -o remount,ro '" +
                              mnt.string() + "'");
        const QString project = QString::fromStdString((mnt / "p").string());
        const QList<QStringList> commands = {{"run", project, "--input", QString::fromStdString(dir("input.bin").string())},
                                             {"build", project, "--board", "virtual-m7"}};
        QList<Result> results;
        if (copied == 0)
            for (const QStringList& args : commands) results.append(run(args, 60));
        sh("umount '" + mnt.string() + "'");
        QCOMPARE(copied, 0);
        for (int i = 0; i < commands.size(); ++i) {
            QVERIFY2(results[i].code == 2, qPrintable(commands[i].join(' ') + ": " + results[i].err));
            QVERIFY2(verdict(results[i], commands[i], "build-").isEmpty(), qPrintable(results[i].err));
        }
    }

    // Outputs that cannot be written: a directory, a missing folder, a full
    // device, an empty name. The message names the output; nothing is half-written.
    void unwritableOutputs() {
        const QStringList outs = {QString::fromStdString(tmp_.path().toStdString()),
                                  QString::fromStdString((dir("no") / "such" / "dir" / "a.json").string()), "/dev/full", ""};
        for (const QString& out : outs) {
            const QList<QStringList> commands = {{"preset", "mcunet-vww1", "--out", out},
                                                 {"export-tflite", "--preset", "mcunet-vww1", "--seed", "1", "--out", out}};
            for (const QStringList& args : commands) {
                const Result r = run(args, 30);
                QVERIFY2(r.code == 2, qPrintable("mcunet " + args.join(' ') + ": exit " + QString::number(r.code) + " " + r.err.left(300)));
                const QString problem = verdict(r, args);
                QVERIFY2(problem.isEmpty(), qPrintable(problem));
            }
        }
        const QStringList toFull = {"boards", "--json"};
        QProcess p;
        p.setStandardOutputFile("/dev/full");
        p.start(MCUNET_CLI_PATH, toFull);
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() != 0, "a full stdout must not exit 0");
    }
};

QTEST_GUILESS_MAIN(TestHostileCommands)
#include "test_hostile_commands.moc"
