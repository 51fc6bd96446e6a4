// KonnectClient and PortalClient over real HTTP against the sandbox's Konnect and portal, with the
// Entra ID side (the DCR provider's initial client) set up through GraphClient; plus the parsers.
#include "clients/graph_client.h"
#include "clients/konnect_client.h"
#include "clients/portal_client.h"
#include "clients/sign_in_helper.h"
#include "core/endpoints.h"
#include "core/http_client.h"

#include <QElapsedTimer>

#include <algorithm>

namespace {

using namespace dcr;
using dcr::test::await;

const QString kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
const QString kOwnedByRoleId = QStringLiteral("18a4783c-866b-4cc7-a460-3d5e5662c884");

// The app Konnect's DCR uses to create developers' apps in Entra ID: its client id and secret value.
struct InitialClient {
    QString appId, secret;
};

class KonnectClientTest : public dcr::test::SignedInSandboxFixture {
protected:
    void SetUp() override {
        SignedInSandboxFixture::SetUp();
        http = std::make_unique<HttpClient>(&nam);
        QObject::connect(http.get(), &HttpClient::attemptFinished, [this](const HttpAttempt& a) {
            if (a.retryInMs >= 0)
                retries << a.retryReason;
        });
        const Endpoints endpoints = Endpoints::fromSandboxInfo(info);
        konnectToken = infoValue("konnect_personal_token");
        konnect = std::make_unique<KonnectClient>(*http, endpoints.konnect, endpoints.konnectGlobal, [this] { return konnectToken; });
        tenantIssuer = QStringLiteral("https://sts.windows.net/%1").arg(infoValue("tenant_id"));
    }

    void TearDown() override {
        konnect.reset();
        graph.reset();
        http.reset();
        SignedInSandboxFixture::TearDown();
    }

    // An Entra app with Application.ReadWrite.OwnedBy consented and a client secret, made the way
    // the wizard makes it.
    void createInitialClient(InitialClient* out) {
        ASSERT_NO_FATAL_FAILURE(signInGraphAdmin(&graphToken));
        graph = std::make_unique<GraphClient>(*http, QUrl(infoValue("graph_url")), [this] { return graphToken; });
        const QJsonObject body{
            {QStringLiteral("displayName"), QStringLiteral("Kong DCR initial client")},
            {QStringLiteral("signInAudience"), QStringLiteral("AzureADMyOrg")},
            {QStringLiteral("requiredResourceAccess"),
             QJsonArray{QJsonObject{{QStringLiteral("resourceAppId"), kGraphAppId},
                                    {QStringLiteral("resourceAccess"),
                                     QJsonArray{QJsonObject{{QStringLiteral("id"), kOwnedByRoleId},
                                                            {QStringLiteral("type"), QStringLiteral("Role")}}}}}}}};
        const auto app = await<GraphApplication>([&](auto done) { graph->createApplication(body, done); });
        ASSERT_TRUE(app.ok()) << app.error->message().toStdString();
        const auto sp = await<GraphServicePrincipal>([&](auto done) { graph->createServicePrincipal(app.value->appId, {}, done); });
        ASSERT_TRUE(sp.ok()) << sp.error->message().toStdString();
        const auto graphSp = await<std::optional<GraphServicePrincipal>>([&](auto done) { graph->servicePrincipalByAppId(kGraphAppId, done); });
        ASSERT_TRUE(graphSp.ok() && graphSp.value->has_value());
        const auto role = await<GraphAppRoleAssignment>(
            [&](auto done) { graph->assignAppRole((*graphSp.value)->id, sp.value->id, kOwnedByRoleId, done); });
        ASSERT_TRUE(role.ok()) << role.error->message().toStdString();
        const auto secret = await<GraphAddedPassword>([&](auto done) {
            graph->addPassword(app.value->id, QStringLiteral("Kong DCR"), QDateTime::currentDateTimeUtc().addMonths(12), done);
        });
        ASSERT_TRUE(secret.ok()) << secret.error->message().toStdString();
        *out = {app.value->appId, secret.value->secretText};
    }

