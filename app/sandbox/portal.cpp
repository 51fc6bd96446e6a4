// The Portal API v3 of each portal, under /portal/<portal id>/api/v3: developer sign-in with the
// portalaccesstoken cookie, the auth strategies and APIs the portal offers, and the developers'
// applications and their registrations. An application whose strategy uses an Azure AD DCR
// provider is created in the sandbox's Entra tenant the way Konnect's DCR does it: acting as the
// provider's initial client, which becomes the new app's owner.
#include "sandbox/konnect_support.h"
#include "sandbox/services.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <algorithm>
#include <functional>

namespace dcr::sandbox {

namespace {

const QByteArray kSessionCookie = "portalaccesstoken";

QString randomText(const char* alphabet, int length) {
    const int size = static_cast<int>(qstrlen(alphabet));
    QString text;
    for (int i = 0; i < length; ++i)
        text += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(size)]);
    return text;
}

// Entra ID's secret values look like "Abc8Q~" followed by 34 characters; the first three are the
// hint Graph shows.
QString newClientSecret() {
    const char* const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    return randomText(letters, 3) + QStringLiteral("8Q~") + randomText("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-", 34);
}

QString cookie(const Request& request, const QByteArray& name) {
    for (const QByteArray& part : request.header("cookie").split(';')) {
        const QByteArray pair = part.trimmed();
        const qsizetype eq = pair.indexOf('=');
        if (eq > 0 && pair.left(eq) == name)
            return QString::fromLatin1(pair.mid(eq + 1));
    }
    return {};
}

const PortalDeveloper* signedInDeveloper(const KonnectState& k, const QString& portalId, const Request& request) {
    const QString token = cookie(request, kSessionCookie);
    if (token.isEmpty())
        return nullptr;
    for (const PortalSession& s : k.sessions)
        if (s.token == token && s.portalId == portalId)
            return findById(k.developers, s.developerId);
    return nullptr;
}

// The strategies a portal offers: those its publications use, and its default.
QStringList offeredStrategyIds(const KonnectState& k, const KonnectPortal& portal) {
    QStringList ids;
    for (const KonnectPublication& p : k.publications)
        if (p.portalId == portal.id)
            for (const QString& id : p.authStrategyIds)
                if (!ids.contains(id))
                    ids << id;
    if (!portal.defaultApplicationAuthStrategyId.isEmpty() && !ids.contains(portal.defaultApplicationAuthStrategyId))
        ids << portal.defaultApplicationAuthStrategyId;
    return ids;
}

QString credentialType(const KonnectAuthStrategy& s) {
    if (s.strategyType == QLatin1String("key_auth"))
        return QStringLiteral("key_auth");
    return s.dcrProviderId.isEmpty() ? QStringLiteral("self_managed_client_credentials") : QStringLiteral("client_credentials");
}

// The Portal API shows a strategy by its display name and the kind of credential it issues.
QJsonObject portalStrategyJson(const KonnectAuthStrategy& s) {
    QJsonObject json{{QStringLiteral("id"), s.id}, {QStringLiteral("name"), s.displayName}, {QStringLiteral("credential_type"), credentialType(s)}};
    if (s.strategyType == QLatin1String("key_auth")) {
        json.insert(QStringLiteral("key_names"), s.configs.value(QStringLiteral("key-auth")).toObject().value(QStringLiteral("key_names")));
        json.insert(QStringLiteral("supports_multiple_credentials"), true);
    } else {
        json.insert(QStringLiteral("auth_methods"), s.oidc().value(QStringLiteral("auth_methods")).toArray());
        json.insert(QStringLiteral("supports_multiple_credentials"), false);
    }
    return json;
}

QJsonObject applicationJson(const KonnectState& k, const PortalApplication& app) {
    QJsonObject json{{QStringLiteral("id"), app.id},
                     {QStringLiteral("name"), app.name},
                     {QStringLiteral("description"), stringOrNull(app.description)},
                     {QStringLiteral("redirect_uri"), QJsonValue()},
                     {QStringLiteral("created_at"), app.createdAt},
                     {QStringLiteral("updated_at"), app.updatedAt}};
    if (!app.clientId.isEmpty())
        json.insert(QStringLiteral("client_id"), app.clientId);
    if (const KonnectAuthStrategy* s = findById(k.authStrategies, app.authStrategyId))
        json.insert(QStringLiteral("auth_strategy"), portalStrategyJson(*s));
    return json;
}

