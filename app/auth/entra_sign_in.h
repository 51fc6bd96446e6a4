#pragma once

#include "clients/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QPair>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include <functional>
#include <memory>

class QNetworkAccessManager;
class QTcpServer;
class QTcpSocket;
class QTimer;

namespace dcr {

class HttpClient;

// The admin's delegated tokens for Microsoft Graph. Held in memory only.
struct TokenSet {
    QString accessToken;
    QString refreshToken;  // kept in the keychain only if the user asks for it
    QDateTime expiresAt;
    QString tenantId;
    QString userName;      // upn or name claim, for "signed in as …"
    QStringList scopes;
};

// Signs the administrator in to Microsoft Entra ID with the public client (default: Microsoft Graph
// Command Line Tools): authorization code + PKCE (S256, built on QCryptographicHash and
// QRandomGenerator::system()) with a loopback listener for http://localhost:PORT on both 127.0.0.1
// and ::1, which ends the wait only for the redirect that carries this sign-in's state; device
// code as the fallback; or an access token the admin already has. api-facts §1.
class EntraSignIn : public QObject {
    Q_OBJECT
public:
    static QStringList defaultScopes(const QUrl& graphBase);

    EntraSignIn(HttpClient& http, QUrl loginBase, QString tenant, QString clientId, QStringList scopes,
                QObject* parent = nullptr);
    ~EntraSignIn() override;

    // Starts the loopback listener and emits browserUrl() with the authorize URL to open; the
    // answer arrives as signedIn() or failed().
    void startBrowserSignIn();
    // Emits deviceCode() with what to show the user, then polls at the interval the service asks for.
    void startDeviceCode();
    // Accepts a token the admin already has, after checking it is a JWT that has not expired.
    void useAccessToken(const QString& accessToken);
    void refresh();
    void cancel();
    // The loopback listener's port while a browser sign-in waits for its answer, else 0.
    quint16 loopbackPort() const;

signals:
    void browserUrl(const QUrl& url);
    void deviceCode(const QString& userCode, const QUrl& verificationUri, const QString& message, int expiresInSeconds);
    void signedIn(const dcr::TokenSet& tokens);
    void failed(const dcr::Error& error);

private:
    bool listenOnLoopback();
    void closeListeners();
    void onLoopbackConnection(QTcpServer* listener);
    void onLoopbackRequest(QTcpSocket* socket, const QByteArray& requestLine);
    void redeem(const QList<QPair<QString, QString>>& form);
    void acceptTokenResponse(const QJsonObject& json);
    void pollDeviceCode();
    void emitFailure(const Error& error);
    static void fillFromClaims(TokenSet& tokens, const QJsonObject& claims);

    struct Private;
    std::unique_ptr<Private> d;
};

// base64url(SHA-256(verifier)), the S256 code challenge of RFC 7636.
QString pkceChallenge(const QString& verifier);

// Stands in for the browser on the sandbox's sign-in page, which approves at once and redirects to
// the loopback listener: requests the page, then the address it redirects to. When the page does
// not redirect at once (the sandbox waits for a person to sign in) or cannot be read, calls
// needsPerson instead, so that the caller opens a real browser there.
void openSandboxSignInPage(QNetworkAccessManager& network, const QUrl& url, std::function<void()> needsPerson = {});

}  // namespace dcr
