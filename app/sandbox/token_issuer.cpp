#include "sandbox/token_issuer.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <stdexcept>

namespace dcr::sandbox {

namespace {
constexpr auto kB64Options = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray bignumParam(EVP_PKEY* pkey, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1)
        return {};
    QByteArray bytes(BN_num_bytes(bn), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return bytes;
}
}  // namespace

struct TokenIssuer::Key {
    EVP_PKEY* pkey = nullptr;
    ~Key() { EVP_PKEY_free(pkey); }
};

QByteArray base64Url(const QByteArray& data) { return data.toBase64(kB64Options); }

TokenIssuer::TokenIssuer() : m_key(std::make_unique<Key>()) {
    m_key->pkey = EVP_RSA_gen(2048);
    if (!m_key->pkey)
        throw std::runtime_error("OpenSSL could not generate the sandbox's RSA signing key");
    const QByteArray modulus = bignumParam(m_key->pkey, OSSL_PKEY_PARAM_RSA_N);
    m_keyId = QString::fromLatin1(base64Url(QCryptographicHash::hash(modulus, QCryptographicHash::Sha1)));
}

TokenIssuer::~TokenIssuer() = default;

QByteArray TokenIssuer::sign(const QJsonObject& claims) const {
    const QJsonObject header{{QStringLiteral("typ"), QStringLiteral("JWT")},
                             {QStringLiteral("alg"), QStringLiteral("RS256")},
                             {QStringLiteral("x5t"), m_keyId},
                             {QStringLiteral("kid"), m_keyId}};
    const QByteArray signingInput = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.' +
                                    base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t length = 0;
    QByteArray signature;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, m_key->pkey) == 1 &&
        EVP_DigestSign(ctx, nullptr, &length, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                       signingInput.size()) == 1) {
        signature.resize(static_cast<int>(length));
        if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                           reinterpret_cast<const unsigned char*>(signingInput.constData()), signingInput.size()) != 1)
            signature.clear();
        signature.resize(static_cast<int>(length));
    }
    EVP_MD_CTX_free(ctx);
    if (signature.isEmpty())
        throw std::runtime_error("OpenSSL could not sign a sandbox token");
    return signingInput + '.' + base64Url(signature);
}

std::optional<QJsonObject> TokenIssuer::verify(const QByteArray& token, QString* why) const {
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3) {
        *why = QStringLiteral("The token is not a JWT (it needs three dot-separated parts).");
        return std::nullopt;
    }
    const QJsonObject header = QJsonDocument::fromJson(QByteArray::fromBase64(parts[0], kB64Options)).object();
    if (header.value(QStringLiteral("alg")).toString() != QLatin1String("RS256") ||
        header.value(QStringLiteral("kid")).toString() != m_keyId) {
        *why = QStringLiteral("The token was not signed by this issuer's key.");
        return std::nullopt;
    }
    const QByteArray signingInput = parts[0] + '.' + parts[1];
    const QByteArray signature = QByteArray::fromBase64(parts[2], kB64Options);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool valid =
        EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, m_key->pkey) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.constData()), signature.size(),
                         reinterpret_cast<const unsigned char*>(signingInput.constData()), signingInput.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!valid) {
        *why = QStringLiteral("The token's signature is invalid.");
        return std::nullopt;
    }
    const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], kB64Options)).object();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (claims.value(QStringLiteral("exp")).toInteger() <= now) {
        *why = QStringLiteral("The token has expired.");
        return std::nullopt;
    }
    if (claims.value(QStringLiteral("nbf")).toInteger() > now + 300) {
        *why = QStringLiteral("The token is not valid yet.");
        return std::nullopt;
    }
    return claims;
}

QJsonObject TokenIssuer::jwks() const {
    const QJsonObject key{{QStringLiteral("kty"), QStringLiteral("RSA")},
                          {QStringLiteral("use"), QStringLiteral("sig")},
                          {QStringLiteral("alg"), QStringLiteral("RS256")},
                          {QStringLiteral("kid"), m_keyId},
                          {QStringLiteral("x5t"), m_keyId},
                          {QStringLiteral("n"), QString::fromLatin1(base64Url(bignumParam(m_key->pkey, OSSL_PKEY_PARAM_RSA_N)))},
                          {QStringLiteral("e"), QString::fromLatin1(base64Url(bignumParam(m_key->pkey, OSSL_PKEY_PARAM_RSA_E)))}};
    return QJsonObject{{QStringLiteral("keys"), QJsonArray{key}}};
}

}  // namespace dcr::sandbox
