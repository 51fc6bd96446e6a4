#include "profile/profile.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>

namespace dcr {

namespace {

const QStringList kClouds{QStringLiteral("global"), QStringLiteral("usgov"), QStringLiteral("china"), QStringLiteral("custom")};
const QStringList kRegions{QStringLiteral("us"), QStringLiteral("eu"), QStringLiteral("au"), QStringLiteral("me"),
                           QStringLiteral("in"), QStringLiteral("sg"), QStringLiteral("custom")};
const QStringList kAudiences{QStringLiteral("AzureADMultipleOrgs"), QStringLiteral("AzureADMyOrg")};
const QStringList kAuthMethods{QStringLiteral("client_credentials"), QStringLiteral("bearer"), QStringLiteral("session")};

// Reads one object level, remembering which keys were consumed so that the rest can be reported
// as unknown (a typo in a profile must not be silently ignored).
class Reader {
public:
    Reader(const QJsonObject& object, QString path, QStringList* errors)
        : m_object(object), m_path(std::move(path)), m_errors(errors) {}

    QString string(const char* key, const QString& fallback) {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isString()) {
            error(key, QStringLiteral("must be a string"));
            return fallback;
        }
        return v.toString();
    }
    bool boolean(const char* key, bool fallback) {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            error(key, QStringLiteral("must be true or false"));
            return fallback;
        }
        return v.toBool();
    }
    int integer(const char* key, int fallback) {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        if (!v.isDouble() || v.toDouble() != static_cast<double>(v.toInt())) {
            error(key, QStringLiteral("must be a whole number"));
            return fallback;
        }
        return v.toInt();
    }
    QStringList strings(const char* key, const QStringList& fallback) {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return fallback;
        QStringList out;
        const QJsonArray array = v.toArray();
        bool ok = v.isArray();
        for (const QJsonValue& item : array) {
            ok = ok && item.isString();
            out.append(item.toString());
        }
        if (!ok) {
            error(key, QStringLiteral("must be a list of strings"));
            return fallback;
        }
        return out;
    }
    std::optional<QJsonObject> object(const char* key) {
        const QJsonValue v = take(key);
        if (v.isUndefined())
            return std::nullopt;
        if (!v.isObject()) {
            error(key, QStringLiteral("must be an object"));
            return std::nullopt;
        }
        return v.toObject();
    }
    bool has(const char* key) const { return m_object.contains(QLatin1String(key)); }
    QString path(const char* key) const { return m_path.isEmpty() ? QLatin1String(key) : m_path + QLatin1Char('.') + QLatin1String(key); }
    void error(const char* key, const QString& what) { m_errors->append(QStringLiteral("\"%1\" %2.").arg(path(key), what)); }

    void reportUnknownKeys() {
        static const QRegularExpression secretLike(QStringLiteral("secret|token|password"), QRegularExpression::CaseInsensitiveOption);
        for (const QString& key : m_object.keys()) {
            if (m_taken.contains(key))
                continue;
            const QString full = m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
            if (secretLike.match(key).hasMatch())
                m_errors->append(QStringLiteral("\"%1\" looks like a secret: profiles never hold secrets (they live in the keychain).").arg(full));
            else
                m_errors->append(QStringLiteral("\"%1\" is not a profile setting.").arg(full));
        }
    }

private:
    QJsonValue take(const char* key) {
        m_taken.append(QLatin1String(key));
        return m_object.value(QLatin1String(key));
    }
    QJsonObject m_object;
    QString m_path;
    QStringList* m_errors;
    QStringList m_taken;
};

bool isAllowedServiceUrl(const QString& text) {
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return false;
    if (url.scheme() == QLatin1String("https"))
        return true;
    // Plain HTTP only to this machine: the sandbox.
    const QHostAddress address(url.host());
    return url.scheme() == QLatin1String("http") && (url.host() == QLatin1String("localhost") || address.isLoopback());
}

QString presetName(Profile::PermissionPreset p) {
    return p == Profile::PermissionPreset::Legacy ? QStringLiteral("legacy") : QStringLiteral("minimal");
}

