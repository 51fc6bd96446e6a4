#include "cli/unattended.h"
#include "core/version.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "sandbox/sandbox.h"
#include "wizard/setup_wizard.h"
#include "wizard/wizard_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QNetworkReply>
#include <QJsonDocument>
#include <QNetworkAccessManager>

#include <cstdio>
#include <memory>

namespace {

struct Options {
    bool sandbox = false;
    QUrl sandboxUrl;  // a dcr-sandbox already running on this machine
    bool unattended = false;
    QString profilePath;
    dcr::UnattendedOptions run;
};

enum class Parsed { Gui, Unattended, Exit };

Parsed parseArguments(const QStringList& arguments, Options& options, int& exitCode) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Sets up a Kong Konnect Dev Portal that registers applications in Microsoft Entra ID "
                "through Dynamic Client Registration."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption sandbox(QStringLiteral("sandbox"),
                                     QCoreApplication::translate("main", "Run against the embedded offline sandbox."));
    const QCommandLineOption unattended(QStringLiteral("unattended"),
                                        QCoreApplication::translate("main", "Run the profile without a window; progress on stderr, summary on stdout."));
    const QCommandLineOption profile(QStringLiteral("profile"), QCoreApplication::translate("main", "The profile to run (JSON, no secrets)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), QCoreApplication::translate("main", "Show what exists and what would be created; change nothing."));
    const QCommandLineOption cleanup(QStringLiteral("cleanup"), QCoreApplication::translate("main", "Delete what this tool created for the profile."));
    const QCommandLineOption resume(QStringLiteral("resume"), QCoreApplication::translate("main", "Continue an interrupted run from its saved progress."));
    const QCommandLineOption json(QStringLiteral("json"), QCoreApplication::translate("main", "Print the summary as JSON."));
    const QCommandLineOption state(QStringLiteral("state-file"),
                                   QCoreApplication::translate("main", "Where progress is saved (default: the user's data folder)."),
                                   QStringLiteral("FILE"));
    const QCommandLineOption sandboxUrl(QStringLiteral("sandbox-url"),
                                        QCoreApplication::translate("main", "Use a dcr-sandbox already running on this machine instead of the embedded one."),
                                        QStringLiteral("URL"));
    const QCommandLineOption timeout(QStringLiteral("request-timeout"),
                                     QCoreApplication::translate("main", "Give up on a request that stays silent this long (default 30)."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({sandbox, sandboxUrl, unattended, profile, dryRun, cleanup, resume, json, state, timeout});

    const auto usage = [&](const QString& message) {
        fprintf(stderr, "dcr-wizard: %s\n\n%s", qPrintable(message), qPrintable(parser.helpText()));
        exitCode = dcr::ExitUserError;
        return Parsed::Exit;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        fputs(qPrintable(parser.helpText()), stdout);
        exitCode = 0;
        return Parsed::Exit;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        printf("%s %s\n", dcr::kApplicationName, dcr::kVersion);
        exitCode = 0;
        return Parsed::Exit;
    }
    options.sandbox = parser.isSet(sandbox) || parser.isSet(sandboxUrl);
    if (parser.isSet(sandboxUrl)) {
        options.sandboxUrl = QUrl(parser.value(sandboxUrl));
        const QHostAddress host(options.sandboxUrl.host());
        if (options.sandboxUrl.scheme() != QLatin1String("http") || !(host.isLoopback() || options.sandboxUrl.host() == QLatin1String("localhost")))
            return usage(QStringLiteral("--sandbox-url must be an http:// address on this machine."));
    }
    options.unattended = parser.isSet(unattended);
    options.profilePath = parser.value(profile);
    options.run.resume = parser.isSet(resume);
    options.run.json = parser.isSet(json);
    options.run.statePath = parser.value(state);
    if (parser.isSet(timeout)) {
        bool ok = false;
        const int seconds = parser.value(timeout).toInt(&ok);
        if (!ok || seconds < 1 || seconds > 600)
            return usage(QStringLiteral("--request-timeout takes a number of seconds from 1 to 600."));
        options.run.requestTimeoutMs = seconds * 1000;
    }
    if (parser.isSet(dryRun) + parser.isSet(cleanup) > 1)
        return usage(QStringLiteral("--dry-run and --cleanup exclude each other."));
    options.run.mode = parser.isSet(dryRun)    ? dcr::UnattendedOptions::Mode::DryRun
                       : parser.isSet(cleanup) ? dcr::UnattendedOptions::Mode::Cleanup
                                               : dcr::UnattendedOptions::Mode::Apply;
    if (!options.unattended)
        return Parsed::Gui;
    if (options.profilePath.isEmpty())
        return usage(QStringLiteral("--unattended needs --profile FILE."));
    return Parsed::Unattended;
}

std::optional<dcr::Profile> loadProfile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fprintf(stderr, "dcr-wizard: cannot read the profile %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        fprintf(stderr, "dcr-wizard: %s is not a JSON object: %s\n", qPrintable(path), qPrintable(parseError.errorString()));
        return std::nullopt;
    }
    QStringList errors;
    auto profile = dcr::Profile::fromJson(doc.object(), &errors);
    if (!profile) {
        fprintf(stderr, "dcr-wizard: the profile %s has problems:\n", qPrintable(path));
        for (const QString& e : errors)
            fprintf(stderr, "  - %s\n", qPrintable(e));
    }
    return profile;
}

// The sandbox impersonates the profile's tenant, so a customer's profile replays unchanged.
dcr::sandbox::Seed sandboxSeedFor(const dcr::Profile& profile) {
    dcr::sandbox::Seed seed;
    if (dcr::isTenantGuid(profile.azure.tenant))
        seed.tenantId = profile.azure.tenant.toLower();
    else
        seed.tenantDomain = profile.azure.tenant;
    seed.autoApproveSignIn = true;
    return seed;
}

int runUnattended(QCoreApplication& app, const Options& options) {
    const auto profile = loadProfile(options.profilePath);
    if (!profile)
        return dcr::ExitUserError;
    QNetworkAccessManager network;
    std::unique_ptr<dcr::Unattended> run;
    std::unique_ptr<dcr::sandbox::SandboxHost> host;
    int exitCode = dcr::ExitOk;
    const auto start = [&](const dcr::Endpoints& endpoints) {
        run = std::make_unique<dcr::Unattended>(*profile, endpoints, options.run, &network);
        QObject::connect(run.get(), &dcr::Unattended::finished, &app, [&](int code) {
            exitCode = code;
            app.quit();
        });
    };
    const auto startSandboxRun = [&](const QJsonObject& info) {
        start(dcr::Endpoints::fromSandboxInfo(info));
        dcr::engine::ValidationTargets targets;
        targets.gatewayUrl = info.value(QStringLiteral("gateway_url")).toString();
        targets.developerEmail = info.value(QStringLiteral("developer_email")).toString();
        targets.developerPassword = info.value(QStringLiteral("developer_password")).toString();
        run->useSandbox(info.value(QStringLiteral("konnect_personal_token")).toString(), targets);
        run->start();
    };
    const auto sandboxFailed = [&](const QString& message) {
        fprintf(stderr, "dcr-wizard: %s\n", qPrintable(message));
        exitCode = dcr::ExitRemoteFailure;
        app.quit();
    };
    if (options.sandboxUrl.isValid()) {
        QNetworkReply* reply = network.get(QNetworkRequest(options.sandboxUrl.resolved(QUrl(QStringLiteral("/_sandbox/info")))));
        QObject::connect(reply, &QNetworkReply::finished, &app, [&, reply] {
            reply->deleteLater();
            const QJsonObject info = QJsonDocument::fromJson(reply->readAll()).object();
            if (reply->error() != QNetworkReply::NoError || info.isEmpty())
                sandboxFailed(QStringLiteral("no dcr-sandbox answers at %1 (%2)").arg(options.sandboxUrl.toString(), reply->errorString()));
            else
                startSandboxRun(info);
        });
    } else if (options.sandbox) {
        host = std::make_unique<dcr::sandbox::SandboxHost>(sandboxSeedFor(*profile));
        QObject::connect(host.get(), &dcr::sandbox::SandboxHost::failed, &app, sandboxFailed);
        QObject::connect(host.get(), &dcr::sandbox::SandboxHost::ready, &app, startSandboxRun);
        host->start();
    } else {
        start(dcr::Endpoints::forProfile(*profile));
        run->start();
    }
    app.exec();
    return exitCode;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    int exitCode = 0;
    {
        // --help, --version and --unattended must work without a display: parse (and run headless)
        // under a QCoreApplication before any GUI object exists.
        QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QLatin1String(dcr::kApplicationName));
        QCoreApplication::setOrganizationName(QLatin1String(dcr::kOrganizationName));
        QCoreApplication::setApplicationVersion(QLatin1String(dcr::kVersion));
        switch (parseArguments(QCoreApplication::arguments(), options, exitCode)) {
        case Parsed::Exit:
            return exitCode;
        case Parsed::Unattended:
            return runUnattended(core, options);
        case Parsed::Gui:
            break;
        }
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QLatin1String(dcr::kApplicationName));
    QApplication::setOrganizationName(QLatin1String(dcr::kOrganizationName));
    QApplication::setApplicationVersion(QLatin1String(dcr::kVersion));
    QApplication::setDesktopFileName(QStringLiteral("dcr-wizard"));

    dcr::ui::SetupWizard wizard(options.sandbox ? dcr::ui::StartMode::Sandbox : dcr::ui::StartMode::Remembered);
    dcr::wizard::WizardController& controller = wizard.controller();
    // The wizard asks for the sandbox once its first page is on screen, so that the sandbox's cold
    // start (key generation on its own thread) never delays the window.
    QNetworkAccessManager network;
    std::unique_ptr<dcr::sandbox::SandboxHost> host;
    QObject::connect(&controller, &dcr::wizard::WizardController::sandboxRequested, &wizard, [&] {
        if (options.sandboxUrl.isValid()) {
            QNetworkReply* reply = network.get(QNetworkRequest(options.sandboxUrl.resolved(QUrl(QStringLiteral("/_sandbox/info")))));
            QObject::connect(reply, &QNetworkReply::finished, &controller, [&controller, reply, url = options.sandboxUrl] {
                reply->deleteLater();
                const QJsonObject info = QJsonDocument::fromJson(reply->readAll()).object();
                if (reply->error() != QNetworkReply::NoError || info.isEmpty())
                    controller.sandboxFailed(QCoreApplication::translate("main", "no dcr-sandbox answers at %1 (%2)").arg(url.toString(), reply->errorString()));
                else
                    controller.useSandbox(info);
            });
            return;
        }
        if (!host) {
            dcr::sandbox::Seed seed;
            seed.autoApproveSignIn = true;  // the wizard follows the sign-in page itself
            host = std::make_unique<dcr::sandbox::SandboxHost>(seed);
            QObject::connect(host.get(), &dcr::sandbox::SandboxHost::ready, &controller, &dcr::wizard::WizardController::useSandbox);
            QObject::connect(host.get(), &dcr::sandbox::SandboxHost::failed, &controller, &dcr::wizard::WizardController::sandboxFailed);
        }
        host->start();
    });
    wizard.show();
    return app.exec();
}
