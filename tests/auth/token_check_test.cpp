// TokenClient's check of a v1 token against a tenant whose keys a small local server publishes:
// the time claims with their leeway, the audience, a key rotation (one fetch more, never two), and
// an empty key set (an error, and not kept).
#include "clients/token_client.h"
#include "core/http_client.h"
#include "sandbox/token_issuer.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QNetworkAccessManager>

#include <memory>
#include <optional>

namespace {

using dcr::TokenCheck;
using dcr::TokenClient;

const QString kTenant = QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f");
const QString kIssuer = QStringLiteral("https://sts.windows.net/") + kTenant;
const QString kClient = QStringLiteral("0d5a6c1e-9f44-4c1a-8b63-2f2b7f5a9e10");
const QString kGraph = QStringLiteral("https://graph.microsoft.com");

class TokenCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        published = issuer.jwks();
        server.route(QStringLiteral("/<arg>/.well-known/openid-configuration"), [this](const QString&) {
            return QHttpServerResponse(QJsonObject{{QStringLiteral("jwks_uri"), base + QStringLiteral("/keys")}});
        });
        server.route(QStringLiteral("/keys"), [this] {
            ++keyFetches;
            return QHttpServerResponse(published);
        });
        const quint16 port = server.listen(QHostAddress::LocalHost, 0);
        ASSERT_NE(port, 0);
        base = QStringLiteral("http://127.0.0.1:%1").arg(port);
        http = std::make_unique<dcr::HttpClient>(&nam);
        tokens = std::make_unique<TokenClient>(*http, QUrl(base));
    }

    QJsonObject claims(qint64 nbfOffset = 0, qint64 expOffset = 3600) const {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        return QJsonObject{{QStringLiteral("aud"), kGraph},
                           {QStringLiteral("iss"), kIssuer + QLatin1Char('/')},
                           {QStringLiteral("appid"), kClient},
                           {QStringLiteral("ver"), QStringLiteral("1.0")},
                           {QStringLiteral("iat"), now},
                           {QStringLiteral("nbf"), now + nbfOffset},
                           {QStringLiteral("exp"), now + expOffset}};
    }

    // The check's outcome, or the error it failed with.
    std::optional<TokenCheck> check(const QByteArray& token, const QString& audience = kGraph,
                                    std::optional<dcr::Error>* failure = nullptr) {
        std::optional<dcr::Result<TokenCheck>> result;
        tokens->checkV1Token(kTenant, token, kIssuer, kClient, audience, [&](const dcr::Result<TokenCheck>& r) { result = r; });
        EXPECT_TRUE(dcr::test::waitUntil([&] { return result.has_value(); }, 10000));
        if (!result || !result->ok()) {
            if (failure && result)
                *failure = result->error;
            return std::nullopt;
        }
        return *result->value;
    }

    static QString problems(const TokenCheck& c) { return c.problems.join(QLatin1Char(' ')); }

    dcr::sandbox::TokenIssuer issuer;
    QJsonObject published;
    int keyFetches = 0;
    QHttpServer server;
    QString base;
    QNetworkAccessManager nam;
    std::unique_ptr<dcr::HttpClient> http;
    std::unique_ptr<TokenClient> tokens;
};

TEST_F(TokenCheckTest, AGoodTokenPassesAndTheKeysAreFetchedOnce) {
    const std::optional<TokenCheck> first = check(issuer.sign(claims()));
    ASSERT_TRUE(first.has_value());
    EXPECT_TRUE(first->ok()) << problems(*first).toStdString();
    // The audience as Entra may spell it: a trailing slash or other letter case is the same resource.
    QJsonObject slash = claims();
    slash.insert(QStringLiteral("aud"), kGraph.toUpper() + QLatin1Char('/'));
    const std::optional<TokenCheck> second = check(issuer.sign(slash));
    ASSERT_TRUE(second.has_value());
    EXPECT_TRUE(second->ok()) << problems(*second).toStdString();
    EXPECT_EQ(keyFetches, 1);
}

