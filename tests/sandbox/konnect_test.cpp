// The sandbox's Kong Konnect, Portal API and gateway. The Konnect routes go over real HTTP against
// a running sandbox; the cases that need an Entra app with a secret and Microsoft Graph consent
// (verify, DCR, the gateway) build that app straight in the sandbox's directory and dispatch
// requests into the router, so they depend on nothing but these three services.
#include "sandbox/sandbox_fixture.h"
#include "sandbox/services.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>
#include <QUuid>

namespace {

using dcr::sandbox::Directory;
using dcr::sandbox::Request;
using dcr::sandbox::Response;
using dcr::test::HttpResult;

const QString kOwnedByRoleId = QStringLiteral("18a4783c-866b-4cc7-a460-3d5e5662c884");
const QString kReadWriteAllRoleId = QStringLiteral("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9");
const QString kReadAllRoleId = QStringLiteral("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30");

QString str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString(); }
QJsonObject obj(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toObject(); }
QJsonArray arr(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toArray(); }
bool isGuid(const QString& s) { return s.size() == 36 && !QUuid::fromString(s).isNull(); }

// The invalid_parameters entry for field, or an empty object.
QJsonObject invalidParameter(const QJsonObject& problem, const QString& field) {
    for (const QJsonValue& v : arr(problem, "invalid_parameters"))
        if (str(v.toObject(), "field") == field)
            return v.toObject();
    return {};
}

QString pathWithQuery(const QString& path, const QList<QPair<QString, QString>>& items) {
    QUrlQuery query;
    for (const auto& [key, value] : items)
        query.addQueryItem(QString::fromLatin1(QUrl::toPercentEncoding(key)), QString::fromLatin1(QUrl::toPercentEncoding(value)));
    return path + QLatin1Char('?') + query.toString(QUrl::FullyEncoded);
}

QJsonObject azureProvider(const QString& name, const QString& issuer, const QString& clientId, const QString& secret) {
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("provider_type"), QStringLiteral("azureAd")},
                       {QStringLiteral("issuer"), issuer},
                       {QStringLiteral("dcr_config"), QJsonObject{{QStringLiteral("initial_client_id"), clientId},
                                                                  {QStringLiteral("initial_client_secret"), secret}}}};
}

QJsonObject oidcStrategy(const QString& name, const QString& issuer, const QString& providerId) {
    QJsonObject body{{QStringLiteral("name"), name},
                     {QStringLiteral("display_name"), name},
                     {QStringLiteral("strategy_type"), QStringLiteral("openid_connect")},
                     {QStringLiteral("configs"),
                      QJsonObject{{QStringLiteral("openid-connect"),
                                   QJsonObject{{QStringLiteral("issuer"), issuer},
                                               {QStringLiteral("credential_claim"), QJsonArray{QStringLiteral("appid")}},
                                               {QStringLiteral("scopes"), QJsonArray{QStringLiteral("openid")}},
                                               {QStringLiteral("auth_methods"),
                                                QJsonArray{QStringLiteral("client_credentials"), QStringLiteral("bearer"),
                                                           QStringLiteral("session")}}}}}}};
    if (!providerId.isEmpty())
        body.insert(QStringLiteral("dcr_provider_id"), providerId);
    return body;
}

// ================================================================================================
// Konnect over real HTTP
// ================================================================================================

class KonnectHttpTest : public dcr::test::SandboxFixture {
protected:
    void SetUp() override {
        SandboxFixture::SetUp();
        kpat = infoValue("konnect_personal_token").toUtf8();
        issuer = QStringLiteral("https://sts.windows.net/%1").arg(infoValue("tenant_id"));
    }

    HttpResult konnect(const QByteArray& method, const QString& path, const QJsonObject& body = {}) {
        if (method == "GET" || method == "DELETE")
            return send(method, QStringLiteral("/konnect") + path, {}, {{"Authorization", "Bearer " + kpat}});
        return sendJson(method, QStringLiteral("/konnect") + path, body, kpat);
    }

    QString createProvider(const QString& name) {
        const HttpResult r = konnect("POST", QStringLiteral("/v2/dcr-providers"),
                                     azureProvider(name, issuer, QStringLiteral("11111111-2222-3333-4444-555555555555"),
                                                   QStringLiteral("abc8Q~secretvalue")));
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return str(r.json(), "id");
    }

    QString createStrategy(const QString& name, const QString& providerId) {
        const HttpResult r = konnect("POST", QStringLiteral("/v2/application-auth-strategies"), oidcStrategy(name, issuer, providerId));
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return str(r.json(), "id");
    }

    static void expectProblem(const HttpResult& r, int status) {
        EXPECT_EQ(r.status, status) << r.body.toStdString();
        EXPECT_TRUE(r.header("Content-Type").startsWith("application/problem+json")) << r.header("Content-Type").toStdString();
        EXPECT_EQ(r.json().value(QStringLiteral("status")).toInt(), status);
        EXPECT_FALSE(str(r.json(), "title").isEmpty());
        EXPECT_TRUE(str(r.json(), "instance").startsWith(QLatin1String("kong:trace:")));
    }

    QByteArray kpat;
    QString issuer;
};

TEST_F(KonnectHttpTest, EveryRouteWantsAValidKonnectToken) {
    const QList<QPair<QByteArray, QString>> routes{
        {"GET", QStringLiteral("/v3/organizations/me")},
        {"GET", QStringLiteral("/v3/users/me")},
        {"GET", QStringLiteral("/v2/dcr-providers")},
        {"POST", QStringLiteral("/v2/dcr-providers")},
        {"GET", QStringLiteral("/v2/application-auth-strategies")},
        {"GET", QStringLiteral("/v3/portals")},
        {"GET", QStringLiteral("/v3/apis/") + infoValue("api_id")},
        {"PUT", QStringLiteral("/v3/apis/%1/publications/%2").arg(infoValue("api_id"), infoValue("portal_id"))},
    };
    for (const auto& [method, path] : routes) {
        for (const QByteArray& authorization : {QByteArray(), QByteArray("Bearer kpat_notthetoken0000000000000000000000000000000000"),
                                                QByteArray(kpat) /* without "Bearer " */}) {
            SCOPED_TRACE(method.toStdString() + " " + path.toStdString() + " with '" + authorization.left(12).toStdString() + "'");
            QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
            if (!authorization.isEmpty())
                headers.append({"Authorization", authorization});
            const HttpResult r = send(method, QStringLiteral("/konnect") + path, method == "GET" ? QByteArray() : "{}", headers);
            expectProblem(r, 401);
            EXPECT_EQ(str(r.json(), "title"), QStringLiteral("Unauthorized"));
            EXPECT_EQ(str(r.json(), "detail"), QStringLiteral("Invalid credentials"));
        }
    }
}

TEST_F(KonnectHttpTest, UsersMeTakesPersonalTokensOnlyAndOrganizationsMeBoth) {
    const HttpResult me = konnect("GET", QStringLiteral("/v3/users/me"));
    ASSERT_EQ(me.status, 200) << me.body.toStdString();
    EXPECT_TRUE(isGuid(str(me.json(), "id")));
    EXPECT_EQ(str(me.json(), "email"), QStringLiteral("admin@contoso.example"));
    EXPECT_EQ(str(me.json(), "full_name"), QStringLiteral("Ada Admin"));

    const QByteArray spat = infoValue("konnect_system_token").toUtf8();
    expectProblem(getJson(QStringLiteral("/konnect/v3/users/me"), spat), 401);

    const HttpResult byUser = konnect("GET", QStringLiteral("/v3/organizations/me"));
    const HttpResult bySystem = getJson(QStringLiteral("/konnect/v3/organizations/me"), spat);
    ASSERT_EQ(byUser.status, 200);
    ASSERT_EQ(bySystem.status, 200);
    EXPECT_EQ(str(byUser.json(), "name"), QStringLiteral("Contoso Sandbox Org"));
    EXPECT_TRUE(isGuid(str(byUser.json(), "id")));
    EXPECT_EQ(str(bySystem.json(), "id"), str(byUser.json(), "id"));
    EXPECT_EQ(str(byUser.json(), "owner_id"), str(me.json(), "id"));
}

