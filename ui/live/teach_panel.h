#pragma once
// Teaching your own classes in the Demo step (docs/demo.md, "Teaching your
// own classes"): pictures of each class from the running source (a camera or
// a video file; the view starts a preview when no model runs yet), a small
// network trained on them in the background (`mcunet train` in a child
// process, as in Train & search), then the new model live on the chosen
// target. The pictures are an image folder (one subfolder per class) that
// `mcunet train --data` reads as it is; capturing again adds pictures, never
// replaces one, and "New set" starts another folder instead of deleting.
#include <QGroupBox>
#include <QString>
#include <QStringList>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace mcunet::ui {

class TrainJob;
struct CaptureRequest;
struct TrainDone;
struct TrainStep;

class TeachPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit TeachPanel(QWidget* parent = nullptr);
    ~TeachPanel() override;

    // The image folder of this set (created on the first picture); the list
    // shows its classes and the classes added but not yet captured.
    void setFolder(const QString& folder);
    QString folder() const { return folder_; }
    // Where trained models are written (a new folder per run).
    void setModelsFolder(const QString& folder) { modelsFolder_ = folder; }
    // The mcunet CLI (tests); findMcunetCli() when empty.
    void setProgram(const QString& program) { program_ = program; }
    void setPictures(int n);
    void setEvery(int k);
    void setEpochs(int epochs);

    QStringList classes() const;
    int pictureCount(const QString& className) const;
    QString currentClass() const;
    QString statusText() const;
    QString errorText() const;
    TrainJob* job() const { return job_; }
    QString lastModel() const { return lastModel_; }

    // False (and the reason shown) when the name is not a class name or is there already.
    bool addClass(const QString& name);
    void selectClass(const QString& name);
    // Asks for the next pictures of the selected class (captureRequested).
    bool captureSelected();
    // Trains on every class with pictures; false (and why) when it cannot start.
    bool train();
    void cancel();
    // A fresh folder beside the current one; the old pictures stay.
    void newSet();

public slots:
    void onPictureCaptured(const QString& className, int taken, int wanted, const QString& path);
    void onCaptureFinished(const QString& className, int taken, const QString& error);
    // The Demo step's model listens (keyword): pictures cannot be taught then.
    void setListening(bool listening);

signals:
    void captureRequested(const mcunet::ui::CaptureRequest& request);
    void cancelCaptureRequested();
    void modelTrained(const QString& modelDir);

private:
    void refresh();
    void updateActions();
    void showError(const QString& text);
    void onStep(const TrainStep& step);
    void onDone(const TrainDone& done);

    QString folder_, modelsFolder_, program_, lastModel_, capturing_;
    QStringList added_;  // classes added that have no folder yet
    bool listening_ = false;
    TrainJob* job_;
    QLineEdit* name_;
    QPushButton *add_, *capture_, *train_, *cancel_, *newSet_;
    QListWidget* list_;
    QSpinBox *pictures_, *every_, *epochs_;
    QComboBox* network_;
    QProgressBar* progress_;
    QLabel *folderLabel_, *status_, *error_;
};

}  // namespace mcunet::ui
