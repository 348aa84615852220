#include "document/autosaver.h"

#include "document/project_document.h"

namespace mcunet::ui {

Autosaver::Autosaver(ProjectDocument* document, int intervalMs, QObject* parent)
    : QObject(parent), document_(document) {
    timer_.setInterval(intervalMs);
    connect(&timer_, &QTimer::timeout, this, &Autosaver::autosaveNow);
    timer_.start();
}

bool Autosaver::autosaveNow() {
    if (!document_->isModified()) return false;
    QString error;
    if (!document_->writeAutosave(&error)) {
        emit failed(error);
        return false;
    }
    emit autosaved(document_->autosaveFile());
    return true;
}

}  // namespace mcunet::ui