QJsonObject registrationJson(const KonnectState& k, const PortalRegistration& reg) {
    const KonnectApi* api = findById(k.apis, reg.apiId);
    return QJsonObject{{QStringLiteral("id"), reg.id},
                       {QStringLiteral("status"), reg.status},
                       {QStringLiteral("application_id"), reg.applicationId},
                       {QStringLiteral("api_id"), reg.apiId},
                       {QStringLiteral("api_name"), api ? api->name : QString()},
                       {QStringLiteral("api_slug"), api ? api->slug : QString()},
                       {QStringLiteral("created_at"), reg.createdAt},
                       {QStringLiteral("updated_at"), reg.updatedAt}};
}

struct EntraApp {
    QString objectId, appId, secret;
};

// What Konnect's Azure AD DCR does with the initial client's token: create the application
// (owned by the initial client, which Application.ReadWrite.OwnedBy needs to manage it later),
// give it a client secret and a service principal. azureDcrProblems() has checked the credentials.
EntraApp registerInEntra(Directory& directory, const QString& displayName, const QString& initialClientId) {
    const ServicePrincipal* owner = directory.servicePrincipalByAppId(initialClientId);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    PasswordCredential credential;
    credential.keyId = newGuid();
    credential.displayName = QStringLiteral("Kong Konnect DCR");
    credential.secretText = newClientSecret();
    credential.hint = credential.secretText.left(3);
    credential.startDateTime = now.toString(Qt::ISODate);
    credential.endDateTime = now.addYears(2).toString(Qt::ISODate);
    Application app;
    app.displayName = displayName;
    app.signInAudience = QStringLiteral("AzureADMyOrg");
    if (owner)
        app.ownerIds = {owner->id};
    app.passwordCredentials = {credential};
    const Application& stored = directory.addApplication(app);
    const EntraApp created{stored.id, stored.appId, credential.secretText};
    ServicePrincipal sp;
    sp.appId = created.appId;
    sp.displayName = displayName;
    sp.appOwnerOrganizationId = directory.tenant.id;
    sp.ownerIds = app.ownerIds;
    directory.addServicePrincipal(sp);
    return created;
}

// ---- routing ----------------------------------------------------------------------------------

using SignedInHandler = std::function<Response(SandboxState&, const KonnectPortal&, const PortalDeveloper&, const Request&)>;
using AnyoneHandler = std::function<Response(SandboxState&, const KonnectPortal&, const PortalDeveloper*, const Request&)>;

QString portalPath(const QString& rest) { return QStringLiteral("/portal/([^/]+)/api/v3") + rest; }

// The portal id is the first capture; the handlers' own captures follow it in request.params.
void addRoute(KonnectRoutes& routes, SandboxState& state, const QByteArray& method, const QString& rest, AnyoneHandler handler) {
    routes.add(method, portalPath(rest), [&state, handler = std::move(handler)](const Request& request) {
        const KonnectPortal* portal = findById(state.konnect.portals, request.params.value(0));
        if (!portal)
            return konnectNotFound(QStringLiteral("Portal [%1] not found").arg(request.params.value(0)));
        return handler(state, *portal, signedInDeveloper(state.konnect, portal->id, request), request);
    });
}

void addSignedInRoute(KonnectRoutes& routes, SandboxState& state, const QByteArray& method, const QString& rest, SignedInHandler handler) {
    addRoute(routes, state, method, rest,
             [handler = std::move(handler)](SandboxState& s, const KonnectPortal& portal, const PortalDeveloper* developer,
                                            const Request& request) {
                 if (!developer)
                     return konnectUnauthorized(QStringLiteral("Unauthorized: sign in with POST /api/v3/developer/authenticate"));
                 return handler(s, portal, *developer, request);
             });
}

// ---- handlers ---------------------------------------------------------------------------------

Response authenticate(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper*, const Request& r) {
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    c.onlyKnown(body, {QStringLiteral("username"), QStringLiteral("password")});
    c.string(body, QStringLiteral("username"), QStringLiteral("username"), StringRule::of(true, 1));
    c.string(body, QStringLiteral("password"), QStringLiteral("password"), StringRule::of(true, 1));
    if (!c.ok())
        return konnectBadRequest(c.problems());
    KonnectState& k = s.konnect;
    const QString username = body.value(QStringLiteral("username")).toString();
    const QString password = body.value(QStringLiteral("password")).toString();
    const auto developer = std::find_if(k.developers.begin(), k.developers.end(), [&](const PortalDeveloper& d) {
        return d.portalId == portal.id && d.email.compare(username, Qt::CaseInsensitive) == 0 && d.password == password;
    });
    if (developer == k.developers.end() || developer->status != QLatin1String("approved"))
        return konnectUnauthorized();
    const QByteArray token = QByteArray::number(QRandomGenerator::system()->generate64(), 36) +
                             QByteArray::number(QRandomGenerator::system()->generate64(), 36);
    k.sessions.append({QString::fromLatin1(token), portal.id, developer->id});
    Response response = Response::empty(204);
    response.header("Set-Cookie", kSessionCookie + '=' + token + "; Path=/; HttpOnly; SameSite=Lax");
    return response;
}

