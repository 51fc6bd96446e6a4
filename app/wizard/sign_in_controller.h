#pragma once

#include "core/error.h"

#include <QObject>
#include <QUrl>

#include <memory>

namespace dcr {
class EntraSignIn;
struct TokenSet;
}  // namespace dcr

namespace dcr::wizard {

class WizardController;

// Signs the administrator in to Microsoft Entra ID for the Sign-in page: browser (PKCE), device
// code, or a pasted token, then reads the tenant's name to show who is signed in where. In the
// sandbox the wizard follows the sign-in page itself, which approves at once, so no browser is
// involved.
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

    State state() const { return m_state; }
    QString userName() const { return m_userName; }
    QString tenantName() const { return m_tenantName; }
    QString tenantId() const { return m_tenantId; }
    const Error& error() const { return m_error; }

signals:
    void stateChanged();
    // Real mode: open this in the user's browser (and show it, in case no browser opens).
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
};

}  // namespace dcr::wizard
