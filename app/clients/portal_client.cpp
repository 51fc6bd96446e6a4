#include "clients/portal_client.h"

#include "clients/client_support.h"
#include "core/endpoints.h"
#include "core/http_client.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkCookie>
#include <QPointer>

namespace dcr {

using namespace clients;

namespace {

const QString kService = QStringLiteral("The portal");
const QString kCodePrefix = QStringLiteral("konnect.portal_");
const QByteArray kSessionCookieName = "portalaccesstoken";

// "portalaccesstoken=…" from the answer's Set-Cookie headers (Qt joins several with '\n').
QByteArray sessionCookie(const HttpResponse& response) {
    for (const auto& [name, value] : response.headers) {
        if (name.compare("Set-Cookie", Qt::CaseInsensitive) != 0)
            continue;
        for (const QNetworkCookie& cookie : QNetworkCookie::parseCookies(value)) {
            if (cookie.name() == kSessionCookieName && !cookie.value().isEmpty())
                return cookie.toRawForm(QNetworkCookie::NameAndValueOnly);
        }
    }
    return {};
}

}  // namespace

PortalClient::PortalClient(HttpClient& http, QUrl base, QObject* parent) : QObject(parent), m_http(http), m_base(std::move(base)) {}

HttpRequest PortalClient::request(const QByteArray& method, const QString& path) const {
    HttpRequest r;
    r.method = method;
    r.url = joinUrl(m_base, path);
    r.flavor = ErrorFlavor::Konnect;
    // Sent explicitly rather than left to the network manager's cookie jar, which the whole
    // application shares: the session belongs to this client only.
    if (!m_sessionCookie.isEmpty())
        r.headers.append({"Cookie", m_sessionCookie});
    return r;
}

void PortalClient::authenticate(const QString& username, const QString& password, Callback<Nothing> done) {
    HttpRequest r = request("POST", QStringLiteral("/developer/authenticate"));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("username"), username}, {QStringLiteral("password"), password}}));
    const QPointer<PortalClient> self(this);
    m_http.send(r, [self, done = std::move(done)](const HttpResponse& response, const std::optional<Error>& error) {
        if (!self)
            return;
        if (error) {
            done(Result<Nothing>::failure(*error));
            return;
        }
        const QByteArray cookie = sessionCookie(response);
        if (cookie.isEmpty()) {
            Error e = unexpectedAnswer(kCodePrefix, kService, response);
            e.what = tr("The portal accepted the developer's sign-in but sent no session cookie (%1).")
                         .arg(QString::fromLatin1(kSessionCookieName));
            done(Result<Nothing>::failure(e));
            return;
        }
        self->m_sessionCookie = cookie;
        done(Result<Nothing>::success({}));
    });
}

void PortalClient::createApplication(const QString& name, const QString& authStrategyId, Callback<PortalApplication> done) {
    HttpRequest r = request("POST", QStringLiteral("/applications"));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("auth_strategy_id"), authStrategyId}}));
    m_http.send(r, deliver(this, std::move(done), [](const HttpResponse& response) {
        const QJsonObject json = response.json();
        PortalApplication app;
        app.id = json.value(QLatin1String("id")).toString();
        app.name = json.value(QLatin1String("name")).toString();
        app.clientId = json.value(QLatin1String("client_id")).toString();
        app.clientSecret = json.value(QLatin1String("client_secret")).toString();
        if (app.id.isEmpty())
            return Result<PortalApplication>::failure(unexpectedAnswer(kCodePrefix, kService, response));
        return Result<PortalApplication>::success(app);
    }));
}

void PortalClient::registerApplication(const QString& applicationId, const QString& apiId, Callback<Nothing> done) {
    HttpRequest r = request("POST", QStringLiteral("/applications/%1/registrations").arg(pathSegment(applicationId)));
    r.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("api_id"), apiId}}));
    m_http.send(r, deliverNothing(this, std::move(done)));
}

void PortalClient::deleteApplication(const QString& applicationId, Callback<Nothing> done) {
    m_http.send(request("DELETE", QStringLiteral("/applications/") + pathSegment(applicationId)),
                deliverNothing(this, std::move(done), true));
}

}  // namespace dcr