TEST_F(KonnectHttpTest, DcrProviderLifecycle) {
    const QString secret = QStringLiteral("Xy58Q~thesecretvalueofthesecret000000000");
    QJsonObject body = azureProvider(QStringLiteral("Azure DCR Provider"), issuer, QStringLiteral("11111111-2222-3333-4444-555555555555"), secret);
    body.insert(QStringLiteral("display_name"), QStringLiteral("Azure (Contoso)"));
    body.insert(QStringLiteral("labels"), QJsonObject{{QStringLiteral("env"), QStringLiteral("test")}});
    // Read-only properties in a create body are ignored: the create schemas do not forbid extras.
    body.insert(QStringLiteral("active"), true);
    const HttpResult created = konnect("POST", QStringLiteral("/v2/dcr-providers"), body);
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const QJsonObject p = created.json();
    const QString id = str(p, "id");
    EXPECT_TRUE(isGuid(id));
    EXPECT_EQ(str(p, "name"), QStringLiteral("Azure DCR Provider"));
    EXPECT_EQ(str(p, "display_name"), QStringLiteral("Azure (Contoso)"));
    EXPECT_EQ(str(p, "provider_type"), QStringLiteral("azureAd"));
    EXPECT_EQ(str(p, "issuer"), issuer);
    EXPECT_EQ(obj(p, "dcr_config"), (QJsonObject{{QStringLiteral("initial_client_id"), QStringLiteral("11111111-2222-3333-4444-555555555555")}}));
    EXPECT_FALSE(p.value(QStringLiteral("active")).toBool());
    EXPECT_EQ(obj(p, "labels").value(QStringLiteral("env")).toString(), QStringLiteral("test"));
    EXPECT_FALSE(str(p, "created_at").isEmpty());
    EXPECT_EQ(str(p, "created_at"), str(p, "updated_at"));
    EXPECT_FALSE(created.body.contains(secret.toUtf8()));

    const HttpResult fetched = konnect("GET", QStringLiteral("/v2/dcr-providers/") + id);
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.json(), p);

    const QString newSecret = QStringLiteral("Ab18Q~anewsecretvalue0000000000000000000");
    const HttpResult patched = konnect("PATCH", QStringLiteral("/v2/dcr-providers/") + id,
                                       {{QStringLiteral("display_name"), QStringLiteral("Azure")},
                                        {QStringLiteral("dcr_config"), QJsonObject{{QStringLiteral("initial_client_secret"), newSecret}}},
                                        {QStringLiteral("labels"), QJsonObject{{QStringLiteral("env"), QJsonValue()}}}});
    ASSERT_EQ(patched.status, 200) << patched.body.toStdString();
    EXPECT_EQ(str(patched.json(), "display_name"), QStringLiteral("Azure"));
    EXPECT_EQ(str(obj(patched.json(), "dcr_config"), "initial_client_id"), QStringLiteral("11111111-2222-3333-4444-555555555555"));
    EXPECT_TRUE(obj(patched.json(), "labels").isEmpty());
    EXPECT_FALSE(patched.body.contains(newSecret.toUtf8()));

    // The update schema has additionalProperties: false, so read-only and fixed fields are refused.
    for (const char* key : {"active", "provider_type", "id"}) {
        SCOPED_TRACE(key);
        const HttpResult refused = konnect("PATCH", QStringLiteral("/v2/dcr-providers/") + id, {{QLatin1String(key), QStringLiteral("x")}});
        expectProblem(refused, 400);
        EXPECT_EQ(str(invalidParameter(refused.json(), QLatin1String(key)), "rule"), QStringLiteral("unknown_property"));
    }
    const HttpResult audience = konnect("PATCH", QStringLiteral("/v2/dcr-providers/") + id,
                                        {{QStringLiteral("dcr_config"), QJsonObject{{QStringLiteral("initial_client_audience"), QStringLiteral("x")}}}});
    expectProblem(audience, 400);
    EXPECT_EQ(str(invalidParameter(audience.json(), QStringLiteral("dcr_config.initial_client_audience")), "rule"),
              QStringLiteral("unknown_property"));

    EXPECT_EQ(konnect("PUT", QStringLiteral("/v2/dcr-providers/") + id, body).status, 405);
    expectProblem(konnect("POST", QStringLiteral("/v2/dcr-providers"), body), 409);

    EXPECT_EQ(konnect("DELETE", QStringLiteral("/v2/dcr-providers/") + id).status, 204);
    expectProblem(konnect("GET", QStringLiteral("/v2/dcr-providers/") + id), 404);
    expectProblem(konnect("DELETE", QStringLiteral("/v2/dcr-providers/") + id), 404);
    expectProblem(konnect("POST", QStringLiteral("/v2/dcr-providers/%1/verify").arg(id)), 404);

    // Kong Identity needs no dcr_config at all.
    const HttpResult kongIdentity = konnect("POST", QStringLiteral("/v2/dcr-providers"),
                                            {{QStringLiteral("name"), QStringLiteral("Kong Identity")},
                                             {QStringLiteral("provider_type"), QStringLiteral("kongIdentity")},
                                             {QStringLiteral("issuer"), QStringLiteral("https://sliver.identity.us.konghq.com/")}});
    EXPECT_EQ(kongIdentity.status, 201) << kongIdentity.body.toStdString();
    EXPECT_TRUE(obj(kongIdentity.json(), "dcr_config").isEmpty());
}

TEST_F(KonnectHttpTest, DcrProviderListPagesAndFilters) {
    for (const char* name : {"Alpha DCR", "Beta DCR", "Gamma"})
        createProvider(QLatin1String(name));
    const auto list = [this](const QList<QPair<QString, QString>>& query) {
        return konnect("GET", pathWithQuery(QStringLiteral("/v2/dcr-providers"), query));
    };
    const auto names = [](const HttpResult& r) {
        QStringList out;
        for (const QJsonValue& v : arr(r.json(), "data"))
            out << str(v.toObject(), "name");
        return out;
    };

    HttpResult r = list({{QStringLiteral("page[size]"), QStringLiteral("2")}});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(names(r), (QStringList{QStringLiteral("Alpha DCR"), QStringLiteral("Beta DCR")}));
    const QJsonObject page = obj(obj(r.json(), "meta"), "page");
    EXPECT_EQ(page.value(QStringLiteral("number")).toInt(), 1);
    EXPECT_EQ(page.value(QStringLiteral("size")).toInt(), 2);
    EXPECT_EQ(page.value(QStringLiteral("total")).toInt(), 3);

    r = list({{QStringLiteral("page[size]"), QStringLiteral("2")}, {QStringLiteral("page[number]"), QStringLiteral("2")}});
    EXPECT_EQ(names(r), QStringList{QStringLiteral("Gamma")});
    EXPECT_EQ(obj(obj(r.json(), "meta"), "page").value(QStringLiteral("number")).toInt(), 2);

    EXPECT_EQ(names(list({{QStringLiteral("filter[name][eq]"), QStringLiteral("Beta DCR")}})), QStringList{QStringLiteral("Beta DCR")});
    EXPECT_EQ(names(list({{QStringLiteral("filter[name]"), QStringLiteral("Gamma")}})), QStringList{QStringLiteral("Gamma")});
    EXPECT_TRUE(names(list({{QStringLiteral("filter[name][eq]"), QStringLiteral("beta dcr")}})).isEmpty());
    EXPECT_EQ(names(list({{QStringLiteral("filter[name][contains]"), QStringLiteral("dcr")}})),
              (QStringList{QStringLiteral("Alpha DCR"), QStringLiteral("Beta DCR")}));
    EXPECT_EQ(names(list({{QStringLiteral("filter[provider_type]"), QStringLiteral("azureAd")}})).size(), 3);

    // The brackets may also arrive unencoded.
    r = konnect("GET", QStringLiteral("/v2/dcr-providers?filter[name][eq]=Gamma"));
    EXPECT_EQ(names(r), QStringList{QStringLiteral("Gamma")});

    for (const auto& [key, value] : QList<QPair<QString, QString>>{{QStringLiteral("filter[colour][eq]"), QStringLiteral("x")},
                                                                    {QStringLiteral("filter[name][like]"), QStringLiteral("x")},
                                                                    {QStringLiteral("page[size]"), QStringLiteral("0")},
                                                                    {QStringLiteral("page[number]"), QStringLiteral("first")}}) {
        SCOPED_TRACE(key.toStdString());
        r = list({{key, value}});
        expectProblem(r, 400);
        EXPECT_EQ(str(invalidParameter(r.json(), key), "source"), QStringLiteral("query"));
    }
}

