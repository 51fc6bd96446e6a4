// The sandbox's Microsoft identity platform. The sign-in flows go over real HTTP to the running
// sandbox (EntraTest, EntraInteractiveTest); the client-credentials matrix and the cases that
// need objects in the directory dispatch straight into the router with the state at hand
// (EntraDirectTest), so that they can add applications, secrets and role assignments.
#include "sandbox/sandbox_fixture.h"
#include "sandbox/services.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrlQuery>

#include <functional>

namespace {

using dcr::sandbox::Directory;
using dcr::sandbox::Request;
using dcr::sandbox::Response;
using dcr::test::HttpResult;

const QString kCliClientId = QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
const QString kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
const QString kCrmAppId = QStringLiteral("00000007-0000-0000-c000-000000000000");
const QString kCrmUserImpersonation = QStringLiteral("78ce3f0f-a1ce-49c2-8cde-64b5c0896db4");
const QString kOwnedByRoleId = QStringLiteral("18a4783c-866b-4cc7-a460-3d5e5662c884");
const QString kUserReadScopeId = QStringLiteral("e1fe6dd8-ba31-4d61-89e7-88639da4683d");
const QString kRedirect = QStringLiteral("http://localhost:53682");
const QString kWizardScopes = QStringLiteral(
    "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All "
    "https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All https://graph.microsoft.com/User.Read "
    "offline_access openid profile");
const QString kDeviceCodeGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");

QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }

int errorCode(const QJsonObject& body) { return body.value(QStringLiteral("error_codes")).toArray().first().toInt(); }

QJsonObject claimsOf(const QString& jwt) {
    const QStringList parts = jwt.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts[1].toLatin1(), QByteArray::Base64UrlEncoding |
                                                                                   QByteArray::OmitTrailingEquals))
        .object();
}

struct Pkce {
    QString verifier, challenge;
};

Pkce makePkce() {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QByteArray verifier;
    for (int i = 0; i < 64; ++i)
        verifier += alphabet[QRandomGenerator::global()->bounded(int(sizeof alphabet) - 1)];
    const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return {QString::fromLatin1(verifier), QString::fromLatin1(challenge)};
}

QUrlQuery authorizeQuery(const QString& clientId, const QString& redirect, const QString& scope, const Pkce& pkce) {
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("client_id"), clientId);
    q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    q.addQueryItem(QStringLiteral("redirect_uri"), redirect);
    q.addQueryItem(QStringLiteral("scope"), scope);
    q.addQueryItem(QStringLiteral("state"), QStringLiteral("xyz"));
    if (!pkce.challenge.isEmpty()) {
        q.addQueryItem(QStringLiteral("code_challenge"), pkce.challenge);
        q.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    }
    return q;
}

QUrlQuery form(std::initializer_list<std::pair<QString, QString>> items) {
    QUrlQuery q;
    for (const auto& [k, v] : items)
        q.addQueryItem(k, v);
    return q;
}

// The Kong DCR app's minimal API permissions (api-facts §2): one application permission and one
// delegated permission on Microsoft Graph.
QJsonArray kongPermissions() {
    return QJsonArray{QJsonObject{
        {QStringLiteral("resourceAppId"), kGraphAppId},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), kOwnedByRoleId}, {QStringLiteral("type"), QStringLiteral("Role")}},
                    QJsonObject{{QStringLiteral("id"), kUserReadScopeId}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}}};
}

QString queryOf(const QByteArray& location, const char* key) {
    return QUrlQuery(QUrl(QString::fromUtf8(location))).queryItemValue(QLatin1String(key), QUrl::FullyDecoded);
}

// ---- over HTTP -----------------------------------------------------------------------------------

class EntraTest : public dcr::test::SandboxFixture {
protected:
    void adjustSeed(dcr::sandbox::Seed& seed) override {
        seed.autoApproveSignIn = true;
        seed.deviceCodeIntervalSeconds = 1;
    }

    QString tenant() const { return infoValue("tenant_id"); }
    QString login(const QString& rest) const { return QStringLiteral("/login/%1%2").arg(tenant(), rest); }

    HttpResult authorize(const QUrlQuery& query) {
        return send("GET", login(QStringLiteral("/oauth2/v2.0/authorize?")) + query.toString(QUrl::FullyEncoded));
    }

    HttpResult redeem(const QString& code, const QString& verifier, const QString& redirect = kRedirect) {
        return postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                        form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                              {QStringLiteral("client_id"), kCliClientId},
                              {QStringLiteral("code"), code},
                              {QStringLiteral("redirect_uri"), redirect},
                              {QStringLiteral("code_verifier"), verifier}}));
    }

    // An authorization code for the wizard's scopes, approved at once by the seeded sign-in switch.
    QString autoApprovedCode(const Pkce& pkce) {
        const HttpResult r = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, pkce));
        EXPECT_EQ(r.status, 302) << r.body.toStdString();
        return queryOf(r.header("Location"), "code");
    }

    HttpResult pollDevice(const QString& deviceCode) {
        return postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                        form({{QStringLiteral("grant_type"), kDeviceCodeGrant},
                              {QStringLiteral("client_id"), kCliClientId},
                              {QStringLiteral("device_code"), deviceCode}}));
    }

    // The seeded administrator's Graph token for the wizard's scopes.
    QByteArray graphToken() {
        const Pkce pkce = makePkce();
        const HttpResult r = redeem(autoApprovedCode(pkce), pkce.verifier);
        EXPECT_EQ(r.status, 200) << r.body.toStdString();
        return str(r.json(), "access_token").toLatin1();
    }

    // Registers the Kong DCR app through Graph, as the wizard does, without a service principal.
    QString registerKongApp(const QByteArray& token, const QString& name) {
        const HttpResult r = sendJson("POST", QStringLiteral("/graph/v1.0/applications"),
                                      QJsonObject{{QStringLiteral("displayName"), name},
                                                  {QStringLiteral("requiredResourceAccess"), kongPermissions()}},
                                      token);
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return str(r.json(), "appId");
    }

    HttpResult adminConsent(const QString& clientId) {
        return send("GET", login(QStringLiteral("/adminconsent?client_id=")) + clientId);
    }

    // A Graph collection's value list.
    QJsonArray graphList(const QString& path, const QByteArray& token) {
        const HttpResult r = getJson(QStringLiteral("/graph/v1.0") + path, token);
        EXPECT_EQ(r.status, 200) << path.toStdString() << ": " << r.body.toStdString();
        return r.json().value(QStringLiteral("value")).toArray();
    }

    QJsonObject startDeviceCode() {
        const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/devicecode")),
                                      form({{QStringLiteral("client_id"), kCliClientId}, {QStringLiteral("scope"), kWizardScopes}}));
        EXPECT_EQ(r.status, 200) << r.body.toStdString();
        return r.json();
    }
};

class EntraInteractiveTest : public EntraTest {
protected:
    void adjustSeed(dcr::sandbox::Seed& seed) override {
        EntraTest::adjustSeed(seed);
        seed.autoApproveSignIn = false;
    }

    // The sign-in page's hidden field that ties the form to its request.
    static QString hiddenField(const QByteArray& html, const QString& name) {
        const QRegularExpression re(QStringLiteral("name=\"%1\" value=\"([^\"]*)\"").arg(name));
        return re.match(QString::fromUtf8(html)).captured(1);
    }
};

