#pragma once

#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace dcr {

struct Profile;

// Microsoft's national clouds have their own sign-in and Graph hosts (api-facts §1).
enum class AzureCloud { Global, UsGov, China, Custom };
// Konnect's regional API hosts: https://{region}.api.konghq.com.
enum class KonnectRegion { Us, Eu, Au, Me, In, Sg, Custom };

// The names profiles use: "global" "usgov" "china" "custom"; "us" "eu" "au" "me" "in" "sg" "custom".
QString azureCloudName(AzureCloud cloud);
std::optional<AzureCloud> parseAzureCloud(const QString& name);  // case-insensitive
QString konnectRegionName(KonnectRegion region);
std::optional<KonnectRegion> parseKonnectRegion(const QString& name);  // case-insensitive

// Empty for Custom: those come from the profile.
QUrl azureLoginUrl(AzureCloud cloud);      // e.g. https://login.microsoftonline.com
QUrl azureGraphUrl(AzureCloud cloud);      // e.g. https://graph.microsoft.com
QUrl konnectRegionUrl(KonnectRegion region);  // e.g. https://eu.api.konghq.com
QUrl konnectGlobalUrl();                   // https://global.api.konghq.com

// base + path, with exactly one slash between them whatever either side has. path may carry a
// query ("/v1.0/applications?$filter=appId eq '…'"); both may be given encoded or not.
QUrl joinUrl(const QUrl& base, const QString& path);

// Where each service of one setup lives. Service clients append their API's own path to these.
struct Endpoints {
    QUrl login;             // the authority without tenant: https://login.microsoftonline.com
    QUrl graph;             // without version: https://graph.microsoft.com (clients append /v1.0/…)
    QString graphResource;  // the resource a v1 token for Graph is asked for; for a custom cloud
                            // the profile's azure.graph_resource, else the Graph URL's origin
    QUrl konnect;           // the regional API: https://us.api.konghq.com
    QUrl konnectGlobal;     // identity: https://global.api.konghq.com
    QUrl portal;            // optional: a portal's Portal API, https://<portal domain>/api/v3
    QUrl gateway;           // optional: the data plane that serves the published APIs
    bool isSandbox = false;  // an imitation on this computer: its objects are nobody's

    static Endpoints forCloud(AzureCloud cloud, KonnectRegion region);
    // The profile's cloud and region, or its custom URLs. A custom Konnect host named like
    // "<region>.api.<domain>" gets "global.api.<domain>" for identity; any other serves both.
    static Endpoints forProfile(const Profile& profile);
    // The embedded sandbox on 127.0.0.1:port (one host serves every service under its own prefix).
    // portal stays empty: its path needs the portal id, which fromSandboxInfo knows.
    static Endpoints sandbox(quint16 port);
    // From the sandbox's info document (GET /_sandbox/info, or SandboxHost::ready).
    static Endpoints fromSandboxInfo(const QJsonObject& info);
};

}  // namespace dcr
