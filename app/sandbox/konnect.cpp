// Kong Konnect's regional and global APIs under /konnect: identity (v3 users/me, organizations/me),
// DCR providers and application auth strategies (v2), portals, APIs and publications (v3).
// Bodies are validated the way the OpenAPI descriptions in shared/specs/konnect/ say, with
// Konnect's problem+json and invalid_parameters, so clients meet the same refusals as in production.
#include "sandbox/konnect_support.h"
#include "sandbox/services.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <functional>

namespace dcr::sandbox {

namespace {

const QStringList kProviderTypes{QStringLiteral("auth0"), QStringLiteral("azureAd"), QStringLiteral("curity"),
                                 QStringLiteral("okta"),  QStringLiteral("http"),    QStringLiteral("kongIdentity")};
const QStringList kStrategyTypes{QStringLiteral("key_auth"), QStringLiteral("openid_connect")};
const QStringList kVisibilities{QStringLiteral("public"), QStringLiteral("private")};
// Write-only dcr_config values: stored for the emulated DCR calls, never rendered.
const QStringList kSecretConfigKeys{QStringLiteral("initial_client_secret"), QStringLiteral("dcr_token"),
                                    QStringLiteral("api_key")};

// ---- DCR provider schemas (CreateDcrConfig*InRequest / UpdateDcrConfig*InRequest) --------------

enum class ConfigKind { String, NullableString, Boolean, Url, ApiKey };

struct ConfigProperty {
    QString name;
    ConfigKind kind;
};

struct ProviderSchema {
    QList<ConfigProperty> properties;
    QStringList required;
    bool configRequired = true;
};

ProviderSchema providerSchema(const QString& type) {
    const ConfigProperty clientId{QStringLiteral("initial_client_id"), ConfigKind::String};
    const ConfigProperty clientSecret{QStringLiteral("initial_client_secret"), ConfigKind::String};
    const QStringList clientPair{clientId.name, clientSecret.name};
    if (type == QLatin1String("auth0"))
        return {{clientId, clientSecret, {QStringLiteral("initial_client_audience"), ConfigKind::NullableString},
                 {QStringLiteral("use_developer_managed_scopes"), ConfigKind::Boolean}},
                clientPair};
    if (type == QLatin1String("azureAd") || type == QLatin1String("curity"))
        return {{clientId, clientSecret}, clientPair};
    if (type == QLatin1String("okta"))
        return {{{QStringLiteral("dcr_token"), ConfigKind::String}}, {QStringLiteral("dcr_token")}};
    if (type == QLatin1String("http"))
        return {{{QStringLiteral("dcr_base_url"), ConfigKind::Url},
                 {QStringLiteral("api_key"), ConfigKind::ApiKey},
                 {QStringLiteral("disable_event_hooks"), ConfigKind::Boolean},
                 {QStringLiteral("disable_refresh_secret"), ConfigKind::Boolean},
                 {QStringLiteral("allow_multiple_credentials"), ConfigKind::Boolean}},
                {QStringLiteral("dcr_base_url"), QStringLiteral("api_key")}};
    return {{}, {}, false};  // kongIdentity: an empty configuration, and none is needed
}

void checkDcrConfig(BodyCheck& c, const QJsonValue& value, const ProviderSchema& schema, bool creating) {
    if (!value.isObject()) {
        c.fail(QStringLiteral("dcr_config"), QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject config = value.toObject();
    for (auto it = config.begin(); it != config.end(); ++it) {
        const auto property = std::find_if(schema.properties.begin(), schema.properties.end(),
                                           [&](const ConfigProperty& p) { return p.name == it.key(); });
        const QString field = QStringLiteral("dcr_config.") + it.key();
        if (property == schema.properties.end()) {
            c.unknownProperty(field);
            continue;
        }
        switch (property->kind) {
        case ConfigKind::String:
            c.string(config, it.key(), field, StringRule::of(false, 0, 256));
            break;
        case ConfigKind::NullableString:
            c.string(config, it.key(), field, StringRule::of(false, 0, 256).orNull());
            break;
        case ConfigKind::Boolean:
            c.boolean(config, it.key(), field);
            break;
        case ConfigKind::Url:
            c.string(config, it.key(), field, StringRule::of(false, 0, 256).asUrl());
            break;
        case ConfigKind::ApiKey:
            c.string(config, it.key(), field, StringRule::of(false, 12, 256).matching(QStringLiteral("^[a-zA-Z0-9_]+$")));
            break;
        }
    }
    if (creating) {
        for (const QString& key : schema.required)
            if (!config.contains(key))
                c.required(QStringLiteral("dcr_config.") + key);
    }
}

// ---- rendering --------------------------------------------------------------------------------

QJsonObject dcrProviderJson(const KonnectState& k, const KonnectDcrProvider& p) {
    QJsonObject config;
    for (auto it = p.dcrConfig.begin(); it != p.dcrConfig.end(); ++it)
        if (!kSecretConfigKeys.contains(it.key()))
            config.insert(it.key(), it.value());
    if (p.providerType == QLatin1String("auth0")) {
        if (!config.contains(QStringLiteral("initial_client_audience")))
            config.insert(QStringLiteral("initial_client_audience"), QJsonValue());
        if (!config.contains(QStringLiteral("use_developer_managed_scopes")))
            config.insert(QStringLiteral("use_developer_managed_scopes"), false);
    }
    QJsonObject json{{QStringLiteral("id"), p.id},
                     {QStringLiteral("name"), p.name},
                     {QStringLiteral("provider_type"), p.providerType},
                     {QStringLiteral("issuer"), p.issuer},
                     {QStringLiteral("active"), k.providerActive(p.id)},
                     {QStringLiteral("dcr_config"), config},
                     {QStringLiteral("labels"), p.labels},
                     {QStringLiteral("created_at"), p.createdAt},
                     {QStringLiteral("updated_at"), p.updatedAt}};
    if (!p.displayName.isEmpty())
        json.insert(QStringLiteral("display_name"), p.displayName);
    return json;
}

QJsonObject strategyJson(const KonnectState& k, const KonnectAuthStrategy& s) {
    QJsonValue provider;
    if (const KonnectDcrProvider* p = findById(k.dcrProviders, s.dcrProviderId)) {
        QJsonObject o{{QStringLiteral("id"), p->id}, {QStringLiteral("name"), p->name}, {QStringLiteral("provider_type"), p->providerType}};
        if (!p->displayName.isEmpty())
            o.insert(QStringLiteral("display_name"), p->displayName);
        provider = o;
    }
    QJsonObject json{{QStringLiteral("id"), s.id},
                     {QStringLiteral("name"), s.name},
                     {QStringLiteral("display_name"), s.displayName},
                     {QStringLiteral("strategy_type"), s.strategyType},
                     {QStringLiteral("configs"), s.configs},
                     {QStringLiteral("active"), k.strategyInUse(s.id)},
                     {QStringLiteral("dcr_provider"), provider},
                     {QStringLiteral("labels"), s.labels},
                     {QStringLiteral("created_at"), s.createdAt},
                     {QStringLiteral("updated_at"), s.updatedAt}};
    if (!s.principals.isEmpty())
        json.insert(QStringLiteral("principals"), s.principals);
    return json;
}

QJsonObject portalJson(const KonnectPortal& p) {
    return QJsonObject{{QStringLiteral("id"), p.id},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("display_name"), p.displayName},
                       {QStringLiteral("description"), stringOrNull(p.description)},
                       {QStringLiteral("authentication_enabled"), p.authenticationEnabled},
                       {QStringLiteral("rbac_enabled"), p.rbacEnabled},
                       {QStringLiteral("sipr_enabled"), p.siprEnabled},
                       {QStringLiteral("default_api_visibility"), p.defaultApiVisibility},
                       {QStringLiteral("default_page_visibility"), p.defaultPageVisibility},
                       {QStringLiteral("default_application_auth_strategy_id"), stringOrNull(p.defaultApplicationAuthStrategyId)},
                       {QStringLiteral("auto_approve_developers"), p.autoApproveDevelopers},
                       {QStringLiteral("auto_approve_applications"), p.autoApproveApplications},
                       {QStringLiteral("default_domain"), p.defaultDomain},
                       {QStringLiteral("canonical_domain"), p.defaultDomain},
                       {QStringLiteral("labels"), p.labels},
                       {QStringLiteral("notifications_developer_pii_visibility_enabled"), p.notificationsDeveloperPiiVisibilityEnabled},
                       {QStringLiteral("created_at"), p.createdAt},
                       {QStringLiteral("updated_at"), p.updatedAt}};
}

QJsonObject apiJson(const KonnectState& k, const KonnectApi& a) {
    QJsonArray portals;
    for (const KonnectPublication& pub : k.publications) {
        if (pub.apiId != a.id)
            continue;
        if (const KonnectPortal* p = findById(k.portals, pub.portalId))
            portals.append(QJsonObject{{QStringLiteral("id"), p->id},
                                       {QStringLiteral("name"), p->name},
                                       {QStringLiteral("display_name"), p->displayName}});
    }
    return QJsonObject{{QStringLiteral("id"), a.id},
                       {QStringLiteral("name"), a.name},
                       {QStringLiteral("description"), stringOrNull(a.description)},
                       {QStringLiteral("version"), stringOrNull(a.version)},
                       {QStringLiteral("current_version_summary"), QJsonValue()},
                       {QStringLiteral("slug"), a.slug},
                       {QStringLiteral("api_spec_ids"), QJsonArray()},
                       {QStringLiteral("portals"), portals},
                       {QStringLiteral("labels"), a.labels},
                       {QStringLiteral("created_at"), a.createdAt},
                       {QStringLiteral("updated_at"), a.updatedAt}};
}

QJsonValue strategyIdsJson(const KonnectPublication& p) {
    return p.authStrategyIds.isEmpty() ? QJsonValue() : QJsonValue(QJsonArray::fromStringList(p.authStrategyIds));
}

QJsonObject publicationJson(const KonnectPublication& p) {
    return QJsonObject{{QStringLiteral("auto_approve_registrations"), p.autoApproveRegistrations},
                       {QStringLiteral("auth_strategy_ids"), strategyIdsJson(p)},
                       {QStringLiteral("visibility"), p.visibility},
                       {QStringLiteral("created_at"), p.createdAt},
                       {QStringLiteral("updated_at"), p.updatedAt}};
}

QJsonObject publicationListItemJson(const KonnectPublication& p) {
    QJsonObject json = publicationJson(p);
    json.insert(QStringLiteral("api_id"), p.apiId);
    json.insert(QStringLiteral("portal_id"), p.portalId);
    json.insert(QStringLiteral("entity_type"), QStringLiteral("api"));
    return json;
}

// ---- authentication ---------------------------------------------------------------------------

enum class Caller { None, Personal, System };

Caller callerOf(const SandboxState& state, const Request& request) {
    const QString token = request.bearerToken();
    if (token.isEmpty())
        return Caller::None;
    if (token == state.konnect.personalToken)
        return Caller::Personal;
    if (token == state.konnect.systemToken)
        return Caller::System;
    return Caller::None;
}

using KonnectHandler = std::function<Response(SandboxState&, const Request&)>;

// Every Konnect route asks for a valid token before anything else, unknown ids included.
void addRoute(KonnectRoutes& routes, SandboxState& state, const QByteArray& method, const QString& pattern, KonnectHandler handler) {
    routes.add(method, pattern, [&state, handler = std::move(handler)](const Request& request) {
        if (callerOf(state, request) == Caller::None)
            return konnectUnauthorized();
        return handler(state, request);
    });
}

// ---- identity ---------------------------------------------------------------------------------

Response usersMe(SandboxState& s, const Request& r) {
    // A system account is no user: the spec allows only personal access tokens here.
    if (callerOf(s, r) != Caller::Personal)
        return konnectUnauthorized(QStringLiteral("This endpoint needs a personal access token (kpat_); a system account token has no user."));
    const KonnectState& k = s.konnect;
    return Response::json(200, QJsonObject{{QStringLiteral("id"), k.userId},
                                           {QStringLiteral("email"), k.userEmail},
                                           {QStringLiteral("full_name"), k.userFullName},
                                           {QStringLiteral("preferred_name"), k.userFullName.section(QLatin1Char(' '), 0, 0)},
                                           {QStringLiteral("active"), true},
                                           {QStringLiteral("inferred_region"), QStringLiteral("us")},
                                           {QStringLiteral("created_at"), k.orgCreatedAt},
                                           {QStringLiteral("updated_at"), k.orgCreatedAt}});
}

Response organizationsMe(SandboxState& s, const Request&) {
    const KonnectState& k = s.konnect;
    return Response::json(200, QJsonObject{{QStringLiteral("id"), k.orgId},
                                           {QStringLiteral("name"), k.orgName},
                                           {QStringLiteral("owner_id"), k.userId},
                                           {QStringLiteral("login_path"), QString()},
                                           {QStringLiteral("created_at"), k.orgCreatedAt},
                                           {QStringLiteral("updated_at"), k.orgCreatedAt},
                                           {QStringLiteral("state"), QStringLiteral("active")},
                                           {QStringLiteral("retention_period_days"), 30}});
}

// ---- DCR providers ----------------------------------------------------------------------------

Response providerNotFound(const QString& id) {
    return konnectNotFound(QStringLiteral("DCR provider [%1] not found").arg(id));
}

bool providerNameTaken(const KonnectState& k, const QString& name, const QString& exceptId) {
    return std::any_of(k.dcrProviders.begin(), k.dcrProviders.end(),
                       [&](const KonnectDcrProvider& p) { return p.name == name && p.id != exceptId; });
}

Response createProvider(SandboxState& s, const Request& r) {
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(true, 1, 256));
    c.string(body, QStringLiteral("display_name"), QStringLiteral("display_name"), StringRule::of(false, 1, 256));
    const bool typeKnown = c.string(body, QStringLiteral("provider_type"), QStringLiteral("provider_type"),
                                    StringRule::of(true).oneOf(kProviderTypes));
    c.string(body, QStringLiteral("issuer"), QStringLiteral("issuer"), StringRule::of(true, 0, 256).asUrl());
    const QString type = body.value(QStringLiteral("provider_type")).toString();
    // The dcr_config schema follows the provider type: without a valid type only its shape is known.
    if (typeKnown) {
        const ProviderSchema schema = providerSchema(type);
        if (body.contains(QStringLiteral("dcr_config")))
            checkDcrConfig(c, body.value(QStringLiteral("dcr_config")), schema, true);
        else if (schema.configRequired)
            c.required(QStringLiteral("dcr_config"));
    } else if (body.contains(QStringLiteral("dcr_config")) && !body.value(QStringLiteral("dcr_config")).isObject()) {
        c.fail(QStringLiteral("dcr_config"), QStringLiteral("is_object"), QStringLiteral("must be an object"));
    }
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), false);
    if (!c.ok())
        return konnectBadRequest(c.problems());

