#include "shell/theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace mcunet::ui {

namespace {
bool gCaptured = false;
bool gSystemDark = false;

QPalette lightPalette() {
    QPalette p;
    const QColor window(0xf3, 0xf4, 0xf6), base(0xff, 0xff, 0xff), text(0x1d, 0x21, 0x27), highlight(0x2c, 0x7f, 0xb8);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf4));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x8e));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0xe9, 0xeb, 0xee));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Mid, QColor(0xc4, 0xc9, 0xd0));
    p.setColor(QPalette::Dark, QColor(0x9a, 0xa0, 0xa8));
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, highlight);
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0xa0, 0xa4, 0xaa));
    return p;
}

QPalette darkPalette() {
    QPalette p;
    const QColor window(0x25, 0x27, 0x2b), base(0x1c, 0x1e, 0x21), text(0xe6, 0xe8, 0xeb), highlight(0x3d, 0x8e, 0xc9);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x23, 0x26, 0x2a));
    p.setColor(QPalette::ToolTipBase, QColor(0x30, 0x33, 0x38));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8f, 0x96));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x32, 0x35, 0x3a));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4e, 0x55));
    p.setColor(QPalette::Dark, QColor(0x16, 0x17, 0x19));
    p.setColor(QPalette::Light, QColor(0x3c, 0x40, 0x46));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xee));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x70, 0x74, 0x7a));
    return p;
}
}  // namespace

Theme themeFromString(const QString& name) {
    if (name.compare(QLatin1String("dark"), Qt::CaseInsensitive) == 0) return Theme::Dark;
    if (name.compare(QLatin1String("light"), Qt::CaseInsensitive) == 0) return Theme::Light;
    return Theme::System;
}

QString themeName(Theme t) {
    switch (t) {
        case Theme::Light: return QStringLiteral("light");
        case Theme::Dark: return QStringLiteral("dark");
        case Theme::System: break;
    }
    return QStringLiteral("system");
}

void captureSystemPalette() {
    if (gCaptured) return;
    gCaptured = true;
    const QByteArray gtk = qgetenv("GTK_THEME").toLower();
    gSystemDark = gtk.endsWith(":dark") || gtk.contains("-dark") ||
                  QApplication::palette().color(QPalette::Window).lightness() < 128;
}

bool systemPrefersDark() {
    captureSystemPalette();
    return gSystemDark;
}

void applyTheme(Theme t) {
    captureSystemPalette();
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    const bool dark = t == Theme::Dark || (t == Theme::System && gSystemDark);
    QApplication::setPalette(dark ? darkPalette() : lightPalette());
}

}  // namespace mcunet::ui
