#include "document/edit_command.h"

namespace mcunet::ui {

EditCommand::EditCommand(ProjectDocument* document, project::Project before, project::Project after,
                         const QString& text, MergeKey merge)
    : QUndoCommand(text), document_(document), before_(std::move(before)), after_(std::move(after)), merge_(merge) {}

void EditCommand::undo() { document_->apply(before_); }
void EditCommand::redo() { document_->apply(after_); }

bool EditCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const EditCommand*>(other);
    if (!next || next->merge_ != merge_ || merge_ == MergeKey::None) return false;
    after_ = next->after_;
    setText(next->text());
    setObsolete(after_ == before_);  // stepped back to where it started: nothing to undo
    return true;
}

}  // namespace mcunet::ui