    DcrProviderSpec providerSpec(const InitialClient& client, const QString& name = QStringLiteral("Azure DCR Provider")) const {
        // The trailing slash v1 tokens carry in iss, which Konnect must not get.
        return {name, QStringLiteral("Azure (Contoso)"), tenantIssuer + QLatin1Char('/'), client.appId, client.secret, {}};
    }

    KonnectDcrProvider createProvider(const DcrProviderSpec& spec) {
        const auto r = await<KonnectDcrProvider>([&](auto done) { konnect->createDcrProvider(spec, done); });
        EXPECT_TRUE(r.ok()) << r.error->message().toStdString();
        return r.value.value_or(KonnectDcrProvider{});
    }

    AuthStrategySpec strategySpec(const QString& providerId) const {
        AuthStrategySpec s;
        s.name = QStringLiteral("Azure Auth");
        s.displayName = QStringLiteral("Azure Auth");
        s.issuer = tenantIssuer;
        s.dcrProviderId = providerId;
        s.credentialClaim = {QStringLiteral("appid")};
        s.scopes = {QStringLiteral("openid")};
        s.authMethods = {QStringLiteral("client_credentials"), QStringLiteral("bearer")};
        return s;
    }

    QString konnectToken, graphToken, tenantIssuer;
    QStringList retries;
    std::unique_ptr<HttpClient> http;
    std::unique_ptr<KonnectClient> konnect;
    std::unique_ptr<GraphClient> graph;
};

TEST_F(KonnectClientTest, ReadsTheOrganizationWithPersonalAndSystemTokens) {
    const auto org = await<KonnectOrganization>([&](auto done) { konnect->organization(done); });
    ASSERT_TRUE(org.ok()) << org.error->message().toStdString();
    EXPECT_FALSE(org.value->id.isEmpty());
    EXPECT_EQ(org.value->name, QStringLiteral("Contoso Sandbox Org"));

    konnectToken = infoValue("konnect_system_token");
    const auto bySystemAccount = await<KonnectOrganization>([&](auto done) { konnect->organization(done); });
    ASSERT_TRUE(bySystemAccount.ok()) << bySystemAccount.error->message().toStdString();
    EXPECT_EQ(bySystemAccount.value->id, org.value->id);

    konnectToken = QStringLiteral("kpat_notavalidtoken");
    const auto refused = await<KonnectOrganization>([&](auto done) { konnect->organization(done); });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error->code, QStringLiteral("konnect.unauthorized"));
}

TEST_F(KonnectClientTest, DcrProviderLifecycle) {
    const InitialClient client{QStringLiteral("11111111-2222-3333-4444-555555555555"), QStringLiteral("not-a-real-secret")};
    // '&', '+' and '#' must reach the name filter encoded, not split or turned into a space.
    const QString name = QStringLiteral("Azure DCR Provider (a&b+c #1)");
    auto found = await<std::optional<KonnectDcrProvider>>([&](auto done) { konnect->findDcrProvider(name, done); });
    ASSERT_TRUE(found.ok()) << found.error->message().toStdString();
    EXPECT_FALSE(found.value->has_value());

    const KonnectDcrProvider created = createProvider(providerSpec(client, name));
    ASSERT_FALSE(created.id.isEmpty());
    EXPECT_EQ(created.name, name);
    EXPECT_EQ(created.displayName, QStringLiteral("Azure (Contoso)"));
    EXPECT_EQ(created.providerType, QStringLiteral("azureAd"));
    EXPECT_EQ(created.issuer, tenantIssuer);
    EXPECT_EQ(created.initialClientId, client.appId);

    // A provider whose name merely starts the same is not the one asked for.
    ASSERT_FALSE(createProvider(providerSpec(client, name + QStringLiteral(" 2"))).id.isEmpty());
    found = await<std::optional<KonnectDcrProvider>>([&](auto done) { konnect->findDcrProvider(name, done); });
    ASSERT_TRUE(found.ok() && found.value->has_value());
    EXPECT_EQ((*found.value)->id, created.id);

    DcrProviderSpec changed = providerSpec({QStringLiteral("66666666-7777-8888-9999-000000000000"), QStringLiteral("another")}, name);
    changed.displayName = QStringLiteral("Azure (renamed)");
    const auto updated = await<KonnectDcrProvider>([&](auto done) { konnect->updateDcrProvider(created.id, changed, done); });
    ASSERT_TRUE(updated.ok()) << updated.error->message().toStdString();
    EXPECT_EQ(updated.value->id, created.id);
    EXPECT_EQ(updated.value->displayName, QStringLiteral("Azure (renamed)"));
    EXPECT_EQ(updated.value->initialClientId, QStringLiteral("66666666-7777-8888-9999-000000000000"));
    EXPECT_EQ(updated.value->issuer, tenantIssuer);

    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->deleteDcrProvider(created.id, done); }).ok());
    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->deleteDcrProvider(created.id, done); }).ok());
    found = await<std::optional<KonnectDcrProvider>>([&](auto done) { konnect->findDcrProvider(name, done); });
    ASSERT_TRUE(found.ok());
    EXPECT_FALSE(found.value->has_value());
}

