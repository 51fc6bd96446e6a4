#pragma once

// Drives the real wizard as a user would, for the GUI tests and the screenshot tool: the embedded
// sandbox on its own thread, started when the wizard asks for it, and clicks on the real buttons.
#include "sandbox/sandbox.h"
#include "support/wait.h"
#include "wizard/setup_wizard.h"
#include "wizard/sign_in_controller.h"
#include "wizard/wizard_controller.h"

#include <QAbstractButton>
#include <QCheckBox>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRadioButton>
#include <QTest>

#include <memory>

namespace dcr::test {

class WizardDriver {
public:
    using PageId = ui::SetupWizard::PageId;

    using Lifetime = wizard::WizardController::SandboxLifetime;

    // A sandbox of its own, started when the wizard asks; with OutlivesWizard the wizard treats it
    // as a dcr-sandbox running apart (--sandbox-url), whose progress is kept for the next start.
    explicit WizardDriver(Lifetime lifetime = Lifetime::EndsWithWizard) : wizard(std::make_unique<ui::SetupWizard>(ui::StartMode::Sandbox)) {
        sandbox::Seed seed;
        seed.autoApproveSignIn = true;
        host = std::make_unique<sandbox::SandboxHost>(seed);
        wizard::WizardController& controller = wizard->controller();
        QObject::connect(&controller, &wizard::WizardController::sandboxRequested, host.get(), [this] { host->start(); });
        QObject::connect(host.get(), &sandbox::SandboxHost::ready, &controller, [this, lifetime](const QJsonObject& i) {
            info = i;
            wizard->controller().useSandbox(i, lifetime);
        });
        wizard->show();
    }

    // A new wizard on a sandbox that is already running (moved out of an earlier driver), as
    // dcr-wizard --sandbox-url starts.
    WizardDriver(std::unique_ptr<sandbox::SandboxHost> running, const QJsonObject& runningInfo)
        : wizard(std::make_unique<ui::SetupWizard>(ui::StartMode::Sandbox)), host(std::move(running)), info(runningInfo) {
        wizard::WizardController& controller = wizard->controller();
        QObject::connect(&controller, &wizard::WizardController::sandboxRequested, &controller,
                         [this] { wizard->controller().useSandbox(info, Lifetime::OutlivesWizard); });
        wizard->show();
    }

    ~WizardDriver() {
        // The wizard's requests in flight go to the sandbox: close the wizard first.
        wizard.reset();
        host.reset();
    }

    bool waitForSandbox(int timeoutMs = 30000) {
        return waitUntil([this] { return wizard->controller().sandboxReady(); }, timeoutMs);
    }

    template <typename T>
    T* find(const char* objectName) const {
        return wizard->findChild<T*>(QLatin1String(objectName));
    }

    int page() const { return wizard->currentId(); }
    bool pageComplete() const { return wizard->currentPage()->isComplete(); }
    bool waitComplete(int timeoutMs = 30000) const {
        return waitUntil([this] { return pageComplete(); }, timeoutMs);
    }

    QAbstractButton* forwardButton() const {
        if (wizard->currentPage()->isFinalPage())
            return wizard->button(QWizard::FinishButton);
        return wizard->button(wizard->currentPage()->isCommitPage() ? QWizard::CommitButton : QWizard::NextButton);
    }

    // Where a user clicks: the middle of a push button; the indicator of a check box or radio
    // button, whose clickable area is only the indicator and its text.
    void click(QAbstractButton* button) const {
        const bool indicator = qobject_cast<QCheckBox*>(button) || qobject_cast<QRadioButton*>(button);
        QTest::mouseClick(button, Qt::LeftButton, {}, indicator ? QPoint(6, button->height() / 2) : QPoint());
    }
    void click(const char* objectName) const { click(find<QAbstractButton>(objectName)); }

    // Clicks Next (Apply on the commit page) once it is enabled; true when the wizard moved on.
    bool next(int timeoutMs = 30000) const {
        const int from = page();
        const bool enabled = waitUntil([this] { return forwardButton()->isVisible() && forwardButton()->isEnabled(); }, timeoutMs);
        if (!enabled)
            return false;
        click(forwardButton());
        return page() != from;
    }

    // On the sign-in page: the browser sign-in, which the sandbox approves at once.
    bool signIn(int timeoutMs = 30000) const {
        if (wizard->controller().signIn().state() == wizard::SignInController::State::SignedIn)
            return true;
        if (!waitUntil([this] { return find<QAbstractButton>("signInButton")->isEnabled(); }, timeoutMs))
            return false;
        click("signInButton");
        return waitComplete(timeoutMs);
    }

    // The happy path from wherever the wizard is up to `target`: signs in on the sign-in page and
    // otherwise waits for each page to be complete before clicking Next.
    bool advanceTo(PageId target, int timeoutMs = 60000) const {
        while (page() < target) {
            if (page() == PageId::SignIn && !signIn(timeoutMs))
                return false;
            if (!next(timeoutMs))
                return false;
        }
        return page() == target;
    }

    // A request to the sandbox's control endpoints (faults, state); the status code, 0 on no answer.
    // answer, if given, receives the body.
    int sandboxRequest(const QByteArray& method, const QString& path, const QByteArray& body = {}, QByteArray* answer = nullptr,
                       const QByteArray& bearer = {}) {
        QNetworkRequest request(QUrl(info.value(QStringLiteral("base_url")).toString() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer);
        QNetworkReply* reply = network.sendCustomRequest(request, method, body);
        waitUntil([reply] { return reply->isFinished(); }, 15000);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (answer)
            *answer = reply->readAll();
        reply->deleteLater();
        return status;
    }

    // A Konnect API call as the organization's administrator (the sandbox's personal token).
    int konnectRequest(const QByteArray& method, const QString& path, const QByteArray& body = {}) {
        return sandboxRequest(method, QStringLiteral("/konnect") + path, body, nullptr,
                              info.value(QStringLiteral("konnect_personal_token")).toString().toUtf8());
    }

    // Everything the sandbox holds (GET /_sandbox/state).
    QJsonObject sandboxState() {
        QByteArray body;
        sandboxRequest("GET", QStringLiteral("/_sandbox/state"), {}, &body);
        return QJsonDocument::fromJson(body).object();
    }

    std::unique_ptr<ui::SetupWizard> wizard;
    std::unique_ptr<sandbox::SandboxHost> host;
    QJsonObject info;
    QNetworkAccessManager network;
};

}  // namespace dcr::test
