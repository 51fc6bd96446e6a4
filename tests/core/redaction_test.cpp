#include "core/redaction.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace {

using namespace dcr;

// Realistic shapes: a JWT, Konnect tokens and an Entra secret value.
const QString kJwt = QStringLiteral(
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20iLCJ0aWQiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz");
const QString kPat = QStringLiteral("kpat_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v2W3x4");
const QString kSpat = QStringLiteral("spat_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2");
const QString kEntraSecret = QStringLiteral("Xy48Q~abcdEFGHijklMNOPqrstUVWXyz01234567");

void expectNoneOf(const QString& text, const QStringList& secrets) {
    for (const QString& s : secrets)
        EXPECT_FALSE(text.contains(s)) << "leaked '" << s.toStdString() << "' in: " << text.toStdString();
}

TEST(Redaction, SecretFieldNames) {
    for (const char* name : {"client_secret", "initial_client_secret", "secretText", "SECRETTEXT", "password", "access_token",
                             "refresh_token", "id_token", "code_verifier", "device_code", "assertion", "token"}) {
        EXPECT_TRUE(isSecretFieldName(QLatin1String(name), true)) << name;
        EXPECT_TRUE(isSecretFieldName(QLatin1String(name), false)) << name;
    }
    EXPECT_TRUE(isSecretFieldName("code", false));
    EXPECT_FALSE(isSecretFieldName("code", true)) << "Graph's error.code must stay readable";
    for (const char* name : {"client_id", "user_code", "token_type", "expires_in", "displayName", "keyId", "hint"})
        EXPECT_FALSE(isSecretFieldName(QLatin1String(name), true)) << name;
}

TEST(Redaction, JsonAtAnyDepthKeepsStructure) {
    const QJsonObject input{
        {"name", "azure-dcr"},
        {"provider_type", "azureAd"},
        {"dcr_config", QJsonObject{{"initial_client_id", "11111111-2222-3333-4444-555555555555"}, {"initial_client_secret", kEntraSecret}}},
        {"tokens", QJsonArray{QJsonObject{{"access_token", kJwt}, {"refresh_token", "0.AAA-refresh"}, {"id_token", kJwt}},
                               QJsonObject{{"Token", kPat}}}},
        {"passwordCredential", QJsonObject{{"keyId", "k-1"}, {"secretText", "plain-secret-text"}, {"hint", "Xy4"}}},
        {"developer", QJsonObject{{"password", "p@ss w0rd"}, {"username", "dev@example.com"}}},
        {"device_code", "DAQABAAEAAAD-device"},
        {"assertion", "assert-me"},
        {"code_verifier", "verifier-1234567890"},
        {"client_secret", "cs-value"},
        {"note", "sent " + kJwt + " and " + kSpat},
        {"error", QJsonObject{{"code", "Request_BadRequest"}, {"message", "bad"}}},
        {"empty_secret", QJsonObject{{"client_secret", ""}}},
        {"count", 3},
        {"active", true},
    };
    const QByteArray out = redactJson(QJsonDocument(input).toJson());
    expectNoneOf(QString::fromUtf8(out), {kJwt, kPat, kSpat, kEntraSecret, "0.AAA-refresh", "plain-secret-text", "p@ss w0rd",
                                          "DAQABAAEAAAD-device", "assert-me", "verifier-1234567890", "cs-value"});

    QJsonParseError error;
    const QJsonObject parsed = QJsonDocument::fromJson(out, &error).object();
    ASSERT_EQ(error.error, QJsonParseError::NoError) << out.constData();
    EXPECT_EQ(parsed.keys(), input.keys());
    EXPECT_EQ(parsed["name"].toString(), "azure-dcr");
    EXPECT_EQ(parsed["dcr_config"]["initial_client_id"].toString(), "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(parsed["dcr_config"]["initial_client_secret"].toString(), "***");
    EXPECT_EQ(parsed["tokens"].toArray().size(), 2);
    EXPECT_EQ(parsed["tokens"][0]["access_token"].toString(), "***");
    EXPECT_EQ(parsed["tokens"][1]["Token"].toString(), "***");
    EXPECT_EQ(parsed["passwordCredential"]["keyId"].toString(), "k-1");
    EXPECT_EQ(parsed["passwordCredential"]["hint"].toString(), "Xy4");
    EXPECT_EQ(parsed["developer"]["username"].toString(), "dev@example.com");
    EXPECT_EQ(parsed["error"]["code"].toString(), "Request_BadRequest");
    EXPECT_EQ(parsed["empty_secret"]["client_secret"].toString(), "") << "an empty secret is worth seeing in a log";
    EXPECT_EQ(parsed["count"].toInt(), 3);
    EXPECT_TRUE(parsed["active"].toBool());
    EXPECT_TRUE(parsed["note"].toString().startsWith("sent eyJ***"));
}

TEST(Redaction, JsonArrayAtTopLevel) {
    const QByteArray out = redactJson(R"([{"secretText":"abc123"},"plain"])");
    EXPECT_EQ(out, R"([{"secretText":"***"},"plain"])");
}

TEST(Redaction, NotJsonFallsBackToText) {
    // A clipped body: the closing quote is gone, the secret must still go.
    const QByteArray out = redactJson(R"({"error":"x","client_secret":"s3cr3t-value-that-got-cut)");
    EXPECT_FALSE(out.contains("s3cr3t"));
    EXPECT_TRUE(out.contains(R"("error":"x")"));
    const QByteArray html = redactJson("<html>token=abcdef " + kJwt.toUtf8() + "</html>");
    EXPECT_FALSE(html.contains("abcdef"));
    EXPECT_FALSE(html.contains(kJwt.toUtf8()));
}

TEST(Redaction, Form) {
    const QByteArray form = "grant_type=authorization_code&client_id=14d82eec&code=0.AXcode-value&redirect_uri=http%3A%2F%2Flocalhost%3A5123"
                            "&code_verifier=verifier-123&client%5Fsecret=s%2Bcret&refresh_token=rt-1&assertion=as-1&scope=openid+profile"
                            "&device_code=dc-1&password=pw-1";
    const QString out = QString::fromUtf8(redactForm(form));
    expectNoneOf(out, {"0.AXcode-value", "verifier-123", "s%2Bcret", "rt-1", "as-1", "dc-1", "pw-1"});
    EXPECT_TRUE(out.contains("grant_type=authorization_code"));
    EXPECT_TRUE(out.contains("client_id=14d82eec"));
    EXPECT_TRUE(out.contains("code=***"));
    EXPECT_TRUE(out.contains("client%5Fsecret=***"));
    EXPECT_TRUE(out.contains("redirect_uri=http%3A%2F%2Flocalhost%3A5123"));
    EXPECT_TRUE(out.contains("scope=openid+profile"));
    EXPECT_EQ(out.count('&'), form.count('&'));
}

TEST(Redaction, Url) {
    const QUrl url("https://user:pa55word@login.example.com/tenant/oauth2/v2.0/authorize?client_id=abc&code=0.AXcode&state=st-1"
                   "#access_token=" + kJwt + "&token_type=Bearer&id_token=idt");
    const QString out = redactUrl(url);
    expectNoneOf(out, {"pa55word", "0.AXcode", kJwt, "idt"});
    EXPECT_TRUE(out.startsWith("https://user@login.example.com/tenant/oauth2/v2.0/authorize?"));
    EXPECT_TRUE(out.contains("client_id=abc"));
    EXPECT_TRUE(out.contains("state=st-1"));
    EXPECT_TRUE(out.contains("token_type=Bearer"));
    EXPECT_TRUE(out.contains("code=***"));
    EXPECT_TRUE(out.contains("#access_token=***"));

    EXPECT_EQ(redactUrl(QUrl("https://graph.microsoft.com/v1.0/applications?$filter=displayName%20eq%20'x'")),
              "https://graph.microsoft.com/v1.0/applications?$filter=displayName%20eq%20'x'");
}

TEST(Redaction, Headers) {
    EXPECT_EQ(redactHeaderValue("Authorization", "Bearer " + kJwt.toUtf8()), "Bearer ***");
    EXPECT_EQ(redactHeaderValue("authorization", "Basic Y2xpZW50OnNlY3JldA=="), "Basic ***");
    EXPECT_EQ(redactHeaderValue("Proxy-Authorization", "Negotiate YIIabc"), "Negotiate ***");
    EXPECT_EQ(redactHeaderValue("Authorization", kPat.toUtf8()), "***");
    EXPECT_EQ(redactHeaderValue("Cookie", "portalaccesstoken=abc123; theme=dark"), "portalaccesstoken=***; theme=***");
    EXPECT_EQ(redactHeaderValue("Set-Cookie", "portalaccesstoken=abc123; Path=/; HttpOnly; Secure"),
              "portalaccesstoken=***; Path=/; HttpOnly; Secure");
    EXPECT_EQ(redactHeaderValue("X-Api-Key", "k-123"), "***");
    EXPECT_EQ(redactHeaderValue("Content-Type", "application/json"), "application/json");
    EXPECT_EQ(redactHeaderValue("WWW-Authenticate", R"(Bearer realm="", error="invalid_token")"), R"(Bearer realm="", error="invalid_token")");
    EXPECT_EQ(redactHeaderValue("X-Debug", "saw " + kPat.toUtf8()), "saw kpat_***");
}

TEST(Redaction, FreeText) {
    const QString text = QStringLiteral("token %1, konnect %2 and %3, secret %4, header Bearer abcdefghijkl, "
                                        "form client_secret=cs-1&password=pw-2, json \"refresh_token\": \"rt-3\", "
                                        "app 11111111-2222-3333-4444-555555555555 created")
                             .arg(kJwt, kPat, kSpat, kEntraSecret);
    const QString out = redactText(text);
    expectNoneOf(out, {kJwt, kPat, kSpat, kEntraSecret, "abcdefghijkl", "cs-1", "pw-2", "rt-3"});
    EXPECT_TRUE(out.contains("eyJ***"));
    EXPECT_TRUE(out.contains("kpat_***"));
    EXPECT_TRUE(out.contains("spat_***"));
    EXPECT_TRUE(out.contains("Bearer ***"));
    EXPECT_TRUE(out.contains("\"refresh_token\":\"***\""));
    EXPECT_TRUE(out.contains("11111111-2222-3333-4444-555555555555")) << "ids are not secrets";

    const QString harmless = QStringLiteral("Created the app registration 'Kong Konnect DCR' (kpat_short is not a token).");
    EXPECT_EQ(redactText(harmless), harmless);
}

TEST(Redaction, BodyByContentType) {
    EXPECT_EQ(redactBody("application/json; charset=utf-8", R"({"secretText":"x1"})"), R"({"secretText":"***"})");
    EXPECT_EQ(redactBody("application/problem+json", R"({"password":"x1"})"), R"({"password":"***"})");
    EXPECT_EQ(redactBody("application/x-www-form-urlencoded", "client_secret=x1&a=b"), "client_secret=***&a=b");
    EXPECT_EQ(redactBody("text/plain", "Bearer abcdefghij"), "Bearer ***");
}

}  // namespace
