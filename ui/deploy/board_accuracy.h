#pragma once
// Deploy's "Accuracy on the board": the trained model's int8 accuracy
// measured on the project's board, over class-balanced test images of the
// data it was trained on (`mcunet eval --board --json` in a child process:
// the firmware built for the model, run image by image, on the virtual board
// in QEMU or a connected one). A model the Train & search step produced shows
// the figure its run measured at once.
#include <optional>

#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;

namespace mcunet::ui {

class ChildProcess;

class BoardAccuracyRow : public QWidget {
    Q_OBJECT
public:
    explicit BoardAccuracyRow(QWidget* parent = nullptr);

    struct Model {
        QString directory, dataSource, board;
        double sramKiB = 0, flashKiB = 0;
        // The search run's measurement of this very model, when it has one.
        std::optional<double> measuredAccuracy;
        long long measuredImages = 0;
    };
    // The model to measure; nullopt: nothing to measure (untrained, imported), the row hides.
    void setModel(const std::optional<Model>& model);
    void setProgram(const QString& program) { program_ = program; }

    bool measure();  // starts the child; false (and the reason shown) when it cannot
    void setImages(int n);  // class-balanced test images to run (10 to 10000; default 200)
    bool isRunning() const;
    QLabel* resultLabel() const { return result_; }
    QPushButton* measureButton() const { return button_; }

signals:
    void measured(double accuracy, int images);
    void failed(const QString& why);

private:
    void onExited(int exitCode);
    ChildProcess* child_;
    QString program_;
    std::optional<Model> model_;
    QByteArray output_;
    QPushButton* button_;
    QSpinBox* images_;
    QLabel* result_;
};

}  // namespace mcunet::ui