    KonnectState& k = s.konnect;
    const QString name = body.value(QStringLiteral("name")).toString();
    if (providerNameTaken(k, name, {}))
        return konnectConflict(QStringLiteral("A DCR provider named [%1] already exists").arg(name));
    KonnectDcrProvider p;
    p.id = newGuid();
    p.name = name;
    p.displayName = body.value(QStringLiteral("display_name")).toString();
    p.providerType = type;
    p.issuer = body.value(QStringLiteral("issuer")).toString();
    p.dcrConfig = body.value(QStringLiteral("dcr_config")).toObject();
    p.labels = body.value(QStringLiteral("labels")).toObject();
    p.createdAt = p.updatedAt = isoNow();
    k.dcrProviders.append(p);
    return Response::json(201, dcrProviderJson(k, p));
}

Response listProviders(SandboxState& s, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(
        r, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("issuer"), QStringLiteral("provider_type"),
            QStringLiteral("initial_client_id"), QStringLiteral("initial_client_audience")},
        &error);
    if (!query)
        return error;
    const KonnectState& k = s.konnect;
    QJsonArray items;
    for (const KonnectDcrProvider& p : k.dcrProviders) {
        const QMap<QString, QString> values{
            {QStringLiteral("id"), p.id},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("issuer"), p.issuer},
            {QStringLiteral("provider_type"), p.providerType},
            {QStringLiteral("initial_client_id"), p.dcrConfig.value(QStringLiteral("initial_client_id")).toString()},
            {QStringLiteral("initial_client_audience"), p.dcrConfig.value(QStringLiteral("initial_client_audience")).toString()}};
        if (query->matches(values))
            items.append(dcrProviderJson(k, p));
    }
    return Response::json(200, query->page(items));
}

