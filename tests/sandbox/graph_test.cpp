// The sandbox's Microsoft Graph v1.0. Most cases dispatch straight into the router with tokens
// the sandbox's own issuer signs, so they depend on nothing but Graph; one case goes over real
// HTTP to show the routes are mounted in the running sandbox.
#include "sandbox/sandbox_fixture.h"
#include "sandbox/services.h"
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace {

using dcr::sandbox::Directory;
using dcr::sandbox::Request;
using dcr::sandbox::Response;

const QString kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
const QString kOwnedByRoleId = QStringLiteral("18a4783c-866b-4cc7-a460-3d5e5662c884");
const QString kReadWriteAllRoleId = QStringLiteral("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9");
const QString kUserReadScopeId = QStringLiteral("e1fe6dd8-ba31-4d61-89e7-88639da4683d");
const QString kAdminScopes =
    QStringLiteral("Application.ReadWrite.All AppRoleAssignment.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All User.Read");

QJsonObject json(const Response& r) { return QJsonDocument::fromJson(r.body).object(); }
QJsonObject error(const Response& r) { return json(r).value(QStringLiteral("error")).toObject(); }
QString errorCode(const Response& r) { return error(r).value(QStringLiteral("code")).toString(); }
QString errorMessage(const Response& r) { return error(r).value(QStringLiteral("message")).toString(); }
QJsonArray values(const Response& r) { return json(r).value(QStringLiteral("value")).toArray(); }
QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }

