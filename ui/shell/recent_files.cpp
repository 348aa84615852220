#include "shell/recent_files.h"

#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace mcunet::ui {

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {
    files_ = QSettings().value(QStringLiteral("recentProjects")).toStringList();
}

void RecentFiles::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    files_.removeAll(absolute);
    files_.prepend(absolute);
    while (files_.size() > kMax) files_.removeLast();
    save();
}

void RecentFiles::remove(const QString& path) {
    files_.removeAll(QFileInfo(path).absoluteFilePath());
    save();
}

void RecentFiles::clear() {
    files_.clear();
    save();
}

void RecentFiles::attach(QMenu* menu) {
    menu_ = menu;
    rebuildMenu();
}

void RecentFiles::save() {
    QSettings().setValue(QStringLiteral("recentProjects"), files_);
    rebuildMenu();
}

void RecentFiles::rebuildMenu() {
    if (!menu_) return;
    menu_->clear();
    int n = 0;
    for (const QString& f : files_) {
        ++n;
        const QString label = QStringLiteral("&%1  %2   (%3)")
                                  .arg(n)
                                  .arg(QFileInfo(f).fileName(), QDir::toNativeSeparators(QFileInfo(f).absolutePath()));
        menu_->addAction(label, this, [this, f] { emit openRequested(f); });
    }
    if (files_.isEmpty()) menu_->addAction(tr("No recent projects"))->setEnabled(false);
    menu_->addSeparator();
    QAction* clearAction = menu_->addAction(tr("Clear list"), this, &RecentFiles::clear);
    clearAction->setEnabled(!files_.isEmpty());
}

}  // namespace mcunet::ui
