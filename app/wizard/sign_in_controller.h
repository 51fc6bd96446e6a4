#pragma once

#include "core/error.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace dcr {
class EntraSignIn;
struct TokenSet;
}  // namespace dcr

namespace dcr::wizard {

class WizardController;

// Signs the administrator in to Microsoft Entra ID for the Sign-in page: browser (PKCE), device
// code, or a pasted token, then reads the tenant's name to show who is signed in where. The browser
// sign-in opens the user's browser (openBrowser). In sandbox mode the wizard first reads the
// sandbox's sign-in page itself: a sandbox seeded to approve sign-ins answers it with the redirect
// at once, and then there is nothing for a person to do, so the wizard follows it; a sandbox that
// shows its sign-in page gets the user's browser, as the real service does. Every wait has a
// deadline (timeoutMs), after which the sign-in fails with a sentence saying what to do.
class SignInController : public QObject {
    Q_OBJECT
public:
    enum class State { SignedOut, Waiting, SignedIn, Failed };

    explicit SignInController(WizardController& wizard, QObject* parent = nullptr);
    ~SignInController() override;

    void startBrowser();
    void startDeviceCode();
    void useToken(const QString& accessToken);
    // Forgets the sign-in: the tenant or the cloud changed, or the user cancelled.
    void reset();
    // How long a browser or device code sign-in may wait for the user (default 10 minutes).
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    State state() const { return m_state; }
    QString userName() const { return m_userName; }
    QString tenantName() const { return m_tenantName; }
    QString tenantId() const { return m_tenantId; }
    const Error& error() const { return m_error; }

signals:
    void stateChanged();
    // Open this in the user's browser, and show it with a Copy button in case no browser opens.
    void openBrowser(const QUrl& url);
    void deviceCode(const QString& userCode, const QUrl& verificationUri, const QString& message, int expiresInSeconds);

private:
    bool begin();
    void onSignedIn(const TokenSet& tokens);
    void fail(const Error& error);
    void setState(State state);

    WizardController& m_wizard;
    std::unique_ptr<EntraSignIn> m_signIn;
    State m_state = State::SignedOut;
    QString m_userName;
    QString m_tenantName;
    QString m_tenantId;
    Error m_error;
    quint64 m_attempt = 0;  // ignores answers of a sign-in the user abandoned
    int m_timeoutMs = 10 * 60 * 1000;
    QTimer m_deadline;
};

}  // namespace dcr::wizard
