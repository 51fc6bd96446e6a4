#pragma once

#include "clients/result.h"
#include "core/retry_policy.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

namespace dcr {

class HttpClient;
struct HttpRequest;

struct GraphOrganization {
    QString id, displayName, defaultDomain;
    QStringList verifiedDomains;
};

struct GraphUser {
    QString id, displayName, userPrincipalName;
};

struct GraphPasswordCredential {
    QString keyId, displayName, hint, endDateTime;
};

struct GraphApplication {
    QString id, appId, displayName, signInAudience;
    QJsonArray requiredResourceAccess;
    QList<GraphPasswordCredential> passwordCredentials;
    bool isFallbackPublicClient = false;
    QStringList publicClientRedirectUris;
    QStringList tags;
    static GraphApplication fromJson(const QJsonObject& json);
};

struct GraphPermission {  // an appRole or an oauth2PermissionScope of a resource
    QString id, value, displayName;
};

struct GraphServicePrincipal {
    QString id, appId, displayName;
    QStringList tags;
    QList<GraphPermission> appRoles;
    QList<GraphPermission> oauth2PermissionScopes;
    static GraphServicePrincipal fromJson(const QJsonObject& json);
};

struct GraphAddedPassword {
    QString keyId, secretText, hint, endDateTime;
};

struct GraphAppRoleAssignment {
    QString id, principalId, resourceId, appRoleId;
};

struct GraphPermissionGrant {
    QString id, clientId, resourceId, consentType, scope;
};

// Typed Microsoft Graph v1.0 calls the setup needs. Every call is asynchronous and goes through
// the shared HttpClient (one retry policy); calls made right after creating an object opt in to
// the replication-delay retries that Graph needs (api-facts §2). base: e.g.
// https://graph.microsoft.com (the client appends /v1.0/…). Callbacks are not called once the
// client is destroyed.
class GraphClient : public QObject {
    Q_OBJECT
public:
    GraphClient(HttpClient& http, QUrl base, TokenProvider token, QObject* parent = nullptr);

    void organization(Callback<GraphOrganization> done);
    void me(Callback<GraphUser> done);

    void findApplicationsByDisplayName(const QString& displayName, Callback<QList<GraphApplication>> done);
    // No such application is a success with an empty optional, not an error.
    void applicationByAppId(const QString& appId, Callback<std::optional<GraphApplication>> done);
    // By object id; no such application is a success with an empty optional.
    void application(const QString& objectId, Callback<std::optional<GraphApplication>> done);
    void createApplication(const QJsonObject& body, Callback<GraphApplication> done);
    void updateApplication(const QString& objectId, const QJsonObject& patch, Callback<Nothing> done);
    // A missing application counts as deleted.
    void deleteApplication(const QString& objectId, Callback<Nothing> done);
    void addPassword(const QString& objectId, const QString& displayName, const QDateTime& endDateTime,
                     Callback<GraphAddedPassword> done);
    void removePassword(const QString& objectId, const QString& keyId, Callback<Nothing> done);

    void servicePrincipalByAppId(const QString& appId, Callback<std::optional<GraphServicePrincipal>> done);
    // By object id; no such service principal is a success with an empty optional.
    void servicePrincipal(const QString& id, Callback<std::optional<GraphServicePrincipal>> done);
    // Retries while the new application has not replicated (NoBackingApplicationObject).
    void createServicePrincipal(const QString& appId, const QStringList& tags, Callback<GraphServicePrincipal> done);
    // A missing service principal counts as deleted.
    void deleteServicePrincipal(const QString& id, Callback<Nothing> done);

    void appRoleAssignments(const QString& principalSpId, Callback<QList<GraphAppRoleAssignment>> done);
    // A missing assignment counts as deleted.
    void deleteAppRoleAssignment(const QString& principalSpId, const QString& assignmentId, Callback<Nothing> done);
    void assignAppRole(const QString& resourceSpId, const QString& principalSpId, const QString& appRoleId,
                       Callback<GraphAppRoleAssignment> done);
    void permissionGrants(const QString& clientSpId, Callback<QList<GraphPermissionGrant>> done);
    void createPermissionGrant(const QString& clientSpId, const QString& resourceSpId, const QString& scope,
                               Callback<GraphPermissionGrant> done);
    void updatePermissionGrant(const QString& grantId, const QString& scope, Callback<Nothing> done);
    // A missing grant counts as deleted.
    void deletePermissionGrant(const QString& grantId, Callback<Nothing> done);

private:
    QUrl url(const QString& pathAndQuery) const;  // {base}/v1.0{pathAndQuery}
    // GET of one object: Graph's own "no such object" is an empty optional, not an error.
    void object(const QUrl& url, Callback<std::optional<QJsonObject>> done);
    HttpRequest request(const QByteArray& method, const QUrl& url) const;
    // Every item of a collection, following @odata.nextLink page by page.
    void collect(const QUrl& url, QJsonArray items, int pages, Callback<QJsonArray> done,
                 RetryPolicy::ReplicationRule replication = RetryPolicy::ReplicationRule::None);

    HttpClient& m_http;
    QUrl m_base;
    TokenProvider m_token;
};

}  // namespace dcr