TEST_F(TokenCheckTest, TheAudienceMustBeWhatWasAskedFor) {
    QJsonObject other = claims();
    other.insert(QStringLiteral("aud"), QStringLiteral("https://management.azure.com"));
    const std::optional<TokenCheck> c = check(issuer.sign(other));
    ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(c->ok());
    EXPECT_TRUE(c->signatureValid);
    EXPECT_TRUE(problems(*c).contains(QStringLiteral("https://management.azure.com"))) << problems(*c).toStdString();
    EXPECT_TRUE(problems(*c).contains(QStringLiteral("(aud)"))) << problems(*c).toStdString();
    // Without an audience to compare (the older overload), it is not checked.
    std::optional<dcr::Result<TokenCheck>> unchecked;
    tokens->checkV1Token(kTenant, issuer.sign(other), kIssuer, kClient, [&](const dcr::Result<TokenCheck>& r) { unchecked = r; });
    ASSERT_TRUE(dcr::test::waitUntil([&] { return unchecked.has_value(); }));
    ASSERT_TRUE(unchecked->ok());
    EXPECT_TRUE(unchecked->value->ok()) << problems(*unchecked->value).toStdString();
}

TEST_F(TokenCheckTest, ExpAndNbfHoldWithinFiveMinutesOfTheClock) {
    const qint64 minute = 60;
    struct Case {
        qint64 nbf, exp;
        bool ok;
        const char* word;  // what the problem names
    } cases[] = {
        {2 * minute, 3600, true, ""},           // a clock a little behind the service's
        {10 * minute, 3600, false, "nbf"},      // not valid for another ten minutes
        {-3600, -2 * minute, true, ""},         // expired two minutes ago: within the leeway
        {-3600, -10 * minute, false, "expired"},
    };
    for (const Case& k : cases) {
        const std::optional<TokenCheck> c = check(issuer.sign(claims(k.nbf, k.exp)));
        ASSERT_TRUE(c.has_value());
        EXPECT_EQ(c->ok(), k.ok) << "nbf " << k.nbf << " exp " << k.exp << ": " << problems(*c).toStdString();
        if (!k.ok) {
            EXPECT_TRUE(problems(*c).contains(QLatin1String(k.word))) << problems(*c).toStdString();
        }
    }
    QJsonObject text = claims();
    text.insert(QStringLiteral("nbf"), QStringLiteral("soon"));
    const std::optional<TokenCheck> c = check(issuer.sign(text));
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(problems(*c).contains(QStringLiteral("(nbf) is not a number"))) << problems(*c).toStdString();
}

TEST_F(TokenCheckTest, AnUnknownKeyIdFetchesTheKeysOnceMore) {
    ASSERT_TRUE(check(issuer.sign(claims()))->ok());
    ASSERT_EQ(keyFetches, 1);
    // The tenant rolls over to a new key: tokens signed with it name a kid the kept set lacks.
    const dcr::sandbox::TokenIssuer rolled;
    QJsonArray both = published.value(QStringLiteral("keys")).toArray();
    both.append(rolled.jwks().value(QStringLiteral("keys")).toArray().first());
    published = QJsonObject{{QStringLiteral("keys"), both}};
    const std::optional<TokenCheck> c = check(rolled.sign(claims()));
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->ok()) << problems(*c).toStdString();
    EXPECT_EQ(keyFetches, 2);

    // A key nobody publishes: fetched once more, then refused, and not fetched again and again.
    const dcr::sandbox::TokenIssuer stranger;
    const std::optional<TokenCheck> forged = check(stranger.sign(claims()));
    ASSERT_TRUE(forged.has_value());
    EXPECT_FALSE(forged->signatureValid);
    EXPECT_TRUE(problems(*forged).contains(QStringLiteral("does not publish"))) << problems(*forged).toStdString();
    EXPECT_EQ(keyFetches, 3);
}

TEST_F(TokenCheckTest, AnEmptyKeySetIsAnErrorAndIsNotKept) {
    published = QJsonObject{{QStringLiteral("keys"), QJsonArray()}};
    std::optional<dcr::Error> failure;
    EXPECT_FALSE(check(issuer.sign(claims()), kGraph, &failure).has_value());
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->code, QStringLiteral("token.empty_jwks"));
    EXPECT_FALSE(failure->remedy.isEmpty());
    // Once the tenant publishes its keys again, the next check fetches them.
    published = issuer.jwks();
    const std::optional<TokenCheck> c = check(issuer.sign(claims()));
    ASSERT_TRUE(c.has_value());
    EXPECT_TRUE(c->ok()) << problems(*c).toStdString();
    EXPECT_EQ(keyFetches, 2);
}

}  // namespace