TEST_F(EntraTest, DiscoveryDocumentsNameTheRealIssuersAndTheSandboxEndpoints) {
    const HttpResult v2 = send("GET", login(QStringLiteral("/v2.0/.well-known/openid-configuration")));
    ASSERT_EQ(v2.status, 200) << v2.body.toStdString();
    const QJsonObject doc = v2.json();
    EXPECT_EQ(str(doc, "issuer"), QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenant()));
    EXPECT_EQ(str(doc, "authorization_endpoint"), base + login(QStringLiteral("/oauth2/v2.0/authorize")));
    EXPECT_EQ(str(doc, "token_endpoint"), base + login(QStringLiteral("/oauth2/v2.0/token")));
    EXPECT_EQ(str(doc, "device_authorization_endpoint"), base + login(QStringLiteral("/oauth2/v2.0/devicecode")));
    ASSERT_TRUE(str(doc, "jwks_uri").startsWith(base));
    const HttpResult keys = send("GET", str(doc, "jwks_uri").mid(base.size()));
    ASSERT_EQ(keys.status, 200);
    const QJsonObject key = keys.json().value(QStringLiteral("keys")).toArray().first().toObject();
    EXPECT_EQ(str(key, "kty"), QStringLiteral("RSA"));
    EXPECT_FALSE(str(key, "kid").isEmpty());
    EXPECT_FALSE(str(key, "n").isEmpty());

    const HttpResult v1 = send("GET", login(QStringLiteral("/.well-known/openid-configuration")));
    ASSERT_EQ(v1.status, 200);
    EXPECT_EQ(str(v1.json(), "issuer"), QStringLiteral("https://sts.windows.net/%1/").arg(tenant()));
    EXPECT_EQ(str(v1.json(), "token_endpoint"), base + login(QStringLiteral("/oauth2/token")));
    EXPECT_EQ(str(v1.json(), "jwks_uri"), base + QStringLiteral("/login/common/discovery/keys"));
    const HttpResult commonKeys = send("GET", QStringLiteral("/login/common/discovery/keys"));
    ASSERT_EQ(commonKeys.status, 200);
    EXPECT_EQ(commonKeys.json(), keys.json());

    // The tenant's domain names the same tenant; the multi-tenant aliases keep Entra's placeholder.
    const HttpResult byDomain =
        send("GET", QStringLiteral("/login/%1/v2.0/.well-known/openid-configuration").arg(infoValue("tenant_domain")));
    EXPECT_EQ(str(byDomain.json(), "issuer"), str(doc, "issuer"));
    const HttpResult common = send("GET", QStringLiteral("/login/organizations/v2.0/.well-known/openid-configuration"));
    EXPECT_EQ(str(common.json(), "issuer"), QStringLiteral("https://login.microsoftonline.com/{tenantid}/v2.0"));

    const HttpResult unknown =
        send("GET", QStringLiteral("/login/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration"));
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(str(unknown.json(), "error"), QStringLiteral("invalid_tenant"));
    EXPECT_EQ(errorCode(unknown.json()), 90002);
}

TEST_F(EntraTest, AuthorizationCodeWithPkceGivesTheAdminAGraphToken) {
    const Pkce pkce = makePkce();
    const HttpResult page = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, pkce));
    ASSERT_EQ(page.status, 302) << page.body.toStdString();
    const QByteArray location = page.header("Location");
    EXPECT_TRUE(location.startsWith(kRedirect.toUtf8() + "?")) << location.toStdString();
    EXPECT_EQ(queryOf(location, "state"), QStringLiteral("xyz"));
    const QString code = queryOf(location, "code");
    ASSERT_FALSE(code.isEmpty());

    const HttpResult token = redeem(code, pkce.verifier);
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    const QJsonObject body = token.json();
    EXPECT_EQ(str(body, "token_type"), QStringLiteral("Bearer"));
    EXPECT_TRUE(body.value(QStringLiteral("expires_in")).isDouble());
    EXPECT_TRUE(body.value(QStringLiteral("ext_expires_in")).isDouble());
    EXPECT_FALSE(str(body, "refresh_token").isEmpty());
    EXPECT_TRUE(str(body, "scope").split(QLatin1Char(' ')).contains(QStringLiteral("https://graph.microsoft.com/User.Read")));
    EXPECT_EQ(token.header("Cache-Control"), "no-store, no-cache");

    const QJsonObject claims = claimsOf(str(body, "access_token"));
    EXPECT_EQ(str(claims, "aud"), QStringLiteral("https://graph.microsoft.com"));
    EXPECT_EQ(str(claims, "iss"), QStringLiteral("https://sts.windows.net/%1/").arg(tenant()));
    EXPECT_EQ(str(claims, "ver"), QStringLiteral("1.0"));
    EXPECT_EQ(str(claims, "tid"), tenant());
    EXPECT_EQ(str(claims, "appid"), kCliClientId);
    EXPECT_EQ(str(claims, "upn"), infoValue("admin_user_principal_name"));
    EXPECT_EQ(str(claims, "scp"), QStringLiteral("Application.ReadWrite.All AppRoleAssignment.ReadWrite.All "
                                                 "DelegatedPermissionGrant.ReadWrite.All User.Read"));
    EXPECT_GT(claims.value(QStringLiteral("exp")).toInteger(), QDateTime::currentSecsSinceEpoch() + 3000);

    const QJsonObject id = claimsOf(str(body, "id_token"));
    EXPECT_EQ(str(id, "aud"), kCliClientId);
    EXPECT_EQ(str(id, "iss"), QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenant()));
    EXPECT_EQ(str(id, "preferred_username"), infoValue("admin_user_principal_name"));
    EXPECT_EQ(str(id, "oid"), str(claims, "oid"));

    // The sandbox's Graph takes it.
    const HttpResult me = getJson(QStringLiteral("/graph/v1.0/me"), str(body, "access_token").toLatin1());
    ASSERT_EQ(me.status, 200) << me.body.toStdString();
    EXPECT_EQ(str(me.json(), "userPrincipalName"), infoValue("admin_user_principal_name"));
}

TEST_F(EntraTest, LoopbackRedirectsMatchOnAnyPort) {
    const Pkce pkce = makePkce();
    const QString redirect = QStringLiteral("http://127.0.0.1:49152/");
    const HttpResult r = authorize(authorizeQuery(kCliClientId, redirect, kWizardScopes, pkce));
    ASSERT_EQ(r.status, 302) << r.body.toStdString();
    EXPECT_EQ(redeem(queryOf(r.header("Location"), "code"), pkce.verifier, redirect).status, 200);
}

TEST_F(EntraTest, AWrongVerifierIsRefused) {
    const QString code = autoApprovedCode(makePkce());
    const HttpResult r = redeem(code, makePkce().verifier);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("invalid_grant"));
    EXPECT_EQ(errorCode(r.json()), 501481);
}

TEST_F(EntraTest, ACodeIsRedeemedOnce) {
    const Pkce pkce = makePkce();
    const QString code = autoApprovedCode(pkce);
    ASSERT_EQ(redeem(code, pkce.verifier).status, 200);
    const HttpResult again = redeem(code, pkce.verifier);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(str(again.json(), "error"), QStringLiteral("invalid_grant"));
    EXPECT_EQ(errorCode(again.json()), 54005);
    const QJsonObject body = again.json();
    for (const char* key : {"error_description", "timestamp", "trace_id", "correlation_id", "error_uri"})
        EXPECT_TRUE(body.contains(QLatin1String(key))) << key;
}

TEST_F(EntraTest, TheRedirectUriMustMatchAtAuthorizeAndAtRedemption) {
    const Pkce pkce = makePkce();
    const HttpResult mismatch = redeem(autoApprovedCode(pkce), pkce.verifier, QStringLiteral("http://localhost:9999"));
    EXPECT_EQ(mismatch.status, 400);
    EXPECT_EQ(str(mismatch.json(), "error"), QStringLiteral("invalid_grant"));
    EXPECT_EQ(errorCode(mismatch.json()), 50011);

    // A redirect URI the client does not have is never followed: the error stays in the browser.
    const HttpResult foreign = authorize(authorizeQuery(kCliClientId, QStringLiteral("https://evil.example/cb"), kWizardScopes, pkce));
    EXPECT_EQ(foreign.status, 400);
    EXPECT_TRUE(foreign.header("Location").isEmpty());
    EXPECT_TRUE(foreign.header("Content-Type").startsWith("text/html"));
    EXPECT_TRUE(foreign.body.contains("AADSTS50011")) << foreign.body.toStdString();
}

TEST_F(EntraTest, AnUnknownClientGetsAnErrorPage) {
    const HttpResult r =
        authorize(authorizeQuery(QStringLiteral("0a1b2c3d-0000-4000-8000-000000000001"), kRedirect, kWizardScopes, makePkce()));
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(r.header("Location").isEmpty());
    EXPECT_TRUE(r.body.contains("AADSTS700016")) << r.body.toStdString();
}

TEST_F(EntraTest, APublicClientWithoutPkceIsSentBackWithAnError) {
    const HttpResult r = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, Pkce{}));
    ASSERT_EQ(r.status, 302);
    const QByteArray location = r.header("Location");
    EXPECT_EQ(queryOf(location, "error"), QStringLiteral("invalid_request"));
    EXPECT_TRUE(queryOf(location, "error_description").startsWith(QLatin1String("AADSTS9002325:")));
    EXPECT_EQ(queryOf(location, "state"), QStringLiteral("xyz"));
}