Response getProvider(SandboxState& s, const Request& r) {
    const KonnectDcrProvider* p = findById(s.konnect.dcrProviders, r.params.value(0));
    return p ? Response::json(200, dcrProviderJson(s.konnect, *p)) : providerNotFound(r.params.value(0));
}

Response updateProvider(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    KonnectDcrProvider* p = findById(k.dcrProviders, r.params.value(0));
    if (!p)
        return providerNotFound(r.params.value(0));
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    // UpdateDcrProviderRequest has additionalProperties: false, so provider_type and the
    // read-only fields are refused rather than ignored.
    c.onlyKnown(body, {QStringLiteral("name"), QStringLiteral("display_name"), QStringLiteral("issuer"),
                       QStringLiteral("labels"), QStringLiteral("dcr_config")});
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(false, 1, 256));
    c.string(body, QStringLiteral("display_name"), QStringLiteral("display_name"), StringRule::of(false, 1, 256));
    c.string(body, QStringLiteral("issuer"), QStringLiteral("issuer"), StringRule::of(false, 0, 256).asUrl());
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), true);
    if (body.contains(QStringLiteral("dcr_config")))
        checkDcrConfig(c, body.value(QStringLiteral("dcr_config")), providerSchema(p->providerType), false);
    if (!c.ok())
        return konnectBadRequest(c.problems());

    if (body.contains(QStringLiteral("name"))) {
        const QString name = body.value(QStringLiteral("name")).toString();
        if (providerNameTaken(k, name, p->id))
            return konnectConflict(QStringLiteral("A DCR provider named [%1] already exists").arg(name));
        p->name = name;
    }
    if (body.contains(QStringLiteral("display_name")))
        p->displayName = body.value(QStringLiteral("display_name")).toString();
    if (body.contains(QStringLiteral("issuer")))
        p->issuer = body.value(QStringLiteral("issuer")).toString();
    if (body.contains(QStringLiteral("labels")))
        p->labels = mergeLabels(p->labels, body.value(QStringLiteral("labels")));
    const QJsonObject config = body.value(QStringLiteral("dcr_config")).toObject();
    for (auto it = config.begin(); it != config.end(); ++it)
        p->dcrConfig.insert(it.key(), it.value());
    p->updatedAt = isoNow();
    return Response::json(200, dcrProviderJson(k, *p));
}

Response deleteProvider(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    const QString id = r.params.value(0);
    if (!findById(k.dcrProviders, id))
        return providerNotFound(id);
    const auto user = std::find_if(k.authStrategies.begin(), k.authStrategies.end(),
                                   [&](const KonnectAuthStrategy& st) { return st.dcrProviderId == id; });
    if (user != k.authStrategies.end())
        return konnectConflict(QStringLiteral("DCR provider [%1] is used by the application auth strategy [%2]; delete or "
                                              "change the strategy first")
                                   .arg(id, user->name));
    k.dcrProviders.removeIf([&](const KonnectDcrProvider& p) { return p.id == id; });
    return Response::empty(204);
}

Response verifyProvider(SandboxState& s, const Request& r) {
    const KonnectDcrProvider* p = findById(s.konnect.dcrProviders, r.params.value(0));
    if (!p)
        return providerNotFound(r.params.value(0));
    QStringList errors;
    if (p->providerType == QLatin1String("azureAd"))
        errors = azureDcrProblems(*p, s.directory);
    else
        errors << QStringLiteral("Unable to create the DCR application: the sandbox emulates Microsoft Entra ID only, "
                                 "so a provider of type %1 cannot be reached.")
                      .arg(p->providerType);
    return Response::json(200, QJsonObject{{QStringLiteral("status"), errors.isEmpty() ? QStringLiteral("success") : QStringLiteral("failed")},
                                           {QStringLiteral("errors"), QJsonArray::fromStringList(errors)}});
}

