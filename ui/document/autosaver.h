#pragma once
// Writes the open project to its autosave file (project::autosavePath, or the
// app data folder while untitled) every interval while it has unsaved changes.
// Saving removes the autosave; opening a project with a newer autosave offers
// to recover it (MainWindow).
#include <QObject>
#include <QTimer>

namespace mcunet::ui {

class ProjectDocument;

class Autosaver : public QObject {
    Q_OBJECT
public:
    Autosaver(ProjectDocument* document, int intervalMs, QObject* parent = nullptr);
    void setInterval(int ms) { timer_.setInterval(ms); }
    int interval() const { return timer_.interval(); }
    // Writes now if there is anything unsaved; returns whether a file was written.
    bool autosaveNow();

signals:
    void autosaved(const QString& path);
    void failed(const QString& message);

private:
    ProjectDocument* document_;
    QTimer timer_;
};

}  // namespace mcunet::ui
