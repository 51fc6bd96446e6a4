#include "wizard/deep_links.h"

#include "core/endpoints.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "wizard/azure_guide.h"

#include <QCoreApplication>

namespace dcr::wizard {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("dcr::wizard", text); }

}  // namespace

QUrl konnectConsoleUrl(const QString& region, const QString& page) {
    const std::optional<KonnectRegion> known = parseKonnectRegion(region);
    if (!known || *known == KonnectRegion::Custom)
        return {};
    return QUrl(QStringLiteral("https://cloud.konghq.com/%1/%2").arg(konnectRegionName(*known), page));
}

QList<DeepLink> deepLinks(const Profile& profile, const QJsonObject& outputs, const QUrl& sandboxState) {
    const bool sandbox = sandboxState.isValid();
    const auto has = [&outputs](const QString& key) { return !outputs.value(key).toString().isEmpty(); };
    QList<DeepLink> links;
    const auto add = [&](const QString& text, const QUrl& url) {
        const QUrl target = sandbox ? sandboxState : url;
        if (target.isValid())
            links.append({text, target});
    };
    if (has(engine::keys::kAppId))
        add(sandbox ? tr("The app registration, in the sandbox's state") : tr("The app registration in the Azure portal"),
            azurePortalAppUrl(profile, outputs.value(engine::keys::kAppId).toString()));
    const QUrl applicationAuth = konnectConsoleUrl(profile.konnect.region, QStringLiteral("portals/application-auth"));
    if (has(engine::keys::kProviderId))
        add(sandbox ? tr("The DCR provider, in the sandbox's state") : tr("The DCR provider in Konnect (Application Auth)"), applicationAuth);
    if (has(engine::keys::kStrategyId))
        add(sandbox ? tr("The auth strategy, in the sandbox's state") : tr("The auth strategy in Konnect (Application Auth)"),
            applicationAuth);
    if (has(engine::keys::kPortalId))
        add(sandbox ? tr("The Dev Portal, in the sandbox's state") : tr("The Dev Portal in Konnect"),
            konnectConsoleUrl(profile.konnect.region, QStringLiteral("portals")));
    return links;
}

}  // namespace dcr::wizard