TEST_F(KonnectClientTest, ARefusedFieldBecomesAFieldError) {
    const QString secret = QStringLiteral("Xy8Q~TopSecretValue");
    DcrProviderSpec spec = providerSpec({QStringLiteral("11111111-2222-3333-4444-555555555555"), secret});
    spec.issuer = QStringLiteral("not a url");
    const auto r = await<KonnectDcrProvider>([&](auto done) { konnect->createDcrProvider(spec, done); });
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->httpStatus, 400);
    EXPECT_EQ(r.error->code, QStringLiteral("konnect.invalid_parameters"));
    ASSERT_FALSE(r.error->fields.isEmpty());
    EXPECT_EQ(r.error->fields.first().field, QStringLiteral("issuer"));
    EXPECT_FALSE(r.error->what.contains(secret) || r.error->rawDetail.contains(secret)) << "a secret reached an error text";
}

TEST_F(KonnectClientTest, RateLimitIsWaitedOut) {
    ASSERT_NO_FATAL_FAILURE(injectFaults(R"([{"kind":"rate_limit","path":"^/konnect/v2/dcr-providers$","count":1,"retry_after":1}])"));
    QElapsedTimer timer;
    timer.start();
    const KonnectDcrProvider created =
        createProvider(providerSpec({QStringLiteral("11111111-2222-3333-4444-555555555555"), QStringLiteral("s")}));
    EXPECT_FALSE(created.id.isEmpty());
    EXPECT_GE(timer.elapsed(), 900);
    EXPECT_EQ(retries.size(), 1);
    // Exactly one provider despite the repeated POST.
    const dcr::test::HttpResult list = getJson(QStringLiteral("/konnect/v2/dcr-providers"), konnectToken.toUtf8());
    EXPECT_EQ(list.json().value(QStringLiteral("data")).toArray().size(), 1);
}

TEST_F(KonnectClientTest, VerifySucceedsWithConsentedCredentials) {
    InitialClient client;
    ASSERT_NO_FATAL_FAILURE(createInitialClient(&client));
    const KonnectDcrProvider provider = createProvider(providerSpec(client));
    ASSERT_FALSE(provider.id.isEmpty());
    const auto verified = await<KonnectVerifyResult>([&](auto done) { konnect->verifyDcrProvider(provider.id, done); });
    ASSERT_TRUE(verified.ok()) << verified.error->message().toStdString();
    EXPECT_TRUE(verified.value->success) << verified.value->errors.join(QStringLiteral("; ")).toStdString();
    EXPECT_TRUE(verified.value->errors.isEmpty());
}

TEST_F(KonnectClientTest, VerifyReportsWrongCredentialsAsAResult) {
    InitialClient client;
    ASSERT_NO_FATAL_FAILURE(createInitialClient(&client));
    client.secret = QStringLiteral("the-secret-id-instead-of-its-value");
    const KonnectDcrProvider provider = createProvider(providerSpec(client));
    ASSERT_FALSE(provider.id.isEmpty());
    const auto verified = await<KonnectVerifyResult>([&](auto done) { konnect->verifyDcrProvider(provider.id, done); });
    ASSERT_TRUE(verified.ok()) << verified.error->message().toStdString();
    EXPECT_FALSE(verified.value->success);
    EXPECT_FALSE(verified.value->errors.isEmpty());

    // An unknown provider is not a verification result but an error.
    const auto unknown = await<KonnectVerifyResult>(
        [&](auto done) { konnect->verifyDcrProvider(QStringLiteral("00000000-0000-0000-0000-000000000001"), done); });
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error->httpStatus, 404);
}