TEST_F(EntraTest, RefreshTokensRotate) {
    const Pkce pkce = makePkce();
    const HttpResult first = redeem(autoApprovedCode(pkce), pkce.verifier);
    ASSERT_EQ(first.status, 200);
    const QString original = str(first.json(), "refresh_token");
    const auto refresh = [&](const QString& token) {
        return postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                        form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                              {QStringLiteral("client_id"), kCliClientId},
                              {QStringLiteral("refresh_token"), token},
                              {QStringLiteral("scope"), kWizardScopes}}));
    };
    const HttpResult second = refresh(original);
    ASSERT_EQ(second.status, 200) << second.body.toStdString();
    const QString rotated = str(second.json(), "refresh_token");
    EXPECT_FALSE(rotated.isEmpty());
    EXPECT_NE(rotated, original);
    EXPECT_FALSE(str(second.json(), "access_token").isEmpty());

    const HttpResult reused = refresh(original);
    EXPECT_EQ(reused.status, 400);
    EXPECT_EQ(str(reused.json(), "error"), QStringLiteral("invalid_grant"));
    EXPECT_EQ(errorCode(reused.json()), 70008);
    const HttpResult third = refresh(rotated);
    ASSERT_EQ(third.status, 200);

    // A refresh cannot reach a resource the admin never consented to.
    const HttpResult wider = postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                                      form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                            {QStringLiteral("client_id"), kCliClientId},
                                            {QStringLiteral("refresh_token"), str(third.json(), "refresh_token")},
                                            {QStringLiteral("scope"), kCrmAppId + QStringLiteral("/user_impersonation")}}));
    EXPECT_EQ(wider.status, 400);
    EXPECT_EQ(errorCode(wider.json()), 65001);
}

TEST_F(EntraTest, ResetForgetsTheSessions) {
    const Pkce pkce = makePkce();
    const HttpResult token = redeem(autoApprovedCode(pkce), pkce.verifier);
    ASSERT_EQ(token.status, 200);
    ASSERT_EQ(send("POST", QStringLiteral("/_sandbox/reset")).status, 204);
    const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                                  form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                        {QStringLiteral("client_id"), kCliClientId},
                                        {QStringLiteral("refresh_token"), str(token.json(), "refresh_token")}}));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("invalid_grant"));
}

TEST_F(EntraTest, AutoApprovedDeviceCodeIsGrantedAtTheFirstPoll) {
    const QJsonObject device = startDeviceCode();
    const HttpResult token = pollDevice(str(device, "device_code"));
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    EXPECT_EQ(str(claimsOf(str(token.json(), "access_token")), "upn"), infoValue("admin_user_principal_name"));
}

TEST_F(EntraTest, TheTokenEndpointsRefuseGet) {
    for (const QString& path : {login(QStringLiteral("/oauth2/token")), login(QStringLiteral("/oauth2/v2.0/token"))}) {
        const HttpResult r = send("GET", path + QStringLiteral("?grant_type=client_credentials"));
        EXPECT_EQ(r.status, 400) << path.toStdString();
        EXPECT_EQ(str(r.json(), "error"), QStringLiteral("invalid_request"));
        EXPECT_EQ(errorCode(r.json()), 900561);
    }
}

TEST_F(EntraTest, AnUnknownTenantIs90002) {
    const HttpResult r = postForm(QStringLiteral("/login/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token"),
                                  form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                        {QStringLiteral("client_id"), kCliClientId}}));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("invalid_request"));
    EXPECT_EQ(errorCode(r.json()), 90002);
}

TEST_F(EntraTest, AdminConsentGrantsTheApiPermissionsAndGraphListsThem) {
    const QByteArray token = graphToken();
    const QString appId = registerKongApp(token, QStringLiteral("Kong DCR <sandbox>"));
    const auto servicePrincipals = [&] {
        return graphList(QStringLiteral("/servicePrincipals?$filter=appId eq '%1'").arg(appId), token);
    };
    ASSERT_TRUE(servicePrincipals().isEmpty());

    const HttpResult r = adminConsent(appId);
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.header("Content-Type").startsWith("text/html")) << r.header("Content-Type").toStdString();
    EXPECT_TRUE(r.body.contains("Admin consent granted"));
    EXPECT_TRUE(r.body.contains("Kong DCR &lt;sandbox&gt;")) << r.body.toStdString();
    EXPECT_TRUE(r.body.contains("Application.ReadWrite.OwnedBy"));
    EXPECT_TRUE(r.body.contains("User.Read"));
    EXPECT_TRUE(r.body.contains("close this window"));

    const QJsonArray sps = servicePrincipals();
    ASSERT_EQ(sps.size(), 1);
    const QString spId = str(sps.first().toObject(), "id");
    const HttpResult graph = getJson(QStringLiteral("/graph/v1.0/servicePrincipals(appId='%1')").arg(kGraphAppId), token);
    ASSERT_EQ(graph.status, 200) << graph.body.toStdString();
    const QString graphSpId = str(graph.json(), "id");

    const QJsonArray assignments = graphList(QStringLiteral("/servicePrincipals/%1/appRoleAssignments").arg(spId), token);
    ASSERT_EQ(assignments.size(), 1);
    EXPECT_EQ(str(assignments.first().toObject(), "appRoleId"), kOwnedByRoleId);
    EXPECT_EQ(str(assignments.first().toObject(), "resourceId"), graphSpId);
    EXPECT_EQ(str(assignments.first().toObject(), "principalId"), spId);

    const QJsonArray grants = graphList(QStringLiteral("/oauth2PermissionGrants?$filter=clientId eq '%1'").arg(spId), token);
    ASSERT_EQ(grants.size(), 1);
    const QJsonObject grant = grants.first().toObject();
    EXPECT_EQ(str(grant, "consentType"), QStringLiteral("AllPrincipals"));
    EXPECT_EQ(str(grant, "resourceId"), graphSpId);
    EXPECT_EQ(str(grant, "scope"), QStringLiteral("User.Read"));
    // The grant's id is one Graph's routes take.
    EXPECT_EQ(getJson(QStringLiteral("/graph/v1.0/oauth2PermissionGrants/%1").arg(str(grant, "id")), token).status, 200);
}

TEST_F(EntraTest, AdminConsentTwiceGrantsNothingNew) {
    const QByteArray token = graphToken();
    const QString appId = registerKongApp(token, QStringLiteral("Kong DCR"));
    ASSERT_EQ(adminConsent(appId).status, 200);
    const QJsonArray sps = graphList(QStringLiteral("/servicePrincipals?$filter=appId eq '%1'").arg(appId), token);
    ASSERT_EQ(sps.size(), 1);
    const QString spId = str(sps.first().toObject(), "id");
    const QJsonArray assignments = graphList(QStringLiteral("/servicePrincipals/%1/appRoleAssignments").arg(spId), token);
    const QJsonArray grants = graphList(QStringLiteral("/oauth2PermissionGrants"), token);

    const HttpResult again = adminConsent(appId);
    ASSERT_EQ(again.status, 200) << again.body.toStdString();
    EXPECT_TRUE(again.body.contains("Application.ReadWrite.OwnedBy"));
    EXPECT_EQ(graphList(QStringLiteral("/servicePrincipals?$filter=appId eq '%1'").arg(appId), token), sps);
    EXPECT_EQ(graphList(QStringLiteral("/servicePrincipals/%1/appRoleAssignments").arg(spId), token), assignments);
    EXPECT_EQ(graphList(QStringLiteral("/oauth2PermissionGrants"), token), grants);
}

TEST_F(EntraTest, MissingParametersAre900144) {
    const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                                  form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                        {QStringLiteral("client_id"), kCliClientId}}));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(errorCode(r.json()), 900144);
    EXPECT_TRUE(str(r.json(), "error_description").contains(QLatin1String("'code'")));
}

