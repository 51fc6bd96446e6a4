// GraphClient over real HTTP against the sandbox's Microsoft Graph, signed in the way the wizard
// signs in; plus its parsers on their own.
#include "clients/graph_client.h"
#include "clients/sign_in_helper.h"
#include "core/http_client.h"

#include <QElapsedTimer>

#include <algorithm>

namespace {

using namespace dcr;
using dcr::test::await;

const QString kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
const QString kOwnedByRoleId = QStringLiteral("18a4783c-866b-4cc7-a460-3d5e5662c884");
const QString kUserReadScopeId = QStringLiteral("e1fe6dd8-ba31-4d61-89e7-88639da4683d");

QJsonObject applicationBody(const QString& displayName) {
    return QJsonObject{
        {QStringLiteral("displayName"), displayName},
        {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
        {QStringLiteral("requiredResourceAccess"),
         QJsonArray{QJsonObject{{QStringLiteral("resourceAppId"), kGraphAppId},
                                {QStringLiteral("resourceAccess"),
                                 QJsonArray{QJsonObject{{QStringLiteral("id"), kOwnedByRoleId}, {QStringLiteral("type"), QStringLiteral("Role")}},
                                            QJsonObject{{QStringLiteral("id"), kUserReadScopeId},
                                                        {QStringLiteral("type"), QStringLiteral("Scope")}}}}}}}};
}

class GraphClientTest : public dcr::test::SignedInSandboxFixture {
protected:
    void SetUp() override {
        SignedInSandboxFixture::SetUp();
        ASSERT_NO_FATAL_FAILURE(signInGraphAdmin(&token));
        http = std::make_unique<HttpClient>(&nam);
        QObject::connect(http.get(), &HttpClient::attemptFinished, [this](const HttpAttempt& a) {
            if (a.retryInMs >= 0)
                retries << a.retryReason;
        });
        graph = std::make_unique<GraphClient>(*http, QUrl(infoValue("graph_url")), [this] { return token; });
    }

    void TearDown() override {
        graph.reset();
        http.reset();
        SignedInSandboxFixture::TearDown();
    }

    GraphApplication createApp(const QString& name) {
        const Result<GraphApplication> r = await<GraphApplication>([&](auto done) { graph->createApplication(applicationBody(name), done); });
        EXPECT_TRUE(r.ok()) << r.error->message().toStdString();
        return r.value.value_or(GraphApplication{});
    }

    GraphServicePrincipal graphServicePrincipal() {
        const auto r = await<std::optional<GraphServicePrincipal>>([&](auto done) { graph->servicePrincipalByAppId(kGraphAppId, done); });
        EXPECT_TRUE(r.ok() && r.value->has_value());
        return r.ok() && r.value->has_value() ? **r.value : GraphServicePrincipal{};
    }

    QString token;
    QStringList retries;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<GraphClient> graph;
};

TEST_F(GraphClientTest, ReadsTheOrganizationAndTheSignedInAdmin) {
    const Result<GraphOrganization> org = await<GraphOrganization>([&](auto done) { graph->organization(done); });
    ASSERT_TRUE(org.ok()) << org.error->message().toStdString();
    EXPECT_EQ(org.value->id, infoValue("tenant_id"));
    EXPECT_EQ(org.value->displayName, QStringLiteral("Contoso (sandbox)"));
    EXPECT_EQ(org.value->defaultDomain, QStringLiteral("contoso.onmicrosoft.com"));
    EXPECT_TRUE(org.value->verifiedDomains.contains(QStringLiteral("contoso.onmicrosoft.com")));

    const Result<GraphUser> me = await<GraphUser>([&](auto done) { graph->me(done); });
    ASSERT_TRUE(me.ok()) << me.error->message().toStdString();
    EXPECT_EQ(me.value->userPrincipalName, QStringLiteral("admin@contoso.onmicrosoft.com"));
    EXPECT_EQ(me.value->displayName, QStringLiteral("Ada Admin"));
    EXPECT_FALSE(me.value->id.isEmpty());
}

TEST_F(GraphClientTest, ARefusedTokenIsAGraphError) {
    token = QStringLiteral("not-a-token");
    const Result<GraphUser> me = await<GraphUser>([&](auto done) { graph->me(done); });
    ASSERT_FALSE(me.ok());
    EXPECT_EQ(me.error->httpStatus, 401);
    EXPECT_EQ(me.error->code, QStringLiteral("graph.InvalidAuthenticationToken"));
}

TEST_F(GraphClientTest, ApplicationLifecycleWithAwkwardName) {
    // Quotes, ampersands, pluses and hashes must survive OData escaping and percent-encoding.
    const QString name = QStringLiteral("Kong DCR 'test' & co+1 #2");
    const GraphApplication app = createApp(name);
    ASSERT_FALSE(app.id.isEmpty());
    EXPECT_EQ(app.displayName, name);
    EXPECT_EQ(app.signInAudience, QStringLiteral("AzureADMyOrg"));
    EXPECT_EQ(app.requiredResourceAccess.size(), 1);

    const auto found = await<QList<GraphApplication>>([&](auto done) { graph->findApplicationsByDisplayName(name, done); });
    ASSERT_TRUE(found.ok()) << found.error->message().toStdString();
    ASSERT_EQ(found.value->size(), 1);
    EXPECT_EQ(found.value->first().appId, app.appId);

    const auto none = await<QList<GraphApplication>>([&](auto done) { graph->findApplicationsByDisplayName(QStringLiteral("Kong DCR"), done); });
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none.value->isEmpty());

    const QJsonObject patch{{QStringLiteral("isFallbackPublicClient"), true},
                            {QStringLiteral("publicClient"),
                             QJsonObject{{QStringLiteral("redirectUris"), QJsonArray{QStringLiteral("http://localhost")}}}}};
    const Result<Nothing> updated = await<Nothing>([&](auto done) { graph->updateApplication(app.id, patch, done); });
    ASSERT_TRUE(updated.ok()) << updated.error->message().toStdString();

    const QDateTime expires = QDateTime::currentDateTimeUtc().addMonths(6);
    const Result<GraphAddedPassword> secret =
        await<GraphAddedPassword>([&](auto done) { graph->addPassword(app.id, QStringLiteral("dcr-wizard test"), expires, done); });
    ASSERT_TRUE(secret.ok()) << secret.error->message().toStdString();
    EXPECT_FALSE(secret.value->keyId.isEmpty());
    EXPECT_FALSE(secret.value->secretText.isEmpty());
    EXPECT_TRUE(secret.value->secretText.startsWith(secret.value->hint));
    EXPECT_EQ(QDateTime::fromString(secret.value->endDateTime, Qt::ISODateWithMs).toSecsSinceEpoch(), expires.toSecsSinceEpoch());

    auto byAppId = await<std::optional<GraphApplication>>([&](auto done) { graph->applicationByAppId(app.appId, done); });
    ASSERT_TRUE(byAppId.ok()) << byAppId.error->message().toStdString();
    ASSERT_TRUE(byAppId.value->has_value());
    const GraphApplication read = **byAppId.value;
    EXPECT_EQ(read.id, app.id);
    EXPECT_TRUE(read.isFallbackPublicClient);
    EXPECT_EQ(read.publicClientRedirectUris, QStringList{QStringLiteral("http://localhost")});
    ASSERT_EQ(read.passwordCredentials.size(), 1);
    EXPECT_EQ(read.passwordCredentials.first().keyId, secret.value->keyId);
    EXPECT_EQ(read.passwordCredentials.first().displayName, QStringLiteral("dcr-wizard test"));
    EXPECT_EQ(read.passwordCredentials.first().hint, secret.value->hint);

    const Result<Nothing> removed = await<Nothing>([&](auto done) { graph->removePassword(app.id, secret.value->keyId, done); });
    ASSERT_TRUE(removed.ok()) << removed.error->message().toStdString();
    byAppId = await<std::optional<GraphApplication>>([&](auto done) { graph->applicationByAppId(app.appId, done); });
    ASSERT_TRUE(byAppId.ok() && byAppId.value->has_value());
    EXPECT_TRUE((*byAppId.value)->passwordCredentials.isEmpty());

    EXPECT_TRUE(await<Nothing>([&](auto done) { graph->deleteApplication(app.id, done); }).ok());
    // Deleting what is gone has reached its goal.
    EXPECT_TRUE(await<Nothing>([&](auto done) { graph->deleteApplication(app.id, done); }).ok());
    byAppId = await<std::optional<GraphApplication>>([&](auto done) { graph->applicationByAppId(app.appId, done); });
    ASSERT_TRUE(byAppId.ok()) << byAppId.error->message().toStdString();
    EXPECT_FALSE(byAppId.value->has_value());
}

TEST_F(GraphClientTest, FindingApplicationsFollowsNextLinks) {
    // The sandbox pages by 100 like Graph; 101 namesakes need a second page.
    const QString name = QStringLiteral("Paged app");
    int created = 0;
    for (int i = 0; i < 101; ++i)
        graph->createApplication(applicationBody(name), [&created](const Result<GraphApplication>& r) { created += r.ok() ? 1 : 0; });
    ASSERT_TRUE(dcr::test::waitUntil([&] { return created == 101; }, 60000)) << created << " created";

    const auto found = await<QList<GraphApplication>>([&](auto done) { graph->findApplicationsByDisplayName(name, done); });
    ASSERT_TRUE(found.ok()) << found.error->message().toStdString();
    EXPECT_EQ(found.value->size(), 101);
    QStringList ids;
    for (const GraphApplication& a : *found.value)
        ids << a.id;
    ids.removeDuplicates();
    EXPECT_EQ(ids.size(), 101);
}

TEST_F(GraphClientTest, ServicePrincipalsAreFoundOrCreatedOnce) {
    const GraphServicePrincipal graphSp = graphServicePrincipal();
    EXPECT_EQ(graphSp.appId, kGraphAppId);
    const auto role = std::find_if(graphSp.appRoles.begin(), graphSp.appRoles.end(),
                                   [](const GraphPermission& p) { return p.value == QLatin1String("Application.ReadWrite.OwnedBy"); });
    ASSERT_NE(role, graphSp.appRoles.end());
    EXPECT_EQ(role->id, kOwnedByRoleId);
    const auto scope = std::find_if(graphSp.oauth2PermissionScopes.begin(), graphSp.oauth2PermissionScopes.end(),
                                    [](const GraphPermission& p) { return p.value == QLatin1String("User.Read"); });
    ASSERT_NE(scope, graphSp.oauth2PermissionScopes.end());
    EXPECT_EQ(scope->id, kUserReadScopeId);
    EXPECT_FALSE(scope->displayName.isEmpty());

    const GraphApplication app = createApp(QStringLiteral("SP app"));
    auto missing = await<std::optional<GraphServicePrincipal>>([&](auto done) { graph->servicePrincipalByAppId(app.appId, done); });
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing.value->has_value());

