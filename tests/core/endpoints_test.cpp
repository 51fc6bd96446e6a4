#include "core/endpoints.h"
#include "core/http_client.h"
#include "profile/profile.h"

#include <gtest/gtest.h>

#include <QUrlQuery>

namespace {

using namespace dcr;

TEST(Endpoints, NamesRoundTrip) {
    for (AzureCloud c : {AzureCloud::Global, AzureCloud::UsGov, AzureCloud::China, AzureCloud::Custom})
        EXPECT_EQ(parseAzureCloud(azureCloudName(c)), c);
    for (KonnectRegion r : {KonnectRegion::Us, KonnectRegion::Eu, KonnectRegion::Au, KonnectRegion::Me, KonnectRegion::In,
                            KonnectRegion::Sg, KonnectRegion::Custom})
        EXPECT_EQ(parseKonnectRegion(konnectRegionName(r)), r);
    EXPECT_EQ(azureCloudName(AzureCloud::UsGov), "usgov");
    EXPECT_EQ(konnectRegionName(KonnectRegion::In), "in");
    EXPECT_EQ(parseAzureCloud("China"), AzureCloud::China);
    EXPECT_EQ(parseKonnectRegion("EU"), KonnectRegion::Eu);
    EXPECT_FALSE(parseAzureCloud("germany"));
    EXPECT_FALSE(parseKonnectRegion("uk"));
    EXPECT_FALSE(parseKonnectRegion(""));
}

TEST(Endpoints, Clouds) {
    const Endpoints global = Endpoints::forCloud(AzureCloud::Global, KonnectRegion::Us);
    EXPECT_EQ(global.login, QUrl("https://login.microsoftonline.com"));
    EXPECT_EQ(global.graph, QUrl("https://graph.microsoft.com"));
    EXPECT_EQ(global.graphResource, "https://graph.microsoft.com");
    EXPECT_EQ(global.konnect, QUrl("https://us.api.konghq.com"));
    EXPECT_EQ(global.konnectGlobal, QUrl("https://global.api.konghq.com"));
    EXPECT_TRUE(global.portal.isEmpty());

    const Endpoints usgov = Endpoints::forCloud(AzureCloud::UsGov, KonnectRegion::Eu);
    EXPECT_EQ(usgov.login, QUrl("https://login.microsoftonline.us"));
    EXPECT_EQ(usgov.graph, QUrl("https://graph.microsoft.us"));
    EXPECT_EQ(usgov.konnect, QUrl("https://eu.api.konghq.com"));

    const Endpoints china = Endpoints::forCloud(AzureCloud::China, KonnectRegion::Sg);
    EXPECT_EQ(china.login, QUrl("https://login.chinacloudapi.cn"));
    EXPECT_EQ(china.graph, QUrl("https://microsoftgraph.chinacloudapi.cn"));
    EXPECT_EQ(china.graphResource, "https://microsoftgraph.chinacloudapi.cn");
    EXPECT_EQ(china.konnect, QUrl("https://sg.api.konghq.com"));

    for (KonnectRegion r : {KonnectRegion::Au, KonnectRegion::Me, KonnectRegion::In})
        EXPECT_EQ(konnectRegionUrl(r), QUrl(QStringLiteral("https://%1.api.konghq.com").arg(konnectRegionName(r))));
    EXPECT_TRUE(konnectRegionUrl(KonnectRegion::Custom).isEmpty());
    EXPECT_TRUE(azureLoginUrl(AzureCloud::Custom).isEmpty());
}

TEST(Endpoints, JoinUrl) {
    const QUrl graph("https://graph.microsoft.com");
    EXPECT_EQ(joinUrl(graph, "/v1.0/organization"), QUrl("https://graph.microsoft.com/v1.0/organization"));
    EXPECT_EQ(joinUrl(QUrl("http://127.0.0.1:8080/graph/"), "v1.0/me"), QUrl("http://127.0.0.1:8080/graph/v1.0/me"));
    EXPECT_EQ(joinUrl(QUrl("http://127.0.0.1:8080/graph"), "/v1.0/me"), QUrl("http://127.0.0.1:8080/graph/v1.0/me"));
    EXPECT_EQ(joinUrl(QUrl("http://127.0.0.1:8080/graph"), ""), QUrl("http://127.0.0.1:8080/graph"));

    const QUrl byAppId = joinUrl(graph, "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')");
    EXPECT_TRUE(byAppId.isValid());
    EXPECT_EQ(byAppId.path(), "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')");

    const QUrl filtered = joinUrl(graph, "/v1.0/applications?$filter=displayName eq 'Kong Konnect DCR'&$top=5");
    EXPECT_TRUE(filtered.isValid());
    EXPECT_EQ(filtered.path(), "/v1.0/applications");
    EXPECT_EQ(QUrlQuery(filtered).queryItemValue("$filter"), "displayName eq 'Kong Konnect DCR'");
    EXPECT_EQ(QUrlQuery(filtered).queryItemValue("$top"), "5");

    const QUrl encoded = joinUrl(QUrl("https://us.api.konghq.com"), "/v3/apis?filter%5Bname%5D%5Beq%5D=My%20API");
    EXPECT_EQ(encoded.query(QUrl::FullyDecoded), "filter[name][eq]=My API");
    EXPECT_EQ(encoded.toString(QUrl::FullyEncoded), "https://us.api.konghq.com/v3/apis?filter%5Bname%5D%5Beq%5D=My%20API")
        << "an already encoded query is sent as it was given";
}

TEST(Endpoints, Sandbox) {
    const Endpoints e = Endpoints::sandbox(18080);
    EXPECT_EQ(e.login, QUrl("http://127.0.0.1:18080/login"));
    EXPECT_EQ(e.graph, QUrl("http://127.0.0.1:18080/graph"));
    EXPECT_EQ(e.konnect, QUrl("http://127.0.0.1:18080/konnect"));
    EXPECT_EQ(e.konnectGlobal, e.konnect);
    EXPECT_EQ(e.gateway, QUrl("http://127.0.0.1:18080/gateway"));
    EXPECT_EQ(e.graphResource, "https://graph.microsoft.com");
    EXPECT_EQ(joinUrl(e.graph, "/v1.0/applications"), QUrl("http://127.0.0.1:18080/graph/v1.0/applications"));
    for (const QUrl& url : {e.login, e.graph, e.konnect, e.gateway})
        EXPECT_TRUE(HttpClient::isAllowedUrl(url)) << url.toString().toStdString();
}

TEST(Endpoints, FromSandboxInfo) {
    const QJsonObject info{{"base_url", "http://127.0.0.1:4000"},
                           {"login_url", "http://127.0.0.1:4000/login"},
                           {"graph_url", "http://127.0.0.1:4000/graph"},
                           {"konnect_url", "http://127.0.0.1:4000/konnect"},
                           {"portal_url", "http://127.0.0.1:4000/portal/p-1"},
                           {"gateway_url", "http://127.0.0.1:4000/gateway"}};
    const Endpoints e = Endpoints::fromSandboxInfo(info);
    EXPECT_EQ(e.login, QUrl("http://127.0.0.1:4000/login"));
    EXPECT_EQ(e.graph, QUrl("http://127.0.0.1:4000/graph"));
    EXPECT_EQ(e.konnect, QUrl("http://127.0.0.1:4000/konnect"));
    EXPECT_EQ(e.konnectGlobal, e.konnect);
    EXPECT_EQ(e.portal, QUrl("http://127.0.0.1:4000/portal/p-1/api/v3"));
    EXPECT_EQ(e.gateway, QUrl("http://127.0.0.1:4000/gateway"));
    EXPECT_FALSE(e.graphResource.isEmpty());
    EXPECT_TRUE(Endpoints::fromSandboxInfo({}).portal.isEmpty());
}

TEST(Endpoints, ForProfile) {
    Profile p;
    const Endpoints defaults = Endpoints::forProfile(p);
    EXPECT_EQ(defaults.login, QUrl("https://login.microsoftonline.com"));
    EXPECT_EQ(defaults.konnect, QUrl("https://us.api.konghq.com"));

    p.azure.cloud = "usgov";
    p.konnect.region = "au";
    const Endpoints gov = Endpoints::forProfile(p);
    EXPECT_EQ(gov.graph, QUrl("https://graph.microsoft.us"));
    EXPECT_EQ(gov.graphResource, "https://graph.microsoft.us");
    EXPECT_EQ(gov.konnect, QUrl("https://au.api.konghq.com"));
    EXPECT_EQ(gov.konnectGlobal, QUrl("https://global.api.konghq.com"));

    p.azure.cloud = "custom";
    p.azure.loginUrl = "https://login.example.test/";
    p.azure.graphUrl = "https://graph.example.test/";
    p.konnect.region = "custom";
    p.konnect.baseUrl = "https://eu.api.konghq.tech/";
    const Endpoints custom = Endpoints::forProfile(p);
    EXPECT_EQ(custom.login, QUrl("https://login.example.test"));
    EXPECT_EQ(custom.graph, QUrl("https://graph.example.test"));
    EXPECT_EQ(custom.graphResource, "https://graph.example.test");
    EXPECT_EQ(custom.konnect, QUrl("https://eu.api.konghq.tech"));
    EXPECT_EQ(custom.konnectGlobal, QUrl("https://global.api.konghq.tech"));

    p.konnect.baseUrl = "https://konnect.internal.example";
    EXPECT_EQ(Endpoints::forProfile(p).konnectGlobal, QUrl("https://konnect.internal.example"));
}

TEST(Endpoints, ACustomCloudsGraphResourceIsItsOriginUnlessTheProfileNamesOne) {
    Profile p;
    p.azure.cloud = "custom";
    p.azure.loginUrl = "https://127.0.0.1:8443/login";
    p.azure.graphUrl = "https://127.0.0.1:8443/graph/";
    // Graph served under a path: the token is for the origin, never for the whole URL.
    EXPECT_EQ(Endpoints::forProfile(p).graph, QUrl("https://127.0.0.1:8443/graph"));
    EXPECT_EQ(Endpoints::forProfile(p).graphResource, "https://127.0.0.1:8443");
    p.azure.graphResource = "https://graph.microsoft.com/";
    EXPECT_EQ(Endpoints::forProfile(p).graphResource, "https://graph.microsoft.com");
    EXPECT_EQ(Endpoints::forProfile(p).graph, QUrl("https://127.0.0.1:8443/graph"));
}

}  // namespace