TEST_F(EntraInteractiveTest, TheSignInPageShowsTheAdminAndTheScopesAndRedirectsOnApproval) {
    const Pkce pkce = makePkce();
    const HttpResult page = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, pkce));
    ASSERT_EQ(page.status, 200) << page.body.toStdString();
    EXPECT_TRUE(page.header("Content-Type").startsWith("text/html"));
    const QString html = QString::fromUtf8(page.body);
    EXPECT_TRUE(html.contains(QLatin1String("Sandbox")));
    EXPECT_TRUE(html.contains(infoValue("admin_user_principal_name")));
    EXPECT_TRUE(html.contains(QLatin1String("Ada Admin")));
    EXPECT_TRUE(html.contains(QLatin1String("Contoso (sandbox)")));
    EXPECT_TRUE(html.contains(QLatin1String("Application.ReadWrite.All")));
    EXPECT_TRUE(html.contains(QLatin1String("Sign in and accept")));
    const QString request = hiddenField(page.body, QStringLiteral("request"));
    ASSERT_FALSE(request.isEmpty());

    const HttpResult approved = postForm(login(QStringLiteral("/oauth2/v2.0/authorize")),
                                         form({{QStringLiteral("request"), request},
                                               {QStringLiteral("username"), infoValue("admin_user_principal_name")},
                                               {QStringLiteral("password"), infoValue("admin_password")},
                                               {QStringLiteral("action"), QStringLiteral("approve")}}));
    ASSERT_EQ(approved.status, 302) << approved.body.toStdString();
    const QByteArray location = approved.header("Location");
    EXPECT_EQ(queryOf(location, "state"), QStringLiteral("xyz"));
    EXPECT_EQ(redeem(queryOf(location, "code"), pkce.verifier).status, 200);

    // The form answered once is gone.
    const HttpResult replay = postForm(login(QStringLiteral("/oauth2/v2.0/authorize")),
                                       form({{QStringLiteral("request"), request}, {QStringLiteral("action"), QStringLiteral("approve")}}));
    EXPECT_EQ(replay.status, 400);
}

TEST_F(EntraInteractiveTest, AWrongPasswordKeepsTheSignInPage) {
    const HttpResult page = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, makePkce()));
    const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/authorize")),
                                  form({{QStringLiteral("request"), hiddenField(page.body, QStringLiteral("request"))},
                                        {QStringLiteral("username"), infoValue("admin_user_principal_name")},
                                        {QStringLiteral("password"), QStringLiteral("not the password")},
                                        {QStringLiteral("action"), QStringLiteral("approve")}}));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.header("Location").isEmpty());
    EXPECT_TRUE(r.body.contains("AADSTS50126")) << r.body.toStdString();
}

TEST_F(EntraInteractiveTest, CancelRedirectsWithAccessDenied) {
    const HttpResult page = authorize(authorizeQuery(kCliClientId, kRedirect, kWizardScopes, makePkce()));
    const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/authorize")),
                                  form({{QStringLiteral("request"), hiddenField(page.body, QStringLiteral("request"))},
                                        {QStringLiteral("action"), QStringLiteral("cancel")}}));
    ASSERT_EQ(r.status, 302);
    const QByteArray location = r.header("Location");
    EXPECT_EQ(queryOf(location, "error"), QStringLiteral("access_denied"));
    EXPECT_TRUE(queryOf(location, "error_description").startsWith(QLatin1String("AADSTS65004:")));
    EXPECT_EQ(queryOf(location, "state"), QStringLiteral("xyz"));
    EXPECT_TRUE(queryOf(location, "code").isEmpty());
}

TEST_F(EntraInteractiveTest, PromptNoneWithoutASessionIsLoginRequired) {
    QUrlQuery q = authorizeQuery(kCliClientId, kRedirect, kWizardScopes, makePkce());
    q.addQueryItem(QStringLiteral("prompt"), QStringLiteral("none"));
    const HttpResult r = authorize(q);
    ASSERT_EQ(r.status, 302);
    EXPECT_EQ(queryOf(r.header("Location"), "error"), QStringLiteral("login_required"));
}

TEST_F(EntraInteractiveTest, DeviceCodeIsPendingThenSlowDownThenGrantedOnceApproved) {
    const QJsonObject device = startDeviceCode();
    const QString userCode = str(device, "user_code");
    EXPECT_EQ(userCode.size(), 9);
    EXPECT_EQ(str(device, "verification_uri"), base + QStringLiteral("/login/device"));
    EXPECT_EQ(device.value(QStringLiteral("expires_in")).toInt(), 900);
    EXPECT_EQ(device.value(QStringLiteral("interval")).toInt(), 1);
    EXPECT_TRUE(str(device, "message").contains(userCode));
    EXPECT_TRUE(str(device, "message").contains(str(device, "verification_uri")));

    const QString deviceCode = str(device, "device_code");
    const HttpResult pending = pollDevice(deviceCode);
    EXPECT_EQ(pending.status, 400);
    EXPECT_EQ(str(pending.json(), "error"), QStringLiteral("authorization_pending"));
    EXPECT_EQ(errorCode(pending.json()), 70016);
    const HttpResult tooFast = pollDevice(deviceCode);
    EXPECT_EQ(tooFast.status, 400);
    EXPECT_EQ(str(tooFast.json(), "error"), QStringLiteral("slow_down"));

    const HttpResult approve =
        sendJson("POST", QStringLiteral("/_sandbox/device/approve"), QJsonObject{{QStringLiteral("user_code"), userCode}});
    ASSERT_EQ(approve.status, 200) << approve.body.toStdString();
    const HttpResult token = pollDevice(deviceCode);
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    EXPECT_FALSE(str(token.json(), "refresh_token").isEmpty());
    const QJsonObject claims = claimsOf(str(token.json(), "access_token"));
    EXPECT_EQ(str(claims, "aud"), QStringLiteral("https://graph.microsoft.com"));
    EXPECT_TRUE(str(claims, "scp").contains(QLatin1String("Application.ReadWrite.All")));

    const HttpResult again = pollDevice(deviceCode);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(str(again.json(), "error"), QStringLiteral("invalid_grant"));

    const HttpResult unknown =
        sendJson("POST", QStringLiteral("/_sandbox/device/approve"), QJsonObject{{QStringLiteral("user_code"), QStringLiteral("NOSUCHCOD")}});
    EXPECT_EQ(unknown.status, 404);
}

TEST_F(EntraInteractiveTest, TheVerificationPageApprovesAndDeclines) {
    const HttpResult entry = send("GET", QStringLiteral("/login/device"));
    ASSERT_EQ(entry.status, 200);
    EXPECT_TRUE(entry.body.contains("name=\"user_code\""));

    const QJsonObject approvedDevice = startDeviceCode();
    const HttpResult consent = postForm(QStringLiteral("/login/device"),
                                        form({{QStringLiteral("user_code"), str(approvedDevice, "user_code").toLower()}}));
    ASSERT_EQ(consent.status, 200);
    EXPECT_TRUE(consent.body.contains(infoValue("admin_user_principal_name").toUtf8()));
    EXPECT_TRUE(consent.body.contains("Sign in and accept"));
    const HttpResult signedIn = postForm(QStringLiteral("/login/device"),
                                         form({{QStringLiteral("user_code"), str(approvedDevice, "user_code")},
                                               {QStringLiteral("username"), infoValue("admin_user_principal_name")},
                                               {QStringLiteral("password"), infoValue("admin_password")},
                                               {QStringLiteral("action"), QStringLiteral("approve")}}));
    ASSERT_EQ(signedIn.status, 200);
    EXPECT_TRUE(signedIn.body.contains("signed in")) << signedIn.body.toStdString();
    EXPECT_EQ(pollDevice(str(approvedDevice, "device_code")).status, 200);

    const QJsonObject declinedDevice = startDeviceCode();
    const HttpResult declined = postForm(QStringLiteral("/login/device"),
                                         form({{QStringLiteral("user_code"), str(declinedDevice, "user_code")},
                                               {QStringLiteral("action"), QStringLiteral("cancel")}}));
    ASSERT_EQ(declined.status, 200);
    const HttpResult poll = pollDevice(str(declinedDevice, "device_code"));
    EXPECT_EQ(poll.status, 400);
    EXPECT_EQ(str(poll.json(), "error"), QStringLiteral("authorization_declined"));
    EXPECT_EQ(errorCode(poll.json()), 65004);

    const HttpResult wrongCode = postForm(QStringLiteral("/login/device"), form({{QStringLiteral("user_code"), QStringLiteral("ZZZZZZZZZ")}}));
    EXPECT_EQ(wrongCode.status, 200);
    EXPECT_TRUE(wrongCode.body.contains("didn't work"));
}

