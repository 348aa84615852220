#pragma once
// The Demo step (docs/demo.md): a trained model live on a camera or a video
// file (a keyword model on the microphone, a WAV file or the sample recording), running where the user chooses (this computer's build of the
// generated C, or the firmware on a virtual board), with the label, its
// confidence, the frame rate, the microcontroller's latency and the picture
// the microcontroller sees. Classroom mode shows the same full screen.
#include <optional>

#include <QWidget>

#include "live/demo_runner.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;

namespace mcunet::ui {

class ClassroomWindow;
class ProjectDocument;
class TeachPanel;

class DemoView : public QWidget {
    Q_OBJECT
public:
    explicit DemoView(ProjectDocument* document, QWidget* parent = nullptr);
    ~DemoView() override;

    DemoRunner* runner() const { return runner_; }
    // The choices as the runner gets them ("sample", a folder, "camera:0", a file, a target id).
    QString modelChoice() const;
    QString sourceChoice() const;
    QString targetChoice() const;
    // Selects (adding when new) a model folder or a video file; tests and drops use these.
    void chooseModel(const QString& folder);
    void chooseSource(const QString& file);
    void chooseTarget(const QString& target);
    QString labelText() const;
    QString errorText() const;
    ClassroomWindow* classroom() const { return classroom_; }
    TeachPanel* teach() const { return teach_; }
    bool isPreviewing() const { return preview_; }

public slots:
    void start();
    // The source alone, no model (teaching a model that does not exist yet).
    void startPreview();
    void stop();
    void toggle();
    void setClassroomMode(bool on);

signals:
    void frameShown(const mcunet::ui::DemoFrame& frame);
    void runningChanged(bool running);

private:
    QWidget* buildControls();
    QWidget* buildDisplay();
    void fillModels();
    void fillSources();
    void fillTargets();
    void onModelPicked(int index);
    void modelChanged();
    bool modelListens() const;
    void onSourcePicked(int index);
    void onFrame(const DemoFrame& f);
    void onStarted(const QString& source, const QString& target, const QString& model, const QStringList& classes);
    void onFinished(const QString& error);
    void restartIfRunning();
    void cycle(QComboBox* box);
    void showError(const QString& text);
    void launch(bool preview);
    void capture(const CaptureRequest& request);
    void onTaught(const QString& modelDir);
    void placeTeachFolders();

    ProjectDocument* document_;
    DemoRunner* runner_;
    QComboBox *model_, *source_, *target_;
    QPushButton *run_, *classroomButton_;
    QLabel *frameView_, *pictureView_, *pictureCaption_, *label_, *top_, *stats_, *status_, *error_;
    QProgressBar* confidence_;
    ClassroomWindow* classroom_ = nullptr;  // a top-level window of ours, deleted with this view
    TeachPanel* teach_;
    bool restart_ = false;
    bool preview_ = false;
    bool started_ = false;  // the running demo has reported its start (its frames flow)
    std::optional<CaptureRequest> pendingCapture_;  // asked while the demo (re)starts: given to it once it runs  // the running demo (or the one to restart) shows the source without a model
    int lastModelIndex_ = 0, lastSourceIndex_ = 0;
    bool listens_ = false;  // the model is a keyword model: the sources are sound
};

}  // namespace mcunet::ui
