#include "clients/token_client.h"

#include "core/endpoints.h"
#include "core/http_client.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <memory>

namespace dcr {

namespace {

constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr int kReplicationBudgetMs = 120000;
// Entra ID's access tokens are a few kilobytes; a megabyte is no token, and not worth decoding.
constexpr qsizetype kMaxJwtBytes = 1024 * 1024;

QString tr(const char* text) { return QCoreApplication::translate("dcr", text); }

bool decodeBase64Url(const QByteArray& part, QByteArray* out) {
    auto result = QByteArray::fromBase64Encoding(part, kB64 | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return false;
    *out = *result;
    return true;
}

// An RSA public key from a JWK's modulus and exponent.
EVP_PKEY* rsaKeyFromJwk(const QJsonObject& jwk) {
    QByteArray n, e;
    if (!decodeBase64Url(jwk.value(QStringLiteral("n")).toString().toLatin1(), &n) ||
        !decodeBase64Url(jwk.value(QStringLiteral("e")).toString().toLatin1(), &e) || n.isEmpty() || e.isEmpty())
        return nullptr;
    BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.constData()), n.size(), nullptr);
    BIGNUM* be = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.constData()), e.size(), nullptr);
    OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
    OSSL_PARAM* params = nullptr;
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    if (bn && be && builder && ctx && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, bn) == 1 &&
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, be) == 1 && (params = OSSL_PARAM_BLD_to_param(builder)) &&
        EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    BN_free(bn);
    BN_free(be);
    return key;
}

Error tokenProblem(const QString& what) {
    return Error::make(QStringLiteral("token.malformed"), what,
                       tr("Sign in again, or check that the token was copied whole."));
}

}  // namespace

bool decodeJwt(const QByteArray& jwt, QJsonObject* header, QJsonObject* claims, QString* why) {
    const auto fail = [why](const QString& reason) {
        if (why)
            *why = reason;
        return false;
    };
    const QByteArray token = jwt.trimmed();
    if (token.size() > kMaxJwtBytes)
        return fail(tr("The token is not a JWT: it is %1 bytes long, far more than any access token.").arg(token.size()));
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return fail(tr("The token is not a JWT: it has %1 part(s) separated by dots, not 3.").arg(parts.size()));
    QByteArray h, c;
    if (!decodeBase64Url(parts[0], &h))
        return fail(tr("The token's header is not valid base64url."));
    if (!decodeBase64Url(parts[1], &c))
        return fail(tr("The token's claims are not valid base64url."));
    const QJsonDocument hd = QJsonDocument::fromJson(h);
    if (!hd.isObject())
        return fail(tr("The token's header is not a JSON object."));
    const QJsonDocument cd = QJsonDocument::fromJson(c);
    if (!cd.isObject())
        return fail(tr("The token's claims are not a JSON object."));
    *header = hd.object();
    *claims = cd.object();
    return true;
}

bool verifyJwtSignature(const QByteArray& jwt, const QJsonObject& jwks, QString* why) {
    QJsonObject header, claims;
    if (!decodeJwt(jwt, &header, &claims, why))
        return false;
    const QJsonValue alg = header.value(QStringLiteral("alg"));
    if (!alg.isString() || alg.toString().isEmpty()) {
        *why = tr("The token's header names no signing algorithm (alg).");
        return false;
    }
    if (alg.toString() != QLatin1String("RS256")) {
        *why = tr("The token is signed with '%1', not RS256.").arg(alg.toString());
        return false;
    }
    const QString kid = header.value(QStringLiteral("kid")).toString(header.value(QStringLiteral("x5t")).toString());
    QJsonObject jwk;
    for (const QJsonValue& k : jwks.value(QStringLiteral("keys")).toArray()) {
        const QJsonObject key = k.toObject();
        if (!kid.isEmpty() && (key.value(QStringLiteral("kid")).toString() == kid || key.value(QStringLiteral("x5t")).toString() == kid))
            jwk = key;
    }
    if (jwk.isEmpty() || jwk.value(QStringLiteral("kty")).toString() != QLatin1String("RSA")) {
        *why = tr("The token was signed with a key the tenant does not publish.");
        return false;
    }
    const QList<QByteArray> parts = jwt.trimmed().split('.');
    QByteArray signature;
    if (!decodeBase64Url(parts[2], &signature)) {
        *why = tr("The token's signature is not valid base64url.");
        return false;
    }
    EVP_PKEY* key = rsaKeyFromJwk(jwk);
    if (!key) {
        *why = tr("The tenant's signing key could not be read.");
        return false;
    }
    const QByteArray signingInput = parts[0] + '.' + parts[1];
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool valid = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                       EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.constData()), signature.size(),
                                        reinterpret_cast<const unsigned char*>(signingInput.constData()), signingInput.size()) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);
    if (!valid)
        *why = tr("The token's signature does not match the tenant's signing key.");
    return valid;
}

TokenClient::TokenClient(HttpClient& http, QUrl loginBase, QObject* parent)
    : QObject(parent), m_http(http), m_loginBase(std::move(loginBase)), m_replicationBudgetMs(kReplicationBudgetMs) {}

