#pragma once
// The studio's one project window: menus, the steps as tabs left to right
// (Target, Search space, Design, Deploy; Search and Demo join later), the
// status bar's live totals, recent projects, drag and drop, autosave with
// recovery, window state in QSettings. It wires views to the ProjectDocument
// and does no work of its own.
#include <functional>

#include <QMainWindow>

#include "board/board.h"

class QAction;
class QActionGroup;
class QTabWidget;
class QMenu;

namespace mcunet::ui {

class ProjectDocument;
class Autosaver;
class RecentFiles;
class StatusTotals;
class TargetView;
class SearchSpaceView;
class DesignView;
class TrainSearchView;
class DeployView;
class DemoView;
class GuideBanner;
class PreferencesDialog;

// Questions the window asks the user; tests replace them with scripted answers.
struct Prompts {
    enum class SaveChoice { Save, Discard, Cancel };
    std::function<SaveChoice(const QString& name)> saveChanges;
    std::function<bool(const QString& autosavePath)> recover;
    std::function<void(const QString& title, const QString& message)> error;
    // After an import: the op coverage report (a dialog; tests record it).
    std::function<void(const QString& file, const QString& report)> importReport;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum Step { TargetStep, SearchSpaceStep, TrainSearchStep, DesignStep, DeployStep, DemoStep };
    explicit MainWindow(board::Catalog catalog, QWidget* parent = nullptr);
    ~MainWindow() override;

    ProjectDocument* document() const { return document_; }
    TargetView* targetView() const { return target_; }
    SearchSpaceView* searchSpaceView() const { return space_; }
    TrainSearchView* trainSearchView() const { return trainSearch_; }
    DesignView* designView() const { return design_; }
    DeployView* deployView() const { return deploy_; }
    DemoView* demoView() const { return demo_; }
    QTabWidget* steps() const { return tabs_; }
    GuideBanner* guide() const { return guide_; }
    // The first-run guide shown (and remembered as not hidden) or hidden for good.
    void setGuideShown(bool shown);
    // Edit > Preferences (deleted when closed); `modal`: opened as a sheet.
    PreferencesDialog* showPreferences(bool modal = true);
    Autosaver* autosaver() const { return autosaver_; }
    StatusTotals* statusTotals() const { return totals_; }
    void setPrompts(Prompts p) { prompts_ = std::move(p); }
    void showStep(Step s);

    // Opens a project file; on failure reports it and keeps the open project.
    bool openProject(const QString& path);
    // File > Import .tflite: the model as a new unsaved project, shown in Design.
    bool importTflite(const QString& path);
    // File > Export .tflite: the project's int8 model (imported, or trained
    // for the design) as a standard .tflite file; false with a dialog when
    // there is none.
    bool exportTflite(const QString& path);
    // The demo project (resources/projects/demo.mcuproj) as an untitled copy.
    void newProject();
    bool save();
    bool saveAs(const QString& path = QString());
    static QString demoProjectPath();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildMenus();
    bool maybeSave();
    void updateTitle();
    void reportError(const QString& title, const QString& message);
    // Renames a file that cannot be used to FILE.corrupt-<time>; returns the new name.
    QString setAside(const QString& file);
    void readSettings();
    void writeSettings();

    ProjectDocument* document_;
    Autosaver* autosaver_;
    RecentFiles* recent_;
    StatusTotals* totals_;
    QTabWidget* tabs_;
    TargetView* target_;
    SearchSpaceView* space_;
    TrainSearchView* trainSearch_ = nullptr;
    DesignView* design_;
    DeployView* deploy_;
    DemoView* demo_;
    GuideBanner* guide_;
    QActionGroup* themeGroup_ = nullptr;
    QAction* exportTflite_ = nullptr;
    Prompts prompts_;
};

}  // namespace mcunet::ui