// ---- application auth strategies --------------------------------------------------------------

Response strategyNotFound(const QString& id) {
    return konnectNotFound(QStringLiteral("Application auth strategy [%1] not found").arg(id));
}

void checkOidcConfig(BodyCheck& c, const QJsonValue& value, const QString& field, bool partial) {
    if (!value.isObject()) {
        c.fail(field, QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject config = value.toObject();
    // Further plugin settings are allowed (additionalProperties: true) and kept as sent.
    c.string(config, QStringLiteral("issuer"), field + QStringLiteral(".issuer"), StringRule::of(!partial, 0, 256).asUrl());
    c.stringArray(config, QStringLiteral("credential_claim"), field + QStringLiteral(".credential_claim"), {!partial, 0, 10, 128});
    c.stringArray(config, QStringLiteral("scopes"), field + QStringLiteral(".scopes"), {!partial, 0, 50, 128});
    c.stringArray(config, QStringLiteral("auth_methods"), field + QStringLiteral(".auth_methods"), {!partial, 0, 10, 64});
}

void checkKeyAuthConfig(BodyCheck& c, const QJsonValue& value, const QString& field, bool partial) {
    if (!value.isObject()) {
        c.fail(field, QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject config = value.toObject();
    c.onlyKnown(config, {QStringLiteral("key_names"), QStringLiteral("ttl")}, field + QLatin1Char('.'));
    c.stringArray(config, QStringLiteral("key_names"), field + QStringLiteral(".key_names"), {false, 1, 10, 256});
    if (!config.contains(QStringLiteral("ttl")) || (partial && config.value(QStringLiteral("ttl")).isNull()))
        return;
    const QString ttlField = field + QStringLiteral(".ttl");
    if (!config.value(QStringLiteral("ttl")).isObject()) {
        c.fail(ttlField, QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject ttl = config.value(QStringLiteral("ttl")).toObject();
    c.onlyKnown(ttl, {QStringLiteral("value"), QStringLiteral("unit")}, ttlField + QLatin1Char('.'));
    c.integer(ttl, QStringLiteral("value"), ttlField + QStringLiteral(".value"), true, 1);
    c.string(ttl, QStringLiteral("unit"), ttlField + QStringLiteral(".unit"),
             StringRule::of(true).oneOf({QStringLiteral("days"), QStringLiteral("weeks"), QStringLiteral("years")}));
}

QString configKeyFor(const QString& strategyType) {
    return strategyType == QLatin1String("openid_connect") ? QStringLiteral("openid-connect") : QStringLiteral("key-auth");
}

// configs must hold exactly the key of the strategy type ("openid-connect" with a hyphen, or
// "key-auth"); anything else, "openid_connect" included, is an unknown property.
void checkConfigs(BodyCheck& c, const QJsonValue& value, const QString& strategyType, bool partial) {
    if (!value.isObject()) {
        c.fail(QStringLiteral("configs"), QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject configs = value.toObject();
    const QString key = configKeyFor(strategyType);
    c.onlyKnown(configs, {key}, QStringLiteral("configs."));
    if (!configs.contains(key)) {
        c.required(QStringLiteral("configs.") + key);
        return;
    }
    if (strategyType == QLatin1String("openid_connect"))
        checkOidcConfig(c, configs.value(key), QStringLiteral("configs.") + key, partial);
    else
        checkKeyAuthConfig(c, configs.value(key), QStringLiteral("configs.") + key, partial);
}

void checkPrincipals(BodyCheck& c, const QJsonValue& value) {
    if (!value.isObject()) {
        c.fail(QStringLiteral("principals"), QStringLiteral("is_object"), QStringLiteral("must be an object"));
        return;
    }
    const QJsonObject principals = value.toObject();
    c.onlyKnown(principals, {QStringLiteral("enabled")}, QStringLiteral("principals."));
    if (!principals.contains(QStringLiteral("enabled")))
        c.required(QStringLiteral("principals.enabled"));
    c.boolean(principals, QStringLiteral("enabled"), QStringLiteral("principals.enabled"));
}

// A nullable UUID property naming another object, which must exist.
template <typename T>
void checkReference(BodyCheck& c, const QJsonObject& body, const QString& key, const QList<T>& targets, const QString& noun) {
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull() || !c.uuid(body, key, key))
        return;
    if (!findById(targets, value.toString()))
        c.fail(key, QStringLiteral("missing_reference"), QStringLiteral("references %1 [%2] that does not exist").arg(noun, value.toString()));
}

void checkProviderReference(BodyCheck& c, const KonnectState& k, const QJsonObject& body) {
    checkReference(c, body, QStringLiteral("dcr_provider_id"), k.dcrProviders, QStringLiteral("a DCR provider"));
}

bool strategyNameTaken(const KonnectState& k, const QString& name, const QString& exceptId) {
    return std::any_of(k.authStrategies.begin(), k.authStrategies.end(),
                       [&](const KonnectAuthStrategy& s) { return s.name == name && s.id != exceptId; });
}

// The body of POST (create) and PUT (replace): CreateAppAuthStrategyRequest, one schema per
// strategy_type, each with additionalProperties: false.
std::optional<KonnectAuthStrategy> parseStrategy(const KonnectState& k, const Request& r, Response* error) {
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why)) {
        *error = konnectUnreadableBody(why);
        return std::nullopt;
    }
    BodyCheck c;
    const bool typeKnown = c.string(body, QStringLiteral("strategy_type"), QStringLiteral("strategy_type"),
                                    StringRule::of(true).oneOf(kStrategyTypes));
    const QString type = body.value(QStringLiteral("strategy_type")).toString();
    QStringList known{QStringLiteral("name"),    QStringLiteral("display_name"), QStringLiteral("strategy_type"),
                      QStringLiteral("configs"), QStringLiteral("labels"),       QStringLiteral("principals")};
    if (!typeKnown || type == QLatin1String("openid_connect"))
        known << QStringLiteral("dcr_provider_id");
    c.onlyKnown(body, known);
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(true, 1, 256));
    c.string(body, QStringLiteral("display_name"), QStringLiteral("display_name"), StringRule::of(true, 0, 256));
    if (!body.contains(QStringLiteral("configs")))
        c.required(QStringLiteral("configs"));
    else if (typeKnown)
        checkConfigs(c, body.value(QStringLiteral("configs")), type, false);
    if (typeKnown && type == QLatin1String("openid_connect"))
        checkProviderReference(c, k, body);
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), false);
    if (body.contains(QStringLiteral("principals")))
        checkPrincipals(c, body.value(QStringLiteral("principals")));
    if (!c.ok()) {
        *error = konnectBadRequest(c.problems());
        return std::nullopt;
    }
    KonnectAuthStrategy s;
    s.name = body.value(QStringLiteral("name")).toString();
    s.displayName = body.value(QStringLiteral("display_name")).toString();
    s.strategyType = type;
    s.configs = body.value(QStringLiteral("configs")).toObject();
    s.dcrProviderId = body.value(QStringLiteral("dcr_provider_id")).toString();
    s.labels = body.value(QStringLiteral("labels")).toObject();
    s.principals = body.value(QStringLiteral("principals")).toObject();
    return s;
}

Response createStrategy(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    Response error;
    std::optional<KonnectAuthStrategy> strategy = parseStrategy(k, r, &error);
    if (!strategy)
        return error;
    if (strategyNameTaken(k, strategy->name, {}))
        return konnectConflict(QStringLiteral("An application auth strategy named [%1] already exists").arg(strategy->name));
    strategy->id = newGuid();
    strategy->createdAt = strategy->updatedAt = isoNow();
    k.authStrategies.append(*strategy);
    return Response::json(201, strategyJson(k, *strategy));
}

Response replaceStrategy(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    KonnectAuthStrategy* existing = findById(k.authStrategies, r.params.value(0));
    if (!existing)
        return strategyNotFound(r.params.value(0));
    Response error;
    std::optional<KonnectAuthStrategy> strategy = parseStrategy(k, r, &error);
    if (!strategy)
        return error;
    if (strategyNameTaken(k, strategy->name, existing->id))
        return konnectConflict(QStringLiteral("An application auth strategy named [%1] already exists").arg(strategy->name));
    strategy->id = existing->id;
    strategy->createdAt = existing->createdAt;
    strategy->updatedAt = isoNow();
    *existing = *strategy;
    return Response::json(201, strategyJson(k, *existing));
}

Response listStrategies(SandboxState& s, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(
        r, {QStringLiteral("strategy_type"), QStringLiteral("name"), QStringLiteral("display_name"), QStringLiteral("dcr_provider_id"),
            QStringLiteral("dcr_provider_name"), QStringLiteral("dcr_provider_type")},
        &error);
    if (!query)
        return error;
    const KonnectState& k = s.konnect;
    QJsonArray items;
    for (const KonnectAuthStrategy& st : k.authStrategies) {
        const KonnectDcrProvider* p = findById(k.dcrProviders, st.dcrProviderId);
        const QMap<QString, QString> values{{QStringLiteral("strategy_type"), st.strategyType},
                                            {QStringLiteral("name"), st.name},
                                            {QStringLiteral("display_name"), st.displayName},
                                            {QStringLiteral("dcr_provider_id"), st.dcrProviderId},
                                            {QStringLiteral("dcr_provider_name"), p ? p->name : QString()},
                                            {QStringLiteral("dcr_provider_type"), p ? p->providerType : QString()}};
        if (query->matches(values))
            items.append(strategyJson(k, st));
    }
    return Response::json(200, query->page(items));
}

Response getStrategy(SandboxState& s, const Request& r) {
    const KonnectAuthStrategy* st = findById(s.konnect.authStrategies, r.params.value(0));
    return st ? Response::json(200, strategyJson(s.konnect, *st)) : strategyNotFound(r.params.value(0));
}

Response updateStrategy(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    KonnectAuthStrategy* st = findById(k.authStrategies, r.params.value(0));
    if (!st)
        return strategyNotFound(r.params.value(0));
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    c.onlyKnown(body, {QStringLiteral("name"), QStringLiteral("display_name"), QStringLiteral("labels"),
                       QStringLiteral("dcr_provider_id"), QStringLiteral("configs"), QStringLiteral("principals")});
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(false, 1, 256));
    c.string(body, QStringLiteral("display_name"), QStringLiteral("display_name"), StringRule::of(false, 0, 256));
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), true);
    if (body.contains(QStringLiteral("configs")))
        checkConfigs(c, body.value(QStringLiteral("configs")), st->strategyType, true);
    if (body.contains(QStringLiteral("principals")))
        checkPrincipals(c, body.value(QStringLiteral("principals")));
    checkProviderReference(c, k, body);
    const QJsonValue providerId = body.value(QStringLiteral("dcr_provider_id"));
    if (providerId.isString() && st->strategyType != QLatin1String("openid_connect"))
        c.fail(QStringLiteral("dcr_provider_id"), QStringLiteral("invalid"),
               QStringLiteral("only openid_connect strategies can use a DCR provider"));
    if (!c.ok())
        return konnectBadRequest(c.problems());

    if (body.contains(QStringLiteral("name"))) {
        const QString name = body.value(QStringLiteral("name")).toString();
        if (strategyNameTaken(k, name, st->id))
            return konnectConflict(QStringLiteral("An application auth strategy named [%1] already exists").arg(name));
        st->name = name;
    }
    if (body.contains(QStringLiteral("display_name")))
        st->displayName = body.value(QStringLiteral("display_name")).toString();
    if (body.contains(QStringLiteral("labels")))
        st->labels = mergeLabels(st->labels, body.value(QStringLiteral("labels")));
    if (!providerId.isUndefined())
        st->dcrProviderId = providerId.toString();
    if (body.contains(QStringLiteral("principals")))
        st->principals = body.value(QStringLiteral("principals")).toObject();
    if (body.contains(QStringLiteral("configs"))) {
        // A partial configuration: the given settings replace theirs, null removes one.
        const QString key = configKeyFor(st->strategyType);
        QJsonObject config = st->configs.value(key).toObject();
        const QJsonObject patch = body.value(QStringLiteral("configs")).toObject().value(key).toObject();
        for (auto it = patch.begin(); it != patch.end(); ++it) {
            if (it.value().isNull())
                config.remove(it.key());
            else
                config.insert(it.key(), it.value());
        }
        st->configs.insert(key, config);
    }
    st->updatedAt = isoNow();
    return Response::json(200, strategyJson(k, *st));
}

