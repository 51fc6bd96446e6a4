// What the "dynamics-client" blueprint needs from the sandbox: Graph registering and finding a
// public client app for Dynamics CRM, and Entra's device code flow issuing (or refusing) a
// delegated Dynamics token for it, in a tenant with and without Dynamics. Requests go straight
// into the router, as in graph_test.cpp and entra_test.cpp.
#include "sandbox/services.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace {

using dcr::sandbox::Request;
using dcr::sandbox::Response;

const QString kCrmAppId = QStringLiteral("00000007-0000-0000-c000-000000000000");
const QString kUserImpersonationId = QStringLiteral("78ce3f0f-a1ce-49c2-8cde-64b5c0896db4");
const QString kOrgUrl = QStringLiteral("https://contoso.crm.dynamics.com");
const QString kDeviceCodeGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");

QJsonObject json(const Response& r) { return QJsonDocument::fromJson(r.body).object(); }
QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }
int entraCode(const Response& r) { return json(r).value(QStringLiteral("error_codes")).toArray().first().toInt(); }

QJsonObject claimsOf(const QString& jwt) {
    const QStringList parts = jwt.split(QLatin1Char('.'));
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(1).toLatin1(), QByteArray::Base64UrlEncoding)).object();
}

QJsonArray crmAccess() {
    return QJsonArray{QJsonObject{
        {QStringLiteral("resourceAppId"), kCrmAppId},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), kUserImpersonationId}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}}};
}

class DynamicsSandboxTest : public ::testing::Test {
protected:
    void start(bool withDynamics) {
        state.baseUrl = QStringLiteral("http://127.0.0.1:1");
        state.seed.dynamicsCrm = withDynamics;
        state.applySeed();
        dcr::sandbox::registerEntra(router, state);
        dcr::sandbox::registerGraph(router, state);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        admin = state.tokens.sign(QJsonObject{
            {QStringLiteral("aud"), QStringLiteral("https://graph.microsoft.com")},
            {QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(state.directory.tenant.id)},
            {QStringLiteral("tid"), state.directory.tenant.id},
            {QStringLiteral("iat"), now - 60},
            {QStringLiteral("nbf"), now - 60},
            {QStringLiteral("exp"), now + 3600},
            {QStringLiteral("oid"), state.directory.users.first().id},
            {QStringLiteral("scp"), QStringLiteral("Application.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All User.Read")}});
    }

    Response graph(const QByteArray& method, const QString& target, const QJsonObject& body = {}) {
        Request r;
        r.method = method;
        const qsizetype q = target.indexOf(QLatin1Char('?'));
        r.path = QStringLiteral("/graph/v1.0") + (q < 0 ? target : target.left(q));
        if (q >= 0)
            r.query = QUrlQuery(target.mid(q + 1));
        r.headers.insert("authorization", "Bearer " + admin);
        if (!body.isEmpty()) {
            r.headers.insert("content-type", "application/json");
            r.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        }
        return router.dispatch(r);
    }

    Response form(const QString& path, const QList<QPair<QString, QString>>& fields) {
        QUrlQuery q;
        for (const auto& [k, v] : fields)
            q.addQueryItem(k, v);
        Request r;
        r.method = "POST";
        r.path = path;
        r.headers.insert("content-type", "application/x-www-form-urlencoded");
        r.body = q.toString(QUrl::FullyEncoded).toUtf8();
        return router.dispatch(r);
    }

    Response approve(const QString& userCode) {
        Request r;
        r.method = "POST";
        r.path = QStringLiteral("/_sandbox/device/approve");
        r.headers.insert("content-type", "application/json");
        r.body = QJsonDocument(QJsonObject{{QStringLiteral("user_code"), userCode}}).toJson(QJsonDocument::Compact);
        return router.dispatch(r);
    }

