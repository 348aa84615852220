#pragma once
// Edit > Preferences: theme, the board of new projects, the threads training
// and search start with, and the folders of the Cortex-M toolchain and QEMU,
// with Check, which says what was found (path and version) or what is
// missing. Stored with QSettings (common/preferences.h) when accepted.
#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QProcess;
class QPushButton;
class QSpinBox;

namespace mcunet::board {
class Catalog;
}

namespace mcunet::ui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    PreferencesDialog(const board::Catalog& catalog, QWidget* parent = nullptr);
    ~PreferencesDialog() override;

    QComboBox* themeBox() const { return theme_; }
    QComboBox* boardBox() const { return board_; }
    QSpinBox* threadsBox() const { return threads_; }
    QLineEdit* toolchainEdit() const { return toolchain_; }
    QLineEdit* qemuEdit() const { return qemu_; }
    // Runs `--version` of both tools in the chosen folders (or on PATH), in
    // the background; checked() follows with the result in checkResult().
    void check();
    QString checkResult() const;

    void accept() override;

signals:
    void checked();

private:
    struct Probe;
    void probe(int index, const QString& program, const QString& folder, const QString& package);
    void showResult();

    QComboBox* theme_;
    QComboBox* board_;
    QSpinBox* threads_;
    QLineEdit* toolchain_;
    QLineEdit* qemu_;
    QPushButton* check_;
    QLabel* result_;
    QStringList lines_;
    int pending_ = 0;
};

}  // namespace mcunet::ui