// Bodies the spec (application-auth-strategies v2) refuses, most of them from Kong's own guides.
TEST_F(KonnectHttpTest, DcrProviderBodiesAreValidatedAsTheSpecSays) {
    const QString clientId = QStringLiteral("11111111-2222-3333-4444-555555555555");
    const QString secret = QStringLiteral("abc123xyz098!");
    const QJsonObject good = azureProvider(QStringLiteral("DCR Azure 1 - Segment A"), issuer, clientId, secret);
    const auto with = [&good](const QString& key, const QJsonValue& value) {
        QJsonObject b = good;
        if (value.isUndefined())
            b.remove(key);
        else
            b.insert(key, value);
        return b;
    };
    const auto config = [&](const QJsonObject& c) { return with(QStringLiteral("dcr_config"), c); };
    // Seed 002's example as written: "Azure" and an initial_client_audience.
    const QJsonObject seed002{{QStringLiteral("name"), QStringLiteral("Azure DCR Provider")},
                              {QStringLiteral("provider_type"), QStringLiteral("Azure")},
                              {QStringLiteral("issuer"), QStringLiteral("https://sts.windows.net/YOUR_TENANT_ID")},
                              {QStringLiteral("dcr_config"), QJsonObject{{QStringLiteral("initial_client_id"), QStringLiteral("abc123")},
                                                                         {QStringLiteral("initial_client_secret"), secret},
                                                                         {QStringLiteral("initial_client_audience"),
                                                                          QStringLiteral("https://my-custom-domain.com/api/v2/")}}}};
    struct Case {
        const char* what;
        QJsonObject body;
        QString field, rule;
    };
    const QList<Case> cases{
        {"provider_type AzureAd", with(QStringLiteral("provider_type"), QStringLiteral("AzureAd")), QStringLiteral("provider_type"), QStringLiteral("enum")},
        {"seed 002's body", seed002, QStringLiteral("provider_type"), QStringLiteral("enum")},
        {"missing provider_type", with(QStringLiteral("provider_type"), QJsonValue::Undefined), QStringLiteral("provider_type"), QStringLiteral("required")},
        {"missing issuer", with(QStringLiteral("issuer"), QJsonValue::Undefined), QStringLiteral("issuer"), QStringLiteral("required")},
        {"issuer not a URL", with(QStringLiteral("issuer"), QStringLiteral("sts.windows.net tenant")), QStringLiteral("issuer"), QStringLiteral("is_url")},
        {"issuer too long", with(QStringLiteral("issuer"), QStringLiteral("https://sts.windows.net/") + QString(240, QLatin1Char('a'))),
         QStringLiteral("issuer"), QStringLiteral("max_length")},
        {"issuer a number", with(QStringLiteral("issuer"), 42), QStringLiteral("issuer"), QStringLiteral("is_string")},
        {"initial_client_audience for azureAd",
         config({{QStringLiteral("initial_client_id"), clientId}, {QStringLiteral("initial_client_secret"), secret},
                 {QStringLiteral("initial_client_audience"), QStringLiteral("https://my-custom-domain.com/api/v2/")}}),
         QStringLiteral("dcr_config.initial_client_audience"), QStringLiteral("unknown_property")},
        {"missing initial_client_secret", config({{QStringLiteral("initial_client_id"), clientId}}),
         QStringLiteral("dcr_config.initial_client_secret"), QStringLiteral("required")},
        {"missing dcr_config", with(QStringLiteral("dcr_config"), QJsonValue::Undefined), QStringLiteral("dcr_config"), QStringLiteral("required")},
        {"dcr_config a string", with(QStringLiteral("dcr_config"), QStringLiteral("x")), QStringLiteral("dcr_config"), QStringLiteral("is_object")},
        {"name too long", with(QStringLiteral("name"), QString(257, QLatin1Char('n'))), QStringLiteral("name"), QStringLiteral("max_length")},
        {"empty name", with(QStringLiteral("name"), QString()), QStringLiteral("name"), QStringLiteral("min_length")},
        {"missing name", with(QStringLiteral("name"), QJsonValue::Undefined), QStringLiteral("name"), QStringLiteral("required")},
        {"reserved label key", with(QStringLiteral("labels"), QJsonObject{{QStringLiteral("kong-env"), QStringLiteral("x")}}),
         QStringLiteral("labels.kong-env"), QStringLiteral("is_label")},
        {"label value with a space", with(QStringLiteral("labels"), QJsonObject{{QStringLiteral("env"), QStringLiteral("a b")}}),
         QStringLiteral("labels.env"), QStringLiteral("is_label")},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const HttpResult r = konnect("POST", QStringLiteral("/v2/dcr-providers"), c.body);
        expectProblem(r, 400);
        const QJsonObject p = invalidParameter(r.json(), c.field);
        EXPECT_EQ(str(p, "rule"), c.rule) << r.body.toStdString();
        EXPECT_EQ(str(p, "source"), QStringLiteral("body"));
        EXPECT_FALSE(str(p, "reason").isEmpty());
        EXPECT_FALSE(r.body.contains(secret.toUtf8()));
    }

    // The extra keys the spec gives some rules.
    HttpResult r = konnect("POST", QStringLiteral("/v2/dcr-providers"), cases.at(0).body);
    EXPECT_TRUE(arr(invalidParameter(r.json(), QStringLiteral("provider_type")), "choices").contains(QStringLiteral("azureAd")));
    r = konnect("POST", QStringLiteral("/v2/dcr-providers"), with(QStringLiteral("name"), QString(257, QLatin1Char('n'))));
    EXPECT_EQ(invalidParameter(r.json(), QStringLiteral("name")).value(QStringLiteral("maximum")).toInt(), 256);
    // Every refusal of one body is reported at once.
    r = konnect("POST", QStringLiteral("/v2/dcr-providers"), QJsonObject{{QStringLiteral("provider_type"), QStringLiteral("azureAd")}});
    expectProblem(r, 400);
    for (const char* field : {"name", "issuer", "dcr_config"})
        EXPECT_EQ(str(invalidParameter(r.json(), QLatin1String(field)), "rule"), QStringLiteral("required")) << field;
    expectProblem(send("POST", QStringLiteral("/konnect/v2/dcr-providers"), "{not json", {{"Authorization", "Bearer " + kpat}}), 400);

    const HttpResult all = konnect("GET", QStringLiteral("/v2/dcr-providers"));
    EXPECT_EQ(obj(obj(all.json(), "meta"), "page").value(QStringLiteral("total")).toInt(), 0) << "nothing refused was stored";
}

