#pragma once
// The open project: the project data, its file, the undo stack of edits and
// the DesignAnalysis of its architecture on its target. Every change a user
// makes goes through an EditCommand on the undo stack; views listen to the
// signals and never change the project behind the stack's back.
#include <memory>
#include <optional>

#include <QObject>
#include <QString>

#include "board/board.h"
#include "document/design_analysis.h"
#include "memory/plan.h"
#include "project/project.h"
#include "quant/model.h"

class QUndoStack;

namespace mcunet::ui {

// Merge keys: consecutive edits of the same kind (a spin box stepping) become one undo step.
enum class MergeKey : int { None = -1, Resolution = 1, Width, SramLimit, FlashLimit, SpaceSettings, StageChannels };

class ProjectDocument : public QObject {
    Q_OBJECT
public:
    explicit ProjectDocument(board::Catalog catalog, QObject* parent = nullptr);
    ~ProjectDocument() override;

    const project::Project& project() const { return project_; }
    const board::Catalog& catalog() const { return catalog_; }
    const board::Board& board() const;
    space::Constraints limits() const;
    memory::Planner planner() const;
    std::shared_ptr<const DesignAnalysis> analysis() const { return analysis_; }
    QUndoStack* undoStack() const { return undo_; }

    QString filePath() const { return filePath_; }  // empty while untitled
    QString displayName() const;
    bool isModified() const;
    // Where the studio keeps this project's runs of a kind ("models",
    // "searches"): NAME-KIND beside the project file, or KIND in the
    // application's data folder while the project is untitled.
    QString workFolder(const QString& kind) const;
    // Where autosave writes: beside the file, or in the app data folder while untitled.
    QString autosaveFile() const;
    static QString untitledAutosaveFile();

    // File operations. On failure they return false with a message naming the
    // file and the bad field, and leave the open project exactly as it was.
    bool load(const QString& path, QString* error);
    // Opens the autosave of `projectPath` in its place, marked modified.
    bool recover(const QString& projectPath, const QString& autosavePath, QString* error);
    bool save(const QString& path, QString* error);
    bool writeAutosave(QString* error);
    void removeAutosave() const;
    // Replaces the project (File > New, the demo at start-up); clears the undo stack.
    void reset(const project::Project& p, const QString& path = QString());

    // Edits (each one undoable). Invalid architectures are refused with a message.
    bool editArchitecture(const arch::Architecture& a, const QString& text, MergeKey merge = MergeKey::None,
                          QString* error = nullptr);
    bool editTarget(const project::Target& t, const QString& text, MergeKey merge = MergeKey::None,
                    QString* error = nullptr);
    void editSpaceSettings(const project::SpaceSettings& s, const QString& text);
    void editPlanner(memory::Planner p);
    // Records the model directory training wrote (empty: forget it); undoable
    // like an edit, since it changes what Deploy builds.
    void editTrainedModel(const QString& directory, const QString& text);
    // The trained model directory as an absolute path (a relative one is read
    // against the project file's folder); empty when there is none.
    QString trainedModelDirectory() const;
    // Imports an int8 .tflite as a new, unsaved project (File > Import
    // .tflite): the board, limits and planner stay; the network becomes the
    // file's graph and weights, read-only. A file that does not import
    // returns false with the message (the op coverage report when an op is
    // not supported) and leaves the open project as it was.
    bool importTflite(const QString& path, QString* error);
    // The imported network (null for a designed one, or when its file could
    // not be read: importProblem() says why).
    std::shared_ptr<const quant::QuantizedModel> importedModel() const { return imported_; }
    bool isImported() const { return !project_.importedModel.empty(); }
    QString importProblem() const { return importProblem_; }
    // The op coverage report of the last import (what `mcunet import` prints).
    QString importReport() const { return importReport_; }
    // The project's int8 model: the imported one, or the trained model's
    // when it is the design's network; nullopt with the reason otherwise.
    std::optional<quant::QuantizedModel> int8Model(QString* why = nullptr) const;
    // The .tflite as an absolute path (read against the project file's folder).
    QString importedModelPath() const;
    // Records the result of a stage-1 run (not an edit: not undoable; derived
    // from the project's settings, so it does not mark the project modified:
    // it is written with the next save).
    void recordSpaceChoice(const project::SpaceChoice& c);
    // Records the `mcunet tinynas` run folder of the Train & search step
    // (not undoable; marks the project modified: the run is the user's work); empty forgets it.
    void recordSearchRun(const QString& directory);
    // The run folder as an absolute path (read against the project file's folder); empty when none.
    QString searchRunDirectory() const;
    // "Use this network": the searched architecture and its fine-tuned int8
    // model directory become the design and the trained model, one undoable edit.
    bool adoptSearchResult(const arch::Architecture& a, const QString& modelDirectory, const QString& text,
                           QString* error = nullptr);

    // Called by EditCommand (undo / redo): installs a whole project state.
    void apply(const project::Project& p);

signals:
    void projectReplaced();  // load, recover, new: everything changed
    void architectureChanged();
    void targetChanged();
    void spaceSettingsChanged();
    void plannerChanged();
    void analysisChanged();
    void modifiedChanged(bool modified);
    void filePathChanged(const QString& path);
    void spaceChoiceChanged();
    void trainedModelChanged();
    void searchRunChanged();

private:
    bool push(project::Project after, const QString& text, MergeKey merge, QString* error);
    void install(project::Project p, const QString& path);
    void recompute();
    void readImported();
    void setDirty(bool dirty);

    board::Catalog catalog_;
    project::Project project_;
    QString filePath_;
    QUndoStack* undo_ = nullptr;
    bool dirty_ = false;  // changes outside the undo stack (a recorded search result, a recovery)
    std::shared_ptr<const DesignAnalysis> analysis_;
    std::shared_ptr<const quant::QuantizedModel> imported_;
    QString importReport_;
    QString importProblem_;
};

}  // namespace mcunet::ui