TEST_F(KonnectClientTest, VerifyAnsweredWith4xxIsAFailedResultButAuthErrorsStayErrors) {
    const KonnectDcrProvider provider =
        createProvider(providerSpec({QStringLiteral("11111111-2222-3333-4444-555555555555"), QStringLiteral("s")}));
    ASSERT_FALSE(provider.id.isEmpty());
    ASSERT_NO_FATAL_FAILURE(injectFaults(R"([{"kind":"status","status":400,"path":"/verify$","count":1}])"));
    const auto refused = await<KonnectVerifyResult>([&](auto done) { konnect->verifyDcrProvider(provider.id, done); });
    ASSERT_TRUE(refused.ok()) << refused.error->message().toStdString();
    EXPECT_FALSE(refused.value->success);
    EXPECT_TRUE(refused.value->errors.contains(QStringLiteral("An unexpected error occurred."))) << refused.value->errors.join(QStringLiteral("; ")).toStdString();

    ASSERT_NO_FATAL_FAILURE(injectFaults(R"([{"kind":"status","status":403,"path":"/verify$","count":1}])"));
    const auto forbidden = await<KonnectVerifyResult>([&](auto done) { konnect->verifyDcrProvider(provider.id, done); });
    ASSERT_FALSE(forbidden.ok());
    EXPECT_EQ(forbidden.error->code, QStringLiteral("konnect.forbidden"));
}

TEST_F(KonnectClientTest, AuthStrategyLifecycle) {
    const KonnectDcrProvider provider =
        createProvider(providerSpec({QStringLiteral("11111111-2222-3333-4444-555555555555"), QStringLiteral("s")}));
    ASSERT_FALSE(provider.id.isEmpty());
    auto found = await<std::optional<KonnectAuthStrategy>>([&](auto done) { konnect->findAuthStrategy(QStringLiteral("Azure Auth"), done); });
    ASSERT_TRUE(found.ok()) << found.error->message().toStdString();
    EXPECT_FALSE(found.value->has_value());

    const auto created = await<KonnectAuthStrategy>([&](auto done) { konnect->createAuthStrategy(strategySpec(provider.id), done); });
    ASSERT_TRUE(created.ok()) << created.error->message().toStdString();
    EXPECT_EQ(created.value->name, QStringLiteral("Azure Auth"));
    EXPECT_EQ(created.value->strategyType, QStringLiteral("openid_connect"));
    EXPECT_EQ(created.value->dcrProviderId, provider.id);
    EXPECT_EQ(created.value->issuer, tenantIssuer);
    EXPECT_EQ(created.value->credentialClaim, QStringList{QStringLiteral("appid")});
    EXPECT_EQ(created.value->scopes, QStringList{QStringLiteral("openid")});
    EXPECT_EQ(created.value->authMethods, (QStringList{QStringLiteral("client_credentials"), QStringLiteral("bearer")}));

    found = await<std::optional<KonnectAuthStrategy>>([&](auto done) { konnect->findAuthStrategy(QStringLiteral("Azure Auth"), done); });
    ASSERT_TRUE(found.ok() && found.value->has_value());
    EXPECT_EQ((*found.value)->id, created.value->id);
    EXPECT_EQ((*found.value)->dcrProviderId, provider.id);

    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->deleteAuthStrategy(created.value->id, done); }).ok());
    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->deleteAuthStrategy(created.value->id, done); }).ok());
}