    // A public client app registered through Graph as seed 004 describes it, with its service
    // principal; with access, it lists Dynamics CRM user_impersonation.
    QJsonObject registerClient(const QString& name, bool access) {
        QJsonObject body{{QStringLiteral("displayName"), name},
                         {QStringLiteral("signInAudience"), QStringLiteral("AzureADMultipleOrgs")},
                         {QStringLiteral("publicClient"), QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("http://localhost")}}}},
                         {QStringLiteral("isFallbackPublicClient"), true}};
        if (access)
            body.insert(QStringLiteral("requiredResourceAccess"), crmAccess());
        const Response created = graph("POST", QStringLiteral("/applications"), body);
        EXPECT_EQ(created.status, 201) << created.body.toStdString();
        const Response sp = graph("POST", QStringLiteral("/servicePrincipals"), {{QStringLiteral("appId"), str(json(created), "appId")}});
        EXPECT_EQ(sp.status, 201) << sp.body.toStdString();
        return json(created);
    }

    Response deviceCode(const QString& clientId, const QString& scope) {
        return form(QStringLiteral("/login/organizations/oauth2/v2.0/devicecode"),
                    {{QStringLiteral("client_id"), clientId}, {QStringLiteral("scope"), scope}});
    }

    Response poll(const QString& clientId, const QString& code) {
        return form(QStringLiteral("/login/organizations/oauth2/v2.0/token"),
                    {{QStringLiteral("grant_type"), kDeviceCodeGrant}, {QStringLiteral("client_id"), clientId}, {QStringLiteral("device_code"), code}});
    }

    dcr::sandbox::SandboxState state;
    dcr::sandbox::Router router;
    QByteArray admin;
};

