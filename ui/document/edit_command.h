#pragma once
// One undoable edit of the project: the state before and after. Consecutive
// edits with the same merge key (a spin box stepping) merge into one step.
#include <QUndoCommand>

#include "document/project_document.h"
#include "project/project.h"

namespace mcunet::ui {

class EditCommand : public QUndoCommand {
public:
    EditCommand(ProjectDocument* document, project::Project before, project::Project after, const QString& text,
                 MergeKey merge);
    void undo() override;
    void redo() override;
    int id() const override { return static_cast<int>(merge_); }
    bool mergeWith(const QUndoCommand* other) override;

private:
    ProjectDocument* document_;
    project::Project before_, after_;
    MergeKey merge_;
};

}  // namespace mcunet::ui