QByteArray headerOf(const Response& r, const QByteArray& name) {
    for (const auto& [k, v] : r.headers)
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

bool isGuid(const QString& s) { return !QUuid::fromString(s).isNull() && s.size() == 36; }

QJsonObject graphAccess() {
    return QJsonObject{
        {QStringLiteral("resourceAppId"), kGraphAppId},
        {QStringLiteral("resourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), kOwnedByRoleId}, {QStringLiteral("type"), QStringLiteral("Role")}},
                    QJsonObject{{QStringLiteral("id"), kUserReadScopeId}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}};
}

class GraphTest : public ::testing::Test {
protected:
    void SetUp() override {
        state.applySeed();
        dcr::sandbox::registerGraph(router, state);
        admin = delegatedToken(kAdminScopes);
    }

    QByteArray token(const QJsonObject& extra) {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QJsonObject claims{{QStringLiteral("aud"), QStringLiteral("https://graph.microsoft.com")},
                           {QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(state.directory.tenant.id)},
                           {QStringLiteral("tid"), state.directory.tenant.id},
                           {QStringLiteral("iat"), now - 60},
                           {QStringLiteral("nbf"), now - 60},
                           {QStringLiteral("exp"), now + 3600}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            claims.insert(it.key(), it.value());
        return state.tokens.sign(claims);
    }

    QByteArray delegatedToken(const QString& scopes) {
        return token({{QStringLiteral("scp"), scopes}, {QStringLiteral("oid"), state.directory.users.first().id}});
    }

    QByteArray appOnlyToken(const QString& spId, const QString& appId, const QStringList& roles) {
        return token({{QStringLiteral("roles"), QJsonArray::fromStringList(roles)},
                      {QStringLiteral("oid"), spId},
                      {QStringLiteral("appid"), appId},
                      {QStringLiteral("idtyp"), QStringLiteral("app")}});
    }

    // target: a path under /graph with an optional query, e.g. "/graph/v1.0/applications?$top=1".
    Response send(const QByteArray& method, const QString& target, const QByteArray& bearer, const QByteArray& body = {}) {
        Request request;
        request.method = method;
        const qsizetype q = target.indexOf(QLatin1Char('?'));
        request.path = q < 0 ? target : target.left(q);
        if (q >= 0)
            request.query = QUrlQuery(target.mid(q + 1));
        if (!bearer.isEmpty())
            request.headers.insert("authorization", "Bearer " + bearer);
        if (!body.isEmpty()) {
            request.headers.insert("content-type", "application/json");
            request.body = body;
        }
        return router.dispatch(request);
    }

    Response get(const QString& target) { return send("GET", target, admin); }
    Response get(const QString& target, const QByteArray& bearer) { return send("GET", target, bearer); }
    Response post(const QString& target, const QJsonObject& body) { return post(target, body, admin); }
    Response post(const QString& target, const QJsonObject& body, const QByteArray& bearer) {
        return send("POST", target, bearer, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response patch(const QString& target, const QJsonObject& body, const QByteArray& bearer = {}) {
        return send("PATCH", target, bearer.isEmpty() ? admin : bearer, QJsonDocument(body).toJson(QJsonDocument::Compact));
    }
    Response remove(const QString& target) { return send("DELETE", target, admin); }
    Response remove(const QString& target, const QByteArray& bearer) { return send("DELETE", target, bearer); }

    QJsonObject createApp(const QString& name, const QByteArray& bearer = {}) {
        const Response r = post(QStringLiteral("/graph/v1.0/applications"),
                                {{QStringLiteral("displayName"), name},
                                 {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
                                 {QStringLiteral("requiredResourceAccess"), QJsonArray{graphAccess()}}},
                                bearer.isEmpty() ? admin : bearer);
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return json(r);
    }

    QJsonObject createServicePrincipal(const QString& appId) {
        const Response r = post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), appId}});
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return json(r);
    }

    QString graphSpId() { return state.directory.servicePrincipalByAppId(kGraphAppId)->id; }

    Response assignRole(const QString& principalId, const QString& appRoleId) {
        return post(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignedTo").arg(graphSpId()),
                    {{QStringLiteral("principalId"), principalId},
                     {QStringLiteral("resourceId"), graphSpId()},
                     {QStringLiteral("appRoleId"), appRoleId}});
    }

    Response grant(const QString& clientSpId, const QString& scope) {
        return post(QStringLiteral("/graph/v1.0/oauth2PermissionGrants"),
                    {{QStringLiteral("clientId"), clientSpId},
                     {QStringLiteral("consentType"), QStringLiteral("AllPrincipals")},
                     {QStringLiteral("resourceId"), graphSpId()},
                     {QStringLiteral("scope"), scope}});
    }

    dcr::sandbox::SandboxState state;
    dcr::sandbox::Router router;
    QByteArray admin;
};

// ---- the seeds' manual procedure -------------------------------------------------------------

TEST_F(GraphTest, TheSeedsManualAzureProcedureSucceedsStepByStep) {
    const Response org = get(QStringLiteral("/graph/v1.0/organization?$select=id,displayName,verifiedDomains"));
    ASSERT_EQ(org.status, 200) << org.body.toStdString();
    ASSERT_EQ(values(org).size(), 1);
    const QJsonObject tenant = values(org).first().toObject();
    EXPECT_EQ(str(tenant, "id"), state.seed.tenantId);
    EXPECT_EQ(str(tenant, "displayName"), state.seed.tenantName);
    EXPECT_EQ(tenant.keys(),
              (QStringList{QStringLiteral("displayName"), QStringLiteral("id"), QStringLiteral("verifiedDomains")}));
    const QJsonObject domain = tenant.value(QStringLiteral("verifiedDomains")).toArray().first().toObject();
    EXPECT_EQ(str(domain, "name"), state.seed.tenantDomain);
    EXPECT_TRUE(domain.value(QStringLiteral("isDefault")).toBool());
    EXPECT_TRUE(domain.value(QStringLiteral("isInitial")).toBool());
    EXPECT_EQ(str(domain, "type"), QStringLiteral("Managed"));
    EXPECT_TRUE(str(json(org), "@odata.context").endsWith(QLatin1String("#organization(id,displayName,verifiedDomains)")));

    // Register the app.
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const QString appObjectId = str(app, "id");
    const QString appId = str(app, "appId");
    EXPECT_TRUE(isGuid(appObjectId));
    EXPECT_TRUE(isGuid(appId));
    EXPECT_EQ(str(app, "signInAudience"), QStringLiteral("AzureADMyOrg"));
    EXPECT_EQ(app.value(QStringLiteral("requiredResourceAccess")).toArray(), QJsonArray{graphAccess()});
    EXPECT_TRUE(app.value(QStringLiteral("passwordCredentials")).toArray().isEmpty());
    EXPECT_TRUE(app.contains(QStringLiteral("createdDateTime")));
    EXPECT_TRUE(app.value(QStringLiteral("web")).toObject().contains(QStringLiteral("redirectUris")));
    EXPECT_TRUE(str(app, "@odata.context").endsWith(QLatin1String("#applications/$entity")));

    // Find it again, by name and by client id; the admin who created it owns it.
    const Response byName = get(QStringLiteral("/graph/v1.0/applications?$filter=displayName eq 'Kong DCR'"));
    ASSERT_EQ(byName.status, 200);
    ASSERT_EQ(values(byName).size(), 1);
    EXPECT_EQ(str(values(byName).first().toObject(), "id"), appObjectId);
    const Response byAppId = get(QStringLiteral("/graph/v1.0/applications(appId='%1')").arg(appId));
    ASSERT_EQ(byAppId.status, 200);
    EXPECT_EQ(str(json(byAppId), "id"), appObjectId);
    const Response owners = get(QStringLiteral("/graph/v1.0/applications/%1/owners").arg(appObjectId));
    ASSERT_EQ(owners.status, 200);
    ASSERT_EQ(values(owners).size(), 1);
    EXPECT_EQ(str(values(owners).first().toObject(), "id"), state.directory.users.first().id);
    EXPECT_EQ(str(values(owners).first().toObject(), "@odata.type"), QStringLiteral("#microsoft.graph.user"));

    // Its service principal, found by client id afterwards.
    const QJsonObject sp = createServicePrincipal(appId);
    const QString spId = str(sp, "id");
    EXPECT_EQ(str(sp, "appId"), appId);
    EXPECT_EQ(str(sp, "displayName"), QStringLiteral("Kong DCR"));
    EXPECT_EQ(str(sp, "appOwnerOrganizationId"), state.seed.tenantId);
    const Response spList = get(QStringLiteral("/graph/v1.0/servicePrincipals?$filter=appId eq '%1'").arg(appId));
    ASSERT_EQ(values(spList).size(), 1);
    EXPECT_EQ(str(values(spList).first().toObject(), "id"), spId);

    // Microsoft Graph's own service principal: the permission ids, resolved by value.
    const Response graphSp = get(
        QStringLiteral("/graph/v1.0/servicePrincipals(appId='%1')?$select=id,appRoles,oauth2PermissionScopes").arg(kGraphAppId));
    ASSERT_EQ(graphSp.status, 200) << graphSp.body.toStdString();
    const QJsonObject graph = json(graphSp);
    EXPECT_EQ(str(graph, "id"), graphSpId());
    EXPECT_FALSE(graph.contains(QStringLiteral("displayName")));
    QString roleId, scopeId;
    for (const QJsonValue& role : graph.value(QStringLiteral("appRoles")).toArray())
        if (str(role.toObject(), "value") == QLatin1String("Application.ReadWrite.OwnedBy")) {
            roleId = str(role.toObject(), "id");
            EXPECT_EQ(role.toObject().value(QStringLiteral("allowedMemberTypes")).toArray(),
                      QJsonArray{QStringLiteral("Application")});
            EXPECT_TRUE(role.toObject().value(QStringLiteral("isEnabled")).toBool());
            EXPECT_EQ(str(role.toObject(), "origin"), QStringLiteral("Application"));
        }
    for (const QJsonValue& scope : graph.value(QStringLiteral("oauth2PermissionScopes")).toArray())
        if (str(scope.toObject(), "value") == QLatin1String("User.Read")) {
            scopeId = str(scope.toObject(), "id");
            EXPECT_EQ(str(scope.toObject(), "type"), QStringLiteral("User"));
            EXPECT_FALSE(str(scope.toObject(), "adminConsentDisplayName").isEmpty());
        }
    EXPECT_EQ(roleId, kOwnedByRoleId);
    EXPECT_EQ(scopeId, kUserReadScopeId);

    // Admin consent for the application permission; a second time is refused.
    const Response assigned = assignRole(spId, roleId);
    ASSERT_EQ(assigned.status, 201) << assigned.body.toStdString();
    EXPECT_EQ(str(json(assigned), "principalType"), QStringLiteral("ServicePrincipal"));
    EXPECT_EQ(str(json(assigned), "resourceDisplayName"), QStringLiteral("Microsoft Graph"));
    EXPECT_EQ(str(json(assigned), "appRoleId"), kOwnedByRoleId);
    const Response again = assignRole(spId, roleId);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(errorCode(again), QStringLiteral("Request_BadRequest"));
    EXPECT_EQ(errorMessage(again), QStringLiteral("Permission being assigned already exists on the object"));

    // Admin consent for the delegated permission: a second grant conflicts, so the scopes are patched.
    const Response granted = grant(spId, QStringLiteral("User.Read"));
    ASSERT_EQ(granted.status, 201) << granted.body.toStdString();
    const QString grantId = str(json(granted), "id");
    EXPECT_FALSE(grantId.isEmpty());
    EXPECT_TRUE(json(granted).value(QStringLiteral("principalId")).isNull());
    const Response conflict = grant(spId, QStringLiteral("User.Read openid"));
    EXPECT_EQ(conflict.status, 409);
    EXPECT_EQ(errorCode(conflict), QStringLiteral("Request_MultipleObjectsWithSameKeyValue"));
    EXPECT_EQ(errorMessage(conflict), QStringLiteral("Permission entry already exists."));
    EXPECT_EQ(patch(QStringLiteral("/graph/v1.0/oauth2PermissionGrants/%1").arg(grantId),
                    {{QStringLiteral("scope"), QStringLiteral("User.Read openid")}})
                  .status,
              204);

    // Verify the consent the way the setup does.
    const Response assignments = get(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignments").arg(spId));
    ASSERT_EQ(assignments.status, 200);
    ASSERT_EQ(values(assignments).size(), 1);
    EXPECT_EQ(str(values(assignments).first().toObject(), "appRoleId"), kOwnedByRoleId);
    EXPECT_EQ(str(values(assignments).first().toObject(), "resourceId"), graphSpId());
    const Response assignedTo = get(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignedTo").arg(graphSpId()));
    EXPECT_EQ(values(assignedTo).size(), 1);
    const Response grants =
        get(QStringLiteral("/graph/v1.0/oauth2PermissionGrants?$filter=clientId eq '%1' and resourceId eq '%2'")
                .arg(spId, graphSpId()));
    ASSERT_EQ(grants.status, 200) << grants.body.toStdString();
    ASSERT_EQ(values(grants).size(), 1);
    EXPECT_EQ(str(values(grants).first().toObject(), "scope"), QStringLiteral("User.Read openid"));
    EXPECT_EQ(str(values(grants).first().toObject(), "consentType"), QStringLiteral("AllPrincipals"));

    // The sign-in service sees the same consent the setup verified.
    EXPECT_EQ(state.directory.grantedRoles(appId, kGraphAppId), QStringList{QStringLiteral("Application.ReadWrite.OwnedBy")});
    EXPECT_EQ(state.directory.grantedScopes(appId, kGraphAppId, state.directory.users.first().id),
              (QStringList{QStringLiteral("User.Read"), QStringLiteral("openid")}));
}

TEST_F(GraphTest, AddPasswordReturnsTheSecretOnceAndRemovePasswordRevokesIt) {
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const QString path = QStringLiteral("/graph/v1.0/applications/%1").arg(str(app, "id"));
    const QString end = QDateTime::currentDateTimeUtc().addDays(180).toString(Qt::ISODate);

    const Response added =
        post(path + QStringLiteral("/addPassword"),
             {{QStringLiteral("passwordCredential"),
               QJsonObject{{QStringLiteral("displayName"), QStringLiteral("Kong DCR")}, {QStringLiteral("endDateTime"), end}}}});
    ASSERT_EQ(added.status, 200) << added.body.toStdString();
    const QJsonObject credential = json(added);
    const QString secret = str(credential, "secretText");
    EXPECT_EQ(secret.size(), 40);
    EXPECT_EQ(secret.mid(3, 3), QStringLiteral("8Q~"));
    EXPECT_EQ(str(credential, "hint"), secret.left(3));
    EXPECT_TRUE(isGuid(str(credential, "keyId")));
    EXPECT_EQ(str(credential, "displayName"), QStringLiteral("Kong DCR"));
    EXPECT_EQ(str(credential, "endDateTime"), end);
    EXPECT_FALSE(str(credential, "startDateTime").isEmpty());
    EXPECT_TRUE(credential.contains(QStringLiteral("customKeyIdentifier")));
    EXPECT_TRUE(credential.value(QStringLiteral("customKeyIdentifier")).isNull());

    // The action's qualified name works too; without an end date the secret lasts two years.
    const Response second =
        post(path + QStringLiteral("/microsoft.graph.addPassword"), {{QStringLiteral("passwordCredential"), QJsonObject()}});
    ASSERT_EQ(second.status, 200) << second.body.toStdString();
    const QDateTime secondEnd = QDateTime::fromString(str(json(second), "endDateTime"), Qt::ISODate);
    EXPECT_GT(secondEnd, QDateTime::currentDateTimeUtc().addYears(2).addDays(-1));
    EXPECT_NE(str(json(second), "secretText"), secret);

    // Reads never show a secret's value again.
    const Response read = get(path);
    ASSERT_EQ(read.status, 200);
    EXPECT_FALSE(read.body.contains(secret.toUtf8()));
    const QJsonArray listed = json(read).value(QStringLiteral("passwordCredentials")).toArray();
    ASSERT_EQ(listed.size(), 2);
    EXPECT_TRUE(listed.first().toObject().value(QStringLiteral("secretText")).isNull());
    EXPECT_EQ(str(listed.first().toObject(), "hint"), secret.left(3));
    EXPECT_EQ(state.directory.checkClientSecret(str(app, "appId"), secret), Directory::SecretCheck::Ok);

    // An end date in the past is refused.
    const Response past = post(path + QStringLiteral("/addPassword"),
                               {{QStringLiteral("passwordCredential"),
                                 QJsonObject{{QStringLiteral("endDateTime"), QStringLiteral("2020-01-01T00:00:00Z")}}}});
    EXPECT_EQ(past.status, 400);
    EXPECT_EQ(errorCode(past), QStringLiteral("Request_BadRequest"));
    const Response garbled =
        post(path + QStringLiteral("/addPassword"),
             {{QStringLiteral("passwordCredential"), QJsonObject{{QStringLiteral("endDateTime"), QStringLiteral("soon")}}}});
    EXPECT_EQ(garbled.status, 400);
    EXPECT_EQ(errorCode(garbled), QStringLiteral("BadRequest"));

    // removePassword takes the key id and revokes the secret at once.
    EXPECT_EQ(post(path + QStringLiteral("/removePassword"), {{QStringLiteral("keyId"), str(credential, "keyId")}}).status, 204);
    EXPECT_EQ(json(get(path)).value(QStringLiteral("passwordCredentials")).toArray().size(), 1);
    EXPECT_EQ(state.directory.checkClientSecret(str(app, "appId"), secret), Directory::SecretCheck::WrongSecret);
    const Response unknown =
        post(path + QStringLiteral("/removePassword"), {{QStringLiteral("keyId"), str(credential, "keyId")}});
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(errorCode(unknown), QStringLiteral("Request_BadRequest"));
}

TEST_F(GraphTest, DeletingTheAppTakesItsServicePrincipalAndConsentWithIt) {
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const QString spId = str(createServicePrincipal(str(app, "appId")), "id");
    ASSERT_EQ(assignRole(spId, kOwnedByRoleId).status, 201);
    ASSERT_EQ(grant(spId, QStringLiteral("User.Read")).status, 201);

    EXPECT_EQ(remove(QStringLiteral("/graph/v1.0/applications(appId='%1')").arg(str(app, "appId"))).status, 204);
    const Response gone = get(QStringLiteral("/graph/v1.0/applications/%1").arg(str(app, "id")));
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(errorCode(gone), QStringLiteral("Request_ResourceNotFound"));
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/servicePrincipals/%1").arg(spId)).status, 404);
    EXPECT_TRUE(values(get(QStringLiteral("/graph/v1.0/oauth2PermissionGrants?$filter=clientId eq '%1'").arg(spId))).isEmpty());
    EXPECT_TRUE(state.directory.appRoleAssignments.isEmpty());

    // The soft-deleted object can be purged once, as the real directory allows.
    const QString purge = QStringLiteral("/graph/v1.0/directory/deletedItems/%1").arg(str(app, "id"));
    EXPECT_EQ(remove(purge).status, 204);
    EXPECT_EQ(remove(purge).status, 404);
}

TEST_F(GraphTest, ServicePrincipalsAndAssignmentsRefuseDuplicatesAndWrongPermissionIds) {
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const QString spId = str(createServicePrincipal(str(app, "appId")), "id");

    const Response duplicate =
        post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), str(app, "appId")}});
    EXPECT_EQ(duplicate.status, 409);
    EXPECT_EQ(errorCode(duplicate), QStringLiteral("Request_MultipleObjectsWithSameKeyValue"));
    EXPECT_TRUE(errorMessage(duplicate).contains(str(app, "appId")));
    EXPECT_EQ(post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), kGraphAppId}}).status, 409);

    // The delegated User.Read id is a scope, not an app role: the seeds' classic mix-up.
    const Response wrongId = assignRole(spId, kUserReadScopeId);
    EXPECT_EQ(wrongId.status, 400);
    EXPECT_EQ(errorCode(wrongId), QStringLiteral("Request_BadRequest"));
    EXPECT_TRUE(errorMessage(wrongId).startsWith(QLatin1String("Permission being assigned was not found on application")));

    const Response unknownPrincipal = assignRole(QUuid::createUuid().toString(QUuid::WithoutBraces), kOwnedByRoleId);
    EXPECT_EQ(unknownPrincipal.status, 404);
    EXPECT_EQ(errorCode(unknownPrincipal), QStringLiteral("Request_ResourceNotFound"));

    // Two roles for one principal are two assignments; removing one leaves the other.
    const Response first = assignRole(spId, kOwnedByRoleId);
    ASSERT_EQ(first.status, 201);
    ASSERT_EQ(assignRole(spId, kReadWriteAllRoleId).status, 201);
    EXPECT_EQ(
        remove(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignedTo/%2").arg(graphSpId(), str(json(first), "id")))
            .status,
        204);
    const Response left = get(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignments").arg(spId));
    ASSERT_EQ(values(left).size(), 1);
    EXPECT_EQ(str(values(left).first().toObject(), "appRoleId"), kReadWriteAllRoleId);

    // The same assignment can be made from the principal's side.
    const Response fromPrincipal = post(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignments").arg(spId),
                                        {{QStringLiteral("principalId"), spId},
                                         {QStringLiteral("resourceId"), graphSpId()},
                                         {QStringLiteral("appRoleId"), kOwnedByRoleId}});
    EXPECT_EQ(fromPrincipal.status, 201) << fromPrincipal.body.toStdString();
    EXPECT_EQ(values(get(QStringLiteral("/graph/v1.0/servicePrincipals/%1/appRoleAssignments").arg(spId))).size(), 2);

    const Response principalGrant =
        post(QStringLiteral("/graph/v1.0/oauth2PermissionGrants"), {{QStringLiteral("clientId"), spId},
                                                                    {QStringLiteral("consentType"), QStringLiteral("Principal")},
                                                                    {QStringLiteral("resourceId"), graphSpId()},
                                                                    {QStringLiteral("scope"), QStringLiteral("User.Read")}});
    EXPECT_EQ(principalGrant.status, 400) << "a Principal grant needs the user's id";
}

// ---- authentication and permissions ----------------------------------------------------------

TEST_F(GraphTest, RequestsWithoutAValidTokenAre401InGraphsFormat) {
    const Response none = send("GET", QStringLiteral("/graph/v1.0/organization"), {});
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(errorCode(none), QStringLiteral("InvalidAuthenticationToken"));
    EXPECT_EQ(errorMessage(none), QStringLiteral("Access token is empty."));
    EXPECT_TRUE(error(none).value(QStringLiteral("innerError")).toObject().contains(QStringLiteral("request-id")));
    EXPECT_TRUE(headerOf(none, "WWW-Authenticate").startsWith("Bearer "));

    const Response malformed = send("GET", QStringLiteral("/graph/v1.0/organization"), "not-a-jwt");
    EXPECT_EQ(malformed.status, 401);
    EXPECT_TRUE(errorMessage(malformed).startsWith(QLatin1String("IDX14100: JWT is not well formed")));

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray expired = token({{QStringLiteral("scp"), kAdminScopes}, {QStringLiteral("exp"), now - 60}});
    const Response late = send("GET", QStringLiteral("/graph/v1.0/organization"), expired);
    EXPECT_EQ(late.status, 401);
    EXPECT_EQ(errorMessage(late), QStringLiteral("Lifetime validation failed, the token is expired."));

    QByteArray forged = admin;
    forged.chop(4);
    forged += "AAAA";
    const Response badSignature = send("GET", QStringLiteral("/graph/v1.0/organization"), forged);
    EXPECT_EQ(badSignature.status, 401);
    EXPECT_EQ(errorCode(badSignature), QStringLiteral("InvalidAuthenticationToken"));

    const QByteArray otherAudience =
        token({{QStringLiteral("scp"), kAdminScopes}, {QStringLiteral("aud"), QStringLiteral("https://management.azure.com")}});
    const Response wrongAudience = send("GET", QStringLiteral("/graph/v1.0/organization"), otherAudience);
    EXPECT_EQ(wrongAudience.status, 401);
    EXPECT_EQ(errorMessage(wrongAudience), QStringLiteral("Access token validation failure. Invalid audience."));

    const QByteArray otherTenant = token(
        {{QStringLiteral("scp"), kAdminScopes}, {QStringLiteral("tid"), QUuid::createUuid().toString(QUuid::WithoutBraces)}});
    EXPECT_EQ(send("GET", QStringLiteral("/graph/v1.0/organization"), otherTenant).status, 401);

    // The Graph audience may also be given as its application id.
    const QByteArray byAppId = token({{QStringLiteral("scp"), kAdminScopes}, {QStringLiteral("aud"), kGraphAppId}});
    EXPECT_EQ(send("GET", QStringLiteral("/graph/v1.0/organization"), byAppId).status, 200);
}

TEST_F(GraphTest, MissingPermissionsAre403AndMeIsForDelegatedCallersOnly) {
    const QByteArray userOnly = delegatedToken(QStringLiteral("User.Read"));
    const Response create =
        post(QStringLiteral("/graph/v1.0/applications"), {{QStringLiteral("displayName"), QStringLiteral("x")}}, userOnly);
    EXPECT_EQ(create.status, 403);
    EXPECT_EQ(errorCode(create), QStringLiteral("Authorization_RequestDenied"));
    EXPECT_EQ(errorMessage(create), QStringLiteral("Insufficient privileges to complete the operation."));
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/applications"), userOnly).status, 403);
    EXPECT_EQ(post(QStringLiteral("/graph/v1.0/oauth2PermissionGrants"), {}, userOnly).status, 403);
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/organization"), userOnly).status, 200);

    const Response me = get(QStringLiteral("/graph/v1.0/me"), userOnly);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(str(json(me), "userPrincipalName"), state.seed.adminUserPrincipalName);
    EXPECT_EQ(str(json(me), "id"), state.directory.users.first().id);
    EXPECT_TRUE(str(json(me), "@odata.context").endsWith(QLatin1String("#users/$entity")));
    const Response selected = get(QStringLiteral("/graph/v1.0/me?$select=displayName"), userOnly);
    EXPECT_EQ(json(selected).keys(), (QStringList{QStringLiteral("@odata.context"), QStringLiteral("displayName")}));

    const QByteArray noProfile = delegatedToken(QStringLiteral("Application.ReadWrite.All"));
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/me"), noProfile).status, 403);
    const QByteArray appOnly = appOnlyToken(graphSpId(), kGraphAppId, {QStringLiteral("Application.ReadWrite.All")});
    const Response appMe = get(QStringLiteral("/graph/v1.0/me"), appOnly);
    EXPECT_EQ(appMe.status, 400);
    EXPECT_EQ(errorMessage(appMe), QStringLiteral("/me request is only valid with delegated authentication flow."));
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/organization"), appOnly).status, 403);
}

TEST_F(GraphTest, AnOwnedByCallerSeesAndChangesOnlyTheAppsItOwns) {
    // The DCR provider's initial client, as Konnect uses it: app-only, Application.ReadWrite.OwnedBy.
    dcr::sandbox::Application initial;
    initial.displayName = QStringLiteral("Konnect DCR initial client");
    const QString initialAppId = state.directory.addApplication(initial).appId;
    dcr::sandbox::ServicePrincipal initialSp;
    initialSp.appId = initialAppId;
    initialSp.displayName = initial.displayName;
    const QString callerId = state.directory.addServicePrincipal(initialSp).id;
    const QByteArray dcr = appOnlyToken(callerId, initialAppId, {QStringLiteral("Application.ReadWrite.OwnedBy")});

    const QJsonObject foreign = createApp(QStringLiteral("Someone else's app"));
    const QJsonObject own = createApp(QStringLiteral("Developer app"), dcr);

    const Response owners = get(QStringLiteral("/graph/v1.0/applications/%1/owners").arg(str(own, "id")));
    ASSERT_EQ(values(owners).size(), 1);
    EXPECT_EQ(str(values(owners).first().toObject(), "id"), callerId);
    EXPECT_EQ(str(values(owners).first().toObject(), "@odata.type"), QStringLiteral("#microsoft.graph.servicePrincipal"));

    const Response listed = get(QStringLiteral("/graph/v1.0/applications"), dcr);
    ASSERT_EQ(listed.status, 200);
    ASSERT_EQ(values(listed).size(), 1);
    EXPECT_EQ(str(values(listed).first().toObject(), "id"), str(own, "id"));
    EXPECT_EQ(values(get(QStringLiteral("/graph/v1.0/applications"))).size(), 3) << "the admin sees every app";

    const QString foreignPath = QStringLiteral("/graph/v1.0/applications/%1").arg(str(foreign, "id"));
    const QString ownPath = QStringLiteral("/graph/v1.0/applications/%1").arg(str(own, "id"));
    EXPECT_EQ(get(foreignPath, dcr).status, 403);
    EXPECT_EQ(patch(foreignPath, {{QStringLiteral("notes"), QStringLiteral("mine now")}}, dcr).status, 403);
    EXPECT_EQ(
        post(foreignPath + QStringLiteral("/addPassword"), {{QStringLiteral("passwordCredential"), QJsonObject()}}, dcr).status,
        403);
    EXPECT_EQ(remove(foreignPath, dcr).status, 403);
    EXPECT_EQ(
        post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), str(foreign, "appId")}}, dcr).status,
        403);

    EXPECT_EQ(get(ownPath, dcr).status, 200);
    EXPECT_EQ(post(ownPath + QStringLiteral("/addPassword"), {{QStringLiteral("passwordCredential"), QJsonObject()}}, dcr).status,
              200);
    const Response ownSp =
        post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), str(own, "appId")}}, dcr);
    EXPECT_EQ(ownSp.status, 201);
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/servicePrincipals/%1").arg(str(json(ownSp), "id")), dcr).status, 200);
    // Consent is outside what OwnedBy allows.
    EXPECT_EQ(post(QStringLiteral("/graph/v1.0/oauth2PermissionGrants"), {}, dcr).status, 403);
    EXPECT_EQ(remove(ownPath, dcr).status, 204);
}

