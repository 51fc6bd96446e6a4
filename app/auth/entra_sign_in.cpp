#include "auth/entra_sign_in.h"

#include "clients/token_client.h"
#include "core/endpoints.h"
#include "core/http_client.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace dcr {

namespace {

// RFC 7636: 43-128 characters from the unreserved set, from the system's CSPRNG.
QString randomUnreserved(int length) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    QString out;
    out.reserve(length);
    auto* rng = QRandomGenerator::system();
    for (int i = 0; i < length; ++i)
        out += QLatin1Char(alphabet[rng->bounded(static_cast<int>(sizeof(alphabet) - 1))]);
    return out;
}

// A request that has not sent its headers after this long is dropped (a stray or stuck client must
// not hold a socket); a request line and headers larger than kMaxRequestBytes are no redirect.
constexpr int kRequestIdleMs = 30000;
constexpr qsizetype kMaxRequestBytes = 64 * 1024;
// How often a second listener on ::1 may fail to get the port 127.0.0.1 got before the sign-in
// makes do with IPv4 alone.
constexpr int kPortAttempts = 8;

// What the browser shows once it has brought the answer back to dcr-wizard. good: a check mark, else a cross.
QByteArray loopbackPage(const QString& title, const QString& text, bool good = false) {
    return QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>dcr-wizard: %1</title><style>"
                          "body{font-family:'Segoe UI',system-ui,sans-serif;background:#eef1f5;color:#1b1b1b;margin:0}"
                          "main{background:#fff;max-width:440px;margin:60px auto;padding:32px 44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}"
                          ".mark{font-size:34px;font-weight:700;color:%3}h1{font-size:24px;font-weight:600;margin:8px 0 14px}"
                          ".app{color:#5f5f5f;font-size:13px;margin-top:24px}</style></head><body><main><div class=\"mark\">%4</div>"
                          "<h1>%1</h1><p>%2</p><p class=\"app\">dcr-wizard</p></main></body></html>")
        .arg(title.toHtmlEscaped(), text.toHtmlEscaped(), good ? QStringLiteral("#107c10") : QStringLiteral("#a80000"),
             good ? QStringLiteral("&#10003;") : QStringLiteral("&#10005;"))
        .toUtf8();
}

void answer(QTcpSocket* socket, const QByteArray& status, const QByteArray& page) {
    socket->write("HTTP/1.1 " + status + "\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                  "Connection: close\r\nContent-Length: " + QByteArray::number(page.size()) + "\r\n\r\n" + page);
    socket->disconnectFromHost();
}

}  // namespace

