// Kong Konnect answers (JSON lists, objects, problem+json, the rate limit's plain message) through
// the real KonnectClient and HttpClient: a value or an explained Error, never a crash or a hang.
#include "fuzz_support.h"

#include "clients/konnect_client.h"

using namespace dcr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    fuzz::ensureApplication();
    const fuzz::ClientInput in = fuzz::ClientInput::parse(data, size);
    fuzz::CannedNetwork network(in.answers);
    HttpClient http(&network);
    http.setRetryConfig(fuzz::noRetries());
    KonnectClient konnect(http, QUrl(QStringLiteral("https://us.api.konghq.com")), QUrl(QStringLiteral("https://global.api.konghq.com")),
                          [] { return QStringLiteral("kpat_token"); });
    const QString id = QStringLiteral("5f1e0d2c-3b4a-4c5d-8e9f-0a1b2c3d4e5f");
    const DcrProviderSpec provider{QStringLiteral("azure-dcr"), QStringLiteral("Azure DCR"), QStringLiteral("https://sts.windows.net/") + id,
                                   id, QStringLiteral("secret"), {}};
    const AuthStrategySpec strategy{QStringLiteral("azure-dcr"), QStringLiteral("Azure AD"), QStringLiteral("https://sts.windows.net/") + id, id,
                                    {QStringLiteral("appid")}, {QStringLiteral("openid")}, {QStringLiteral("client_credentials")}, {}};

    switch (in.call % 14) {
    case 0:
        fuzz::call<KonnectOrganization>([&](auto done) { konnect.organization(done); });
        break;
    case 1:
        fuzz::call<std::optional<KonnectDcrProvider>>([&](auto done) { konnect.findDcrProvider(QStringLiteral("azure-dcr"), done); });
        break;
    case 2:
        fuzz::call<KonnectDcrProvider>([&](auto done) { konnect.createDcrProvider(provider, done); });
        break;
    case 3:
        fuzz::call<KonnectDcrProvider>([&](auto done) { konnect.updateDcrProvider(id, provider, done); });
        break;
    case 4:
        fuzz::call<Nothing>([&](auto done) { konnect.deleteDcrProvider(id, done); });
        break;
    case 5:
        fuzz::call<KonnectVerifyResult>([&](auto done) { konnect.verifyDcrProvider(id, done); });
        break;
    case 6:
        fuzz::call<std::optional<KonnectAuthStrategy>>([&](auto done) { konnect.findAuthStrategy(QStringLiteral("azure-dcr"), done); });
        break;
    case 7:
        fuzz::call<KonnectAuthStrategy>([&](auto done) { konnect.createAuthStrategy(strategy, done); });
        break;
    case 8:
        fuzz::call<Nothing>([&](auto done) { konnect.deleteAuthStrategy(id, done); });
        break;
    case 9:
        fuzz::call<QList<KonnectPortal>>([&](auto done) { konnect.portals(done); });
        break;
    case 10:
        fuzz::call<std::optional<KonnectApi>>([&](auto done) { konnect.findApi(QStringLiteral("Orders API"), done); });
        break;
    case 11:
        fuzz::call<std::optional<KonnectPublication>>([&](auto done) { konnect.publication(id, id, done); });
        break;
    case 12:
        fuzz::call<KonnectPublication>([&](auto done) {
            konnect.publish(KonnectPublication{id, id, QStringLiteral("public"), {id}, false}, done);
        });
        break;
    default:
        fuzz::call<Nothing>([&](auto done) { konnect.unpublish(id, id, done); });
        break;
    }
    return 0;
}
