#include "core/endpoints.h"

#include "profile/profile.h"

#include <QRegularExpression>

namespace dcr {

namespace {

struct CloudHosts {
    AzureCloud cloud;
    const char* name;
    const char* login;
    const char* graph;
};

const CloudHosts kClouds[] = {
    {AzureCloud::Global, "global", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
    {AzureCloud::UsGov, "usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"},
    {AzureCloud::China, "china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn"},
    {AzureCloud::Custom, "custom", "", ""},
};

struct RegionName {
    KonnectRegion region;
    const char* name;
};

const RegionName kRegions[] = {
    {KonnectRegion::Us, "us"}, {KonnectRegion::Eu, "eu"}, {KonnectRegion::Au, "au"}, {KonnectRegion::Me, "me"},
    {KonnectRegion::In, "in"}, {KonnectRegion::Sg, "sg"}, {KonnectRegion::Custom, "custom"},
};

const CloudHosts& hostsOf(AzureCloud cloud) {
    for (const CloudHosts& hosts : kClouds) {
        if (hosts.cloud == cloud)
            return hosts;
    }
    return kClouds[0];
}

QString withoutTrailingSlash(QString url) {
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

// Konnect's identity API lives beside the regional ones: us.api.<domain> → global.api.<domain>.
QUrl globalFor(const QUrl& regional) {
    static const QRegularExpression regionalHost(QStringLiteral("^(?:us|eu|au|me|in|sg)\\.api\\.(.+)$"),
                                                 QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = regionalHost.match(regional.host());
    if (!match.hasMatch())
        return regional;
    QUrl global = regional;
    global.setHost(QStringLiteral("global.api.") + match.captured(1));
    return global;
}

}  // namespace

QString azureCloudName(AzureCloud cloud) {
    return QLatin1String(hostsOf(cloud).name);
}

std::optional<AzureCloud> parseAzureCloud(const QString& name) {
    for (const CloudHosts& hosts : kClouds) {
        if (name.compare(QLatin1String(hosts.name), Qt::CaseInsensitive) == 0)
            return hosts.cloud;
    }
    return std::nullopt;
}

QString konnectRegionName(KonnectRegion region) {
    for (const RegionName& r : kRegions) {
        if (r.region == region)
            return QLatin1String(r.name);
    }
    return {};
}

std::optional<KonnectRegion> parseKonnectRegion(const QString& name) {
    for (const RegionName& r : kRegions) {
        if (name.compare(QLatin1String(r.name), Qt::CaseInsensitive) == 0)
            return r.region;
    }
    return std::nullopt;
}

QUrl azureLoginUrl(AzureCloud cloud) {
    return QUrl(QLatin1String(hostsOf(cloud).login));
}

QUrl azureGraphUrl(AzureCloud cloud) {
    return QUrl(QLatin1String(hostsOf(cloud).graph));
}

QUrl konnectRegionUrl(KonnectRegion region) {
    if (region == KonnectRegion::Custom)
        return {};
    return QUrl(QStringLiteral("https://%1.api.konghq.com").arg(konnectRegionName(region)));
}

QUrl konnectGlobalUrl() {
    return QUrl(QStringLiteral("https://global.api.konghq.com"));
}

QUrl joinUrl(const QUrl& base, const QString& path) {
    QString rest = path;
    std::optional<QString> query;
    const qsizetype mark = rest.indexOf(QLatin1Char('?'));
    if (mark >= 0) {
        query = rest.mid(mark + 1);
        rest.truncate(mark);
    }
    while (rest.startsWith(QLatin1Char('/')))
        rest.remove(0, 1);
    const QString basePath = withoutTrailingSlash(base.path(QUrl::FullyEncoded));

    QUrl out = base;
    out.setPath(rest.isEmpty() ? basePath : basePath + QLatin1Char('/') + rest, QUrl::TolerantMode);
    if (query)
        out.setQuery(*query, QUrl::TolerantMode);
    return out;
}

Endpoints Endpoints::forCloud(AzureCloud cloud, KonnectRegion region) {
    Endpoints e;
    e.login = azureLoginUrl(cloud);
    e.graph = azureGraphUrl(cloud);
    e.graphResource = withoutTrailingSlash(e.graph.toString());
    e.konnect = konnectRegionUrl(region);
    e.konnectGlobal = konnectGlobalUrl();
    return e;
}

Endpoints Endpoints::forProfile(const Profile& profile) {
    const AzureCloud cloud = parseAzureCloud(profile.azure.cloud).value_or(AzureCloud::Global);
    const KonnectRegion region = parseKonnectRegion(profile.konnect.region).value_or(KonnectRegion::Us);
    Endpoints e = forCloud(cloud, region);
    if (cloud == AzureCloud::Custom) {
        e.login = QUrl(withoutTrailingSlash(profile.azure.loginUrl));
        e.graph = QUrl(withoutTrailingSlash(profile.azure.graphUrl));
        // Graph's resource identifier is its origin (https://graph.microsoft.us serves
        // /v1.0/…); a profile names another when Graph is served under a path or a proxy.
        e.graphResource = profile.azure.graphResource.isEmpty()
                              ? withoutTrailingSlash(e.graph.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                                                                      QUrl::RemoveUserInfo)
                                                         .toString())
                              : withoutTrailingSlash(profile.azure.graphResource);
    }
    if (region == KonnectRegion::Custom) {
        e.konnect = QUrl(withoutTrailingSlash(profile.konnect.baseUrl));
        e.konnectGlobal = globalFor(e.konnect);
    }
    return e;
}

Endpoints Endpoints::sandbox(quint16 port) {
    const QUrl base(QStringLiteral("http://127.0.0.1:%1").arg(port));
    Endpoints e;
    e.login = joinUrl(base, QStringLiteral("/login"));
    e.graph = joinUrl(base, QStringLiteral("/graph"));
    // The sandbox impersonates the global cloud, whose Graph is the resource its tokens name.
    e.graphResource = azureGraphUrl(AzureCloud::Global).toString();
    e.konnect = joinUrl(base, QStringLiteral("/konnect"));
    e.konnectGlobal = e.konnect;
    e.gateway = joinUrl(base, QStringLiteral("/gateway"));
    e.isSandbox = true;
    return e;
}

Endpoints Endpoints::fromSandboxInfo(const QJsonObject& info) {
    const auto url = [&info](const char* key) { return QUrl(info.value(QLatin1String(key)).toString()); };
    Endpoints e;
    e.login = url("login_url");
    e.graph = url("graph_url");
    e.graphResource = azureGraphUrl(AzureCloud::Global).toString();
    e.konnect = url("konnect_url");
    e.konnectGlobal = e.konnect;
    const QUrl portal = url("portal_url");
    if (portal.isValid() && !portal.isEmpty())
        e.portal = joinUrl(portal, QStringLiteral("/api/v3"));
    e.gateway = url("gateway_url");
    e.isSandbox = true;
    return e;
}

}  // namespace dcr
