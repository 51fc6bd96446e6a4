// The Microsoft identity platform under /login (api-facts §1 and §3): discovery documents and
// signing keys; the v2.0 authorize page (authorization code with PKCE); the device code flow with
// its verification page; the v2.0 token endpoint (authorization_code, device_code, refresh_token,
// client_credentials); the v1 token endpoint (client credentials with resource); and the admin
// consent page (api-facts §2's human fallback for consent).
#include "sandbox/services.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>

namespace dcr::sandbox {

namespace {

constexpr qint64 kTokenLifetimeSeconds = 3599;
constexpr qint64 kCodeLifetimeMs = 10 * 60 * 1000;
constexpr qint64 kConsentPageLifetimeMs = 60 * 60 * 1000;
constexpr int kDeviceCodeLifetimeSeconds = 900;
constexpr qint64 kRefreshLifetimeMs = 90LL * 24 * 60 * 60 * 1000;

const QString kGraphResource = QStringLiteral("https://graph.microsoft.com");
const QString kDefaultScope = QStringLiteral(".default");
const QString kOfflineAccess = QStringLiteral("offline_access");
const QString kOpenId = QStringLiteral("openid");
const QString kDeviceCodeGrant = QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
// Entra's token endpoint also takes the device code grant by its short name, which Microsoft's own
// libraries send.
const QString kDeviceCodeGrantShort = QStringLiteral("device_code");
const QStringList kOidcScopes{kOpenId, QStringLiteral("profile"), QStringLiteral("email"), kOfflineAccess};
// Microsoft Graph Command Line Tools is registered with these; the loopback ones take any port.
const QStringList kCommandLineToolsRedirectUris{QStringLiteral("http://localhost"), QStringLiteral("http://127.0.0.1"),
                                                QStringLiteral("https://login.microsoftonline.com/common/oauth2/nativeclient")};
const QRegularExpression kPostOnlyPaths(
    QStringLiteral("^/login/[^/]+/oauth2/(?:v2\\.0/token|v2\\.0/devicecode|token)$"));

qint64 nowSeconds() { return QDateTime::currentSecsSinceEpoch(); }

// ---- failures ----------------------------------------------------------------------------------

// An error of the identity platform before it is known how it travels: as the token endpoint's
// JSON body, as query parameters of a redirect to the client, or on a page in the browser.
struct Failure {
    int status = 400;
    QString error;
    int code = 0;
    QString description;