void TokenClient::clientCredentialsV1(const QString& tenant, const QString& clientId, const QString& clientSecret,
                                      const QString& resource, bool retryWhileReplicating, Callback<AccessToken> done) {
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    auto attempt = std::make_shared<std::function<void(int)>>();
    // The shared function refers to itself only through a weak copy, so it is freed when done.
    std::weak_ptr<std::function<void(int)>> weak = attempt;
    *attempt = [this, tenant, clientId, clientSecret, resource, retryWhileReplicating, done, clock, weak](int pauseMs) {
        HttpRequest request;
        request.method = "POST";
        request.url = joinUrl(m_loginBase, QLatin1Char('/') + tenant + QStringLiteral("/oauth2/token"));
        request.flavor = ErrorFlavor::Entra;
        request.setFormBody({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                             {QStringLiteral("client_id"), clientId},
                             {QStringLiteral("client_secret"), clientSecret},
                             {QStringLiteral("resource"), resource}});
        auto self = weak.lock();
        m_http.send(request, [this, done, clock, pauseMs, retryWhileReplicating, self](const HttpResponse& response, const std::optional<Error>& error) {
            if (error) {
                // Fresh credentials are refused for a while until Entra ID has replicated them.
                const bool replicating = error->code.contains(QLatin1String("700016")) || error->code.contains(QLatin1String("7000215"));
                if (retryWhileReplicating && replicating && clock->elapsed() + pauseMs < m_replicationBudgetMs) {
                    // A fixed short pause: the moment Entra ID accepts them is announced by nothing.
                    QTimer::singleShot(pauseMs, this, [self, pauseMs] { (*self)(pauseMs); });
                    return;
                }
                done(Result<AccessToken>::failure(*error));
                return;
            }
            const QJsonObject json = response.json();
            AccessToken token;
            token.accessToken = json.value(QStringLiteral("access_token")).toString();
            const QJsonValue expires = json.value(QStringLiteral("expires_in"));
            token.expiresInSeconds = expires.isString() ? expires.toString().toInt() : expires.toInt();
            token.resource = json.value(QStringLiteral("resource")).toString();
            if (token.accessToken.isEmpty()) {
                done(Result<AccessToken>::failure(tokenProblem(tr("The token endpoint answered without an access token."))));
                return;
            }
            done(Result<AccessToken>::success(token));
        });
    };
    (*attempt)(1000);
}

void TokenClient::signingKeys(const QString& tenant, Callback<QJsonObject> given) {
    if (m_keys.contains(tenant)) {
        const QJsonObject keys = m_keys.value(tenant);
        QTimer::singleShot(0, this, [given, keys] { given(Result<QJsonObject>::success(keys)); });
        return;
    }
    // One fetch per tenant at a time: whoever asks while it is in flight gets its answer too.
    const auto inFlight = m_keyWaiters.find(tenant);
    if (inFlight != m_keyWaiters.end()) {
        inFlight->append(given);
        return;
    }
    m_keyWaiters.insert(tenant, {given});
    fetchSigningKeys(tenant);
}

void TokenClient::fetchSigningKeys(const QString& tenant) {
    const auto done = [this, tenant](const Result<QJsonObject>& keys) {
        for (const Callback<QJsonObject>& waiter : m_keyWaiters.take(tenant))
            waiter(keys);
    };
    HttpRequest discovery;
    discovery.url = joinUrl(m_loginBase, QLatin1Char('/') + tenant + QStringLiteral("/.well-known/openid-configuration"));
    discovery.flavor = ErrorFlavor::Entra;
    m_http.send(discovery, [this, tenant, done](const HttpResponse& response, const std::optional<Error>& error) {
        if (error) {
            done(Result<QJsonObject>::failure(*error));
            return;
        }
        const QUrl jwksUri(response.json().value(QStringLiteral("jwks_uri")).toString());
        if (!jwksUri.isValid() || jwksUri.isEmpty()) {
            done(Result<QJsonObject>::failure(Error::make(QStringLiteral("token.no_jwks"), tr("The tenant's discovery document names no signing keys."),
                                                          tr("Check the sign-in address of the cloud in the profile."))));
            return;
        }
        HttpRequest keys;
        keys.url = jwksUri;
        keys.flavor = ErrorFlavor::Plain;
        m_http.send(keys, [this, tenant, done](const HttpResponse& r, const std::optional<Error>& e) {
            if (e) {
                done(Result<QJsonObject>::failure(*e));
                return;
            }
            // An empty set checks nothing and would stay: it is an answer to ask again, not to keep.
            if (r.json().value(QStringLiteral("keys")).toArray().isEmpty()) {
                done(Result<QJsonObject>::failure(Error::make(QStringLiteral("token.empty_jwks"),
                                                              tr("The tenant's signing key list (jwks_uri) holds no keys."),
                                                              tr("Try again in a moment; if it stays empty, check the sign-in address of the cloud in the profile."))));
                return;
            }
            m_keys.insert(tenant, r.json());
            done(Result<QJsonObject>::success(r.json()));
        });
    });
}

