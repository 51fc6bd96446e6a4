// Bad input, each case asserting that the answer says what is wrong: malformed JWTs and JWKS,
// answers of the services in shapes the clients do not know (through the real clients over the
// canned transport of tests/fuzz/), and profile files that are not JSON, truncated, huge, nested
// too deep, of the wrong types or carrying secrets, read by the real dcr-wizard command line.
#include "auth/entra_sign_in.h"
#include "clients/graph_client.h"
#include "clients/konnect_client.h"
#include "clients/portal_client.h"
#include "clients/token_client.h"
#include "core/http_client.h"
#include "fuzz/canned_network.h"
#include "profile/profile.h"
#include "sandbox/token_issuer.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QTemporaryDir>

namespace {

using dcr::fuzz::CannedAnswer;
using dcr::fuzz::CannedNetwork;
using dcr::test::awaitCallback;

constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray b64(const QByteArray& data) { return data.toBase64(kB64); }

QJsonObject v1Claims() {
    const QString tenant = QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7d-1e2f3a4b5c6d");
    return QJsonObject{{QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(tenant)},
                       {QStringLiteral("appid"), tenant},
                       {QStringLiteral("ver"), QStringLiteral("1.0")},
                       {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() + 600}};
}

QString decodeFailure(const QByteArray& token) {
    QJsonObject header, claims;
    QString why;
    EXPECT_FALSE(dcr::decodeJwt(token, &header, &claims, &why)) << token.left(60).toStdString();
    return why;
}

TEST(MalformedJwt, EveryBrokenShapeIsRefusedSayingWhichPartIsWrong) {
    const dcr::sandbox::TokenIssuer issuer;
    const QByteArray good = issuer.sign(v1Claims());
    const QList<QByteArray> parts = good.split('.');
    struct Case {
        QByteArray token;
        const char* says;
    };
    const Case cases[] = {
        {QByteArray(), "has 1 part(s)"},
        {"abc", "has 1 part(s)"},
        {good.left(good.indexOf('.') + 10), "has 2 part(s)"},  // truncated in the claims
        {good + ".extra", "has 4 part(s)"},
        {"!!!." + parts[1] + '.' + parts[2], "header is not valid base64url"},
        {parts[0] + ".%%%." + parts[2], "claims are not valid base64url"},
        {b64("[1,2]") + '.' + parts[1] + '.' + parts[2], "header is not a JSON object"},
        {parts[0] + '.' + b64("\"a string\"") + '.' + parts[2], "claims are not a JSON object"},
        {parts[0] + '.' + b64(R"({"appid": "a", "exp": )") + '.' + parts[2], "claims are not a JSON object"},  // truncated JSON
        {QByteArray(2 * 1024 * 1024, 'A') + ".e30.sig", "bytes long"},
    };
    for (const Case& c : cases) {
        const QString why = decodeFailure(c.token);
        EXPECT_TRUE(why.contains(QLatin1String(c.says))) << c.says << ": " << why.toStdString();
        QString verifyWhy;
        EXPECT_FALSE(dcr::verifyJwtSignature(c.token, issuer.jwks(), &verifyWhy));
        EXPECT_EQ(verifyWhy, why) << "verification reports the same reason as decoding";
    }
}

TEST(MalformedJwt, UnsignedOrOtherwiseSignedTokensAreRefusedNamingTheAlgorithm) {
    const dcr::sandbox::TokenIssuer issuer;
    const QByteArray claims = b64(QJsonDocument(v1Claims()).toJson(QJsonDocument::Compact));
    struct Case {
        QByteArray header;
        const char* says;
    };
    const Case cases[] = {
        {R"({"alg":"none"})", "signed with 'none', not RS256"},
        {R"({"alg":"HS256","kid":"x"})", "signed with 'HS256', not RS256"},
        {R"({"alg":"RS512"})", "signed with 'RS512', not RS256"},
        {R"({"typ":"JWT"})", "names no signing algorithm"},
        {R"({"alg":256})", "names no signing algorithm"},
        {R"({"alg":null})", "names no signing algorithm"},
    };
    for (const Case& c : cases) {
        QString why;
        EXPECT_FALSE(dcr::verifyJwtSignature(b64(c.header) + '.' + claims + '.', issuer.jwks(), &why));
        EXPECT_TRUE(why.contains(QLatin1String(c.says))) << c.says << ": " << why.toStdString();
    }
}

TEST(MalformedJwt, KeysOfTheWrongShapeAreNamedAsTheProblem) {
    const dcr::sandbox::TokenIssuer issuer;
    const QByteArray token = issuer.sign(v1Claims());
    QString why;
    ASSERT_TRUE(dcr::verifyJwtSignature(token, issuer.jwks(), &why)) << why.toStdString();

    QJsonObject key = issuer.jwks().value(QStringLiteral("keys")).toArray().first().toObject();
    const auto withKey = [](const QJsonValue& k) { return QJsonObject{{QStringLiteral("keys"), QJsonArray{k}}}; };
    QJsonObject badModulus = key;
    badModulus.insert(QStringLiteral("n"), QStringLiteral("%%%not base64%%%"));
    QJsonObject numericModulus = key;
    numericModulus.insert(QStringLiteral("n"), 12345);
    QJsonObject notRsa = key;
    notRsa.insert(QStringLiteral("kty"), QStringLiteral("EC"));
    struct Case {
        QJsonObject jwks;
        const char* says;
    };
    const Case cases[] = {
        {QJsonObject(), "does not publish"},
        {QJsonObject{{QStringLiteral("keys"), QStringLiteral("not a list")}}, "does not publish"},
        {withKey(QStringLiteral("a string")), "does not publish"},
        {withKey(notRsa), "does not publish"},
        {withKey(badModulus), "could not be read"},
        {withKey(numericModulus), "could not be read"},
    };
    for (const Case& c : cases) {
        EXPECT_FALSE(dcr::verifyJwtSignature(token, c.jwks, &why));
        EXPECT_TRUE(why.contains(QLatin1String(c.says))) << c.says << ": " << why.toStdString();
    }
    QByteArray badSignature = token;
    badSignature.chop(3);
    badSignature += "!!!";
    EXPECT_FALSE(dcr::verifyJwtSignature(badSignature, issuer.jwks(), &why));
    EXPECT_TRUE(why.contains(QStringLiteral("signature"))) << why.toStdString();
}

TEST(MalformedJwt, AHugeTokenIsRefusedQuickly) {
    const QByteArray huge = QByteArray(60 * 1024 * 1024, 'e') + ".e30.c2ln";
    QElapsedTimer clock;
    clock.start();
    EXPECT_TRUE(decodeFailure(huge).contains(QStringLiteral("bytes long")));
    EXPECT_LT(clock.elapsed(), 2000);
}

// The validation's claim checks, with the tenant's keys served by the canned transport.
TEST(MalformedJwt, ClaimsOfTheWrongTypeAreReportedAsProblems) {
    const dcr::sandbox::TokenIssuer issuer;
    QJsonObject claims = v1Claims();
    claims.insert(QStringLiteral("exp"), QStringLiteral("tomorrow"));
    claims.insert(QStringLiteral("ver"), 1);
    const QByteArray token = issuer.sign(claims);
    CannedNetwork network({CannedAnswer{200, {{"Content-Type", "application/json"}},
                                        R"({"jwks_uri":"https://login.microsoftonline.com/common/discovery/keys"})"},
                           CannedAnswer{200, {{"Content-Type", "application/json"}}, QJsonDocument(issuer.jwks()).toJson()}});
    dcr::HttpClient http(&network);
    dcr::TokenClient client(http, QUrl(QStringLiteral("https://login.microsoftonline.com")));
    const QString tenant = claims.value(QStringLiteral("appid")).toString();
    const auto check = awaitCallback<dcr::Result<dcr::TokenCheck>>([&](auto done) {
        client.checkV1Token(tenant, token, QStringLiteral("https://sts.windows.net/") + tenant, tenant, done);
    });
    ASSERT_TRUE(check.has_value());
    ASSERT_TRUE(check->ok()) << check->error->message().toStdString();
    const QString problems = check->value->problems.join(QLatin1Char('\n'));
    EXPECT_TRUE(check->value->signatureValid);
    EXPECT_TRUE(problems.contains(QStringLiteral("no expiry time (exp)"))) << problems.toStdString();
    EXPECT_TRUE(problems.contains(QStringLiteral("version is ''"))) << problems.toStdString();

    const auto notAJwt = awaitCallback<dcr::Result<dcr::TokenCheck>>([&](auto done) {
        client.checkV1Token(tenant, "only.two", QStringLiteral("https://sts.windows.net/") + tenant, tenant, done);
    });
    ASSERT_TRUE(notAJwt.has_value());
    ASSERT_FALSE(notAJwt->ok());
    EXPECT_EQ(notAJwt->error->code, QStringLiteral("token.malformed"));
    EXPECT_TRUE(notAJwt->error->what.contains(QStringLiteral("2 part(s)"))) << notAJwt->error->what.toStdString();
}

TEST(MalformedJwt, APastedTokenThatIsNotAJwtOrHasExpiredIsExplained) {
    QNetworkAccessManager network;
    dcr::HttpClient http(&network);
    const dcr::sandbox::TokenIssuer issuer;
    QJsonObject expired = v1Claims();
    expired.insert(QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() - 60);
    const std::pair<QString, const char*> cases[] = {{QStringLiteral("not a token at all"), "auth.not_a_jwt"},
                                                     {QString::fromLatin1(issuer.sign(expired)), "auth.expired"}};
    for (const auto& [pasted, code] : cases) {
        dcr::EntraSignIn signIn(http, QUrl(QStringLiteral("https://login.microsoftonline.com")), QStringLiteral("contoso.onmicrosoft.com"),
                                QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e"), {});
        std::optional<dcr::Error> failure;
        QObject::connect(&signIn, &dcr::EntraSignIn::failed, [&](const dcr::Error& e) { failure = e; });
        signIn.useAccessToken(pasted);
        ASSERT_TRUE(dcr::test::waitUntil([&] { return failure.has_value(); }, 5000)) << code;
        EXPECT_EQ(failure->code, QLatin1String(code));
        EXPECT_FALSE(failure->remedy.isEmpty());
    }
}

// ---- answers in shapes the clients do not know ----------------------------------------------

template <typename T, typename Start>
dcr::Error failureOf(const CannedAnswer& answer, Start start) {
    CannedNetwork network({answer});
    dcr::HttpClient http(&network);
    dcr::RetryPolicy::Config once;
    once.maxAttempts = 1;
    http.setRetryConfig(once);
    const auto result = awaitCallback<dcr::Result<T>>([&](auto done) { start(http, done); });
    EXPECT_TRUE(result.has_value());
    EXPECT_TRUE(result && !result->ok()) << "an answer of an unknown shape was accepted";
    return result && result->error ? *result->error : dcr::Error();
}

TEST(MalformedAnswers, SuccessAnswersOfAnUnknownShapeAreUnexpectedAnswersNamingTheService) {
    const QByteArray bodies[] = {"", "[]", "{}", "null", "<html><body>Sign in to your proxy</body></html>", R"({"value": [{"id": )",
                                 R"({"value": {"id": "x"}})", R"({"id": 42, "value": [42]})"};
    const QUrl graphBase(QStringLiteral("https://graph.microsoft.com"));
    for (const QByteArray& body : bodies) {
        const CannedAnswer answer{200, {{"Content-Type", "application/json"}}, body};
        const dcr::Error graph = failureOf<dcr::GraphOrganization>(answer, [&](dcr::HttpClient& http, auto done) {
            auto* client = new dcr::GraphClient(http, graphBase, [] { return QStringLiteral("t"); }, &http);
            client->organization(done);
        });
        EXPECT_EQ(graph.code, QStringLiteral("graph.unexpected_answer")) << body.toStdString();
        EXPECT_TRUE(graph.what.contains(QStringLiteral("Microsoft Graph"))) << graph.what.toStdString();
        EXPECT_FALSE(graph.remedy.isEmpty());

        const dcr::Error konnect = failureOf<dcr::KonnectOrganization>(answer, [&](dcr::HttpClient& http, auto done) {
            auto* client = new dcr::KonnectClient(http, QUrl(QStringLiteral("https://us.api.konghq.com")),
                                                  QUrl(QStringLiteral("https://global.api.konghq.com")), [] { return QStringLiteral("t"); }, &http);
            client->organization(done);
        });
        EXPECT_EQ(konnect.code, QStringLiteral("konnect.unexpected_answer")) << body.toStdString();
        EXPECT_TRUE(konnect.what.contains(QStringLiteral("Konnect"))) << konnect.what.toStdString();

        const dcr::Error portal = failureOf<dcr::PortalApplication>(answer, [&](dcr::HttpClient& http, auto done) {
            auto* client = new dcr::PortalClient(http, QUrl(QStringLiteral("https://portal.example.com/api/v3")), &http);
            client->createApplication(QStringLiteral("app"), QStringLiteral("strategy"), done);
        });
        EXPECT_TRUE(portal.code.endsWith(QStringLiteral("unexpected_answer"))) << portal.code.toStdString();

        const dcr::Error token = failureOf<dcr::AccessToken>(answer, [&](dcr::HttpClient& http, auto done) {
            auto* client = new dcr::TokenClient(http, QUrl(QStringLiteral("https://login.microsoftonline.com")), &http);
            client->clientCredentialsV1(QStringLiteral("t"), QStringLiteral("c"), QStringLiteral("s"), QStringLiteral("r"), false, done);
        });
        EXPECT_EQ(token.code, QStringLiteral("token.malformed")) << body.toStdString();
        EXPECT_TRUE(token.what.contains(QStringLiteral("without an access token"))) << token.what.toStdString();
    }
}

TEST(MalformedAnswers, ErrorBodiesThatAreNotTheServicesOwnStillGiveTheStatusMeaning) {
    const QByteArray bodies[] = {"", "<html>502 Bad Gateway</html>", R"({"error": )", R"({"error": {"code": 5}})",
                                 R"({"invalid_parameters": "x", "detail": 7})", R"({"error_codes": ["x", null, -3]})"};
    for (const QByteArray& body : bodies) {
        for (const auto flavor : {dcr::ErrorFlavor::Entra, dcr::ErrorFlavor::Graph, dcr::ErrorFlavor::Konnect, dcr::ErrorFlavor::Plain}) {
            for (const int status : {401, 503}) {
                const dcr::Error e = dcr::Error::fromResponse(flavor, status, body);
                EXPECT_TRUE(e.code.endsWith(status == 401 ? QStringLiteral("unauthorized") : QStringLiteral("server_error")) ||
                            e.code == QStringLiteral("http.%1").arg(status))
                    << body.toStdString() << " " << status << ": " << e.code.toStdString();
                EXPECT_EQ(e.retryable, status == 503) << e.code.toStdString();
                EXPECT_EQ(e.httpStatus, status);
                EXPECT_FALSE(e.what.isEmpty());
                EXPECT_FALSE(e.remedy.isEmpty());
            }
        }
    }
}

// ---- profile files --------------------------------------------------------------------------

QStringList profileErrors(const QJsonObject& json) {
    QStringList errors;
    EXPECT_FALSE(dcr::Profile::fromJson(json, &errors).has_value());
    return errors;
}

QJsonObject sampleProfile() {
    QFile file(QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json"));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly));
    return QJsonDocument::fromJson(file.readAll()).object();
}

TEST(MalformedProfile, EveryWrongTypeIsNamedWithWhatItMustBe) {
    const std::pair<const char*, QJsonValue> topLevel[] = {{"name", 5}, {"blueprint", true}, {"azure", QStringLiteral("x")}, {"publish", QJsonArray{}}};
    for (const auto& [key, value] : topLevel) {
        QJsonObject json = sampleProfile();
        json.insert(QLatin1String(key), value);
        const QString errors = profileErrors(json).join(QLatin1Char('\n'));
        EXPECT_TRUE(errors.contains(QStringLiteral("\"%1\" must be").arg(QLatin1String(key)))) << key << ": " << errors.toStdString();
    }
    const std::tuple<const char*, const char*, QJsonValue, const char*> nested[] = {
        {"azure", "tenant", 42, "must be a string"},
        {"azure", "secret_lifetime_months", QStringLiteral("12"), "must be a whole number"},
        {"azure", "secret_lifetime_months", 1.5, "must be a whole number"},
        {"konnect", "scopes", QStringLiteral("openid"), "must be a list of strings"},
        {"konnect", "credential_claim", QJsonArray{1}, "must be a list of strings"},
        {"konnect", "auth_methods", QJsonValue::Null, "must be a list of strings"},
    };
    for (const auto& [section, key, value, says] : nested) {
        QJsonObject json = sampleProfile();
        QJsonObject inner = json.value(QLatin1String(section)).toObject();
        inner.insert(QLatin1String(key), value);
        json.insert(QLatin1String(section), inner);
        const QString errors = profileErrors(json).join(QLatin1Char('\n'));
        EXPECT_TRUE(errors.contains(QStringLiteral("\"%1.%2\" %3").arg(QLatin1String(section), QLatin1String(key), QLatin1String(says))))
            << section << "." << key << ": " << errors.toStdString();
    }
}

TEST(MalformedProfile, UnknownKeysAndSecretsAtAnyLevelAreNamed) {
    QJsonObject json = sampleProfile();
    json.insert(QStringLiteral("konnect_token"), QStringLiteral("kpat_x"));
    QJsonObject azure = json.value(QStringLiteral("azure")).toObject();
    azure.insert(QStringLiteral("client_secret"), QStringLiteral("x"));
    azure.insert(QStringLiteral("tennant"), QStringLiteral("typo"));
    json.insert(QStringLiteral("azure"), azure);
    const QString errors = profileErrors(json).join(QLatin1Char('\n'));
    EXPECT_TRUE(errors.contains(QStringLiteral("\"konnect_token\" looks like a secret"))) << errors.toStdString();
    EXPECT_TRUE(errors.contains(QStringLiteral("\"azure.client_secret\" looks like a secret"))) << errors.toStdString();
    EXPECT_TRUE(errors.contains(QStringLiteral("\"azure.tennant\" is not a profile setting"))) << errors.toStdString();
}

class ProfileFileTest : public ::testing::Test {
protected:
    struct Run {
        int exitCode = -1;
        QString err;
        qint64 elapsedMs = 0;
    };

    // The real command line reading the file: it must stop with a user error and say why, quickly.
    Run unattended(const QByteArray& content) {
        QFile file(dir.filePath(QStringLiteral("profile.json")));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        file.close();
        QProcess p;
        QElapsedTimer clock;
        clock.start();
        p.start(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--unattended"), QStringLiteral("--profile"), file.fileName(),
                                                 QStringLiteral("--state-file"), dir.filePath(QStringLiteral("state.json"))});
        EXPECT_TRUE(p.waitForFinished(30000)) << "dcr-wizard hung on a bad profile";
        Run run;
        run.elapsedMs = clock.elapsed();
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.err = QString::fromUtf8(p.readAllStandardError());
        return run;
    }

    QTemporaryDir dir;
};

TEST_F(ProfileFileTest, NotJsonTruncatedNestedOrHugeFilesAreUserErrorsThatSayWhy) {
    QFile sample(QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json"));
    ASSERT_TRUE(sample.open(QIODevice::ReadOnly));
    const QByteArray good = sample.readAll();
    QJsonObject hugeName = QJsonDocument::fromJson(good).object();
    QJsonObject azure = hugeName.value(QStringLiteral("azure")).toObject();
    // Long, but within the cap on a profile file's size: the field rule says what is wrong.
    azure.insert(QStringLiteral("app_display_name"), QString(512 * 1024, QLatin1Char('x')));
    hugeName.insert(QStringLiteral("azure"), azure);
    QJsonObject hugeFile = hugeName;
    azure.insert(QStringLiteral("app_display_name"), QString(8 * 1024 * 1024, QLatin1Char('x')));
    hugeFile.insert(QStringLiteral("azure"), azure);
    struct Case {
        const char* name;
        QByteArray content;
        const char* says;
    };
    const Case cases[] = {
        {"empty", QByteArray(), "is not a JSON object"},
        {"not JSON", "schema_version = 1\nname = demo\n", "is not a JSON object"},
        {"truncated", good.left(good.size() / 2), "is not a JSON object"},
        {"an array", "[1, 2, 3]", "is not a JSON object"},
        {"binary", QByteArray("\x00\xff\xfe{\x01", 5), "is not a JSON object"},
        {"nested too deep", QByteArray(100000, '[') + QByteArray(100000, ']'), "is not a JSON object"},
        {"a huge value", QJsonDocument(hugeName).toJson(), "\"azure.app_display_name\" must have 1 to 120 characters"},
        {"a huge file", QJsonDocument(hugeFile).toJson(), "is larger than 1024 KiB"},
        {"an empty object", "{}", "\"schema_version\" is missing"},
    };
    for (const Case& c : cases) {
        const Run run = unattended(c.content);
        EXPECT_EQ(run.exitCode, 2) << c.name << ": " << run.err.left(500).toStdString();
        EXPECT_TRUE(run.err.contains(QLatin1String(c.says))) << c.name << ": " << run.err.left(500).toStdString();
        EXPECT_LT(run.elapsedMs, 20000) << c.name;
    }
    EXPECT_FALSE(QFile::exists(dir.filePath(QStringLiteral("state.json"))));
}

}  // namespace