    Response response() const { return Response::entraError(status, error, code, description); }
};

Failure missingParameter(const QString& name) {
    return {400, QStringLiteral("invalid_request"), 900144,
            QStringLiteral("The request body must contain the following parameter: '%1'.").arg(name)};
}

Failure unknownTenant(const QString& tenant, const QString& error = QStringLiteral("invalid_request")) {
    return {400, error, 90002,
            QStringLiteral("Tenant '%1' not found. Check to make sure you have the correct tenant ID and are signing into "
                           "the correct cloud. Check with your subscription administrator, this may happen if there are "
                           "no active subscriptions for the tenant.")
                .arg(tenant)};
}

Failure unknownClient(const Directory& d, const QString& clientId) {
    return {400, QStringLiteral("unauthorized_client"), 700016,
            QStringLiteral("Application with identifier '%1' was not found in the directory '%2'. This can happen if the "
                           "application has not been installed by the administrator of the tenant or consented to by any "
                           "user in the tenant. You may have sent your authentication request to the wrong tenant.")
                .arg(clientId, d.tenant.displayName)};
}

Failure resourceNotFound(const Directory& d, const QString& resource) {
    return {400, QStringLiteral("invalid_resource"), 500011,
            QStringLiteral("The resource principal named %1 was not found in the tenant named %2. This can happen if the "
                           "application has not been installed by the administrator of the tenant or consented to by any "
                           "user in the tenant. You might have sent your authentication request to the wrong tenant.")
                .arg(resource, d.tenant.displayName)};
}

Failure invalidScope(const QString& scope, const QString& why) {
    return {400, QStringLiteral("invalid_scope"), 70011,
            QStringLiteral("The provided value for the input parameter 'scope' is not valid. The scope '%1' %2").arg(scope, why)};
}

Failure invalidGrant(int code, const QString& description) {
    return {400, QStringLiteral("invalid_grant"), code, description};
}

Failure codeExpired() {
    return invalidGrant(70008, QStringLiteral("The provided authorization code or refresh token has expired due to "
                                              "inactivity. Send a new interactive authorization request for this user "
                                              "and resource."));
}

Failure alreadyRedeemed() {
    return invalidGrant(54005, QStringLiteral("OAuth2 Authorization code was already redeemed, please retry with a new "
                                              "valid code or use an existing refresh token."));
}

Failure notConsented(const QString& clientId, const QString& clientName) {
    return invalidGrant(65001, QStringLiteral("The user or administrator has not consented to use the application with ID "
                                              "'%1' named '%2'. Send an interactive authorization request for this user "
                                              "and resource.")
                                   .arg(clientId, clientName));
}

Failure userDeclined(const QString& error) {
    return {400, error, 65004, QStringLiteral("User declined to consent to access the app.")};
}

// ---- small helpers -------------------------------------------------------------------------------

QString randomString(int bytes) {
    QByteArray data(bytes, '\0');
    auto* rng = QRandomGenerator::system();
    for (char& c : data)
        c = static_cast<char>(rng->bounded(256));
    return QString::fromLatin1(base64Url(data));
}

bool isMultiTenantAlias(const QString& tenant) {
    return tenant.compare(QLatin1String("common"), Qt::CaseInsensitive) == 0 ||
           tenant.compare(QLatin1String("organizations"), Qt::CaseInsensitive) == 0;
}

std::optional<Failure> checkTenant(const Directory& d, const QString& tenant,
                                   const QString& error = QStringLiteral("invalid_request")) {
    if (d.isThisTenant(tenant) || isMultiTenantAlias(tenant))
        return std::nullopt;
    return unknownTenant(tenant, error);
}

// Browsers and curl send '+' for a space in query strings; QUrlQuery leaves it alone.
QString queryParam(const Request& r, const QString& key) {
    QString raw = r.query.queryItemValue(key, QUrl::FullyEncoded);
    raw.replace(QLatin1Char('+'), QLatin1Char(' '));
    return QUrl::fromPercentEncoding(raw.toUtf8());
}

QString withoutTrailingSlash(QString s) {
    while (s.endsWith(QLatin1Char('/')))
        s.chop(1);
    return s;
}

bool sameIdentifier(const QString& a, const QString& b) {
    return withoutTrailingSlash(a).compare(withoutTrailingSlash(b), Qt::CaseInsensitive) == 0;
}

bool isGuid(const QString& s) { return s.size() == 36 && !QUuid::fromString(s).isNull(); }

template <typename Sessions>
void pruneExpired(Sessions& sessions, qint64 beforeMs) {
    for (auto it = sessions.begin(); it != sessions.end();)
        it = it->expiresAtMs < beforeMs ? sessions.erase(it) : std::next(it);
}

QString normalisedUserCode(const QString& typed) {
    QString code = typed.toUpper();
    code.remove(QRegularExpression(QStringLiteral("[\\s-]")));
    return code;
}

Response redirectTo(const QString& redirectUri, const QList<QPair<QString, QString>>& params) {
    QUrl url(redirectUri);
    QString query = url.query(QUrl::FullyEncoded);
    for (const auto& [key, value] : params) {
        if (!query.isEmpty())
            query += QLatin1Char('&');
        query += key + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    url.setQuery(query);
    return Response::redirect(url);
}

// The error redirect of the authorize endpoint, once the redirect URI is known to be the client's.
Response redirectError(const QString& redirectUri, const Failure& f, const QString& state,
                       const QList<QPair<QString, QString>>& extra = {}) {
    const QString timestamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
    QList<QPair<QString, QString>> params{
        {QStringLiteral("error"), f.error},
        {QStringLiteral("error_description"), QStringLiteral("AADSTS%1: %2 Trace ID: %3 Correlation ID: %4 Timestamp: %5")
                                                  .arg(f.code)
                                                  .arg(f.description, newGuid(), newGuid(), timestamp)},
        {QStringLiteral("error_uri"), QStringLiteral("https://login.microsoftonline.com/error?code=%1").arg(f.code)}};
    params.append(extra);
    if (!state.isEmpty())
        params.append({QStringLiteral("state"), state});
    return redirectTo(redirectUri, params);
}

Response tokenResponse(const QJsonObject& body) {
    Response r = Response::json(200, body);
    r.header("Cache-Control", "no-store, no-cache").header("Pragma", "no-cache");
    return r;
}

// ---- clients and resources ---------------------------------------------------------------------

// An application that may ask for tokens, copied out of the directory so that nothing dangles.
struct Client {
    QString appId, displayName;
    bool firstParty = false;      // Microsoft Graph Command Line Tools
    bool fallbackPublic = false;  // may redeem the device code flow without a secret
    bool multiTenant = false;
    QStringList publicRedirectUris, webRedirectUris;
    QStringList spaRedirectUris;  // only admin consent returns to these; authorize keeps to the two above
    QJsonArray requiredResourceAccess;
};

std::optional<Client> findClient(Directory& d, const QString& clientId) {
    if (clientId.compare(Directory::kGraphCommandLineToolsAppId, Qt::CaseInsensitive) == 0) {
        Client c;
        c.appId = Directory::kGraphCommandLineToolsAppId;
        const ServicePrincipal* sp = d.servicePrincipalByAppId(c.appId);
        c.displayName = sp ? sp->displayName : QStringLiteral("Microsoft Graph Command Line Tools");
        c.firstParty = c.fallbackPublic = c.multiTenant = true;
        c.publicRedirectUris = kCommandLineToolsRedirectUris;
        return c;
    }
    const Application* app = d.applicationByAppId(clientId);
    if (!app)
        return std::nullopt;
    Client c;
    c.appId = app->appId;
    c.displayName = app->displayName;
    c.fallbackPublic = app->isFallbackPublicClient;
    c.multiTenant = app->signInAudience != QLatin1String("AzureADMyOrg");
    c.publicRedirectUris = app->publicClientRedirectUris;
    c.webRedirectUris = app->webRedirectUris;
    // Graph keeps spa as sent.
    for (const QJsonValue& uri :
         app->otherProperties.value(QStringLiteral("spa")).toObject().value(QStringLiteral("redirectUris")).toArray())
        c.spaRedirectUris.append(uri.toString());
    c.requiredResourceAccess = app->requiredResourceAccess;
    return c;
}

// Single-tenant apps cannot use the multi-tenant aliases.
std::optional<Failure> checkClientTenant(const Client& c, const QString& tenant) {
    if (c.multiTenant || !isMultiTenantAlias(tenant))
        return std::nullopt;
    return Failure{400, QStringLiteral("invalid_request"), 50194,
                   QStringLiteral("Application '%1'(%2) is not configured as a multi-tenant application. Usage of the "
                                  "/%3 endpoint is not supported for such applications created after '10/15/2018'. Use a "
                                  "tenant-specific endpoint or configure the application to be multi-tenant.")
                       .arg(c.appId, c.displayName, tenant)};
}

// The tenant and client_id of a page the browser opens (authorize, admin consent), checked in the
// order Entra checks them; *client is set when they are fine.
std::optional<Failure> pageClient(Directory& d, const Request& r, std::optional<Client>* client) {
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(d, tenant))
        return f;
    const QString clientId = queryParam(r, QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return missingParameter(QStringLiteral("client_id"));
    *client = findClient(d, clientId);
    if (!*client)
        return unknownClient(d, clientId);
    return checkClientTenant(**client, tenant);
}

bool isLoopback(const QUrl& url) {
    return url.scheme() == QLatin1String("http") &&
           (url.host() == QLatin1String("localhost") || url.host() == QLatin1String("127.0.0.1"));
}

// Entra ignores the port of loopback redirect URIs, so that native apps can listen on any free port.
bool redirectMatches(const QString& registered, const QString& requested) {
    if (registered == requested)
        return true;
    const QUrl a(registered), b(requested);
    const auto path = [](const QUrl& u) { return u.path().isEmpty() ? QStringLiteral("/") : u.path(); };
    return isLoopback(a) && isLoopback(b) && a.host() == b.host() && path(a) == path(b) && a.query() == b.query();
}

Failure redirectMismatch(const Client& c, const QString& redirectUri) {
    return Failure{400, QStringLiteral("invalid_request"), 50011,
                   QStringLiteral("The redirect URI '%1' specified in the request does not match the redirect URIs "
                                  "configured for the application '%2'. Make sure the redirect URI sent in the request "
                                  "matches one added to your application in the Azure portal. Navigate to "
                                  "https://aka.ms/redirectUriMismatchError to learn more about how to fix this.")
                       .arg(redirectUri, c.appId)};
}

// *publicClient: the URI is one of the client's public-client (mobile and desktop) redirect URIs,
// so the code may be redeemed without a secret.
std::optional<Failure> checkRedirect(const Client& c, const QString& redirectUri, bool* publicClient) {
    if (redirectUri.isEmpty())
        return missingParameter(QStringLiteral("redirect_uri"));
    for (const QString& uri : c.publicRedirectUris)
        if (redirectMatches(uri, redirectUri)) {
            *publicClient = true;
            return std::nullopt;
        }
    for (const QString& uri : c.webRedirectUris)
        if (redirectMatches(uri, redirectUri)) {
            *publicClient = false;
            return std::nullopt;
        }
    if (c.publicRedirectUris.isEmpty() && c.webRedirectUris.isEmpty())
        return Failure{400, QStringLiteral("invalid_request"), 500113,
                       QStringLiteral("No reply address is registered for the application.")};
    return redirectMismatch(c, redirectUri);
}

struct Resource {
    QString appId, displayName;
    QList<PermissionScope> scopes;  // the delegated permissions it publishes
    int tokenVersion = 1;           // the resource application's api.requestedAccessTokenVersion
};

QList<PermissionScope> publishedScopes(const Application& app) {
    QList<PermissionScope> scopes;
    const QJsonArray list = app.otherProperties.value(QStringLiteral("api"))
                                .toObject()
                                .value(QStringLiteral("oauth2PermissionScopes"))
                                .toArray();
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        scopes.append(PermissionScope{o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("value")).toString(),
                                      o.value(QStringLiteral("type")).toString(),
                                      o.value(QStringLiteral("adminConsentDisplayName")).toString(),
                                      o.value(QStringLiteral("adminConsentDescription")).toString()});
    }
    return scopes;
}

// Finds a resource by any name Entra accepts for it: its application id, an identifier URI of an
// application in the directory, or the well-known URI of one of Microsoft's APIs. The resource
// must have a service principal in the tenant.
std::optional<Resource> findResource(Directory& d, const QString& identifier) {
    QString appId;
    const QUrl url(identifier);
    if (sameIdentifier(identifier, kGraphResource)) {
        appId = Directory::kGraphAppId;
    } else if (url.scheme() == QLatin1String("https") && url.host().endsWith(QLatin1String(".dynamics.com"))) {
        appId = Directory::kDynamicsCrmAppId;  // Dynamics' resource is the organization's own URL
    } else if (isGuid(identifier)) {
        appId = identifier;
    } else {
        for (const Application& app : d.applications) {
            if (!d.isVisible(app.visibleAtMs))
                continue;
            for (const QJsonValue& uri : app.otherProperties.value(QStringLiteral("identifierUris")).toArray())
                if (sameIdentifier(uri.toString(), identifier))
                    appId = app.appId;
        }
    }
    const ServicePrincipal* sp = appId.isEmpty() ? nullptr : d.servicePrincipalByAppId(appId);
    if (!sp)
        return std::nullopt;
    Resource r{sp->appId, sp->displayName, sp->oauth2PermissionScopes, 1};
    if (const Application* app = d.applicationByAppId(sp->appId)) {
        r.tokenVersion = app->requestedAccessTokenVersion == 2 ? 2 : 1;
        r.scopes.append(publishedScopes(*app));
    }
    return r;
}

// "<resource>/.default" asked by an app that neither lists the resource among its API permissions
// nor has any of its permissions granted: Entra refuses the sign-in instead of issuing a token
// without permissions. First-party clients are preauthorized.
std::optional<Failure> unlistedResource(const Client& c, const DelegatedGrant& grant) {
    if (c.firstParty || !grant.isDefault || !grant.scopes.isEmpty())
        return std::nullopt;
    QStringList listed;
    for (const QJsonValue& entry : c.requiredResourceAccess)
        listed.append(entry.toObject().value(QStringLiteral("resourceAppId")).toString());
    return Failure{400, QStringLiteral("invalid_client"), 650057,
                   QStringLiteral("Invalid resource. The client has requested access to a resource which is not listed in the "
                                  "requested permissions in the client's application registration. Client app ID: %1(%2). "
                                  "Resource value from request: %3. Resource app ID: %4. List of valid resources from app "
                                  "registration: %5.")
                       .arg(c.appId, c.displayName, grant.audience, grant.resourceAppId, listed.join(QStringLiteral(", ")))};
}

// What "<resource>/.default" stands for: the delegated permissions the client is configured for
// (requiredResourceAccess) and those already granted to it tenant-wide.
QStringList defaultScopes(const Directory& d, const Client& c, const Resource& resource) {
    QStringList values = d.grantedScopes(c.appId, resource.appId, QString());
    for (const QJsonValue& entry : c.requiredResourceAccess) {
        const QJsonObject o = entry.toObject();
        if (o.value(QStringLiteral("resourceAppId")).toString().compare(resource.appId, Qt::CaseInsensitive) != 0)
            continue;
        for (const QJsonValue& access : o.value(QStringLiteral("resourceAccess")).toArray()) {
            const QJsonObject a = access.toObject();
            if (a.value(QStringLiteral("type")).toString() != QLatin1String("Scope"))
                continue;
            for (const PermissionScope& s : resource.scopes)
                if (s.id == a.value(QStringLiteral("id")).toString() && !values.contains(s.value))
                    values.append(s.value);
        }
    }
    return values;
}

// Reads a v2.0 scope parameter the way Entra does: the OpenID Connect scopes apart, every other
// scope is "<resource>/<permission>" (a bare permission is Microsoft Graph's), one resource per
// request. With defaultToGraph, a request for OpenID Connect scopes alone gets Microsoft Graph's
// User.Read, as Entra answers it; without, the grant is left without a resource.
std::optional<Failure> resolveScopes(Directory& d, const Client& c, const QString& scopeParam, bool defaultToGraph,
                                     DelegatedGrant* grant) {
    QString resourceName;
    QStringList values;
    std::optional<Resource> resource;
    for (const QString& token : scopeParam.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (kOidcScopes.contains(token, Qt::CaseInsensitive)) {
            if (!grant->oidcScopes.contains(token.toLower()))
                grant->oidcScopes.append(token.toLower());
            continue;
        }
        const qsizetype slash = token.lastIndexOf(QLatin1Char('/'));
        const QString name = slash < 0 ? kGraphResource : token.left(slash);
        if (!resource) {
            resource = findResource(d, name);
            if (!resource)
                return resourceNotFound(d, name);
            resourceName = name;
        } else if (!sameIdentifier(name, resourceName)) {
            const std::optional<Resource> other = findResource(d, name);
            if (!other || other->appId != resource->appId)
                return Failure{400, QStringLiteral("invalid_scope"), 28000,
                               QStringLiteral("Provided value for the input parameter scope is not valid because it "
                                              "contains more than one resource. Scope %1 is not valid.")
                                   .arg(scopeParam)};
        }
        values.append(slash < 0 ? token : token.mid(slash + 1));
    }
    if (!resource) {
        if (!defaultToGraph)
            return std::nullopt;
        resource = findResource(d, kGraphResource);
        if (!resource)
            return resourceNotFound(d, kGraphResource);
        resourceName = kGraphResource;
        values = {QStringLiteral("User.Read")};
    }
    grant->resourceAppId = resource->appId;
    grant->audience = withoutTrailingSlash(resourceName);
    if (values.contains(kDefaultScope)) {
        if (values.size() > 1)
            return invalidScope(scopeParam, QStringLiteral("is not valid. The .default scope can't be combined with "
                                                           "resource-specific scopes."));
        grant->isDefault = true;
        grant->scopes = defaultScopes(d, c, *resource);
        return std::nullopt;
    }
    for (const QString& value : values) {
        const PermissionScope* published = nullptr;
        for (const PermissionScope& s : resource->scopes)
            if (s.value.compare(value, Qt::CaseInsensitive) == 0)
                published = &s;
        if (!published)
            return invalidScope(grant->audience + QLatin1Char('/') + value,
                                QStringLiteral("does not exist on the resource '%1'.").arg(resource->appId));
        if (!grant->scopes.contains(published->value))
            grant->scopes.append(published->value);
    }
    return std::nullopt;
}

// The grant a code redemption or a refresh may have: what its scope parameter names, within what
// was consented. A parameter that names no resource keeps the consented permissions.
std::optional<Failure> narrowGrant(Directory& d, const Client& c, const QString& scopeParam,
                                   const DelegatedGrant& consented, DelegatedGrant* out) {
    *out = consented;
    DelegatedGrant requested;
    if (std::optional<Failure> f = resolveScopes(d, c, scopeParam, false, &requested))
        return f;
    if (requested.resourceAppId.isEmpty())
        return std::nullopt;
    if (requested.resourceAppId != consented.resourceAppId)
        return notConsented(c.appId, c.displayName);
    out->audience = requested.audience;
    if (requested.isDefault)
        return std::nullopt;
    for (const QString& s : requested.scopes)
        if (!consented.scopes.contains(s))
            return notConsented(c.appId, c.displayName);
    out->scopes = requested.scopes;
    return std::nullopt;
}

// ---- admin consent -------------------------------------------------------------------------------

// One permission of the client's requiredResourceAccess, resolved on its resource's service principal.
struct ConsentItem {
    QString resourceSpId, resourceName;
    QString appRoleId;  // empty for a delegated permission
    QString value;
    QString meaning;  // the permission's display name, for the consent page
};

Failure resourceWithoutServicePrincipal(const Directory& d, const QString& resourceAppId) {
    return {400, QStringLiteral("invalid_client"), 650052,
            QStringLiteral("The app is trying to access a service '%1' that your organization '%2' lacks a service "
                           "principal for. Contact your IT Admin to review the configuration of your service "
                           "subscriptions or consent to the application in order to create the required service "
                           "principal.")
                .arg(resourceAppId, d.tenant.id)};
}

// What an administrator's consent grants the client, resolved in full first so that a refused
// consent grants nothing.
std::optional<Failure> consentItems(Directory& d, const Client& c, QList<ConsentItem>* items) {
    for (const QJsonValue& entry : c.requiredResourceAccess) {
        const QJsonObject o = entry.toObject();
        const QString resourceAppId = o.value(QStringLiteral("resourceAppId")).toString();
        const std::optional<Resource> resource = findResource(d, resourceAppId);
        const ServicePrincipal* sp = d.servicePrincipalByAppId(resourceAppId);
        if (!resource || !sp)
            return resourceWithoutServicePrincipal(d, resourceAppId);
        for (const QJsonValue& v : o.value(QStringLiteral("resourceAccess")).toArray()) {
            const QJsonObject access = v.toObject();
            const QString id = access.value(QStringLiteral("id")).toString();
            ConsentItem item{sp->id, sp->displayName, QString(), QString(), QString()};
            if (access.value(QStringLiteral("type")).toString() == QLatin1String("Role")) {
                for (const AppRole& role : sp->appRoles)
                    if (role.id.compare(id, Qt::CaseInsensitive) == 0 &&
                        role.allowedMemberTypes.contains(QStringLiteral("Application"))) {
                        item.appRoleId = role.id;
                        item.value = role.value;
                        item.meaning = role.displayName;
                    }
            } else {
                for (const PermissionScope& scope : resource->scopes)
                    if (scope.id.compare(id, Qt::CaseInsensitive) == 0) {
                        item.value = scope.value;
                        item.meaning = scope.adminConsentDisplayName;
                    }
            }
            if (item.value.isEmpty())
                return Failure{400, QStringLiteral("invalid_client"), 650053,
                               QStringLiteral("The application '%1' asked for scope '%2' that doesn't exist on the "
                                              "resource '%3'. Contact the app vendor.")
                                   .arg(c.displayName, id, resourceAppId)};
            items->append(item);
        }
    }
    return std::nullopt;
}

// Writes what Entra writes when an administrator accepts: app role assignments for the application
// permissions and one tenant-wide grant per resource for the delegated ones. What is granted
// already stays as it is, so consenting again adds nothing.
void grantConsent(Directory& d, const ServicePrincipal& client, const QList<ConsentItem>& items) {
    for (const ConsentItem& item : items) {
        if (!item.appRoleId.isEmpty()) {
            const bool assigned = std::any_of(
                d.appRoleAssignments.cbegin(), d.appRoleAssignments.cend(), [&](const AppRoleAssignment& a) {
                    return a.principalId == client.id && a.resourceId == item.resourceSpId && a.appRoleId == item.appRoleId;
                });
            if (!assigned)
                d.addAppRoleAssignment(AppRoleAssignment{QString(), client.id, QStringLiteral("ServicePrincipal"),
                                                         client.displayName, item.resourceSpId, item.resourceName,
                                                         item.appRoleId, QString()});
            continue;
        }
        const auto grant = std::find_if(d.permissionGrants.begin(), d.permissionGrants.end(),
                                        [&](const OAuth2PermissionGrant& g) {
                                            return g.clientId == client.id && g.resourceId == item.resourceSpId &&
                                                   g.consentType == QLatin1String("AllPrincipals");
                                        });
        if (grant == d.permissionGrants.end()) {
            d.addPermissionGrant(OAuth2PermissionGrant{QString(), client.id, QStringLiteral("AllPrincipals"), QString(),
                                                       item.resourceSpId, item.value});
            continue;
        }
        QStringList scopes = grant->scope.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (!scopes.contains(item.value)) {
            scopes.append(item.value);
            grant->scope = scopes.join(QLatin1Char(' '));
        }
    }
}

// ---- client authentication ---------------------------------------------------------------------

struct ClientCredentials {
    QString id, secret;
};

// client_secret_post, or client_secret_basic (form-urlencoded id and secret in an Authorization header).
ClientCredentials clientCredentials(const Request& r) {
    ClientCredentials c{r.formValue(QStringLiteral("client_id")), r.formValue(QStringLiteral("client_secret"))};
    const QByteArray auth = r.header("authorization");
    if (auth.size() > 6 && auth.left(6).compare("Basic ", Qt::CaseInsensitive) == 0) {
        const QByteArray decoded = QByteArray::fromBase64(auth.mid(6).trimmed());
        const qsizetype colon = decoded.indexOf(':');
        if (colon > 0) {
            if (c.id.isEmpty())
                c.id = QUrl::fromPercentEncoding(decoded.left(colon));
            if (c.secret.isEmpty())
                c.secret = QUrl::fromPercentEncoding(decoded.mid(colon + 1));
        }
    }
    return c;
}

std::optional<Failure> secretFailure(const Directory& d, const QString& clientId, Directory::SecretCheck check) {
    switch (check) {
    case Directory::SecretCheck::Ok:
        return std::nullopt;
    case Directory::SecretCheck::UnknownApplication:
        // Also what a just-created app gets until it has replicated.
        return unknownClient(d, clientId);
    case Directory::SecretCheck::WrongSecret:
        return Failure{401, QStringLiteral("invalid_client"), 7000215,
                       QStringLiteral("Invalid client secret provided. Ensure the secret being sent in the request is the "
                                      "client secret value, not the client secret ID, for a secret added to app '%1'.")
                           .arg(clientId)};
    case Directory::SecretCheck::ExpiredSecret:
        return Failure{401, QStringLiteral("invalid_client"), 7000222,
                       QStringLiteral("The provided client secret keys for app '%1' are expired. Visit the Azure portal "
                                      "to create new keys for your app: https://aka.ms/NewClientSecret, or consider using "
                                      "certificate credentials for added security: https://aka.ms/certCreds.")
                           .arg(clientId)};
    }
    return std::nullopt;
}

// Public clients send no secret; a confidential one must prove itself with one.
std::optional<Failure> authenticateClient(const Directory& d, const Client& c, const ClientCredentials& creds,
                                          bool publicAllowed) {
    if (!creds.secret.isEmpty()) {
        if (c.firstParty)
            return Failure{401, QStringLiteral("invalid_client"), 700025,
                           QStringLiteral("Client is public so neither 'client_assertion' nor 'client_secret' should be "
                                          "presented.")};
        return secretFailure(d, c.appId, d.checkClientSecret(c.appId, creds.secret));
    }
    if (publicAllowed)
        return std::nullopt;
    return Failure{401, QStringLiteral("invalid_client"), 7000218,
                   QStringLiteral("The request body must contain the following parameter: 'client_assertion' or "
                                  "'client_secret'.")};
}

// ---- tokens ------------------------------------------------------------------------------------

QString v1Issuer(const QString& tenantId) { return QStringLiteral("https://sts.windows.net/%1/").arg(tenantId); }
QString v2Issuer(const QString& tenantId) {
    return QStringLiteral("https://login.microsoftonline.com/%1/v2.0").arg(tenantId);
}

int tokenVersion(Directory& d, const QString& resourceAppId) {
    const Application* app = d.applicationByAppId(resourceAppId);
    return app && app->requestedAccessTokenVersion == 2 ? 2 : 1;
}

// The claims every access token has. The resource's requested version decides the issuer, the
// audience (v2: the resource's application id) and how the client is named (v1 appid, v2 azp).
QJsonObject accessTokenClaims(const Directory& d, int version, const QString& audience, const QString& resourceAppId,
                              const QString& clientAppId, bool publicClient) {
    const qint64 now = nowSeconds();
    const QString authLevel = publicClient ? QStringLiteral("0") : QStringLiteral("1");
    QJsonObject claims{{QStringLiteral("aud"), version == 2 ? resourceAppId : audience},
                       {QStringLiteral("iss"), version == 2 ? v2Issuer(d.tenant.id) : v1Issuer(d.tenant.id)},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("nbf"), now},
                       {QStringLiteral("exp"), now + kTokenLifetimeSeconds},
                       {QStringLiteral("tid"), d.tenant.id},
                       {QStringLiteral("uti"), randomString(16)},
                       {QStringLiteral("ver"), version == 2 ? QStringLiteral("2.0") : QStringLiteral("1.0")}};
    if (version == 2) {
        claims.insert(QStringLiteral("azp"), clientAppId);
        claims.insert(QStringLiteral("azpacr"), authLevel);
    } else {
        claims.insert(QStringLiteral("appid"), clientAppId);
        claims.insert(QStringLiteral("appidacr"), authLevel);
    }
    return claims;
}