TEST_F(EntraInteractiveTest, AnUnknownDeviceCodeIsABadVerificationCode) {
    const HttpResult r = pollDevice(QStringLiteral("DAQABIQEAAADnotacode"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("bad_verification_code"));
}

// ---- straight into the router, with the directory at hand ------------------------------------------

class EntraDirectTest : public ::testing::Test {
protected:
    void SetUp() override {
        state.baseUrl = QStringLiteral("http://127.0.0.1:1");
        state.applySeed();
        dcr::sandbox::registerEntra(router, state);
    }

    QString tenant() const { return state.directory.tenant.id; }

    struct Created {
        QString appId, spId;
    };

    // An application with a client secret and a service principal, replicated unless the
    // directory's delay says otherwise.
    Created addApp(const QString& name, const QString& secret, const QString& endDateTime = {},
                   const std::function<void(dcr::sandbox::Application&)>& adjust = {}) {
        dcr::sandbox::Application app;
        app.displayName = name;
        if (!secret.isEmpty()) {
            dcr::sandbox::PasswordCredential cred;
            cred.keyId = dcr::sandbox::newGuid();
            cred.displayName = QStringLiteral("test");
            cred.hint = secret.left(3);
            cred.endDateTime = endDateTime;
            cred.secretText = secret;
            app.passwordCredentials.append(cred);
        }
        if (adjust)
            adjust(app);
        const QString appId = state.directory.addApplication(app).appId;
        dcr::sandbox::ServicePrincipal sp;
        sp.appId = appId;
        sp.displayName = name;
        const QString spId = state.directory.addServicePrincipal(sp).id;
        return {appId, spId};
    }

    Response dispatch(const QByteArray& method, const QString& path, const QUrlQuery& body,
                      const QByteArray& authorization = {}) {
        Request r;
        r.method = method;
        const qsizetype q = path.indexOf(QLatin1Char('?'));
        r.path = q < 0 ? path : path.left(q);
        if (q >= 0)
            r.query = QUrlQuery(path.mid(q + 1));
        r.headers.insert("content-type", "application/x-www-form-urlencoded");
        if (!authorization.isEmpty())
            r.headers.insert("authorization", authorization);
        r.body = body.toString(QUrl::FullyEncoded).toUtf8();
        return router.dispatch(r);
    }

    Response tokenV1(const QUrlQuery& body, const QString& tenantSegment = {}) {
        return dispatch("POST", QStringLiteral("/login/%1/oauth2/token").arg(tenantSegment.isEmpty() ? tenant() : tenantSegment),
                        body);
    }

    Response clientCredentials(const QString& clientId, const QString& secret,
                               const QString& resource = QStringLiteral("https://graph.microsoft.com")) {
        return tokenV1(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                             {QStringLiteral("client_id"), clientId},
                             {QStringLiteral("client_secret"), secret},
                             {QStringLiteral("resource"), resource}}));
    }

    Response tokenV2(const QUrlQuery& body, const QString& tenantSegment = {}) {
        return dispatch("POST",
                        QStringLiteral("/login/%1/oauth2/v2.0/token").arg(tenantSegment.isEmpty() ? tenant() : tenantSegment),
                        body);
    }

    Response deviceCode(const QString& clientId, const QString& scope, const QString& tenantSegment = {}) {
        return dispatch("POST",
                        QStringLiteral("/login/%1/oauth2/v2.0/devicecode").arg(tenantSegment.isEmpty() ? tenant() : tenantSegment),
                        form({{QStringLiteral("client_id"), clientId}, {QStringLiteral("scope"), scope}}));
    }

    Response pollDevice(const QString& clientId, const QString& deviceCode) {
        return tokenV2(form({{QStringLiteral("grant_type"), kDeviceCodeGrant},
                             {QStringLiteral("client_id"), clientId},
                             {QStringLiteral("device_code"), deviceCode}}));
    }

    Response approveDevice(const QString& userCode) {
        Request r;
        r.method = "POST";
        r.path = QStringLiteral("/_sandbox/device/approve");
        r.body = QJsonDocument(QJsonObject{{QStringLiteral("user_code"), userCode}}).toJson();
        return router.dispatch(r);
    }

    QJsonObject verified(const QJsonObject& body) {
        QString why;
        const std::optional<QJsonObject> claims = state.tokens.verify(str(body, "access_token").toLatin1(), &why);
        EXPECT_TRUE(claims.has_value()) << why.toStdString();
        return claims.value_or(QJsonObject());
    }

    static QJsonObject json(const Response& r) { return QJsonDocument::fromJson(r.body).object(); }

    static QByteArray header(const Response& r, const QByteArray& name) {
        for (const auto& [k, v] : r.headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }

    // The Kong DCR app as registered, before anyone consented: no service principal yet.
    QString addUnconsentedApp(const QString& name, const std::function<void(dcr::sandbox::Application&)>& adjust = {}) {
        dcr::sandbox::Application app;
        app.displayName = name;
        app.requiredResourceAccess = kongPermissions();
        if (adjust)
            adjust(app);
        return state.directory.addApplication(app).appId;
    }

    // The admin consent page, accepted by the seeded administrator when it asks (this directory's
    // seed does not approve by itself).
    Response adminConsent(const QString& clientId, const QUrlQuery& extra = {}, const QString& tenantSegment = {}) {
        const Response prompt = adminConsentPage(clientId, extra, tenantSegment);
        if (prompt.status != 200 || !prompt.body.contains("value=\"approve\""))
            return prompt;
        return answerAdminConsent(clientId, extra, QStringLiteral("approve"), state.seed.adminPassword, tenantSegment);
    }

    Response adminConsentPage(const QString& clientId, const QUrlQuery& extra = {}, const QString& tenantSegment = {}) {
        QUrlQuery query = extra;
        query.addQueryItem(QStringLiteral("client_id"), clientId);
        return dispatch("GET",
                        QStringLiteral("/login/%1/adminconsent?").arg(tenantSegment.isEmpty() ? tenant() : tenantSegment) +
                            query.toString(QUrl::FullyEncoded),
                        {});
    }

    Response answerAdminConsent(const QString& clientId, const QUrlQuery& extra, const QString& action, const QString& password,
                                const QString& tenantSegment = {}) {
        QUrlQuery body = extra;
        body.addQueryItem(QStringLiteral("client_id"), clientId);
        body.addQueryItem(QStringLiteral("action"), action);
        body.addQueryItem(QStringLiteral("username"), state.seed.adminUserPrincipalName);
        body.addQueryItem(QStringLiteral("password"), password);
        return dispatch("POST", QStringLiteral("/login/%1/adminconsent").arg(tenantSegment.isEmpty() ? tenant() : tenantSegment), body);
    }

    dcr::sandbox::SandboxState state;
    dcr::sandbox::Router router;
};

TEST_F(EntraDirectTest, V1ClientCredentialsIssueAV1TokenWithNumbersAsStrings) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("s3cret~value"));
    const Response r = clientCredentials(app.appId, QStringLiteral("s3cret~value"));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject body = json(r);
    EXPECT_EQ(str(body, "token_type"), QStringLiteral("Bearer"));
    EXPECT_EQ(body.value(QStringLiteral("expires_in")), QJsonValue(QStringLiteral("3599")));
    EXPECT_EQ(body.value(QStringLiteral("ext_expires_in")), QJsonValue(QStringLiteral("3599")));
    ASSERT_TRUE(body.value(QStringLiteral("expires_on")).isString());
    ASSERT_TRUE(body.value(QStringLiteral("not_before")).isString());
    EXPECT_EQ(str(body, "expires_on").toLongLong() - str(body, "not_before").toLongLong(), 3599);
    EXPECT_EQ(str(body, "resource"), QStringLiteral("https://graph.microsoft.com"));

    const QJsonObject claims = verified(body);
    EXPECT_EQ(str(claims, "iss"), QStringLiteral("https://sts.windows.net/%1/").arg(tenant()));
    EXPECT_EQ(str(claims, "ver"), QStringLiteral("1.0"));
    EXPECT_EQ(str(claims, "aud"), QStringLiteral("https://graph.microsoft.com"));
    EXPECT_EQ(str(claims, "appid"), app.appId);
    EXPECT_EQ(str(claims, "appidacr"), QStringLiteral("1"));
    EXPECT_EQ(str(claims, "tid"), tenant());
    EXPECT_EQ(str(claims, "oid"), app.spId);
    EXPECT_FALSE(claims.contains(QStringLiteral("roles")));
    EXPECT_FALSE(claims.contains(QStringLiteral("azp")));
}