TEST_F(KonnectHttpTest, AuthStrategyLifecycleAndValidation) {
    const QString providerId = createProvider(QStringLiteral("Azure DCR Provider"));
    const HttpResult created = konnect("POST", QStringLiteral("/v2/application-auth-strategies"),
                                       oidcStrategy(QStringLiteral("Azure Auth"), issuer, providerId));
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const QJsonObject s = created.json();
    const QString id = str(s, "id");
    EXPECT_TRUE(isGuid(id));
    EXPECT_EQ(str(s, "strategy_type"), QStringLiteral("openid_connect"));
    EXPECT_EQ(str(obj(obj(s, "configs"), "openid-connect"), "issuer"), issuer);
    EXPECT_EQ(arr(obj(obj(s, "configs"), "openid-connect"), "credential_claim"), QJsonArray{QStringLiteral("appid")});
    EXPECT_FALSE(s.value(QStringLiteral("active")).toBool());
    const QJsonObject provider = obj(s, "dcr_provider");
    EXPECT_EQ(str(provider, "id"), providerId);
    EXPECT_EQ(str(provider, "name"), QStringLiteral("Azure DCR Provider"));
    EXPECT_EQ(str(provider, "provider_type"), QStringLiteral("azureAd"));
    EXPECT_TRUE(obj(s, "labels").isEmpty());
    EXPECT_EQ(konnect("GET", QStringLiteral("/v2/application-auth-strategies/") + id).json(), s);

    HttpResult list = konnect("GET", pathWithQuery(QStringLiteral("/v2/application-auth-strategies"),
                                                  {{QStringLiteral("filter[dcr_provider_id][eq]"), providerId}}));
    ASSERT_EQ(arr(list.json(), "data").size(), 1);
    EXPECT_EQ(str(arr(list.json(), "data").at(0).toObject(), "id"), id);
    expectProblem(konnect("POST", QStringLiteral("/v2/application-auth-strategies"), oidcStrategy(QStringLiteral("Azure Auth"), issuer, {})), 409);

    // Refused bodies.
    QJsonObject underscore = oidcStrategy(QStringLiteral("x"), issuer, {});
    underscore.insert(QStringLiteral("configs"), QJsonObject{{QStringLiteral("openid_connect"), obj(obj(s, "configs"), "openid-connect")}});
    QJsonObject unknownProvider = oidcStrategy(QStringLiteral("x"), issuer, QStringLiteral("73f8380e-7798-4566-99e3-2edf2b57d281"));
    QJsonObject notUuid = oidcStrategy(QStringLiteral("x"), issuer, QStringLiteral("my-provider"));
    QJsonObject noDisplayName = oidcStrategy(QStringLiteral("x"), issuer, {});
    noDisplayName.remove(QStringLiteral("display_name"));
    QJsonObject badType = oidcStrategy(QStringLiteral("x"), issuer, {});
    badType.insert(QStringLiteral("strategy_type"), QStringLiteral("oidc"));
    QJsonObject claimString = oidcStrategy(QStringLiteral("x"), issuer, {});
    QJsonObject oidc = obj(obj(claimString, "configs"), "openid-connect");
    oidc.insert(QStringLiteral("credential_claim"), QStringLiteral("appid"));
    claimString.insert(QStringLiteral("configs"), QJsonObject{{QStringLiteral("openid-connect"), oidc}});
    QJsonObject noScopes = oidcStrategy(QStringLiteral("x"), issuer, {});
    oidc = obj(obj(noScopes, "configs"), "openid-connect");
    oidc.remove(QStringLiteral("scopes"));
    noScopes.insert(QStringLiteral("configs"), QJsonObject{{QStringLiteral("openid-connect"), oidc}});
    QJsonObject extra = oidcStrategy(QStringLiteral("x"), issuer, {});
    extra.insert(QStringLiteral("active"), true);
    const QJsonObject keyAuthWithProvider{{QStringLiteral("name"), QStringLiteral("keys")},
                                          {QStringLiteral("display_name"), QStringLiteral("API keys")},
                                          {QStringLiteral("strategy_type"), QStringLiteral("key_auth")},
                                          {QStringLiteral("configs"), QJsonObject{{QStringLiteral("key-auth"),
                                                                                   QJsonObject{{QStringLiteral("key_names"), QJsonArray{QStringLiteral("apikey")}}}}}},
                                          {QStringLiteral("dcr_provider_id"), providerId}};
    struct Case {
        const char* what;
        QJsonObject body;
        QString field, rule;
    };
    for (const Case& c : QList<Case>{
             {"configs key openid_connect", underscore, QStringLiteral("configs.openid_connect"), QStringLiteral("unknown_property")},
             {"configs key openid_connect (missing hyphen key)", underscore, QStringLiteral("configs.openid-connect"), QStringLiteral("required")},
             {"unknown dcr_provider_id", unknownProvider, QStringLiteral("dcr_provider_id"), QStringLiteral("missing_reference")},
             {"dcr_provider_id not a uuid", notUuid, QStringLiteral("dcr_provider_id"), QStringLiteral("is_uuid")},
             {"missing display_name", noDisplayName, QStringLiteral("display_name"), QStringLiteral("required")},
             {"strategy_type oidc", badType, QStringLiteral("strategy_type"), QStringLiteral("enum")},
             {"credential_claim a string", claimString, QStringLiteral("configs.openid-connect.credential_claim"), QStringLiteral("is_array")},
             {"missing scopes", noScopes, QStringLiteral("configs.openid-connect.scopes"), QStringLiteral("required")},
             {"read-only active", extra, QStringLiteral("active"), QStringLiteral("unknown_property")},
             {"key_auth with a DCR provider", keyAuthWithProvider, QStringLiteral("dcr_provider_id"), QStringLiteral("unknown_property")},
         }) {
        SCOPED_TRACE(c.what);
        const HttpResult r = konnect("POST", QStringLiteral("/v2/application-auth-strategies"), c.body);
        expectProblem(r, 400);
        EXPECT_EQ(str(invalidParameter(r.json(), c.field), "rule"), c.rule) << r.body.toStdString();
    }

    QJsonObject keyAuth = keyAuthWithProvider;
    keyAuth.remove(QStringLiteral("dcr_provider_id"));
    const HttpResult keys = konnect("POST", QStringLiteral("/v2/application-auth-strategies"), keyAuth);
    ASSERT_EQ(keys.status, 201) << keys.body.toStdString();
    EXPECT_TRUE(keys.json().value(QStringLiteral("dcr_provider")).isNull());

    // PATCH merges a partial configuration.
    const HttpResult patched = konnect("PATCH", QStringLiteral("/v2/application-auth-strategies/") + id,
                                       {{QStringLiteral("display_name"), QStringLiteral("Sign in with Entra ID")},
                                        {QStringLiteral("configs"), QJsonObject{{QStringLiteral("openid-connect"),
                                                                                 QJsonObject{{QStringLiteral("scopes"),
                                                                                              QJsonArray{QStringLiteral("openid"), QStringLiteral("email")}}}}}}});
    ASSERT_EQ(patched.status, 200) << patched.body.toStdString();
    const QJsonObject merged = obj(obj(patched.json(), "configs"), "openid-connect");
    EXPECT_EQ(str(patched.json(), "display_name"), QStringLiteral("Sign in with Entra ID"));
    EXPECT_EQ(arr(merged, "scopes").size(), 2);
    EXPECT_EQ(str(merged, "issuer"), issuer);
    HttpResult r = konnect("PATCH", QStringLiteral("/v2/application-auth-strategies/") + id,
                           {{QStringLiteral("configs"), QJsonObject{{QStringLiteral("key-auth"), QJsonObject()}}}});
    expectProblem(r, 400);
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("configs.key-auth")), "rule"), QStringLiteral("unknown_property"));
    r = konnect("PATCH", QStringLiteral("/v2/application-auth-strategies/") + id, {{QStringLiteral("strategy_type"), QStringLiteral("key_auth")}});
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("strategy_type")), "rule"), QStringLiteral("unknown_property"));

    EXPECT_EQ(konnect("DELETE", QStringLiteral("/v2/application-auth-strategies/") + str(keys.json(), "id")).status, 204);
    list = konnect("GET", QStringLiteral("/v2/application-auth-strategies"));
    EXPECT_EQ(arr(list.json(), "data").size(), 1);
    expectProblem(konnect("GET", QStringLiteral("/v2/application-auth-strategies/") + str(keys.json(), "id")), 404);
}

TEST_F(KonnectHttpTest, PublishingIsOneIdempotentPublicationAndBlocksDeletes) {
    const QString apiId = infoValue("api_id");
    const QString portalId = infoValue("portal_id");
    const QString publication = QStringLiteral("/v3/apis/%1/publications/%2").arg(apiId, portalId);
    const QString providerId = createProvider(QStringLiteral("Azure DCR Provider"));
    const QString strategyId = createStrategy(QStringLiteral("Azure Auth"), providerId);
    const QString otherId = createStrategy(QStringLiteral("Other"), {});
    const auto body = [](const QJsonValue& ids, const QString& visibility) {
        QJsonObject b{{QStringLiteral("visibility"), visibility}, {QStringLiteral("auto_approve_registrations"), true}};
        if (!ids.isUndefined())
            b.insert(QStringLiteral("auth_strategy_ids"), ids);
        return b;
    };

    expectProblem(konnect("GET", publication), 404);
    HttpResult r = konnect("PUT", publication, body(QJsonArray{strategyId, otherId}, QStringLiteral("public")));
    expectProblem(r, 400);
    const QJsonObject tooMany = invalidParameter(r.json(), QStringLiteral("auth_strategy_ids"));
    EXPECT_EQ(str(tooMany, "rule"), QStringLiteral("max_items"));
    EXPECT_EQ(tooMany.value(QStringLiteral("maximum")).toInt(), 1);
    r = konnect("PUT", publication, body(QJsonArray(), QStringLiteral("public")));
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("auth_strategy_ids")), "rule"), QStringLiteral("min_items"));
    r = konnect("PUT", publication, body(QJsonArray{QStringLiteral("73f8380e-7798-4566-99e3-2edf2b57d281")}, QStringLiteral("public")));
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("auth_strategy_ids")), "rule"), QStringLiteral("missing_reference"));
    r = konnect("PUT", publication, body(QJsonArray{strategyId}, QStringLiteral("internal")));
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("visibility")), "rule"), QStringLiteral("enum"));

    for (const QString& visibility : {QStringLiteral("public"), QStringLiteral("private")}) {
        r = konnect("PUT", publication, body(QJsonArray{strategyId}, visibility));
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
        EXPECT_EQ(arr(r.json(), "auth_strategy_ids"), QJsonArray{strategyId});
        EXPECT_EQ(str(r.json(), "visibility"), visibility);
        EXPECT_TRUE(r.json().value(QStringLiteral("auto_approve_registrations")).toBool());
    }
    r = konnect("GET", publication);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(str(r.json(), "visibility"), QStringLiteral("private"));
    r = konnect("GET", QStringLiteral("/v3/apis/%1/publications").arg(apiId));
    ASSERT_EQ(arr(r.json(), "data").size(), 1) << "PUT twice is still one publication";
    EXPECT_EQ(str(arr(r.json(), "data").at(0).toObject(), "portal_id"), portalId);
    EXPECT_EQ(arr(konnect("GET", QStringLiteral("/v3/api-publications")).json(), "data").size(), 1);
    EXPECT_EQ(str(arr(konnect("GET", QStringLiteral("/v3/apis/") + apiId).json(), "portals").at(0).toObject(), "id"), portalId);

    // In use: the strategy and its provider are active and cannot be deleted.
    EXPECT_TRUE(konnect("GET", QStringLiteral("/v2/application-auth-strategies/") + strategyId).json().value(QStringLiteral("active")).toBool());
    EXPECT_TRUE(konnect("GET", QStringLiteral("/v2/dcr-providers/") + providerId).json().value(QStringLiteral("active")).toBool());
    expectProblem(konnect("DELETE", QStringLiteral("/v2/application-auth-strategies/") + strategyId), 409);
    expectProblem(konnect("DELETE", QStringLiteral("/v2/dcr-providers/") + providerId), 409);

    expectProblem(konnect("PUT", QStringLiteral("/v3/apis/%1/publications/%2").arg(QUuid::createUuid().toString(QUuid::WithoutBraces), portalId),
                          body(QJsonArray{strategyId}, QStringLiteral("public"))),
                  404);
    expectProblem(konnect("PUT", QStringLiteral("/v3/apis/%1/publications/%2").arg(apiId, QUuid::createUuid().toString(QUuid::WithoutBraces)),
                          body(QJsonArray{strategyId}, QStringLiteral("public"))),
                  404);

    // Without auth_strategy_ids the portal's default strategy applies.
    ASSERT_EQ(konnect("PATCH", QStringLiteral("/v3/portals/") + portalId, {{QStringLiteral("default_application_auth_strategy_id"), otherId}}).status, 200);
    r = konnect("PUT", publication, body(QJsonValue::Undefined, QStringLiteral("public")));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(arr(r.json(), "auth_strategy_ids"), QJsonArray{otherId});
    // null: no application auth at all.
    r = konnect("PUT", publication, body(QJsonValue(QJsonValue::Null), QStringLiteral("public")));
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_TRUE(r.json().value(QStringLiteral("auth_strategy_ids")).isNull());

    EXPECT_EQ(konnect("DELETE", publication).status, 204);
    expectProblem(konnect("GET", publication), 404);
    expectProblem(konnect("DELETE", publication), 404);
    EXPECT_EQ(konnect("DELETE", QStringLiteral("/v2/application-auth-strategies/") + strategyId).status, 204);
    EXPECT_EQ(konnect("DELETE", QStringLiteral("/v2/dcr-providers/") + providerId).status, 204);
}

