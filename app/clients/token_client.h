#pragma once

#include "clients/result.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QUrl>

namespace dcr {

class HttpClient;

struct AccessToken {
    QString accessToken;
    int expiresInSeconds = 0;  // the v1 endpoint sends numbers as strings; parsed either way
    QString resource;
};

// A decoded JWT and what was found when checking it against what Kong expects of Azure tokens.
struct TokenCheck {
    QJsonObject header;
    QJsonObject claims;
    bool signatureValid = false;
    QStringList problems;  // one sentence each; empty means the token is what Kong needs
    bool ok() const { return signatureValid && problems.isEmpty(); }
};

// Verifies an RS256 JWT against a JWKS document (OpenSSL EVP with the key's n and e).
// Returns false and a reason when the key is unknown or the signature does not hold.
bool verifyJwtSignature(const QByteArray& jwt, const QJsonObject& jwks, QString* why);
// Splits and decodes a JWT without checking it; false when it is not a JWT, and then *why (if
// given) says which part is wrong.
bool decodeJwt(const QByteArray& jwt, QJsonObject* header, QJsonObject* claims, QString* why = nullptr);

// The token requests and checks of the validation step (api-facts §3): a v1 client-credentials
// token for the new app, the tenant's signing keys, and the claims Kong relies on.
class TokenClient : public QObject {
    Q_OBJECT
public:
    // loginBase: the authority, e.g. https://login.microsoftonline.com
    TokenClient(HttpClient& http, QUrl loginBase, QObject* parent = nullptr);

    // POST {loginBase}/{tenant}/oauth2/token with resource (never GET, never scope). Retries the
    // replication-delay answers (AADSTS700016, AADSTS7000215 right after a secret was made) for a
    // bounded time when retryWhileReplicating is set.
    void clientCredentialsV1(const QString& tenant, const QString& clientId, const QString& clientSecret,
                             const QString& resource, bool retryWhileReplicating, Callback<AccessToken> done);
    // The tenant's signing keys: discovery document, then its jwks_uri. Kept per tenant once
    // fetched, unless the set is empty (which is then an error).
    void signingKeys(const QString& tenant, Callback<QJsonObject> done);
    // Signature against the tenant's keys (fetched again once when the token names a key the kept
    // set lacks: Entra rotates its keys); iss == issuer + "/", ver 1.0, appid == clientId; exp and
    // nbf hold within kClockLeewaySeconds of this computer's clock; aud is expectedAudience (the
    // resource the token was asked for; a trailing slash and letter case aside), unless that is
    // empty. A v2 token is reported with an explanation (the resource asks for v2 tokens).
    void checkV1Token(const QString& tenant, const QByteArray& token, const QString& issuerWithoutSlash,
                      const QString& clientId, const QString& expectedAudience, Callback<TokenCheck> done);
    // The same without the audience check.
    void checkV1Token(const QString& tenant, const QByteArray& token, const QString& issuerWithoutSlash,
                      const QString& clientId, Callback<TokenCheck> done) {
        checkV1Token(tenant, token, issuerWithoutSlash, clientId, QString(), std::move(done));
    }

    // How far exp and nbf may be off this computer's clock before the token counts as expired or
    // not valid yet: clocks differ a little.
    static constexpr qint64 kClockLeewaySeconds = 5 * 60;

    // How long clientCredentialsV1 keeps retrying answers that only mean "not replicated yet".
    void setReplicationBudgetMs(int ms) { m_replicationBudgetMs = ms; }

private:
    void fetchSigningKeys(const QString& tenant);
    void checkAgainstKeys(const QString& tenant, const QByteArray& token, const QString& issuerWithoutSlash,
                          const QString& clientId, const QString& expectedAudience, bool mayRefetch, TokenCheck check,
                          Callback<TokenCheck> done);

    HttpClient& m_http;
    QUrl m_loginBase;
    int m_replicationBudgetMs;
    QHash<QString, QJsonObject> m_keys;  // signing keys per tenant: fetched once per client
    QHash<QString, QList<Callback<QJsonObject>>> m_keyWaiters;  // callers of a fetch in flight, per tenant
};

}  // namespace dcr
