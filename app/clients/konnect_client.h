#pragma once

#include "clients/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

namespace dcr {

class HttpClient;
struct HttpRequest;

struct KonnectOrganization {
    QString id, name;
};

struct KonnectDcrProvider {
    QString id, name, displayName, providerType, issuer, initialClientId;
    QJsonObject labels;
    bool active = false;
    static KonnectDcrProvider fromJson(const QJsonObject& json);
};

struct KonnectVerifyResult {
    bool success = false;
    QStringList errors;
};

struct KonnectAuthStrategy {
    QString id, name, displayName, strategyType, dcrProviderId, issuer;
    QStringList credentialClaim, scopes, authMethods;
    QJsonObject labels;
    static KonnectAuthStrategy fromJson(const QJsonObject& json);
};

struct KonnectPortal {
    QString id, name, displayName, defaultDomain;
};

struct KonnectApi {
    QString id, name, version, slug;
};

struct KonnectPublication {
    QString apiId, portalId, visibility;
    QStringList authStrategyIds;
    bool autoApproveRegistrations = false;
};

struct DcrProviderSpec {
    QString name, displayName, issuer, initialClientId, initialClientSecret;
    QJsonObject labels;  // sent when the provider is created
};

struct AuthStrategySpec {
    QString name, displayName, issuer, dcrProviderId;
    QStringList credentialClaim, scopes, authMethods;
    QJsonObject labels;  // sent when the strategy is created
};

// Typed Kong Konnect calls the setup needs (application-auth-strategies v2, api-builder v3,
// portal-management v3, identity v3). base: the regional API (https://us.api.konghq.com);
// globalBase: the identity host (https://global.api.konghq.com). The sandbox serves both on one URL.
// Callbacks are not called once the client is destroyed.
class KonnectClient : public QObject {
    Q_OBJECT
public:
    KonnectClient(HttpClient& http, QUrl base, QUrl globalBase, TokenProvider token, QObject* parent = nullptr);

    // Works for personal (kpat_) and system account (spat_) tokens.
    void organization(Callback<KonnectOrganization> done);

    void findDcrProvider(const QString& name, Callback<std::optional<KonnectDcrProvider>> done);
    // By id; no such provider is a success with an empty optional.
    void dcrProvider(const QString& id, Callback<std::optional<KonnectDcrProvider>> done);
    void createDcrProvider(const DcrProviderSpec& spec, Callback<KonnectDcrProvider> done);
    // PATCHes issuer, display name and the initial client credentials (after a new secret was made).
    void updateDcrProvider(const QString& id, const DcrProviderSpec& spec, Callback<KonnectDcrProvider> done);
    void deleteDcrProvider(const QString& id, Callback<Nothing> done);
    // Konnect answers 200 {status, errors} or a 4xx on failure; both become a KonnectVerifyResult.
    void verifyDcrProvider(const QString& id, Callback<KonnectVerifyResult> done);

    void findAuthStrategy(const QString& name, Callback<std::optional<KonnectAuthStrategy>> done);
    // By id; no such strategy is a success with an empty optional.
    void authStrategy(const QString& id, Callback<std::optional<KonnectAuthStrategy>> done);
    void createAuthStrategy(const AuthStrategySpec& spec, Callback<KonnectAuthStrategy> done);
    void deleteAuthStrategy(const QString& id, Callback<Nothing> done);

    // Every portal of the organization, page after page.
    void portals(Callback<QList<KonnectPortal>> done);
    // Every API of the organization (those whose name contains nameContains, if given), page after page.
    void listApis(const QString& nameContains, Callback<QList<KonnectApi>> done);
    void findApi(const QString& name, Callback<std::optional<KonnectApi>> done);
    void publication(const QString& apiId, const QString& portalId, Callback<std::optional<KonnectPublication>> done);
    void publish(const KonnectPublication& publication, Callback<KonnectPublication> done);
    void unpublish(const QString& apiId, const QString& portalId, Callback<Nothing> done);

private:
    HttpRequest request(const QByteArray& method, const QUrl& base, const QString& pathAndQuery) const;
    // The first item of a list answer ({data:[…]}) named exactly `name`: Konnect's filters are
    // documented as equality, but nothing is lost by not trusting them to be exact.
    void findByName(const QString& collection, const QString& name, Callback<std::optional<QJsonObject>> done);
    // One entity by its path; 404 is an empty optional.
    void findByPath(const QString& path, Callback<std::optional<QJsonObject>> done);
    // The items of every page of a list answer ({data:[…], meta:{page:{number,size,total}}}),
    // starting at page `number`, appended to `collected`.
    // filter: query items without the '?' ("filter[name][contains]=…"), or empty.
    void listAll(const QString& collection, const QString& filter, int number, QJsonArray collected, Callback<QJsonArray> done);

    HttpClient& m_http;
    QUrl m_base;
    QUrl m_globalBase;
    TokenProvider m_token;
};

}  // namespace dcr
