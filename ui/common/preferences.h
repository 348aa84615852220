#pragma once
// What the user sets once for every project (Edit > Preferences), stored
// with QSettings: theme, the board of new projects, the training threads
// new runs start with, and the folders of the Cortex-M toolchain and of
// QEMU when they are not on PATH. docs/studio.md, "Preferences".
#include <QString>

namespace mcunet::ui::preferences {

// "system", "light" or "dark" (shell/theme.h reads it).
QString theme();
void setTheme(const QString& name);

// The board new projects start on; "" = the demo project's.
QString defaultBoard();
void setDefaultBoard(const QString& id);

// Threads the Train and Search panels start with (0 = every core).
int trainingThreads();
void setTrainingThreads(int threads);

// Folders holding arm-none-eabi-gcc and qemu-system-arm ("" = PATH).
QString toolchainFolder();
QString qemuFolder();
void setToolFolders(const QString& toolchain, const QString& qemu);

// Puts the tool folders in front of the PATH this process started with, so
// that every build, flash and child process finds the chosen programs.
// Called at start and whenever the folders change.
void applyToolFolders();

// Where `program` would be found with `folder` in front of the original
// PATH ("" = not found); `why` says what was looked at when it is not.
QString findTool(const QString& program, const QString& folder, QString* why = nullptr);

}  // namespace mcunet::ui::preferences
