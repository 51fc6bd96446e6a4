#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace dcr {

// A setup described without any secret: what support staff exchange to replay a customer's setup,
// what the wizard imports and exports, and what the engine turns into a plan.
// JSON Schema: resources/profile.schema.json.
struct Profile {
    static constexpr int kSchemaVersion = 1;

    enum class Blueprint { KongDcrAzure, DynamicsClient };
    enum class PermissionPreset { Minimal, Legacy };

    struct Azure {
        QString cloud = QStringLiteral("global");  // global | usgov | china | custom
        QString loginUrl;                          // custom cloud only
        QString graphUrl;                          // custom cloud only
        // Custom cloud only: the resource identifier Graph's tokens are asked for (scopes
        // "<resource>/User.Read", resource=<resource> of a v1 token). Empty: graphUrl's origin.
        QString graphResource;
        QString tenant;                            // tenant id (GUID) or a verified domain
        QString appDisplayName = QStringLiteral("Kong Konnect DCR");
        PermissionPreset permissionPreset = PermissionPreset::Minimal;
        int secretLifetimeMonths = 12;
        QString publicClientId = QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
    };
    struct Konnect {
        QString region = QStringLiteral("us");  // us | eu | au | me | in | sg | custom
        QString baseUrl;                        // custom region only
        QString dcrProviderName = QStringLiteral("azure-dcr");
        QString authStrategyName = QStringLiteral("azure-dcr");
        QString authStrategyDisplayName = QStringLiteral("Azure AD");
        QStringList credentialClaim{QStringLiteral("appid")};
        QStringList scopes{QStringLiteral("openid")};
        QStringList authMethods{QStringLiteral("client_credentials"), QStringLiteral("bearer"), QStringLiteral("session")};
    };
    struct Publish {
        bool enabled = false;
        QString apiName;
        QString portalName;  // empty: the organization's only portal
        QString visibility = QStringLiteral("public");
        bool autoApproveRegistrations = false;
    };
    // The "dynamics-client" blueprint (seed 004): a public client app that signs users in and calls
    // Dynamics 365 / Dataverse on their behalf.
    struct Dynamics {
        QString signInAudience = QStringLiteral("AzureADMultipleOrgs");  // or AzureADMyOrg
        QString redirectUri = QStringLiteral("http://localhost");          // mobile and desktop platform
        QString organizationUrl;  // optional: https://<org>.crm.dynamics.com, for the connection string and the test sign-in
        bool adminConsent = true;   // grant user_impersonation for all users of the tenant
        bool testSignIn = false;    // prove the app with a device-code sign-in
    };
    struct Validation {
        QString gatewayUrl;  // optional: a route of the published API to call with the new credentials
        bool dcrRoundTrip = false;
    };

    QString name = QStringLiteral("default");  // scopes the keychain entries and the saved state
    Blueprint blueprint = Blueprint::KongDcrAzure;
    // Objects that exist but were not made by dcr-wizard may be used (and changed where a step says
    // so); without it such an object stops the run. Clean-up never deletes them either way.
    bool adopt = false;
    Azure azure;
    Konnect konnect;
    Publish publish;
    Dynamics dynamics;
    Validation validation;

    // A profile file is a few kilobytes; anything this large is not one and is refused unread.
    static constexpr qint64 kMaxFileBytes = 1024 * 1024;

    // Parses and validates; on failure returns nullopt and fills *errors with one sentence each.
    static std::optional<Profile> fromJson(const QJsonObject& json, QStringList* errors);
    // Reads, parses and validates a profile file; a file that cannot be read, is larger than
    // kMaxFileBytes or is not a JSON object gets one sentence that names it.
    static std::optional<Profile> readFile(const QString& path, QStringList* errors);
    QJsonObject toJson() const;
    // The checks fromJson applies, for a profile built in code (the wizard).
    QStringList validate() const;

    // Kong wants the v1 issuer without a trailing slash: https://sts.windows.net/{tenantId}
    static QString issuerFor(const QString& tenantId);
};

bool isTenantGuid(const QString& value);
// A redirect URI Entra ID accepts for a mobile and desktop (public client) app: an absolute URI
// with a scheme (http://localhost, https://…, or a custom scheme such as myapp://auth); plain http
// only to this computer. Empty when it is fine, otherwise why not.
QString publicClientRedirectUriProblem(const QString& uri);
bool isTenantDomain(const QString& value);

}  // namespace dcr
