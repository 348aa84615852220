#include "live/keyword_frames.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QPainterPath>

namespace mcunet::ui {

namespace {

QColor wordColor(int i) {
    static const QColor palette[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e), QColor(0x2c, 0xa0, 0x2c),
                                     QColor(0xd6, 0x27, 0x28), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
                                     QColor(0xe3, 0x77, 0xc2), QColor(0x7f, 0x7f, 0x7f), QColor(0xbc, 0xbd, 0x22),
                                     QColor(0x17, 0xbe, 0xcf)};
    return palette[i % 10];
}

}  // namespace

KeywordTimeline::KeywordTimeline(const std::vector<std::string>& classes, double threshold, double seconds)
    : threshold_(threshold), seconds_(seconds) {
    for (const std::string& c : classes) {
        classes_ << QString::fromStdString(c);
        word_.push_back(!demo::isFillerClass(c));
    }
}

void KeywordTimeline::add(const demo::KeywordResult& r) {
    points_.push_back({r.time, r.level, r.decision.smoothed});
    while (!points_.empty() && points_.front().time < r.time - seconds_) points_.pop_front();
    if (!r.word.empty()) heard_.emplace_back(r.time, QString::fromStdString(r.word));
    while (!heard_.empty() && heard_.front().first < r.time - seconds_) heard_.pop_front();
}

QString KeywordTimeline::recentWord(double now, double hold) const {
    return !heard_.empty() && now - heard_.back().first <= hold ? heard_.back().second : QString();
}

QImage KeywordTimeline::render(int width, int height) const {
    QImage img(width, height, QImage::Format_RGB32);
    img.fill(QColor(0x20, 0x22, 0x26));
    if (points_.empty()) return img;
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    const double now = points_.back().time, from = now - seconds_;
    const double left = 8, right = width - 8, top = 24, bottom = height - 22;
    auto x = [&](double t) { return left + (t - from) / seconds_ * (right - left); };
    auto y = [&](double v) { return bottom - std::clamp(v, 0.0, 1.0) * (bottom - top); };
    // The sound's level (RMS, scaled so that speech fills about half the height).
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(0x45, 0x4a, 0x52));
    for (const Point& pt : points_) {
        const double h = std::min(1.0, std::sqrt(pt.level) * 2.0) * (bottom - top) * 0.5;
        p.drawRect(QRectF(x(pt.time) - 2, bottom - h, 4, h));
    }
    p.setPen(QPen(QColor(0xcc, 0xcc, 0xcc), 1, Qt::DashLine));
    p.drawLine(QPointF(left, y(threshold_)), QPointF(right, y(threshold_)));
    p.drawText(QPointF(left + 2, y(threshold_) - 3), QObject::tr("threshold %1").arg(threshold_, 0, 'f', 2));
    for (int c = 0, shown = 0; c < classes_.size(); ++c) {
        if (!word_[std::size_t(c)]) continue;
        QPainterPath path;
        for (std::size_t i = 0; i < points_.size(); ++i) {
            const QPointF q(x(points_[i].time), y(points_[i].smoothed.at(std::size_t(c))));
            if (i == 0) path.moveTo(q);
            else path.lineTo(q);
        }
        p.setPen(QPen(wordColor(shown++), 2));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    QFont f = p.font();
    f.setBold(true);
    p.setFont(f);
    for (const auto& [t, word] : heard_) {
        p.setPen(QPen(QColor(0xff, 0xd5, 0x4f), 2));
        p.drawLine(QPointF(x(t), top), QPointF(x(t), bottom));
        p.drawText(QPointF(x(t) + 4, top + 12), word);
    }
    p.setPen(QColor(0xcc, 0xcc, 0xcc));
    p.drawText(QPointF(left, height - 6), QObject::tr("last %1 s: each word's averaged probability; grey: loudness").arg(seconds_, 0, 'f', 0));
    return img;
}

DemoFrame keywordFrame(const demo::KeywordResult& r, const KeywordTimeline& timeline, const std::vector<std::string>& classes,
                       double windowsPerSecond) {
    DemoFrame f;
    f.frame = timeline.render(640, 360);
    // The MFCC picture with time across: frames x coefficients becomes coefficients (rows) x frames (columns).
    const int frames = 49, coefficients = 10;
    QImage picture(frames, coefficients, QImage::Format_Grayscale8);
    if (r.picture.size() == std::size_t(frames * coefficients))
        for (int t = 0; t < frames; ++t)
            for (int c = 0; c < coefficients; ++c) picture.scanLine(coefficients - 1 - c)[t] = r.picture[std::size_t(t * coefficients + c)];
    f.picture = picture;
    f.pictureCaption = QObject::tr("What the microcontroller sees: 1 s of sound as 49 x 10 MFCC features (time across, int8)");
    const QString heard = timeline.recentWord(r.time, 1.5);
    f.labelName = heard.isEmpty() ? QObject::tr("listening\u2026") : QStringLiteral("\u201c%1\u201d").arg(heard);
    f.label = r.decision.best;
    f.confidence = r.decision.bestConfidence;
    std::vector<int> order(r.decision.smoothed.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = int(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r.decision.smoothed[std::size_t(a)] > r.decision.smoothed[std::size_t(b)]; });
    for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k) {
        const int c = order[k];
        f.top.append({QString::fromStdString(classes.at(std::size_t(c))), r.decision.smoothed[std::size_t(c)]});
    }
    f.framesPerSecond = windowsPerSecond;
    f.rateUnit = QObject::tr("windows/s");
    f.latencyMs = r.latencyMs;
    f.deviceCount = r.inference.deviceCount;
    f.unit = QString::fromStdString(r.inference.unit);
    f.targetMs = 1000 * r.inference.seconds;
    f.heardWord = QString::fromStdString(r.word);
    return f;
}

}  // namespace mcunet::ui