TEST_F(KonnectHttpTest, PortalsAndApis) {
    const QString portalId = infoValue("portal_id");
    HttpResult r = konnect("GET", QStringLiteral("/v3/portals"));
    ASSERT_EQ(r.status, 200);
    ASSERT_EQ(arr(r.json(), "data").size(), 1);
    const QJsonObject portal = arr(r.json(), "data").at(0).toObject();
    EXPECT_EQ(str(portal, "id"), portalId);
    EXPECT_EQ(str(portal, "name"), QStringLiteral("Developer Portal"));
    EXPECT_FALSE(str(portal, "default_domain").isEmpty());
    EXPECT_TRUE(portal.value(QStringLiteral("default_application_auth_strategy_id")).isNull());
    EXPECT_EQ(konnect("GET", QStringLiteral("/v3/portals/") + portalId).json(), portal);
    expectProblem(konnect("GET", QStringLiteral("/v3/portals/") + QUuid::createUuid().toString(QUuid::WithoutBraces)), 404);

    const QString strategyId = createStrategy(QStringLiteral("Azure Auth"), {});
    r = konnect("PATCH", QStringLiteral("/v3/portals/") + portalId,
                {{QStringLiteral("default_application_auth_strategy_id"), strategyId}, {QStringLiteral("auto_approve_applications"), true}});
    ASSERT_EQ(r.status, 200) << r.body.toStdString();
    EXPECT_EQ(str(r.json(), "default_application_auth_strategy_id"), strategyId);
    EXPECT_TRUE(r.json().value(QStringLiteral("auto_approve_applications")).toBool());
    r = konnect("PATCH", QStringLiteral("/v3/portals/") + portalId,
                {{QStringLiteral("default_application_auth_strategy_id"), QStringLiteral("73f8380e-7798-4566-99e3-2edf2b57d281")}});
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("default_application_auth_strategy_id")), "rule"), QStringLiteral("missing_reference"));
    r = konnect("PATCH", QStringLiteral("/v3/portals/") + portalId, {{QStringLiteral("auto_approve_applications"), QStringLiteral("yes")}});
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("auto_approve_applications")), "rule"), QStringLiteral("is_boolean"));
    r = konnect("PATCH", QStringLiteral("/v3/portals/") + portalId, {{QStringLiteral("theme"), QStringLiteral("dark")}});
    EXPECT_EQ(str(invalidParameter(r.json(), QStringLiteral("theme")), "rule"), QStringLiteral("unknown_property"));
    // The default names the strategy without using it: deleting it clears the default.
    EXPECT_EQ(konnect("DELETE", QStringLiteral("/v2/application-auth-strategies/") + strategyId).status, 204);
    EXPECT_TRUE(konnect("GET", QStringLiteral("/v3/portals/") + portalId).json().value(QStringLiteral("default_application_auth_strategy_id")).isNull());

    r = konnect("GET", pathWithQuery(QStringLiteral("/v3/apis"), {{QStringLiteral("filter[name][eq]"), QStringLiteral("Orders API")}}));
    ASSERT_EQ(arr(r.json(), "data").size(), 1) << r.body.toStdString();
    const QJsonObject api = arr(r.json(), "data").at(0).toObject();
    EXPECT_EQ(str(api, "id"), infoValue("api_id"));
    EXPECT_EQ(str(api, "version"), QStringLiteral("v1"));
    EXPECT_EQ(str(api, "slug"), QStringLiteral("orders-api-v1"));
    EXPECT_TRUE(arr(api, "portals").isEmpty());
    EXPECT_TRUE(arr(konnect("GET", pathWithQuery(QStringLiteral("/v3/apis"), {{QStringLiteral("filter[name][eq]"), QStringLiteral("Orders")}})).json(),
                    "data")
                    .isEmpty());
    EXPECT_EQ(konnect("GET", QStringLiteral("/v3/apis/") + infoValue("api_id")).json(), api);
    expectProblem(konnect("GET", QStringLiteral("/v3/apis/") + QUuid::createUuid().toString(QUuid::WithoutBraces)), 404);
}

TEST_F(KonnectHttpTest, UnknownPathsAnswerInKonnectsFormat) {
    expectProblem(konnect("GET", QStringLiteral("/v2/nothing-here")), 404);
    const HttpResult wrongMethod = konnect("POST", QStringLiteral("/v3/portals"), QJsonObject{{QStringLiteral("name"), QStringLiteral("x")}});
    expectProblem(wrongMethod, 405);
    EXPECT_EQ(wrongMethod.header("Allow"), QByteArray("GET"));
    EXPECT_EQ(konnect("PUT", QStringLiteral("/v2/dcr-providers/") + QUuid::createUuid().toString(QUuid::WithoutBraces)).header("Allow"),
              QByteArray("GET, PATCH, DELETE"));
    expectProblem(send("GET", QStringLiteral("/portal/") + infoValue("portal_id") + QStringLiteral("/api/v3/nothing")), 404);
    EXPECT_EQ(send("GET", QStringLiteral("/gateway/no-such-api/orders")).status, 404);
}

TEST_F(KonnectHttpTest, DeveloperSignInSetsTheSessionCookie) {
    const QString portal = QStringLiteral("/portal/%1/api/v3").arg(infoValue("portal_id"));
    const QJsonObject wrong{{QStringLiteral("username"), infoValue("developer_email")}, {QStringLiteral("password"), QStringLiteral("wrong")}};
    expectProblem(sendJson("POST", portal + QStringLiteral("/developer/authenticate"), wrong), 401);
    expectProblem(send("GET", portal + QStringLiteral("/applications")), 401);

    const HttpResult signedIn = sendJson("POST", portal + QStringLiteral("/developer/authenticate"),
                                         {{QStringLiteral("username"), infoValue("developer_email")},
                                          {QStringLiteral("password"), infoValue("developer_password")}});
    ASSERT_EQ(signedIn.status, 204) << signedIn.body.toStdString();
    const QByteArray setCookie = signedIn.header("Set-Cookie");
    EXPECT_TRUE(setCookie.startsWith("portalaccesstoken=")) << setCookie.toStdString();
    EXPECT_TRUE(setCookie.contains("HttpOnly"));
    EXPECT_TRUE(setCookie.contains("Path=/"));
    const QByteArray cookie = setCookie.left(setCookie.indexOf(';'));

    const HttpResult apps = send("GET", portal + QStringLiteral("/applications"), {}, {{"Cookie", cookie}});
    ASSERT_EQ(apps.status, 200) << apps.body.toStdString();
    EXPECT_TRUE(arr(apps.json(), "data").isEmpty());
    EXPECT_EQ(send("GET", portal + QStringLiteral("/application-auth-strategies"), {}, {{"Cookie", cookie}}).status, 200);
    // The session belongs to its portal.
    expectProblem(send("GET", QStringLiteral("/portal/%1/api/v3/applications").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), {},
                       {{"Cookie", cookie}}),
                  404);
}