TEST_F(EntraDirectTest, RolesListTheAssignedAppRoles) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    dcr::sandbox::AppRoleAssignment assignment;
    assignment.id = dcr::sandbox::newGuid();
    assignment.principalId = app.spId;
    assignment.resourceId = state.directory.servicePrincipalByAppId(kGraphAppId)->id;
    assignment.appRoleId = kOwnedByRoleId;
    state.directory.appRoleAssignments.append(assignment);
    const Response r = clientCredentials(app.appId, QStringLiteral("secret"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(verified(json(r)).value(QStringLiteral("roles")).toArray(),
              QJsonArray{QStringLiteral("Application.ReadWrite.OwnedBy")});
}

TEST_F(EntraDirectTest, AWrongSecretIs7000215) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response r = clientCredentials(app.appId, dcr::sandbox::newGuid());
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_client"));
    EXPECT_EQ(errorCode(json(r)), 7000215);
    EXPECT_TRUE(str(json(r), "error_description").contains(QLatin1String("not the client secret ID")));
}

TEST_F(EntraDirectTest, AnUnknownAppIs700016) {
    const Response r = clientCredentials(dcr::sandbox::newGuid(), QStringLiteral("secret"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("unauthorized_client"));
    EXPECT_EQ(errorCode(json(r)), 700016);
}

TEST_F(EntraDirectTest, ANewAppIsUnknownUntilItHasReplicated) {
    state.directory.replicationDelayMs = 300;
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response early = clientCredentials(app.appId, QStringLiteral("secret"));
    EXPECT_EQ(early.status, 400);
    EXPECT_EQ(errorCode(json(early)), 700016);
    ASSERT_TRUE(dcr::test::waitUntil(
        [&] { return state.directory.isVisible(state.directory.applicationByAppId(app.appId, true)->visibleAtMs); }, 5000));
    EXPECT_EQ(clientCredentials(app.appId, QStringLiteral("secret")).status, 200);
}

TEST_F(EntraDirectTest, AnExpiredSecretIs7000222) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"), QStringLiteral("2020-01-01T00:00:00Z"));
    const Response r = clientCredentials(app.appId, QStringLiteral("secret"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_client"));
    EXPECT_EQ(errorCode(json(r)), 7000222);
}

TEST_F(EntraDirectTest, AnUnknownTenantIs90002) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response r = tokenV1(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                     {QStringLiteral("client_id"), app.appId},
                                     {QStringLiteral("client_secret"), QStringLiteral("secret")},
                                     {QStringLiteral("resource"), QStringLiteral("https://graph.microsoft.com")}}),
                               QStringLiteral("fabrikam.onmicrosoft.com"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_request"));
    EXPECT_EQ(errorCode(json(r)), 90002);
}

TEST_F(EntraDirectTest, ResourceIsRequiredButADefaultScopeIsTolerated) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response missing = tokenV1(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                           {QStringLiteral("client_id"), app.appId},
                                           {QStringLiteral("client_secret"), QStringLiteral("secret")}}));
    EXPECT_EQ(missing.status, 400);
    EXPECT_EQ(errorCode(json(missing)), 900144);
    EXPECT_TRUE(str(json(missing), "error_description").contains(QLatin1String("'resource'")));

    // The seeds' request: scope=<resource>/.default on the v1 endpoint.
    const Response scoped = tokenV1(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                          {QStringLiteral("client_id"), app.appId},
                                          {QStringLiteral("client_secret"), QStringLiteral("secret")},
                                          {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}}));
    ASSERT_EQ(scoped.status, 200) << scoped.body.toStdString();
    EXPECT_EQ(str(json(scoped), "resource"), QStringLiteral("https://graph.microsoft.com"));
    EXPECT_EQ(str(verified(json(scoped)), "iss"), QStringLiteral("https://sts.windows.net/%1/").arg(tenant()));
}

TEST_F(EntraDirectTest, AResourceWithoutAServicePrincipalIs500011) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response r = clientCredentials(app.appId, QStringLiteral("secret"), QStringLiteral("api://nothing-here"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_resource"));
    EXPECT_EQ(errorCode(json(r)), 500011);
}

TEST_F(EntraDirectTest, AResourceAskingForV2TokensGetsAV2Token) {
    const Created api = addApp(QStringLiteral("Orders API"), QString(), QString(), [](dcr::sandbox::Application& a) {
        a.requestedAccessTokenVersion = 2;
        a.otherProperties.insert(QStringLiteral("identifierUris"), QJsonArray{QStringLiteral("api://orders")});
    });
    const Created client = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response r = clientCredentials(client.appId, QStringLiteral("secret"), QStringLiteral("api://orders"));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject claims = verified(json(r));
    EXPECT_EQ(str(claims, "iss"), QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenant()));
    EXPECT_EQ(str(claims, "ver"), QStringLiteral("2.0"));
    EXPECT_EQ(str(claims, "azp"), client.appId);
    EXPECT_EQ(str(claims, "aud"), api.appId);
    EXPECT_FALSE(claims.contains(QStringLiteral("appid")));
}

TEST_F(EntraDirectTest, GetOnTheV1TokenEndpointIs900561) {
    const Response r = dispatch("GET", QStringLiteral("/login/%1/oauth2/token?grant_type=client_credentials").arg(tenant()), {});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_request"));
    EXPECT_EQ(errorCode(json(r)), 900561);
}

TEST_F(EntraDirectTest, V2ClientCredentialsNeedADefaultScopeAndSendNumbers) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response r = tokenV2(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                     {QStringLiteral("client_id"), app.appId},
                                     {QStringLiteral("client_secret"), QStringLiteral("secret")},
                                     {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/.default")}}));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(json(r).value(QStringLiteral("expires_in")).isDouble());
    EXPECT_FALSE(json(r).contains(QStringLiteral("resource")));
    EXPECT_EQ(str(verified(json(r)), "ver"), QStringLiteral("1.0"));  // Graph asks for v1 tokens

    const Response specific = tokenV2(form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                            {QStringLiteral("client_id"), app.appId},
                                            {QStringLiteral("client_secret"), QStringLiteral("secret")},
                                            {QStringLiteral("scope"), QStringLiteral("https://graph.microsoft.com/User.Read")}}));
    EXPECT_EQ(specific.status, 400);
    EXPECT_EQ(str(json(specific), "error"), QStringLiteral("invalid_scope"));
    EXPECT_EQ(errorCode(json(specific)), 1002012);
}

TEST_F(EntraDirectTest, TheSecretMayComeInABasicAuthorizationHeader) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("se:cret"));
    const QByteArray basic = "Basic " + (QUrl::toPercentEncoding(app.appId) + ':' + QUrl::toPercentEncoding(QStringLiteral("se:cret"))).toBase64();
    const Response r = dispatch("POST", QStringLiteral("/login/%1/oauth2/token").arg(tenant()),
                                form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                      {QStringLiteral("resource"), QStringLiteral("https://graph.microsoft.com")}}),
                                basic);
    EXPECT_EQ(r.status, 200) << r.body.toStdString();
}

TEST_F(EntraDirectTest, ADeviceCodeExpires) {
    const Response device = deviceCode(kCliClientId, QStringLiteral("User.Read"));
    ASSERT_EQ(device.status, 200);
    const QString code = str(json(device), "device_code");
    state.entra.deviceAuthorizations[code].expiresAtMs = state.directory.nowMs() - 1;
    const Response r = pollDevice(kCliClientId, code);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("expired_token"));
    EXPECT_EQ(errorCode(json(r)), 70019);
    EXPECT_EQ(approveDevice(str(json(device), "user_code")).status, 409);
}

TEST_F(EntraDirectTest, APublicClientAppGetsADelegatedTokenForItsOwnResource) {
    const Created app = addApp(QStringLiteral("CRM tool"), QString(), QString(), [](dcr::sandbox::Application& a) {
        a.isFallbackPublicClient = true;
        a.requiredResourceAccess = QJsonArray{QJsonObject{
            {QStringLiteral("resourceAppId"), kCrmAppId},
            {QStringLiteral("resourceAccess"),
             QJsonArray{QJsonObject{{QStringLiteral("id"), kCrmUserImpersonation}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}}};
    });
    const Response device = deviceCode(app.appId, kCrmAppId + QStringLiteral("/.default offline_access"));
    ASSERT_EQ(device.status, 200) << device.body.toStdString();
    ASSERT_EQ(approveDevice(str(json(device), "user_code")).status, 200);
    const Response r = pollDevice(app.appId, str(json(device), "device_code"));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    const QJsonObject claims = verified(json(r));
    EXPECT_EQ(str(claims, "aud"), kCrmAppId);
    EXPECT_EQ(str(claims, "scp"), QStringLiteral("user_impersonation"));
    EXPECT_EQ(str(claims, "appid"), app.appId);
    EXPECT_EQ(str(claims, "appidacr"), QStringLiteral("0"));
    EXPECT_EQ(str(claims, "upn"), state.seed.adminUserPrincipalName);
    EXPECT_FALSE(str(json(r), "refresh_token").isEmpty());
    EXPECT_FALSE(json(r).contains(QStringLiteral("id_token")));
}

TEST_F(EntraDirectTest, AConfidentialClientCannotRedeemADeviceCodeWithoutASecret) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QStringLiteral("secret"));
    const Response device = deviceCode(app.appId, QStringLiteral("User.Read"));
    ASSERT_EQ(device.status, 200) << device.body.toStdString();
    const Response r = pollDevice(app.appId, str(json(device), "device_code"));
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(str(json(r), "error"), QStringLiteral("invalid_client"));
    EXPECT_EQ(errorCode(json(r)), 7000218);
}