TEST_F(KonnectClientTest, PublishesAnApiWithOneStrategy) {
    const auto portals = await<QList<KonnectPortal>>([&](auto done) { konnect->portals(done); });
    ASSERT_TRUE(portals.ok()) << portals.error->message().toStdString();
    const auto portal = std::find_if(portals.value->begin(), portals.value->end(),
                                     [&](const KonnectPortal& p) { return p.id == infoValue("portal_id"); });
    ASSERT_NE(portal, portals.value->end());
    EXPECT_EQ(portal->name, QStringLiteral("Developer Portal"));
    EXPECT_FALSE(portal->defaultDomain.isEmpty());

    const auto api = await<std::optional<KonnectApi>>([&](auto done) { konnect->findApi(QStringLiteral("Orders API"), done); });
    ASSERT_TRUE(api.ok() && api.value->has_value()) << (api.ok() ? "not found" : api.error->message().toStdString());
    EXPECT_EQ((*api.value)->id, infoValue("api_id"));
    EXPECT_EQ((*api.value)->version, QStringLiteral("v1"));
    const auto noApi = await<std::optional<KonnectApi>>([&](auto done) { konnect->findApi(QStringLiteral("Orders"), done); });
    ASSERT_TRUE(noApi.ok());
    EXPECT_FALSE(noApi.value->has_value());

    const QString apiId = (*api.value)->id;
    const QString portalId = portal->id;
    auto current = await<std::optional<KonnectPublication>>([&](auto done) { konnect->publication(apiId, portalId, done); });
    ASSERT_TRUE(current.ok()) << current.error->message().toStdString();
    EXPECT_FALSE(current.value->has_value());

    const KonnectDcrProvider provider =
        createProvider(providerSpec({QStringLiteral("11111111-2222-3333-4444-555555555555"), QStringLiteral("s")}));
    const auto strategy = await<KonnectAuthStrategy>([&](auto done) { konnect->createAuthStrategy(strategySpec(provider.id), done); });
    ASSERT_TRUE(strategy.ok()) << strategy.error->message().toStdString();

    KonnectPublication wanted;
    wanted.apiId = apiId;
    wanted.portalId = portalId;
    wanted.visibility = QStringLiteral("public");
    wanted.autoApproveRegistrations = true;
    wanted.authStrategyIds = {strategy.value->id, provider.id};
    const auto tooMany = await<KonnectPublication>([&](auto done) { konnect->publish(wanted, done); });
    ASSERT_FALSE(tooMany.ok());
    EXPECT_EQ(tooMany.error->code, QStringLiteral("konnect.too_many_auth_strategies"));

    wanted.authStrategyIds = {strategy.value->id};
    const auto published = await<KonnectPublication>([&](auto done) { konnect->publish(wanted, done); });
    ASSERT_TRUE(published.ok()) << published.error->message().toStdString();
    EXPECT_EQ(published.value->authStrategyIds, wanted.authStrategyIds);
    EXPECT_EQ(published.value->visibility, QStringLiteral("public"));
    EXPECT_TRUE(published.value->autoApproveRegistrations);
    // PUT replaces: publishing the same again is harmless.
    EXPECT_TRUE(await<KonnectPublication>([&](auto done) { konnect->publish(wanted, done); }).ok());

    current = await<std::optional<KonnectPublication>>([&](auto done) { konnect->publication(apiId, portalId, done); });
    ASSERT_TRUE(current.ok() && current.value->has_value());
    EXPECT_EQ((*current.value)->apiId, apiId);
    EXPECT_EQ((*current.value)->portalId, portalId);
    EXPECT_EQ((*current.value)->authStrategyIds, wanted.authStrategyIds);

    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->unpublish(apiId, portalId, done); }).ok());
    EXPECT_TRUE(await<Nothing>([&](auto done) { konnect->unpublish(apiId, portalId, done); }).ok());
    current = await<std::optional<KonnectPublication>>([&](auto done) { konnect->publication(apiId, portalId, done); });
    ASSERT_TRUE(current.ok());
    EXPECT_FALSE(current.value->has_value());
}