    const auto created = await<GraphServicePrincipal>([&](auto done) { graph->createServicePrincipal(app.appId, {}, done); });
    ASSERT_TRUE(created.ok()) << created.error->message().toStdString();
    EXPECT_EQ(created.value->appId, app.appId);

    // A second create meets "already exists" and adopts the existing one.
    const auto again = await<GraphServicePrincipal>([&](auto done) { graph->createServicePrincipal(app.appId, {}, done); });
    ASSERT_TRUE(again.ok()) << again.error->message().toStdString();
    EXPECT_EQ(again.value->id, created.value->id);

    missing = await<std::optional<GraphServicePrincipal>>([&](auto done) { graph->servicePrincipalByAppId(app.appId, done); });
    ASSERT_TRUE(missing.ok() && missing.value->has_value());
    EXPECT_EQ((*missing.value)->id, created.value->id);
}

TEST_F(GraphClientTest, AdminConsentIsGrantedOnceAndCanBeWidened) {
    const GraphServicePrincipal graphSp = graphServicePrincipal();
    const GraphApplication app = createApp(QStringLiteral("Consent app"));
    const auto sp = await<GraphServicePrincipal>([&](auto done) { graph->createServicePrincipal(app.appId, {}, done); });
    ASSERT_TRUE(sp.ok()) << sp.error->message().toStdString();
    const QString spId = sp.value->id;

    const auto assigned = await<GraphAppRoleAssignment>([&](auto done) { graph->assignAppRole(graphSp.id, spId, kOwnedByRoleId, done); });
    ASSERT_TRUE(assigned.ok()) << assigned.error->message().toStdString();
    EXPECT_EQ(assigned.value->principalId, spId);
    EXPECT_EQ(assigned.value->resourceId, graphSp.id);
    EXPECT_EQ(assigned.value->appRoleId, kOwnedByRoleId);
    const auto reassigned = await<GraphAppRoleAssignment>([&](auto done) { graph->assignAppRole(graphSp.id, spId, kOwnedByRoleId, done); });
    ASSERT_TRUE(reassigned.ok()) << reassigned.error->message().toStdString();
    EXPECT_EQ(reassigned.value->id, assigned.value->id);

    const auto assignments = await<QList<GraphAppRoleAssignment>>([&](auto done) { graph->appRoleAssignments(spId, done); });
    ASSERT_TRUE(assignments.ok()) << assignments.error->message().toStdString();
    ASSERT_EQ(assignments.value->size(), 1);
    EXPECT_EQ(assignments.value->first().id, assigned.value->id);

    const auto grant = await<GraphPermissionGrant>([&](auto done) { graph->createPermissionGrant(spId, graphSp.id, QStringLiteral("User.Read"), done); });
    ASSERT_TRUE(grant.ok()) << grant.error->message().toStdString();
    EXPECT_EQ(grant.value->clientId, spId);
    EXPECT_EQ(grant.value->resourceId, graphSp.id);
    EXPECT_EQ(grant.value->consentType, QStringLiteral("AllPrincipals"));
    EXPECT_EQ(grant.value->scope, QStringLiteral("User.Read"));

    // "Permission entry already exists" is left to the caller, which widens the existing grant.
    const auto duplicate = await<GraphPermissionGrant>([&](auto done) { graph->createPermissionGrant(spId, graphSp.id, QStringLiteral("User.Read"), done); });
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(duplicate.error->httpStatus, 409);

    const Result<Nothing> widened = await<Nothing>([&](auto done) { graph->updatePermissionGrant(grant.value->id, QStringLiteral("User.Read openid"), done); });
    ASSERT_TRUE(widened.ok()) << widened.error->message().toStdString();
    const auto grants = await<QList<GraphPermissionGrant>>([&](auto done) { graph->permissionGrants(spId, done); });
    ASSERT_TRUE(grants.ok()) << grants.error->message().toStdString();
    ASSERT_EQ(grants.value->size(), 1);
    EXPECT_EQ(grants.value->first().id, grant.value->id);
    EXPECT_EQ(grants.value->first().scope, QStringLiteral("User.Read openid"));
}

