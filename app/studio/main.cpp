// mcunet-studio: the studio window. Opens the project given on the command
// line, or the demo project (board virtual-m7, mcunet-vww1) as an untitled copy.
#include <QApplication>
#include <QIcon>
#include <QCommandLineParser>
#include <QSettings>

#include "board/board.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/version.h"
#include "program_text.h"
#include "common/preferences.h"
#include "shell/main_window.h"
#include "shell/theme.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MCUNet"));
    QApplication::setApplicationName(QStringLiteral("MCUNet Studio"));
    QApplication::setDesktopFileName(QStringLiteral("org.mcunetstudio.Studio"));  // packaging/desktop
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/mcunet-studio.svg")));
    QApplication::setApplicationVersion(QString::fromStdString(mcunet::version::text()));
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromUtf8(mcunet::programs::kStudioDescription));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption theme(QStringLiteral("theme"), QString::fromUtf8(mcunet::programs::kStudioThemeHelp), QStringLiteral("name"));
    parser.addOption(theme);
    parser.addPositionalArgument(QStringLiteral("project"), QString::fromUtf8(mcunet::programs::kStudioProjectHelp));
    parser.process(app);

    mcunet::atomic_file::sweepStaleTempDirectories();  // left by runs that were killed (SIGKILL)
    mcunet::ui::captureSystemPalette();
    mcunet::ui::preferences::applyToolFolders();  // Preferences: the toolchain and QEMU folders go in front of PATH
    const QString themeName = parser.isSet(theme) ? parser.value(theme) : mcunet::ui::preferences::theme();
    mcunet::ui::applyTheme(mcunet::ui::themeFromString(themeName));

    mcunet::board::Catalog catalog;
    try {
        catalog = mcunet::board::Catalog::builtIn();
    } catch (const mcunet::Error& e) {
        qCritical("mcunet-studio: %s", e.what());
        return 2;
    }
    mcunet::ui::MainWindow window(std::move(catalog));
    const QStringList args = parser.positionalArguments();
    const bool tflite = !args.isEmpty() && args.front().endsWith(QLatin1String(".tflite"), Qt::CaseInsensitive);
    if (args.isEmpty() || !(tflite ? window.importTflite(args.front()) : window.openProject(args.front())))
        window.newProject();
    window.show();
    return app.exec();
}
