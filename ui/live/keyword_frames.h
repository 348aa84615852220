#pragma once
// How a wake-word demo's windows show in the Demo step (docs/demo.md): the
// picture the microcontroller sees (the 49 x 10 MFCC features, time across),
// the word heard in large type, and a timeline of the last seconds: each
// word's averaged probability over the sound's level, the threshold dashed
// and every word heard marked. Drawn into QImages on the demo's worker thread
// (QPainter on a QImage needs no GUI thread).
#include <deque>
#include <string>
#include <vector>

#include <QImage>
#include <QStringList>

#include "demo/keyword.h"
#include "live/demo_runner.h"

namespace mcunet::ui {

class KeywordTimeline {
public:
    KeywordTimeline(const std::vector<std::string>& classes, double threshold, double seconds = 6.0);
    void add(const demo::KeywordResult& r);
    QImage render(int width, int height) const;
    // The last word heard within `hold` seconds of `now`, else empty.
    QString recentWord(double now, double hold) const;

private:
    struct Point {
        double time, level;
        std::vector<double> smoothed;
    };
    QStringList classes_;
    std::vector<bool> word_;  // per class: a word (not silence or unknown)
    double threshold_, seconds_;
    std::deque<Point> points_;
    std::deque<std::pair<double, QString>> heard_;
};

// One window as a frame of the Demo step.
DemoFrame keywordFrame(const demo::KeywordResult& r, const KeywordTimeline& timeline, const std::vector<std::string>& classes,
                       double windowsPerSecond);

}  // namespace mcunet::ui