QString blueprintName(Profile::Blueprint b) {
    return b == Profile::Blueprint::DynamicsClient ? QStringLiteral("dynamics-client") : QStringLiteral("kong-dcr-azure");
}

}  // namespace

bool isTenantGuid(const QString& value) {
    static const QRegularExpression guid(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return guid.match(value).hasMatch();
}

bool isTenantDomain(const QString& value) {
    static const QRegularExpression domain(QStringLiteral(
        "^(?=.{4,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"));
    return domain.match(value).hasMatch();
}

QString publicClientRedirectUriProblem(const QString& uri) {
    const QUrl url(uri, QUrl::StrictMode);
    if (uri.trimmed().isEmpty())
        return QStringLiteral("Enter the redirect URI your client application uses, for example http://localhost.");
    if (!url.isValid() || url.isRelative() || url.scheme().isEmpty())
        return QStringLiteral("\"%1\" is not an absolute URI; use for example http://localhost or myapp://auth.").arg(uri);
    if (uri.size() > 256)
        return QStringLiteral("Entra ID accepts redirect URIs of at most 256 characters.");
    if (url.hasFragment())
        return QStringLiteral("A redirect URI cannot have a fragment (#…).");
    const bool web = url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https");
    if (web && url.host().isEmpty())
        return QStringLiteral("\"%1\" has no host.").arg(uri);
    const QHostAddress address(url.host());
    if (url.scheme() == QLatin1String("http") && url.host() != QLatin1String("localhost") && !address.isLoopback())
        return QStringLiteral("Entra ID accepts http:// redirect URIs only for localhost; use https:// or a custom scheme.");
    return {};
}

QString Profile::issuerFor(const QString& tenantId) { return QStringLiteral("https://sts.windows.net/") + tenantId; }

std::optional<Profile> Profile::fromJson(const QJsonObject& json, QStringList* errors) {
    QStringList found;
    Profile p;
    Reader top(json, {}, &found);
    const int version = top.integer("schema_version", 0);
    if (!top.has("schema_version"))
        found.append(QStringLiteral("\"schema_version\" is missing; this file is not a dcr-wizard profile."));
    else if (version > kSchemaVersion)
        found.append(QStringLiteral("This profile was written by a newer dcr-wizard (schema %1); update dcr-wizard to read it.").arg(version));
    else if (version < 1)
        found.append(QStringLiteral("\"schema_version\" must be %1.").arg(kSchemaVersion));
    p.name = top.string("name", p.name);
    p.adopt = top.boolean("adopt", false);
    const QString blueprint = top.string("blueprint", blueprintName(p.blueprint));
    if (blueprint == QLatin1String("dynamics-client"))
        p.blueprint = Blueprint::DynamicsClient;
    else if (blueprint != QLatin1String("kong-dcr-azure"))
        top.error("blueprint", QStringLiteral("must be \"kong-dcr-azure\" or \"dynamics-client\""));

    if (auto azure = top.object("azure")) {
        Reader r(*azure, QStringLiteral("azure"), &found);
        p.azure.cloud = r.string("cloud", p.azure.cloud);
        p.azure.loginUrl = r.string("login_url", {});
        p.azure.graphUrl = r.string("graph_url", {});
        p.azure.graphResource = r.string("graph_resource", {});
        p.azure.tenant = r.string("tenant", {});
        p.azure.appDisplayName = r.string("app_display_name", p.azure.appDisplayName);
        const QString preset = r.string("permission_preset", presetName(p.azure.permissionPreset));
        if (preset == QLatin1String("legacy"))
            p.azure.permissionPreset = PermissionPreset::Legacy;
        else if (preset != QLatin1String("minimal"))
            r.error("permission_preset", QStringLiteral("must be \"minimal\" or \"legacy\""));
        p.azure.secretLifetimeMonths = r.integer("secret_lifetime_months", p.azure.secretLifetimeMonths);
        p.azure.publicClientId = r.string("public_client_id", p.azure.publicClientId);
        r.reportUnknownKeys();
    }
    if (auto konnect = top.object("konnect")) {
        Reader r(*konnect, QStringLiteral("konnect"), &found);
        p.konnect.region = r.string("region", p.konnect.region);
        p.konnect.baseUrl = r.string("base_url", {});
        p.konnect.dcrProviderName = r.string("dcr_provider_name", p.konnect.dcrProviderName);
        p.konnect.authStrategyName = r.string("auth_strategy_name", p.konnect.authStrategyName);
        p.konnect.authStrategyDisplayName = r.string("auth_strategy_display_name", p.konnect.authStrategyDisplayName);
        p.konnect.credentialClaim = r.strings("credential_claim", p.konnect.credentialClaim);
        p.konnect.scopes = r.strings("scopes", p.konnect.scopes);
        p.konnect.authMethods = r.strings("auth_methods", p.konnect.authMethods);
        r.reportUnknownKeys();
    }
    if (auto publish = top.object("publish")) {
        Reader r(*publish, QStringLiteral("publish"), &found);
        p.publish.enabled = true;
        p.publish.apiName = r.string("api_name", {});
        p.publish.portalName = r.string("portal_name", {});
        p.publish.visibility = r.string("visibility", p.publish.visibility);
        p.publish.autoApproveRegistrations = r.boolean("auto_approve_registrations", false);
        r.reportUnknownKeys();
    }
    if (auto dynamics = top.object("dynamics")) {
        Reader r(*dynamics, QStringLiteral("dynamics"), &found);
        p.dynamics.signInAudience = r.string("sign_in_audience", p.dynamics.signInAudience);
        p.dynamics.redirectUri = r.string("redirect_uri", p.dynamics.redirectUri);
        p.dynamics.organizationUrl = r.string("organization_url", {});
        p.dynamics.adminConsent = r.boolean("admin_consent", p.dynamics.adminConsent);
        p.dynamics.testSignIn = r.boolean("test_sign_in", p.dynamics.testSignIn);
        r.reportUnknownKeys();
    }
    if (auto validation = top.object("validation")) {
        Reader r(*validation, QStringLiteral("validation"), &found);
        p.validation.gatewayUrl = r.string("gateway_url", {});
        p.validation.dcrRoundTrip = r.boolean("dcr_round_trip", false);
        r.reportUnknownKeys();
    }
    top.reportUnknownKeys();

    if (found.isEmpty())
        found = p.validate();
    if (!found.isEmpty()) {
        *errors = found;
        return std::nullopt;
    }
    return p;
}

std::optional<Profile> Profile::readFile(const QString& path, QStringList* errors) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errors = QStringList{QStringLiteral("cannot read the profile %1: %2").arg(path, file.errorString())};
        return std::nullopt;
    }
    // Read at most one byte more than allowed: a file that grows, or a device, is never read whole.
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (bytes.size() > kMaxFileBytes || (file.size() > kMaxFileBytes && !file.isSequential())) {
        *errors = QStringList{QStringLiteral("the profile %1 is larger than %2 KiB, which no profile is; check that it is the right file.")
                                  .arg(path)
                                  .arg(kMaxFileBytes / 1024)};
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *errors = QStringList{QStringLiteral("%1 is not a JSON object: %2")
                                  .arg(path, parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                                          : QStringLiteral("it is a JSON array or value"))};
        return std::nullopt;
    }
    return fromJson(doc.object(), errors);
}