// ---- request validation ----------------------------------------------------------------------

TEST_F(GraphTest, ApplicationBodiesAreValidatedAsGraphDoes) {
    const QString apps = QStringLiteral("/graph/v1.0/applications");

    const Response noName = post(apps, {{QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")}});
    EXPECT_EQ(noName.status, 400);
    EXPECT_EQ(errorCode(noName), QStringLiteral("Request_BadRequest"));
    EXPECT_TRUE(errorMessage(noName).contains(QLatin1String("'displayName'")));

    const Response unknown =
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")}, {QStringLiteral("colour"), QStringLiteral("red")}});
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(errorMessage(unknown), QStringLiteral("Property 'colour' does not exist on type 'microsoft.graph.application'."));

    const Response audience = post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                                          {QStringLiteral("signInAudience"), QStringLiteral("AzureAD")}});
    EXPECT_EQ(audience.status, 400);
    EXPECT_TRUE(errorMessage(audience).contains(QLatin1String("'signInAudience'")));

    const Response wrongType = post(apps, {{QStringLiteral("displayName"), 42}});
    EXPECT_EQ(wrongType.status, 400);
    EXPECT_EQ(errorCode(wrongType), QStringLiteral("BadRequest"));
    EXPECT_EQ(errorMessage(wrongType), QStringLiteral("Cannot convert the literal '42' to the expected type 'Edm.String'."));

    const QJsonArray delegatedType{QJsonObject{
        {QStringLiteral("resourceAppId"), kGraphAppId},
        {QStringLiteral("resourceAccess"), QJsonArray{QJsonObject{{QStringLiteral("id"), kUserReadScopeId},
                                                                  {QStringLiteral("type"), QStringLiteral("Delegated")}}}}}};
    EXPECT_EQ(post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                          {QStringLiteral("requiredResourceAccess"), delegatedType}})
                  .status,
              400);
    EXPECT_EQ(
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                    {QStringLiteral("requiredResourceAccess"), QJsonObject{{QStringLiteral("resourceAppId"), kGraphAppId}}}})
            .status,
        400);

    const Response plainHttp =
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                    {QStringLiteral("web"),
                     QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("http://example.com/cb")}}}}});
    EXPECT_EQ(plainHttp.status, 400);
    const Response nested =
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                    {QStringLiteral("web"), QJsonObject{{QStringLiteral("redirectUri"), QStringLiteral("https://a")}}}});
    EXPECT_EQ(errorMessage(nested),
              QStringLiteral("Property 'redirectUri' does not exist on type 'microsoft.graph.webApplication'."));
    EXPECT_EQ(post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")}, {QStringLiteral("appId"), kGraphAppId}}).status,
              400);

    // Personal Microsoft accounts need v2 tokens.
    const Response personal =
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("x")},
                    {QStringLiteral("signInAudience"), QStringLiteral("AzureADandPersonalMicrosoftAccount")}});
    EXPECT_EQ(personal.status, 400);
    EXPECT_EQ(errorMessage(personal), QStringLiteral("Property api.requestedAccessTokenVersion is invalid."));

    const Response empty = send("POST", apps, admin);
    EXPECT_EQ(empty.status, 400);
    EXPECT_EQ(errorMessage(empty), QStringLiteral("Empty Payload. JSON content expected."));

    // A full public-client registration is accepted and read back as sent.
    const Response full =
        post(apps, {{QStringLiteral("displayName"), QStringLiteral("Wizard client")},
                    {QStringLiteral("signInAudience"), QStringLiteral("AzureADandPersonalMicrosoftAccount")},
                    {QStringLiteral("isFallbackPublicClient"), true},
                    {QStringLiteral("publicClient"),
                     QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("http://localhost")}}}},
                    {QStringLiteral("web"),
                     QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("https://app.example/cb")}},
                                 {QStringLiteral("homePageUrl"), QStringLiteral("https://app.example")}}},
                    {QStringLiteral("api"), QJsonObject{{QStringLiteral("requestedAccessTokenVersion"), 2}}},
                    {QStringLiteral("notes"), QStringLiteral("made by a test")}});
    ASSERT_EQ(full.status, 201) << full.body.toStdString();
    const QJsonObject read = json(get(QStringLiteral("/graph/v1.0/applications/%1").arg(str(json(full), "id"))));
    EXPECT_TRUE(read.value(QStringLiteral("isFallbackPublicClient")).toBool());
    EXPECT_EQ(read.value(QStringLiteral("publicClient")).toObject().value(QStringLiteral("redirectUris")).toArray(),
              QJsonArray{QStringLiteral("http://localhost")});
    const QJsonObject web = read.value(QStringLiteral("web")).toObject();
    EXPECT_EQ(web.value(QStringLiteral("redirectUris")).toArray(), QJsonArray{QStringLiteral("https://app.example/cb")});
    EXPECT_EQ(str(web, "homePageUrl"), QStringLiteral("https://app.example"));
    EXPECT_TRUE(web.contains(QStringLiteral("implicitGrantSettings")));
    EXPECT_EQ(read.value(QStringLiteral("api")).toObject().value(QStringLiteral("requestedAccessTokenVersion")).toInt(), 2);
    EXPECT_EQ(str(read, "notes"), QStringLiteral("made by a test"));
}

