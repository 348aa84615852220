#pragma once
// The recently opened projects (newest first, at most 8), kept in QSettings,
// and the File > Open Recent menu built from them.
#include <QObject>
#include <QStringList>

class QMenu;

namespace mcunet::ui {

class RecentFiles : public QObject {
    Q_OBJECT
public:
    static constexpr int kMax = 8;
    explicit RecentFiles(QObject* parent = nullptr);
    QStringList files() const { return files_; }
    void add(const QString& path);
    void remove(const QString& path);
    void clear();
    // Fills the menu (rebuilt on every change); triggering an entry emits openRequested.
    void attach(QMenu* menu);

signals:
    void openRequested(const QString& path);

private:
    void save();
    void rebuildMenu();
    QStringList files_;
    QMenu* menu_ = nullptr;
};

}  // namespace mcunet::ui
