#pragma once
// The training curves, live: the loss at every reported step and the train /
// validation accuracy after every epoch, both against the epoch (the loss's x
// is fractional: 1.5 = halfway through the second epoch), so the two charts
// line up. When the run is done the test accuracies (float and int8) join the
// accuracy chart as two marks at the last epoch. Chart styling and export as
// every chart in the studio (PlotPanel).
#include "plot/plot_panel.h"
#include "train/train_progress.h"

class QCPGraph;

namespace mcunet::ui {

class LossCurvePlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit LossCurvePlot(QWidget* parent = nullptr);
    void clear();
    void setEpochs(int epochs);  // the x range of the whole run
    void addStep(const TrainStep& step);
    void addEpoch(const TrainEpoch& epoch);  // the epoch's mean loss, as a mark
    QCPGraph* stepLoss() const { return steps_; }
    QCPGraph* epochLoss() const { return epochs_; }

private:
    void fit();
    void recolour();
    QCPGraph* steps_ = nullptr;
    QCPGraph* epochs_ = nullptr;
    int epochCount_ = 1;
    double top_ = 0;
};

class AccuracyCurvePlot : public plot::PlotPanel {
    Q_OBJECT
public:
    explicit AccuracyCurvePlot(QWidget* parent = nullptr);
    void clear();
    void setEpochs(int epochs);
    void addEpoch(const TrainEpoch& epoch);
    void setTestAccuracy(double floatAccuracy, double int8Accuracy);  // fractions; < 0 hides
    QCPGraph* train() const { return train_; }
    QCPGraph* validation() const { return validation_; }
    QCPGraph* smallest() const { return smallest_; }
    QCPGraph* testFloat() const { return testFloat_; }
    QCPGraph* testInt8() const { return testInt8_; }

private:
    void fit();
    void recolour();
    QCPGraph *train_ = nullptr, *validation_ = nullptr, *smallest_ = nullptr;
    QCPGraph *testFloat_ = nullptr, *testInt8_ = nullptr;
    int epochCount_ = 1;
};

}  // namespace mcunet::ui
