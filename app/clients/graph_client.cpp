#include "clients/graph_client.h"

#include "clients/client_support.h"
#include "core/endpoints.h"
#include "core/http_client.h"

#include <QJsonDocument>
#include <QPointer>

namespace dcr {

using namespace clients;

namespace {

const QString kService = QStringLiteral("Microsoft Graph");
const QString kCodePrefix = QStringLiteral("graph.");
// A listing this long is a server looping on its nextLink, not a directory.
constexpr int kMaxPages = 100;

Error unexpected(const HttpResponse& response) {
    return unexpectedAnswer(kCodePrefix, kService, response);
}

QString str(const QJsonObject& json, const char* key) {
    return json.value(QLatin1String(key)).toString();
}

GraphPermission permissionFromJson(const QJsonObject& json) {
    GraphPermission p;
    p.id = str(json, "id");
    p.value = str(json, "value");
    p.displayName = str(json, "displayName");
    // oauth2PermissionScopes name themselves for the two consent prompts instead.
    if (p.displayName.isEmpty())
        p.displayName = str(json, "adminConsentDisplayName");
    if (p.displayName.isEmpty())
        p.displayName = str(json, "userConsentDisplayName");
    return p;
}

GraphAppRoleAssignment assignmentFromJson(const QJsonObject& json) {
    return {str(json, "id"), str(json, "principalId"), str(json, "resourceId"), str(json, "appRoleId")};
}

GraphPermissionGrant grantFromJson(const QJsonObject& json) {
    return {str(json, "id"), str(json, "clientId"), str(json, "resourceId"), str(json, "consentType"), str(json, "scope")};
}

// An OData key literal in a path, (appId='…'): the quotes stay as Graph documents them.
QString odataKey(const QString& value) {
    return QString::fromLatin1(QUrl::toPercentEncoding(odataString(value), "'"));
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
           && a.port(a.scheme() == QLatin1String("http") ? 80 : 443) == b.port(b.scheme() == QLatin1String("http") ? 80 : 443);
}

// Graph says "already exists" in several ways: 409 for most objects, 400 with "Permission being
// assigned already exists on the object" for app role assignments, and
// Request_MultipleObjectsWithSameKeyValue for unique keys. A 409 that is a concurrent change is not one.
bool alreadyExists(const Error& error, const HttpResponse& response) {
    const GraphErrorBody body = GraphErrorBody::parse(response.body);
    if (body.has(QLatin1String("Directory_ConcurrencyViolation")))
        return false;
    return error.httpStatus == 409 || body.has(QLatin1String("Request_MultipleObjectsWithSameKeyValue"))
           || (error.httpStatus == 400 && body.says(QLatin1String("already exists")));
}

// Maps a found-or-not object to the typed value (T::fromJson).
template <typename T>
Callback<std::optional<QJsonObject>> mapObject(Callback<std::optional<T>> done) {
    return [done = std::move(done)](const Result<std::optional<QJsonObject>>& r) {
        if (!r.ok())
            done(Result<std::optional<T>>::failure(*r.error));
        else if (!r.value->has_value())
            done(Result<std::optional<T>>::success(std::nullopt));
        else
            done(Result<std::optional<T>>::success(T::fromJson(**r.value)));
    };
}

template <typename T, typename FromJson>
Result<QList<T>> listOf(const Result<QJsonArray>& r, FromJson fromJson) {
    if (!r.ok())
        return Result<QList<T>>::failure(*r.error);
    QList<T> out;
    for (const QJsonValue& item : *r.value) {
        if (item.isObject())
            out << fromJson(item.toObject());
    }
    return Result<QList<T>>::success(out);
}

}  // namespace

// ---- parsers -----------------------------------------------------------------------------------

GraphApplication GraphApplication::fromJson(const QJsonObject& json) {
    GraphApplication a;
    a.id = str(json, "id");
    a.appId = str(json, "appId");
    a.displayName = str(json, "displayName");
    a.signInAudience = str(json, "signInAudience");
    a.requiredResourceAccess = json.value(QLatin1String("requiredResourceAccess")).toArray();
    for (const QJsonValue& item : json.value(QLatin1String("passwordCredentials")).toArray()) {
        if (!item.isObject())
            continue;
        const QJsonObject c = item.toObject();
        a.passwordCredentials << GraphPasswordCredential{str(c, "keyId"), str(c, "displayName"), str(c, "hint"),
                                                         str(c, "endDateTime")};
    }
    a.isFallbackPublicClient = json.value(QLatin1String("isFallbackPublicClient")).toBool();
    a.publicClientRedirectUris = strings(json.value(QLatin1String("publicClient")).toObject().value(QLatin1String("redirectUris")));
    a.tags = strings(json.value(QLatin1String("tags")));
    return a;
}

GraphServicePrincipal GraphServicePrincipal::fromJson(const QJsonObject& json) {
    GraphServicePrincipal sp;
    sp.id = str(json, "id");
    sp.appId = str(json, "appId");
    sp.displayName = str(json, "displayName");
    sp.tags = strings(json.value(QLatin1String("tags")));
    for (const QJsonValue& item : json.value(QLatin1String("appRoles")).toArray()) {
        if (item.isObject())
            sp.appRoles << permissionFromJson(item.toObject());
    }
    for (const QJsonValue& item : json.value(QLatin1String("oauth2PermissionScopes")).toArray()) {
        if (item.isObject())
            sp.oauth2PermissionScopes << permissionFromJson(item.toObject());
    }
    return sp;
}

// ---- GraphClient -------------------------------------------------------------------------------

GraphClient::GraphClient(HttpClient& http, QUrl base, TokenProvider token, QObject* parent)
    : QObject(parent), m_http(http), m_base(std::move(base)), m_token(std::move(token)) {}

QUrl GraphClient::url(const QString& pathAndQuery) const {
    return joinUrl(m_base, QStringLiteral("/v1.0") + pathAndQuery);
}

HttpRequest GraphClient::request(const QByteArray& method, const QUrl& url) const {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.flavor = ErrorFlavor::Graph;
    r.setBearer(m_token ? m_token() : QString());
    return r;
}

void GraphClient::collect(const QUrl& url, QJsonArray items, int pages, Callback<QJsonArray> done,
                          RetryPolicy::ReplicationRule replication) {
    const QPointer<GraphClient> self(this);
    HttpRequest r = request("GET", url);
    r.replication = replication;
    m_http.send(r, [self, items = std::move(items), pages, replication, done = std::move(done)](
                                         const HttpResponse& response, const std::optional<Error>& error) mutable {
        if (!self)
            return;
        if (error) {
            done(Result<QJsonArray>::failure(*error));
            return;
        }
        const QJsonObject page = response.json();
        if (!page.value(QLatin1String("value")).isArray()) {
            done(Result<QJsonArray>::failure(unexpected(response)));
            return;
        }
        for (const QJsonValue& item : page.value(QLatin1String("value")).toArray())
            items.append(item);
        const QUrl next(page.value(QLatin1String("@odata.nextLink")).toString());
        if (next.isEmpty()) {
            done(Result<QJsonArray>::success(items));
            return;
        }
        // The next page gets the bearer token too, so it may only be where the first page was.
        if (!sameOrigin(next, self->m_base) || pages + 1 >= kMaxPages) {
            done(Result<QJsonArray>::failure(unexpected(response)));
            return;
        }
        self->collect(next, std::move(items), pages + 1, std::move(done), replication);
    });
}

void GraphClient::organization(Callback<GraphOrganization> done) {
    const HttpRequest r = request("GET", url(QStringLiteral("/organization") + query({{"$select", QStringLiteral("id,displayName,verifiedDomains")}})));
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const QJsonArray value = response.json().value(QLatin1String("value")).toArray();
        const QJsonObject org = value.first().toObject();
        if (str(org, "id").isEmpty())
            return Result<GraphOrganization>::failure(unexpected(response));
        GraphOrganization o;
        o.id = str(org, "id");
        o.displayName = str(org, "displayName");
        QString initial;
        for (const QJsonValue& item : org.value(QLatin1String("verifiedDomains")).toArray()) {
            const QJsonObject domain = item.toObject();
            const QString name = str(domain, "name");
            if (name.isEmpty())
                continue;
            o.verifiedDomains << name;
            if (domain.value(QLatin1String("isDefault")).toBool())
                o.defaultDomain = name;
            if (domain.value(QLatin1String("isInitial")).toBool())
                initial = name;
        }
        // Every tenant has an initial *.onmicrosoft.com domain; it stands in if none is marked default.
        if (o.defaultDomain.isEmpty())
            o.defaultDomain = initial.isEmpty() ? o.verifiedDomains.value(0) : initial;
        return Result<GraphOrganization>::success(o);
    }));
}

