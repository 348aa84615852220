#pragma once
// The first-run guide: a band above the steps that says what the current
// step does and what to click next, with "Next step" and "Hide the guide".
// Shown until the user hides it (remembered in QSettings, key
// "guide/hidden"); Help > Show the guide brings it back. docs/studio.md.
#include <QFrame>

class QLabel;
class QPushButton;

namespace mcunet::ui {

class GuideBanner : public QFrame {
    Q_OBJECT
public:
    explicit GuideBanner(QWidget* parent = nullptr);

    // The step now shown (0 = Target ... steps - 1 = the last).
    void setStep(int step, int steps);
    QString text() const;
    // The setting: hidden for good until shown again.
    static bool hiddenInSettings();
    static void setHiddenInSettings(bool hidden);

signals:
    void nextRequested();
    void hideRequested();

private:
    QLabel* text_;
    QPushButton* next_;
};

}  // namespace mcunet::ui
