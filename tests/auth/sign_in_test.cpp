// Entra sign-in and token checks: PKCE and JWT verification as pure functions, then the real
// flows against the sandbox's identity platform over HTTP.
#include "auth/entra_sign_in.h"
#include "clients/token_client.h"
#include "core/http_client.h"
#include "sandbox/sandbox_fixture.h"
#include "sandbox/token_issuer.h"

#include <QDateTime>
#include <QTcpSocket>

#include <tuple>

namespace {

using dcr::EntraSignIn;
using dcr::Error;
using dcr::TokenSet;

TEST(Pkce, MatchesTheRfc7636Example) {
    EXPECT_EQ(dcr::pkceChallenge(QStringLiteral("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")),
              QStringLiteral("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
}

QJsonObject claims() {
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    return QJsonObject{{QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/t/")},
                       {QStringLiteral("appid"), QStringLiteral("a")},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("exp"), now + 600}};
}

TEST(Jwt, VerifiesAgainstTheIssuersJwksAndRejectsTampering) {
    const dcr::sandbox::TokenIssuer issuer;
    const QByteArray token = issuer.sign(claims());
    QString why;
    EXPECT_TRUE(dcr::verifyJwtSignature(token, issuer.jwks(), &why)) << why.toStdString();

    QList<QByteArray> parts = token.split('.');
    QJsonObject forged = claims();
    forged.insert(QStringLiteral("appid"), QStringLiteral("someone-else"));
    parts[1] = QJsonDocument(forged).toJson(QJsonDocument::Compact).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    EXPECT_FALSE(dcr::verifyJwtSignature(parts.join('.'), issuer.jwks(), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("signature")));

    const dcr::sandbox::TokenIssuer other;
    EXPECT_FALSE(dcr::verifyJwtSignature(token, other.jwks(), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("key")));
}

TEST(Jwt, GarbageAndUnsignedTokensAreRefusedWithoutCrashing) {
    const dcr::sandbox::TokenIssuer issuer;
    QString why;
    for (const QByteArray& bad : {QByteArray(), QByteArray("abc"), QByteArray("a.b.c"), QByteArray("...."), QByteArray(4096, '.'),
                                  QByteArray("eyJhbGciOiJub25lIn0.eyJhcHBpZCI6ImEifQ.")}) {
        EXPECT_FALSE(dcr::verifyJwtSignature(bad, issuer.jwks(), &why)) << bad.left(40).toStdString();
        EXPECT_FALSE(why.isEmpty());
    }
    QJsonObject header, body;
    EXPECT_FALSE(dcr::decodeJwt("not a token", &header, &body));
    EXPECT_TRUE(dcr::decodeJwt(issuer.sign(claims()), &header, &body));
    EXPECT_EQ(body.value(QStringLiteral("appid")).toString(), QStringLiteral("a"));
}

class SignInTest : public dcr::test::SandboxFixture {
protected:
    void adjustSeed(dcr::sandbox::Seed& seed) override {
        seed.autoApproveSignIn = true;
        seed.deviceCodeIntervalSeconds = 1;
    }
    void SetUp() override {
        SandboxFixture::SetUp();
        http = std::make_unique<dcr::HttpClient>(&nam);
        signIn = std::make_unique<EntraSignIn>(*http, QUrl(base + QStringLiteral("/login")), infoValue("tenant_id"),
                                               QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"),
                                               EntraSignIn::defaultScopes(QUrl(base + QStringLiteral("/graph"))));
        QObject::connect(signIn.get(), &EntraSignIn::signedIn, [this](const TokenSet& t) { tokens = t; });
        QObject::connect(signIn.get(), &EntraSignIn::failed, [this](const Error& e) { error = e; });
    }
    bool finished() { return dcr::test::waitUntil([this] { return tokens.has_value() || error.has_value(); }, 20000); }

    std::unique_ptr<dcr::HttpClient> http;
    std::unique_ptr<EntraSignIn> signIn;
    std::optional<TokenSet> tokens;
    std::optional<Error> error;
};

TEST_F(SignInTest, BrowserFlowWithPkceAndTheLoopbackListener) {
    // The sandbox approves at once; following its redirect plays the browser's part.
    QObject::connect(signIn.get(), &EntraSignIn::browserUrl, [this](const QUrl& url) {
        EXPECT_TRUE(QUrlQuery(url).queryItemValue(QStringLiteral("code_challenge_method")) == QLatin1String("S256"));
        QNetworkReply* reply = nam.get(QNetworkRequest(url));
        QObject::connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    });
    signIn->startBrowserSignIn();
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
    EXPECT_EQ(tokens->tenantId, infoValue("tenant_id"));
    EXPECT_EQ(tokens->userName, infoValue("admin_user_principal_name"));
    EXPECT_TRUE(tokens->scopes.contains(QStringLiteral("Application.ReadWrite.All")));
    EXPECT_FALSE(tokens->refreshToken.isEmpty());
    EXPECT_GT(tokens->expiresAt, QDateTime::currentDateTimeUtc());

    // The refresh token gives a new access token.
    const QString first = tokens->accessToken;
    tokens.reset();
    signIn->refresh();
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
    EXPECT_NE(tokens->accessToken, first);
}

// Without auto-approval, so that the code waits for the (scripted) user.
class DeviceCodeTest : public SignInTest {
protected:
    void adjustSeed(dcr::sandbox::Seed& seed) override {
        SignInTest::adjustSeed(seed);
        seed.autoApproveSignIn = false;
    }
};

TEST_F(DeviceCodeTest, WaitsUntilTheUserApproves) {
    QString userCode;
    QObject::connect(signIn.get(), &EntraSignIn::deviceCode,
                     [&](const QString& code, const QUrl&, const QString& message, int) {
                         userCode = code;
                         EXPECT_TRUE(message.contains(code));
                     });
    signIn->startDeviceCode();
    ASSERT_TRUE(dcr::test::waitUntil([&] { return !userCode.isEmpty(); }));
    // Polling goes on (authorization_pending) until the code is approved.
    dcr::test::waitUntil([] { return false; }, 2500);
    EXPECT_FALSE(tokens.has_value());
    EXPECT_FALSE(error.has_value());
    ASSERT_EQ(sendJson("POST", QStringLiteral("/_sandbox/device/approve"), QJsonObject{{QStringLiteral("user_code"), userCode}}).status, 200);
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
    EXPECT_EQ(tokens->tenantId, infoValue("tenant_id"));
}

TEST_F(SignInTest, APastedTokenMustBeAJwtThatHasNotExpired) {
    signIn->useAccessToken(QStringLiteral("not-a-token"));
    ASSERT_TRUE(finished());
    ASSERT_TRUE(error.has_value());
    EXPECT_FALSE(error->remedy.isEmpty());

    error.reset();
    const dcr::sandbox::TokenIssuer issuer;
    QJsonObject c = claims();
    c.insert(QStringLiteral("tid"), QStringLiteral("tenant-x"));
    c.insert(QStringLiteral("upn"), QStringLiteral("someone@example.com"));
    signIn->useAccessToken(QString::fromLatin1(issuer.sign(c)));
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value());
    EXPECT_EQ(tokens->userName, QStringLiteral("someone@example.com"));
}

// ---- the loopback listener ----------------------------------------------------------------------------

// A browser sign-in whose "browser" is the test: it gets the authorize URL, asks the sandbox for
// the code itself, and sends the listener whatever the case needs.
class LoopbackTest : public SignInTest {
protected:
    void SetUp() override {
        SignInTest::SetUp();
        QObject::connect(signIn.get(), &EntraSignIn::browserUrl, [this](const QUrl& url) { authorizeUrl = url; });
        signIn->startBrowserSignIn();
        ASSERT_TRUE(dcr::test::waitUntil([this] { return authorizeUrl.isValid(); }));
        state = QUrlQuery(authorizeUrl).queryItemValue(QStringLiteral("state"));
        ASSERT_NE(signIn->loopbackPort(), 0);
    }

    // The sandbox's redirect for the authorize URL (auto-approved): http://localhost:PORT/?code=…&state=….
    QUrl redirect() {
        QNetworkRequest request(authorizeUrl);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply* reply = nam.get(request);
        EXPECT_TRUE(dcr::test::waitUntil([reply] { return reply->isFinished(); }));
        reply->deleteLater();
        return reply->header(QNetworkRequest::LocationHeader).toUrl();
    }

    // A GET to the listener at address (127.0.0.1 or [::1]); the status and body of its answer.
    std::pair<int, QByteArray> get(const QString& address, const QString& pathAndQuery) {
        QNetworkRequest request(QUrl(QStringLiteral("http://%1:%2%3").arg(address).arg(signIn->loopbackPort()).arg(pathAndQuery)));
        QNetworkReply* reply = nam.get(request);
        EXPECT_TRUE(dcr::test::waitUntil([reply] { return reply->isFinished(); }));
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    }

    static QString pathAndQuery(const QUrl& url) { return QStringLiteral("/?") + url.query(QUrl::FullyEncoded); }

    QUrl authorizeUrl;
    QString state;
};

TEST_F(LoopbackTest, TheRedirectUriIsLocalhostAndBothLoopbackAddressesListen) {
    const QUrl redirectUri(QUrlQuery(authorizeUrl).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    EXPECT_EQ(redirectUri.host(), QStringLiteral("localhost"));
    EXPECT_EQ(redirectUri.port(), signIn->loopbackPort());
    // Something that is not the redirect (a favicon) is answered on either address, and the wait goes on.
    EXPECT_EQ(get(QStringLiteral("127.0.0.1"), QStringLiteral("/favicon.ico")).first, 404);
    EXPECT_EQ(get(QStringLiteral("[::1]"), QStringLiteral("/favicon.ico")).first, 404);
    EXPECT_FALSE(tokens.has_value());
    EXPECT_FALSE(error.has_value());
}

TEST_F(LoopbackTest, TheAnswerOnTheIpv6LoopbackSignsIn) {
    const QUrl location = redirect();
    ASSERT_EQ(QUrlQuery(location).queryItemValue(QStringLiteral("state")), state);
    const auto [status, page] = get(QStringLiteral("[::1]"), pathAndQuery(location));
    EXPECT_EQ(status, 200);
    EXPECT_TRUE(page.contains("Signed in")) << page.toStdString();
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
    EXPECT_EQ(tokens->userName, infoValue("admin_user_principal_name"));
    // The listener is closed once it has its answer.
    EXPECT_EQ(signIn->loopbackPort(), 0);
}

TEST_F(LoopbackTest, AWrongOrMissingStateIsTurnedAwayAndTheRightAnswerStillSignsIn) {
    const QUrl location = redirect();
    const QString code = QUrlQuery(location).queryItemValue(QStringLiteral("code"));
    ASSERT_FALSE(code.isEmpty());
    // Another local program (or a stale tab) guessing: a code without this sign-in's state.
    auto [status, page] = get(QStringLiteral("127.0.0.1"), QStringLiteral("/?code=forged"));
    EXPECT_EQ(status, 400);
    EXPECT_TRUE(page.contains("still waiting")) << page.toStdString();
    std::tie(status, page) = get(QStringLiteral("127.0.0.1"), QStringLiteral("/?code=forged&state=not-this-one"));
    EXPECT_EQ(status, 400);
    std::tie(status, page) = get(QStringLiteral("[::1]"), QStringLiteral("/?error=access_denied&state=wrong"));
    EXPECT_EQ(status, 400);
    dcr::test::waitUntil([] { return false; }, 200);
    EXPECT_FALSE(tokens.has_value());
    ASSERT_FALSE(error.has_value()) << error->message().toStdString();
    ASSERT_NE(signIn->loopbackPort(), 0) << "the listener closed on a wrong answer";

    std::tie(status, page) = get(QStringLiteral("127.0.0.1"), pathAndQuery(location));
    EXPECT_EQ(status, 200);
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
}

TEST_F(LoopbackTest, ASecondAnswerDoesNotStartASecondRedemption) {
    const QUrl location = redirect();
    // Two connections open before either has sent its request (a browser that retries).
    QTcpSocket first, second;
    first.connectToHost(QHostAddress::LocalHost, signIn->loopbackPort());
    second.connectToHost(QHostAddress::LocalHostIPv6, signIn->loopbackPort());
    ASSERT_TRUE(first.waitForConnected(5000));
    ASSERT_TRUE(second.waitForConnected(5000));
    const QByteArray request = "GET " + pathAndQuery(location).toLatin1() + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    first.write(request);
    ASSERT_TRUE(dcr::test::waitUntil([&] { return first.bytesAvailable() > 0 || first.state() != QAbstractSocket::ConnectedState; }));
    EXPECT_TRUE(first.readAll().startsWith("HTTP/1.1 200"));
    second.write(request);
    ASSERT_TRUE(dcr::test::waitUntil([&] { return second.bytesAvailable() > 0 || second.state() != QAbstractSocket::ConnectedState; }));
    EXPECT_TRUE(second.readAll().startsWith("HTTP/1.1 409")) ;
    ASSERT_TRUE(finished());
    ASSERT_TRUE(tokens.has_value()) << (error ? error->message().toStdString() : "");
    // The code was redeemed once: a second redemption would have failed with AADSTS54005.
    dcr::test::waitUntil([] { return false; }, 300);
    EXPECT_FALSE(error.has_value());
}

TEST_F(LoopbackTest, AnErrorWithTheRightStateEndsTheSignInWithTheServicesReason) {
    const auto [status, page] =
        get(QStringLiteral("127.0.0.1"),
            QStringLiteral("/?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.&state=") + state);
    EXPECT_EQ(status, 200);
    EXPECT_TRUE(page.contains("Sign-in not completed")) << page.toStdString();
    ASSERT_TRUE(finished());
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->code.contains(QStringLiteral("65004"))) << error->code.toStdString();
    EXPECT_EQ(signIn->loopbackPort(), 0);
}

TEST_F(SignInTest, AnUnknownTenantIsExplained) {
    EntraSignIn wrong(*http, QUrl(base + QStringLiteral("/login")), QStringLiteral("fabrikam.onmicrosoft.com"),
                      QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"), EntraSignIn::defaultScopes({}));
    QObject::connect(&wrong, &EntraSignIn::failed, [this](const Error& e) { error = e; });
    wrong.startDeviceCode();
    ASSERT_TRUE(finished());
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->code.contains(QStringLiteral("90002"))) << error->code.toStdString();
}

}  // namespace