TEST_F(KonnectClientTest, ADeveloperAppIsRegisteredThroughDcr) {
    InitialClient client;
    ASSERT_NO_FATAL_FAILURE(createInitialClient(&client));
    const KonnectDcrProvider provider = createProvider(providerSpec(client));
    const auto strategy = await<KonnectAuthStrategy>([&](auto done) { konnect->createAuthStrategy(strategySpec(provider.id), done); });
    ASSERT_TRUE(strategy.ok()) << strategy.error->message().toStdString();
    KonnectPublication publication;
    publication.apiId = infoValue("api_id");
    publication.portalId = infoValue("portal_id");
    publication.visibility = QStringLiteral("public");
    publication.autoApproveRegistrations = true;
    publication.authStrategyIds = {strategy.value->id};
    ASSERT_TRUE(await<KonnectPublication>([&](auto done) { konnect->publish(publication, done); }).ok());

    PortalClient portal(*http, Endpoints::fromSandboxInfo(info).portal);
    const auto wrong = await<Nothing>([&](auto done) { portal.authenticate(infoValue("developer_email"), QStringLiteral("wrong"), done); });
    ASSERT_FALSE(wrong.ok());
    EXPECT_EQ(wrong.error->httpStatus, 401);
    const auto anonymous = await<PortalApplication>([&](auto done) { portal.createApplication(QStringLiteral("x"), strategy.value->id, done); });
    ASSERT_FALSE(anonymous.ok());
    EXPECT_EQ(anonymous.error->httpStatus, 401);

    const auto signedIn = await<Nothing>(
        [&](auto done) { portal.authenticate(infoValue("developer_email"), infoValue("developer_password"), done); });
    ASSERT_TRUE(signedIn.ok()) << signedIn.error->message().toStdString();
    const auto app = await<PortalApplication>(
        [&](auto done) { portal.createApplication(QStringLiteral("DCR round trip"), strategy.value->id, done); });
    ASSERT_TRUE(app.ok()) << app.error->message().toStdString();
    EXPECT_EQ(app.value->name, QStringLiteral("DCR round trip"));
    EXPECT_FALSE(app.value->clientId.isEmpty());
    EXPECT_FALSE(app.value->clientSecret.isEmpty());

    // Konnect created the developer's app in Entra ID with the initial client's credentials.
    const auto inAzure = await<std::optional<GraphApplication>>([&](auto done) { graph->applicationByAppId(app.value->clientId, done); });
    ASSERT_TRUE(inAzure.ok() && inAzure.value->has_value());
    EXPECT_EQ((*inAzure.value)->displayName, QStringLiteral("DCR round trip"));

    const auto registered = await<Nothing>([&](auto done) { portal.registerApplication(app.value->id, publication.apiId, done); });
    ASSERT_TRUE(registered.ok()) << registered.error->message().toStdString();
    EXPECT_TRUE(await<Nothing>([&](auto done) { portal.deleteApplication(app.value->id, done); }).ok());
    EXPECT_TRUE(await<Nothing>([&](auto done) { portal.deleteApplication(app.value->id, done); }).ok());
}

// ---- parsers -----------------------------------------------------------------------------------

TEST(KonnectParsers, AuthStrategyReadsNestedAndFlatProviderIds) {
    const KonnectAuthStrategy nested = KonnectAuthStrategy::fromJson(QJsonDocument::fromJson(R"({"id": "s",
        "configs": {"openid-connect": {"issuer": "https://sts.windows.net/t", "credential_claim": ["appid"],
                                       "scopes": ["openid"], "auth_methods": ["bearer", 3]}},
        "dcr_provider": {"id": "p", "name": "n", "provider_type": "azureAd"}})").object());
    EXPECT_EQ(nested.dcrProviderId, QStringLiteral("p"));
    EXPECT_EQ(nested.issuer, QStringLiteral("https://sts.windows.net/t"));
    EXPECT_EQ(nested.authMethods, QStringList{QStringLiteral("bearer")});

    const KonnectAuthStrategy flat = KonnectAuthStrategy::fromJson(QJsonDocument::fromJson(R"({"dcr_provider_id": "q",
        "dcr_provider": null, "configs": {"key-auth": {"key_names": ["apikey"]}}})").object());
    EXPECT_EQ(flat.dcrProviderId, QStringLiteral("q"));
    EXPECT_TRUE(flat.issuer.isEmpty());
    EXPECT_TRUE(flat.scopes.isEmpty());
}

