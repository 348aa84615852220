#include "train/train_curves.h"

#include <algorithm>

#include "plot/plot_style.h"
#include "plot/qcustomplot_include.h"

namespace mcunet::ui {

namespace {

QCPGraph* addGraph(QCustomPlot* p, const QString& name) {
    QCPGraph* g = p->addGraph();
    g->setName(name);
    g->setSelectable(QCP::stNone);
    return g;
}

void styleLine(QCPGraph* g, const QColor& colour, double width, QCPScatterStyle::ScatterShape shape, double size) {
    g->setPen(QPen(colour, width));
    g->setScatterStyle(QCPScatterStyle(shape, colour, shape == QCPScatterStyle::ssNone ? Qt::NoBrush : QBrush(colour), size));
}

// Integer epochs on the x axis, never 0.5 steps.
void epochAxis(QCPAxis* axis) {
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    axis->setTicker(ticker);
    axis->setLabel(QObject::tr("epoch"));
}

}  // namespace

// ---------------------------------------------------------------------------

LossCurvePlot::LossCurvePlot(QWidget* parent) : PlotPanel(tr("Training loss"), parent) {
    QCustomPlot* p = plot();
    epochAxis(p->xAxis);
    p->yAxis->setLabel(tr("loss (cross-entropy)"));
    steps_ = addGraph(p, tr("per step"));
    epochs_ = addGraph(p, tr("epoch mean"));
    epochs_->setLineStyle(QCPGraph::lsNone);
    p->legend->setVisible(true);
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    connect(this, &PlotPanel::fitRequested, this, &LossCurvePlot::fit);
    connect(this, &PlotPanel::paletteChanged, this, &LossCurvePlot::recolour);
    setCaption(tr("Cross-entropy of the training batches (about twice a second) and each epoch's mean."));
    recolour();
    clear();
}

void LossCurvePlot::recolour() {
    styleLine(steps_, plot::categorical(0), 1.4, QCPScatterStyle::ssNone, 0);
    styleLine(epochs_, plot::categorical(5), 0, QCPScatterStyle::ssDiamond, 8);
    epochs_->setPen(Qt::NoPen);
}

void LossCurvePlot::clear() {
    steps_->data()->clear();
    epochs_->data()->clear();
    top_ = 0;
    fit();
}

void LossCurvePlot::setEpochs(int epochs) {
    epochCount_ = std::max(epochs, 1);
    fit();
}

void LossCurvePlot::addStep(const TrainStep& step) {
    steps_->addData(step.epochPosition(), step.loss);
    top_ = std::max(top_, step.loss);
    epochCount_ = std::max(epochCount_, step.epochs);
    fit();
}

void LossCurvePlot::addEpoch(const TrainEpoch& epoch) {
    epochs_->addData(double(epoch.epoch), epoch.trainLoss);
    top_ = std::max(top_, epoch.trainLoss);
    fit();
}

void LossCurvePlot::fit() {
    QCustomPlot* p = plot();
    p->xAxis->setRange(0, epochCount_ + 0.3);  // the last epoch's mark whole, not cut by the border
    p->yAxis->setRange(0, top_ > 0 ? top_ * 1.1 : 2.5);
    p->replot(QCustomPlot::rpQueuedReplot);
}

// ---------------------------------------------------------------------------

AccuracyCurvePlot::AccuracyCurvePlot(QWidget* parent) : PlotPanel(tr("Accuracy per epoch"), parent) {
    QCustomPlot* p = plot();
    epochAxis(p->xAxis);
    p->yAxis->setLabel(tr("accuracy (%)"));
    train_ = addGraph(p, tr("train"));
    validation_ = addGraph(p, tr("validation"));
    smallest_ = addGraph(p, tr("validation, smallest subnet"));
    testFloat_ = addGraph(p, tr("test, float"));
    testInt8_ = addGraph(p, tr("test, int8"));
    for (QCPGraph* g : {testFloat_, testInt8_}) g->setLineStyle(QCPGraph::lsNone);
    smallest_->removeFromLegend();
    testFloat_->removeFromLegend();
    testInt8_->removeFromLegend();
    p->legend->setVisible(true);
    // Accuracy climbs from the bottom left: the top left stays free for the legend.
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    connect(this, &PlotPanel::fitRequested, this, &AccuracyCurvePlot::fit);
    connect(this, &PlotPanel::paletteChanged, this, &AccuracyCurvePlot::recolour);
    setCaption(tr("After each epoch; at the end, the test accuracy of the float and the int8 model."));
    recolour();
    clear();
}

void AccuracyCurvePlot::recolour() {
    styleLine(train_, plot::categorical(0), 1.6, QCPScatterStyle::ssCircle, 5);
    styleLine(validation_, plot::categorical(2), 2.0, QCPScatterStyle::ssCircle, 6);
    styleLine(smallest_, plot::categorical(3), 1.2, QCPScatterStyle::ssCircle, 4);
    smallest_->setPen(QPen(plot::categorical(3), 1.2, Qt::DashLine));
    styleLine(testFloat_, plot::categorical(1), 0, QCPScatterStyle::ssSquare, 9);
    styleLine(testInt8_, plot::accent(), 0, QCPScatterStyle::ssTriangle, 10);
}

void AccuracyCurvePlot::clear() {
    for (QCPGraph* g : {train_, validation_, smallest_, testFloat_, testInt8_}) g->data()->clear();
    smallest_->removeFromLegend();
    testFloat_->removeFromLegend();
    testInt8_->removeFromLegend();
    fit();
}

void AccuracyCurvePlot::setEpochs(int epochs) {
    epochCount_ = std::max(epochs, 1);
    fit();
}

void AccuracyCurvePlot::addEpoch(const TrainEpoch& epoch) {
    const double x = double(epoch.epoch);
    // A resumed run may report an epoch again: replace it rather than draw a loop.
    for (QCPGraph* g : {train_, validation_, smallest_}) g->data()->remove(x);
    train_->addData(x, 100 * epoch.trainAccuracy);
    validation_->addData(x, 100 * epoch.validationAccuracy);
    if (epoch.validationAccuracySmallest >= 0) {
        smallest_->addData(x, 100 * epoch.validationAccuracySmallest);
        smallest_->addToLegend();
    }
    epochCount_ = std::max(epochCount_, epoch.epochs);
    fit();
}

void AccuracyCurvePlot::setTestAccuracy(double floatAccuracy, double int8Accuracy) {
    testFloat_->data()->clear();
    testInt8_->data()->clear();
    const double x = double(epochCount_) + 0.12;  // just right of the last epoch's points
    if (floatAccuracy >= 0) {
        testFloat_->addData(x, 100 * floatAccuracy);
        testFloat_->addToLegend();
    }
    if (int8Accuracy >= 0) {
        testInt8_->addData(x, 100 * int8Accuracy);
        testInt8_->addToLegend();
    }
    fit();
}

void AccuracyCurvePlot::fit() {
    QCustomPlot* p = plot();
    p->xAxis->setRange(0, epochCount_ + 0.3);
    p->yAxis->setRange(0, 102);
    p->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace mcunet::ui