Response listStrategies(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper&, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(r, {QStringLiteral("name"), QStringLiteral("credential_type")}, &error);
    if (!query)
        return error;
    QJsonArray items;
    for (const QString& id : offeredStrategyIds(s.konnect, portal)) {
        const KonnectAuthStrategy* st = findById(s.konnect.authStrategies, id);
        if (st && query->matches({{QStringLiteral("name"), st->displayName}, {QStringLiteral("credential_type"), credentialType(*st)}}))
            items.append(portalStrategyJson(*st));
    }
    return Response::json(200, query->page(items));
}

// Public publications are listed to anyone, private ones to signed-in developers only.
Response listApis(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper* developer, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(r, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("slug")}, &error);
    if (!query)
        return error;
    const KonnectState& k = s.konnect;
    QJsonArray items;
    for (const KonnectPublication& p : k.publications) {
        if (p.portalId != portal.id || (p.visibility != QLatin1String("public") && !developer))
            continue;
        const KonnectApi* api = findById(k.apis, p.apiId);
        if (!api || !query->matches({{QStringLiteral("id"), api->id}, {QStringLiteral("name"), api->name}, {QStringLiteral("slug"), api->slug}}))
            continue;
        QJsonArray strategies;
        for (const QString& id : p.authStrategyIds)
            if (const KonnectAuthStrategy* st = findById(k.authStrategies, id))
                strategies.append(portalStrategyJson(*st));
        items.append(QJsonObject{{QStringLiteral("id"), api->id},
                                 {QStringLiteral("name"), api->name},
                                 {QStringLiteral("version"), stringOrNull(api->version)},
                                 {QStringLiteral("description"), stringOrNull(api->description)},
                                 {QStringLiteral("visibility"), p.visibility},
                                 {QStringLiteral("slug"), api->slug},
                                 {QStringLiteral("auth_strategies"), strategies},
                                 {QStringLiteral("created_at"), api->createdAt},
                                 {QStringLiteral("updated_at"), api->updatedAt}});
    }
    return Response::json(200, query->page(items));
}