TEST_F(GraphTest, PatchChangesOnlyValidBodiesAndAnswers204) {
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const QString path = QStringLiteral("/graph/v1.0/applications/%1").arg(str(app, "id"));
    const Response bad = patch(path, {{QStringLiteral("displayName"), QStringLiteral("Renamed")}, {QStringLiteral("bogus"), 1}});
    EXPECT_EQ(bad.status, 400);
    EXPECT_EQ(str(json(get(path)), "displayName"), QStringLiteral("Kong DCR")) << "a refused PATCH changes nothing";

    const Response ok = patch(path, {{QStringLiteral("displayName"), QStringLiteral("Renamed")},
                                     {QStringLiteral("requiredResourceAccess"), QJsonArray()},
                                     {QStringLiteral("tags"), QJsonArray{QStringLiteral("dcr")}}});
    EXPECT_EQ(ok.status, 204);
    EXPECT_TRUE(ok.body.isEmpty());
    const QJsonObject read = json(get(path));
    EXPECT_EQ(str(read, "displayName"), QStringLiteral("Renamed"));
    EXPECT_TRUE(read.value(QStringLiteral("requiredResourceAccess")).toArray().isEmpty());
    EXPECT_EQ(read.value(QStringLiteral("tags")).toArray(), QJsonArray{QStringLiteral("dcr")});
    EXPECT_EQ(patch(path, {{QStringLiteral("tags"), QStringLiteral("dcr")}}).status, 400) << "tags is a collection";
}