QString pkceChallenge(const QString& verifier) {
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

struct EntraSignIn::Private {
    Private(HttpClient& h, QUrl l, QString t, QString c, QStringList s)
        : http(h), login(std::move(l)), tenant(std::move(t)), clientId(std::move(c)), scopes(std::move(s)) {}

    HttpClient& http;
    QUrl login;
    QString tenant;
    QString clientId;
    QStringList scopes;
    // The redirect URI says localhost, which a browser may resolve to 127.0.0.1 or to ::1: one
    // listener on each, on the same port. Closed only once the answer with the right state came.
    QList<QTcpServer*> listeners;
    bool answered = false;  // the sign-in's own answer arrived: further requests are turned away
    QString verifier;
    QString state;
    QString redirectUri;
    QTimer poll;
    QString deviceCode;
    int intervalSeconds = 5;
    QDateTime deviceDeadline;
    QString refreshToken;
    quint64 generation = 0;  // answers of a cancelled attempt are ignored

    QUrl endpoint(const QString& path) const { return joinUrl(login, QLatin1Char('/') + tenant + path); }
    // A form POST to one of the tenant's /oauth2/v2.0/ endpoints.
    HttpRequest formPost(const QString& endpointName, const QList<QPair<QString, QString>>& form) const {
        HttpRequest request;
        request.method = "POST";
        request.url = endpoint(QStringLiteral("/oauth2/v2.0/") + endpointName);
        request.flavor = ErrorFlavor::Entra;
        request.setFormBody(form);
        return request;
    }
};

QStringList EntraSignIn::defaultScopes(const QUrl& graphBase) {
    // The sandbox stands in for Microsoft Graph, so it keeps Graph's resource name.
    const bool loopback = graphBase.scheme() == QLatin1String("http");
    const QString resource = loopback || graphBase.isEmpty() ? QStringLiteral("https://graph.microsoft.com")
                                                             : graphBase.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString();
    QStringList scopes;
    for (const char* s : {"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "User.Read"})
        scopes << resource + QLatin1Char('/') + QLatin1String(s);
    scopes << QStringLiteral("offline_access") << QStringLiteral("openid") << QStringLiteral("profile");
    return scopes;
}

EntraSignIn::EntraSignIn(HttpClient& http, QUrl loginBase, QString tenant, QString clientId, QStringList scopes, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>(http, std::move(loginBase), std::move(tenant), std::move(clientId), std::move(scopes))) {
    d->poll.setSingleShot(true);
    connect(&d->poll, &QTimer::timeout, this, &EntraSignIn::pollDeviceCode);
}

EntraSignIn::~EntraSignIn() = default;

void EntraSignIn::cancel() {
    ++d->generation;
    d->poll.stop();
    closeListeners();
}

void EntraSignIn::closeListeners() {
    for (QTcpServer* listener : std::as_const(d->listeners)) {
        listener->close();
        listener->deleteLater();
    }
    d->listeners.clear();
}

bool EntraSignIn::listenOnLoopback() {
    for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
        auto* v4 = new QTcpServer(this);
        if (!v4->listen(QHostAddress::LocalHost, 0)) {
            delete v4;
            return false;
        }
        auto* v6 = new QTcpServer(this);
        if (v6->listen(QHostAddress::LocalHostIPv6, v4->serverPort())) {
            d->listeners = {v4, v6};
            return true;
        }
        const bool inUse = v6->serverError() == QAbstractSocket::AddressInUseError;
        delete v6;
        if (!inUse) {  // no IPv6 on this machine: localhost is 127.0.0.1 then
            d->listeners = {v4};
            return true;
        }
        delete v4;
    }
    return false;
}

quint16 EntraSignIn::loopbackPort() const { return d->listeners.isEmpty() ? 0 : d->listeners.first()->serverPort(); }

void EntraSignIn::startBrowserSignIn() {
    cancel();
    d->answered = false;
    if (!listenOnLoopback()) {
        emitFailure(Error::make(QStringLiteral("auth.loopback"), tr("No local port is free for the sign-in answer."),
                                tr("Use the device code sign-in instead.")));
        return;
    }
    d->verifier = randomUnreserved(64);
    d->state = randomUnreserved(32);
    d->redirectUri = QStringLiteral("http://localhost:%1").arg(loopbackPort());
    for (QTcpServer* listener : std::as_const(d->listeners))
        connect(listener, &QTcpServer::newConnection, this, [this, listener] { onLoopbackConnection(listener); });

    QUrl url = d->endpoint(QStringLiteral("/oauth2/v2.0/authorize"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("client_id"), d->clientId);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(d->redirectUri)));
    query.addQueryItem(QStringLiteral("response_mode"), QStringLiteral("query"));
    query.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(d->scopes.join(QLatin1Char(' ')))));
    query.addQueryItem(QStringLiteral("state"), d->state);
    query.addQueryItem(QStringLiteral("code_challenge"), pkceChallenge(d->verifier));
    query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    url.setQuery(query.query(QUrl::FullyEncoded), QUrl::StrictMode);
    emit browserUrl(url);
}

void EntraSignIn::onLoopbackConnection(QTcpServer* listener) {
    while (QTcpSocket* socket = listener->nextPendingConnection()) {
        // Its own: closing the listeners must not take an answer still being written with them.
        socket->setParent(this);
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(kRequestIdleMs, socket, [socket] { socket->abort(); });
        const quint64 generation = d->generation;
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer, generation] {
            buffer->append(socket->readAll());
            if (!buffer->contains("\r\n\r\n")) {
                if (buffer->size() > kMaxRequestBytes)
                    socket->abort();
                return;
            }
            if (generation != d->generation) {
                socket->abort();
                return;
            }
            onLoopbackRequest(socket, buffer->left(buffer->indexOf("\r\n")));
        });
    }
}