// Entra's sub is pairwise: stable for one user and one application, different across applications.
QString pairwiseSubject(const QString& userId, const QString& clientAppId) {
    return QString::fromLatin1(
        base64Url(QCryptographicHash::hash((userId + clientAppId).toUtf8(), QCryptographicHash::Sha256)));
}

QString responseScope(const DelegatedGrant& grant) {
    QStringList scopes;
    for (const QString& s : grant.scopes)
        scopes.append(grant.audience + QLatin1Char('/') + s);
    for (const QString& s : grant.oidcScopes)
        if (s != kOfflineAccess)
            scopes.append(s);
    return scopes.join(QLatin1Char(' '));
}

// Microsoft's libraries send client_info=1 and build their account cache from the answer's
// client_info: base64url of {"uid": the user's object id, "utid": the tenant id}.
bool wantsClientInfo(const Request& r) { return r.formValue(QStringLiteral("client_info")) == QLatin1String("1"); }

// The token response of a delegated grant: the access token for the resource, a refresh token when
// offline_access was consented (stored with everything consented), an ID token when openid was,
// and client_info when the request asked for it.
Response delegatedTokens(SandboxState& s, const Client& c, bool publicClient, const User& user,
                         const DelegatedGrant& consented, const DelegatedGrant& issued, const QString& nonce,
                         bool clientInfo) {
    Directory& d = s.directory;
    const int version = tokenVersion(d, issued.resourceAppId);
    QJsonObject claims = accessTokenClaims(d, version, issued.audience, issued.resourceAppId, c.appId, publicClient);
    claims.insert(QStringLiteral("oid"), user.id);
    claims.insert(QStringLiteral("sub"), pairwiseSubject(user.id, c.appId));
    claims.insert(QStringLiteral("name"), user.displayName);
    claims.insert(QStringLiteral("amr"), QJsonArray{QStringLiteral("pwd")});
    if (version == 2) {
        claims.insert(QStringLiteral("preferred_username"), user.userPrincipalName);
    } else {
        claims.insert(QStringLiteral("upn"), user.userPrincipalName);
        claims.insert(QStringLiteral("unique_name"), user.userPrincipalName);
    }
    // A token without permissions has no scp at all, which resources refuse as Graph does.
    if (!issued.scopes.isEmpty())
        claims.insert(QStringLiteral("scp"), issued.scopes.join(QLatin1Char(' ')));

    QJsonObject body{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                     {QStringLiteral("scope"), responseScope(issued)},
                     {QStringLiteral("expires_in"), kTokenLifetimeSeconds},
                     {QStringLiteral("ext_expires_in"), kTokenLifetimeSeconds},
                     {QStringLiteral("access_token"), QString::fromLatin1(s.tokens.sign(claims))}};
    if (consented.hasOidc(kOfflineAccess)) {
        const QString refreshToken = QStringLiteral("1.A") + randomString(96);
        pruneExpired(s.entra.refreshTokens, d.nowMs());
        s.entra.refreshTokens.insert(refreshToken,
                                     RefreshSession{c.appId, user.id, publicClient, consented, d.nowMs() + kRefreshLifetimeMs, false});
        body.insert(QStringLiteral("refresh_token"), refreshToken);
    }
    if (issued.hasOidc(kOpenId)) {
        const qint64 now = nowSeconds();
        QJsonObject id{{QStringLiteral("aud"), c.appId},
                       {QStringLiteral("iss"), v2Issuer(d.tenant.id)},
                       {QStringLiteral("iat"), now},
                       {QStringLiteral("nbf"), now},
                       {QStringLiteral("exp"), now + kTokenLifetimeSeconds},
                       {QStringLiteral("name"), user.displayName},
                       {QStringLiteral("oid"), user.id},
                       {QStringLiteral("preferred_username"), user.userPrincipalName},
                       {QStringLiteral("sub"), pairwiseSubject(user.id, c.appId)},
                       {QStringLiteral("tid"), d.tenant.id},
                       {QStringLiteral("ver"), QStringLiteral("2.0")}};
        if (!nonce.isEmpty())
            id.insert(QStringLiteral("nonce"), nonce);
        body.insert(QStringLiteral("id_token"), QString::fromLatin1(s.tokens.sign(id)));
    }
    if (clientInfo)
        body.insert(QStringLiteral("client_info"),
                    QString::fromLatin1(base64Url(QJsonDocument(QJsonObject{{QStringLiteral("uid"), user.id},
                                                                            {QStringLiteral("utid"), d.tenant.id}})
                                                      .toJson(QJsonDocument::Compact))));
    return tokenResponse(body);
}

