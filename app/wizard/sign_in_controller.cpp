#include "wizard/sign_in_controller.h"

#include "auth/entra_sign_in.h"
#include "clients/graph_client.h"
#include "engine/session.h"
#include "profile/profile.h"
#include "wizard/run_log.h"
#include "wizard/wizard_controller.h"

#include <QPointer>


namespace dcr::wizard {

SignInController::SignInController(WizardController& wizard, QObject* parent) : QObject(parent), m_wizard(wizard) {
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (m_state != State::Waiting)
            return;
        ++m_attempt;
        if (m_signIn)
            m_signIn->cancel();
        const int minutes = std::max(1, m_timeoutMs / 60000);
        fail(Error::make(QStringLiteral("auth.sign_in_timeout"),
                         m_timeoutMs >= 60000 ? tr("The sign-in was not completed within %n minute(s).", nullptr, minutes)
                                              : tr("The sign-in was not completed within %n second(s).", nullptr, std::max(1, m_timeoutMs / 1000)),
                         tr("Sign in again. If no browser opened, copy the sign-in address into one, or use the device code "
                            "sign-in.")));
    });
    // The sign-in talks through the session's HTTP client and must not outlive it. The tokens
    // stay valid: they belong to the tenant, not to the client.
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        m_signIn.reset();
        if (m_state == State::Waiting)
            setState(State::SignedOut);
    });
}

SignInController::~SignInController() = default;

bool SignInController::begin() {
    if (m_wizard.isSandbox() && !m_wizard.sandboxReady()) {
        fail(Error::make(QStringLiteral("sandbox_not_ready"), tr("The sandbox is still starting."),
                         tr("Wait a moment and sign in again.")));
        return false;
    }
    const Profile& profile = m_wizard.profile();
    engine::Session& session = m_wizard.session();
    const Endpoints& endpoints = session.endpoints();
    ++m_attempt;
    m_signIn = std::make_unique<EntraSignIn>(session.http(), endpoints.login, profile.azure.tenant, profile.azure.publicClientId,
                                             EntraSignIn::defaultScopes(QUrl(endpoints.graphResource)));
    const quint64 attempt = m_attempt;
    connect(m_signIn.get(), &EntraSignIn::signedIn, this, [this, attempt](const TokenSet& tokens) {
        if (attempt == m_attempt)
            onSignedIn(tokens);
    });
    connect(m_signIn.get(), &EntraSignIn::failed, this, [this, attempt](const Error& error) {
        if (attempt == m_attempt)
            fail(error);
    });
    connect(m_signIn.get(), &EntraSignIn::deviceCode, this, &SignInController::deviceCode);
    connect(m_signIn.get(), &EntraSignIn::browserUrl, this, [this, attempt](const QUrl& url) {
        if (!m_wizard.isSandbox()) {
            emit openBrowser(url);
            return;
        }
        // The page's answer may come after this controller is gone (the wizard closing).
        openSandboxSignInPage(m_wizard.network(), url, [self = QPointer<SignInController>(this), attempt, url] {
            if (self && attempt == self->m_attempt && self->m_state == State::Waiting)
                emit self->openBrowser(url);
        });
    });
    m_error = {};
    setState(State::Waiting);
    m_deadline.start(m_timeoutMs);
    return true;
}

void SignInController::startBrowser() {
    if (begin())
        m_signIn->startBrowserSignIn();
}

void SignInController::startDeviceCode() {
    if (begin())
        m_signIn->startDeviceCode();
}

void SignInController::useToken(const QString& accessToken) {
    if (begin())
        m_signIn->useAccessToken(accessToken.trimmed());
}

void SignInController::reset() {
    ++m_attempt;
    if (m_signIn)
        m_signIn->cancel();
    m_signIn.reset();
    m_userName.clear();
    m_tenantName.clear();
    m_tenantId.clear();
    m_error = {};
    m_wizard.setGraphToken({});
    m_wizard.setTenantIdSignedIn({});
    if (m_state != State::SignedOut)
        setState(State::SignedOut);
}

void SignInController::onSignedIn(const TokenSet& tokens) {
    m_wizard.setGraphToken(tokens.accessToken);
    m_userName = tokens.userName;
    m_wizard.log().append(tr("Signed in to Microsoft Entra ID as %1.").arg(m_userName.isEmpty() ? tr("the administrator") : m_userName));
    const quint64 attempt = m_attempt;
    // Who signed in is in the token; which tenant that is, by name, only Graph can say.
    m_wizard.session().context().services.graph->organization([this, attempt](const Result<GraphOrganization>& r) {
        if (attempt != m_attempt)
            return;
        if (!r.ok()) {
            fail(*r.error);
            return;
        }
        const QString wanted = m_wizard.profile().azure.tenant;
        const bool matches = isTenantGuid(wanted) ? r.value->id.compare(wanted, Qt::CaseInsensitive) == 0
                                                  : r.value->verifiedDomains.contains(wanted, Qt::CaseInsensitive);
        if (!matches) {
            fail(Error::make(QStringLiteral("wrong_tenant"),
                             tr("You signed in to the tenant '%1' (%2), not to '%3'.").arg(r.value->displayName, r.value->id, wanted),
                             tr("Sign in with an account of '%1', or change the tenant above.").arg(wanted)));
            return;
        }
        m_tenantName = r.value->displayName;
        m_tenantId = r.value->id;
        m_wizard.setTenantIdSignedIn(m_tenantId);
        setState(State::SignedIn);
    });
}

void SignInController::fail(const Error& error) {
    m_error = error;
    m_wizard.setGraphToken({});
    m_wizard.log().append(tr("Sign-in failed: %1 %2").arg(error.what, error.remedy));
    setState(State::Failed);
}

void SignInController::setState(State state) {
    if (state != State::Waiting)
        m_deadline.stop();
    m_state = state;
    emit stateChanged();
}

}  // namespace dcr::wizard
