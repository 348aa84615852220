#pragma once
// Fusion style with a light or a dark palette. "System" follows the desktop:
// the platform's own palette (captured before ours replaces it) or a GTK theme
// name ending in ":dark" decides.
#include <QString>

class QApplication;

namespace mcunet::ui {

enum class Theme { System, Light, Dark };

Theme themeFromString(const QString& name);  // "system", "light", "dark"
QString themeName(Theme t);
// Call once before changing the palette, so System can read the desktop's preference.
void captureSystemPalette();
bool systemPrefersDark();
void applyTheme(Theme t);

}  // namespace mcunet::ui