// ---- pages ---------------------------------------------------------------------------------------

QString esc(const QString& s) { return s.toHtmlEscaped(); }

// Up to two letters that stand for a name, for the round badge the pages show for a tenant or an app.
QString initials(const QString& name) {
    QString letters;
    for (const QString& word : name.split(QLatin1Char(' '), Qt::SkipEmptyParts))
        if (word.front().isLetterOrNumber() && letters.size() < 2)
            letters += word.front().toUpper();
    return letters.isEmpty() ? QStringLiteral("?") : letters;
}

// A page of the sign-in experience: the sandbox banner, then a card; with a tenant name, the card
// opens with the tenant's branding line, as a tenant's own sign-in pages do.
Response page(int status, const QString& title, const QString& body, const QString& tenantName = {}) {
    const QString brand =
        tenantName.isEmpty()
            ? QString()
            : QStringLiteral("<div class=\"brand\"><span class=\"badge\">%1</span><span>%2</span></div>").arg(esc(initials(tenantName)), esc(tenantName));
    return Response::html(
        status,
        QStringLiteral(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>"
            "body{font-family:'Segoe UI',system-ui,sans-serif;margin:0;background:#eef1f5;color:#1b1b1b}"
            ".banner{background:#7a4b00;color:#fff;padding:8px 16px;font-size:13px}"
            "main{background:#fff;max-width:440px;margin:28px auto;padding:28px 44px 24px;box-shadow:0 2px 6px rgba(0,0,0,.2)}"
            ".brand{display:flex;align-items:center;gap:10px;font-size:15px;font-weight:600;color:#333;margin-bottom:18px}"
            ".badge{display:inline-flex;align-items:center;justify-content:center;width:30px;height:30px;border-radius:4px;"
            "background:#0067b8;color:#fff;font-size:13px;font-weight:700}"
            ".account{display:inline-block;border:1px solid #ccc;border-radius:14px;padding:3px 12px;font-size:13px;color:#333}"
            "h1{font-size:24px;font-weight:600;margin:14px 0 16px}label{display:block;margin:12px 0 4px;font-size:14px}"
            "input{width:100%;padding:7px 4px;box-sizing:border-box;font-size:15px;border:none;border-bottom:1px solid #666}"
            "input:focus{outline:none;border-bottom:2px solid #0067b8}.error{color:#a80000;font-size:14px}"
            ".muted{color:#5f5f5f;font-size:13px}.buttons{margin-top:22px;display:flex;gap:8px;justify-content:flex-end}"
            "button{padding:7px 22px;font-size:15px;border:1px solid #8a8a8a;background:#e6e6e6}"
            "button.primary{background:#0067b8;color:#fff;border-color:#0067b8}"
            ".app{display:flex;align-items:center;gap:12px;margin:6px 0 14px}.app .badge{width:42px;height:42px;font-size:16px;"
            "background:#5c2d91}.app-name{font-size:16px;font-weight:600}"
            "ul.perms{list-style:none;padding:0;margin:8px 0 18px}ul.perms li{display:flex;gap:10px;padding:5px 0;"
            "border-bottom:1px solid #eee;font-size:14px}ul.perms li:before{content:'\\2713';color:#107c10;font-weight:700}"
            ".scope{color:#5f5f5f;font-size:12px;font-family:Consolas,monospace;margin-top:2px}"
            ".section{font-size:14px;margin:18px 0 0}.footer{margin-top:22px;border-top:1px solid #eee;padding-top:10px}"
            "</style></head><body><div class=\"banner\">Sandbox: an offline imitation of Microsoft Entra ID for the DCR "
            "wizard. Nothing here reaches Microsoft and no real account is used.</div><main>%2%3</main></body></html>\n")
            .arg(esc(title), brand, body));
}

Response errorPage(const Failure& f) {
    return page(f.status, QStringLiteral("Sign in"),
                QStringLiteral("<h1>Sorry, but we're having trouble signing you in.</h1><p class=\"error\">AADSTS%1: %2</p>")
                    .arg(f.code)
                    .arg(esc(f.description)));
}

// The user a sign-in page offers: the one the client hinted at if the directory has them,
// otherwise the seeded administrator.
const User* offeredUser(SandboxState& s, const QString& loginHint) {
    if (const User* hinted = loginHint.isEmpty() ? nullptr : s.directory.userByName(loginHint))
        return hinted;
    if (const User* admin = s.directory.userByName(s.seed.adminUserPrincipalName))
        return admin;
    return s.directory.users.isEmpty() ? nullptr : &s.directory.users.first();
}

// Empty when the credentials are right; otherwise what the sign-in page says.
QString checkCredentials(Directory& d, const QString& username, const QString& password, const User** user) {
    *user = d.userByName(username);
    if (!*user)
        return QStringLiteral("AADSTS50034: The user account %1 does not exist in the %2 directory. To sign into this "
                              "application, the account must be added to the directory.")
            .arg(username, d.tenant.id);
    if ((*user)->password != password)
        return QStringLiteral("AADSTS50126: Error validating credentials due to invalid username or password.");
    return {};
}

struct SignInForm {
    QString action;                             // where the form posts
    QList<QPair<QString, QString>> hidden;      // what identifies the sign-in being answered
    QString username, password, error;
};

// Who asks for what, on whose behalf, with a sign-in form that approves or declines it: laid out
// as Entra's own "Permissions requested" page, the tenant's branding first.
Response consentPage(SandboxState& s, const Client& c, const DelegatedGrant& grant, const SignInForm& form) {
    Directory& d = s.directory;
    const std::optional<Resource> resource = findResource(d, grant.resourceAppId);
    const QString resourceName = resource ? resource->displayName : grant.audience;
    QString items;
    for (const QString& value : grant.scopes) {
        QString meaning;
        for (const PermissionScope& p : resource ? resource->scopes : QList<PermissionScope>())
            if (p.value == value)
                meaning = p.adminConsentDisplayName;
        items += QStringLiteral("<li><div>%1<div class=\"scope\">%2 &middot; %3</div></div></li>")
                     .arg(esc(meaning.isEmpty() ? value : meaning), esc(resourceName), esc(value));
    }
    if (grant.hasOidc(kOpenId))
        items += QStringLiteral("<li><div>Sign you in and read your profile<div class=\"scope\">openid profile</div></div></li>");
    if (grant.hasOidc(kOfflineAccess))
        items += QStringLiteral("<li><div>Maintain access to data you have given it access to<div class=\"scope\">"
                                "offline_access</div></div></li>");
    const User* user = d.userByName(form.username);
    QString hidden;
    for (const auto& [name, value] : form.hidden)
        hidden += QStringLiteral("<input type=\"hidden\" name=\"%1\" value=\"%2\">").arg(esc(name), esc(value));
    // Built in pieces: a second arg() pass would also replace any "%N" inside the values.
    const QString request =
        QStringLiteral("%1<h1>Permissions requested</h1><div class=\"app\"><span class=\"badge\">%2</span><div>"
                       "<div class=\"app-name\">%3</div><div class=\"muted\">App ID %4</div></div></div>"
                       "<p>This application would like to sign you in to <b>%5</b> and to:</p><ul class=\"perms\">%6</ul>")
            .arg(user ? QStringLiteral("<span class=\"account\">%1</span>").arg(esc(user->userPrincipalName)) : QString(),
                 esc(initials(c.displayName)), esc(c.displayName), esc(c.appId), esc(d.tenant.displayName), items);
    const QString fields =
        QStringLiteral("<form method=\"post\" action=\"%1\">%2<p class=\"section\">Sign in%3</p>"
                       "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" value=\"%4\">"
                       "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
                       "type=\"password\" value=\"%5\"><p class=\"error\">%6</p>")
            .arg(esc(form.action), hidden, user ? QStringLiteral(" as <b>%1</b>").arg(esc(user->displayName)) : QString(),
                 esc(form.username), esc(form.password), esc(form.error));
    const QString footer = QStringLiteral("<p class=\"muted footer\">Tenant %1 &middot; %2</p>").arg(esc(d.tenant.displayName), esc(d.tenant.id));
    const QString body =
        request + fields +
        QStringLiteral("<p class=\"muted\">Accepting lets the application use these permissions as you. The sandbox fills in "
                       "its seeded administrator.</p><div class=\"buttons\"><button type=\"submit\" name=\"action\" "
                       "value=\"approve\" class=\"primary\">Sign in and accept</button><button type=\"submit\" "
                       "name=\"action\" value=\"cancel\">Cancel</button></div></form>") +
        footer;
    return page(200, QStringLiteral("Sign in to your account"), body, d.tenant.displayName);
}

Response deviceCodeEntryPage(const QString& tenantName, const QString& prefill, const QString& error) {
    return page(200, QStringLiteral("Enter code"),
                QStringLiteral("<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>"
                               "<form method=\"post\" action=\"/login/device\"><label for=\"user_code\">Code</label>"
                               "<input id=\"user_code\" name=\"user_code\" value=\"%1\" autocomplete=\"off\">"
                               "<p class=\"error\">%2</p><div class=\"buttons\"><button type=\"submit\" "
                               "class=\"primary\">Next</button></div></form>")
                    .arg(esc(prefill), esc(error)),
                tenantName);
}