void GraphClient::me(Callback<GraphUser> done) {
    m_http.send(request("GET", url(QStringLiteral("/me"))), deliver(this, std::move(done), [](const HttpResponse& response) {
        const QJsonObject json = response.json();
        if (str(json, "id").isEmpty())
            return Result<GraphUser>::failure(unexpected(response));
        return Result<GraphUser>::success({str(json, "id"), str(json, "displayName"), str(json, "userPrincipalName")});
    }));
}

void GraphClient::findApplicationsByDisplayName(const QString& displayName, Callback<QList<GraphApplication>> done) {
    const QString filter = QStringLiteral("displayName eq ") + odataString(displayName);
    collect(url(QStringLiteral("/applications") + query({{"$filter", filter}})), {}, 0,
            [done = std::move(done)](const Result<QJsonArray>& r) { done(listOf<GraphApplication>(r, &GraphApplication::fromJson)); });
}

void GraphClient::applicationByAppId(const QString& appId, Callback<std::optional<GraphApplication>> done) {
    object(url(QStringLiteral("/applications(appId=%1)").arg(odataKey(appId))), mapObject<GraphApplication>(std::move(done)));
}

void GraphClient::object(const QUrl& u, Callback<std::optional<QJsonObject>> done) {
    using R = Result<std::optional<QJsonObject>>;
    const QPointer<GraphClient> self(this);
    m_http.send(request("GET", u), [self, done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) {
        if (!self)
            return;
        // Only Graph's own "no such object" means absent; a bare 404 is a wrong address.
        if (error && error->code == QLatin1String("graph.Request_ResourceNotFound")) {
            done(R::success(std::nullopt));
            return;
        }
        if (error) {
            done(R::failure(*error));
            return;
        }
        const QJsonObject json = response.json();
        done(str(json, "id").isEmpty() ? R::failure(unexpected(response)) : R::success(json));
    });
}

