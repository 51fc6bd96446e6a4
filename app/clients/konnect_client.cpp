#include "clients/konnect_client.h"

#include "clients/client_support.h"
#include "core/endpoints.h"
#include "core/http_client.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace dcr {

using namespace clients;

namespace {

const QString kService = QStringLiteral("Konnect");
const QString kCodePrefix = QStringLiteral("konnect.");
// Names are unique per organization, so one large page holds every candidate a name filter returns.
const QString kPageSize = QStringLiteral("100");
// Lists stop after this many pages (10 000 items): beyond that a list is no use in a drop-down.
constexpr int kMaxPages = 100;

Error unexpected(const HttpResponse& response) {
    return unexpectedAnswer(kCodePrefix, kService, response);
}

QString str(const QJsonObject& json, const char* key) {
    return json.value(QLatin1String(key)).toString();
}

// Kong documents the issuer for Azure without the trailing slash that v1 tokens carry in `iss`;
// with it, Konnect's DCR calls to Entra ID fail (api-facts §3).
QString issuerWithoutTrailingSlash(QString issuer) {
    while (issuer.endsWith(QLatin1Char('/')))
        issuer.chop(1);
    return issuer;
}

QJsonObject dcrConfig(const DcrProviderSpec& spec) {
    QJsonObject config;
    if (!spec.initialClientId.isEmpty())
        config.insert(QStringLiteral("initial_client_id"), spec.initialClientId);
    if (!spec.initialClientSecret.isEmpty())
        config.insert(QStringLiteral("initial_client_secret"), spec.initialClientSecret);
    return config;
}

// Verification failed because of the configuration (not the caller's token, address or luck):
// what Konnect answers instead of 200 {status:"failed"} on some versions.
bool isVerifyFailure(int status) {
    return status >= 400 && status < 500 && status != 401 && status != 403 && status != 404 && status != 408 && status != 429;
}

QStringList verifyReasons(const HttpResponse& response, const Error& error) {
    const QJsonObject problem = response.json();
    QStringList reasons;
    const QString detail = str(problem, "detail").isEmpty() ? str(problem, "title") : str(problem, "detail");
    if (!detail.isEmpty())
        reasons << detail;
    reasons << strings(problem.value(QLatin1String("errors")));
    for (const FieldError& f : error.fields) {
        const QString why = f.reason.isEmpty() ? f.rule : f.reason;
        reasons << (f.field.isEmpty() ? why : QStringLiteral("%1: %2").arg(f.field, why));
    }
    reasons.removeAll(QString());
    if (reasons.isEmpty())
        reasons << error.what;
    return reasons;
}

KonnectPortal portalFromJson(const QJsonObject& json) {
    return {str(json, "id"), str(json, "name"), str(json, "display_name"), str(json, "default_domain")};
}

KonnectApi apiFromJson(const QJsonObject& json) {
    return {str(json, "id"), str(json, "name"), str(json, "version"), str(json, "slug")};
}

// The publication answer names neither the API nor the portal: they are the address's.
KonnectPublication publicationFromJson(const QJsonObject& json, const QString& apiId, const QString& portalId) {
    KonnectPublication p;
    p.apiId = apiId;
    p.portalId = portalId;
    p.visibility = str(json, "visibility");
    p.authStrategyIds = strings(json.value(QLatin1String("auth_strategy_ids")));
    p.autoApproveRegistrations = json.value(QLatin1String("auto_approve_registrations")).toBool();
    return p;
}

Result<KonnectDcrProvider> providerFromResponse(const HttpResponse& response) {
    const KonnectDcrProvider p = KonnectDcrProvider::fromJson(response.json());
    return p.id.isEmpty() ? Result<KonnectDcrProvider>::failure(unexpected(response)) : Result<KonnectDcrProvider>::success(p);
}

// Maps a found-or-not JSON object to the typed value.
template <typename T, typename FromJson>
Callback<std::optional<QJsonObject>> mapFound(Callback<std::optional<T>> done, FromJson fromJson) {
    return [done = std::move(done), fromJson](const Result<std::optional<QJsonObject>>& r) {
        if (!r.ok())
            done(Result<std::optional<T>>::failure(*r.error));
        else if (!r.value->has_value())
            done(Result<std::optional<T>>::success(std::nullopt));
        else
            done(Result<std::optional<T>>::success(fromJson(**r.value)));
    };
}

}  // namespace

