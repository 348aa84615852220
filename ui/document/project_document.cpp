#include "document/project_document.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUndoStack>

#include "common/error.h"
#include "document/edit_command.h"
#include "interop/tflite_import.h"
#include "quant/model_dir.h"
#include "train/trained_model_info.h"

namespace mcunet::ui {

ProjectDocument::ProjectDocument(board::Catalog catalog, QObject* parent)
    : QObject(parent), catalog_(std::move(catalog)), undo_(new QUndoStack(this)) {
    connect(undo_, &QUndoStack::cleanChanged, this, [this] { emit modifiedChanged(isModified()); });
    project_ = project::demoProject();
    if (!catalog_.find(project_.target.boardId) && !catalog_.boards().empty())
        project_.target.boardId = catalog_.boards().front().id;
    recompute();
}

ProjectDocument::~ProjectDocument() = default;

const board::Board& ProjectDocument::board() const { return catalog_.byId(project_.target.boardId); }

space::Constraints ProjectDocument::limits() const { return project::limits(project_, board()); }

memory::Planner ProjectDocument::planner() const { return memory::parsePlanner(project_.planner); }

QString ProjectDocument::displayName() const {
    return filePath_.isEmpty() ? QString::fromStdString(project_.name) + tr(" (unsaved)") : QFileInfo(filePath_).fileName();
}

bool ProjectDocument::isModified() const { return dirty_ || !undo_->isClean(); }

QString ProjectDocument::untitledAutosaveFile() {
    QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (dir.isEmpty()) dir = QDir::tempPath();
    return QDir(dir).filePath(QStringLiteral("untitled.mcuproj.autosave"));
}

QString ProjectDocument::autosaveFile() const {
    if (filePath_.isEmpty()) return untitledAutosaveFile();
    return QString::fromStdString(project::autosavePath(filePath_.toStdString()));
}

namespace {
project::Project readChecked(const QString& path, const board::Catalog& catalog) {
    project::Project p = project::load(path.toStdString());
    try {
        project::checkAgainst(p, catalog);
        arch::validate(p.architecture);
    } catch (const Error& e) {
        throw Error(path.toStdString() + ": " + e.what());
    }
    return p;
}
}  // namespace

bool ProjectDocument::load(const QString& path, QString* error) {
    try {
        project::Project p = readChecked(path, catalog_);
        install(std::move(p), QFileInfo(path).absoluteFilePath());
        return true;
    } catch (const Error& e) {
        if (error) *error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        if (error) *error = path + QStringLiteral(": ") + QString::fromStdString(e.what());
    }
    return false;
}

bool ProjectDocument::recover(const QString& projectPath, const QString& autosavePath, QString* error) {
    try {
        project::Project p = readChecked(autosavePath, catalog_);
        install(std::move(p), projectPath.isEmpty() ? QString() : QFileInfo(projectPath).absoluteFilePath());
        setDirty(true);
        return true;
    } catch (const Error& e) {
        if (error) *error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        if (error) *error = autosavePath + QStringLiteral(": ") + QString::fromStdString(e.what());
    }
    return false;
}

bool ProjectDocument::save(const QString& path, QString* error) {
    try {
        project::Project p = project_;
        if (p.name.empty() || p.name == "untitled" || (filePath_.isEmpty() && p.name == "demo"))
            p.name = QFileInfo(path).completeBaseName().toStdString();
        project::save(p, path.toStdString());
        const QString previousAutosave = autosaveFile();
        project_.name = p.name;
        const QString absolute = QFileInfo(path).absoluteFilePath();
        const bool moved = absolute != filePath_;
        filePath_ = absolute;
        QFile::remove(previousAutosave);
        removeAutosave();
        undo_->setClean();
        setDirty(false);
        emit modifiedChanged(false);
        if (moved) emit filePathChanged(filePath_);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool ProjectDocument::writeAutosave(QString* error) {
    const QString path = autosaveFile();
    try {
        QDir().mkpath(QFileInfo(path).absolutePath());
        project::save(project_, path.toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

void ProjectDocument::removeAutosave() const { QFile::remove(autosaveFile()); }

void ProjectDocument::reset(const project::Project& p, const QString& path) { install(p, path); }

void ProjectDocument::install(project::Project p, const QString& path) {
    project_ = std::move(p);
    const bool moved = path != filePath_;
    filePath_ = path;
    readImported();
    undo_->clear();
    undo_->setClean();
    dirty_ = false;
    recompute();
    emit projectReplaced();
    emit architectureChanged();
    emit targetChanged();
    emit spaceSettingsChanged();
    emit plannerChanged();
    emit spaceChoiceChanged();
    emit trainedModelChanged();
    emit analysisChanged();
    emit modifiedChanged(false);
    if (moved) emit filePathChanged(filePath_);
}

bool ProjectDocument::push(project::Project after, const QString& text, MergeKey merge, QString* error) {
    try {
        arch::validate(after.architecture);
        project::checkAgainst(after, catalog_);
        memory::parsePlanner(after.planner);
    } catch (const Error& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    if (after == project_) return true;
    undo_->push(new EditCommand(this, project_, std::move(after), text, merge));
    return true;
}

bool ProjectDocument::editArchitecture(const arch::Architecture& a, const QString& text, MergeKey merge,
                                       QString* error) {
    // An imported network is the file's graph: a designed architecture would
    // change nothing visible, yet mark the project modified and be saved.
    if (isImported()) {
        if (error) *error = tr("the network is an imported .tflite (read-only); File > New starts a design");
        return false;
    }
    project::Project after = project_;
    after.architecture = a;
    return push(std::move(after), text, merge, error);
}

bool ProjectDocument::editTarget(const project::Target& t, const QString& text, MergeKey merge, QString* error) {
    project::Project after = project_;
    after.target = t;
    return push(std::move(after), text, merge, error);
}

void ProjectDocument::editSpaceSettings(const project::SpaceSettings& s, const QString& text) {
    project::Project after = project_;
    after.space = s;
    push(std::move(after), text, MergeKey::SpaceSettings, nullptr);
}

void ProjectDocument::editPlanner(memory::Planner p) {
    project::Project after = project_;
    after.planner = memory::plannerName(p);
    push(std::move(after), tr("Planner %1").arg(QString::fromLatin1(memory::plannerName(p))), MergeKey::None, nullptr);
}

void ProjectDocument::editTrainedModel(const QString& directory, const QString& text) {
    project::Project after = project_;
    after.trainedModel = directory.toStdString();
    push(std::move(after), text, MergeKey::None, nullptr);
}

QString ProjectDocument::importedModelPath() const {
    if (project_.importedModel.empty()) return {};
    const QString path = QString::fromStdString(project_.importedModel);
    if (QFileInfo(path).isAbsolute() || filePath_.isEmpty()) return QFileInfo(path).absoluteFilePath();
    return QFileInfo(QFileInfo(filePath_).absoluteDir(), path).absoluteFilePath();
}

// Reads the project's .tflite (a small file read once, when the project is
// installed); a file that went missing or no longer imports is kept as a
// message and the project still opens, showing it.
void ProjectDocument::readImported() {
    imported_.reset();
    importProblem_.clear();
    if (project_.importedModel.empty()) return;
    try {
        imported_ = std::make_shared<const quant::QuantizedModel>(
            interop::loadTfliteModel(importedModelPath().toStdString()));
    } catch (const std::exception& e) {
        importProblem_ = QString::fromStdString(e.what());
    }
}

bool ProjectDocument::importTflite(const QString& path, QString* error) {
    const QString absolute = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    QString report;
    try {
        const interop::TfliteImport imported = interop::importTfliteFile(absolute.toStdString());
        report = QString::fromStdString(interop::tflite::coverageText(imported.coverage));
        interop::requireModel(imported);  // refused here, before anything changes
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    importReport_ = report;
    project::Project p = project_;
    p.name = interop::importedModelName(absolute.toStdString());
    p.importedModel = absolute.toStdString();
    p.trainedModel.clear();
    p.lastSpaceChoice.reset();
    install(std::move(p), QString());
    return true;
}

std::optional<quant::QuantizedModel> ProjectDocument::int8Model(QString* why) const {
    try {
        if (isImported()) {
            if (imported_) return *imported_;
            if (why) *why = importProblem_;
            return std::nullopt;
        }
        const QString dir = trainedModelDirectory();
        if (dir.isEmpty()) {
            if (why) *why = tr("the network has no trained weights yet: train it (Train & search) or import a .tflite");
            return std::nullopt;
        }
        quant::TrainedModel m = quant::loadTrainedModel(dir.toStdString());
        if (!m.network.isArchitecture() || !architectureDifferences(m.network.architecture(), project_.architecture).empty()) {
            if (why) *why = tr("the design is not the trained network (edited after training): train it again");
            return std::nullopt;
        }
        return std::move(m.int8);
    } catch (const std::exception& e) {
        if (why) *why = QString::fromStdString(e.what());
        return std::nullopt;
    }
}

QString ProjectDocument::trainedModelDirectory() const {
    if (project_.trainedModel.empty()) return {};
    const QString path = QString::fromStdString(project_.trainedModel);
    if (QFileInfo(path).isAbsolute() || filePath_.isEmpty()) return QFileInfo(path).absoluteFilePath();
    return QFileInfo(QFileInfo(filePath_).absoluteDir(), path).absoluteFilePath();
}

void ProjectDocument::recordSpaceChoice(const project::SpaceChoice& c) {
    if (project_.lastSpaceChoice && *project_.lastSpaceChoice == c) return;
    // A cache of what the project's own settings give (stage 1 is seeded and
    // deterministic): kept with the next save, but no reason to ask for one.
    project_.lastSpaceChoice = c;
    emit spaceChoiceChanged();
}

QString ProjectDocument::workFolder(const QString& kind) const {
    if (!filePath_.isEmpty()) {
        const QFileInfo project(filePath_);
        return project.absoluteDir().filePath(project.completeBaseName() + QLatin1Char('-') + kind);
    }
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).filePath(kind);
}

void ProjectDocument::recordSearchRun(const QString& directory) {
    const std::string run = directory.toStdString();
    if (project_.searchRun == run) return;
    project_.searchRun = run;
    setDirty(true);
    emit searchRunChanged();
}

QString ProjectDocument::searchRunDirectory() const {
    if (project_.searchRun.empty()) return {};
    const QString path = QString::fromStdString(project_.searchRun);
    if (QFileInfo(path).isAbsolute() || filePath_.isEmpty()) return QFileInfo(path).absoluteFilePath();
    return QFileInfo(QFileInfo(filePath_).absoluteDir(), path).absoluteFilePath();
}

bool ProjectDocument::adoptSearchResult(const arch::Architecture& a, const QString& modelDirectory, const QString& text,
                                        QString* error) {
    project::Project after = project_;
    after.architecture = a;
    after.trainedModel = modelDirectory.toStdString();
    return push(std::move(after), text, MergeKey::None, error);
}

void ProjectDocument::apply(const project::Project& p) {
    const bool archChanged = !(p.architecture == project_.architecture);
    const bool targetChangedNow = !(p.target == project_.target);
    const bool spaceChanged = !(p.space == project_.space);
    const bool plannerChangedNow = p.planner != project_.planner;
    const bool trainedChanged = p.trainedModel != project_.trainedModel;
    const auto choice = project_.lastSpaceChoice;  // recorded results are not part of edits
    const std::string run = project_.searchRun;
    project_ = p;
    project_.lastSpaceChoice = choice;
    project_.searchRun = run;
    if (archChanged || targetChangedNow || plannerChangedNow) recompute();
    if (archChanged) emit architectureChanged();
    if (targetChangedNow) emit targetChanged();
    if (spaceChanged) emit spaceSettingsChanged();
    if (plannerChangedNow) emit plannerChanged();
    if (trainedChanged) emit trainedModelChanged();
    if (archChanged || targetChangedNow || plannerChangedNow) emit analysisChanged();
}

void ProjectDocument::recompute() {
    if (imported_)
        analysis_ = analyzeImported(imported_, interop::importedModelName(project_.importedModel), board(), limits(),
                                    planner());
    else analysis_ = analyze(project_.architecture, board(), limits(), planner());
}

void ProjectDocument::setDirty(bool dirty) {
    if (dirty_ == dirty) return;
    dirty_ = dirty;
    emit modifiedChanged(isModified());
}

}  // namespace mcunet::ui