TEST_F(KonnectHttpTest, TheStateInspectionNeverShowsSecrets) {
    const QString secret = QStringLiteral("Zz18Q~inspectedsecretvalue00000000000000");
    const HttpResult created = konnect("POST", QStringLiteral("/v2/dcr-providers"),
                                       azureProvider(QStringLiteral("P"), issuer, QStringLiteral("11111111-2222-3333-4444-555555555555"), secret));
    ASSERT_EQ(created.status, 201);
    const HttpResult state = getJson(QStringLiteral("/_sandbox/state"));
    ASSERT_EQ(state.status, 200);
    const QJsonObject konnectState = obj(state.json(), "konnect");
    for (const char* key : {"dcr_providers", "auth_strategies", "portals", "apis", "publications", "developer_applications"})
        EXPECT_TRUE(konnectState.value(QLatin1String(key)).isArray()) << key;
    EXPECT_EQ(arr(konnectState, "dcr_providers").size(), 1);
    EXPECT_EQ(arr(konnectState, "portals").size(), 1);
    EXPECT_FALSE(state.body.contains(secret.toUtf8()));
    EXPECT_FALSE(state.body.contains(kpat));
}

// ================================================================================================
// Verify, DCR and the gateway, dispatched straight into the router
// ================================================================================================

struct InitialClient {
    QString appId, objectId, spId, secret, keyId;
};

class KonnectDcrTest : public ::testing::Test {
protected:
    void SetUp() override {
        state.baseUrl = QStringLiteral("http://127.0.0.1:1");
        state.applySeed();
        dcr::sandbox::registerKonnect(router, state);
        dcr::sandbox::registerPortal(router, state);
        dcr::sandbox::registerGateway(router, state);
        kpat = state.seed.konnectPersonalToken.toUtf8();
        tenantId = state.directory.tenant.id;
        issuer = QStringLiteral("https://sts.windows.net/%1").arg(tenantId);
        portalId = state.konnect.portalId;
        apiId = state.konnect.apiId;
        slug = state.konnect.apis.first().slug;
    }

    // An Entra app with a client secret, its service principal and, if roleId is set, that
    // Microsoft Graph app role granted with admin consent: what the wizard sets up.
    InitialClient createInitialClient(const QString& roleId = kOwnedByRoleId) {
        Directory& d = state.directory;
        dcr::sandbox::PasswordCredential credential;
        credential.keyId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        credential.displayName = QStringLiteral("Kong DCR");
        credential.secretText = QStringLiteral("Qw58Q~") + QUuid::createUuid().toString(QUuid::Id128);
        credential.endDateTime = QDateTime::currentDateTimeUtc().addYears(1).toString(Qt::ISODate);
        dcr::sandbox::Application app;
        app.displayName = QStringLiteral("Kong DCR initial client");
        app.passwordCredentials = {credential};
        InitialClient client;
        const dcr::sandbox::Application& storedApp = d.addApplication(app);
        client.appId = storedApp.appId;
        client.objectId = storedApp.id;
        client.secret = credential.secretText;
        client.keyId = credential.keyId;
        dcr::sandbox::ServicePrincipal sp;
        sp.appId = client.appId;
        sp.displayName = app.displayName;
        sp.appOwnerOrganizationId = tenantId;
        client.spId = d.addServicePrincipal(sp).id;
        if (!roleId.isEmpty()) {
            const dcr::sandbox::ServicePrincipal* graph = d.servicePrincipalByAppId(Directory::kGraphAppId, true);
            dcr::sandbox::AppRoleAssignment a;
            a.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
            a.principalId = client.spId;
            a.principalType = QStringLiteral("ServicePrincipal");
            a.principalDisplayName = app.displayName;
            a.resourceId = graph->id;
            a.resourceDisplayName = graph->displayName;
            a.appRoleId = roleId;
            d.appRoleAssignments.append(a);
        }
        return client;
    }

    // target: a path with an optional query.
    Response dispatch(const QByteArray& method, const QString& target, const QByteArray& body = {},
                      const QMap<QByteArray, QByteArray>& headers = {}) {
        Request request;
        request.method = method;
        const qsizetype q = target.indexOf(QLatin1Char('?'));
        request.path = q < 0 ? target : target.left(q);
        if (q >= 0)
            request.query = QUrlQuery(target.mid(q + 1));
        request.headers = headers;
        if (!body.isEmpty())
            request.headers.insert("content-type", "application/json");
        request.body = body;
        return router.dispatch(request);
    }

    Response konnect(const QByteArray& method, const QString& path, const QJsonObject& body = {}) {
        return dispatch(method, QStringLiteral("/konnect") + path,
                        method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact),
                        {{"authorization", "Bearer " + kpat}});
    }

    Response portal(const QByteArray& method, const QString& path, const QJsonObject& body = {}) {
        QMap<QByteArray, QByteArray> headers;
        if (!sessionCookie.isEmpty())
            headers.insert("cookie", "theme=dark; " + sessionCookie);
        return dispatch(method, QStringLiteral("/portal/%1/api/v3").arg(portalId) + path,
                        method == "GET" || method == "DELETE" ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }

    Response gateway(const QByteArray& authorization, const QString& path = QStringLiteral("/orders")) {
        QMap<QByteArray, QByteArray> headers;
        if (!authorization.isEmpty())
            headers.insert("authorization", authorization);
        return dispatch("GET", QStringLiteral("/gateway/") + slug + path, {}, headers);
    }

    static QJsonObject json(const Response& r) { return QJsonDocument::fromJson(r.body).object(); }
    static QByteArray header(const Response& r, const QByteArray& name) {
        for (const auto& [k, v] : r.headers)
            if (k.compare(name, Qt::CaseInsensitive) == 0)
                return v;
        return {};
    }

    QString createProvider(const QString& clientId, const QString& secret, const QString& providerIssuer = {}) {
        const Response r = konnect("POST", QStringLiteral("/v2/dcr-providers"),
                                   azureProvider(QStringLiteral("Azure DCR %1").arg(++providerCount),
                                                 providerIssuer.isEmpty() ? issuer : providerIssuer, clientId, secret));
        EXPECT_EQ(r.status, 201) << r.body.toStdString();
        return str(json(r), "id");
    }

    QJsonObject verify(const QString& providerId) {
        const Response r = konnect("POST", QStringLiteral("/v2/dcr-providers/%1/verify").arg(providerId));
        EXPECT_EQ(r.status, 200) << r.body.toStdString();
        return json(r);
    }

    // A DCR strategy for the provider, published on the seeded portal.
    QString publishWithDcr(const QString& providerId, bool autoApprove = true) {
        const Response created = konnect("POST", QStringLiteral("/v2/application-auth-strategies"),
                                         oidcStrategy(QStringLiteral("Azure Auth"), issuer, providerId));
        EXPECT_EQ(created.status, 201) << created.body.toStdString();
        const QString strategyId = str(json(created), "id");
        const Response published = konnect("PUT", QStringLiteral("/v3/apis/%1/publications/%2").arg(apiId, portalId),
                                           {{QStringLiteral("auth_strategy_ids"), QJsonArray{strategyId}},
                                            {QStringLiteral("visibility"), QStringLiteral("public")},
                                            {QStringLiteral("auto_approve_registrations"), autoApprove}});
        EXPECT_EQ(published.status, 200) << published.body.toStdString();
        return strategyId;
    }

    void signIn() {
        const Response r = portal("POST", QStringLiteral("/developer/authenticate"),
                                  {{QStringLiteral("username"), state.seed.developerEmail},
                                   {QStringLiteral("password"), state.seed.developerPassword}});
        ASSERT_EQ(r.status, 204) << r.body.toStdString();
        const QByteArray setCookie = header(r, "Set-Cookie");
        sessionCookie = setCookie.left(setCookie.indexOf(';'));
    }

    QByteArray token(const QJsonObject& claims) {
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QJsonObject all{{QStringLiteral("aud"), QStringLiteral("https://graph.microsoft.com")},
                        {QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/%1/").arg(tenantId)},
                        {QStringLiteral("tid"), tenantId},
                        {QStringLiteral("ver"), QStringLiteral("1.0")},
                        {QStringLiteral("iat"), now - 60},
                        {QStringLiteral("nbf"), now - 60},
                        {QStringLiteral("exp"), now + 3600}};
        for (auto it = claims.begin(); it != claims.end(); ++it)
            all.insert(it.key(), it.value());
        return state.tokens.sign(all);
    }

    dcr::sandbox::SandboxState state;
    dcr::sandbox::Router router;
    QByteArray kpat, sessionCookie;
    QString tenantId, issuer, portalId, apiId, slug;
    int providerCount = 0;
};

TEST_F(KonnectDcrTest, VerifySucceedsWithConsentedCredentials) {
    const InitialClient client = createInitialClient();
    const QJsonObject result = verify(createProvider(client.appId, client.secret));
    EXPECT_EQ(str(result, "status"), QStringLiteral("success")) << QJsonDocument(result).toJson().toStdString();
    EXPECT_TRUE(arr(result, "errors").isEmpty());
    // Application.ReadWrite.All is enough as well.
    const InitialClient broad = createInitialClient(kReadWriteAllRoleId);
    EXPECT_EQ(str(verify(createProvider(broad.appId, broad.secret)), "status"), QStringLiteral("success"));
}

TEST_F(KonnectDcrTest, VerifyFailsWithTheSecretIdInsteadOfItsValue) {
    const InitialClient client = createInitialClient();
    const QJsonObject result = verify(createProvider(client.appId, client.keyId));
    EXPECT_EQ(str(result, "status"), QStringLiteral("failed"));
    ASSERT_EQ(arr(result, "errors").size(), 1);
    EXPECT_TRUE(arr(result, "errors").at(0).toString().contains(QLatin1String("AADSTS7000215")));
    EXPECT_FALSE(QJsonDocument(result).toJson().contains(client.secret.toUtf8()));
}

TEST_F(KonnectDcrTest, VerifyFailsWithoutAdminConsent) {
    for (const QString& role : {QString(), kReadAllRoleId}) {
        SCOPED_TRACE(role.isEmpty() ? "no role" : "Application.Read.All only");
        const InitialClient client = createInitialClient(role);
        const QJsonObject result = verify(createProvider(client.appId, client.secret));
        EXPECT_EQ(str(result, "status"), QStringLiteral("failed"));
        ASSERT_EQ(arr(result, "errors").size(), 1);
        EXPECT_TRUE(arr(result, "errors").at(0).toString().contains(QLatin1String("Application.ReadWrite.OwnedBy")));
    }
}

TEST_F(KonnectDcrTest, VerifyFailsUntilTheInitialClientHasReplicated) {
    state.directory.replicationDelayMs = 600000;
    const InitialClient client = createInitialClient();
    const QString providerId = createProvider(client.appId, client.secret);
    QJsonObject result = verify(providerId);
    EXPECT_EQ(str(result, "status"), QStringLiteral("failed"));
    ASSERT_EQ(arr(result, "errors").size(), 1);
    EXPECT_TRUE(arr(result, "errors").at(0).toString().contains(QLatin1String("AADSTS700016")));

    // Replication catches up.
    for (dcr::sandbox::Application& app : state.directory.applications)
        app.visibleAtMs = 0;
    for (dcr::sandbox::ServicePrincipal& sp : state.directory.servicePrincipals)
        sp.visibleAtMs = 0;
    result = verify(providerId);
    EXPECT_EQ(str(result, "status"), QStringLiteral("success")) << QJsonDocument(result).toJson().toStdString();
}

TEST_F(KonnectDcrTest, VerifyChecksTheIssuerNamesThisTenantAsKongExpects) {
    const InitialClient client = createInitialClient();
    struct Case {
        QString issuer, expected;
    };
    for (const Case& c : QList<Case>{{issuer + QLatin1Char('/'), QStringLiteral("slash")},
                                     {QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenantId), QStringLiteral("v2.0")},
                                     {QStringLiteral("https://sts.windows.net/00000000-0000-0000-0000-000000000001"), QStringLiteral("AADSTS90002")},
                                     {QStringLiteral("https://login.example.com/%1").arg(tenantId), QStringLiteral("sts.windows.net")}}) {
        SCOPED_TRACE(c.issuer.toStdString());
        const QJsonObject result = verify(createProvider(client.appId, client.secret, c.issuer));
        EXPECT_EQ(str(result, "status"), QStringLiteral("failed"));
        EXPECT_TRUE(arr(result, "errors").at(0).toString().contains(c.expected)) << QJsonDocument(result).toJson().toStdString();
    }
}