// ---- query options ---------------------------------------------------------------------------

TEST_F(GraphTest, FilterSelectAndTopBehaveLikeGraphs) {
    createApp(QStringLiteral("Kong DCR one"));
    createApp(QStringLiteral("Kong DCR two"));
    createApp(QStringLiteral("O'Brien's app"));
    const QString apps = QStringLiteral("/graph/v1.0/applications");

    EXPECT_EQ(values(get(apps + QStringLiteral("?$filter=startswith(displayName,'kong')"))).size(), 2);
    EXPECT_EQ(values(get(apps + QStringLiteral("?$filter=displayName eq 'KONG DCR ONE'"))).size(), 1)
        << "directory comparisons ignore case";
    EXPECT_EQ(values(get(apps + QStringLiteral("?$filter=displayName eq 'O''Brien''s app'"))).size(), 1);
    EXPECT_TRUE(values(get(apps + QStringLiteral("?$filter=displayName eq 'Kong DCR'"))).isEmpty());

    const Response unsupported = get(apps + QStringLiteral("?$filter=notes eq 'x'"));
    EXPECT_EQ(unsupported.status, 400);
    EXPECT_EQ(errorCode(unsupported), QStringLiteral("Request_UnsupportedQuery"));
    const Response syntax = get(apps + QStringLiteral("?$filter=displayName = 'x'"));
    EXPECT_EQ(syntax.status, 400);
    EXPECT_EQ(errorCode(syntax), QStringLiteral("BadRequest"));

    const Response selected = get(apps + QStringLiteral("?$select=id,displayName"));
    ASSERT_EQ(selected.status, 200);
    for (const QJsonValue& v : values(selected))
        EXPECT_EQ(v.toObject().keys(), (QStringList{QStringLiteral("displayName"), QStringLiteral("id")}));
    EXPECT_TRUE(str(json(selected), "@odata.context").endsWith(QLatin1String("#applications(id,displayName)")));
    const Response badSelect = get(apps + QStringLiteral("?$select=colour"));
    EXPECT_EQ(badSelect.status, 400);
    EXPECT_EQ(errorMessage(badSelect),
              QStringLiteral("Could not find a property named 'colour' on type 'microsoft.graph.application'."));

    const Response page = get(apps + QStringLiteral("?$top=2"));
    ASSERT_EQ(values(page).size(), 2);
    const QString next = str(json(page), "@odata.nextLink");
    ASSERT_FALSE(next.isEmpty());
    const Response rest = get(QUrl::fromPercentEncoding(next.toUtf8()));
    EXPECT_EQ(values(rest).size(), 1);
    EXPECT_FALSE(json(rest).contains(QStringLiteral("@odata.nextLink")));
    EXPECT_EQ(get(apps + QStringLiteral("?$top=0")).status, 400);
}