Response createApplication(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper& developer, const Request& r) {
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    KonnectState& k = s.konnect;
    BodyCheck c;
    c.onlyKnown(body, {QStringLiteral("name"), QStringLiteral("client_id"), QStringLiteral("redirect_uri"), QStringLiteral("description"),
                       QStringLiteral("auth_strategy_id"), QStringLiteral("scopes"), QStringLiteral("team_id")});
    c.string(body, QStringLiteral("name"), QStringLiteral("name"), StringRule::of(true, 1, 255));
    c.string(body, QStringLiteral("description"), QStringLiteral("description"), StringRule::of(false, 0, 255));
    c.string(body, QStringLiteral("redirect_uri"), QStringLiteral("redirect_uri"), StringRule::of(false).asUrl());
    c.string(body, QStringLiteral("client_id"), QStringLiteral("client_id"), StringRule::of(false, 1, 255));
    c.stringArray(body, QStringLiteral("scopes"), QStringLiteral("scopes"), {false, 0, 0, 0});
    c.uuid(body, QStringLiteral("team_id"), QStringLiteral("team_id"));
    // Without a strategy the application gets the portal's default one.
    const QString strategyId = body.value(QStringLiteral("auth_strategy_id")).toString(portal.defaultApplicationAuthStrategyId);
    const KonnectAuthStrategy* strategy = nullptr;
    if (strategyId.isEmpty()) {
        c.required(QStringLiteral("auth_strategy_id"));
    } else if (!body.contains(QStringLiteral("auth_strategy_id")) ||
               c.uuid(body, QStringLiteral("auth_strategy_id"), QStringLiteral("auth_strategy_id"))) {
        if (offeredStrategyIds(k, portal).contains(strategyId))
            strategy = findById(k.authStrategies, strategyId);
        if (!strategy)
            c.fail(QStringLiteral("auth_strategy_id"), QStringLiteral("missing_reference"),
                   QStringLiteral("references an auth strategy [%1] that this portal does not offer").arg(strategyId));
    }
    if (strategy && credentialType(*strategy) == QLatin1String("self_managed_client_credentials") &&
        !body.contains(QStringLiteral("client_id")))
        c.required(QStringLiteral("client_id"));
    if (!c.ok())
        return konnectBadRequest(c.problems());

    const QString name = body.value(QStringLiteral("name")).toString();
    const bool taken = std::any_of(k.applications.begin(), k.applications.end(), [&](const PortalApplication& a) {
        return a.portalId == portal.id && a.developerId == developer.id && a.name == name;
    });
    if (taken)
        return konnectConflict(QStringLiteral("An application named [%1] already exists").arg(name));

    PortalApplication app;
    app.id = newGuid();
    app.portalId = portal.id;
    app.developerId = developer.id;
    app.name = name;
    app.description = body.value(QStringLiteral("description")).toString();
    app.authStrategyId = strategyId;
    app.createdAt = app.updatedAt = isoNow();
    QString clientSecret;
    if (credentialType(*strategy) == QLatin1String("client_credentials")) {
        const KonnectDcrProvider* provider = findById(k.dcrProviders, strategy->dcrProviderId);
        QStringList problems;
        if (!provider || provider->providerType != QLatin1String("azureAd"))
            problems << QStringLiteral("the sandbox performs dynamic client registration with Microsoft Entra ID only");
        else
            problems = azureDcrProblems(*provider, s.directory);
        if (!problems.isEmpty())
            return Response::problem(400, QStringLiteral("Bad Request"),
                                     QStringLiteral("Unable to create the DCR application: %1").arg(problems.join(QLatin1Char(' '))),
                                     QJsonArray{invalidParameter(QStringLiteral("auth_strategy_id"), QStringLiteral("invalid"),
                                                                 QStringLiteral("dynamic client registration with the DCR "
                                                                                "provider [%1] failed")
                                                                     .arg(provider ? provider->name : strategy->dcrProviderId))});
        const EntraApp entra = registerInEntra(s.directory, name, provider->dcrConfig.value(QStringLiteral("initial_client_id")).toString());
        app.clientId = entra.appId;
        app.azureObjectId = entra.objectId;
        clientSecret = entra.secret;
    } else if (credentialType(*strategy) == QLatin1String("self_managed_client_credentials")) {
        app.clientId = body.value(QStringLiteral("client_id")).toString();
    }
    k.applications.append(app);
    QJsonObject json = applicationJson(k, app);
    // The only time the secret is shown: Konnect keeps no copy to show again.
    if (!clientSecret.isEmpty())
        json.insert(QStringLiteral("client_secret"), clientSecret);
    return Response::json(201, json);
}

PortalApplication* developersApplication(KonnectState& k, const PortalDeveloper& developer, const QString& id) {
    PortalApplication* app = findById(k.applications, id);
    return app && app->developerId == developer.id ? app : nullptr;
}

Response applicationNotFound(const QString& id) {
    return konnectNotFound(QStringLiteral("Application [%1] not found").arg(id));
}

Response listApplications(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper& developer, const Request& r) {
    Response error;
    const auto query = KonnectListQuery::parse(r, {QStringLiteral("name"), QStringLiteral("auth_strategy_id")}, &error);
    if (!query)
        return error;
    QJsonArray items;
    for (const PortalApplication& app : s.konnect.applications)
        if (app.portalId == portal.id && app.developerId == developer.id &&
            query->matches({{QStringLiteral("name"), app.name}, {QStringLiteral("auth_strategy_id"), app.authStrategyId}}))
            items.append(applicationJson(s.konnect, app));
    return Response::json(200, query->page(items));
}

Response getApplication(SandboxState& s, const KonnectPortal&, const PortalDeveloper& developer, const Request& r) {
    const PortalApplication* app = developersApplication(s.konnect, developer, r.params.value(1));
    return app ? Response::json(200, applicationJson(s.konnect, *app)) : applicationNotFound(r.params.value(1));
}

// Deleting the application also deletes the Entra app DCR created for it, as Konnect does.
Response deleteApplication(SandboxState& s, const KonnectPortal&, const PortalDeveloper& developer, const Request& r) {
    KonnectState& k = s.konnect;
    const PortalApplication* app = developersApplication(k, developer, r.params.value(1));
    if (!app)
        return applicationNotFound(r.params.value(1));
    const QString id = app->id;
    if (!app->azureObjectId.isEmpty())
        s.directory.removeApplication(app->azureObjectId);
    k.registrations.removeIf([&](const PortalRegistration& reg) { return reg.applicationId == id; });
    k.applications.removeIf([&](const PortalApplication& a) { return a.id == id; });
    return Response::empty(204);
}

