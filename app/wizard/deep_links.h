#pragma once

#include "profile/profile.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>

// Where to look at what the setup made, in the consoles people already use: the Azure portal of
// the profile's cloud and Konnect's web app (cloud.konghq.com) in the profile's region.
namespace dcr::wizard {

struct DeepLink {
    QString text;  // what the link opens, for people: "The app registration in the Azure portal"
    QUrl url;
};

// Konnect's web app for a region ("us", "eu", …): https://cloud.konghq.com/<region>/<page>.
// Empty for a custom region: its console is unknown.
QUrl konnectConsoleUrl(const QString& region, const QString& page);

// The links for what `outputs` (the run's ids) holds, in this order: the app registration, the DCR
// provider, the auth strategy, the portal. Konnect's console has no stable address of
// its own for a single DCR provider or auth strategy, so those open the Application Auth page that
// lists both; a portal opens the portals list. With sandboxState set (sandbox mode) every link
// opens that page of the sandbox instead, since nothing exists in the real consoles.
QList<DeepLink> deepLinks(const Profile& profile, const QJsonObject& outputs, const QUrl& sandboxState = {});

}  // namespace dcr::wizard