QStringList Profile::validate() const {
    QStringList e;
    static const QRegularExpression profileName(QStringLiteral("^[A-Za-z0-9._-]{1,64}$"));
    if (!profileName.match(name).hasMatch())
        e << QStringLiteral("\"name\" must be 1 to 64 letters, digits, dots, dashes or underscores.");
    if (!kClouds.contains(azure.cloud))
        e << QStringLiteral("\"azure.cloud\" must be one of %1.").arg(kClouds.join(QStringLiteral(", ")));
    if (azure.cloud == QLatin1String("custom") && (!isAllowedServiceUrl(azure.loginUrl) || !isAllowedServiceUrl(azure.graphUrl)))
        e << QStringLiteral("A custom Azure cloud needs \"azure.login_url\" and \"azure.graph_url\" as https:// URLs (http:// only for this machine).");
    if (!azure.graphResource.isEmpty()) {
        const QUrl resource(azure.graphResource, QUrl::StrictMode);
        if (azure.cloud != QLatin1String("custom"))
            e << QStringLiteral("\"azure.graph_resource\" is for a custom cloud only; the other clouds have their own.");
        else if (!resource.isValid() || resource.scheme() != QLatin1String("https") || resource.host().isEmpty() || resource.hasQuery() ||
                 resource.hasFragment())
            e << QStringLiteral("\"azure.graph_resource\" must be an https:// identifier such as https://graph.microsoft.com.");
    }
    if (!isTenantGuid(azure.tenant) && !isTenantDomain(azure.tenant))
        e << QStringLiteral("\"azure.tenant\" must be a tenant ID (a GUID) or a domain such as contoso.onmicrosoft.com.");
    if (azure.appDisplayName.trimmed().isEmpty() || azure.appDisplayName.size() > 120)
        e << QStringLiteral("\"azure.app_display_name\" must have 1 to 120 characters.");
    if (azure.secretLifetimeMonths < 1 || azure.secretLifetimeMonths > 24)
        e << QStringLiteral("\"azure.secret_lifetime_months\" must be between 1 and 24.");
    if (!isTenantGuid(azure.publicClientId))
        e << QStringLiteral("\"azure.public_client_id\" must be an application (client) ID, a GUID.");
    if (!kRegions.contains(konnect.region))
        e << QStringLiteral("\"konnect.region\" must be one of %1.").arg(kRegions.join(QStringLiteral(", ")));
    if (konnect.region == QLatin1String("custom") && !isAllowedServiceUrl(konnect.baseUrl))
        e << QStringLiteral("A custom Konnect region needs \"konnect.base_url\" as an https:// URL (http:// only for this machine).");
    if (blueprint == Blueprint::KongDcrAzure) {
        const auto nameOk = [](const QString& s) { return !s.trimmed().isEmpty() && s.size() <= 256; };
        if (!nameOk(konnect.dcrProviderName))
            e << QStringLiteral("\"konnect.dcr_provider_name\" must have 1 to 256 characters.");
        if (!nameOk(konnect.authStrategyName))
            e << QStringLiteral("\"konnect.auth_strategy_name\" must have 1 to 256 characters.");
        if (!nameOk(konnect.authStrategyDisplayName))
            e << QStringLiteral("\"konnect.auth_strategy_display_name\" must have 1 to 256 characters.");
        if (konnect.credentialClaim.isEmpty())
            e << QStringLiteral("\"konnect.credential_claim\" needs at least one claim (Azure: appid).");
        if (konnect.authMethods.isEmpty())
            e << QStringLiteral("\"konnect.auth_methods\" needs at least one of %1.").arg(kAuthMethods.join(QStringLiteral(", ")));
        for (const QString& m : konnect.authMethods)
            if (!kAuthMethods.contains(m))
                e << QStringLiteral("\"konnect.auth_methods\" has \"%1\"; use %2.").arg(m, kAuthMethods.join(QStringLiteral(", ")));
    }
    if (blueprint == Blueprint::DynamicsClient) {
        if (!kAudiences.contains(dynamics.signInAudience))
            e << QStringLiteral("\"dynamics.sign_in_audience\" must be \"AzureADMultipleOrgs\" (any organization) or \"AzureADMyOrg\" "
                                "(this organization only).");
        const QString redirectProblem = publicClientRedirectUriProblem(dynamics.redirectUri);
        if (!redirectProblem.isEmpty())
            e << QStringLiteral("\"dynamics.redirect_uri\": %1").arg(redirectProblem);
        if (!dynamics.organizationUrl.isEmpty()) {
            const QUrl org(dynamics.organizationUrl, QUrl::StrictMode);
            if (!org.isValid() || org.scheme() != QLatin1String("https") || org.host().isEmpty() || !org.path(QUrl::FullyEncoded).remove(QLatin1Char('/')).isEmpty())
                e << QStringLiteral("\"dynamics.organization_url\" must be the environment's address, such as https://contoso.crm.dynamics.com.");
        }
    }
    if (publish.enabled) {
        if (publish.apiName.trimmed().isEmpty())
            e << QStringLiteral("\"publish.api_name\" names the API to publish.");
        if (publish.visibility != QLatin1String("public") && publish.visibility != QLatin1String("private"))
            e << QStringLiteral("\"publish.visibility\" must be \"public\" or \"private\".");
    }
    if (!validation.gatewayUrl.isEmpty() && !isAllowedServiceUrl(validation.gatewayUrl))
        e << QStringLiteral("\"validation.gateway_url\" must be an https:// URL (http:// only for this machine).");
    return e;
}

