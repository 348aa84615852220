#pragma once
// One figure against its limit, readable at a glance: name, value, "of LIMIT",
// and a bar filled to value / limit in green (fits), amber (within 15 % of the
// limit) or red (over). Without a limit it shows the value and a note.
#include <QWidget>

#include "common/format.h"

namespace mcunet::ui {

class MetricGauge : public QWidget {
    Q_OBJECT
public:
    explicit MetricGauge(const QString& name, QWidget* parent = nullptr);
    void setFigure(double value, const QString& valueText, double limit, const QString& limitText);
    void setNote(const QString& note);  // for figures without a limit
    Level level() const { return level_; }
    QString valueText() const { return valueText_; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString name_, valueText_, limitText_, note_;
    double value_ = 0, limit_ = 0;
    Level level_ = Level::Ok;
};

}  // namespace mcunet::ui