// ---- parsers -----------------------------------------------------------------------------------

KonnectDcrProvider KonnectDcrProvider::fromJson(const QJsonObject& json) {
    KonnectDcrProvider p;
    p.id = str(json, "id");
    p.name = str(json, "name");
    p.displayName = str(json, "display_name");
    p.providerType = str(json, "provider_type");
    p.issuer = str(json, "issuer");
    p.initialClientId = str(json.value(QLatin1String("dcr_config")).toObject(), "initial_client_id");
    p.active = json.value(QLatin1String("active")).toBool();
    p.labels = json.value(QLatin1String("labels")).toObject();
    return p;
}

KonnectAuthStrategy KonnectAuthStrategy::fromJson(const QJsonObject& json) {
    KonnectAuthStrategy s;
    s.id = str(json, "id");
    s.name = str(json, "name");
    s.displayName = str(json, "display_name");
    s.strategyType = str(json, "strategy_type");
    // Answers carry dcr_provider {id, …}; older ones and requests the flat dcr_provider_id.
    s.dcrProviderId = str(json.value(QLatin1String("dcr_provider")).toObject(), "id");
    if (s.dcrProviderId.isEmpty())
        s.dcrProviderId = str(json, "dcr_provider_id");
    const QJsonObject oidc = json.value(QLatin1String("configs")).toObject().value(QLatin1String("openid-connect")).toObject();
    s.issuer = str(oidc, "issuer");
    s.credentialClaim = strings(oidc.value(QLatin1String("credential_claim")));
    s.scopes = strings(oidc.value(QLatin1String("scopes")));
    s.authMethods = strings(oidc.value(QLatin1String("auth_methods")));
    s.labels = json.value(QLatin1String("labels")).toObject();
    return s;
}

// ---- KonnectClient -----------------------------------------------------------------------------

KonnectClient::KonnectClient(HttpClient& http, QUrl base, QUrl globalBase, TokenProvider token, QObject* parent)
    : QObject(parent), m_http(http), m_base(std::move(base)), m_globalBase(std::move(globalBase)), m_token(std::move(token)) {}

HttpRequest KonnectClient::request(const QByteArray& method, const QUrl& base, const QString& pathAndQuery) const {
    HttpRequest r;
    r.method = method;
    r.url = joinUrl(base, pathAndQuery);
    r.flavor = ErrorFlavor::Konnect;
    r.setBearer(m_token ? m_token() : QString());
    return r;
}

void KonnectClient::findByName(const QString& collection, const QString& name, Callback<std::optional<QJsonObject>> done) {
    using R = Result<std::optional<QJsonObject>>;
    const QString path = collection + query({{"filter[name][eq]", name}, {"page[size]", kPageSize}});
    m_http.send(request("GET", m_base, path), deliver(this, std::move(done), [name](const HttpResponse& response) {
        const QJsonValue data = response.json().value(QLatin1String("data"));
        if (!data.isArray())
            return R::failure(unexpected(response));
        for (const QJsonValue& item : data.toArray()) {
            if (str(item.toObject(), "name") == name)
                return R::success(item.toObject());
        }
        return R::success(std::nullopt);
    }));
}

void KonnectClient::organization(Callback<KonnectOrganization> done) {
    m_http.send(request("GET", m_globalBase, QStringLiteral("/v3/organizations/me")),
                deliver(this, std::move(done), [](const HttpResponse& response) {
                    const QJsonObject json = response.json();
                    if (str(json, "id").isEmpty())
                        return Result<KonnectOrganization>::failure(unexpected(response));
                    return Result<KonnectOrganization>::success({str(json, "id"), str(json, "name")});
                }));
}