Response deleteStrategy(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    const QString id = r.params.value(0);
    if (!findById(k.authStrategies, id))
        return strategyNotFound(id);
    if (k.strategyInUse(id))
        return konnectConflict(QStringLiteral("Application auth strategy [%1] is in use by an API publication; unpublish "
                                              "the API or publish it with another strategy first")
                                   .arg(id));
    // A portal default names a strategy without using it; the default falls back to none.
    for (KonnectPortal& p : k.portals)
        if (p.defaultApplicationAuthStrategyId == id)
            p.defaultApplicationAuthStrategyId.clear();
    k.authStrategies.removeIf([&](const KonnectAuthStrategy& st) { return st.id == id; });
    return Response::empty(204);
}

// ---- portals ----------------------------------------------------------------------------------

Response portalNotFound(const QString& id) { return konnectNotFound(QStringLiteral("Portal [%1] not found").arg(id)); }

Response listPortals(SandboxState& s, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(
        r, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("display_name"), QStringLiteral("default_domain")}, &error);
    if (!query)
        return error;
    QJsonArray items;
    for (const KonnectPortal& p : s.konnect.portals) {
        const QMap<QString, QString> values{{QStringLiteral("id"), p.id},
                                            {QStringLiteral("name"), p.name},
                                            {QStringLiteral("display_name"), p.displayName},
                                            {QStringLiteral("default_domain"), p.defaultDomain}};
        if (query->matches(values))
            items.append(portalJson(p));
    }
    return Response::json(200, query->page(items));
}

