#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace dcr::sandbox {

// The emulated Kong Konnect organization: identity, DCR providers, auth strategies, portals,
// APIs and their publications, and the developers and applications of the portal.
// Timestamps are ISO 8601 strings as Konnect prints them; ids are UUIDs.

struct KonnectDcrProvider {
    QString id, name, displayName, providerType, issuer;
    // As sent, secrets included: only dcrProviderJson() renders it, and it leaves the secrets out.
    QJsonObject dcrConfig;
    QJsonObject labels;
    QString createdAt, updatedAt;
};

struct KonnectAuthStrategy {
    QString id, name, displayName;
    QString strategyType;  // "openid_connect" or "key_auth"
    QJsonObject configs;   // {"openid-connect": {…}} or {"key-auth": {…}}
    QString dcrProviderId; // empty: no DCR
    QJsonObject labels;
    QJsonObject principals;
    QString createdAt, updatedAt;

    QJsonObject oidc() const { return configs.value(QStringLiteral("openid-connect")).toObject(); }
};

struct KonnectPortal {
    QString id, name, displayName, description, defaultDomain;
    QString defaultApplicationAuthStrategyId;  // empty: null
    QString defaultApiVisibility = QStringLiteral("private");
    QString defaultPageVisibility = QStringLiteral("private");
    bool authenticationEnabled = true;
    bool rbacEnabled = false;
    bool siprEnabled = false;
    bool autoApproveDevelopers = false;
    bool autoApproveApplications = false;
    bool notificationsDeveloperPiiVisibilityEnabled = false;
    QJsonObject labels;
    QString createdAt, updatedAt;
};

struct KonnectApi {
    QString id, name, version, slug, description;
    QJsonObject labels;
    QString createdAt, updatedAt;
};

struct KonnectPublication {
    QString apiId, portalId;
    QStringList authStrategyIds;  // at most one; empty: the API asks for no application auth
    QString visibility = QStringLiteral("private");
    bool autoApproveRegistrations = false;
    QString createdAt, updatedAt;
};

struct PortalDeveloper {
    QString id, portalId, email, fullName, password;
    QString status = QStringLiteral("approved");
};

struct PortalSession {
    QString token;  // the portalaccesstoken cookie's value
    QString portalId, developerId;
};

struct PortalApplication {
    QString id, portalId, developerId, name, description, authStrategyId;
    QString clientId;       // the identity provider's client id (for Azure DCR the Entra app's appId)
    QString azureObjectId;  // the Entra application DCR created for it, deleted together with it
    QString createdAt, updatedAt;
};

struct PortalRegistration {
    QString id, applicationId, apiId;
    QString status;  // "approved" or "pending"
    QString createdAt, updatedAt;
};

struct KonnectState {
    QString orgId;
    QString orgName;
    QString userId;
    QString userEmail;
    QString userFullName;
    QString personalToken;  // kpat_…
    QString systemToken;    // spat_…
    QString portalId;       // the seeded portal
    QString apiId;          // the seeded API
    QString orgCreatedAt;

    QList<KonnectDcrProvider> dcrProviders;
    QList<KonnectAuthStrategy> authStrategies;
    QList<KonnectPortal> portals;
    QList<KonnectApi> apis;
    QList<KonnectPublication> publications;
    QList<PortalDeveloper> developers;
    QList<PortalSession> sessions;
    QList<PortalApplication> applications;
    QList<PortalRegistration> registrations;

    KonnectPublication* publication(const QString& apiId, const QString& portalId);
    // A strategy is in use (Konnect: "active") while a publication names it.
    bool strategyInUse(const QString& strategyId) const;
    // A provider is active while a strategy in use relies on it.
    bool providerActive(const QString& providerId) const;
};

template <typename T>
T* findById(QList<T>& list, const QString& id) {
    for (T& item : list)
        if (item.id == id)
            return &item;
    return nullptr;
}

template <typename T>
const T* findById(const QList<T>& list, const QString& id) {
    for (const T& item : list)
        if (item.id == id)
            return &item;
    return nullptr;
}

}  // namespace dcr::sandbox