Response messagePage(const QString& tenantName, const QString& title, const QString& message) {
    return page(200, title, QStringLiteral("<h1>%1</h1><p>%2</p>").arg(esc(title), esc(message)), tenantName);
}

// ---- the Microsoft identity platform -------------------------------------------------------------

class Entra {
public:
    explicit Entra(SandboxState& state) : m_s(state) {}

    Response discoveryV2(const Request& r);
    Response discoveryV1(const Request& r);
    Response keys(const Request& r);
    Response instanceDiscovery(const Request& r);
    Response authorize(const Request& r);
    Response authorizeAnswer(const Request& r);
    Response deviceCode(const Request& r);
    Response devicePage(const Request& r);
    Response deviceAnswer(const Request& r);
    Response approveDeviceCode(const Request& r);
    Response adminConsent(const Request& r);
    Response adminConsentAnswer(const Request& r);
    Response tokenV2(const Request& r);
    Response tokenV1(const Request& r);
    Response fallback(const Request& r);

private:
    Directory& dir() { return m_s.directory; }
    QString loginBase() const { return m_s.baseUrl + QStringLiteral("/login"); }
    QString tenantSegment(const QString& tenant) { return isMultiTenantAlias(tenant) ? tenant.toLower() : dir().tenant.id; }

    Response issueCode(const PendingAuthorization& p, const User& user);
    Response consentForAuthorization(const QString& tenant, const QString& id, const PendingAuthorization& p,
                                     const QString& username, const QString& password, const QString& error);
    Response consentForDevice(const DeviceAuthorization& a, const QString& username, const QString& password,
                              const QString& error);
    DeviceAuthorization* deviceByUserCode(const QString& typed);
    Response redeemCode(const Request& r, const Client& c, const ClientCredentials& creds);
    Response pollDeviceCode(const Request& r, const Client& c, const ClientCredentials& creds);
    Response refresh(const Request& r, const Client& c, const ClientCredentials& creds);
    Response clientCredentialsGrant(const Request& r, const QString& tenant, bool v1);
    Response consentForOrganization(const Request& r, bool answered);
    Response adminConsentPrompt(const Request& r, const Client& c, const QList<ConsentItem>& items, const QString& username,
                                const QString& password, const QString& error);

    SandboxState& m_s;
};

Response Entra::discoveryV2(const Request& r) {
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(dir(), tenant, QStringLiteral("invalid_tenant")))
        return f->response();
    const QString segment = tenantSegment(tenant);
    const QString oauth = loginBase() + QLatin1Char('/') + segment + QStringLiteral("/oauth2/v2.0/");
    const QString issuerTenant = isMultiTenantAlias(tenant) ? QStringLiteral("{tenantid}") : dir().tenant.id;
    // The issuer is the real service's, as in the tokens; only the endpoints are the sandbox's.
    return Response::json(
        200, QJsonObject{{QStringLiteral("issuer"), v2Issuer(issuerTenant)},
                         {QStringLiteral("authorization_endpoint"), oauth + QStringLiteral("authorize")},
                         {QStringLiteral("token_endpoint"), oauth + QStringLiteral("token")},
                         {QStringLiteral("device_authorization_endpoint"), oauth + QStringLiteral("devicecode")},
                         {QStringLiteral("jwks_uri"), loginBase() + QLatin1Char('/') + segment + QStringLiteral("/discovery/v2.0/keys")},
                         {QStringLiteral("token_endpoint_auth_methods_supported"),
                          QJsonArray{QStringLiteral("client_secret_post"), QStringLiteral("client_secret_basic")}},
                         {QStringLiteral("response_types_supported"), QJsonArray{QStringLiteral("code")}},
                         {QStringLiteral("response_modes_supported"), QJsonArray{QStringLiteral("query")}},
                         {QStringLiteral("scopes_supported"), QJsonArray::fromStringList(kOidcScopes)},
                         {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("pairwise")}},
                         {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}},
                         {QStringLiteral("claims_supported"),
                          QJsonArray{QStringLiteral("sub"), QStringLiteral("iss"), QStringLiteral("aud"), QStringLiteral("exp"),
                                     QStringLiteral("iat"), QStringLiteral("nbf"), QStringLiteral("name"),
                                     QStringLiteral("nonce"), QStringLiteral("oid"), QStringLiteral("preferred_username"),
                                     QStringLiteral("tid"), QStringLiteral("ver")}},
                         {QStringLiteral("request_uri_parameter_supported"), false},
                         {QStringLiteral("cloud_instance_name"), QStringLiteral("microsoftonline.com")},
                         {QStringLiteral("msgraph_host"), QStringLiteral("graph.microsoft.com")}});
}

Response Entra::discoveryV1(const Request& r) {
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(dir(), tenant, QStringLiteral("invalid_tenant")))
        return f->response();
    const QString issuerTenant = isMultiTenantAlias(tenant) ? QStringLiteral("{tenantid}") : dir().tenant.id;
    // The sandbox's v1 endpoint serves client credentials only, so no v1 authorize or device code
    // endpoint is named.
    return Response::json(
        200, QJsonObject{{QStringLiteral("issuer"), v1Issuer(issuerTenant)},
                         {QStringLiteral("token_endpoint"),
                          loginBase() + QLatin1Char('/') + tenantSegment(tenant) + QStringLiteral("/oauth2/token")},
                         {QStringLiteral("jwks_uri"), loginBase() + QStringLiteral("/common/discovery/keys")},
                         {QStringLiteral("token_endpoint_auth_methods_supported"),
                          QJsonArray{QStringLiteral("client_secret_post"), QStringLiteral("client_secret_basic")}},
                         {QStringLiteral("subject_types_supported"), QJsonArray{QStringLiteral("pairwise")}},
                         {QStringLiteral("id_token_signing_alg_values_supported"), QJsonArray{QStringLiteral("RS256")}},
                         {QStringLiteral("cloud_instance_name"), QStringLiteral("microsoftonline.com")},
                         {QStringLiteral("msgraph_host"), QStringLiteral("graph.microsoft.com")}});
}

Response Entra::keys(const Request& r) {
    if (std::optional<Failure> f = checkTenant(dir(), r.params.value(0), QStringLiteral("invalid_tenant")))
        return f->response();
    return Response::json(200, m_s.tokens.jwks());
}

// Instance discovery, which Microsoft's libraries ask before they trust an authority they do not
// know: for an authorize endpoint of this instance, where the tenant's discovery document is
// (v2.0 for a v2.0 endpoint) and which host names are the same instance. The port is not
// compared: MSAL drops it from the authorize endpoint it sends.
Response Entra::instanceDiscovery(const Request& r) {
    const QUrl sandbox(m_s.baseUrl);
    const QStringList aliases{sandbox.host()};
    QJsonObject body{{QStringLiteral("api-version"), queryParam(r, QStringLiteral("api-version"))},
                     {QStringLiteral("metadata"),
                      QJsonArray{QJsonObject{{QStringLiteral("preferred_network"), sandbox.host()},
                                             {QStringLiteral("preferred_cache"), sandbox.host()},
                                             {QStringLiteral("aliases"), QJsonArray::fromStringList(aliases)}}}}};
    const QString asked = queryParam(r, QStringLiteral("authorization_endpoint"));
    if (asked.isEmpty())
        return Response::json(200, body);
    static const QRegularExpression authorizePath(QStringLiteral("^/login/([^/]+)/oauth2/(v2\\.0/)?authorize/?$"));
    const QUrl endpoint(asked);
    const QRegularExpressionMatch m = authorizePath.match(endpoint.path());
    if (endpoint.scheme() != sandbox.scheme() || !aliases.contains(endpoint.host()) || !m.hasMatch())
        return Failure{400, QStringLiteral("invalid_instance"), 50049,
                       QStringLiteral("Unknown or invalid instance.")}
            .response();
    body.insert(QStringLiteral("tenant_discovery_endpoint"),
                loginBase() + QLatin1Char('/') + m.captured(1) + (m.captured(2).isEmpty() ? QString() : QStringLiteral("/v2.0")) +
                    QStringLiteral("/.well-known/openid-configuration"));
    return Response::json(200, body);
}

Response Entra::authorize(const Request& r) {
    Directory& d = dir();
    const QString tenant = r.params.value(0);
    std::optional<Client> client;
    if (std::optional<Failure> f = pageClient(d, r, &client))
        return errorPage(*f);
    PendingAuthorization p;
    p.redirectUri = queryParam(r, QStringLiteral("redirect_uri"));
    // Until the redirect URI is known to be the client's, errors stay in the browser.
    if (std::optional<Failure> f = checkRedirect(*client, p.redirectUri, &p.publicClient))
        return errorPage(*f);

    p.state = queryParam(r, QStringLiteral("state"));
    const auto fail = [&](const Failure& f) { return redirectError(p.redirectUri, f, p.state); };
    const QString responseType = queryParam(r, QStringLiteral("response_type"));
    if (responseType.isEmpty())
        return fail(missingParameter(QStringLiteral("response_type")));
    if (responseType != QLatin1String("code"))
        return fail(Failure{400, QStringLiteral("unsupported_response_type"), 700054,
                            QStringLiteral("response_type '%1' is not enabled for the application.").arg(responseType)});
    p.codeChallenge = queryParam(r, QStringLiteral("code_challenge"));
    const QString method = queryParam(r, QStringLiteral("code_challenge_method"));
    if ((p.publicClient && p.codeChallenge.isEmpty()) ||
        (!p.codeChallenge.isEmpty() && method != QLatin1String("S256")))
        return fail(Failure{400, QStringLiteral("invalid_request"), 9002325,
                            QStringLiteral("Proof Key for Code Exchange is required for this client: send code_challenge "
                                           "with code_challenge_method S256.")});
    const QString scope = queryParam(r, QStringLiteral("scope"));
    if (scope.trimmed().isEmpty())
        return fail(missingParameter(QStringLiteral("scope")));
    if (std::optional<Failure> f = resolveScopes(d, *client, scope, true, &p.grant))
        return fail(*f);
    p.clientId = client->appId;
    p.clientName = client->displayName;
    p.nonce = queryParam(r, QStringLiteral("nonce"));
    p.loginHint = queryParam(r, QStringLiteral("login_hint"));

    const User* user = offeredUser(m_s, p.loginHint);
    if (!user)
        return errorPage(Failure{400, QStringLiteral("invalid_request"), 50034,
                                 QStringLiteral("The directory has no user to sign in.")});
    if (m_s.entra.autoApprove)
        return issueCode(p, *user);
    if (queryParam(r, QStringLiteral("prompt")) == QLatin1String("none"))
        return fail(Failure{400, QStringLiteral("login_required"), 50058,
                            QStringLiteral("A silent sign-in request was sent but no user is signed in.")});
    p.expiresAtMs = d.nowMs() + kConsentPageLifetimeMs;
    pruneExpired(m_s.entra.pendingAuthorizations, d.nowMs());
    const QString id = randomString(24);
    m_s.entra.pendingAuthorizations.insert(id, p);
    return consentForAuthorization(tenant, id, p, user->userPrincipalName, user->password, QString());
}