Response getPortal(SandboxState& s, const Request& r) {
    const KonnectPortal* p = findById(s.konnect.portals, r.params.value(0));
    return p ? Response::json(200, portalJson(*p)) : portalNotFound(r.params.value(0));
}

Response updatePortal(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    KonnectPortal* p = findById(k.portals, r.params.value(0));
    if (!p)
        return portalNotFound(r.params.value(0));
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    const QStringList booleans{QStringLiteral("authentication_enabled"), QStringLiteral("rbac_enabled"),
                               QStringLiteral("sipr_enabled"), QStringLiteral("auto_approve_developers"),
                               QStringLiteral("auto_approve_applications"),
                               QStringLiteral("notifications_developer_pii_visibility_enabled")};
    // The read-only properties are part of the schema and ignored; anything else is refused.
    QStringList known = booleans;
    known << QStringLiteral("id") << QStringLiteral("created_at") << QStringLiteral("updated_at") << QStringLiteral("name")
          << QStringLiteral("display_name") << QStringLiteral("description") << QStringLiteral("default_api_visibility")
          << QStringLiteral("default_page_visibility") << QStringLiteral("default_application_auth_strategy_id")
          << QStringLiteral("default_domain") << QStringLiteral("canonical_domain") << QStringLiteral("labels");
    BodyCheck c;
    c.onlyKnown(body, known);
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(false, 1, 255));
    c.string(body, QStringLiteral("display_name"), QStringLiteral("display_name"), StringRule::of(false, 1, 255));
    c.string(body, QStringLiteral("description"), QStringLiteral("description"), StringRule::of(false, 0, 512).orNull());
    const StringRule visibility = StringRule::of(false).oneOf(kVisibilities);
    c.string(body, QStringLiteral("default_api_visibility"), QStringLiteral("default_api_visibility"), visibility);
    c.string(body, QStringLiteral("default_page_visibility"), QStringLiteral("default_page_visibility"), visibility);
    for (const QString& key : booleans)
        c.boolean(body, key, key);
    checkReference(c, body, QStringLiteral("default_application_auth_strategy_id"), k.authStrategies,
                   QStringLiteral("an application auth strategy"));
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), true);
    if (!c.ok())
        return konnectBadRequest(c.problems());

    if (body.contains(QStringLiteral("name"))) {
        const QString name = body.value(QStringLiteral("name")).toString();
        const bool taken = std::any_of(k.portals.begin(), k.portals.end(),
                                       [&](const KonnectPortal& other) { return other.name == name && other.id != p->id; });
        if (taken)
            return konnectConflict(QStringLiteral("A portal named [%1] already exists").arg(name));
        p->name = name;
    }
    const auto text = [&body](const char* key, QString* out) {
        if (body.contains(QLatin1String(key)))
            *out = body.value(QLatin1String(key)).toString();
    };
    text("display_name", &p->displayName);
    text("description", &p->description);
    text("default_api_visibility", &p->defaultApiVisibility);
    text("default_page_visibility", &p->defaultPageVisibility);
    text("default_application_auth_strategy_id", &p->defaultApplicationAuthStrategyId);
    const auto flag = [&body](const char* key, bool* out) {
        if (body.contains(QLatin1String(key)))
            *out = body.value(QLatin1String(key)).toBool();
    };
    flag("authentication_enabled", &p->authenticationEnabled);
    flag("rbac_enabled", &p->rbacEnabled);
    flag("sipr_enabled", &p->siprEnabled);
    flag("auto_approve_developers", &p->autoApproveDevelopers);
    flag("auto_approve_applications", &p->autoApproveApplications);
    flag("notifications_developer_pii_visibility_enabled", &p->notificationsDeveloperPiiVisibilityEnabled);
    if (body.contains(QStringLiteral("labels")))
        p->labels = mergeLabels(p->labels, body.value(QStringLiteral("labels")));
    p->updatedAt = isoNow();
    return Response::json(200, portalJson(*p));
}

// ---- APIs and publications --------------------------------------------------------------------

Response apiNotFound(const QString& id) { return konnectNotFound(QStringLiteral("API [%1] not found").arg(id)); }

Response listApis(SandboxState& s, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(
        r, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("version"), QStringLiteral("slug")}, &error);
    if (!query)
        return error;
    QJsonArray items;
    for (const KonnectApi& a : s.konnect.apis) {
        const QMap<QString, QString> values{{QStringLiteral("id"), a.id},
                                            {QStringLiteral("name"), a.name},
                                            {QStringLiteral("version"), a.version},
                                            {QStringLiteral("slug"), a.slug}};
        if (query->matches(values))
            items.append(apiJson(s.konnect, a));
    }
    return Response::json(200, query->page(items));
}

QString slugify(const QString& text);

// api-builder v3 POST /apis: name required; the name and version together are unique.
Response createApi(SandboxState& s, const Request& r) {
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    KonnectState& k = s.konnect;
    BodyCheck c;
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(true, 1, 255));
    c.string(body, QStringLiteral("version"), QStringLiteral("version"), StringRule::of(false, 1, 255));
    c.string(body, QStringLiteral("slug"), QStringLiteral("slug"), StringRule::of(false, 1, 255));
    c.string(body, QStringLiteral("description"), QStringLiteral("description"), StringRule::of(false));
    if (body.contains(QStringLiteral("labels")))
        c.labels(body.value(QStringLiteral("labels")), QStringLiteral("labels"), false);
    if (!c.ok())
        return konnectBadRequest(c.problems());
    KonnectApi api;
    api.name = body.value(QStringLiteral("name")).toString();
    api.version = body.value(QStringLiteral("version")).toString();
    const bool taken = std::any_of(k.apis.begin(), k.apis.end(),
                                   [&](const KonnectApi& other) { return other.name == api.name && other.version == api.version; });
    if (taken)
        return konnectConflict(QStringLiteral("An API named [%1] with version [%2] already exists").arg(api.name, api.version));
    api.id = newGuid();
    api.slug = body.contains(QStringLiteral("slug")) ? body.value(QStringLiteral("slug")).toString()
                                                     : slugify(api.version.isEmpty() ? api.name : api.name + QLatin1Char('-') + api.version);
    api.description = body.value(QStringLiteral("description")).toString();
    api.labels = body.value(QStringLiteral("labels")).toObject();
    api.createdAt = api.updatedAt = isoNow();
    k.apis.append(api);
    return Response::json(201, apiJson(k, api));
}