// Only the redirect of this sign-in ends the wait: a GET of / with this sign-in's state and a code
// or an error. Anything else (a favicon, a stale tab, another local program guessing) is answered
// and the listener keeps waiting.
void EntraSignIn::onLoopbackRequest(QTcpSocket* socket, const QByteArray& requestLine) {
    socket->disconnect(this);
    const QList<QByteArray> parts = requestLine.split(' ');
    const QUrl target(QString::fromLatin1(parts.value(1)));
    const QUrlQuery query(target);
    const bool redirect = parts.value(0) == "GET" && (target.path().isEmpty() || target.path() == QLatin1String("/")) &&
                          (query.hasQueryItem(QStringLiteral("code")) || query.hasQueryItem(QStringLiteral("error")));
    if (!redirect) {
        answer(socket, "404 Not Found", loopbackPage(tr("Not found"), tr("dcr-wizard waits here only for the sign-in's answer.")));
        return;
    }
    if (d->answered) {
        answer(socket, "409 Conflict",
               loopbackPage(tr("Already signed in"), tr("dcr-wizard already has the answer to this sign-in. You can close this window.")));
        return;
    }
    if (query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded) != d->state) {
        answer(socket, "400 Bad Request",
               loopbackPage(tr("Not this sign-in"),
                            tr("This answer does not belong to the sign-in dcr-wizard is waiting for (its state does not match), "
                               "so dcr-wizard ignored it and is still waiting. Finish the sign-in in the window dcr-wizard opened, "
                               "or start it again from dcr-wizard.")));
        return;
    }
    d->answered = true;
    closeListeners();
    if (query.hasQueryItem(QStringLiteral("error"))) {
        const QString description = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        answer(socket, "200 OK",
               loopbackPage(tr("Sign-in not completed"), tr("Microsoft Entra ID answered: %1 Return to dcr-wizard for what to do.")
                                                             .arg(description.section(QStringLiteral(" Trace ID:"), 0, 0).left(500))));
        QJsonObject body{{QStringLiteral("error"), query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded)},
                         {QStringLiteral("error_description"), description}};
        // A redirect carries no error_codes; its description starts with the AADSTS code.
        static const QRegularExpression aadsts(QStringLiteral("^AADSTS(\\d+)"));
        if (const QRegularExpressionMatch m = aadsts.match(description); m.hasMatch())
            body.insert(QStringLiteral("error_codes"), QJsonArray{m.captured(1).toInt()});
        emitFailure(Error::fromEntraTokenError(400, QJsonDocument(body).toJson()));
        return;
    }
    answer(socket, "200 OK", loopbackPage(tr("Signed in"), tr("You can close this window and return to dcr-wizard."), true));
    redeem({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
            {QStringLiteral("client_id"), d->clientId},
            {QStringLiteral("code"), query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded)},
            {QStringLiteral("redirect_uri"), d->redirectUri},
            {QStringLiteral("code_verifier"), d->verifier},
            {QStringLiteral("scope"), d->scopes.join(QLatin1Char(' '))}});
}

void EntraSignIn::redeem(const QList<QPair<QString, QString>>& form) {
    const HttpRequest request = d->formPost(QStringLiteral("token"), form);
    const quint64 generation = d->generation;
    d->http.send(request, [this, generation](const HttpResponse& response, const std::optional<Error>& error) {
        if (generation != d->generation)
            return;
        if (error) {
            emitFailure(*error);
            return;
        }
        acceptTokenResponse(response.json());
    });
}

void EntraSignIn::acceptTokenResponse(const QJsonObject& json) {
    TokenSet tokens;
    tokens.accessToken = json.value(QStringLiteral("access_token")).toString();
    tokens.refreshToken = json.value(QStringLiteral("refresh_token")).toString();
    const QJsonValue expires = json.value(QStringLiteral("expires_in"));
    tokens.expiresAt = QDateTime::currentDateTimeUtc().addSecs(expires.isString() ? expires.toString().toInt() : expires.toInt());
    QJsonObject header, claims;
    if (tokens.accessToken.isEmpty() || !decodeJwt(tokens.accessToken.toUtf8(), &header, &claims)) {
        emitFailure(Error::make(QStringLiteral("auth.no_token"), tr("Microsoft Entra ID answered without a usable access token."),
                                tr("Try signing in again; if it keeps happening, use the device code sign-in.")));
        return;
    }
    fillFromClaims(tokens, claims);
    if (!tokens.refreshToken.isEmpty())
        d->refreshToken = tokens.refreshToken;
    emit signedIn(tokens);
}

void EntraSignIn::fillFromClaims(TokenSet& tokens, const QJsonObject& claims) {
    tokens.tenantId = claims.value(QStringLiteral("tid")).toString();
    for (const char* name : {"upn", "unique_name", "preferred_username", "name"}) {
        tokens.userName = claims.value(QLatin1String(name)).toString();
        if (!tokens.userName.isEmpty())
            break;
    }
    tokens.scopes = claims.value(QStringLiteral("scp")).toString().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (!tokens.expiresAt.isValid() || tokens.expiresAt <= QDateTime::currentDateTimeUtc())
        tokens.expiresAt = QDateTime::fromSecsSinceEpoch(claims.value(QStringLiteral("exp")).toInteger(), Qt::UTC);
}

