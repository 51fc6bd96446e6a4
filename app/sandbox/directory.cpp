#include "sandbox/directory.h"

#include "sandbox/sandbox_http.h"
#include "sandbox/token_issuer.h"

#include <QDateTime>
#include <QUuid>

namespace dcr::sandbox {

const QString Directory::kGraphAppId = QStringLiteral("00000003-0000-0000-c000-000000000000");
const QString Directory::kDynamicsCrmAppId = QStringLiteral("00000007-0000-0000-c000-000000000000");
const QString Directory::kGraphCommandLineToolsAppId = QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
const QString Directory::kMicrosoftTenantId = QStringLiteral("f8cdef31-a31e-4b4a-93e4-5f571e91255a");

namespace {

AppRole appRole(const char* id, const char* value, const char* description) {
    return AppRole{QString::fromLatin1(id), QString::fromLatin1(value), QString::fromLatin1(description),
                   QString::fromLatin1(description), {QStringLiteral("Application")}};
}

PermissionScope scope(const char* id, const char* value, const char* type, const char* description) {
    return PermissionScope{QString::fromLatin1(id), QString::fromLatin1(value), QString::fromLatin1(type),
                           QString::fromLatin1(description), QString::fromLatin1(description)};
}

QByteArray guidBytes(const QString& guid) { return QUuid::fromString(guid).toRfc4122(); }

}  // namespace

Directory::Directory() {
    m_clock.start();
    addWellKnownServicePrincipals();
}

// The first-party resources a tenant has from the start, with the ids Microsoft uses globally.
void Directory::addWellKnownServicePrincipals() {
    ServicePrincipal graph;
    graph.id = newGuid();
    graph.appId = kGraphAppId;
    graph.displayName = QStringLiteral("Microsoft Graph");
    graph.appOwnerOrganizationId = kMicrosoftTenantId;
    graph.appRoles = {
        appRole("18a4783c-866b-4cc7-a460-3d5e5662c884", "Application.ReadWrite.OwnedBy",
                "Manage apps that this app creates or owns"),
        appRole("1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", "Application.ReadWrite.All", "Read and write all applications"),
        appRole("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "Application.Read.All", "Read all applications"),
        appRole("df021288-bdef-4463-88db-98f22de89214", "User.Read.All", "Read all users' full profiles"),
        appRole("7ab1d382-f21e-4acd-a863-ba3e13f7da61", "Directory.Read.All", "Read directory data"),
    };
    graph.oauth2PermissionScopes = {
        scope("e1fe6dd8-ba31-4d61-89e7-88639da4683d", "User.Read", "User", "Sign in and read user profile"),
        scope("37f7f235-527c-4136-accd-4a02d197296e", "openid", "User", "Sign users in"),
        scope("14dad69e-099b-42c9-810b-d002981feec1", "profile", "User", "View users' basic profile"),
        scope("7427e0e9-2fba-42fe-b0c0-848c9e6a8182", "offline_access", "User", "Maintain access to data you have given it access to"),
        scope("64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0", "email", "User", "View users' email address"),
        scope("bdfbf15f-ee85-4955-8675-146e8e5296b5", "Application.ReadWrite.All", "Admin", "Read and write all applications"),
        scope("84bccea3-f856-4a8a-967b-dbe0a3d53a64", "AppRoleAssignment.ReadWrite.All", "Admin",
              "Manage app permission grants and app role assignments"),
        scope("41ce6ca6-6826-4807-84f1-1c82854f7ee5", "DelegatedPermissionGrant.ReadWrite.All", "Admin",
              "Manage all delegated permission grants"),
    };
    servicePrincipals.append(graph);

    ServicePrincipal crm;
    crm.id = newGuid();
    crm.appId = kDynamicsCrmAppId;
    crm.displayName = QStringLiteral("Dynamics CRM");
    crm.appOwnerOrganizationId = kMicrosoftTenantId;
    crm.oauth2PermissionScopes = {scope("78ce3f0f-a1ce-49c2-8cde-64b5c0896db4", "user_impersonation", "User",
                                        "Access Common Data Service as organization users")};
    servicePrincipals.append(crm);

    ServicePrincipal cli;
    cli.id = newGuid();
    cli.appId = kGraphCommandLineToolsAppId;
    cli.displayName = QStringLiteral("Microsoft Graph Command Line Tools");
    cli.appOwnerOrganizationId = kMicrosoftTenantId;
    servicePrincipals.append(cli);
}

bool Directory::isThisTenant(const QString& idOrDomain) const {
    return idOrDomain.compare(tenant.id, Qt::CaseInsensitive) == 0 ||
           tenant.verifiedDomains.contains(idOrDomain, Qt::CaseInsensitive);
}

Application* Directory::applicationById(const QString& objectId, bool includeUnreplicated) {
    for (Application& app : applications)
        if (app.id == objectId && (includeUnreplicated || isVisible(app.visibleAtMs)))
            return &app;
    return nullptr;
}

Application* Directory::applicationByAppId(const QString& appId, bool includeUnreplicated) {
    for (Application& app : applications)
        if (app.appId.compare(appId, Qt::CaseInsensitive) == 0 && (includeUnreplicated || isVisible(app.visibleAtMs)))
            return &app;
    return nullptr;
}

ServicePrincipal* Directory::servicePrincipalById(const QString& id, bool includeUnreplicated) {
    for (ServicePrincipal& sp : servicePrincipals)
        if (sp.id == id && (includeUnreplicated || isVisible(sp.visibleAtMs)))
            return &sp;
    return nullptr;
}

ServicePrincipal* Directory::servicePrincipalByAppId(const QString& appId, bool includeUnreplicated) {
    for (ServicePrincipal& sp : servicePrincipals)
        if (sp.appId.compare(appId, Qt::CaseInsensitive) == 0 && (includeUnreplicated || isVisible(sp.visibleAtMs)))
            return &sp;
    return nullptr;
}

User* Directory::userById(const QString& id) {
    for (User& u : users)
        if (u.id == id)
            return &u;
    return nullptr;
}

User* Directory::userByName(const QString& userPrincipalName) {
    for (User& u : users)
        if (u.userPrincipalName.compare(userPrincipalName, Qt::CaseInsensitive) == 0)
            return &u;
    return nullptr;
}

Application& Directory::addApplication(Application app) {
    app.id = newGuid();
    app.appId = newGuid();
    app.createdDateTime = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
    app.visibleAtMs = visibleFromNow();
    applications.append(std::move(app));
    return applications.last();
}

ServicePrincipal& Directory::addServicePrincipal(ServicePrincipal sp) {
    sp.id = newGuid();
    sp.visibleAtMs = visibleFromNow();
    servicePrincipals.append(std::move(sp));
    return servicePrincipals.last();
}

AppRoleAssignment& Directory::addAppRoleAssignment(AppRoleAssignment a) {
    // Assignment ids start with the principal's id bytes, as Graph's do.
    a.id = QString::fromLatin1(base64Url(guidBytes(a.principalId) + QUuid::createUuid().toRfc4122()));
    a.createdDateTime = isoNow();
    appRoleAssignments.append(std::move(a));
    return appRoleAssignments.last();
}

OAuth2PermissionGrant& Directory::addPermissionGrant(OAuth2PermissionGrant g) {
    // Graph's grant ids are the client, resource (and user) ids' bytes in base64url, which is what
    // makes a second grant for the same key a conflict.
    QByteArray key = guidBytes(g.clientId) + guidBytes(g.resourceId);
    if (!g.principalId.isEmpty())
        key += guidBytes(g.principalId);
    g.id = QString::fromLatin1(base64Url(key));
    permissionGrants.append(std::move(g));
    return permissionGrants.last();
}

bool Directory::removeServicePrincipal(const QString& id) {
    const qsizetype before = servicePrincipals.size();
    servicePrincipals.removeIf([&](const ServicePrincipal& sp) { return sp.id == id; });
    if (servicePrincipals.size() == before)
        return false;
    appRoleAssignments.removeIf(
        [&](const AppRoleAssignment& a) { return a.principalId == id || a.resourceId == id; });
    permissionGrants.removeIf([&](const OAuth2PermissionGrant& g) { return g.clientId == id || g.resourceId == id; });
    return true;
}

bool Directory::removeApplication(const QString& objectId) {
    Application* app = applicationById(objectId, true);
    if (!app)
        return false;
    if (ServicePrincipal* sp = servicePrincipalByAppId(app->appId, true))
        removeServicePrincipal(sp->id);
    applications.removeIf([&](const Application& a) { return a.id == objectId; });
    return true;
}

Directory::SecretCheck Directory::checkClientSecret(const QString& appId, const QString& secret) const {
    for (const Application& app : applications) {
        if (app.appId.compare(appId, Qt::CaseInsensitive) != 0 || !isVisible(app.visibleAtMs))
            continue;
        const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODate);
        for (const PasswordCredential& cred : app.passwordCredentials) {
            if (cred.secretText != secret)
                continue;
            return cred.endDateTime.isEmpty() || cred.endDateTime > now ? SecretCheck::Ok : SecretCheck::ExpiredSecret;
        }
        return SecretCheck::WrongSecret;
    }
    return SecretCheck::UnknownApplication;
}

QStringList Directory::grantedRoles(const QString& clientAppId, const QString& resourceAppId) const {
    QString clientSp, resourceSp;
    const ServicePrincipal* resource = nullptr;
    for (const ServicePrincipal& sp : servicePrincipals) {
        if (!isVisible(sp.visibleAtMs))
            continue;
        if (sp.appId.compare(clientAppId, Qt::CaseInsensitive) == 0)
            clientSp = sp.id;
        if (sp.appId.compare(resourceAppId, Qt::CaseInsensitive) == 0) {
            resourceSp = sp.id;
            resource = &sp;
        }
    }
    QStringList values;
    if (clientSp.isEmpty() || !resource)
        return values;
    for (const AppRoleAssignment& a : appRoleAssignments) {
        if (a.principalId != clientSp || a.resourceId != resourceSp)
            continue;
        for (const AppRole& role : resource->appRoles)
            if (role.id == a.appRoleId && !values.contains(role.value))
                values.append(role.value);
    }
    return values;
}

QStringList Directory::grantedScopes(const QString& clientAppId, const QString& resourceAppId, const QString& userId) const {
    QString clientSp, resourceSp;
    for (const ServicePrincipal& sp : servicePrincipals) {
        if (!isVisible(sp.visibleAtMs))
            continue;
        if (sp.appId.compare(clientAppId, Qt::CaseInsensitive) == 0)
            clientSp = sp.id;
        if (sp.appId.compare(resourceAppId, Qt::CaseInsensitive) == 0)
            resourceSp = sp.id;
    }
    QStringList scopes;
    for (const OAuth2PermissionGrant& g : permissionGrants) {
        if (g.clientId != clientSp || g.resourceId != resourceSp)
            continue;
        if (g.consentType != QLatin1String("AllPrincipals") && g.principalId != userId)
            continue;
        for (const QString& s : g.scope.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            if (!scopes.contains(s))
                scopes.append(s);
    }
    return scopes;
}

}  // namespace dcr::sandbox