TEST_F(GraphTest, UnknownPathsAndMethodsFailInGraphsFormat) {
    const Response segment = get(QStringLiteral("/graph/v1.0/applicationz"));
    EXPECT_EQ(segment.status, 400);
    EXPECT_EQ(errorCode(segment), QStringLiteral("BadRequest"));
    EXPECT_EQ(errorMessage(segment), QStringLiteral("Resource not found for the segment 'applicationz'."));

    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    const Response nested = get(QStringLiteral("/graph/v1.0/applications/%1/secrets").arg(str(app, "id")));
    EXPECT_EQ(errorMessage(nested), QStringLiteral("Resource not found for the segment 'secrets'."));

    const Response method = send("PUT", QStringLiteral("/graph/v1.0/applications"), admin);
    EXPECT_EQ(method.status, 405);
    EXPECT_FALSE(errorCode(method).isEmpty());

    const Response notAnId = get(QStringLiteral("/graph/v1.0/applications/kong-dcr"));
    EXPECT_EQ(notAnId.status, 400);
    EXPECT_EQ(errorMessage(notAnId), QStringLiteral("Invalid object identifier 'kong-dcr'."));

    const Response missing =
        get(QStringLiteral("/graph/v1.0/servicePrincipals(appId='%1')").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(errorCode(missing), QStringLiteral("Request_ResourceNotFound"));

    EXPECT_EQ(get(QStringLiteral("/graph/beta/applications")).status, 400);
    EXPECT_EQ(send("GET", QStringLiteral("/graph/v1.0/applicationz"), {}).status, 401);
}

// ---- replication delay -----------------------------------------------------------------------

TEST_F(GraphTest, NewObjectsStayInvisibleToOtherCallsUntilTheyReplicate) {
    state.directory.replicationDelayMs = 300;
    const QJsonObject app = createApp(QStringLiteral("Kong DCR"));
    ASSERT_FALSE(str(app, "id").isEmpty()) << "the creating call gets the object back at once";
    const QString appPath = QStringLiteral("/graph/v1.0/applications/%1").arg(str(app, "id"));

    const Response notYet = get(appPath);
    EXPECT_EQ(notYet.status, 404);
    EXPECT_EQ(errorCode(notYet), QStringLiteral("Request_ResourceNotFound"));
    EXPECT_EQ(errorMessage(notYet),
              QStringLiteral("Resource '%1' does not exist or one of its queried reference-property objects are not present.")
                  .arg(str(app, "id")));
    EXPECT_TRUE(values(get(QStringLiteral("/graph/v1.0/applications?$filter=displayName eq 'Kong DCR'"))).isEmpty());

    const Response early = post(QStringLiteral("/graph/v1.0/servicePrincipals"), {{QStringLiteral("appId"), str(app, "appId")}});
    EXPECT_EQ(early.status, 400);
    EXPECT_EQ(errorCode(early), QStringLiteral("Request_BadRequest"));
    EXPECT_EQ(errorMessage(early),
              QStringLiteral("The appId '%1' of the service principal does not reference a valid application object.")
                  .arg(str(app, "appId")));
    const QJsonObject detail = error(early).value(QStringLiteral("details")).toArray().first().toObject();
    EXPECT_EQ(str(detail, "code"), QStringLiteral("NoBackingApplicationObject"));
    EXPECT_EQ(str(detail, "target"), QStringLiteral("appId"));

    ASSERT_TRUE(dcr::test::waitUntil([&] { return get(appPath).status == 200; }, 5000));
    const QJsonObject sp = createServicePrincipal(str(app, "appId"));

    // The new service principal lags the same way when consent references it.
    const Response lagging = assignRole(str(sp, "id"), kOwnedByRoleId);
    EXPECT_EQ(lagging.status, 400);
    EXPECT_EQ(errorMessage(lagging), QStringLiteral("Not a valid reference update."));
    EXPECT_EQ(grant(str(sp, "id"), QStringLiteral("User.Read")).status, 400);
    EXPECT_EQ(get(QStringLiteral("/graph/v1.0/servicePrincipals/%1").arg(str(sp, "id"))).status, 404);

    ASSERT_TRUE(dcr::test::waitUntil([&] { return state.directory.servicePrincipalById(str(sp, "id")) != nullptr; }, 5000));
    EXPECT_EQ(assignRole(str(sp, "id"), kOwnedByRoleId).status, 201);
    EXPECT_EQ(grant(str(sp, "id"), QStringLiteral("User.Read")).status, 201);
}

// ---- over real HTTP --------------------------------------------------------------------------

class GraphHttpTest : public dcr::test::SandboxFixture {};

TEST_F(GraphHttpTest, OrganizationWithoutATokenIsGraphs401) {
    const dcr::test::HttpResult r = getJson(QStringLiteral("/graph/v1.0/organization"));
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(r.header("Content-Type").startsWith("application/json"));
    EXPECT_TRUE(r.header("WWW-Authenticate").startsWith("Bearer "));
    const QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
    EXPECT_EQ(e.value(QStringLiteral("code")).toString(), QStringLiteral("InvalidAuthenticationToken"));
    EXPECT_EQ(e.value(QStringLiteral("message")).toString(), QStringLiteral("Access token is empty."));
    const QJsonObject inner = e.value(QStringLiteral("innerError")).toObject();
    EXPECT_TRUE(inner.contains(QStringLiteral("date")));
    EXPECT_TRUE(inner.contains(QStringLiteral("request-id")));
}

}  // namespace