void EntraSignIn::startDeviceCode() {
    cancel();
    const HttpRequest request = d->formPost(QStringLiteral("devicecode"), {{QStringLiteral("client_id"), d->clientId},
                                                                         {QStringLiteral("scope"), d->scopes.join(QLatin1Char(' '))}});
    const quint64 generation = d->generation;
    d->http.send(request, [this, generation](const HttpResponse& response, const std::optional<Error>& error) {
        if (generation != d->generation)
            return;
        if (error) {
            emitFailure(*error);
            return;
        }
        const QJsonObject json = response.json();
        d->deviceCode = json.value(QStringLiteral("device_code")).toString();
        d->intervalSeconds = std::max(1, json.value(QStringLiteral("interval")).toInt(5));
        const int expiresIn = json.value(QStringLiteral("expires_in")).toInt(900);
        d->deviceDeadline = QDateTime::currentDateTimeUtc().addSecs(expiresIn);
        emit deviceCode(json.value(QStringLiteral("user_code")).toString(), QUrl(json.value(QStringLiteral("verification_uri")).toString()),
                        json.value(QStringLiteral("message")).toString(), expiresIn);
        d->poll.start(d->intervalSeconds * 1000);
    });
}

void EntraSignIn::pollDeviceCode() {
    if (QDateTime::currentDateTimeUtc() >= d->deviceDeadline) {
        emitFailure(Error::make(QStringLiteral("entra.expired_token"), tr("The device code expired before the sign-in was completed."),
                                tr("Start the sign-in again and enter the new code within 15 minutes.")));
        return;
    }
    const HttpRequest request = d->formPost(QStringLiteral("token"),
                                            {{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                             {QStringLiteral("client_id"), d->clientId},
                                             {QStringLiteral("device_code"), d->deviceCode}});
    const quint64 generation = d->generation;
    d->http.send(request, [this, generation](const HttpResponse& response, const std::optional<Error>& error) {
        if (generation != d->generation)
            return;
        if (!error) {
            acceptTokenResponse(response.json());
            return;
        }
        // Branch on the protocol's `error`, never on the description.
        const QString code = response.json().value(QStringLiteral("error")).toString();
        if (code == QLatin1String("authorization_pending")) {
            d->poll.start(d->intervalSeconds * 1000);
            return;
        }
        if (code == QLatin1String("slow_down")) {
            d->intervalSeconds += 5;
            d->poll.start(d->intervalSeconds * 1000);
            return;
        }
        emitFailure(*error);
    });
}

void EntraSignIn::useAccessToken(const QString& accessToken) {
    QJsonObject header, claims;
    TokenSet tokens;
    tokens.accessToken = accessToken.trimmed();
    if (!decodeJwt(tokens.accessToken.toUtf8(), &header, &claims)) {
        emitFailure(Error::make(QStringLiteral("auth.not_a_jwt"), tr("What was pasted is not an access token (a JWT has three parts separated by dots)."),
                                tr("Copy the whole access token, for example from `az account get-access-token --resource https://graph.microsoft.com`.")));
        return;
    }
    tokens.expiresAt = QDateTime::fromSecsSinceEpoch(claims.value(QStringLiteral("exp")).toInteger(), Qt::UTC);
    if (tokens.expiresAt <= QDateTime::currentDateTimeUtc()) {
        emitFailure(Error::make(QStringLiteral("auth.expired"), tr("The access token has expired."), tr("Get a fresh token and paste it again.")));
        return;
    }
    fillFromClaims(tokens, claims);
    QTimer::singleShot(0, this, [this, tokens] { emit signedIn(tokens); });
}

void EntraSignIn::refresh() {
    if (d->refreshToken.isEmpty()) {
        emitFailure(Error::make(QStringLiteral("auth.no_refresh_token"), tr("There is no refresh token to renew the sign-in with."),
                                tr("Sign in again.")));
        return;
    }
    cancel();
    redeem({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
            {QStringLiteral("client_id"), d->clientId},
            {QStringLiteral("refresh_token"), d->refreshToken},
            {QStringLiteral("scope"), d->scopes.join(QLatin1Char(' '))}});
}

void EntraSignIn::emitFailure(const Error& error) {
    cancel();
    // Always from the event loop, so that a caller connecting after start*() still hears it.
    QTimer::singleShot(0, this, [this, error] { emit failed(error); });
}

void openSandboxSignInPage(QNetworkAccessManager& network, const QUrl& url, std::function<void()> needsPerson) {
    // The redirect is followed by hand: when Qt followed it, it now and then sent the page's
    // request a second time (seen in tests/perf/benchmark.sh's request count).
    QNetworkRequest page(url);
    page.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = network.get(page);
    QObject::connect(reply, &QNetworkReply::finished, reply, [&network, reply, needsPerson] {
        reply->deleteLater();
        const QUrl location = reply->header(QNetworkRequest::LocationHeader).toUrl();
        if (location.isEmpty()) {
            if (needsPerson)
                needsPerson();
            return;
        }
        QNetworkReply* loopback = network.get(QNetworkRequest(reply->url().resolved(location)));
        QObject::connect(loopback, &QNetworkReply::finished, loopback, &QObject::deleteLater);
    });
}

}  // namespace dcr