TEST_F(DynamicsSandboxTest, GraphRegistersAPublicClientForDynamicsAndFindsItByName) {
    start(true);
    const QJsonObject app = registerClient(QStringLiteral("Dynamics client"), true);
    EXPECT_EQ(str(app, "signInAudience"), QStringLiteral("AzureADMultipleOrgs"));
    EXPECT_TRUE(app.value(QStringLiteral("isFallbackPublicClient")).toBool());
    EXPECT_EQ(app.value(QStringLiteral("publicClient")).toObject().value(QStringLiteral("redirectUris")).toArray(),
              QJsonArray{QStringLiteral("http://localhost")});

    const Response found = graph("GET", QStringLiteral("/applications?$filter=displayName eq 'Dynamics client'"));
    ASSERT_EQ(found.status, 200) << found.body.toStdString();
    const QJsonArray value = json(found).value(QStringLiteral("value")).toArray();
    ASSERT_EQ(value.size(), 1);
    EXPECT_EQ(value.first().toObject().value(QStringLiteral("requiredResourceAccess")).toArray(), crmAccess());
    EXPECT_TRUE(value.first().toObject().value(QStringLiteral("isFallbackPublicClient")).toBool());

    const Response patched = graph("PATCH", QStringLiteral("/applications/") + str(app, "id"),
                                   {{QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
                                    {QStringLiteral("publicClient"),
                                     QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("http://localhost"), QStringLiteral("myapp://auth")}}}}});
    EXPECT_EQ(patched.status, 204) << patched.body.toStdString();
    const QJsonObject reread = json(graph("GET", QStringLiteral("/applications(appId='%1')").arg(str(app, "appId"))));
    EXPECT_EQ(str(reread, "signInAudience"), QStringLiteral("AzureADMyOrg"));
    EXPECT_EQ(reread.value(QStringLiteral("publicClient")).toObject().value(QStringLiteral("redirectUris")).toArray().size(), 2);

    const Response bad = graph("PATCH", QStringLiteral("/applications/") + str(app, "id"),
                               {{QStringLiteral("signInAudience"), QStringLiteral("AnyOrganization")}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(json(bad).value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("Request_BadRequest"));
}

TEST_F(DynamicsSandboxTest, ADeviceCodeSignInThroughTheAppGetsADelegatedDynamicsToken) {
    start(true);
    const QJsonObject app = registerClient(QStringLiteral("Dynamics client"), true);
    const QString appId = str(app, "appId");
    const Response device = deviceCode(appId, kOrgUrl + QStringLiteral("/.default"));
    ASSERT_EQ(device.status, 200) << device.body.toStdString();
    const Response approved = approve(str(json(device), "user_code"));
    ASSERT_EQ(approved.status, 200) << approved.body.toStdString();
    const Response token = poll(appId, str(json(device), "device_code"));
    ASSERT_EQ(token.status, 200) << token.body.toStdString();
    const QJsonObject claims = claimsOf(str(json(token), "access_token"));
    EXPECT_EQ(str(claims, "aud"), kOrgUrl);
    EXPECT_EQ(str(claims, "scp"), QStringLiteral("user_impersonation"));
    EXPECT_EQ(str(claims, "appid"), appId);
    EXPECT_EQ(str(claims, "ver"), QStringLiteral("1.0"));
    EXPECT_EQ(str(claims, "iss"), QStringLiteral("https://sts.windows.net/%1/").arg(state.directory.tenant.id));
    EXPECT_EQ(str(claims, "upn"), state.seed.adminUserPrincipalName);
}

TEST_F(DynamicsSandboxTest, AnAppThatDoesNotListDynamicsIsRefusedAtSignIn) {
    start(true);
    const QString appId = str(registerClient(QStringLiteral("Bare client"), false), "appId");
    const Response device = deviceCode(appId, kOrgUrl + QStringLiteral("/.default"));
    ASSERT_EQ(device.status, 200) << device.body.toStdString();
    const Response refused = approve(str(json(device), "user_code"));
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(str(json(refused), "error"), QStringLiteral("invalid_client"));
    EXPECT_EQ(entraCode(refused), 650057);
    // Nobody signed in, so the device keeps waiting.
    EXPECT_EQ(str(json(poll(appId, str(json(device), "device_code"))), "error"), QStringLiteral("authorization_pending"));
}

TEST_F(DynamicsSandboxTest, ATenantWithoutDynamicsHasNoCrmPrincipalAndRefusesItsResource) {
    start(false);
    const Response sps = graph("GET", QStringLiteral("/servicePrincipals?$filter=appId eq '%1'").arg(kCrmAppId));
    ASSERT_EQ(sps.status, 200) << sps.body.toStdString();
    EXPECT_TRUE(json(sps).value(QStringLiteral("value")).toArray().isEmpty());
    const QString appId = str(registerClient(QStringLiteral("Dynamics client"), true), "appId");
    const Response device = deviceCode(appId, kOrgUrl + QStringLiteral("/.default"));
    EXPECT_EQ(device.status, 400);
    EXPECT_EQ(str(json(device), "error"), QStringLiteral("invalid_resource"));
    EXPECT_EQ(entraCode(device), 500011);
    EXPECT_FALSE(dcr::sandbox::sandboxInfo(state).contains(QStringLiteral("dynamics_url")));
}

TEST_F(DynamicsSandboxTest, TheSeedSaysWhetherTheTenantHasDynamics) {
    start(true);
    EXPECT_EQ(dcr::sandbox::sandboxInfo(state).value(QStringLiteral("dynamics_url")).toString(), kOrgUrl);
    QString error;
    const auto without = dcr::sandbox::Seed::fromJson(QJsonObject{{QStringLiteral("dynamics_crm"), false}}, &error);
    ASSERT_TRUE(without.has_value()) << error.toStdString();
    EXPECT_FALSE(without->dynamicsCrm);
    EXPECT_FALSE(without->toJson().value(QStringLiteral("dynamics_crm")).toBool());
    EXPECT_FALSE(dcr::sandbox::Seed::fromJson(QJsonObject{{QStringLiteral("dynamics_crm"), QStringLiteral("no")}}, &error).has_value());
    EXPECT_TRUE(error.contains(QStringLiteral("dynamics_crm")));
}

}  // namespace