Response Entra::consentForAuthorization(const QString& tenant, const QString& id, const PendingAuthorization& p,
                                        const QString& username, const QString& password, const QString& error) {
    const std::optional<Client> client = findClient(dir(), p.clientId);
    if (!client)
        return errorPage(unknownClient(dir(), p.clientId));
    const SignInForm form{QStringLiteral("/login/%1/oauth2/v2.0/authorize").arg(tenant),
                          {{QStringLiteral("request"), id}},
                          username,
                          password,
                          error};
    return consentPage(m_s, *client, p.grant, form);
}

Response Entra::issueCode(const PendingAuthorization& p, const User& user) {
    Directory& d = dir();
    const QString code = QStringLiteral("1.A") + randomString(96);
    pruneExpired(m_s.entra.codes, d.nowMs() - kCodeLifetimeMs);
    m_s.entra.codes.insert(code, AuthorizationCode{p.clientId, p.redirectUri, p.codeChallenge, p.nonce, user.id,
                                                   p.publicClient, p.grant, d.nowMs() + kCodeLifetimeMs, false});
    QList<QPair<QString, QString>> params{{QStringLiteral("code"), code}};
    if (!p.state.isEmpty())
        params.append({QStringLiteral("state"), p.state});
    params.append({QStringLiteral("session_state"), newGuid()});
    return redirectTo(p.redirectUri, params);
}

Response Entra::authorizeAnswer(const Request& r) {
    const QString id = r.formValue(QStringLiteral("request"));
    const auto it = m_s.entra.pendingAuthorizations.constFind(id);
    if (it == m_s.entra.pendingAuthorizations.constEnd() || it->expiresAtMs <= dir().nowMs())
        return errorPage(Failure{400, QStringLiteral("invalid_request"), 50089,
                                 QStringLiteral("Flow token expired - Authentication Failed. Start the sign-in again "
                                                "from the application.")});
    const PendingAuthorization p = *it;
    if (r.formValue(QStringLiteral("action")) == QLatin1String("cancel")) {
        m_s.entra.pendingAuthorizations.remove(id);
        return redirectError(p.redirectUri, userDeclined(QStringLiteral("access_denied")), p.state,
                             {{QStringLiteral("error_subcode"), QStringLiteral("cancel")}});
    }
    const QString username = r.formValue(QStringLiteral("username"));
    const QString password = r.formValue(QStringLiteral("password"));
    const User* user = nullptr;
    const QString problem = checkCredentials(dir(), username, password, &user);
    if (!problem.isEmpty())
        return consentForAuthorization(r.params.value(0), id, p, username, QString(), problem);
    m_s.entra.pendingAuthorizations.remove(id);
    return issueCode(p, *user);
}

Response Entra::deviceCode(const Request& r) {
    Directory& d = dir();
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(d, tenant))
        return f->response();
    const QString clientId = r.formValue(QStringLiteral("client_id"));
    if (clientId.isEmpty())
        return missingParameter(QStringLiteral("client_id")).response();
    const std::optional<Client> client = findClient(d, clientId);
    if (!client)
        return unknownClient(d, clientId).response();
    if (std::optional<Failure> f = checkClientTenant(*client, tenant))
        return f->response();
    const QString scope = r.formValue(QStringLiteral("scope"));
    if (scope.trimmed().isEmpty())
        return missingParameter(QStringLiteral("scope")).response();
    DeviceAuthorization a;
    if (std::optional<Failure> f = resolveScopes(d, *client, scope, true, &a.grant))
        return f->response();

    // Expired codes are kept a while so that late polls hear expired_token.
    pruneExpired(m_s.entra.deviceAuthorizations, d.nowMs() - kDeviceCodeLifetimeSeconds * 1000LL);
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    auto* rng = QRandomGenerator::system();
    do {
        a.userCode.clear();
        for (int i = 0; i < 9; ++i)
            a.userCode += QLatin1Char(alphabet[rng->bounded(static_cast<int>(sizeof(alphabet) - 1))]);
    } while (deviceByUserCode(a.userCode));
    a.deviceCode = QStringLiteral("DAQABIQEAAAD") + randomString(96);
    a.clientId = client->appId;
    a.clientName = client->displayName;
    a.expiresAtMs = d.nowMs() + kDeviceCodeLifetimeSeconds * 1000LL;
    m_s.entra.deviceAuthorizations.insert(a.deviceCode, a);
    const QString verificationUri = loginBase() + QStringLiteral("/device");
    return Response::json(
        200, QJsonObject{{QStringLiteral("user_code"), a.userCode},
                         {QStringLiteral("device_code"), a.deviceCode},
                         {QStringLiteral("verification_uri"), verificationUri},
                         {QStringLiteral("expires_in"), kDeviceCodeLifetimeSeconds},
                         {QStringLiteral("interval"), m_s.entra.deviceCodeIntervalSeconds},
                         {QStringLiteral("message"),
                          QStringLiteral("To sign in, use a web browser to open the page %1 and enter the code %2 to "
                                         "authenticate.")
                              .arg(verificationUri, a.userCode)}});
}

DeviceAuthorization* Entra::deviceByUserCode(const QString& typed) {
    const QString code = normalisedUserCode(typed);
    for (DeviceAuthorization& a : m_s.entra.deviceAuthorizations)
        if (a.userCode == code)
            return &a;
    return nullptr;
}

Response Entra::devicePage(const Request& r) {
    return deviceCodeEntryPage(dir().tenant.displayName, queryParam(r, QStringLiteral("otc")), QString());
}

Response Entra::consentForDevice(const DeviceAuthorization& a, const QString& username, const QString& password,
                                 const QString& error) {
    const std::optional<Client> client = findClient(dir(), a.clientId);
    if (!client)
        return errorPage(unknownClient(dir(), a.clientId));
    const SignInForm form{QStringLiteral("/login/device"), {{QStringLiteral("user_code"), a.userCode}}, username, password, error};
    return consentPage(m_s, *client, a.grant, form);
}

Response Entra::deviceAnswer(const Request& r) {
    const QString typed = r.formValue(QStringLiteral("user_code"));
    DeviceAuthorization* a = deviceByUserCode(typed);
    if (!a)
        return deviceCodeEntryPage(dir().tenant.displayName, typed, QStringLiteral("That code didn't work. Check the code and try again."));
    if (a->expiresAtMs <= dir().nowMs())
        return deviceCodeEntryPage(dir().tenant.displayName, typed, QStringLiteral("That code has expired. Go back to the application or device "
                                                         "and start the sign-in again."));
    if (a->status != DeviceAuthorization::Status::Pending)
        return deviceCodeEntryPage(dir().tenant.displayName, typed, QStringLiteral("That code has already been used."));
    const QString action = r.formValue(QStringLiteral("action"));
    if (action.isEmpty()) {
        const User* user = offeredUser(m_s, QString());
        return consentForDevice(*a, user ? user->userPrincipalName : QString(), user ? user->password : QString(), QString());
    }
    if (action == QLatin1String("cancel")) {
        a->status = DeviceAuthorization::Status::Declined;
        return messagePage(dir().tenant.displayName, QStringLiteral("Sign-in declined"),
                           QStringLiteral("You declined to sign in to %1. You can close this window.").arg(a->clientName));
    }
    const QString username = r.formValue(QStringLiteral("username"));
    const User* user = nullptr;
    const QString problem = checkCredentials(dir(), username, r.formValue(QStringLiteral("password")), &user);
    if (!problem.isEmpty())
        return consentForDevice(*a, username, QString(), problem);
    if (const std::optional<Client> client = findClient(dir(), a->clientId))
        if (std::optional<Failure> f = unlistedResource(*client, a->grant))
            return errorPage(*f);
    a->status = DeviceAuthorization::Status::Approved;
    a->userId = user->id;
    return messagePage(dir().tenant.displayName, QStringLiteral("You're signed in"),
                       QStringLiteral("You have signed in to the %1 application on your device. You may now close this "
                                      "window.")
                           .arg(a->clientName));
}

Response Entra::approveDeviceCode(const Request& r) {
    const auto control = [](int status, const QString& message) {
        return Response::json(status, QJsonObject{{QStringLiteral("message"), message}});
    };
    QJsonObject body;
    QString error;
    if (!r.jsonObject(&body, &error))
        return control(400, error);
    const QString userCode = body.value(QStringLiteral("user_code")).toString();
    if (userCode.isEmpty())
        return control(400, QStringLiteral("Send {\"user_code\": \"…\"} with the code the devicecode response gave."));
    DeviceAuthorization* a = deviceByUserCode(userCode);
    if (!a)
        return control(404, QStringLiteral("No device code sign-in has the user code %1.").arg(userCode));
    if (a->expiresAtMs <= dir().nowMs())
        return control(409, QStringLiteral("The device code sign-in %1 has expired.").arg(userCode));
    if (a->status != DeviceAuthorization::Status::Pending)
        return control(409, QStringLiteral("The device code sign-in %1 was already answered.").arg(userCode));
    const User* user = offeredUser(m_s, QString());
    if (!user)
        return control(409, QStringLiteral("The directory has no user to sign in."));
    // What the browser would show the user instead of "You're signed in", as the token endpoint words it.
    if (const std::optional<Client> client = findClient(dir(), a->clientId))
        if (std::optional<Failure> f = unlistedResource(*client, a->grant))
            return f->response();
    a->status = DeviceAuthorization::Status::Approved;
    a->userId = user->id;
    return Response::json(200, QJsonObject{{QStringLiteral("user_code"), a->userCode},
                                           {QStringLiteral("status"), QStringLiteral("approved")},
                                           {QStringLiteral("user_principal_name"), user->userPrincipalName}});
}

// The admin consent page. A sandbox that approves sign-ins by itself accepts at once, as its
// always signed-in administrator would; otherwise the page asks the administrator to sign in and
// accept for the organization, as Entra's does. Accepting grants what the application's API
// permissions ask for and answers as Entra does: a page, or a return to a registered redirect_uri.
Response Entra::adminConsent(const Request& r) { return consentForOrganization(r, false); }

// The consent page's form: the same parameters as the page's query, with the answer.
Response Entra::adminConsentAnswer(const Request& r) {
    Request answered = r;
    answered.query = r.form();
    return consentForOrganization(answered, true);
}