TEST_F(KonnectDcrTest, ADeveloperAppMadeThroughTheDcrRoundTrip) {
    const InitialClient initial = createInitialClient();
    const QString strategyId = publishWithDcr(createProvider(initial.appId, initial.secret));
    EXPECT_EQ(portal("POST", QStringLiteral("/applications"), {{QStringLiteral("name"), QStringLiteral("x")}}).status, 401);
    ASSERT_NO_FATAL_FAILURE(signIn());

    const Response strategies = portal("GET", QStringLiteral("/application-auth-strategies"));
    ASSERT_EQ(arr(json(strategies), "data").size(), 1);
    const QJsonObject offered = arr(json(strategies), "data").at(0).toObject();
    EXPECT_EQ(str(offered, "id"), strategyId);
    EXPECT_EQ(str(offered, "credential_type"), QStringLiteral("client_credentials"));
    const Response apis = portal("GET", QStringLiteral("/apis"));
    ASSERT_EQ(arr(json(apis), "data").size(), 1);
    EXPECT_EQ(str(arr(json(apis), "data").at(0).toObject(), "slug"), slug);

    const qsizetype appsBefore = state.directory.applications.size();
    const Response created = portal("POST", QStringLiteral("/applications"),
                                    {{QStringLiteral("name"), QStringLiteral("Walkthrough app")},
                                     {QStringLiteral("description"), QStringLiteral("made by the test")},
                                     {QStringLiteral("auth_strategy_id"), strategyId}});
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const QJsonObject app = json(created);
    const QString appId = str(app, "id");
    const QString clientId = str(app, "client_id");
    const QString clientSecret = str(app, "client_secret");
    EXPECT_TRUE(isGuid(appId));
    EXPECT_TRUE(isGuid(clientId));
    EXPECT_TRUE(clientSecret.contains(QLatin1String("8Q~")));
    EXPECT_EQ(str(obj(app, "auth_strategy"), "id"), strategyId);
    EXPECT_EQ(str(app, "description"), QStringLiteral("made by the test"));

    // Konnect created it in Entra ID, owned by the initial client, with a working secret.
    ASSERT_EQ(state.directory.applications.size(), appsBefore + 1);
    const dcr::sandbox::Application* entra = state.directory.applicationByAppId(clientId);
    ASSERT_NE(entra, nullptr);
    EXPECT_EQ(entra->displayName, QStringLiteral("Walkthrough app"));
    EXPECT_EQ(entra->signInAudience, QStringLiteral("AzureADMyOrg"));
    EXPECT_EQ(entra->ownerIds, QStringList{initial.spId});
    EXPECT_NE(state.directory.servicePrincipalByAppId(clientId), nullptr);
    EXPECT_EQ(state.directory.checkClientSecret(clientId, clientSecret), Directory::SecretCheck::Ok);

    // The secret is shown once only.
    const Response fetched = portal("GET", QStringLiteral("/applications/") + appId);
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(str(json(fetched), "client_id"), clientId);
    EXPECT_FALSE(json(fetched).contains(QStringLiteral("client_secret")));
    EXPECT_FALSE(portal("GET", QStringLiteral("/applications")).body.contains(clientSecret.toUtf8()));
    EXPECT_FALSE(QJsonDocument(dcr::sandbox::inspectKonnect(state)).toJson().contains(clientSecret.toUtf8()));
    EXPECT_EQ(portal("POST", QStringLiteral("/applications"),
                     {{QStringLiteral("name"), QStringLiteral("Walkthrough app")}, {QStringLiteral("auth_strategy_id"), strategyId}})
                  .status,
              409);

    // Not registered yet: the gateway refuses it.
    const QByteArray basic = "Basic " + (clientId + QLatin1Char(':') + clientSecret).toUtf8().toBase64();
    Response g = gateway(basic);
    EXPECT_EQ(g.status, 401);
    EXPECT_TRUE(str(json(g), "message").contains(QLatin1String("not registered")));

    const Response registered = portal("POST", QStringLiteral("/applications/%1/registrations").arg(appId), {{QStringLiteral("api_id"), apiId}});
    ASSERT_EQ(registered.status, 201) << registered.body.toStdString();
    EXPECT_EQ(str(json(registered), "status"), QStringLiteral("approved"));
    EXPECT_EQ(str(json(registered), "api_slug"), slug);
    EXPECT_EQ(portal("POST", QStringLiteral("/applications/%1/registrations").arg(appId), {{QStringLiteral("api_id"), apiId}}).status, 409);

    // Basic, base64 and the seeds' literal form, and a v1 bearer token.
    g = gateway(basic);
    ASSERT_EQ(g.status, 200) << g.body.toStdString();
    EXPECT_EQ(str(obj(json(g), "consumer"), "client_id"), clientId);
    EXPECT_EQ(str(json(g), "path"), QStringLiteral("/orders"));
    g = gateway("Basic " + (clientId + QLatin1Char(':') + clientSecret).toUtf8());
    EXPECT_EQ(g.status, 200) << g.body.toStdString();
    g = gateway("Bearer " + token({{QStringLiteral("appid"), clientId}}), QStringLiteral("/"));
    ASSERT_EQ(g.status, 200) << g.body.toStdString();
    EXPECT_EQ(str(json(g), "auth_method"), QStringLiteral("bearer"));
    EXPECT_EQ(str(obj(json(g), "consumer"), "application_id"), appId);

    // Deleting the application deletes its Entra app too.
    EXPECT_EQ(portal("DELETE", QStringLiteral("/applications/") + appId).status, 204);
    EXPECT_EQ(state.directory.applicationByAppId(clientId, true), nullptr);
    EXPECT_EQ(state.directory.servicePrincipalByAppId(clientId, true), nullptr);
    EXPECT_EQ(state.directory.applications.size(), appsBefore);
    EXPECT_EQ(portal("GET", QStringLiteral("/applications/") + appId).status, 404);
    EXPECT_EQ(portal("DELETE", QStringLiteral("/applications/") + appId).status, 404);
    EXPECT_EQ(gateway(basic).status, 401);
}

