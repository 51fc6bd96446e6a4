#pragma once

#include "engine/step.h"
#include "profile/profile.h"

namespace dcr::engine {

// Output keys the steps of the Kong DCR blueprint share (ids only; the saved state holds them).
namespace keys {
inline const QString kTenantId = QStringLiteral("tenant_id");
inline const QString kTenantName = QStringLiteral("tenant_name");
inline const QString kGraphSpId = QStringLiteral("graph_sp_id");
inline const QString kGraphRoleIds = QStringLiteral("graph_role_ids");    // array of app role ids
inline const QString kGraphScopes = QStringLiteral("graph_scopes");       // array of delegated scope values
inline const QString kAppObjectId = QStringLiteral("app_object_id");
inline const QString kAppId = QStringLiteral("app_id");
inline const QString kSpId = QStringLiteral("sp_id");
inline const QString kSecretKeyId = QStringLiteral("secret_key_id");
inline const QString kSecretStorage = QStringLiteral("secret_storage");   // "keychain" or "shown-once"
inline const QString kKonnectOrgId = QStringLiteral("konnect_org_id");
inline const QString kKonnectOrgName = QStringLiteral("konnect_org_name");
inline const QString kProviderId = QStringLiteral("dcr_provider_id");
inline const QString kStrategyId = QStringLiteral("auth_strategy_id");
inline const QString kApiId = QStringLiteral("api_id");
inline const QString kApiSlug = QStringLiteral("api_slug");
inline const QString kPortalId = QStringLiteral("portal_id");
// Secrets of the run, in memory only (Context::secret).
inline const QString kClientSecret = QStringLiteral("client_secret");
inline const QString kValidationToken = QStringLiteral("validation_token");
}  // namespace keys

// Where optional validation talks to, beyond the profile: the gateway route of the published API
// and a developer account of the portal for the DCR round trip (known in the sandbox; given by
// the user otherwise).
struct ValidationTargets {
    QString gatewayUrl;
    QString developerEmail;
    QString developerPassword;  // in memory only
};

// Kong Konnect Dev Portal DCR with Microsoft Entra ID: the seeds' manual procedure as a plan.
Plan kongDcrAzurePlan(const ValidationTargets& targets);

// The Microsoft Graph permissions of a preset, by value: app roles and delegated scopes.
QStringList presetAppRoles(Profile::PermissionPreset preset);
QStringList presetScopes(Profile::PermissionPreset preset);

}  // namespace dcr::engine
