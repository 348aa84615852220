#include "live/classroom_window.h"

#include <QCloseEvent>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPalette>
#include <QProgressBar>
#include <QVBoxLayout>

#include "live/demo_runner.h"

namespace mcunet::ui {

namespace {

QLabel* bigLabel(int points, bool bold = false) {
    auto* l = new QLabel;
    QFont f = l->font();
    f.setPointSize(points);
    f.setBold(bold);
    l->setFont(f);
    l->setAlignment(Qt::AlignCenter);
    l->setWordWrap(true);
    return l;
}

}  // namespace

ClassroomWindow::ClassroomWindow(QWidget* parent) : QWidget(parent, Qt::Window) {
    setWindowTitle(tr("MCUNet Studio: classroom"));
    setAttribute(Qt::WA_DeleteOnClose, false);
    // Dark in any theme: light type on a dark room's screen.
    QPalette dark = palette();
    dark.setColor(QPalette::Window, QColor(0x10, 0x14, 0x18));
    dark.setColor(QPalette::WindowText, QColor(0xf2, 0xf2, 0xf2));
    setPalette(dark);
    setAutoFillBackground(true);
    heading_ = bigLabel(20);
    frame_ = new QLabel;
    frame_->setAlignment(Qt::AlignCenter);
    frame_->setMinimumSize(320, 240);
    frame_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    picture_ = new QLabel;
    picture_->setAlignment(Qt::AlignCenter);
    picture_->setFixedSize(256, 256);
    auto* pictureCaption = bigLabel(14);
    pictureCaption->setText(tr("What the microcontroller sees"));
    label_ = bigLabel(60, true);
    confidence_ = new QProgressBar;
    confidence_->setRange(0, 100);
    confidence_->setMinimumHeight(44);
    confidence_->setFormat(QStringLiteral("%p%"));
    QFont cf = confidence_->font();
    cf.setPointSize(22);
    confidence_->setFont(cf);
    stats_ = bigLabel(22);
    message_ = bigLabel(20);
    QPalette warm = dark;
    warm.setColor(QPalette::WindowText, QColor(0xff, 0xb7, 0x4d));
    message_->setPalette(warm);
    keys_ = bigLabel(12);
    keys_->setText(tr("Space: start / stop  \u00b7  S: next source  \u00b7  T: next target  \u00b7  Esc: leave"));

    auto* side = new QVBoxLayout;
    side->addStretch(1);
    side->addWidget(picture_, 0, Qt::AlignCenter);
    side->addWidget(pictureCaption);
    side->addStretch(1);
    auto* grid = new QGridLayout(this);
    grid->addWidget(heading_, 0, 0, 1, 2);
    grid->addWidget(frame_, 1, 0);
    grid->addLayout(side, 1, 1);
    grid->addWidget(label_, 2, 0, 1, 2);
    grid->addWidget(confidence_, 3, 0, 1, 2);
    grid->addWidget(stats_, 4, 0, 1, 2);
    grid->addWidget(message_, 5, 0, 1, 2);
    grid->addWidget(keys_, 6, 0, 1, 2);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 1);
}

void ClassroomWindow::showFrame(const DemoFrame& f) {
    frame_->setPixmap(QPixmap::fromImage(f.frame).scaled(frame_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
    picture_->setPixmap(QPixmap::fromImage(f.picture).scaled(picture_->size(), Qt::KeepAspectRatio, Qt::FastTransformation));
    label_->setText(f.labelName);
    confidence_->setValue(int(100 * f.confidence + 0.5));
    stats_->setText(demoStats(f));
    message_->clear();
}

void ClassroomWindow::setHeading(const QString& text) { heading_->setText(text); }
void ClassroomWindow::setMessage(const QString& text) { message_->setText(text); }
QString ClassroomWindow::labelText() const { return label_->text(); }

void ClassroomWindow::keyPressEvent(QKeyEvent* e) {
    switch (e->key()) {
    case Qt::Key_Space: emit toggleRequested(); return;
    case Qt::Key_S: emit nextSourceRequested(); return;
    case Qt::Key_T: emit nextTargetRequested(); return;
    case Qt::Key_Escape:
    case Qt::Key_F11: emit leaveRequested(); return;
    default: QWidget::keyPressEvent(e);
    }
}

void ClassroomWindow::closeEvent(QCloseEvent* e) {
    e->ignore();  // the demo view owns this window: leaving hides it
    emit leaveRequested();
}

}  // namespace mcunet::ui