QJsonObject Profile::toJson() const {
    const auto list = [](const QStringList& l) { return QJsonArray::fromStringList(l); };
    QJsonObject az{{QStringLiteral("cloud"), azure.cloud},
                   {QStringLiteral("tenant"), azure.tenant},
                   {QStringLiteral("app_display_name"), azure.appDisplayName},
                   {QStringLiteral("permission_preset"), presetName(azure.permissionPreset)},
                   {QStringLiteral("secret_lifetime_months"), azure.secretLifetimeMonths},
                   {QStringLiteral("public_client_id"), azure.publicClientId}};
    if (azure.cloud == QLatin1String("custom")) {
        az.insert(QStringLiteral("login_url"), azure.loginUrl);
        az.insert(QStringLiteral("graph_url"), azure.graphUrl);
        if (!azure.graphResource.isEmpty())
            az.insert(QStringLiteral("graph_resource"), azure.graphResource);
    }
    QJsonObject kn{{QStringLiteral("region"), konnect.region},
                   {QStringLiteral("dcr_provider_name"), konnect.dcrProviderName},
                   {QStringLiteral("auth_strategy_name"), konnect.authStrategyName},
                   {QStringLiteral("auth_strategy_display_name"), konnect.authStrategyDisplayName},
                   {QStringLiteral("credential_claim"), list(konnect.credentialClaim)},
                   {QStringLiteral("scopes"), list(konnect.scopes)},
                   {QStringLiteral("auth_methods"), list(konnect.authMethods)}};
    if (konnect.region == QLatin1String("custom"))
        kn.insert(QStringLiteral("base_url"), konnect.baseUrl);
    QJsonObject json{{QStringLiteral("schema_version"), kSchemaVersion},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("blueprint"), blueprintName(blueprint)},
                     {QStringLiteral("azure"), az},
                     {QStringLiteral("konnect"), kn}};
    if (adopt)
        json.insert(QStringLiteral("adopt"), true);
    if (publish.enabled) {
        QJsonObject pub{{QStringLiteral("api_name"), publish.apiName},
                        {QStringLiteral("visibility"), publish.visibility},
                        {QStringLiteral("auto_approve_registrations"), publish.autoApproveRegistrations}};
        if (!publish.portalName.isEmpty())
            pub.insert(QStringLiteral("portal_name"), publish.portalName);
        json.insert(QStringLiteral("publish"), pub);
    }
    if (blueprint == Blueprint::DynamicsClient) {
        QJsonObject dyn{{QStringLiteral("sign_in_audience"), dynamics.signInAudience},
                        {QStringLiteral("redirect_uri"), dynamics.redirectUri},
                        {QStringLiteral("admin_consent"), dynamics.adminConsent},
                        {QStringLiteral("test_sign_in"), dynamics.testSignIn}};
        if (!dynamics.organizationUrl.isEmpty())
            dyn.insert(QStringLiteral("organization_url"), dynamics.organizationUrl);
        json.insert(QStringLiteral("dynamics"), dyn);
    }
    if (!validation.gatewayUrl.isEmpty() || validation.dcrRoundTrip)
        json.insert(QStringLiteral("validation"), QJsonObject{{QStringLiteral("gateway_url"), validation.gatewayUrl},
                                                              {QStringLiteral("dcr_round_trip"), validation.dcrRoundTrip}});
    return json;
}

}  // namespace dcr
