#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace dcr::sandbox {

// Signs and checks the sandbox's tokens: real RS256 JWTs (OpenSSL EVP) with a key made at start-up
// and published as a JWKS, so that clients verify them exactly as they verify Microsoft's.
class TokenIssuer {
public:
    TokenIssuer();
    ~TokenIssuer();
    TokenIssuer(const TokenIssuer&) = delete;
    TokenIssuer& operator=(const TokenIssuer&) = delete;

    QString keyId() const { return m_keyId; }
    QByteArray sign(const QJsonObject& claims) const;
    // The claims of a token this issuer signed, if its signature holds and it has not expired;
    // otherwise nullopt and *why says what is wrong.
    std::optional<QJsonObject> verify(const QByteArray& token, QString* why) const;
    QJsonObject jwks() const;  // {"keys":[{kty,use,kid,x5t,n,e,alg}]}

private:
    struct Key;
    std::unique_ptr<Key> m_key;
    QString m_keyId;
};

QByteArray base64Url(const QByteArray& data);

}  // namespace dcr::sandbox