Response Entra::adminConsentPrompt(const Request& r, const Client& c, const QList<ConsentItem>& items, const QString& username,
                                   const QString& password, const QString& error) {
    Directory& d = dir();
    QString list;
    for (const ConsentItem& item : items)
        list += QStringLiteral("<li><div>%1<div class=\"scope\">%2 &middot; %3 &middot; %4</div></div></li>")
                    .arg(esc(item.meaning.isEmpty() ? item.value : item.meaning), esc(item.resourceName), esc(item.value),
                         item.appRoleId.isEmpty() ? QStringLiteral("delegated") : QStringLiteral("application permission"));
    QString hidden;
    for (const char* key : {"client_id", "redirect_uri", "state"}) {
        const QString value = queryParam(r, QLatin1String(key));
        if (!value.isEmpty())
            hidden += QStringLiteral("<input type=\"hidden\" name=\"%1\" value=\"%2\">").arg(QLatin1String(key), esc(value));
    }
    const User* user = d.userByName(username);
    const QString body =
        QStringLiteral("%1<h1>Permissions requested</h1><p class=\"muted\">Accept for your organization</p>"
                       "<div class=\"app\"><span class=\"badge\">%2</span><div><div class=\"app-name\">%3</div>"
                       "<div class=\"muted\">App ID %4</div></div></div><p>This app would like to:</p><ul class=\"perms\">%5</ul>"
                       "<p class=\"muted\">If you accept, this app gets access to the specified resources for all users in "
                       "<b>%6</b>. No one else will be prompted to review these permissions.</p>")
            .arg(user ? QStringLiteral("<span class=\"account\">%1</span>").arg(esc(user->userPrincipalName)) : QString(),
                 esc(initials(c.displayName)), esc(c.displayName), esc(c.appId),
                 list.isEmpty() ? QStringLiteral("<li><div>Nothing: it asks for no API permissions</div></li>") : list,
                 esc(d.tenant.displayName)) +
        QStringLiteral("<form method=\"post\" action=\"/login/%1/adminconsent\">%2<p class=\"section\">Sign in%3</p>"
                       "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" value=\"%4\">"
                       "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" "
                       "type=\"password\" value=\"%5\"><p class=\"error\">%6</p>")
            .arg(esc(r.params.value(0)), hidden, user ? QStringLiteral(" as <b>%1</b>").arg(esc(user->displayName)) : QString(),
                 esc(username), esc(password), esc(error)) +
        QStringLiteral("<p class=\"muted\">The sandbox fills in its seeded administrator.</p><div class=\"buttons\">"
                       "<button type=\"submit\" name=\"action\" value=\"approve\" class=\"primary\">Accept</button>"
                       "<button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></div></form>"
                       "<p class=\"muted footer\">Tenant %1 &middot; %2</p>")
            .arg(esc(d.tenant.displayName), esc(d.tenant.id));
    return page(200, QStringLiteral("Permissions requested"), body, d.tenant.displayName);
}

Response Entra::consentForOrganization(const Request& r, bool answered) {
    Directory& d = dir();
    const QString tenant = r.params.value(0);
    std::optional<Client> client;
    if (std::optional<Failure> f = pageClient(d, r, &client))
        return errorPage(*f);
    const QString redirectUri = queryParam(r, QStringLiteral("redirect_uri"));
    if (!redirectUri.isEmpty()) {
        const QStringList registered = client->publicRedirectUris + client->webRedirectUris + client->spaRedirectUris;
        if (std::none_of(registered.cbegin(), registered.cend(),
                         [&](const QString& uri) { return redirectMatches(uri, redirectUri); }))
            return errorPage(redirectMismatch(*client, redirectUri));
    }
    const QString state = queryParam(r, QStringLiteral("state"));

    QList<ConsentItem> items;
    if (std::optional<Failure> f = consentItems(d, *client, &items))
        return redirectUri.isEmpty() ? errorPage(*f) : redirectError(redirectUri, *f, state);
    if (!answered && !m_s.entra.autoApprove) {
        const User* admin = offeredUser(m_s, QString());
        return adminConsentPrompt(r, *client, items, admin ? admin->userPrincipalName : QString(), admin ? admin->password : QString(),
                                  QString());
    }
    if (answered) {
        if (queryParam(r, QStringLiteral("action")) == QLatin1String("cancel")) {
            if (!redirectUri.isEmpty())
                return redirectError(redirectUri, userDeclined(QStringLiteral("access_denied")), state,
                                     {{QStringLiteral("error_subcode"), QStringLiteral("cancel")}});
            return messagePage(d.tenant.displayName, QStringLiteral("Consent declined"),
                               QStringLiteral("Nothing was granted to %1. You can close this window.").arg(client->displayName));
        }
        const QString username = queryParam(r, QStringLiteral("username"));
        const User* user = nullptr;
        const QString problem = checkCredentials(d, username, queryParam(r, QStringLiteral("password")), &user);
        if (!problem.isEmpty())
            return adminConsentPrompt(r, *client, items, username, QString(), problem);
    }
    // Consent creates the application's service principal in the tenant when it has none yet.
    const ServicePrincipal* sp = d.servicePrincipalByAppId(client->appId, true);
    if (!sp) {
        ServicePrincipal created;
        created.appId = client->appId;
        created.displayName = client->displayName;
        created.appOwnerOrganizationId = d.tenant.id;
        sp = &d.addServicePrincipal(std::move(created));
    }
    grantConsent(d, *sp, items);

    if (!redirectUri.isEmpty()) {
        QList<QPair<QString, QString>> params{{QStringLiteral("admin_consent"), QStringLiteral("True")},
                                              {QStringLiteral("tenant"), d.tenant.id}};
        if (!state.isEmpty())
            params.append({QStringLiteral("state"), state});
        return redirectTo(redirectUri, params);
    }
    QString list;
    for (const ConsentItem& item : items)
        list += QStringLiteral("<li><div>%1<div class=\"scope\">%2 &middot; %3 &middot; %4</div></div></li>")
                    .arg(esc(item.meaning.isEmpty() ? item.value : item.meaning), esc(item.resourceName), esc(item.value),
                         item.appRoleId.isEmpty() ? QStringLiteral("delegated, for all users")
                                                  : QStringLiteral("application permission"));
    const QString granted = items.isEmpty()
                                ? QStringLiteral("<p>It asks for no API permissions, so there was nothing to grant.</p>")
                                : QStringLiteral("<p>These permissions are granted for the whole organization:</p><ul class=\"perms\">%1</ul>").arg(list);
    return page(200, QStringLiteral("Admin consent granted"),
                QStringLiteral("<h1>Admin consent granted</h1><div class=\"app\"><span class=\"badge\">%1</span><div>"
                               "<div class=\"app-name\">%2</div><div class=\"muted\">App ID %3</div></div></div>"
                               "<p>An administrator of <b>%4</b> granted admin consent for this application.</p>%5"
                               "<p>You can close this window.</p><p class=\"muted footer\">Tenant %4 &middot; %6</p>")
                    .arg(esc(initials(client->displayName)), esc(client->displayName), esc(client->appId),
                         esc(d.tenant.displayName), granted, esc(d.tenant.id)),
                d.tenant.displayName);
}

Response Entra::tokenV2(const Request& r) {
    Directory& d = dir();
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(d, tenant))
        return f->response();
    QString grantType = r.formValue(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return missingParameter(QStringLiteral("grant_type")).response();
    if (grantType == kDeviceCodeGrantShort)
        grantType = kDeviceCodeGrant;
    if (grantType == QLatin1String("client_credentials"))
        return clientCredentialsGrant(r, tenant, false);
    const bool known = grantType == QLatin1String("authorization_code") || grantType == kDeviceCodeGrant ||
                       grantType == QLatin1String("refresh_token");
    if (!known)
        return Failure{400, QStringLiteral("unsupported_grant_type"), 70003,
                       QStringLiteral("The app requested an unsupported grant type '%1'.").arg(grantType)}
            .response();
    const ClientCredentials creds = clientCredentials(r);
    if (creds.id.isEmpty())
        return missingParameter(QStringLiteral("client_id")).response();
    const std::optional<Client> client = findClient(d, creds.id);
    if (!client)
        return unknownClient(d, creds.id).response();
    if (std::optional<Failure> f = checkClientTenant(*client, tenant))
        return f->response();
    if (grantType == QLatin1String("authorization_code"))
        return redeemCode(r, *client, creds);
    if (grantType == kDeviceCodeGrant)
        return pollDeviceCode(r, *client, creds);
    return refresh(r, *client, creds);
}

Response Entra::redeemCode(const Request& r, const Client& c, const ClientCredentials& creds) {
    Directory& d = dir();
    const QString code = r.formValue(QStringLiteral("code"));
    if (code.isEmpty())
        return missingParameter(QStringLiteral("code")).response();
    const auto it = m_s.entra.codes.find(code);
    if (it == m_s.entra.codes.end() || it->clientId != c.appId)
        return invalidGrant(70000, QStringLiteral("The provided value for the 'code' parameter is not valid.")).response();
    if (it->expiresAtMs <= d.nowMs())
        return codeExpired().response();
    if (it->redeemed)
        return alreadyRedeemed().response();
    if (std::optional<Failure> f = authenticateClient(d, c, creds, it->publicClient))
        return f->response();
    const QString redirectUri = r.formValue(QStringLiteral("redirect_uri"));
    if (redirectUri.isEmpty())
        return missingParameter(QStringLiteral("redirect_uri")).response();
    if (redirectUri != it->redirectUri)
        return invalidGrant(50011, QStringLiteral("The reply address '%1' does not match the reply address '%2' provided "
                                                  "when requesting Authorization code.")
                                       .arg(redirectUri, it->redirectUri))
            .response();
    if (!it->codeChallenge.isEmpty()) {
        const QString verifier = r.formValue(QStringLiteral("code_verifier"));
        if (verifier.isEmpty())
            return missingParameter(QStringLiteral("code_verifier")).response();
        const QByteArray challenge = base64Url(QCryptographicHash::hash(verifier.toUtf8(), QCryptographicHash::Sha256));
        if (QString::fromLatin1(challenge) != it->codeChallenge)
            return invalidGrant(501481, QStringLiteral("The Code_Verifier does not match the code_challenge supplied in "
                                                       "the authorization request."))
                .response();
    }
    DelegatedGrant issued;
    if (std::optional<Failure> f = narrowGrant(d, c, r.formValue(QStringLiteral("scope")), it->grant, &issued))
        return f->response();
    const User* user = d.userById(it->userId);
    if (!user)
        return invalidGrant(70000, QStringLiteral("The user who signed in no longer exists.")).response();
    it->redeemed = true;
    return delegatedTokens(m_s, c, creds.secret.isEmpty(), *user, it->grant, issued, it->nonce, wantsClientInfo(r));
}

Response Entra::pollDeviceCode(const Request& r, const Client& c, const ClientCredentials& creds) {
    Directory& d = dir();
    const QString deviceCode = r.formValue(QStringLiteral("device_code"));
    if (deviceCode.isEmpty())
        return missingParameter(QStringLiteral("device_code")).response();
    if (std::optional<Failure> f = authenticateClient(d, c, creds, c.fallbackPublic))
        return f->response();
    const auto it = m_s.entra.deviceAuthorizations.find(deviceCode);
    if (it == m_s.entra.deviceAuthorizations.end() || it->clientId != c.appId)
        return Failure{400, QStringLiteral("bad_verification_code"), 70018, QStringLiteral("Invalid verification code entered.")}
            .response();
    if (it->expiresAtMs <= d.nowMs())
        return Failure{400, QStringLiteral("expired_token"), 70019, QStringLiteral("Verification code expired.")}.response();
    if (it->status == DeviceAuthorization::Status::Pending && m_s.entra.autoApprove) {
        if (std::optional<Failure> f = unlistedResource(c, it->grant))
            return f->response();
        if (const User* user = offeredUser(m_s, QString())) {
            it->status = DeviceAuthorization::Status::Approved;
            it->userId = user->id;
        }
    }
    switch (it->status) {
    case DeviceAuthorization::Status::Declined:
        return userDeclined(QStringLiteral("authorization_declined")).response();
    case DeviceAuthorization::Status::Redeemed:
        return alreadyRedeemed().response();
    case DeviceAuthorization::Status::Pending: {
        // Timers fire a little early (Qt's coarse timers by up to 5 %), so only a poll clearly
        // ahead of the interval counts as too fast.
        const bool tooSoon =
            it->lastPollMs >= 0 && d.nowMs() - it->lastPollMs < m_s.entra.deviceCodeIntervalSeconds * 900LL;
        it->lastPollMs = d.nowMs();
        // RFC 8628 makes slow_down a variant of authorization_pending, hence the same AADSTS code.
        if (tooSoon)
            return Failure{400, QStringLiteral("slow_down"), 70016,
                           QStringLiteral("The client is polling faster than the interval of %1 seconds the devicecode "
                                          "response asked for.")
                               .arg(m_s.entra.deviceCodeIntervalSeconds)}
                .response();
        return Failure{400, QStringLiteral("authorization_pending"), 70016,
                       QStringLiteral("The provided request has not yet been authorized by the user. The user must input "
                                      "their code.")}
            .response();
    }
    case DeviceAuthorization::Status::Approved:
        break;
    }
    const User* user = d.userById(it->userId);
    if (!user)
        return invalidGrant(70000, QStringLiteral("The user who signed in no longer exists.")).response();
    it->status = DeviceAuthorization::Status::Redeemed;
    return delegatedTokens(m_s, c, creds.secret.isEmpty(), *user, it->grant, it->grant, QString(), wantsClientInfo(r));
}