void KonnectClient::findDcrProvider(const QString& name, Callback<std::optional<KonnectDcrProvider>> done) {
    findByName(QStringLiteral("/v2/dcr-providers"), name, mapFound<KonnectDcrProvider>(std::move(done), &KonnectDcrProvider::fromJson));
}

void KonnectClient::findByPath(const QString& path, Callback<std::optional<QJsonObject>> done) {
    using R = Result<std::optional<QJsonObject>>;
    const QPointer<KonnectClient> self(this);
    m_http.send(request("GET", m_base, path), [self, done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) {
        if (!self)
            return;
        if (error && error->httpStatus == 404)
            done(R::success(std::nullopt));
        else if (error)
            done(R::failure(*error));
        else
            done(R::success(response.json()));
    });
}

void KonnectClient::dcrProvider(const QString& id, Callback<std::optional<KonnectDcrProvider>> done) {
    findByPath(QStringLiteral("/v2/dcr-providers/") + pathSegment(id), mapFound<KonnectDcrProvider>(std::move(done), &KonnectDcrProvider::fromJson));
}

void KonnectClient::authStrategy(const QString& id, Callback<std::optional<KonnectAuthStrategy>> done) {
    findByPath(QStringLiteral("/v2/application-auth-strategies/") + pathSegment(id),
               mapFound<KonnectAuthStrategy>(std::move(done), &KonnectAuthStrategy::fromJson));
}

void KonnectClient::createDcrProvider(const DcrProviderSpec& spec, Callback<KonnectDcrProvider> done) {
    QJsonObject body{{QStringLiteral("name"), spec.name},
                     {QStringLiteral("provider_type"), QStringLiteral("azureAd")},
                     {QStringLiteral("issuer"), issuerWithoutTrailingSlash(spec.issuer)},
                     {QStringLiteral("dcr_config"), dcrConfig(spec)}};
    // The spec allows no empty display name; without one Konnect shows the name.
    if (!spec.displayName.isEmpty())
        body.insert(QStringLiteral("display_name"), spec.displayName);
    if (!spec.labels.isEmpty())
        body.insert(QStringLiteral("labels"), spec.labels);
    HttpRequest r = request("POST", m_base, QStringLiteral("/v2/dcr-providers"));
    r.setJsonBody(QJsonDocument(body));
    m_http.send(r, deliver(this, std::move(done), providerFromResponse));
}

void KonnectClient::updateDcrProvider(const QString& id, const DcrProviderSpec& spec, Callback<KonnectDcrProvider> done) {
    QJsonObject body{{QStringLiteral("issuer"), issuerWithoutTrailingSlash(spec.issuer)}};
    if (!spec.displayName.isEmpty())
        body.insert(QStringLiteral("display_name"), spec.displayName);
    // Without a new secret the stored one stays: Konnect never returns it, so it cannot be resent.
    const QJsonObject config = dcrConfig(spec);
    if (!config.isEmpty())
        body.insert(QStringLiteral("dcr_config"), config);
    HttpRequest r = request("PATCH", m_base, QStringLiteral("/v2/dcr-providers/") + pathSegment(id));
    r.setJsonBody(QJsonDocument(body));
    m_http.send(r, deliver(this, std::move(done), providerFromResponse));
}

void KonnectClient::deleteDcrProvider(const QString& id, Callback<Nothing> done) {
    m_http.send(request("DELETE", m_base, QStringLiteral("/v2/dcr-providers/") + pathSegment(id)),
                deliverNothing(this, std::move(done), true));
}

void KonnectClient::verifyDcrProvider(const QString& id, Callback<KonnectVerifyResult> done) {
    using R = Result<KonnectVerifyResult>;
    HttpRequest r = request("POST", m_base, QStringLiteral("/v2/dcr-providers/%1/verify").arg(pathSegment(id)));
    // Verifying only reads, so a lost answer may be asked for again.
    r.idempotent = true;
    const QPointer<KonnectClient> self(this);
    m_http.send(r, [self, done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) {
        if (!self)
            return;
        if (error) {
            if (isVerifyFailure(error->httpStatus))
                done(R::success({false, verifyReasons(response, *error)}));
            else
                done(R::failure(*error));
            return;
        }
        const QJsonObject json = response.json();
        const QString status = str(json, "status");
        if (status.isEmpty()) {
            done(R::failure(unexpected(response)));
            return;
        }
        done(R::success({status == QLatin1String("success"), strings(json.value(QLatin1String("errors")))}));
    });
}