Response createRegistration(SandboxState& s, const KonnectPortal& portal, const PortalDeveloper& developer, const Request& r) {
    KonnectState& k = s.konnect;
    const PortalApplication* app = developersApplication(k, developer, r.params.value(1));
    if (!app)
        return applicationNotFound(r.params.value(1));
    QJsonObject body;
    QString why;
    if (!r.jsonObject(&body, &why))
        return konnectUnreadableBody(why);
    BodyCheck c;
    c.onlyKnown(body, {QStringLiteral("api_id")});
    if (!body.contains(QStringLiteral("api_id")))
        c.required(QStringLiteral("api_id"));
    c.uuid(body, QStringLiteral("api_id"), QStringLiteral("api_id"));
    if (!c.ok())
        return konnectBadRequest(c.problems());
    const QString apiId = body.value(QStringLiteral("api_id")).toString();
    const KonnectPublication* publication = k.publication(apiId, portal.id);
    if (!publication)
        return konnectNotFound(QStringLiteral("API [%1] not found").arg(apiId));
    if (!publication->authStrategyIds.contains(app->authStrategyId))
        return konnectBadRequest(QJsonArray{invalidParameter(
            QStringLiteral("api_id"), QStringLiteral("invalid"),
            QStringLiteral("the API does not accept the application's auth strategy [%1]").arg(app->authStrategyId))});
    const bool exists = std::any_of(k.registrations.begin(), k.registrations.end(), [&](const PortalRegistration& reg) {
        return reg.applicationId == app->id && reg.apiId == apiId;
    });
    if (exists)
        return konnectConflict(QStringLiteral("Application [%1] is already registered for API [%2]").arg(app->id, apiId));
    PortalRegistration reg;
    reg.id = newGuid();
    reg.applicationId = app->id;
    reg.apiId = apiId;
    // The publication's auto-approval, else the portal's.
    reg.status = publication->autoApproveRegistrations || portal.autoApproveApplications ? QStringLiteral("approved")
                                                                                          : QStringLiteral("pending");
    reg.createdAt = reg.updatedAt = isoNow();
    k.registrations.append(reg);
    return Response::json(201, registrationJson(k, reg));
}

Response listRegistrations(SandboxState& s, const KonnectPortal&, const PortalDeveloper& developer, const Request& r) {
    const KonnectState& k = s.konnect;
    const PortalApplication* app = findById(k.applications, r.params.value(1));
    if (!app || app->developerId != developer.id)
        return applicationNotFound(r.params.value(1));
    Response error;
    const auto query = KonnectListQuery::parse(r, {QStringLiteral("id"), QStringLiteral("status"), QStringLiteral("api_name")}, &error);
    if (!query)
        return error;
    QJsonArray items;
    for (const PortalRegistration& reg : k.registrations) {
        const KonnectApi* api = findById(k.apis, reg.apiId);
        if (reg.applicationId == app->id &&
            query->matches({{QStringLiteral("id"), reg.id}, {QStringLiteral("status"), reg.status},
                            {QStringLiteral("api_name"), api ? api->name : QString()}}))
            items.append(registrationJson(k, reg));
    }
    return Response::json(200, query->page(items));
}

}  // namespace

void registerPortal(Router& router, SandboxState& state) {
    const QString application = QStringLiteral("/applications/([^/]+)");
    KonnectRoutes routes(router);
    addRoute(routes, state, "POST", QStringLiteral("/developer/authenticate"), authenticate);
    addRoute(routes, state, "GET", QStringLiteral("/apis"), listApis);
    addSignedInRoute(routes, state, "GET", QStringLiteral("/application-auth-strategies"), listStrategies);
    addSignedInRoute(routes, state, "GET", QStringLiteral("/applications"), listApplications);
    addSignedInRoute(routes, state, "POST", QStringLiteral("/applications"), createApplication);
    addSignedInRoute(routes, state, "GET", application, getApplication);
    addSignedInRoute(routes, state, "DELETE", application, deleteApplication);
    addSignedInRoute(routes, state, "GET", application + QStringLiteral("/registrations"), listRegistrations);
    addSignedInRoute(routes, state, "POST", application + QStringLiteral("/registrations"), createRegistration);
    routes.setFallback(QStringLiteral("/portal/"));
}

}  // namespace dcr::sandbox