namespace {

bool sameResource(QString a, QString b) {
    while (a.endsWith(QLatin1Char('/')))
        a.chop(1);
    while (b.endsWith(QLatin1Char('/')))
        b.chop(1);
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool publishesKey(const QJsonObject& jwks, const QString& kid) {
    const QJsonArray keys = jwks.value(QStringLiteral("keys")).toArray();
    return std::any_of(keys.begin(), keys.end(), [&kid](const QJsonValue& k) {
        const QJsonObject key = k.toObject();
        return key.value(QStringLiteral("kid")).toString() == kid || key.value(QStringLiteral("x5t")).toString() == kid;
    });
}

// What the claims say against what Kong expects of a v1 token; the signature aside.
QStringList claimProblems(const QJsonObject& c, const QString& issuerWithoutSlash, const QString& clientId,
                          const QString& expectedAudience) {
    QStringList problems;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 leeway = TokenClient::kClockLeewaySeconds;
    if (!c.value(QStringLiteral("exp")).isDouble())
        problems << TokenClient::tr("The token has no expiry time (exp) as a number.");
    else if (c.value(QStringLiteral("exp")).toInteger() + leeway <= now)
        problems << TokenClient::tr("The token has expired.");
    const QJsonValue nbf = c.value(QStringLiteral("nbf"));
    if (!nbf.isUndefined() && !nbf.isDouble())
        problems << TokenClient::tr("The token's start time (nbf) is not a number.");
    else if (nbf.isDouble() && nbf.toInteger() - leeway > now)
        problems << TokenClient::tr("The token is not valid yet: its start time (nbf) is %1 minutes ahead of this computer's clock.")
                        .arg((nbf.toInteger() - now + 59) / 60);
    if (!expectedAudience.isEmpty()) {
        const QString aud = c.value(QStringLiteral("aud")).toString();
        if (!sameResource(aud, expectedAudience))
            problems << TokenClient::tr("The token is for '%1' (aud), not for %2, which it was asked for.").arg(aud, expectedAudience);
    }
    const QString version = c.value(QStringLiteral("ver")).toString();
    const QString iss = c.value(QStringLiteral("iss")).toString();
    if (version == QLatin1String("2.0")) {
        problems << TokenClient::tr("The token is a v2 token: the app (as a resource) asks for v2 tokens through "
                       "requestedAccessTokenVersion, and Kong's Azure DCR accepts v1 tokens only.");
    } else {
        if (version != QLatin1String("1.0"))
            problems << TokenClient::tr("The token's version is '%1', not 1.0.").arg(version);
        if (iss != issuerWithoutSlash + QLatin1Char('/'))
            problems << (iss == issuerWithoutSlash
                             ? TokenClient::tr("The token's issuer lacks the trailing slash v1 tokens have (%1/).").arg(issuerWithoutSlash)
                             : TokenClient::tr("The token's issuer is %1, not %2/.").arg(iss, issuerWithoutSlash));
        if (c.value(QStringLiteral("appid")).toString().compare(clientId, Qt::CaseInsensitive) != 0)
            problems << TokenClient::tr("The token's appid is '%1', not the app's client ID %2.")
                            .arg(c.value(QStringLiteral("appid")).toString(), clientId);
    }
    return problems;
}

}  // namespace

void TokenClient::checkV1Token(const QString& tenant, const QByteArray& token, const QString& issuerWithoutSlash,
                               const QString& clientId, const QString& expectedAudience, Callback<TokenCheck> done) {
    TokenCheck check;
    QString notAJwt;
    if (!decodeJwt(token, &check.header, &check.claims, &notAJwt)) {
        QTimer::singleShot(0, this, [done, notAJwt] { done(Result<TokenCheck>::failure(tokenProblem(notAJwt))); });
        return;
    }
    checkAgainstKeys(tenant, token, issuerWithoutSlash, clientId, expectedAudience, true, check, done);
}

void TokenClient::checkAgainstKeys(const QString& tenant, const QByteArray& token, const QString& issuerWithoutSlash,
                                   const QString& clientId, const QString& expectedAudience, bool mayRefetch, TokenCheck check,
                                   Callback<TokenCheck> done) {
    signingKeys(tenant, [=](const Result<QJsonObject>& keys) mutable {
        if (!keys.ok()) {
            done(Result<TokenCheck>::failure(*keys.error));
            return;
        }
        const QString kid = check.header.value(QStringLiteral("kid")).toString(check.header.value(QStringLiteral("x5t")).toString());
        // A key the kept set lacks may be one the tenant rolled over to since: ask once more.
        if (mayRefetch && !kid.isEmpty() && !publishesKey(*keys.value, kid)) {
            m_keys.remove(tenant);
            checkAgainstKeys(tenant, token, issuerWithoutSlash, clientId, expectedAudience, false, check, done);
            return;
        }
        QString why;
        check.signatureValid = verifyJwtSignature(token, *keys.value, &why);
        if (!check.signatureValid)
            check.problems << why;
        check.problems << claimProblems(check.claims, issuerWithoutSlash, clientId, expectedAudience);
        done(Result<TokenCheck>::success(check));
    });
}

}  // namespace dcr