TEST_F(GraphClientTest, ReplicationDelayIsWaitedOut) {
    const GraphServicePrincipal graphSp = graphServicePrincipal();
    ASSERT_NO_FATAL_FAILURE(setReplicationDelay(1500));

    const GraphApplication app = createApp(QStringLiteral("Replicating app"));
    ASSERT_FALSE(app.id.isEmpty());
    QElapsedTimer timer;
    timer.start();
    const auto sp = await<GraphServicePrincipal>([&](auto done) { graph->createServicePrincipal(app.appId, {}, done); }, 60000);
    ASSERT_TRUE(sp.ok()) << sp.error->message().toStdString();
    EXPECT_GE(timer.elapsed(), 1000) << "the service principal was created before the application replicated";
    const auto assigned =
        await<GraphAppRoleAssignment>([&](auto done) { graph->assignAppRole(graphSp.id, sp.value->id, kOwnedByRoleId, done); }, 60000);
    ASSERT_TRUE(assigned.ok()) << assigned.error->message().toStdString();
    const auto grant = await<GraphPermissionGrant>(
        [&](auto done) { graph->createPermissionGrant(sp.value->id, graphSp.id, QStringLiteral("User.Read"), done); }, 60000);
    ASSERT_TRUE(grant.ok()) << grant.error->message().toStdString();
    const auto secret = await<GraphAddedPassword>(
        [&](auto done) { graph->addPassword(app.id, QStringLiteral("replicated"), QDateTime::currentDateTimeUtc().addDays(30), done); },
        60000);
    ASSERT_TRUE(secret.ok()) << secret.error->message().toStdString();
    EXPECT_FALSE(retries.isEmpty()) << "no request met the replication delay";
}

