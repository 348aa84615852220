#pragma once
// Classroom mode: the live demo full screen in large type for a class to
// watch: the camera or video, the picture the microcontroller sees, the
// label and its confidence, the frame rate and latency. Keys: Space starts
// or stops, S switches the source, T the target, Esc or F11 leaves.
#include <QWidget>

class QLabel;
class QProgressBar;

namespace mcunet::ui {

struct DemoFrame;

class ClassroomWindow : public QWidget {
    Q_OBJECT
public:
    explicit ClassroomWindow(QWidget* parent = nullptr);
    void showFrame(const DemoFrame& frame);
    void setHeading(const QString& text);  // "fashion-MNIST on virtual-m4, sample clip"
    void setMessage(const QString& text);  // an error or what happened (camera unplugged)
    QString labelText() const;

signals:
    void toggleRequested();
    void nextSourceRequested();
    void nextTargetRequested();
    void leaveRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    QLabel *heading_, *frame_, *picture_, *label_, *stats_, *message_, *keys_;
    QProgressBar* confidence_;
};

}  // namespace mcunet::ui
