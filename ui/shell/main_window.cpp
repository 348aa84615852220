#include "shell/main_window.h"

#include <algorithm>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QUndoStack>
#include <QUrl>
#include <QVBoxLayout>

#include "board/board.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "interop/tflite_export.h"
#include "deploy/deploy_view.h"
#include "live/demo_view.h"
#include "design/design_view.h"
#include "search/search_panel.h"
#include "search/train_search_view.h"
#include "document/autosaver.h"
#include "document/project_document.h"
#include "project/project.h"
#include "common/preferences.h"
#include "shell/guide_banner.h"
#include "shell/preferences_dialog.h"
#include "shell/recent_files.h"
#include "shell/status_totals.h"
#include "shell/theme.h"
#include "space/search_space_view.h"
#include "target/target_view.h"

namespace mcunet::ui {

MainWindow::MainWindow(board::Catalog catalog, QWidget* parent)
    : QMainWindow(parent), document_(new ProjectDocument(std::move(catalog), this)) {
    setAcceptDrops(true);
    prompts_.saveChanges = [this](const QString& name) {
        const auto b = QMessageBox::warning(this, tr("Unsaved changes"),
                                            tr("%1 has unsaved changes. Save them?").arg(name),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel,
                                            QMessageBox::Save);
        return b == QMessageBox::Save ? Prompts::SaveChoice::Save
               : b == QMessageBox::Discard ? Prompts::SaveChoice::Discard
                                           : Prompts::SaveChoice::Cancel;
    };
    prompts_.recover = [this](const QString& autosave) {
        return QMessageBox::question(this, tr("Recover unsaved work?"),
                                     tr("An autosave newer than the project was found:\n%1\n\nRecover it? (No opens "
                                        "the saved project and deletes the autosave.)")
                                         .arg(QDir::toNativeSeparators(autosave)),
                                     QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
    };
    prompts_.error = [this](const QString& title, const QString& message) {
        QMessageBox::warning(this, title, message);
    };
    prompts_.importReport = [this](const QString& file, const QString& report) {
        auto* box = new QMessageBox(QMessageBox::Information, tr("Imported %1").arg(file),
                                    tr("Every operator of %1 is supported: it opens in Design as a read-only network. "
                                       "The op coverage report is under Show Details.").arg(file),
                                    QMessageBox::Ok, this);
        box->setDetailedText(report);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    };

    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    target_ = new TargetView(document_);
    space_ = new SearchSpaceView(document_);
    trainSearch_ = new TrainSearchView(document_);
    design_ = new DesignView(document_);
    deploy_ = new DeployView(document_);
    demo_ = new DemoView(document_);
    tabs_->addTab(target_, tr("1  Target"));
    tabs_->addTab(space_, tr("2  Search space"));
    tabs_->addTab(trainSearch_, tr("3  Train && search"));
    tabs_->addTab(design_, tr("4  Design"));
    tabs_->addTab(deploy_, tr("5  Deploy"));
    tabs_->addTab(demo_, tr("6  Demo"));
    tabs_->setTabToolTip(TargetStep, tr("The board and the memory limits"));
    tabs_->setTabToolTip(SearchSpaceStep, tr("TinyNAS stage 1: which (R, W) space fits the board best"));
    tabs_->setTabToolTip(TrainSearchStep, tr("TinyNAS stage 2 on your data: supernet, search, fine-tuning and the "
                                             "board; or train the design as it is"));
    tabs_->setTabToolTip(DesignStep, tr("Edit the network block by block, against the limits"));
    tabs_->setTabToolTip(DeployStep, tr("The memory plan and the per-layer estimate the code generator uses"));
    tabs_->setTabToolTip(DemoStep, tr("The trained model live on a camera or a video, on this computer or a virtual board; "
                                      "classroom mode (F11)"));
    guide_ = new GuideBanner;
    auto* central = new QWidget;
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(guide_);
    column->addWidget(tabs_, 1);
    setCentralWidget(central);
    guide_->setStep(0, tabs_->count());
    guide_->setVisible(!GuideBanner::hiddenInSettings());
    connect(tabs_, &QTabWidget::currentChanged, this, [this](int step) { guide_->setStep(step, tabs_->count()); });
    connect(guide_, &GuideBanner::nextRequested, this,
            [this] { tabs_->setCurrentIndex(std::min(tabs_->currentIndex() + 1, tabs_->count() - 1)); });
    connect(guide_, &GuideBanner::hideRequested, this, [this] { setGuideShown(false); });

    totals_ = new StatusTotals(document_);
    statusBar()->addPermanentWidget(totals_);
    recent_ = new RecentFiles(this);
    autosaver_ = new Autosaver(document_, 30000, this);
    connect(autosaver_, &Autosaver::autosaved, this,
            [this](const QString& path) { statusBar()->showMessage(tr("Autosaved to %1").arg(path), 3000); });
    connect(autosaver_, &Autosaver::failed, this,
            [this](const QString& message) { statusBar()->showMessage(tr("Autosave failed: %1").arg(message), 8000); });
    connect(recent_, &RecentFiles::openRequested, this, [this](const QString& path) {
        if (maybeSave()) openProject(path);
    });
    connect(space_, &SearchSpaceView::designRequested, this, [this] { showStep(DesignStep); });
    connect(trainSearch_->searchPanel(), &SearchPanel::designRequested, this, [this](const QString& note) {
        design_->showOrigin(document_->project().architecture, note);
        showStep(DesignStep);
    });
    connect(trainSearch_->searchPanel(), &SearchPanel::deployRequested, this, [this] { showStep(DeployStep); });
    connect(design_, &DesignView::editRefused, this,
            [this](const QString& message) { statusBar()->showMessage(tr("Not applied: %1").arg(message), 8000); });
    connect(document_, &ProjectDocument::modifiedChanged, this, &MainWindow::updateTitle);
    connect(document_, &ProjectDocument::filePathChanged, this, &MainWindow::updateTitle);
    connect(document_, &ProjectDocument::projectReplaced, this, &MainWindow::updateTitle);
    buildMenus();
    readSettings();
    updateTitle();
}

MainWindow::~MainWindow() = default;

QString MainWindow::demoProjectPath() {
    return QDir(QString::fromStdString(board::resourceDir())).filePath(QStringLiteral("projects/demo.mcuproj"));
}

void MainWindow::showStep(Step s) { tabs_->setCurrentIndex(static_cast<int>(s)); }

PreferencesDialog* MainWindow::showPreferences(bool modal) {
    auto* dialog = new PreferencesDialog(document_->catalog(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this] {
        for (QAction* a : themeGroup_->actions()) a->setChecked(a->data().toString() == preferences::theme());
    });
    if (modal) dialog->open();
    return dialog;
}

void MainWindow::setGuideShown(bool shown) {
    GuideBanner::setHiddenInSettings(!shown);
    guide_->setVisible(shown);
    if (shown) guide_->setStep(tabs_->currentIndex(), tabs_->count());
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New (demo project)"), QKeySequence::New, this, [this] {
        if (maybeSave()) newProject();
    });
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
        if (!maybeSave()) return;
        const QString dir = document_->filePath().isEmpty() ? QDir::homePath()
                                                            : QFileInfo(document_->filePath()).absolutePath();
        const QString path = QFileDialog::getOpenFileName(this, tr("Open project"), dir,
                                                          tr("MCUNet Studio project (*.mcuproj)"));
        if (!path.isEmpty()) openProject(path);
    });
    recent_->attach(file->addMenu(tr("Open &Recent")));
    file->addAction(tr("&Import .tflite…"), this, [this] {
        if (!maybeSave()) return;
        const QString path = QFileDialog::getOpenFileName(this, tr("Import a TF Lite model"), QDir::homePath(),
                                                          tr("TF Lite model (*.tflite)"));
        if (!path.isEmpty()) importTflite(path);
    });
    exportTflite_ = file->addAction(tr("&Export .tflite…"), this, [this] {
        const QString base = document_->filePath().isEmpty() ? QDir::home().filePath(document_->displayName())
                                                             : QFileInfo(document_->filePath()).absoluteDir().filePath(QFileInfo(document_->filePath()).completeBaseName());
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the int8 model as TF Lite"), base + QStringLiteral(".tflite"),
                                                          tr("TF Lite model (*.tflite)"));
        if (!path.isEmpty()) exportTflite(path);
    });
    connect(file, &QMenu::aboutToShow, this, [this] {
        QString why;
        exportTflite_->setEnabled(document_->int8Model(&why).has_value());
        exportTflite_->setToolTip(why);
    });
    file->setToolTipsVisible(true);
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] { save(); });
    file->addAction(tr("Save &As…"), QKeySequence::SaveAs, this, [this] { saveAs(); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = document_->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcuts(QKeySequence::Undo);
    QAction* redo = document_->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    QAction* prefs = edit->addAction(tr("&Preferences..."), this, [this] { showPreferences(); });
    prefs->setShortcut(QKeySequence::Preferences);
    prefs->setMenuRole(QAction::PreferencesRole);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // One entry per step, in the tabs' order (Ctrl+1 .. Ctrl+6).
    const std::pair<Step, QString> steps[] = {{TargetStep, tr("&Target")},       {SearchSpaceStep, tr("&Search space")},
                                              {TrainSearchStep, tr("T&rain && search")}, {DesignStep, tr("&Design")},
                                              {DeployStep, tr("De&ploy")},      {DemoStep, tr("D&emo")}};
    for (const auto& [step, name] : steps)
        view->addAction(name, QKeySequence(Qt::CTRL | (Qt::Key_1 + int(step))), this, [this, step] { showStep(step); });
    view->addSeparator();
    QMenu* theme = view->addMenu(tr("T&heme"));
    auto* group = new QActionGroup(this);
    themeGroup_ = group;
    const Theme current = themeFromString(preferences::theme());
    for (Theme t : {Theme::System, Theme::Light, Theme::Dark}) {
        QAction* a = theme->addAction(t == Theme::System ? tr("Follow the system") : t == Theme::Light ? tr("Light") : tr("Dark"));
        a->setCheckable(true);
        a->setChecked(t == current);
        group->addAction(a);
        a->setData(themeName(t));
        connect(a, &QAction::triggered, this, [t] {
            preferences::setTheme(themeName(t));
            applyTheme(t);
        });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    const auto openDoc = [this](const QString& name) {
        const QString path = QDir(QString::fromStdString(board::documentationDir())).filePath(name);
        if (!QFileInfo::exists(path))
            QMessageBox::warning(this, tr("Documentation"),
                                 tr("%1 is missing: reinstall the mcunet-studio package.").arg(QDir::toNativeSeparators(path)));
        else if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
            QMessageBox::information(this, tr("Documentation"),
                                     tr("No program here opens it; the file is %1.").arg(QDir::toNativeSeparators(path)));
    };
    help->addAction(tr("Show the &guide"), this, [this] { setGuideShown(true); });
    help->addAction(tr("&Tutorial"), this, [openDoc] { openDoc(QStringLiteral("tutorial.md")); });
    help->addAction(tr("&Documentation"), this, [openDoc] { openDoc(QStringLiteral("README.md")); });
    help->addSeparator();
    help->addAction(tr("&About MCUNet Studio"), this, [this] {
        QMessageBox::about(this, tr("About MCUNet Studio"),
                           tr("<b>MCUNet Studio</b> %1<br>Design neural networks that fit microcontrollers: TinyNAS "
                              "(search-space optimization, search) and TinyEngine (whole-network memory planning, "
                              "code generation), after Lin et al., NeurIPS 2020.<br><br>Resources: %2<br>Documentation: %3")
                               .arg(QApplication::applicationVersion().toHtmlEscaped(),
                                    QString::fromStdString(board::resourceDir()).toHtmlEscaped(),
                                    QString::fromStdString(board::documentationDir()).toHtmlEscaped()));
    });
}

void MainWindow::updateTitle() {
    setWindowTitle(QStringLiteral("%1[*] — MCUNet Studio").arg(document_->displayName()));
    setWindowModified(document_->isModified());
}

QString MainWindow::setAside(const QString& file) {
    const QString aside = file + QStringLiteral(".corrupt-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    if (!QFile::rename(file, aside)) {
        QFile::remove(file);
        return tr("(removed: it could not be renamed)");
    }
    return aside;
}

void MainWindow::reportError(const QString& title, const QString& message) {
    statusBar()->showMessage(message, 10000);
    if (prompts_.error) prompts_.error(title, message);
}

bool MainWindow::openProject(const QString& path) {
    QString error;
    const std::string projectPath = QFileInfo(path).absoluteFilePath().toStdString();
    bool ok = false;
    if (QFileInfo::exists(path) && project::hasNewerAutosave(projectPath)) {
        const QString autosave = QString::fromStdString(project::autosavePath(projectPath));
        if (prompts_.recover && prompts_.recover(autosave)) {
            QString recoverError;
            ok = document_->recover(path, autosave, &recoverError);
            if (ok) {
                statusBar()->showMessage(tr("Recovered unsaved work from %1").arg(autosave), 8000);
            } else {
                // A corrupt autosave is set aside (never deleted, never offered
                // again) and the saved project opens.
                reportError(tr("Cannot recover"), tr("%1\n\nThe autosave was set aside as %2; the saved project opens instead.")
                                                      .arg(recoverError, QDir::toNativeSeparators(setAside(autosave))));
            }
        } else {
            QFile::remove(autosave);
        }
    }
    if (!ok) ok = document_->load(path, &error);
    if (!ok) {
        reportError(tr("Cannot open project"), error);
        return false;
    }
    recent_->add(path);
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::importTflite(const QString& path) {
    QString error;
    if (!document_->importTflite(path, &error)) {
        reportError(tr("Cannot import %1").arg(QFileInfo(path).fileName()), error);
        return false;
    }
    showStep(DesignStep);
    if (prompts_.importReport) prompts_.importReport(QFileInfo(path).fileName(), document_->importReport());
    statusBar()->showMessage(
        tr("Imported %1: save it as a project to keep it").arg(QDir::toNativeSeparators(document_->importedModelPath())),
        8000);
    return true;
}

bool MainWindow::exportTflite(const QString& path) {
    QString why;
    const std::optional<quant::QuantizedModel> model = document_->int8Model(&why);
    if (!model) {
        reportError(tr("Nothing to export"), tr("No int8 model to export: %1.").arg(why));
        return false;
    }
    try {
        const std::vector<std::uint8_t> bytes =
            interop::exportTflite(*model, document_->displayName().toStdString() + " (MCUNet Studio)");
        atomic_file::writeText(path.toStdString(), std::string(bytes.begin(), bytes.end()));
    } catch (const std::exception& e) {
        reportError(tr("Cannot export"), QString::fromStdString(e.what()));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 6000);
    return true;
}

void MainWindow::newProject() {
    project::Project p = project::demoProject();
    try {
        p = project::load(demoProjectPath().toStdString());
    } catch (const Error& e) {
        statusBar()->showMessage(tr("Demo project not found (%1); using the built-in one").arg(QString::fromStdString(e.what())), 8000);
    }
    // Preferences: the board new projects start on (a board no longer in the catalog is ignored).
    const std::string board = preferences::defaultBoard().toStdString();
    if (!board.empty() && board != p.target.boardId && document_->catalog().find(board)) {
        p.target.boardId = board;
        p.target.sramLimitBytes.reset();
        p.target.flashLimitBytes.reset();
        p.lastSpaceChoice.reset();
    }
    document_->reset(p);
    const QString untitled = ProjectDocument::untitledAutosaveFile();
    if (QFileInfo::exists(untitled) && prompts_.recover && prompts_.recover(untitled)) {
        QString error;
        if (!document_->recover(QString(), untitled, &error))
            reportError(tr("Cannot recover"), tr("%1\n\nThe autosave was set aside as %2.")
                                                  .arg(error, QDir::toNativeSeparators(setAside(untitled))));
    }
}

bool MainWindow::save() {
    if (document_->filePath().isEmpty()) return saveAs();
    QString error;
    if (!document_->save(document_->filePath(), &error)) {
        reportError(tr("Cannot save project"), error);
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(document_->filePath())), 4000);
    return true;
}

bool MainWindow::saveAs(const QString& given) {
    QString path = given;
    if (path.isEmpty()) {
        const QString dir = document_->filePath().isEmpty() ? QDir::homePath() : QFileInfo(document_->filePath()).absolutePath();
        path = QFileDialog::getSaveFileName(this, tr("Save project"),
                                            QDir(dir).filePath(QString::fromStdString(document_->project().name) +
                                                               QStringLiteral(".mcuproj")),
                                            tr("MCUNet Studio project (*.mcuproj)"));
        if (path.isEmpty()) return false;
    }
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".mcuproj");
    QString error;
    if (!document_->save(path, &error)) {
        reportError(tr("Cannot save project"), error);
        return false;
    }
    recent_->add(path);
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::maybeSave() {
    if (!document_->isModified()) return true;
    const Prompts::SaveChoice c =
        prompts_.saveChanges ? prompts_.saveChanges(document_->displayName()) : Prompts::SaveChoice::Discard;
    if (c == Prompts::SaveChoice::Cancel) return false;
    if (c == Prompts::SaveChoice::Save) return save();
    document_->removeAutosave();
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    writeSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && (url.toLocalFile().endsWith(QLatin1String(".mcuproj")) ||
                                  url.toLocalFile().endsWith(QLatin1String(".tflite")))) {
            event->acceptProposedAction();
            return;
        }
}

void MainWindow::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile() && url.toLocalFile().endsWith(QLatin1String(".mcuproj"))) {
            event->acceptProposedAction();
            if (maybeSave()) openProject(url.toLocalFile());
            return;
        } else if (url.isLocalFile() && url.toLocalFile().endsWith(QLatin1String(".tflite"))) {
            event->acceptProposedAction();
            if (maybeSave()) importTflite(url.toLocalFile());
            return;
        }
}

void MainWindow::readSettings() {
    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) resize(1600, 1000);
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
}

void MainWindow::writeSettings() {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
}

}  // namespace mcunet::ui