void KonnectClient::findAuthStrategy(const QString& name, Callback<std::optional<KonnectAuthStrategy>> done) {
    findByName(QStringLiteral("/v2/application-auth-strategies"), name,
               mapFound<KonnectAuthStrategy>(std::move(done), &KonnectAuthStrategy::fromJson));
}

void KonnectClient::createAuthStrategy(const AuthStrategySpec& spec, Callback<KonnectAuthStrategy> done) {
    const QJsonObject oidc{{QStringLiteral("issuer"), spec.issuer},
                           {QStringLiteral("credential_claim"), toJsonArray(spec.credentialClaim)},
                           {QStringLiteral("scopes"), toJsonArray(spec.scopes)},
                           {QStringLiteral("auth_methods"), toJsonArray(spec.authMethods)}};
    QJsonObject body{{QStringLiteral("name"), spec.name},
                     // Required by the spec; the portal shows it to developers.
                     {QStringLiteral("display_name"), spec.displayName.isEmpty() ? spec.name : spec.displayName},
                     {QStringLiteral("strategy_type"), QStringLiteral("openid_connect")},
                     {QStringLiteral("configs"), QJsonObject{{QStringLiteral("openid-connect"), oidc}}}};
    if (!spec.dcrProviderId.isEmpty())
        body.insert(QStringLiteral("dcr_provider_id"), spec.dcrProviderId);
    if (!spec.labels.isEmpty())
        body.insert(QStringLiteral("labels"), spec.labels);
    HttpRequest r = request("POST", m_base, QStringLiteral("/v2/application-auth-strategies"));
    r.setJsonBody(QJsonDocument(body));
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const KonnectAuthStrategy s = KonnectAuthStrategy::fromJson(response.json());
        return s.id.isEmpty() ? Result<KonnectAuthStrategy>::failure(unexpected(response)) : Result<KonnectAuthStrategy>::success(s);
    }));
}

void KonnectClient::deleteAuthStrategy(const QString& id, Callback<Nothing> done) {
    m_http.send(request("DELETE", m_base, QStringLiteral("/v2/application-auth-strategies/") + pathSegment(id)),
                deliverNothing(this, std::move(done), true));
}

void KonnectClient::listAll(const QString& collection, const QString& filter, int number, QJsonArray collected,
                            Callback<QJsonArray> done) {
    using R = Result<QJsonArray>;
    QString path = collection + query({{"page[size]", kPageSize}, {"page[number]", QString::number(number)}});
    if (!filter.isEmpty())
        path += QLatin1Char('&') + filter;
    const QPointer<KonnectClient> self(this);
    m_http.send(request("GET", m_base, path), [self, collection, filter, number, collected = std::move(collected),
                                                done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) mutable {
        if (!self)
            return;
        if (error) {
            done(R::failure(*error));
            return;
        }
        const QJsonObject json = response.json();
        const QJsonValue data = json.value(QLatin1String("data"));
        if (!data.isArray()) {
            done(R::failure(unexpected(response)));
            return;
        }
        const QJsonArray items = data.toArray();
        for (const QJsonValue& item : items) {
            if (item.isObject())
                collected.append(item);
        }
        // meta.page.total is required by the spec; without it, a short page is the last one.
        const QJsonValue total = json.value(QLatin1String("meta")).toObject().value(QLatin1String("page")).toObject().value(QLatin1String("total"));
        const bool more = total.isDouble() ? collected.size() < total.toInteger() : items.size() >= kPageSize.toInt();
        if (!more || items.isEmpty() || number >= kMaxPages) {
            done(R::success(collected));
            return;
        }
        self->listAll(collection, filter, number + 1, std::move(collected), std::move(done));
    });
}

