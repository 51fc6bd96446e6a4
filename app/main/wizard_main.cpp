#include "core/version.h"
#include "wizard/setup_wizard.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

namespace {

struct Options {
    bool sandbox = false;
};

// --help and --version must work on a machine without a display, so the arguments are parsed
// under a QCoreApplication before any GUI object exists.
bool parseArguments(int& argc, char** argv, Options& options, int& exitCode) {
    QCoreApplication probe(argc, argv);
    QCoreApplication::setApplicationName(QLatin1String(dcr::kApplicationName));
    QCoreApplication::setApplicationVersion(QLatin1String(dcr::kVersion));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Sets up a Kong Konnect Dev Portal that registers applications in Microsoft Entra ID "
                "through Dynamic Client Registration."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption sandbox(QStringLiteral("sandbox"),
                               QCoreApplication::translate("main", "Run against the embedded offline sandbox."));
    parser.addOption(sandbox);
    if (!parser.parse(QCoreApplication::arguments())) {
        fprintf(stderr, "%s\n\n%s", qPrintable(parser.errorText()), qPrintable(parser.helpText()));
        exitCode = 2;
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        fputs(qPrintable(parser.helpText()), stdout);
        exitCode = 0;
        return false;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printf("%s %s\n", dcr::kApplicationName, dcr::kVersion);
        exitCode = 0;
        return false;
    }
    options.sandbox = parser.isSet(sandbox);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    int exitCode = 0;
    if (!parseArguments(argc, argv, options, exitCode))
        return exitCode;

    QApplication app(argc, argv);
    QApplication::setApplicationName(QLatin1String(dcr::kApplicationName));
    QApplication::setOrganizationName(QLatin1String(dcr::kOrganizationName));
    QApplication::setApplicationVersion(QLatin1String(dcr::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("dcr-wizard"));

    dcr::ui::SetupWizard wizard(options.sandbox ? dcr::ui::StartMode::Sandbox : dcr::ui::StartMode::Remembered);
    wizard.show();
    return app.exec();
}