TEST(KonnectParsers, MissingOrMistypedFieldsGiveEmptyValues) {
    const KonnectDcrProvider empty = KonnectDcrProvider::fromJson({});
    EXPECT_TRUE(empty.id.isEmpty());
    EXPECT_FALSE(empty.active);
    const KonnectDcrProvider odd = KonnectDcrProvider::fromJson(
        QJsonDocument::fromJson(R"({"id": 1, "name": "n", "dcr_config": "x", "active": "yes"})").object());
    EXPECT_TRUE(odd.id.isEmpty());
    EXPECT_EQ(odd.name, QStringLiteral("n"));
    EXPECT_TRUE(odd.initialClientId.isEmpty());
    EXPECT_FALSE(odd.active);
}

}  // namespace

namespace {

// More APIs than fit on one page of Konnect's list, created as an administrator would (POST /v3/apis).
TEST_F(KonnectClientTest, ListsEveryApiAcrossPagesAndFiltersByName) {
    for (int i = 1; i <= 104; ++i) {
        const QJsonObject api{{QStringLiteral("name"), QStringLiteral("Catalog API %1").arg(i, 3, 10, QLatin1Char('0'))},
                              {QStringLiteral("version"), QStringLiteral("v2")}};
        ASSERT_EQ(sendJson("POST", QStringLiteral("/konnect/v3/apis"), api, konnectToken.toUtf8()).status, 201);
    }
    const auto all = await<QList<KonnectApi>>([&](auto done) { konnect->listApis({}, done); });
    ASSERT_TRUE(all.ok()) << all.error->message().toStdString();
    // The seed's Orders API and the 104 made above: two pages of 100.
    ASSERT_EQ(all.value->size(), 105);
    QStringList names;
    for (const KonnectApi& api : *all.value)
        names << api.name;
    EXPECT_EQ(names.removeDuplicates(), 0);
    EXPECT_TRUE(names.contains(QStringLiteral("Orders API")));
    EXPECT_TRUE(names.contains(QStringLiteral("Catalog API 104")));
    const auto last = std::find_if(all.value->begin(), all.value->end(), [](const KonnectApi& a) { return a.name == QStringLiteral("Catalog API 104"); });
    EXPECT_EQ(last->version, QStringLiteral("v2"));
    EXPECT_FALSE(last->id.isEmpty());

    const auto filtered = await<QList<KonnectApi>>([&](auto done) { konnect->listApis(QStringLiteral("API 10"), done); });
    ASSERT_TRUE(filtered.ok()) << filtered.error->message().toStdString();
    // "Catalog API 100" to "Catalog API 104".
    EXPECT_EQ(filtered.value->size(), 5);
    // Two page requests for the whole list, one for the filtered one.
    const dcr::test::HttpResult log = getJson(QStringLiteral("/_sandbox/requests"));
    int listRequests = 0;
    for (const QJsonValue& entry : log.json().value(QStringLiteral("requests")).toArray()) {
        const QJsonObject request = entry.toObject();
        listRequests += request.value(QStringLiteral("method")).toString() == QStringLiteral("GET") &&
                        request.value(QStringLiteral("path")).toString() == QStringLiteral("/konnect/v3/apis");
    }
    EXPECT_EQ(listRequests, 3);
}

TEST_F(KonnectClientTest, ListsThePortals) {
    const auto portals = await<QList<KonnectPortal>>([&](auto done) { konnect->portals(done); });
    ASSERT_TRUE(portals.ok()) << portals.error->message().toStdString();
    ASSERT_EQ(portals.value->size(), 1);
    EXPECT_EQ(portals.value->first().name, QStringLiteral("Developer Portal"));
    EXPECT_EQ(portals.value->first().id, infoValue("portal_id"));
}

TEST_F(KonnectClientTest, AFailedPageFailsTheWholeList) {
    konnectToken = QStringLiteral("kpat_notavalidtoken");
    const auto refused = await<QList<KonnectApi>>([&](auto done) { konnect->listApis({}, done); });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error->code, QStringLiteral("konnect.unauthorized"));
    EXPECT_FALSE(refused.error->remedy.isEmpty());
}

}  // namespace
