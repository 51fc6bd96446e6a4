// The data plane under /gateway/<api slug>/…: each API published with an OpenID Connect strategy
// gets a route guarded the way the openid-connect plugin Konnect configures from the strategy
// guards it. Bearer tokens must carry the sandbox's signature, be v1 tokens whose iss is the
// strategy's issuer plus the trailing slash, and name in a credential claim (appid for Azure) an
// application the portal registered for the API; Basic client id and secret are checked against
// Entra ID. Authorised calls get an echo of what the upstream would see.
#include "sandbox/konnect_support.h"
#include "sandbox/services.h"

#include <QJsonArray>

#include <algorithm>

namespace dcr::sandbox {

namespace {

struct Verdict {
    QString clientId, applicationId, applicationName;
    QString refusal;  // empty: authorised
};

Verdict refuse(const QString& why) { return Verdict{{}, {}, {}, why}; }

Response noRoute() {
    return Response::json(404, QJsonObject{{QStringLiteral("message"), QStringLiteral("no Route matched with those values")}});
}

// Kong's {"message":"Unauthorized"}, with the reason its display_errors option adds in parentheses.
Response unauthorized(const QString& why) {
    Response r = Response::json(
        401, QJsonObject{{QStringLiteral("message"),
                          why.isEmpty() ? QStringLiteral("Unauthorized") : QStringLiteral("Unauthorized (%1)").arg(why)}});
    QByteArray challenge = "Bearer realm=\"kong\"";
    if (!why.isEmpty())
        challenge += ", error=\"invalid_token\", error_description=\"" + QString(why).replace(QLatin1Char('"'), QLatin1Char('\'')).toUtf8() + '"';
    r.header("WWW-Authenticate", challenge);
    return r;
}

// The client the credentials identify must have an application in the publication's portal with
// this strategy, and an approved registration for the API.
Verdict registeredApplication(const KonnectState& k, const KonnectApi& api, const KonnectPublication& publication,
                              const KonnectAuthStrategy& strategy, const QString& clientId) {
    const auto app = std::find_if(k.applications.begin(), k.applications.end(), [&](const PortalApplication& a) {
        return a.portalId == publication.portalId && a.authStrategyId == strategy.id &&
               a.clientId.compare(clientId, Qt::CaseInsensitive) == 0;
    });
    if (app == k.applications.end())
        return refuse(QStringLiteral("no application with client id %1 was registered through the portal").arg(clientId));
    const auto reg = std::find_if(k.registrations.begin(), k.registrations.end(), [&](const PortalRegistration& r) {
        return r.applicationId == app->id && r.apiId == api.id;
    });
    if (reg == k.registrations.end())
        return refuse(QStringLiteral("the application %1 is not registered for the API %2").arg(app->name, api.name));
    if (reg->status != QLatin1String("approved"))
        return refuse(QStringLiteral("the registration of the application %1 for the API %2 is %3, not approved")
                          .arg(app->name, api.name, reg->status));
    return Verdict{app->clientId, app->id, app->name, {}};
}

Verdict checkBearer(const SandboxState& s, const KonnectApi& api, const KonnectPublication& publication,
                    const KonnectAuthStrategy& strategy, const QByteArray& token) {
    const QJsonObject oidc = strategy.oidc();
    if (!oidc.value(QStringLiteral("auth_methods")).toArray().contains(QStringLiteral("bearer")))
        return refuse(QStringLiteral("bearer tokens are not among the strategy's auth_methods"));
    QString why;
    const std::optional<QJsonObject> claims = s.tokens.verify(token, &why);
    if (!claims)
        return refuse(QStringLiteral("invalid token: %1").arg(why));
    if (claims->value(QStringLiteral("ver")).toString() == QLatin1String("2.0"))
        return refuse(QStringLiteral("v2 tokens are not supported: Azure AD DCR accepts v1 tokens, issued by "
                                     "https://sts.windows.net/<tenant id>/"));
    QString expected = oidc.value(QStringLiteral("issuer")).toString();
    while (expected.endsWith(QLatin1Char('/')))
        expected.chop(1);
    expected += QLatin1Char('/');
    const QString issuer = claims->value(QStringLiteral("iss")).toString();
    if (issuer != expected)
        return refuse(QStringLiteral("issuer mismatch: the token's iss is %1, the strategy expects %2").arg(issuer, expected));
    QStringList claimNames;
    for (const QJsonValue& name : oidc.value(QStringLiteral("credential_claim")).toArray())
        claimNames << name.toString();
    for (const QString& name : claimNames) {
        const QString clientId = claims->value(name).toString();
        if (!clientId.isEmpty())
            return registeredApplication(s.konnect, api, publication, strategy, clientId);
    }
    return refuse(QStringLiteral("the token has none of the strategy's credential claims (%1)").arg(claimNames.join(QStringLiteral(", "))));
}

Verdict checkBasic(const SandboxState& s, const KonnectApi& api, const KonnectPublication& publication,
                   const KonnectAuthStrategy& strategy, const QByteArray& credentials) {
    if (!strategy.oidc().value(QStringLiteral("auth_methods")).toArray().contains(QStringLiteral("client_credentials")))
        return refuse(QStringLiteral("client credentials are not among the strategy's auth_methods"));
    // The standard form is base64(id:secret); Kong's guide writes "Basic CLIENT_ID:CLIENT_SECRET"
    // literally, which has a colon no base64 text can contain.
    QByteArray pair = credentials;
    if (!credentials.contains(':')) {
        const auto decoded = QByteArray::fromBase64Encoding(credentials, QByteArray::AbortOnBase64DecodingErrors);
        pair = decoded ? *decoded : QByteArray();
    }
    const qsizetype colon = pair.indexOf(':');
    if (colon <= 0)
        return refuse(QStringLiteral("the Basic credentials are not client_id:client_secret"));
    const QString clientId = QString::fromUtf8(pair.left(colon));
    switch (s.directory.checkClientSecret(clientId, QString::fromUtf8(pair.mid(colon + 1)))) {
    case Directory::SecretCheck::Ok:
        return registeredApplication(s.konnect, api, publication, strategy, clientId);
    case Directory::SecretCheck::UnknownApplication:
        return refuse(QStringLiteral("Entra ID refused the client credentials: AADSTS700016, application %1 not found").arg(clientId));
    case Directory::SecretCheck::WrongSecret:
        return refuse(QStringLiteral("Entra ID refused the client credentials: AADSTS7000215, invalid client secret"));
    case Directory::SecretCheck::ExpiredSecret:
        return refuse(QStringLiteral("Entra ID refused the client credentials: AADSTS7000222, the client secret has expired"));
    }
    return refuse(QStringLiteral("the client credentials could not be checked"));
}

Response answer(SandboxState& s, const Request& r) {
    const KonnectState& k = s.konnect;
    const auto api = std::find_if(k.apis.begin(), k.apis.end(), [&](const KonnectApi& a) { return a.slug == r.params.value(0); });
    if (api == k.apis.end())
        return noRoute();
    QList<QPair<const KonnectPublication*, const KonnectAuthStrategy*>> routes;
    for (const KonnectPublication& p : k.publications) {
        if (p.apiId != api->id)
            continue;
        const KonnectAuthStrategy* strategy = findById(k.authStrategies, p.authStrategyIds.value(0));
        if (strategy && strategy->strategyType == QLatin1String("openid_connect"))
            routes.append({&p, strategy});
    }
    if (routes.isEmpty())
        return noRoute();

    const QByteArray authorization = r.header("authorization").trimmed();
    if (authorization.isEmpty())
        return unauthorized({});
    const qsizetype space = authorization.indexOf(' ');
    const QByteArray scheme = authorization.left(space).toLower();
    const QByteArray credentials = space < 0 ? QByteArray() : authorization.mid(space + 1).trimmed();
    if (scheme != "bearer" && scheme != "basic")
        return unauthorized(QStringLiteral("unsupported authorization scheme %1").arg(QString::fromLatin1(scheme)));

    // The API may be published on several portals; any of their strategies may admit the caller.
    QString refusal;
    for (const auto& [publication, strategy] : routes) {
        const Verdict v = scheme == "bearer" ? checkBearer(s, *api, *publication, *strategy, credentials)
                                             : checkBasic(s, *api, *publication, *strategy, credentials);
        if (v.refusal.isEmpty()) {
            return Response::json(
                200, QJsonObject{{QStringLiteral("api"), api->slug},
                                 {QStringLiteral("method"), QString::fromLatin1(r.method)},
                                 {QStringLiteral("path"), r.params.value(1).isEmpty() ? QStringLiteral("/") : r.params.value(1)},
                                 {QStringLiteral("auth_method"), scheme == "bearer" ? QStringLiteral("bearer") : QStringLiteral("client_credentials")},
                                 {QStringLiteral("consumer"), QJsonObject{{QStringLiteral("client_id"), v.clientId},
                                                                          {QStringLiteral("application_id"), v.applicationId},
                                                                          {QStringLiteral("application_name"), v.applicationName}}}});
        }
        if (refusal.isEmpty())
            refusal = v.refusal;
    }
    return unauthorized(refusal);
}

Response serve(SandboxState& s, const Request& r) {
    Response response = answer(s, r);
    // A HEAD answer has headers only.
    if (r.method == "HEAD")
        response.body.clear();
    return response;
}

}  // namespace

void registerGateway(Router& router, SandboxState& state) {
    for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
        router.add(method, QStringLiteral("/gateway/([^/]+)(/.*)?"), [&state](const Request& r) { return serve(state, r); });
    router.setFallback(QStringLiteral("/gateway"), [](const Request&) { return noRoute(); });
}

}  // namespace dcr::sandbox
