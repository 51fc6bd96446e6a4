// The wizard's browser sign-in without its widgets, for tests/browser/browser_test.py: the
// wizard's own controllers (WizardController, SignInController, EntraSignIn with PKCE and its
// loopback listener) against a running dcr-sandbox, and the user's browser opened exactly as the
// Sign-in page opens it (QDesktopServices::openUrl, which follows xdg-open and BROWSER), so that the
// test's BROWSER command hands the address to a real browser.
//
// Usage: dcr-wizard-sign-in-probe SANDBOX_URL [TIMEOUT_SECONDS]
// Prints one JSON line: {"state":"signed_in","user":…,"tenant_name":…,"tenant_id":…} (exit 0), or
// {"state":"failed","code":…,"what":…,"remedy":…} (exit 3), or a sentence on stderr (exit 2).
#include "core/http_client.h"
#include "wizard/sign_in_controller.h"
#include "wizard/wizard_controller.h"

#include <QDesktopServices>
#include <QGuiApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

#include <cstdio>

using dcr::wizard::SignInController;
using dcr::wizard::WizardController;

namespace {

void printLine(const QJsonObject& o) {
    printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("dcr-wizard-tests"));
    QGuiApplication::setApplicationName(QStringLiteral("dcr-wizard-sign-in-probe"));
    if (argc < 2) {
        fprintf(stderr, "usage: %s SANDBOX_URL [TIMEOUT_SECONDS]\n", argv[0]);
        return 2;
    }
    const QUrl sandbox(QString::fromLocal8Bit(argv[1]));
    const int timeoutSeconds = argc > 2 ? QByteArray(argv[2]).toInt() : 60;

    WizardController controller(WizardController::Mode::Sandbox);
    SignInController& signIn = controller.signIn();
    signIn.setTimeoutMs(timeoutSeconds * 1000);
    // What the Sign-in page does with the address.
    QObject::connect(&signIn, &SignInController::openBrowser, &app, [](const QUrl& url) {
        if (!QDesktopServices::openUrl(url))
            fprintf(stderr, "dcr-wizard-sign-in-probe: no browser could be started for the sign-in address\n");
    });
    QObject::connect(&signIn, &SignInController::stateChanged, &app, [&signIn] {
        if (signIn.state() == SignInController::State::SignedIn) {
            printLine({{QStringLiteral("state"), QStringLiteral("signed_in")},
                       {QStringLiteral("user"), signIn.userName()},
                       {QStringLiteral("tenant_name"), signIn.tenantName()},
                       {QStringLiteral("tenant_id"), signIn.tenantId()}});
            QCoreApplication::exit(0);
        } else if (signIn.state() == SignInController::State::Failed) {
            printLine({{QStringLiteral("state"), QStringLiteral("failed")},
                       {QStringLiteral("code"), signIn.error().code},
                       {QStringLiteral("what"), signIn.error().what},
                       {QStringLiteral("remedy"), signIn.error().remedy}});
            QCoreApplication::exit(3);
        }
    });

    // As dcr-wizard --sandbox-url does: the running sandbox's addresses from its /_sandbox/info.
    dcr::HttpClient http(&controller.network());
    dcr::HttpRequest request;
    request.url = sandbox.resolved(QUrl(QStringLiteral("/_sandbox/info")));
    http.send(request, [&](const dcr::HttpResponse& response, const std::optional<dcr::Error>& error) {
        if (error) {
            fprintf(stderr, "dcr-wizard-sign-in-probe: %s\n", qPrintable(error->message()));
            QCoreApplication::exit(2);
            return;
        }
        controller.useSandbox(response.json(), WizardController::SandboxLifetime::OutlivesWizard);
        signIn.startBrowser();
    });
    return app.exec();
}