Response Entra::refresh(const Request& r, const Client& c, const ClientCredentials& creds) {
    Directory& d = dir();
    const QString token = r.formValue(QStringLiteral("refresh_token"));
    if (token.isEmpty())
        return missingParameter(QStringLiteral("refresh_token")).response();
    const auto it = m_s.entra.refreshTokens.find(token);
    if (it == m_s.entra.refreshTokens.end())
        return invalidGrant(9002313, QStringLiteral("Invalid request. Request is malformed or invalid.")).response();
    if (it->clientId != c.appId)
        return invalidGrant(70000, QStringLiteral("Provided grant is invalid or malformed.")).response();
    if (it->redeemed || it->expiresAtMs <= d.nowMs())
        return codeExpired().response();
    if (std::optional<Failure> f = authenticateClient(d, c, creds, it->publicClient))
        return f->response();
    DelegatedGrant issued;
    if (std::optional<Failure> f = narrowGrant(d, c, r.formValue(QStringLiteral("scope")), it->grant, &issued))
        return f->response();
    const User* user = d.userById(it->userId);
    if (!user)
        return invalidGrant(70000, QStringLiteral("The user who signed in no longer exists.")).response();
    it->redeemed = true;
    // delegatedTokens stores the new refresh token, which may move the hash's entries.
    const DelegatedGrant consented = it->grant;
    return delegatedTokens(m_s, c, creds.secret.isEmpty(), *user, consented, issued, QString(), wantsClientInfo(r));
}

Response Entra::clientCredentialsGrant(const Request& r, const QString& tenant, bool v1) {
    Directory& d = dir();
    const ClientCredentials creds = clientCredentials(r);
    if (creds.id.isEmpty())
        return missingParameter(QStringLiteral("client_id")).response();
    const QString scope = r.formValue(QStringLiteral("scope")).trimmed();
    const bool defaultScope = !scope.contains(QLatin1Char(' ')) && scope.endsWith(QLatin1Char('/') + kDefaultScope);
    QString resourceName;
    if (v1) {
        resourceName = r.formValue(QStringLiteral("resource"));
        // The v1 endpoint's parameter is resource; whether it honours a v2-style scope is unconfirmed
        // (api-facts §3), so the sandbox tolerates "<resource>/.default".
        if (resourceName.isEmpty() && defaultScope)
            resourceName = scope.chopped(kDefaultScope.size() + 1);
        if (resourceName.isEmpty())
            return missingParameter(QStringLiteral("resource")).response();
    } else {
        if (scope.isEmpty())
            return missingParameter(QStringLiteral("scope")).response();
        if (!defaultScope)
            return Failure{400, QStringLiteral("invalid_scope"), 1002012,
                           QStringLiteral("The provided value for scope %1 is not valid. Client credential flows must have "
                                          "a scope value with /.default suffixed to the resource identifier (application "
                                          "ID URI).")
                               .arg(scope)}
                .response();
        resourceName = scope.chopped(kDefaultScope.size() + 1);
    }
    if (creds.secret.isEmpty())
        return Failure{401, QStringLiteral("invalid_client"), 7000216,
                       QStringLiteral("'client_assertion', 'client_secret' or 'request' is required for the "
                                      "'client_credentials' grant type.")}
            .response();
    if (std::optional<Failure> f = secretFailure(d, creds.id, d.checkClientSecret(creds.id, creds.secret)))
        return f->response();
    const std::optional<Client> client = findClient(d, creds.id);
    if (!client)
        return unknownClient(d, creds.id).response();
    if (std::optional<Failure> f = checkClientTenant(*client, tenant))
        return f->response();
    const std::optional<Resource> resource = findResource(d, resourceName);
    if (!resource)
        return resourceNotFound(d, resourceName).response();

    QJsonObject claims =
        accessTokenClaims(d, resource->tokenVersion, resourceName, resource->appId, client->appId, false);
    claims.insert(QStringLiteral("idtyp"), QStringLiteral("app"));
    if (const ServicePrincipal* sp = d.servicePrincipalByAppId(client->appId)) {
        claims.insert(QStringLiteral("oid"), sp->id);
        claims.insert(QStringLiteral("sub"), sp->id);
    }
    if (resource->tokenVersion == 1)
        claims.insert(QStringLiteral("idp"), v1Issuer(d.tenant.id));
    const QStringList roles = d.grantedRoles(client->appId, resource->appId);
    if (!roles.isEmpty())
        claims.insert(QStringLiteral("roles"), QJsonArray::fromStringList(roles));
    const QString accessToken = QString::fromLatin1(m_s.tokens.sign(claims));
    if (!v1)
        return tokenResponse(QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                         {QStringLiteral("expires_in"), kTokenLifetimeSeconds},
                                         {QStringLiteral("ext_expires_in"), kTokenLifetimeSeconds},
                                         {QStringLiteral("access_token"), accessToken}});
    // The v1 endpoint sends its numbers as strings.
    const qint64 issuedAt = claims.value(QStringLiteral("iat")).toInteger();
    const QString lifetime = QString::number(kTokenLifetimeSeconds);
    return tokenResponse(QJsonObject{{QStringLiteral("token_type"), QStringLiteral("Bearer")},
                                     {QStringLiteral("expires_in"), lifetime},
                                     {QStringLiteral("ext_expires_in"), lifetime},
                                     {QStringLiteral("expires_on"), QString::number(issuedAt + kTokenLifetimeSeconds)},
                                     {QStringLiteral("not_before"), QString::number(issuedAt)},
                                     {QStringLiteral("resource"), resourceName},
                                     {QStringLiteral("access_token"), accessToken}});
}

Response Entra::tokenV1(const Request& r) {
    const QString tenant = r.params.value(0);
    if (std::optional<Failure> f = checkTenant(dir(), tenant))
        return f->response();
    const QString grantType = r.formValue(QStringLiteral("grant_type"));
    if (grantType.isEmpty())
        return missingParameter(QStringLiteral("grant_type")).response();
    // The sandbox's v1 endpoint is there for the client credentials Kong's DCR relies on.
    if (grantType != QLatin1String("client_credentials"))
        return Failure{400, QStringLiteral("unsupported_grant_type"), 70003,
                       QStringLiteral("The app requested an unsupported grant type '%1'.").arg(grantType)}
            .response();
    return clientCredentialsGrant(r, tenant, true);
}

Response Entra::fallback(const Request& r) {
    if (r.method != "POST" && kPostOnlyPaths.match(r.path).hasMatch())
        return Failure{400, QStringLiteral("invalid_request"), 900561,
                       QStringLiteral("The endpoint only accepts POST, OPTIONS requests. Received a %1 request.")
                           .arg(QString::fromLatin1(r.method))}
            .response();
    return page(404, QStringLiteral("Not found"),
                QStringLiteral("<h1>Not found</h1><p>The sandbox's Microsoft identity platform has no page at %1.</p>")
                    .arg(esc(r.path)));
}

// What Entra adds to every answer: its own request id, and the caller's client-request-id (the
// correlation id Microsoft's libraries send) echoed as a header and used as the error body's
// correlation id, so that a client's log and the service's answer can be matched.
Response withRequestIds(const Request& r, Response response) {
    response.header("x-ms-request-id", newGuid().toLatin1());
    const QString clientRequestId = QString::fromLatin1(r.header("client-request-id")).trimmed();
    if (!isGuid(clientRequestId))
        return response;
    response.header("client-request-id", clientRequestId.toLatin1());
    QJsonObject body = QJsonDocument::fromJson(response.body).object();
    const QString generated = body.value(QStringLiteral("correlation_id")).toString();
    if (!generated.isEmpty()) {
        body.insert(QStringLiteral("correlation_id"), clientRequestId);
        body.insert(QStringLiteral("error_description"),
                    body.value(QStringLiteral("error_description")).toString().replace(generated, clientRequestId));
        response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    return response;
}

}  // namespace

void registerEntra(Router& router, SandboxState& state) {
    auto entra = std::make_shared<Entra>(state);
    const auto route = [&router, entra](const char* method, const QString& pattern, Response (Entra::*handler)(const Request&)) {
        router.add(method, pattern, [entra, handler](const Request& r) { return withRequestIds(r, (entra.get()->*handler)(r)); });
    };
    route("GET", QStringLiteral("/login/([^/]+)/v2\\.0/\\.well-known/openid-configuration"), &Entra::discoveryV2);
    route("GET", QStringLiteral("/login/([^/]+)/\\.well-known/openid-configuration"), &Entra::discoveryV1);
    route("GET", QStringLiteral("/login/([^/]+)/discovery(?:/v2\\.0)?/keys"), &Entra::keys);
    route("GET", QStringLiteral("/login/([^/]+)/discovery/instance"), &Entra::instanceDiscovery);
    route("GET", QStringLiteral("/login/([^/]+)/oauth2/v2\\.0/authorize"), &Entra::authorize);
    route("POST", QStringLiteral("/login/([^/]+)/oauth2/v2\\.0/authorize"), &Entra::authorizeAnswer);
    route("POST", QStringLiteral("/login/([^/]+)/oauth2/v2\\.0/devicecode"), &Entra::deviceCode);
    route("POST", QStringLiteral("/login/([^/]+)/oauth2/v2\\.0/token"), &Entra::tokenV2);
    route("POST", QStringLiteral("/login/([^/]+)/oauth2/token"), &Entra::tokenV1);
    route("GET", QStringLiteral("/login/device"), &Entra::devicePage);
    route("POST", QStringLiteral("/login/device"), &Entra::deviceAnswer);
    route("POST", QStringLiteral("/_sandbox/device/approve"), &Entra::approveDeviceCode);
    route("GET", QStringLiteral("/login/([^/]+)/adminconsent"), &Entra::adminConsent);
    route("POST", QStringLiteral("/login/([^/]+)/adminconsent"), &Entra::adminConsentAnswer);
    router.setFallback(QStringLiteral("/login"), [entra](const Request& r) { return withRequestIds(r, entra->fallback(r)); });
}

}  // namespace dcr::sandbox
