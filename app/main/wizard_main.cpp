#include "cli/unattended.h"
#include "core/http_client.h"
#include "core/process_hardening.h"
#include "core/redaction.h"
#include "core/version.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "sandbox/sandbox.h"
#include "wizard/setup_wizard.h"
#include "wizard/translations.h"
#include "wizard/wizard_controller.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QIcon>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QSslCertificate>
#include <QSslConfiguration>

#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <utility>

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
    const QCommandLineOption cleanup(QStringLiteral("cleanup"),
                                     QCoreApplication::translate("main", "Delete what this tool created for the profile (with --dry-run: only show what "
                                                                         "would be deleted and what kept)."));
    const QCommandLineOption adopt(QStringLiteral("adopt"),
                                   QCoreApplication::translate("main", "Use objects that exist but were not created by dcr-wizard (an app, a DCR "
                                                                       "provider, an auth strategy, a publication with another strategy); "
                                                                       "clean-up never deletes them."));
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
    const QCommandLineOption signInTimeout(QStringLiteral("sign-in-timeout"),
                                           QStringLiteral("Unattended: give up on the Microsoft Entra sign-in (device code) if it is not "
                                                          "completed within this time (default 600)."),
                                           QStringLiteral("SECONDS"));
    const QCommandLineOption customEndpoints(QStringLiteral("allow-custom-endpoints"),
                                             QCoreApplication::translate("main", "Send the sign-in and the tokens to the custom hosts a profile "
                                                                                 "names (azure.cloud or konnect.region \"custom\")."));
    parser.addOptions({sandbox, sandboxUrl, unattended, profile, dryRun, cleanup, adopt, customEndpoints, resume, json, state, timeout, signInTimeout});

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
        const bool web = options.sandboxUrl.scheme() == QLatin1String("http") || options.sandboxUrl.scheme() == QLatin1String("https");
        if (!web || !(host.isLoopback() || options.sandboxUrl.host() == QLatin1String("localhost")))
            return usage(QStringLiteral("--sandbox-url must be an http:// or https:// address on this machine."));
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
    if (parser.isSet(signInTimeout)) {
        bool ok = false;
        const int seconds = parser.value(signInTimeout).toInt(&ok);
        if (!ok || seconds < 1 || seconds > 86400)
            return usage(QStringLiteral("--sign-in-timeout takes a number of seconds from 1 to 86400."));
        options.run.signInTimeoutMs = seconds * 1000;
    }
    options.run.adopt = parser.isSet(adopt);
    options.run.allowCustomEndpoints = parser.isSet(customEndpoints);
    options.run.mode = parser.isSet(cleanup) && parser.isSet(dryRun) ? dcr::UnattendedOptions::Mode::CleanupPlan
                       : parser.isSet(dryRun)                         ? dcr::UnattendedOptions::Mode::DryRun
                       : parser.isSet(cleanup)                        ? dcr::UnattendedOptions::Mode::Cleanup
                                               : dcr::UnattendedOptions::Mode::Apply;
    if (!options.unattended)
        return Parsed::Gui;
    if (options.profilePath.isEmpty())
        return usage(QStringLiteral("--unattended needs --profile FILE."));
    return Parsed::Unattended;
}

std::optional<dcr::Profile> loadProfile(const QString& path) {
    QStringList errors;
    auto profile = dcr::Profile::readFile(path, &errors);
    if (!profile) {
        if (errors.size() == 1) {
            fprintf(stderr, "dcr-wizard: %s\n", qPrintable(errors.first()));
        } else {
            fprintf(stderr, "dcr-wizard: the profile %s has problems:\n", qPrintable(path));
            for (const QString& e : errors)
                fprintf(stderr, "  - %s\n", qPrintable(e));
        }
    }
    return profile;
}