TEST_F(KonnectDcrTest, TheGatewayRefusesWhatKongWouldRefuse) {
    const InitialClient initial = createInitialClient();
    const QString strategyId = publishWithDcr(createProvider(initial.appId, initial.secret));
    ASSERT_NO_FATAL_FAILURE(signIn());
    const Response created = portal("POST", QStringLiteral("/applications"),
                                    {{QStringLiteral("name"), QStringLiteral("Gateway app")}, {QStringLiteral("auth_strategy_id"), strategyId}});
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const QString clientId = str(json(created), "client_id");
    const QString clientSecret = str(json(created), "client_secret");
    ASSERT_EQ(portal("POST", QStringLiteral("/applications/%1/registrations").arg(str(json(created), "id")), {{QStringLiteral("api_id"), apiId}}).status,
              201);
    ASSERT_EQ(gateway("Bearer " + token({{QStringLiteral("appid"), clientId}})).status, 200);

    struct Case {
        const char* what;
        QByteArray authorization;
        QString reason;
    };
    const QString v2Issuer = QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenantId);
    const QList<Case> cases{
        {"v2 token",
         "Bearer " + token({{QStringLiteral("iss"), v2Issuer}, {QStringLiteral("ver"), QStringLiteral("2.0")}, {QStringLiteral("azp"), clientId}}),
         QStringLiteral("v2 tokens are not supported")},
        {"another tenant's issuer",
         "Bearer " + token({{QStringLiteral("iss"), QStringLiteral("https://sts.windows.net/00000000-0000-0000-0000-000000000001/")},
                            {QStringLiteral("appid"), clientId}}),
         QStringLiteral("issuer mismatch")},
        {"issuer without the trailing slash",
         "Bearer " + token({{QStringLiteral("iss"), issuer}, {QStringLiteral("appid"), clientId}}), QStringLiteral("issuer mismatch")},
        {"the initial client, which the portal never registered", "Bearer " + token({{QStringLiteral("appid"), initial.appId}}),
         QStringLiteral("no application")},
        {"no credential claim", "Bearer " + token({{QStringLiteral("azp"), clientId}}), QStringLiteral("credential claims")},
        {"a token signed by someone else", "Bearer eyJhbGciOiJSUzI1NiJ9.eyJhcHBpZCI6IngifQ.c2ln", QStringLiteral("invalid token")},
        {"expired token", "Bearer " + token({{QStringLiteral("appid"), clientId}, {QStringLiteral("exp"), QDateTime::currentSecsSinceEpoch() - 10}}),
         QStringLiteral("expired")},
        {"wrong secret", "Basic " + (clientId + QStringLiteral(":nope")).toUtf8().toBase64(), QStringLiteral("AADSTS7000215")},
        {"the initial client's own credentials", "Basic " + (initial.appId + QLatin1Char(':') + initial.secret).toUtf8().toBase64(),
         QStringLiteral("no application")},
        {"garbage Basic", "Basic !!!", QStringLiteral("client_id:client_secret")},
        {"another scheme", "Digest username=x", QStringLiteral("unsupported")},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        const Response r = gateway(c.authorization);
        EXPECT_EQ(r.status, 401);
        EXPECT_TRUE(str(json(r), "message").contains(c.reason)) << r.body.toStdString();
        EXPECT_TRUE(header(r, "WWW-Authenticate").startsWith("Bearer realm=\"kong\""));
    }
    const Response none = gateway({});
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(str(json(none), "message"), QStringLiteral("Unauthorized"));
    EXPECT_EQ(header(none, "WWW-Authenticate"), QByteArray("Bearer realm=\"kong\""));
    EXPECT_EQ(dispatch("GET", QStringLiteral("/gateway/not-published/orders")).status, 404);
    EXPECT_EQ(dispatch("HEAD", QStringLiteral("/gateway/") + slug, {}, {{"authorization", "Basic " + (clientId + QLatin1Char(':') + clientSecret).toUtf8()}})
                  .status,
              200);

    // Unpublished, the route is gone.
    ASSERT_EQ(konnect("DELETE", QStringLiteral("/v3/apis/%1/publications/%2").arg(apiId, portalId)).status, 204);
    EXPECT_EQ(gateway("Bearer " + token({{QStringLiteral("appid"), clientId}})).status, 404);
}

TEST_F(KonnectDcrTest, ARegistrationAwaitingApprovalIsNotLetThrough) {
    const InitialClient initial = createInitialClient();
    const QString strategyId = publishWithDcr(createProvider(initial.appId, initial.secret), false);
    ASSERT_NO_FATAL_FAILURE(signIn());
    const Response created = portal("POST", QStringLiteral("/applications"),
                                    {{QStringLiteral("name"), QStringLiteral("Pending app")}, {QStringLiteral("auth_strategy_id"), strategyId}});
    ASSERT_EQ(created.status, 201) << created.body.toStdString();
    const Response registered =
        portal("POST", QStringLiteral("/applications/%1/registrations").arg(str(json(created), "id")), {{QStringLiteral("api_id"), apiId}});
    ASSERT_EQ(registered.status, 201);
    EXPECT_EQ(str(json(registered), "status"), QStringLiteral("pending"));
    const Response g = gateway("Bearer " + token({{QStringLiteral("appid"), str(json(created), "client_id")}}));
    EXPECT_EQ(g.status, 401);
    EXPECT_TRUE(str(json(g), "message").contains(QLatin1String("pending"))) << g.body.toStdString();
}

TEST_F(KonnectDcrTest, DcrFailsLikeKonnectWhenTheInitialClientCannotCreateApps) {
    const InitialClient initial = createInitialClient(QString());
    const QString strategyId = publishWithDcr(createProvider(initial.appId, initial.secret));
    ASSERT_NO_FATAL_FAILURE(signIn());
    const qsizetype appsBefore = state.directory.applications.size();
    const Response r = portal("POST", QStringLiteral("/applications"),
                              {{QStringLiteral("name"), QStringLiteral("Doomed")}, {QStringLiteral("auth_strategy_id"), strategyId}});
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(str(json(r), "detail").contains(QLatin1String("Unable to create the DCR application"))) << r.body.toStdString();
    EXPECT_TRUE(str(json(r), "detail").contains(QLatin1String("Application.ReadWrite.OwnedBy")));
    EXPECT_EQ(str(invalidParameter(json(r), QStringLiteral("auth_strategy_id")), "rule"), QStringLiteral("invalid"));
    EXPECT_EQ(state.directory.applications.size(), appsBefore);
    EXPECT_TRUE(arr(json(portal("GET", QStringLiteral("/applications"))), "data").isEmpty());

    // Without auth_strategy_id the portal's default strategy is used.
    ASSERT_EQ(konnect("PATCH", QStringLiteral("/v3/portals/") + portalId, {{QStringLiteral("default_application_auth_strategy_id"), strategyId}}).status,
              200);
    const Response byDefault = portal("POST", QStringLiteral("/applications"), {{QStringLiteral("name"), QStringLiteral("Doomed too")}});
    EXPECT_EQ(byDefault.status, 400);
    EXPECT_TRUE(str(json(byDefault), "detail").contains(QLatin1String("Application.ReadWrite.OwnedBy"))) << byDefault.body.toStdString();

    // An unknown strategy, and a property the schema does not have.
    const Response unknown = portal("POST", QStringLiteral("/applications"),
                                    {{QStringLiteral("name"), QStringLiteral("x")},
                                     {QStringLiteral("auth_strategy_id"), QStringLiteral("73f8380e-7798-4566-99e3-2edf2b57d281")}});
    EXPECT_EQ(str(invalidParameter(json(unknown), QStringLiteral("auth_strategy_id")), "rule"), QStringLiteral("missing_reference"));
    const Response unknownKey = portal("POST", QStringLiteral("/applications"),
                                       {{QStringLiteral("name"), QStringLiteral("x")}, {QStringLiteral("client_secret"), QStringLiteral("x")}});
    EXPECT_EQ(str(invalidParameter(json(unknownKey), QStringLiteral("client_secret")), "rule"), QStringLiteral("unknown_property"));
}

}  // namespace
