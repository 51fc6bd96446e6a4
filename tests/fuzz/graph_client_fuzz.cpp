// Microsoft Graph answers, success and error bodies alike, through the real GraphClient and
// HttpClient: every call ends in a value or an explained Error, never a crash or a hang.
#include "fuzz_support.h"

#include "clients/graph_client.h"

#include <QDateTime>

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    const fuzz::ClientInput in = fuzz::ClientInput::parse(data, size);
    fuzz::CannedNetwork network(in.answers);
    HttpClient http(&network);
    http.setRetryConfig(fuzz::noRetries());
    GraphClient graph(http, QUrl(QStringLiteral("https://graph.microsoft.com")), [] { return QStringLiteral("token"); });
    const QString id = QStringLiteral("0f6d5a1e-3c2b-4a1d-9e8f-7a6b5c4d3e2f");

    switch (in.call % 16) {
    case 0:
        fuzz::call<GraphOrganization>([&](auto done) { graph.organization(done); });
        break;
    case 1:
        fuzz::call<GraphUser>([&](auto done) { graph.me(done); });
        break;
    case 2:
        fuzz::call<QList<GraphApplication>>([&](auto done) { graph.findApplicationsByDisplayName(QStringLiteral("Kong Konnect DCR"), done); });
        break;
    case 3:
        fuzz::call<std::optional<GraphApplication>>([&](auto done) { graph.applicationByAppId(id, done); });
        break;
    case 4:
        fuzz::call<GraphApplication>([&](auto done) { graph.createApplication(QJsonObject{{QStringLiteral("displayName"), QStringLiteral("x")}}, done); });
        break;
    case 5:
        fuzz::call<Nothing>([&](auto done) { graph.updateApplication(id, QJsonObject{{QStringLiteral("notes"), QStringLiteral("x")}}, done); });
        break;
    case 6:
        fuzz::call<Nothing>([&](auto done) { graph.deleteApplication(id, done); });
        break;
    case 7:
        fuzz::call<GraphAddedPassword>([&](auto done) { graph.addPassword(id, QStringLiteral("dcr"), QDateTime::currentDateTimeUtc().addMonths(12), done); });
        break;
    case 8:
        fuzz::call<Nothing>([&](auto done) { graph.removePassword(id, id, done); });
        break;
    case 9:
        fuzz::call<std::optional<GraphServicePrincipal>>([&](auto done) { graph.servicePrincipalByAppId(id, done); });
        break;
    case 10:
        fuzz::call<GraphServicePrincipal>([&](auto done) { graph.createServicePrincipal(id, {}, done); });
        break;
    case 11:
        fuzz::call<QList<GraphAppRoleAssignment>>([&](auto done) { graph.appRoleAssignments(id, done); });
        break;
    case 12:
        fuzz::call<GraphAppRoleAssignment>([&](auto done) { graph.assignAppRole(id, id, id, done); });
        break;
    case 13:
        fuzz::call<QList<GraphPermissionGrant>>([&](auto done) { graph.permissionGrants(id, done); });
        break;
    case 14:
        fuzz::call<GraphPermissionGrant>([&](auto done) { graph.createPermissionGrant(id, id, QStringLiteral("User.Read"), done); });
        break;
    default:
        fuzz::call<Nothing>([&](auto done) { graph.updatePermissionGrant(id, QStringLiteral("User.Read"), done); });
        break;
    }
    return 0;
}
