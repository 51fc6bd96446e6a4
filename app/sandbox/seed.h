#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace dcr::sandbox {

// What the sandbox starts with: one tenant with one admin, one Konnect organization with one
// portal, one API and one developer. Credentials are random per start unless a seed file fixes
// them, so no usable token is ever committed anywhere.
struct Seed {
    QString tenantId = QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f");
    QString tenantName = QStringLiteral("Contoso (sandbox)");
    QString tenantDomain = QStringLiteral("contoso.onmicrosoft.com");
    QString adminUserPrincipalName = QStringLiteral("admin@contoso.onmicrosoft.com");
    QString adminDisplayName = QStringLiteral("Ada Admin");
    QString adminPassword;  // random unless seeded

    QString konnectOrgName = QStringLiteral("Contoso Sandbox Org");
    QString konnectUserEmail = QStringLiteral("admin@contoso.example");
    QString konnectUserName = QStringLiteral("Ada Admin");
    QString konnectPersonalToken;  // kpat_…, random unless seeded
    QString konnectSystemToken;    // spat_…, random unless seeded
    QString portalName = QStringLiteral("Developer Portal");
    QString apiName = QStringLiteral("Orders API");
    QString apiVersion = QStringLiteral("v1");
    QString developerEmail = QStringLiteral("developer@contoso.example");
    QString developerPassword;  // random unless seeded

    int replicationDelayMs = 0;
    bool autoApproveSignIn = false;  // the authorize page signs the admin in without a click
    int deviceCodeIntervalSeconds = 5;  // the device code flow's polling interval; tests make it short
    // The tenant has Dynamics 365 (the Dynamics CRM service principal); false imitates a tenant
    // without it, where Entra ID answers AADSTS500011.
    bool dynamicsCrm = true;

    // Fills the random credentials that are still empty.
    void completeCredentials();
    // Reads a seed file's keys over the defaults (same names as toJson()).
    static std::optional<Seed> fromJson(const QJsonObject& json, QString* error);
    QJsonObject toJson() const;
};

}  // namespace dcr::sandbox
