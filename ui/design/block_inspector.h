#pragma once
// The Design view's side panel: the network's resolution, width, classes and
// a preset to start from; the selected stage's channels and stride; the
// selected block's kernel and expand ratio, insert / remove, and its figures.
// It only asks for edits (signals); the Design view makes them undoable.
#include <memory>

#include <QWidget>

#include "document/design_analysis.h"

class QSpinBox;
class QDoubleSpinBox;
class QComboBox;
class QToolButton;
class QPushButton;
class QLabel;
class QGroupBox;
class QButtonGroup;

namespace mcunet::ui {

class BlockInspector : public QWidget {
    Q_OBJECT
public:
    explicit BlockInspector(QWidget* parent = nullptr);
    void setAnalysis(std::shared_ptr<const DesignAnalysis> analysis);
    void setSelection(int stage, int block);
    QSpinBox* resolutionSpin() const { return resolution_; }
    QDoubleSpinBox* widthSpin() const { return width_; }

signals:
    void resolutionRequested(int r);
    void widthRequested(double w);
    void classesRequested(int n);
    void presetRequested(const QString& name);
    void stageChannelsRequested(int stage, int channels);
    void stageStrideRequested(int stage, int stride);
    void kernelRequested(int stage, int block, int kernel);
    void expandRequested(int stage, int block, int expand);
    void insertRequested(int stage, int afterBlock);
    void removeRequested(int stage, int block);

private:
    void refresh();
    std::shared_ptr<const DesignAnalysis> analysis_;
    int stage_ = -1, block_ = -1;
    bool updating_ = false;
    QSpinBox* resolution_;
    QDoubleSpinBox* width_;
    QSpinBox* classes_;
    QComboBox* preset_;
    QGroupBox* stageBox_;
    QSpinBox* stageChannels_;
    QComboBox* stageStride_;
    QGroupBox* blockBox_;
    QButtonGroup* kernels_;
    QSpinBox* expand_;
    QPushButton* insert_;
    QPushButton* remove_;
    QLabel* figures_;
};

}  // namespace mcunet::ui
