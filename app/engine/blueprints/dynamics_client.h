#pragma once

#include "engine/step.h"
#include "profile/profile.h"

#include <QUrl>

#include <functional>

namespace dcr::engine {

class Context;

namespace keys {
inline const QString kDynamicsSpId = QStringLiteral("dynamics_sp_id");
inline const QString kDynamicsScopeId = QStringLiteral("dynamics_scope_id");  // user_impersonation's id in the tenant
inline const QString kDynamicsGrantId = QStringLiteral("dynamics_grant_id");
}  // namespace keys

// Dynamics 365 (Dynamics CRM) as Entra ID knows it everywhere.
inline const QString kDynamicsCrmAppId = QStringLiteral("00000007-0000-0000-c000-000000000000");
inline const QString kUserImpersonation = QStringLiteral("user_impersonation");

// How the optional test sign-in reaches a person: the sign-in authority, and either the sandbox's
// control endpoint that approves a device code at once, or a way to show the code to the user.
// Without either (unattended real mode) the test sign-in is skipped.
struct DynamicsTargets {
    QUrl login;                // e.g. https://login.microsoftonline.com
    QUrl sandboxApproveUrl;    // the sandbox's POST /_sandbox/device/approve
    std::function<void(const QString& message)> showDeviceCode;
};

// Seed 004: an app registration that an external client application uses to sign users in with
// OAuth and call Dynamics 365 Customer Engagement / Dataverse on their behalf.
Plan dynamicsClientPlan(const DynamicsTargets& targets);

// What the client application's code or app.config needs (empty strings until the app exists).
struct DynamicsClientSettings {
    QString clientId;
    QString redirectUri;
    QString authority;         // https://login.microsoftonline.com/organizations or /<tenant id>
    QString organizationUrl;   // the profile's, or a placeholder to replace
    QString connectionString;  // XRM tooling / Dataverse ServiceClient
};
DynamicsClientSettings dynamicsClientSettings(const Profile& profile, const QJsonObject& outputs, const QString& loginBase);

}  // namespace dcr::engine