TEST_F(EntraDirectTest, ScopesAreCheckedAgainstTheResources) {
    const Response noSp = deviceCode(kCliClientId, QStringLiteral("api://missing/read"));
    EXPECT_EQ(noSp.status, 400);
    EXPECT_EQ(str(json(noSp), "error"), QStringLiteral("invalid_resource"));
    EXPECT_EQ(errorCode(json(noSp)), 500011);

    const Response twoResources = deviceCode(kCliClientId, QStringLiteral("User.Read ") + kCrmAppId + QStringLiteral("/user_impersonation"));
    EXPECT_EQ(twoResources.status, 400);
    EXPECT_EQ(errorCode(json(twoResources)), 28000);

    const Response unknown = deviceCode(kCliClientId, QStringLiteral("https://graph.microsoft.com/Mail.Nonexistent"));
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(str(json(unknown), "error"), QStringLiteral("invalid_scope"));
    EXPECT_EQ(errorCode(json(unknown)), 70011);
}

TEST_F(EntraDirectTest, ASingleTenantAppCannotUseTheMultiTenantAliases) {
    const Created app = addApp(QStringLiteral("CRM tool"), QString(), QString(),
                               [](dcr::sandbox::Application& a) { a.isFallbackPublicClient = true; });
    const Response r = deviceCode(app.appId, QStringLiteral("User.Read"), QStringLiteral("organizations"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(errorCode(json(r)), 50194);
    EXPECT_EQ(deviceCode(kCliClientId, QStringLiteral("User.Read"), QStringLiteral("organizations")).status, 200);
}

TEST_F(EntraDirectTest, ARegisteredLoopbackRedirectMatchesOnAnyPort) {
    state.entra.autoApprove = true;
    const Created app = addApp(QStringLiteral("Desktop tool"), QString(), QString(), [](dcr::sandbox::Application& a) {
        a.publicClientRedirectUris = {QStringLiteral("http://localhost")};
    });
    const Pkce pkce = makePkce();
    const auto authorize = [&](const QString& redirect) {
        return dispatch("GET",
                        QStringLiteral("/login/%1/oauth2/v2.0/authorize?").arg(tenant()) +
                            authorizeQuery(app.appId, redirect, QStringLiteral("User.Read"), pkce).toString(QUrl::FullyEncoded),
                        {});
    };
    EXPECT_EQ(authorize(QStringLiteral("http://localhost:12345")).status, 302);
    const Response otherPath = authorize(QStringLiteral("http://localhost:12345/elsewhere"));
    EXPECT_EQ(otherPath.status, 400);
    EXPECT_TRUE(otherPath.body.contains("AADSTS50011"));
    const Response otherHost = authorize(QStringLiteral("https://localhost:12345"));
    EXPECT_EQ(otherHost.status, 400);
}

TEST_F(EntraDirectTest, AdminConsentForAnUnknownClientOrTenantIsAnErrorPage) {
    const QString appId = addUnconsentedApp(QStringLiteral("Kong DCR"));
    const Response unknownClient = adminConsent(dcr::sandbox::newGuid());
    EXPECT_EQ(unknownClient.status, 400);
    EXPECT_TRUE(header(unknownClient, "Content-Type").startsWith("text/html"));
    EXPECT_TRUE(unknownClient.body.contains("AADSTS700016")) << unknownClient.body.toStdString();

    const Response unknownTenant = adminConsent(appId, {}, QStringLiteral("fabrikam.onmicrosoft.com"));
    EXPECT_EQ(unknownTenant.status, 400);
    EXPECT_TRUE(header(unknownTenant, "Content-Type").startsWith("text/html"));
    EXPECT_TRUE(unknownTenant.body.contains("AADSTS90002")) << unknownTenant.body.toStdString();
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);

    // The tenant's domain names the same tenant.
    EXPECT_EQ(adminConsent(appId, {}, state.directory.tenant.verifiedDomains.first()).status, 200);
}

TEST_F(EntraDirectTest, AdminConsentReturnsToARegisteredRedirectUriOnly) {
    const QString registered = QStringLiteral("https://kong.example.com/consent");
    const QString appId = addUnconsentedApp(QStringLiteral("Kong DCR"), [&](dcr::sandbox::Application& a) {
        a.webRedirectUris = {registered};
    });
    const Response elsewhere = adminConsent(appId, form({{QStringLiteral("redirect_uri"), QStringLiteral("https://evil.example.com/")},
                                                         {QStringLiteral("state"), QStringLiteral("s1")}}));
    EXPECT_EQ(elsewhere.status, 400);
    EXPECT_TRUE(elsewhere.body.contains("AADSTS50011")) << elsewhere.body.toStdString();
    EXPECT_TRUE(header(elsewhere, "Location").isEmpty());
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);

    const Response r = adminConsent(appId, form({{QStringLiteral("redirect_uri"), registered},
                                                 {QStringLiteral("state"), QStringLiteral("s1 & more")}}));
    ASSERT_EQ(r.status, 302) << r.body.toStdString();
    const QByteArray location = header(r, "Location");
    EXPECT_TRUE(location.startsWith(registered.toUtf8() + "?")) << location.toStdString();
    EXPECT_EQ(queryOf(location, "admin_consent"), QStringLiteral("True"));
    EXPECT_EQ(queryOf(location, "tenant"), tenant());
    EXPECT_EQ(queryOf(location, "state"), QStringLiteral("s1 & more"));
    EXPECT_EQ(state.directory.grantedScopes(appId, kGraphAppId, QString()), QStringList{QStringLiteral("User.Read")});
}

TEST_F(EntraDirectTest, AdminConsentExtendsTheTenantWideGrantWithoutRepeatingScopes) {
    const Created app = addApp(QStringLiteral("Kong DCR"), QString(), QString(),
                               [](dcr::sandbox::Application& a) { a.requiredResourceAccess = kongPermissions(); });
    const QString graphSpId = state.directory.servicePrincipalByAppId(kGraphAppId)->id;
    state.directory.addPermissionGrant(dcr::sandbox::OAuth2PermissionGrant{
        QString(), app.spId, QStringLiteral("AllPrincipals"), QString(), graphSpId, QStringLiteral("openid")});
    const qsizetype servicePrincipals = state.directory.servicePrincipals.size();
    ASSERT_EQ(adminConsent(app.appId).status, 200);
    ASSERT_EQ(adminConsent(app.appId).status, 200);
    ASSERT_EQ(state.directory.permissionGrants.size(), 1);
    EXPECT_EQ(state.directory.permissionGrants.first().scope, QStringLiteral("openid User.Read"));
    // The application's existing service principal is the one consented for.
    EXPECT_EQ(state.directory.servicePrincipals.size(), servicePrincipals);
    EXPECT_EQ(state.directory.grantedRoles(app.appId, kGraphAppId), QStringList{QStringLiteral("Application.ReadWrite.OwnedBy")});
}

