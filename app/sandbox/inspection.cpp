// GET /_sandbox/requests, GET /_sandbox/state, POST /_sandbox/reset, GET|POST|DELETE /_sandbox/faults,
// PUT /_sandbox/replication-delay, GET /_sandbox/info: what a demo shows and tests assert on.
#include "sandbox/services.h"

#include <QJsonArray>

namespace dcr::sandbox {

namespace {

QJsonObject inspectDirectory(Directory& d) {
    QJsonArray apps, sps, assignments, grants;
    for (const Application& a : d.applications)
        apps.append(QJsonObject{{QStringLiteral("id"), a.id},
                                {QStringLiteral("appId"), a.appId},
                                {QStringLiteral("displayName"), a.displayName},
                                {QStringLiteral("signInAudience"), a.signInAudience},
                                {QStringLiteral("passwordCredentials"), static_cast<int>(a.passwordCredentials.size())},
                                {QStringLiteral("isFallbackPublicClient"), a.isFallbackPublicClient},
                                {QStringLiteral("publicClientRedirectUris"), QJsonArray::fromStringList(a.publicClientRedirectUris)},
                                {QStringLiteral("requiredResourceAccess"), a.requiredResourceAccess},
                                {QStringLiteral("replicated"), d.isVisible(a.visibleAtMs)}});
    for (const ServicePrincipal& sp : d.servicePrincipals) {
        if (sp.appOwnerOrganizationId == Directory::kMicrosoftTenantId)
            continue;  // the tenant's first-party principals are not what a setup creates
        sps.append(QJsonObject{{QStringLiteral("id"), sp.id},
                               {QStringLiteral("appId"), sp.appId},
                               {QStringLiteral("displayName"), sp.displayName},
                               {QStringLiteral("replicated"), d.isVisible(sp.visibleAtMs)}});
    }
    for (const AppRoleAssignment& a : d.appRoleAssignments)
        assignments.append(QJsonObject{{QStringLiteral("id"), a.id},
                                       {QStringLiteral("principalId"), a.principalId},
                                       {QStringLiteral("resourceId"), a.resourceId},
                                       {QStringLiteral("appRoleId"), a.appRoleId}});
    for (const OAuth2PermissionGrant& g : d.permissionGrants)
        grants.append(QJsonObject{{QStringLiteral("id"), g.id},
                                  {QStringLiteral("clientId"), g.clientId},
                                  {QStringLiteral("resourceId"), g.resourceId},
                                  {QStringLiteral("consentType"), g.consentType},
                                  {QStringLiteral("scope"), g.scope}});
    return QJsonObject{{QStringLiteral("tenant_id"), d.tenant.id},
                       {QStringLiteral("replication_delay_ms"), d.replicationDelayMs},
                       {QStringLiteral("applications"), apps},
                       {QStringLiteral("service_principals"), sps},
                       {QStringLiteral("app_role_assignments"), assignments},
                       {QStringLiteral("oauth2_permission_grants"), grants}};
}

Response badControlRequest(const QString& message) {
    return Response::json(400, QJsonObject{{QStringLiteral("message"), message}});
}

}  // namespace

QJsonObject sandboxInfo(const SandboxState& state) {
    const QString base = state.baseUrl;
    const Seed& seed = state.seed;
    QJsonObject info{
        {QStringLiteral("base_url"), base},
        {QStringLiteral("login_url"), base + QStringLiteral("/login")},
        {QStringLiteral("graph_url"), base + QStringLiteral("/graph")},
        {QStringLiteral("konnect_url"), base + QStringLiteral("/konnect")},
        {QStringLiteral("portal_url"), base + QStringLiteral("/portal/") + state.konnect.portalId},
        {QStringLiteral("gateway_url"), base + QStringLiteral("/gateway")},
        {QStringLiteral("tenant_id"), seed.tenantId},
        {QStringLiteral("tenant_domain"), seed.tenantDomain},
        {QStringLiteral("admin_user_principal_name"), seed.adminUserPrincipalName},
        {QStringLiteral("admin_password"), seed.adminPassword},
        {QStringLiteral("konnect_personal_token"), seed.konnectPersonalToken},
        {QStringLiteral("konnect_system_token"), seed.konnectSystemToken},
        {QStringLiteral("portal_id"), state.konnect.portalId},
        {QStringLiteral("api_id"), state.konnect.apiId},
        {QStringLiteral("developer_email"), seed.developerEmail},
        {QStringLiteral("developer_password"), seed.developerPassword},
        {QStringLiteral("device_approve_url"), base + QStringLiteral("/_sandbox/device/approve")},
    };
    // The tenant's Dynamics 365 environment: any https://<org>.crm.dynamics.com is its resource.
    if (seed.dynamicsCrm)
        info.insert(QStringLiteral("dynamics_url"),
                    QStringLiteral("https://%1.crm.dynamics.com").arg(seed.tenantDomain.section(QLatin1Char('.'), 0, 0)));
    return info;
}

void registerInspection(Router& router, SandboxState& state) {
    router.add("GET", QStringLiteral("/_sandbox/info"), [&state](const Request&) {
        return Response::json(200, sandboxInfo(state));
    });
    router.add("GET", QStringLiteral("/_sandbox/requests"), [&state](const Request&) {
        return Response::json(200, QJsonObject{{QStringLiteral("requests"), state.log.toJson()}});
    });
    router.add("DELETE", QStringLiteral("/_sandbox/requests"), [&state](const Request&) {
        state.log.clear();
        return Response::empty(204);
    });
    router.add("GET", QStringLiteral("/_sandbox/state"), [&state](const Request&) {
        return Response::json(200, QJsonObject{{QStringLiteral("azure"), inspectDirectory(state.directory)},
                                               {QStringLiteral("konnect"), inspectKonnect(state)}});
    });
    router.add("POST", QStringLiteral("/_sandbox/reset"), [&state](const Request&) {
        state.applySeed();
        state.faults.clear();
        state.log.clear();
        return Response::empty(204);
    });
    router.add("GET", QStringLiteral("/_sandbox/faults"), [&state](const Request&) {
        return Response::json(200, QJsonObject{{QStringLiteral("faults"), state.faults.toJson()}});
    });
    router.add("POST", QStringLiteral("/_sandbox/faults"), [&state](const Request& request) {
        QString error;
        if (!state.faults.load(QJsonDocument::fromJson(request.body), &error))
            return badControlRequest(error);
        return Response::json(200, QJsonObject{{QStringLiteral("faults"), state.faults.toJson()}});
    });
    router.add("DELETE", QStringLiteral("/_sandbox/faults"), [&state](const Request&) {
        state.faults.clear();
        return Response::empty(204);
    });
    router.add("PUT", QStringLiteral("/_sandbox/replication-delay"), [&state](const Request& request) {
        QJsonObject body;
        QString error;
        if (!request.jsonObject(&body, &error))
            return badControlRequest(error);
        const int ms = body.value(QStringLiteral("ms")).toInt(-1);
        if (ms < 0)
            return badControlRequest(QStringLiteral("Send {\"ms\": N} with N >= 0."));
        state.directory.replicationDelayMs = ms;
        return Response::json(200, QJsonObject{{QStringLiteral("ms"), ms}});
    });
}

}  // namespace dcr::sandbox