void GraphClient::application(const QString& objectId, Callback<std::optional<GraphApplication>> done) {
    object(url(QStringLiteral("/applications/") + pathSegment(objectId)), mapObject<GraphApplication>(std::move(done)));
}

void GraphClient::servicePrincipal(const QString& id, Callback<std::optional<GraphServicePrincipal>> done) {
    const QString path = QStringLiteral("/servicePrincipals/") + pathSegment(id) + query({{"$select", QStringLiteral("id,appId,displayName,tags")}});
    object(url(path), mapObject<GraphServicePrincipal>(std::move(done)));
}

void GraphClient::createApplication(const QJsonObject& body, Callback<GraphApplication> done) {
    HttpRequest r = request("POST", url(QStringLiteral("/applications")));
    r.setJsonBody(QJsonDocument(body));
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const GraphApplication app = GraphApplication::fromJson(response.json());
        if (app.id.isEmpty() || app.appId.isEmpty())
            return Result<GraphApplication>::failure(unexpected(response));
        return Result<GraphApplication>::success(app);
    }));
}

void GraphClient::updateApplication(const QString& objectId, const QJsonObject& patch, Callback<Nothing> done) {
    HttpRequest r = request("PATCH", url(QStringLiteral("/applications/") + pathSegment(objectId)));
    r.setJsonBody(QJsonDocument(patch));
    m_http.send(r, deliverNothing(this, std::move(done)));
}

void GraphClient::deleteApplication(const QString& objectId, Callback<Nothing> done) {
    m_http.send(request("DELETE", url(QStringLiteral("/applications/") + pathSegment(objectId))),
                deliverNothing(this, std::move(done), true));
}