TEST_F(GraphClientTest, ThrottlingIsWaitedOut) {
    ASSERT_NO_FATAL_FAILURE(injectFaults(R"([{"kind":"rate_limit","path":"^/graph/v1.0/organization$","count":1,"retry_after":1}])"));
    QElapsedTimer timer;
    timer.start();
    const Result<GraphOrganization> org = await<GraphOrganization>([&](auto done) { graph->organization(done); });
    ASSERT_TRUE(org.ok()) << org.error->message().toStdString();
    EXPECT_GE(timer.elapsed(), 900);
    EXPECT_EQ(retries.size(), 1);
}

// ---- parsers -----------------------------------------------------------------------------------

TEST(GraphParsers, MissingOrMistypedFieldsGiveEmptyValues) {
    const GraphApplication empty = GraphApplication::fromJson({});
    EXPECT_TRUE(empty.id.isEmpty());
    EXPECT_TRUE(empty.passwordCredentials.isEmpty());
    EXPECT_FALSE(empty.isFallbackPublicClient);

    const QJsonObject odd = QJsonDocument::fromJson(R"({"id": 7, "appId": null, "displayName": ["x"],
        "passwordCredentials": [null, 3, {"keyId": "k", "hint": 5}], "requiredResourceAccess": {},
        "isFallbackPublicClient": null, "publicClient": {"redirectUris": ["http://localhost", 4, null]}})").object();
    const GraphApplication app = GraphApplication::fromJson(odd);
    EXPECT_TRUE(app.id.isEmpty());
    EXPECT_TRUE(app.displayName.isEmpty());
    ASSERT_EQ(app.passwordCredentials.size(), 1);
    EXPECT_EQ(app.passwordCredentials.first().keyId, QStringLiteral("k"));
    EXPECT_TRUE(app.passwordCredentials.first().hint.isEmpty());
    EXPECT_TRUE(app.requiredResourceAccess.isEmpty());
    EXPECT_EQ(app.publicClientRedirectUris, QStringList{QStringLiteral("http://localhost")});

    const GraphServicePrincipal sp = GraphServicePrincipal::fromJson(QJsonDocument::fromJson(
        R"({"id": "s", "appRoles": "none", "oauth2PermissionScopes": [{"id": "i", "value": "User.Read",
            "adminConsentDisplayName": "Sign in and read user profile"}]})").object());
    EXPECT_EQ(sp.id, QStringLiteral("s"));
    EXPECT_TRUE(sp.appRoles.isEmpty());
    ASSERT_EQ(sp.oauth2PermissionScopes.size(), 1);
    EXPECT_EQ(sp.oauth2PermissionScopes.first().displayName, QStringLiteral("Sign in and read user profile"));
}

}  // namespace