Response getApi(SandboxState& s, const Request& r) {
    const KonnectApi* a = findById(s.konnect.apis, r.params.value(0));
    return a ? Response::json(200, apiJson(s.konnect, *a)) : apiNotFound(r.params.value(0));
}

Response publicationNotFound(const QString& apiId, const QString& portalId) {
    return konnectNotFound(QStringLiteral("API [%1] is not published on portal [%2]").arg(apiId, portalId));
}

Response putPublication(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    const QString apiId = r.params.value(0);
    const QString portalId = r.params.value(1);
    if (!findById(k.apis, apiId))
        return apiNotFound(apiId);
    const KonnectPortal* portal = findById(k.portals, portalId);
    if (!portal)
        return portalNotFound(portalId);
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    c.onlyKnown(body, {QStringLiteral("auto_approve_registrations"), QStringLiteral("auth_strategy_ids"),
                       QStringLiteral("visibility"), QStringLiteral("warnings"), QStringLiteral("created_at"),
                       QStringLiteral("updated_at")});
    c.boolean(body, QStringLiteral("auto_approve_registrations"), QStringLiteral("auto_approve_registrations"));
    const StringRule visibility = StringRule::of(false).oneOf(kVisibilities);
    c.string(body, QStringLiteral("visibility"), QStringLiteral("visibility"), visibility);
    const QJsonValue ids = body.value(QStringLiteral("auth_strategy_ids"));
    if (!ids.isUndefined() && !ids.isNull()) {
        // ApiPublicationAuthStrategyIds: one strategy per publication (minItems 1, maxItems 1).
        if (c.stringArray(body, QStringLiteral("auth_strategy_ids"), QStringLiteral("auth_strategy_ids"), {false, 1, 1, 0})) {
            for (const QJsonValue& id : ids.toArray())
                if (!findById(k.authStrategies, id.toString()))
                    c.fail(QStringLiteral("auth_strategy_ids"), QStringLiteral("missing_reference"),
                           QStringLiteral("references an application auth strategy [%1] that does not exist").arg(id.toString()));
        }
    }
    if (!c.ok())
        return konnectBadRequest(c.problems());

    KonnectPublication wanted;
    wanted.apiId = apiId;
    wanted.portalId = portalId;
    if (ids.isUndefined()) {
        // Omitted: the portal's default strategy, if it has one.
        if (!portal->defaultApplicationAuthStrategyId.isEmpty())
            wanted.authStrategyIds = {portal->defaultApplicationAuthStrategyId};
    } else {
        for (const QJsonValue& id : ids.toArray())
            wanted.authStrategyIds << id.toString();
    }
    wanted.visibility = body.value(QStringLiteral("visibility")).toString(QStringLiteral("private"));
    wanted.autoApproveRegistrations = body.value(QStringLiteral("auto_approve_registrations")).toBool();
    wanted.updatedAt = isoNow();
    KonnectPublication* existing = k.publication(apiId, portalId);
    wanted.createdAt = existing ? existing->createdAt : wanted.updatedAt;
    if (existing)
        *existing = wanted;
    else
        k.publications.append(wanted);
    // Konnect answers 200 to the first PUT as well, although its documentation says 201.
    return Response::json(200, publicationJson(wanted));
}

Response getPublication(SandboxState& s, const Request& r) {
    const KonnectPublication* p = s.konnect.publication(r.params.value(0), r.params.value(1));
    return p ? Response::json(200, publicationJson(*p)) : publicationNotFound(r.params.value(0), r.params.value(1));
}

Response deletePublication(SandboxState& s, const Request& r) {
    KonnectState& k = s.konnect;
    const QString apiId = r.params.value(0);
    const QString portalId = r.params.value(1);
    if (!k.publication(apiId, portalId))
        return publicationNotFound(apiId, portalId);
    k.publications.removeIf([&](const KonnectPublication& p) { return p.apiId == apiId && p.portalId == portalId; });
    return Response::empty(204);
}

Response listPublications(SandboxState& s, const Request& r, const QString& apiId) {
    Response error;
    const auto query = KonnectListQuery::parse(
        r, {QStringLiteral("api_id"), QStringLiteral("api_name"), QStringLiteral("portal_id"), QStringLiteral("portal_name"),
            QStringLiteral("auth_strategy_id"), QStringLiteral("entity_type")},
        &error);
    if (!query)
        return error;
    const KonnectState& k = s.konnect;
    QJsonArray items;
    for (const KonnectPublication& p : k.publications) {
        if (!apiId.isEmpty() && p.apiId != apiId)
            continue;
        const KonnectApi* api = findById(k.apis, p.apiId);
        const KonnectPortal* portal = findById(k.portals, p.portalId);
        const QMap<QString, QString> values{{QStringLiteral("api_id"), p.apiId},
                                            {QStringLiteral("api_name"), api ? api->name : QString()},
                                            {QStringLiteral("portal_id"), p.portalId},
                                            {QStringLiteral("portal_name"), portal ? portal->name : QString()},
                                            {QStringLiteral("auth_strategy_id"), p.authStrategyIds.value(0)},
                                            {QStringLiteral("entity_type"), QStringLiteral("api")}};
        if (query->matches(values))
            items.append(publicationListItemJson(p));
    }
    return Response::json(200, query->page(items));
}

QString slugify(const QString& text) {
    QString slug = text.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    return slug;
}

}  // namespace

// ---- KonnectState -----------------------------------------------------------------------------

KonnectPublication* KonnectState::publication(const QString& api, const QString& portal) {
    for (KonnectPublication& p : publications)
        if (p.apiId == api && p.portalId == portal)
            return &p;
    return nullptr;
}

bool KonnectState::strategyInUse(const QString& strategyId) const {
    return std::any_of(publications.begin(), publications.end(),
                       [&](const KonnectPublication& p) { return p.authStrategyIds.contains(strategyId); });
}

bool KonnectState::providerActive(const QString& providerId) const {
    return std::any_of(authStrategies.begin(), authStrategies.end(), [&](const KonnectAuthStrategy& s) {
        return s.dcrProviderId == providerId && strategyInUse(s.id);
    });
}