void GraphClient::addPassword(const QString& objectId, const QString& displayName, const QDateTime& endDateTime,
                              Callback<GraphAddedPassword> done) {
    QJsonObject credential{{QStringLiteral("displayName"), displayName}};
    if (endDateTime.isValid())
        credential.insert(QStringLiteral("endDateTime"), endDateTime.toUTC().toString(Qt::ISODate));
    HttpRequest r = request("POST", url(QStringLiteral("/applications/%1/addPassword").arg(pathSegment(objectId))));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("passwordCredential"), credential}}));
    // Usually called moments after the application was created.
    r.replication = RetryPolicy::ReplicationRule::GraphReplication;
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const QJsonObject json = response.json();
        if (str(json, "secretText").isEmpty())
            return Result<GraphAddedPassword>::failure(unexpected(response));
        return Result<GraphAddedPassword>::success(
            {str(json, "keyId"), str(json, "secretText"), str(json, "hint"), str(json, "endDateTime")});
    }));
}

void GraphClient::removePassword(const QString& objectId, const QString& keyId, Callback<Nothing> done) {
    HttpRequest r = request("POST", url(QStringLiteral("/applications/%1/removePassword").arg(pathSegment(objectId))));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("keyId"), keyId}}));
    m_http.send(r, deliverNothing(this, std::move(done)));
}

void GraphClient::servicePrincipalByAppId(const QString& appId, Callback<std::optional<GraphServicePrincipal>> done) {
    using R = Result<std::optional<GraphServicePrincipal>>;
    const QString path = QStringLiteral("/servicePrincipals")
                         + query({{"$filter", QStringLiteral("appId eq ") + odataString(appId)},
                                  {"$select", QStringLiteral("id,appId,displayName,tags,appRoles,oauth2PermissionScopes")}});
    collect(url(path), {}, 0, [done = std::move(done)](const Result<QJsonArray>& r) {
        if (!r.ok()) {
            done(R::failure(*r.error));
            return;
        }
        if (r.value->isEmpty()) {
            done(R::success(std::nullopt));
            return;
        }
        done(R::success(GraphServicePrincipal::fromJson(r.value->first().toObject())));
    });
}

void GraphClient::createServicePrincipal(const QString& appId, const QStringList& tags, Callback<GraphServicePrincipal> done) {
    using R = Result<GraphServicePrincipal>;
    HttpRequest r = request("POST", url(QStringLiteral("/servicePrincipals")));
    QJsonObject body{{QStringLiteral("appId"), appId}};
    if (!tags.isEmpty())
        body.insert(QStringLiteral("tags"), QJsonArray::fromStringList(tags));
    r.setJsonBody(QJsonDocument(body));
    r.replication = RetryPolicy::ReplicationRule::GraphReplication;
    const QPointer<GraphClient> self(this);
    m_http.send(r, [self, appId, done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) {
        if (!self)
            return;
        if (!error) {
            const GraphServicePrincipal sp = GraphServicePrincipal::fromJson(response.json());
            done(sp.id.isEmpty() ? R::failure(unexpected(response)) : R::success(sp));
            return;
        }
        if (!alreadyExists(*error, response)) {
            done(R::failure(*error));
            return;
        }
        // A retried POST whose first attempt went through, or one made by someone else meanwhile.
        self->servicePrincipalByAppId(appId, [done, original = *error](const Result<std::optional<GraphServicePrincipal>>& found) {
            if (found.ok() && found.value->has_value())
                done(R::success(**found.value));
            else
                done(R::failure(original));
        });
    });
}

void GraphClient::appRoleAssignments(const QString& principalSpId, Callback<QList<GraphAppRoleAssignment>> done) {
    // Asked right after the principal was created: a 404 there only means it has not replicated yet.
    collect(url(QStringLiteral("/servicePrincipals/%1/appRoleAssignments").arg(pathSegment(principalSpId))), {}, 0,
            [done = std::move(done)](const Result<QJsonArray>& r) { done(listOf<GraphAppRoleAssignment>(r, assignmentFromJson)); },
            RetryPolicy::ReplicationRule::GraphReplication);
}

void GraphClient::deleteAppRoleAssignment(const QString& principalSpId, const QString& assignmentId, Callback<Nothing> done) {
    m_http.send(request("DELETE", url(QStringLiteral("/servicePrincipals/%1/appRoleAssignments/%2")
                                          .arg(pathSegment(principalSpId), pathSegment(assignmentId)))),
                deliverNothing(this, std::move(done), true));
}