TEST_F(EntraDirectTest, AdminConsentForAResourceWithoutAServicePrincipalGrantsNothing) {
    const QString appId = addUnconsentedApp(QStringLiteral("CRM tool"), [](dcr::sandbox::Application& a) {
        a.requiredResourceAccess.append(QJsonObject{
            {QStringLiteral("resourceAppId"), kCrmAppId},
            {QStringLiteral("resourceAccess"),
             QJsonArray{QJsonObject{{QStringLiteral("id"), kCrmUserImpersonation}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}});
    });
    ASSERT_TRUE(state.directory.removeServicePrincipal(state.directory.servicePrincipalByAppId(kCrmAppId)->id));
    const Response r = adminConsent(appId);
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(r.body.contains("AADSTS650052")) << r.body.toStdString();
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);
    EXPECT_TRUE(state.directory.appRoleAssignments.isEmpty());
    EXPECT_TRUE(state.directory.permissionGrants.isEmpty());
}

TEST_F(EntraDirectTest, AdminConsentAsksTheAdministratorWhenTheSandboxDoesNotApproveByItself) {
    const QString appId = addUnconsentedApp(QStringLiteral("Orders API client"), [](dcr::sandbox::Application& a) {
        a.webRedirectUris = {QStringLiteral("https://orders.example.com/consented")};
    });
    const QUrlQuery extra = form({{QStringLiteral("redirect_uri"), QStringLiteral("https://orders.example.com/consented")},
                                  {QStringLiteral("state"), QStringLiteral("orders-1")}});
    const Response prompt = adminConsentPage(appId, extra);
    ASSERT_EQ(prompt.status, 200) << prompt.body.toStdString();
    for (const char* shown : {"Permissions requested", "Accept for your organization", "Orders API client", "Contoso (sandbox)",
                              "Application.ReadWrite.OwnedBy", "User.Read", "value=\"approve\"", "orders-1"})
        EXPECT_TRUE(prompt.body.contains(shown)) << shown;
    // Nothing is granted until the administrator accepts.
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);

    const Response wrong = answerAdminConsent(appId, extra, QStringLiteral("approve"), QStringLiteral("not the password"));
    EXPECT_EQ(wrong.status, 200);
    EXPECT_TRUE(wrong.body.contains("AADSTS50126")) << wrong.body.toStdString();
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);

    const Response cancelled = answerAdminConsent(appId, extra, QStringLiteral("cancel"), QString());
    ASSERT_EQ(cancelled.status, 302);
    EXPECT_EQ(queryOf(header(cancelled, "Location"), "error"), QStringLiteral("access_denied"));
    EXPECT_EQ(queryOf(header(cancelled, "Location"), "state"), QStringLiteral("orders-1"));
    EXPECT_EQ(state.directory.servicePrincipalByAppId(appId, true), nullptr);

    const Response accepted = answerAdminConsent(appId, extra, QStringLiteral("approve"), state.seed.adminPassword);
    ASSERT_EQ(accepted.status, 302) << accepted.body.toStdString();
    EXPECT_EQ(queryOf(header(accepted, "Location"), "admin_consent"), QStringLiteral("True"));
    const dcr::sandbox::ServicePrincipal* sp = state.directory.servicePrincipalByAppId(appId, true);
    ASSERT_NE(sp, nullptr);
    EXPECT_EQ(state.directory.grantedRoles(appId, kGraphAppId), QStringList{QStringLiteral("Application.ReadWrite.OwnedBy")});

    // A sandbox that approves by itself accepts at once, as before.
    state.entra.autoApprove = true;
    const QString other = addUnconsentedApp(QStringLiteral("Other client"));
    const Response atOnce = adminConsentPage(other);
    EXPECT_EQ(atOnce.status, 200);
    EXPECT_TRUE(atOnce.body.contains("Admin consent granted")) << atOnce.body.toStdString();
}

// ---- what Microsoft's libraries send -----------------------------------------------------------------

// MSAL's device code poll as it goes over the wire: the short grant name beside the URN, the device
// code also as "code", client_info=1, and the x-client-* and client-request-id headers.
TEST_F(EntraInteractiveTest, TheShortDeviceCodeGrantAndMsalsExtraParametersAreAccepted) {
    const QJsonObject device = startDeviceCode();
    const QString deviceCode = str(device, "device_code");
    const QString correlation = QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    const QList<QPair<QByteArray, QByteArray>> headers{{"client-request-id", correlation.toLatin1()},
                                                       {"x-client-sku", "MSAL.Python"},
                                                       {"x-client-ver", "1.21.0"},
                                                       {"x-client-os", "linux"},
                                                       {"x-client-current-telemetry", "4|622,0|,|"},
                                                       {"return-client-request-id", "true"}};
    const auto poll = [&](const QString& grantType) {
        return postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                        form({{QStringLiteral("grant_type"), grantType},
                              {QStringLiteral("client_id"), kCliClientId},
                              {QStringLiteral("device_code"), deviceCode},
                              {QStringLiteral("code"), deviceCode},
                              {QStringLiteral("client_info"), QStringLiteral("1")},
                              {QStringLiteral("x-client-SKU"), QStringLiteral("MSAL.Python")},
                              {QStringLiteral("claims"), QStringLiteral("{\"access_token\":{\"xms_cc\":{\"values\":[\"CP1\"]}}}")}}),
                        headers);
    };
    const HttpResult pending = poll(QStringLiteral("device_code"));
    EXPECT_EQ(pending.status, 400);
    EXPECT_EQ(str(pending.json(), "error"), QStringLiteral("authorization_pending")) << pending.body.toStdString();
    EXPECT_EQ(pending.header("client-request-id"), correlation.toLatin1());
    EXPECT_EQ(str(pending.json(), "correlation_id"), correlation);
    EXPECT_TRUE(str(pending.json(), "error_description").contains(QStringLiteral("Correlation ID: ") + correlation));
    EXPECT_FALSE(pending.header("x-ms-request-id").isEmpty());

    ASSERT_EQ(sendJson("POST", QStringLiteral("/_sandbox/device/approve"), QJsonObject{{QStringLiteral("user_code"), str(device, "user_code")}})
                  .status,
              200);
    dcr::test::waitUntil([] { return false; }, 1000);  // the interval is 1 s
    const HttpResult token = poll(QStringLiteral("device_code"));
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    EXPECT_EQ(token.header("client-request-id"), correlation.toLatin1());
    const QJsonObject claims = claimsOf(str(token.json(), "access_token"));
    EXPECT_EQ(str(claims, "upn"), infoValue("admin_user_principal_name"));
    const QJsonObject clientInfo =
        QJsonDocument::fromJson(QByteArray::fromBase64(str(token.json(), "client_info").toLatin1(),
                                                       QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
            .object();
    EXPECT_EQ(str(clientInfo, "uid"), str(claims, "oid"));
    EXPECT_EQ(str(clientInfo, "utid"), tenant());
}

TEST_F(EntraTest, TheLongDeviceCodeGrantStillWorksAndWithoutClientInfoTheAnswerHasNone) {
    const HttpResult token = pollDevice(str(startDeviceCode(), "device_code"));
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    EXPECT_FALSE(token.json().contains(QStringLiteral("client_info")));
    EXPECT_TRUE(token.header("client-request-id").isEmpty());
}

TEST_F(EntraTest, AnUnknownGrantTypeIsStill70003) {
    const HttpResult r = postForm(login(QStringLiteral("/oauth2/v2.0/token")),
                                  form({{QStringLiteral("grant_type"), QStringLiteral("device")},
                                        {QStringLiteral("client_id"), kCliClientId}}));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("unsupported_grant_type"));
    EXPECT_EQ(errorCode(r.json()), 70003);
}

TEST_F(EntraTest, InstanceDiscoveryNamesTheTenantsDiscoveryDocument) {
    // MSAL sends the authorize endpoint without the port.
    const QString authorize = QUrl(base).scheme() + QStringLiteral("://127.0.0.1") + login(QStringLiteral("/oauth2/v2.0/authorize"));
    HttpResult r = send("GET", QStringLiteral("/login/common/discovery/instance?api-version=1.0&authorization_endpoint=") +
                                   QString::fromLatin1(QUrl::toPercentEncoding(authorize)));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(str(r.json(), "tenant_discovery_endpoint"), base + login(QStringLiteral("/v2.0/.well-known/openid-configuration")));
    EXPECT_EQ(r.json().value(QStringLiteral("metadata")).toArray().first().toObject().value(QStringLiteral("aliases")).toArray(),
              QJsonArray{QStringLiteral("127.0.0.1")});
    const HttpResult v2 = send("GET", QUrl(str(r.json(), "tenant_discovery_endpoint")).path());
    EXPECT_EQ(v2.status, 200);

    r = send("GET", QStringLiteral("/login/common/discovery/instance?api-version=1.1&authorization_endpoint=") +
                        QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("https://login.example.com/x/oauth2/authorize"))));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(str(r.json(), "error"), QStringLiteral("invalid_instance"));
    EXPECT_EQ(errorCode(r.json()), 50049);
}

}  // namespace