void KonnectClient::portals(Callback<QList<KonnectPortal>> done) {
    listAll(QStringLiteral("/v3/portals"), {}, 1, {}, [done = std::move(done)](const Result<QJsonArray>& r) {
        if (!r.ok()) {
            done(Result<QList<KonnectPortal>>::failure(*r.error));
            return;
        }
        QList<KonnectPortal> out;
        for (const QJsonValue& item : *r.value)
            out << portalFromJson(item.toObject());
        done(Result<QList<KonnectPortal>>::success(out));
    });
}

void KonnectClient::listApis(const QString& nameContains, Callback<QList<KonnectApi>> done) {
    const QString filter = nameContains.isEmpty() ? QString() : query({{"filter[name][contains]", nameContains}}).mid(1);
    listAll(QStringLiteral("/v3/apis"), filter, 1, {}, [done = std::move(done)](const Result<QJsonArray>& r) {
        if (!r.ok()) {
            done(Result<QList<KonnectApi>>::failure(*r.error));
            return;
        }
        QList<KonnectApi> out;
        for (const QJsonValue& item : *r.value)
            out << apiFromJson(item.toObject());
        done(Result<QList<KonnectApi>>::success(out));
    });
}

void KonnectClient::findApi(const QString& name, Callback<std::optional<KonnectApi>> done) {
    findByName(QStringLiteral("/v3/apis"), name, mapFound<KonnectApi>(std::move(done), apiFromJson));
}

void KonnectClient::publication(const QString& apiId, const QString& portalId, Callback<std::optional<KonnectPublication>> done) {
    findByPath(QStringLiteral("/v3/apis/%1/publications/%2").arg(pathSegment(apiId), pathSegment(portalId)),
               mapFound<KonnectPublication>(std::move(done), [apiId, portalId](const QJsonObject& json) {
                   return publicationFromJson(json, apiId, portalId);
               }));
}

void KonnectClient::publish(const KonnectPublication& publication, Callback<KonnectPublication> done) {
    using R = Result<KonnectPublication>;
    if (publication.authStrategyIds.size() > 1) {
        // Konnect allows one strategy per publication; refusing here names the cause plainly.
        const Error e = Error::make(QStringLiteral("konnect.too_many_auth_strategies"),
                                    tr("An API can be published with at most one application auth strategy, but %1 were given.")
                                        .arg(publication.authStrategyIds.size()),
                                    tr("Choose one auth strategy for the publication."));
        QTimer::singleShot(0, this, [done = std::move(done), e] { done(R::failure(e)); });
        return;
    }
    QJsonObject body{{QStringLiteral("auth_strategy_ids"), toJsonArray(publication.authStrategyIds)},
                     {QStringLiteral("auto_approve_registrations"), publication.autoApproveRegistrations}};
    if (!publication.visibility.isEmpty())
        body.insert(QStringLiteral("visibility"), publication.visibility);
    const QString path = QStringLiteral("/v3/apis/%1/publications/%2").arg(pathSegment(publication.apiId), pathSegment(publication.portalId));
    HttpRequest r = request("PUT", m_base, path);
    r.setJsonBody(QJsonDocument(body));
    // Konnect answers 200 where its documentation says 201; both are a 2xx the HTTP layer passes.
    m_http.send(r, deliver(this, std::move(done), [publication](const HttpResponse& response) {
        const QJsonObject json = response.json();
        if (json.isEmpty())
            return R::success(publication);
        return R::success(publicationFromJson(json, publication.apiId, publication.portalId));
    }));
}

void KonnectClient::unpublish(const QString& apiId, const QString& portalId, Callback<Nothing> done) {
    const QString path = QStringLiteral("/v3/apis/%1/publications/%2").arg(pathSegment(apiId), pathSegment(portalId));
    m_http.send(request("DELETE", m_base, path), deliverNothing(this, std::move(done), true));
}

}  // namespace dcr
