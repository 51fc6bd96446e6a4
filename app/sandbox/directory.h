#pragma once

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace dcr::sandbox {

// The emulated Microsoft Entra tenant: the objects Microsoft Graph exposes and the sign-in service
// checks. Shared by the Entra, Graph and Konnect emulations (Konnect's DCR creates apps here).
// Replication delay is modelled the way the real directory shows it: an object exists at once for
// the call that created it, but other calls see it only replicationDelayMs later.

struct AppRole {
    QString id, value, displayName, description;
    QStringList allowedMemberTypes;  // "Application" for app-only roles
};

struct PermissionScope {
    QString id, value, type;  // type: "Admin" or "User"
    QString adminConsentDisplayName, adminConsentDescription;
};

struct PasswordCredential {
    QString keyId, displayName, hint, startDateTime, endDateTime;
    QString secretText;  // held only in memory, returned once by addPassword
};

struct Application {
    QString id;     // object id
    QString appId;  // client id
    QString displayName;
    QString signInAudience = QStringLiteral("AzureADMyOrg");
    QJsonArray requiredResourceAccess;  // Graph's shape: [{resourceAppId, resourceAccess:[{id,type}]}]
    QList<PasswordCredential> passwordCredentials;
    bool isFallbackPublicClient = false;
    QStringList publicClientRedirectUris;
    QStringList webRedirectUris;
    int requestedAccessTokenVersion = 0;  // 0: null (v1 tokens)
    QStringList ownerIds;                 // object ids of the users / service principals that own it
    QString createdDateTime;
    qint64 visibleAtMs = 0;
    // Graph properties the sandbox keeps as sent (notes, tags, …) without giving them a meaning.
    QJsonObject otherProperties;
};

struct ServicePrincipal {
    QString id;
    QString appId;
    QString displayName;
    QString appOwnerOrganizationId;  // the tenant that owns the app (Microsoft's for first-party apps)
    QList<AppRole> appRoles;
    QList<PermissionScope> oauth2PermissionScopes;
    QStringList ownerIds;
    qint64 visibleAtMs = 0;
    QJsonObject otherProperties;  // as Application::otherProperties
};

struct AppRoleAssignment {
    QString id, principalId, principalType, principalDisplayName, resourceId, resourceDisplayName, appRoleId, createdDateTime;
};

struct OAuth2PermissionGrant {
    QString id, clientId, consentType, principalId, resourceId, scope;
};

struct User {
    QString id, userPrincipalName, displayName, mail, password;
    bool globalAdmin = false;
};

struct Tenant {
    QString id;
    QString displayName;
    QStringList verifiedDomains;  // the first is the default / initial domain
};

class Directory {
public:
    // Well-known first-party application ids.
    static const QString kGraphAppId;
    static const QString kDynamicsCrmAppId;
    static const QString kGraphCommandLineToolsAppId;
    static const QString kMicrosoftTenantId;

    Directory();

    Tenant tenant;
    QList<User> users;
    QList<Application> applications;
    QList<ServicePrincipal> servicePrincipals;
    QList<AppRoleAssignment> appRoleAssignments;
    QList<OAuth2PermissionGrant> permissionGrants;
    // Objects deleted through Graph, which DELETE /directory/deletedItems/{id} can still purge.
    QStringList deletedObjectIds;
    int replicationDelayMs = 0;

    qint64 nowMs() const { return m_clock.elapsed(); }
    // The moment a new object becomes visible to calls other than the one that created it.
    qint64 visibleFromNow() const { return nowMs() + replicationDelayMs; }
    bool isVisible(qint64 visibleAtMs) const { return nowMs() >= visibleAtMs; }

    // Accepts the tenant id, any verified domain, or "common"/"organizations" where allowed.
    bool isThisTenant(const QString& idOrDomain) const;

    // Lookups return nullptr when the object does not exist or has not replicated yet, unless
    // includeUnreplicated is set (for the call that just created it).
    Application* applicationById(const QString& objectId, bool includeUnreplicated = false);
    Application* applicationByAppId(const QString& appId, bool includeUnreplicated = false);
    ServicePrincipal* servicePrincipalById(const QString& id, bool includeUnreplicated = false);
    ServicePrincipal* servicePrincipalByAppId(const QString& appId, bool includeUnreplicated = false);
    User* userById(const QString& id);
    User* userByName(const QString& userPrincipalName);

    // Creation fills in ids, timestamps and the replication moment, and returns the stored object.
    Application& addApplication(Application app);
    ServicePrincipal& addServicePrincipal(ServicePrincipal sp);
    // Ids in Graph's formats, which its routes recognise as keys.
    AppRoleAssignment& addAppRoleAssignment(AppRoleAssignment a);
    OAuth2PermissionGrant& addPermissionGrant(OAuth2PermissionGrant g);
    // Deleting an application also removes its service principal, the service principal's
    // role assignments and permission grants, as the directory does.
    bool removeApplication(const QString& objectId);
    bool removeServicePrincipal(const QString& id);

    enum class SecretCheck { Ok, UnknownApplication, WrongSecret, ExpiredSecret };
    // Checks a client secret the way the token endpoint does (after replication).
    SecretCheck checkClientSecret(const QString& appId, const QString& secret) const;

    // The values of the app roles granted to the client's service principal on the resource.
    QStringList grantedRoles(const QString& clientAppId, const QString& resourceAppId) const;
    // The delegated scopes granted tenant-wide (AllPrincipals) or to the user for client on resource.
    QStringList grantedScopes(const QString& clientAppId, const QString& resourceAppId, const QString& userId) const;

private:
    void addWellKnownServicePrincipals();
    QElapsedTimer m_clock;
};

}  // namespace dcr::sandbox
