#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace dcr::sandbox {

// What a delegated sign-in is for: one resource and permissions on it, plus the OpenID Connect
// scopes. Resolved when the request arrives, so that the consent page can show it and the token
// endpoint issues exactly what was consented to.
struct DelegatedGrant {
    QString resourceAppId;
    QString audience;     // the resource as the request named it: the aud of v1 tokens
    QString scopePrefix;  // how the token response spells the scopes: "" for Microsoft Graph's short names
    QStringList scopes;   // permission values, e.g. "User.Read"
    QStringList oidcScopes;  // openid, profile, email, offline_access as requested
    bool isDefault = false;  // asked for "<resource>/.default"

    bool hasOidc(const QString& scope) const { return oidcScopes.contains(scope); }
};

// The consent page is showing; its form carries the id.
struct PendingAuthorization {
    QString clientId, clientName, redirectUri, state, codeChallenge, nonce, loginHint;
    bool publicClient = true;
    DelegatedGrant grant;
    qint64 expiresAtMs = 0;
};

struct AuthorizationCode {
    QString clientId, redirectUri, codeChallenge, nonce, userId;
    bool publicClient = true;
    DelegatedGrant grant;
    qint64 expiresAtMs = 0;
    bool redeemed = false;  // kept until it expires, so that a second redemption is told apart from a bad code
};

struct DeviceAuthorization {
    enum class Status { Pending, Approved, Declined, Redeemed };
    QString deviceCode, userCode, clientId, clientName, userId;
    DelegatedGrant grant;
    qint64 expiresAtMs = 0;
    qint64 lastPollMs = -1;
    Status status = Status::Pending;
};

struct RefreshSession {
    QString clientId, userId;
    bool publicClient = true;
    DelegatedGrant grant;  // everything consented to, whatever a single refresh narrowed it to
    qint64 expiresAtMs = 0;
    bool redeemed = false;  // refresh tokens rotate: a used one is refused from then on
};

// Sign-in sessions in flight at the emulated Microsoft identity platform. Times are on the
// directory's clock (Directory::nowMs()), which restarts with it on every reset.
struct EntraState {
    bool autoApprove = false;  // the authorize page approves without a click (tests, unattended demos)
    int deviceCodeIntervalSeconds = 5;
    QHash<QString, PendingAuthorization> pendingAuthorizations;  // by the id the consent form carries
    QHash<QString, AuthorizationCode> codes;                     // by code
    QHash<QString, DeviceAuthorization> deviceAuthorizations;    // by device code
    QHash<QString, RefreshSession> refreshTokens;                // by refresh token
};

}  // namespace dcr::sandbox
