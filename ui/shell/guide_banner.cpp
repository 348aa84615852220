#include "shell/guide_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>

namespace mcunet::ui {

namespace {

constexpr const char* kHiddenKey = "guide/hidden";

// What each step does and the next click, in the order of the steps.
QString stepText(int step) {
    switch (step) {
    case 0:
        return GuideBanner::tr("<b>Target.</b> Choose the board. Lower its SRAM and Flash limits if your own code needs "
                               "room: every step checks the network against these numbers. "
                               "<i>Next: the Search space step.</i>");
    case 1:
        return GuideBanner::tr("<b>Search space</b> (TinyNAS stage 1). Press <b>Optimize</b> to compare the input "
                               "resolutions and widths for this board; <b>Use this space</b> keeps the best. "
                               "<i>Next: Train &amp; search.</i>");
    case 2:
        return GuideBanner::tr("<b>Train &amp; search</b> (TinyNAS stage 2). Choose your data and a budget and press "
                               "<b>Start</b>: supernet, search, fine-tuning and the board, with the accuracy front. "
                               "Or train the design as it is. <i>Next: click a point of the front to open it in "
                               "Design.</i>");
    case 3:
        return GuideBanner::tr("<b>Design.</b> Edit the network block by block; the costs and the SRAM timeline of "
                               "each planner follow every change. <i>Next: Deploy.</i>");
    case 4:
        return GuideBanner::tr("<b>Deploy.</b> <b>Deploy and profile</b> generates the C, builds the firmware, flashes "
                               "the board (the virtual board needs no hardware) and profiles every layer. "
                               "<i>Next: the Demo step.</i>");
    default:
        return GuideBanner::tr("<b>Demo.</b> Run the model live on a camera, a video or the sample clip, or teach it "
                               "classes of your own. That is the tour: Help &gt; Tutorial goes further.");
    }
}

}  // namespace

GuideBanner::GuideBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("guideBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);
    text_ = new QLabel;
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::RichText);
    next_ = new QPushButton(tr("Next step"));
    auto* hide = new QPushButton(tr("Hide the guide"));
    hide->setToolTip(tr("Help > Show the guide brings it back"));
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(10, 6, 10, 6);
    row->addWidget(text_, 1);
    row->addWidget(next_);
    row->addWidget(hide);
    connect(next_, &QPushButton::clicked, this, &GuideBanner::nextRequested);
    connect(hide, &QPushButton::clicked, this, &GuideBanner::hideRequested);
}

void GuideBanner::setStep(int step, int steps) {
    text_->setText(tr("Step %1 of %2: ").arg(step + 1).arg(steps) + stepText(step));
    next_->setVisible(step + 1 < steps);
}

QString GuideBanner::text() const { return text_->text(); }

bool GuideBanner::hiddenInSettings() { return QSettings().value(QLatin1String(kHiddenKey), false).toBool(); }

void GuideBanner::setHiddenInSettings(bool hidden) { QSettings().setValue(QLatin1String(kHiddenKey), hidden); }

}  // namespace mcunet::ui
