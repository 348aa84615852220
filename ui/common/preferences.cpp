#include "common/preferences.h"

#include <algorithm>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <QSettings>
#include <QStringList>

namespace mcunet::ui::preferences {

namespace {

const char* const kTheme = "theme";
const char* const kBoard = "defaults/board";
const char* const kThreads = "training/threads";
const char* const kToolchain = "tools/toolchain";
const char* const kQemu = "tools/qemu";

// PATH as the process started (before any folder of ours went in front).
const QByteArray& originalPath() {
    static const QByteArray path = qgetenv("PATH");
    return path;
}

}  // namespace

QString theme() { return QSettings().value(QLatin1String(kTheme), QStringLiteral("system")).toString(); }
void setTheme(const QString& name) { QSettings().setValue(QLatin1String(kTheme), name); }

QString defaultBoard() { return QSettings().value(QLatin1String(kBoard)).toString(); }
void setDefaultBoard(const QString& id) { QSettings().setValue(QLatin1String(kBoard), id); }

int trainingThreads() { return std::clamp(QSettings().value(QLatin1String(kThreads), 0).toInt(), 0, 256); }
void setTrainingThreads(int threads) { QSettings().setValue(QLatin1String(kThreads), std::clamp(threads, 0, 256)); }

QString toolchainFolder() { return QSettings().value(QLatin1String(kToolchain)).toString(); }
QString qemuFolder() { return QSettings().value(QLatin1String(kQemu)).toString(); }

void setToolFolders(const QString& toolchain, const QString& qemu) {
    QSettings s;
    s.setValue(QLatin1String(kToolchain), toolchain);
    s.setValue(QLatin1String(kQemu), qemu);
    applyToolFolders();
}

void applyToolFolders() {
    QByteArray path = originalPath();
    for (const QString& folder : {qemuFolder(), toolchainFolder()})
        if (!folder.isEmpty() && QFileInfo(folder).isDir())
            path = QFile::encodeName(QDir::cleanPath(folder)) + (path.isEmpty() ? QByteArray() : ":" + path);
    qputenv("PATH", path);
}

QString findTool(const QString& program, const QString& folder, QString* why) {
    QStringList places;
    if (!folder.isEmpty()) {
        if (!QFileInfo(folder).isDir()) {
            if (why) *why = QObject::tr("%1 is not a folder").arg(QDir::toNativeSeparators(folder));
            return {};
        }
        places << folder;
    }
    for (const QString& p : QString::fromLocal8Bit(originalPath()).split(QLatin1Char(':'), Qt::SkipEmptyParts)) places << p;
    for (const QString& place : places) {
        const QFileInfo candidate(QDir(place).filePath(program));
        if (candidate.isFile() && candidate.isExecutable()) return candidate.absoluteFilePath();
    }
    if (why)
        *why = folder.isEmpty() ? QObject::tr("%1 is not on PATH").arg(program)
                                : QObject::tr("%1 is neither in %2 nor on PATH").arg(program, QDir::toNativeSeparators(folder));
    return {};
}

}  // namespace mcunet::ui::preferences
