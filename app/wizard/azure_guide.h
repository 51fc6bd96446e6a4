#pragma once

#include "profile/profile.h"

#include <QList>
#include <QString>
#include <QUrl>

// What the wizard explains about Microsoft Entra ID: the permissions of each preset in plain
// words, and the links an administrator needs when the wizard cannot do something for them.
namespace dcr::wizard {

struct PermissionExplanation {
    QString value;        // e.g. "Application.ReadWrite.OwnedBy"
    bool application;     // an application permission (app role); otherwise delegated (scope)
    QString explanation;  // what it lets Konnect do, one or two sentences
};

// The Microsoft Graph permissions the preset asks for, in the order the engine grants them.
QList<PermissionExplanation> permissionsExplained(Profile::PermissionPreset preset);

// The page where an administrator with the right role grants the consent the wizard could not:
// {login}/{tenant}/adminconsent?client_id={appId}, on the sign-in service in use (Endpoints::login:
// the profile's cloud, or the sandbox).
QUrl adminConsentUrl(const QUrl& login, const QString& tenant, const QString& appId);

// The app registration's blade in the Azure portal of the profile's cloud.
QUrl azurePortalAppUrl(const Profile& profile, const QString& appId);

}  // namespace dcr::wizard
