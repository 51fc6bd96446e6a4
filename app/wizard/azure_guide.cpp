#include "wizard/azure_guide.h"

#include "core/endpoints.h"
#include "engine/blueprints/kong_dcr_azure.h"

#include <QCoreApplication>
#include <QUrlQuery>

namespace dcr::wizard {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("dcr::wizard", text); }

QString explain(const QString& permission) {
    if (permission == QLatin1String("Application.ReadWrite.OwnedBy"))
        return tr("Lets Konnect create the app registrations of developers' applications and manage those it owns, "
                  "and nothing else. This is all that Dynamic Client Registration needs.");
    if (permission == QLatin1String("Application.Read.All"))
        return tr("Lets Konnect read every app registration of the tenant. Kong's earlier guides asked for it.");
    if (permission == QLatin1String("Application.ReadWrite.All"))
        return tr("Lets Konnect create, change and delete every app registration of the tenant, including ones it did "
                  "not create. More than DCR needs; choose it only to match an existing setup.");
    if (permission == QLatin1String("User.Read"))
        return tr("Lets the app sign users in and read their basic profile. Entra ID adds it to every new app.");
    return tr("A Microsoft Graph permission the preset includes.");
}

AzureCloud cloudOf(const Profile& profile) { return parseAzureCloud(profile.azure.cloud).value_or(AzureCloud::Global); }

}  // namespace

QList<PermissionExplanation> permissionsExplained(Profile::PermissionPreset preset) {
    QList<PermissionExplanation> out;
    for (const QString& role : engine::presetAppRoles(preset))
        out.append({role, true, explain(role)});
    for (const QString& scope : engine::presetScopes(preset))
        out.append({scope, false, explain(scope)});
    return out;
}

QUrl adminConsentUrl(const QUrl& login, const QString& tenant, const QString& appId) {
    QUrl url = joinUrl(login, QLatin1Char('/') + tenant + QStringLiteral("/adminconsent"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), appId);
    url.setQuery(query);
    return url;
}

QUrl azurePortalAppUrl(const Profile& profile, const QString& appId) {
    QString portal = QStringLiteral("https://portal.azure.com");
    if (cloudOf(profile) == AzureCloud::UsGov)
        portal = QStringLiteral("https://portal.azure.us");
    else if (cloudOf(profile) == AzureCloud::China)
        portal = QStringLiteral("https://portal.azure.cn");
    // The blade address lives in the fragment, which QUrl would otherwise re-encode.
    return QUrl(portal + QStringLiteral("/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/") + appId,
                QUrl::TolerantMode);
}

}  // namespace dcr::wizard