// Asks a running dcr-sandbox for its base URLs and credentials through the HttpClient, so that its
// answer is checked like every other (an untrusted certificate is refused and explained). done gets
// the info, or an empty object and why there is none.
void fetchSandboxInfo(dcr::HttpClient& http, const QUrl& sandboxUrl, std::function<void(const QJsonObject&, const QString&)> done) {
    dcr::HttpRequest request;
    request.url = sandboxUrl.resolved(QUrl(QStringLiteral("/_sandbox/info")));
    // A sandbox that is not running will not start by itself: say so at once.
    dcr::RetryPolicy::Config once;
    once.maxAttempts = 1;
    request.retry = once;
    http.send(request, [sandboxUrl, done = std::move(done)](const dcr::HttpResponse& response, const std::optional<dcr::Error>& error) {
        const QJsonObject info = response.json();
        if (error || info.isEmpty())
            done({}, QCoreApplication::translate("main", "no dcr-sandbox answers at %1: %2")
                         .arg(sandboxUrl.toString(), error ? error->message() : QCoreApplication::translate("main", "the answer is not a sandbox's.")));
        else
            done(info, {});
    });
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
    // Queued: a quit() before exec() is lost, and some endings come before the loop runs.
    const auto end = [&](int code) {
        exitCode = code;
        QMetaObject::invokeMethod(&app, &QCoreApplication::quit, Qt::QueuedConnection);
    };
    const auto start = [&](const dcr::Endpoints& endpoints) {
        run = std::make_unique<dcr::Unattended>(*profile, endpoints, options.run, &network);
        QObject::connect(run.get(), &dcr::Unattended::finished, &app, end);
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
        fprintf(stderr, "dcr-wizard: %s\n", qPrintable(dcr::redactText(message)));
        end(dcr::ExitRemoteFailure);
    };
    dcr::HttpClient http(&network);
    if (options.sandboxUrl.isValid()) {
        fetchSandboxInfo(http, options.sandboxUrl, [&](const QJsonObject& info, const QString& why) {
            if (info.isEmpty())
                sandboxFailed(why);
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

// SSL_CERT_FILE names a PEM file of CA certificates to trust besides the system's store, as with
// OpenSSL's own tools: how a private CA (a TLS-inspecting proxy, a test's throwaway CA) is trusted
// for one run without installing it. Qt reads only the system's store by itself.
void trustCertificatesFromEnvironment() {
    const QString path = qEnvironmentVariable("SSL_CERT_FILE");
    if (path.isEmpty())
        return;
    const QList<QSslCertificate> extra = QSslCertificate::fromPath(path, QSsl::Pem);
    if (extra.isEmpty()) {
        fprintf(stderr, "dcr-wizard: SSL_CERT_FILE=%s holds no PEM certificate, so it adds nothing to the trusted CAs.\n",
                qPrintable(path));
        return;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setCaCertificates(tls.caCertificates() + extra);
    QSslConfiguration::setDefaultConfiguration(tls);
}

// The first paint of the first page. What can wait (the embedded sandbox's cold start: key
// generation, on its own thread but on the same cores) waits for it. With
// DCR_WIZARD_STARTUP_PROBE=1 (tests/perf/benchmark.sh) the moment of that paint event
// (CLOCK_MONOTONIC) and the peak RSS until then (VmHWM) are printed on stdout, and the program quits.
class FirstPaint : public QObject {
public:
    explicit FirstPaint(QWidget* page) : m_probe(qEnvironmentVariableIsSet("DCR_WIZARD_STARTUP_PROBE")) {
        page->installEventFilter(this);
    }

    // Runs work once the first paint is done, or at once if it is.
    void after(std::function<void()> work) {
        if (m_painted)
            work();
        else
            m_waiting.append(std::move(work));
    }

    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Paint || m_painted)
            return QObject::eventFilter(watched, event);
        m_painted = true;
        if (m_probe)
            report();
        // Queued: the paint and its flush to the screen finish first.
        QMetaObject::invokeMethod(this, [this] {
            for (const std::function<void()>& work : std::exchange(m_waiting, {}))
                work();
        }, Qt::QueuedConnection);
        return QObject::eventFilter(watched, event);
    }

private:
    static void report() {
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long peakKib = -1;
        QFile status(QStringLiteral("/proc/self/status"));
        if (status.open(QIODevice::ReadOnly))
            for (const QByteArray& line : status.readAll().split('\n'))
                if (line.startsWith("VmHWM:"))
                    peakKib = line.mid(6).trimmed().split(' ').value(0).toLongLong();
        printf("startup_probe first_paint_monotonic_ns=%lld vmhwm_kib=%lld\n",
               static_cast<long long>(now.tv_sec) * 1000000000LL + now.tv_nsec, peakKib);
        fflush(stdout);
        QMetaObject::invokeMethod(qApp, &QCoreApplication::quit, Qt::QueuedConnection);
    }

    const bool m_probe;
    bool m_painted = false;
    QList<std::function<void()>> m_waiting;
};

}  // namespace

int main(int argc, char** argv) {
    // First, before any thread: no core dumps, not dumpable, and the tokens out of the environment.
    dcr::hardenProcess();
    Options options;
    options.run.konnectTokenFromEnvironment = dcr::takeEnvironmentSecret("DCR_WIZARD_KONNECT_TOKEN");
    options.run.graphTokenFromEnvironment = dcr::takeEnvironmentSecret("DCR_WIZARD_GRAPH_TOKEN");
    int exitCode = 0;
    {
        // --help, --version and --unattended must work without a display: parse (and run headless)
        // under a QCoreApplication before any GUI object exists.
        QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QLatin1String(dcr::kApplicationName));
        QCoreApplication::setOrganizationName(QLatin1String(dcr::kOrganizationName));
        QCoreApplication::setApplicationVersion(QLatin1String(dcr::kVersion));
        dcr::ui::installTranslations(core);
        const Parsed parsed = parseArguments(QCoreApplication::arguments(), options, exitCode);
        if (parsed != Parsed::Exit)
            trustCertificatesFromEnvironment();
        switch (parsed) {
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
    // Wayland compositors match the window to its menu entry and icon by this id, so it must be the
    // installed desktop file's name (installer/linux/).
    QApplication::setDesktopFileName(QStringLiteral("io.github.dcr_wizard.DcrWizard"));
    // The language of the desktop session (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); English otherwise.
    dcr::ui::installTranslations(app);

    dcr::ui::SetupWizard wizard(options.sandbox ? dcr::ui::StartMode::Sandbox : dcr::ui::StartMode::Remembered);
    dcr::wizard::WizardController& controller = wizard.controller();
    // The wizard asks for the sandbox as soon as it runs; it is started once the first page is on
    // screen, so that the sandbox's cold start never delays the window.
    // The wizard's one network manager asks a running dcr-sandbox for its addresses too.
    dcr::HttpClient http(&controller.network());
    std::unique_ptr<dcr::sandbox::SandboxHost> host;
    FirstPaint firstPaint(wizard.page(wizard.startId()));
    // Rendering the SVG icon in every size the window manager may want loads the SVG renderer and
    // took a thread pool before the first paint; the window gets it right after.
    firstPaint.after([] { QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/io.github.dcr_wizard.DcrWizard.svg"))); });
    QObject::connect(&controller, &dcr::wizard::WizardController::sandboxRequested, &wizard, [&] { firstPaint.after([&] {
        if (options.sandboxUrl.isValid()) {
            fetchSandboxInfo(http, options.sandboxUrl, [&controller](const QJsonObject& info, const QString& why) {
                if (info.isEmpty())
                    controller.sandboxFailed(why);
                else
                    controller.useSandbox(info, dcr::wizard::WizardController::SandboxLifetime::OutlivesWizard);
            });
            return;
        }
        if (!host) {
            dcr::sandbox::Seed seed;
            seed.autoApproveSignIn = true;  // the wizard follows the sign-in page itself
            host = std::make_unique<dcr::sandbox::SandboxHost>(seed);
            QObject::connect(host.get(), &dcr::sandbox::SandboxHost::ready, &controller,
                             [&controller](const QJsonObject& info) { controller.useSandbox(info); });
            QObject::connect(host.get(), &dcr::sandbox::SandboxHost::failed, &controller, &dcr::wizard::WizardController::sandboxFailed);
        }
        host->start();
    }); });
    wizard.show();
    return app.exec();
}
