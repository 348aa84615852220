#include "shell/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include "board/board.h"
#include "common/preferences.h"
#include "shell/theme.h"

namespace mcunet::ui {

namespace {

// A folder field with a Browse button.
QWidget* folderRow(QLineEdit* edit, QWidget* dialog, const QString& title) {
    auto* row = new QWidget;
    auto* h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    h->addWidget(edit, 1);
    auto* browse = new QPushButton(QObject::tr("Browse..."));
    h->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, dialog, [edit, dialog, title] {
        const QString dir = QFileDialog::getExistingDirectory(dialog, title, edit->text());
        if (!dir.isEmpty()) edit->setText(dir);
    });
    return row;
}

}  // namespace

PreferencesDialog::PreferencesDialog(const board::Catalog& catalog, QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Preferences"));
    auto* form = new QFormLayout;
    theme_ = new QComboBox;
    theme_->addItem(tr("Follow the system"), QStringLiteral("system"));
    theme_->addItem(tr("Light"), QStringLiteral("light"));
    theme_->addItem(tr("Dark"), QStringLiteral("dark"));
    theme_->setCurrentIndex(std::max(0, theme_->findData(preferences::theme())));
    form->addRow(tr("Theme"), theme_);
    board_ = new QComboBox;
    board_->addItem(tr("The demo project's (virtual-m7)"), QString());
    for (const board::Board& b : catalog.boards()) board_->addItem(QString::fromStdString(b.id + "  (" + b.name + ")"), QString::fromStdString(b.id));
    board_->setCurrentIndex(std::max(0, board_->findData(preferences::defaultBoard())));
    board_->setToolTip(tr("The board File > New starts on"));
    form->addRow(tr("Board of new projects"), board_);
    threads_ = new QSpinBox;
    threads_->setRange(0, 256);
    threads_->setSpecialValueText(tr("all cores"));
    threads_->setValue(preferences::trainingThreads());
    threads_->setToolTip(tr("The threads Train and Search start with"));
    form->addRow(tr("Training threads"), threads_);
    toolchain_ = new QLineEdit(preferences::toolchainFolder());
    toolchain_->setPlaceholderText(tr("on PATH"));
    toolchain_->setToolTip(tr("The folder with arm-none-eabi-gcc (Debian: gcc-arm-none-eabi), when it is not on PATH"));
    form->addRow(tr("Cortex-M toolchain"), folderRow(toolchain_, this, tr("The folder with arm-none-eabi-gcc")));
    qemu_ = new QLineEdit(preferences::qemuFolder());
    qemu_->setPlaceholderText(tr("on PATH"));
    qemu_->setToolTip(tr("The folder with qemu-system-arm (Debian: qemu-system-arm), when it is not on PATH"));
    form->addRow(tr("QEMU"), folderRow(qemu_, this, tr("The folder with qemu-system-arm")));
    check_ = new QPushButton(tr("Check"));
    check_->setToolTip(tr("Look for both programs where they would be looked for, and ask their version"));
    result_ = new QLabel;
    result_->setWordWrap(true);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* checkRow = new QHBoxLayout;
    checkRow->addWidget(check_);
    checkRow->addWidget(result_, 1);
    form->addRow(QString(), checkRow);
    connect(check_, &QPushButton::clicked, this, &PreferencesDialog::check);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* v = new QVBoxLayout(this);
    v->addLayout(form);
    v->addWidget(buttons);
    resize(640, sizeHint().height());
}

PreferencesDialog::~PreferencesDialog() = default;

void PreferencesDialog::check() {
    if (pending_ > 0) return;
    lines_ = QStringList(2);
    pending_ = 2;
    check_->setEnabled(false);
    result_->setText(tr("Looking..."));
    probe(0, QStringLiteral("arm-none-eabi-gcc"), toolchain_->text().trimmed(), QStringLiteral("gcc-arm-none-eabi"));
    probe(1, QStringLiteral("qemu-system-arm"), qemu_->text().trimmed(), QStringLiteral("qemu-system-arm"));
}

// One tool: found where, and its version's first line (asked in the
// background, at most 10 s), or why it is not there and what to install.
void PreferencesDialog::probe(int index, const QString& program, const QString& folder, const QString& package) {
    QString why;
    const QString path = preferences::findTool(program, folder, &why);
    if (path.isEmpty()) {
        lines_[index] = tr("%1: not found (%2); install the Debian package %3 or choose its folder").arg(program, why, package);
        if (--pending_ == 0) showResult();
        return;
    }
    auto* p = new QProcess(this);
    auto* timeout = new QTimer(p);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, p, [p] { p->kill(); });
    connect(p, &QProcess::finished, this, [this, p, index, program, path](int code, QProcess::ExitStatus status) {
        const QString first = QString::fromLocal8Bit(p->readAllStandardOutput()).section(QLatin1Char('\n'), 0, 0).trimmed();
        lines_[index] = status == QProcess::NormalExit && code == 0 && !first.isEmpty()
                            ? tr("%1: %2 (%3)").arg(program, QDir::toNativeSeparators(path), first)
                            : tr("%1: %2 does not run (%3)").arg(program, QDir::toNativeSeparators(path),
                                                                 status == QProcess::NormalExit ? tr("exit code %1").arg(code) : tr("stopped"));
        p->deleteLater();
        if (--pending_ == 0) showResult();
    });
    connect(p, &QProcess::errorOccurred, this, [this, p, index, program, path](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) return;
        lines_[index] = tr("%1: %2 cannot be started").arg(program, QDir::toNativeSeparators(path));
        p->deleteLater();
        if (--pending_ == 0) showResult();
    });
    p->start(path, {QStringLiteral("--version")});
    timeout->start(10000);
}

void PreferencesDialog::showResult() {
    result_->setText(lines_.join(QLatin1Char('\n')));
    check_->setEnabled(true);
    emit checked();
}

QString PreferencesDialog::checkResult() const { return result_->text(); }

void PreferencesDialog::accept() {
    const QString theme = theme_->currentData().toString();
    if (theme != preferences::theme()) {
        preferences::setTheme(theme);
        applyTheme(themeFromString(theme));
    }
    preferences::setDefaultBoard(board_->currentData().toString());
    preferences::setTrainingThreads(threads_->value());
    preferences::setToolFolders(toolchain_->text().trimmed(), qemu_->text().trimmed());
    QDialog::accept();
}

}  // namespace mcunet::ui