void GraphClient::assignAppRole(const QString& resourceSpId, const QString& principalSpId, const QString& appRoleId,
                                Callback<GraphAppRoleAssignment> done) {
    using R = Result<GraphAppRoleAssignment>;
    HttpRequest r = request("POST", url(QStringLiteral("/servicePrincipals/%1/appRoleAssignedTo").arg(pathSegment(resourceSpId))));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("principalId"), principalSpId},
                                            {QStringLiteral("resourceId"), resourceSpId},
                                            {QStringLiteral("appRoleId"), appRoleId}}));
    // The principal is usually a service principal created moments ago.
    r.replication = RetryPolicy::ReplicationRule::GraphReplication;
    const QPointer<GraphClient> self(this);
    m_http.send(r, [self, resourceSpId, principalSpId, appRoleId, done = std::move(done)](const HttpResponse& response,
                                                                                          const std::optional<Error>& error) {
        if (!self)
            return;
        if (!error) {
            const GraphAppRoleAssignment a = assignmentFromJson(response.json());
            done(a.id.isEmpty() ? R::failure(unexpected(response)) : R::success(a));
            return;
        }
        if (!alreadyExists(*error, response)) {
            done(R::failure(*error));
            return;
        }
        self->appRoleAssignments(principalSpId, [done, original = *error, resourceSpId, appRoleId](
                                                    const Result<QList<GraphAppRoleAssignment>>& found) {
            if (found.ok()) {
                for (const GraphAppRoleAssignment& a : *found.value) {
                    if (a.resourceId == resourceSpId && a.appRoleId.compare(appRoleId, Qt::CaseInsensitive) == 0) {
                        done(R::success(a));
                        return;
                    }
                }
            }
            done(R::failure(original));
        });
    });
}

void GraphClient::permissionGrants(const QString& clientSpId, Callback<QList<GraphPermissionGrant>> done) {
    const QString filter = QStringLiteral("clientId eq ") + odataString(clientSpId);
    collect(url(QStringLiteral("/oauth2PermissionGrants") + query({{"$filter", filter}})), {}, 0,
            [done = std::move(done)](const Result<QJsonArray>& r) { done(listOf<GraphPermissionGrant>(r, grantFromJson)); });
}

void GraphClient::createPermissionGrant(const QString& clientSpId, const QString& resourceSpId, const QString& scope,
                                        Callback<GraphPermissionGrant> done) {
    HttpRequest r = request("POST", url(QStringLiteral("/oauth2PermissionGrants")));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("clientId"), clientSpId},
                                            {QStringLiteral("consentType"), QStringLiteral("AllPrincipals")},
                                            {QStringLiteral("resourceId"), resourceSpId},
                                            {QStringLiteral("scope"), scope}}));
    // The client is usually a service principal created moments ago. "Permission entry already
    // exists" (409) stays an error: the caller decides whether to update the existing grant.
    r.replication = RetryPolicy::ReplicationRule::GraphReplication;
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const GraphPermissionGrant g = grantFromJson(response.json());
        return g.id.isEmpty() ? Result<GraphPermissionGrant>::failure(unexpected(response))
                              : Result<GraphPermissionGrant>::success(g);
    }));
}

void GraphClient::updatePermissionGrant(const QString& grantId, const QString& scope, Callback<Nothing> done) {
    HttpRequest r = request("PATCH", url(QStringLiteral("/oauth2PermissionGrants/") + pathSegment(grantId)));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("scope"), scope}}));
    m_http.send(r, deliverNothing(this, std::move(done)));
}

void GraphClient::deletePermissionGrant(const QString& grantId, Callback<Nothing> done) {
    m_http.send(request("DELETE", url(QStringLiteral("/oauth2PermissionGrants/") + pathSegment(grantId))),
                deliverNothing(this, std::move(done), true));
}

void GraphClient::deleteServicePrincipal(const QString& id, Callback<Nothing> done) {
    m_http.send(request("DELETE", url(QStringLiteral("/servicePrincipals/") + pathSegment(id))),
                deliverNothing(this, std::move(done), true));
}

}  // namespace dcr
