#include "deploy/board_accuracy.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>

#include <nlohmann/json.hpp>

#include "jobs/child_process.h"

namespace mcunet::ui {

namespace {

QString percent(double fraction) { return QStringLiteral("%1 %").arg(100 * fraction, 0, 'f', 1); }

}  // namespace

BoardAccuracyRow::BoardAccuracyRow(QWidget* parent)
    : QWidget(parent), child_(new ChildProcess(QStringLiteral("mcunet eval"), this)) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    button_ = new QPushButton(tr("Accuracy on the board"));
    button_->setToolTip(tr("Build the model's firmware and run it on the board image by image (the virtual board "
                           "runs in QEMU): the int8 accuracy the device really gives"));
    images_ = new QSpinBox;
    images_->setRange(10, 10000);
    images_->setValue(200);
    images_->setSuffix(tr(" test images"));
    result_ = new QLabel;
    result_->setTextFormat(Qt::RichText);
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(button_);
    row->addWidget(images_);
    row->addWidget(result_, 1);
    connect(button_, &QPushButton::clicked, this, &BoardAccuracyRow::measure);
    connect(child_, &ChildProcess::outputReceived, this, [this](const QByteArray& bytes) {
        if (output_.size() < (1 << 20)) output_ += bytes;
    });
    connect(child_, &ChildProcess::exited, this, [this](int code, QProcess::ExitStatus) { onExited(code); });
    connect(child_, &ChildProcess::failedToStart, this, [this](const QString& why) {
        result_->setText(why.toHtmlEscaped());
        button_->setEnabled(true);
        emit failed(why);
    });
    setModel(std::nullopt);
}

void BoardAccuracyRow::setImages(int n) { images_->setValue(n); }

bool BoardAccuracyRow::isRunning() const { return child_->isRunning(); }

void BoardAccuracyRow::setModel(const std::optional<Model>& model) {
    if (isRunning()) child_->cancel();
    model_ = model;
    setVisible(model.has_value());
    if (!model) return;
    button_->setEnabled(!model->dataSource.isEmpty());
    if (model->dataSource.isEmpty())
        result_->setText(tr("The model does not record its data set (model.json training.data.source)."));
    else if (model->measuredAccuracy)
        result_->setText(tr("int8 accuracy on %1: <b>%2</b> (%3 test images, measured by the search run; outputs "
                            "identical to the host's)")
                             .arg(model->board, percent(*model->measuredAccuracy))
                             .arg(model->measuredImages));
    else result_->setText(tr("not measured on %1 yet").arg(model->board));
}

bool BoardAccuracyRow::measure() {
    if (!model_ || model_->dataSource.isEmpty() || isRunning()) return false;
    const QStringList args{QStringLiteral("eval"),         QStringLiteral("--model"),  model_->directory,
                           QStringLiteral("--data"),       model_->dataSource,         QStringLiteral("--board"),
                           model_->board,                  QStringLiteral("--sram"),   QString::number(model_->sramKiB, 'g', 10),
                           QStringLiteral("--flash"),      QString::number(model_->flashKiB, 'g', 10),
                           QStringLiteral("--images"),     QStringLiteral("1"),        QStringLiteral("--board-images"),
                           QString::number(images_->value()), QStringLiteral("--no-host"), QStringLiteral("--json")};
    output_.clear();
    QString error;
    if (!child_->start(program_.isEmpty() ? findMcunetCli() : program_, args, &error)) {
        result_->setText(error.toHtmlEscaped());
        emit failed(error);
        return false;
    }
    button_->setEnabled(false);
    result_->setText(tr("Building the firmware and running %1 test images on %2…").arg(images_->value()).arg(model_->board));
    return true;
}

void BoardAccuracyRow::onExited(int exitCode) {
    button_->setEnabled(true);
    const auto doc = nlohmann::json::parse(output_.constData(), output_.constData() + output_.size(), nullptr, false);
    const std::string engine = "int8-" + model_->board.toStdString();
    if (exitCode == 0 && doc.is_object() && doc.contains("engines") && doc["engines"].is_array())
        for (const auto& e : doc["engines"])
            if (e.is_object() && e.value("engine", "") == engine && e.contains("accuracy") && e["accuracy"].is_number()) {
                const double a = e["accuracy"].get<double>();
                const int n = e.value("images", 0);
                const bool same = doc.value("int8_outputs_identical", false);
                result_->setText(tr("int8 accuracy on %1: <b>%2</b> (%3 test images; outputs %4 the host interpreter's)")
                                     .arg(model_->board, percent(a))
                                     .arg(n)
                                     .arg(same ? tr("identical to") : tr("DIFFERENT from")));
                emit measured(a, n);
                return;
            }
    const QString why = child_->cancelRequested() ? tr("stopped")
                        : child_->standardError().isEmpty() ? tr("mcunet eval exited with %1").arg(exitCode)
                                                            : child_->standardError().right(400);
    result_->setText(why.toHtmlEscaped());
    emit failed(why);
}

}  // namespace mcunet::ui