// ---- the service ------------------------------------------------------------------------------

void registerKonnect(Router& router, SandboxState& state) {
    const QString id = QStringLiteral("([^/]+)");
    const QString providers = QStringLiteral("/konnect/v2/dcr-providers");
    const QString strategies = QStringLiteral("/konnect/v2/application-auth-strategies");
    const QString portals = QStringLiteral("/konnect/v3/portals");
    const QString apis = QStringLiteral("/konnect/v3/apis");
    KonnectRoutes routes(router);

    addRoute(routes, state, "GET", QStringLiteral("/konnect/v3/users/me"), usersMe);
    addRoute(routes, state, "GET", QStringLiteral("/konnect/v3/organizations/me"), organizationsMe);

    addRoute(routes, state, "POST", providers, createProvider);
    addRoute(routes, state, "GET", providers, listProviders);
    addRoute(routes, state, "GET", providers + QLatin1Char('/') + id, getProvider);
    addRoute(routes, state, "PATCH", providers + QLatin1Char('/') + id, updateProvider);
    addRoute(routes, state, "DELETE", providers + QLatin1Char('/') + id, deleteProvider);
    addRoute(routes, state, "POST", providers + QLatin1Char('/') + id + QStringLiteral("/verify"), verifyProvider);

    addRoute(routes, state, "POST", strategies, createStrategy);
    addRoute(routes, state, "GET", strategies, listStrategies);
    addRoute(routes, state, "GET", strategies + QLatin1Char('/') + id, getStrategy);
    addRoute(routes, state, "PUT", strategies + QLatin1Char('/') + id, replaceStrategy);
    addRoute(routes, state, "PATCH", strategies + QLatin1Char('/') + id, updateStrategy);
    addRoute(routes, state, "DELETE", strategies + QLatin1Char('/') + id, deleteStrategy);

    addRoute(routes, state, "GET", portals, listPortals);
    addRoute(routes, state, "GET", portals + QLatin1Char('/') + id, getPortal);
    addRoute(routes, state, "PATCH", portals + QLatin1Char('/') + id, updatePortal);

    addRoute(routes, state, "GET", apis, listApis);
    addRoute(routes, state, "POST", apis, createApi);
    addRoute(routes, state, "GET", apis + QLatin1Char('/') + id, getApi);
    const QString publication = apis + QLatin1Char('/') + id + QStringLiteral("/publications/") + id;
    addRoute(routes, state, "PUT", publication, putPublication);
    addRoute(routes, state, "GET", publication, getPublication);
    addRoute(routes, state, "DELETE", publication, deletePublication);
    addRoute(routes, state, "GET", apis + QLatin1Char('/') + id + QStringLiteral("/publications"),
             [](SandboxState& s, const Request& r) {
                 if (!findById(s.konnect.apis, r.params.value(0)))
                     return apiNotFound(r.params.value(0));
                 return listPublications(s, r, r.params.value(0));
             });
    addRoute(routes, state, "GET", QStringLiteral("/konnect/v3/api-publications"),
             [](SandboxState& s, const Request& r) { return listPublications(s, r, {}); });

    routes.setFallback(QStringLiteral("/konnect/"));
}

void seedKonnect(SandboxState& state) {
    const Seed& seed = state.seed;
    KonnectState& k = state.konnect;
    const QString now = isoNow();
    k.orgId = newGuid();
    k.orgName = seed.konnectOrgName;
    k.orgCreatedAt = now;
    k.userId = newGuid();
    k.userEmail = seed.konnectUserEmail;
    k.userFullName = seed.konnectUserName;
    k.personalToken = seed.konnectPersonalToken;
    k.systemToken = seed.konnectSystemToken;

    KonnectPortal portal;
    portal.id = newGuid();
    portal.name = seed.portalName;
    portal.displayName = seed.portalName;
    // Konnect's own host name for the portal; the sandbox serves the Portal API under
    // <base URL>/portal/<portal id>/api/v3 instead, which GET /_sandbox/info tells clients.
    portal.defaultDomain = QString(portal.id).remove(QLatin1Char('-')).left(12) + QStringLiteral(".us.kongportals.com");
    portal.createdAt = portal.updatedAt = now;
    k.portals = {portal};
    k.portalId = portal.id;

    KonnectApi api;
    api.id = newGuid();
    api.name = seed.apiName;
    api.version = seed.apiVersion;
    api.slug = slugify(seed.apiName + QLatin1Char('-') + seed.apiVersion);
    api.createdAt = api.updatedAt = now;
    k.apis = {api};
    k.apiId = api.id;

    PortalDeveloper developer;
    developer.id = newGuid();
    developer.portalId = portal.id;
    developer.email = seed.developerEmail;
    developer.fullName = seed.developerEmail.section(QLatin1Char('@'), 0, 0);
    developer.password = seed.developerPassword;
    k.developers = {developer};
}

QJsonObject inspectKonnect(const SandboxState& state) {
    const KonnectState& k = state.konnect;
    QJsonArray providers, strategies, portals, apis, publications, applications;
    for (const KonnectDcrProvider& p : k.dcrProviders)
        providers.append(dcrProviderJson(k, p));
    for (const KonnectAuthStrategy& s : k.authStrategies)
        strategies.append(strategyJson(k, s));
    for (const KonnectPortal& p : k.portals)
        portals.append(portalJson(p));
    for (const KonnectApi& a : k.apis)
        apis.append(apiJson(k, a));
    for (const KonnectPublication& p : k.publications)
        publications.append(publicationListItemJson(p));
    for (const PortalApplication& a : k.applications) {
        QJsonArray registrations;
        for (const PortalRegistration& reg : k.registrations)
            if (reg.applicationId == a.id)
                registrations.append(QJsonObject{{QStringLiteral("id"), reg.id},
                                                 {QStringLiteral("api_id"), reg.apiId},
                                                 {QStringLiteral("status"), reg.status}});
        applications.append(QJsonObject{{QStringLiteral("id"), a.id},
                                        {QStringLiteral("portal_id"), a.portalId},
                                        {QStringLiteral("name"), a.name},
                                        {QStringLiteral("auth_strategy_id"), a.authStrategyId},
                                        {QStringLiteral("client_id"), stringOrNull(a.clientId)},
                                        {QStringLiteral("azure_object_id"), stringOrNull(a.azureObjectId)},
                                        {QStringLiteral("registrations"), registrations}});
    }
    return QJsonObject{{QStringLiteral("dcr_providers"), providers},         {QStringLiteral("auth_strategies"), strategies},
                       {QStringLiteral("portals"), portals},                 {QStringLiteral("apis"), apis},
                       {QStringLiteral("publications"), publications},       {QStringLiteral("developer_applications"), applications}};
}

}  // namespace dcr::sandbox
