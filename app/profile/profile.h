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
    struct Validation {
        QString gatewayUrl;  // optional: a route of the published API to call with the new credentials
        bool dcrRoundTrip = false;
    };

    QString name = QStringLiteral("default");  // scopes the keychain entries and the saved state
    Blueprint blueprint = Blueprint::KongDcrAzure;
    Azure azure;
    Konnect konnect;
    Publish publish;
    Validation validation;

    // Parses and validates; on failure returns nullopt and fills *errors with one sentence each.
    static std::optional<Profile> fromJson(const QJsonObject& json, QStringList* errors);
    QJsonObject toJson() const;
    // The checks fromJson applies, for a profile built in code (the wizard).
    QStringList validate() const;

    // Kong wants the v1 issuer without a trailing slash: https://sts.windows.net/{tenantId}
    static QString issuerFor(const QString& tenantId);
};

bool isTenantGuid(const QString& value);
bool isTenantDomain(const QString& value);

}  // namespace dcr
