#include "core/http_client.h"

#include "core/redaction.h"
#include "core/version.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslError>
#include <QTimer>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>

namespace dcr {

namespace {

// Quiet unless asked for (QT_LOGGING_RULES="dcr.http.debug=true"): the wizard and the command
// line report progress through attemptFinished, and bodies belong in a log only on request.
Q_LOGGING_CATEGORY(lcHttp, "dcr.http", QtWarningMsg)

constexpr qsizetype kMaxLoggedBody = 4000;

QString tr(const char* text) { return QCoreApplication::translate("dcr::HttpAttempt", text); }

QString clipped(const QString& text) {
    return text.size() > kMaxLoggedBody ? text.left(kMaxLoggedBody) + QStringLiteral("…") : text;
}

QString seconds(qint64 ms) {
    return QString::number(double(ms) / 1000.0, 'g', 3);
}

bool isLoopbackHost(const QString& host) {
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

bool carriesCredentials(const HttpRequest& request) {
    for (const auto& [name, value] : request.headers) {
        if (name.compare("Authorization", Qt::CaseInsensitive) == 0 || name.compare("Cookie", Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
           && a.port(443) == b.port(443);
}

// A request body that can be read only once. QNetworkAccessManager sends a request again by
// itself when the connection closes before any answer, a POST too: a create whose answer was
// lost would then be made twice. Qt must rewind the body to send it again; this one cannot be
// rewound, so the reply fails with ContentReSendError instead and the step decides, finding
// first what exists.
class OneShotBody : public QIODevice {
public:
    OneShotBody(QByteArray data, QObject* parent) : QIODevice(parent), m_data(std::move(data)) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_read + QIODevice::bytesAvailable(); }
    qint64 size() const override { return m_data.size(); }

protected:
    qint64 readData(char* out, qint64 max) override {
        const qint64 n = std::min<qint64>(max, m_data.size() - m_read);
        if (n <= 0)
            return -1;
        memcpy(out, m_data.constData() + m_read, n);
        m_read += n;
        return n;
    }
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_read = 0;
};

QNetworkReply* dispatch(QNetworkAccessManager* network, QNetworkRequest request, const QByteArray& method, const QByteArray& body,
                        bool repeatable) {
    // The dedicated calls send no body and no Content-Length; everything else goes as sent.
    if (body.isEmpty()) {
        if (method == "GET")
            return network->get(request);
        if (method == "HEAD")
            return network->head(request);
        if (method == "DELETE")
            return network->deleteResource(request);
    }
    if (repeatable || body.isEmpty())
        return network->sendCustomRequest(request, method, body);
    request.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
    request.setHeader(QNetworkRequest::ContentLengthHeader, body.size());
    auto* once = new OneShotBody(body, nullptr);
    QNetworkReply* reply = network->sendCustomRequest(request, method, once);
    once->setParent(reply);
    return reply;
}

}  // namespace

// ---- HttpRequest / HttpResponse / HttpAttempt ------------------------------------------------

bool HttpRequest::isIdempotent() const {
    if (idempotent)
        return *idempotent;
    // PATCH counts as safe to repeat here: every PATCH this project sends sets fields to values.
    const QByteArray m = method.toUpper();
    return m == "GET" || m == "HEAD" || m == "PUT" || m == "DELETE" || m == "PATCH" || m == "OPTIONS";
}

void HttpRequest::setBearer(const QString& token) {
    headers.removeIf([](const QPair<QByteArray, QByteArray>& h) { return h.first.compare("Authorization", Qt::CaseInsensitive) == 0; });
    headers.append({"Authorization", "Bearer " + token.toUtf8()});
}

void HttpRequest::setJsonBody(const QJsonDocument& json) {
    body = json.toJson(QJsonDocument::Compact);
    contentType = "application/json";
}

void HttpRequest::setFormBody(const QList<QPair<QString, QString>>& fields) {
    QByteArrayList pairs;
    for (const auto& [name, value] : fields)
        pairs << QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(value);
    body = pairs.join('&');
    contentType = "application/x-www-form-urlencoded";
}

QByteArray HttpResponse::header(const QByteArray& name) const {
    for (const auto& [key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

QJsonObject HttpResponse::json() const {
    return QJsonDocument::fromJson(body).object();
}

QString HttpAttempt::describe() const {
    const QString outcome = status > 0 ? QString::number(status) : tr("no answer (%1)").arg(failure);
    QString line = tr("%1 %2 → %3 in %4 ms (attempt %5)")
                       .arg(QString::fromLatin1(method), url, outcome)
                       .arg(elapsedMs)
                       .arg(attempt);
    if (retryInMs >= 0)
        line += tr("; retrying in %1 s because %2").arg(seconds(retryInMs), retryReason);
    return line;
}

// ---- HttpClient ------------------------------------------------------------------------------

struct HttpClient::Pending {
    Pending(quint64 id, HttpRequest request, Done done, const RetryPolicy::Config& config)
        : id(id), request(std::move(request)), done(std::move(done)), policy(config) {}

    quint64 id;
    HttpRequest request;
    Done done;
    RetryPolicy policy;
    QElapsedTimer sinceStart;
    QElapsedTimer sinceAttempt;
    int attempt = 0;
    int transientRetries = 0;
    int replicationRetries = 0;
    QPointer<QNetworkReply> reply;
    QString origin;
    QUrl hop;  // where the current attempt has been redirected to so far
    std::optional<Error> refusedRedirect;
    std::optional<Error> refusedAnswer;  // the answer was larger than the cap
    QStringList certificateErrors;  // of the current attempt: why its TLS handshake was refused
};

HttpClient::HttpClient(QNetworkAccessManager* network, QObject* parent) : QObject(parent), m_network(network) {
    Q_ASSERT(network);
    // Application-wide and once: every manager then asks the system (environment variables,
    // libproxy or the desktop's settings) unless it was given a proxy of its own.
    static std::once_flag systemProxy;
    std::call_once(systemProxy, [] { QNetworkProxyFactory::setUseSystemConfiguration(true); });
}

HttpClient::Origin::Origin(HttpClient& client, QString name) : m_client(&client), m_previous(std::exchange(client.m_origin, std::move(name))) {}

HttpClient::Origin::~Origin() {
    if (m_client)
        m_client->m_origin = m_previous;
}

HttpClient::~HttpClient() {
    for (const auto& [id, pending] : m_pending) {
        if (QNetworkReply* reply = pending->reply) {
            // abort() emits finished() at once; nothing of this half-destroyed client may hear it.
            disconnect(reply, nullptr, this, nullptr);
            reply->abort();
            reply->deleteLater();
        }
    }
}

bool HttpClient::isAllowedUrl(const QUrl& url) {
    if (!url.isValid() || url.host().isEmpty())
        return false;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https"))
        return true;
    return scheme == QLatin1String("http") && isLoopbackHost(url.host());
}

void HttpClient::send(const HttpRequest& request, Done done) {
    if (!isAllowedUrl(request.url)) {
        const Error error = Error::insecureUrl(request.url);
        qCInfo(lcHttp).noquote() << "refused" << request.method << redactUrl(request.url) << "(not https)";
        QTimer::singleShot(0, this, [done = std::move(done), error] { done(HttpResponse{}, error); });
        return;
    }
    const quint64 id = m_nextId++;
    HttpRequest normalised = request;
    normalised.method = request.method.toUpper();
    auto pending = std::make_unique<Pending>(id, std::move(normalised), std::move(done), request.retry.value_or(m_retry));
    pending->origin = m_origin;
    m_pending.emplace(id, std::move(pending));
    startAttempt(id);
}

void HttpClient::startAttempt(quint64 id) {
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending& p = *it->second;
    const HttpRequest& r = p.request;

    QNetworkRequest request(r.url);
    bool hasAccept = false;
    bool hasUserAgent = false;
    for (const auto& [name, value] : r.headers) {
        request.setRawHeader(name, value);
        hasAccept = hasAccept || name.compare("Accept", Qt::CaseInsensitive) == 0;
        hasUserAgent = hasUserAgent || name.compare("User-Agent", Qt::CaseInsensitive) == 0;
    }
    if (!r.contentType.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, r.contentType);
    if (!hasAccept)
        request.setRawHeader("Accept", "application/json");
    if (!hasUserAgent)
        request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray(kApplicationName) + '/' + kVersion);
    request.setTransferTimeout(p.policy.config().attemptTimeoutMs);
    // Each redirect target is checked like the first URL: no detour through cleartext.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::UserVerifiedRedirectPolicy);

    ++p.attempt;
    if (p.attempt == 1)
        p.sinceStart.start();
    p.sinceAttempt.start();
    if (lcHttp().isDebugEnabled()) {
        qCDebug(lcHttp).noquote() << "→" << r.method << redactUrl(r.url) << "attempt" << p.attempt;
        for (const auto& [name, value] : r.headers)
            qCDebug(lcHttp).noquote() << "  " << name + ':' << redactHeaderValue(name, value);
        if (!r.body.isEmpty())
            qCDebug(lcHttp).noquote() << "  " << clipped(redactBody(r.contentType, r.body));
    }

    QNetworkReply* reply = dispatch(m_network, request, r.method, r.body, r.isIdempotent());
    p.reply = reply;
    p.hop = r.url;
    connect(reply, &QNetworkReply::redirected, this, [this, id, reply](const QUrl& target) {
        const auto found = m_pending.find(id);
        if (found == m_pending.end())
            return;
        Pending& pending = *found->second;
        const QUrl resolved = pending.hop.resolved(target);
        if (!isAllowedUrl(resolved)) {
            pending.refusedRedirect = Error::insecureUrl(resolved);
        } else if (carriesCredentials(pending.request) && !sameOrigin(resolved, pending.request.url)) {
            // Qt would forward every header, the bearer token or the portal's cookie included.
            pending.refusedRedirect = Error::network(
                QNetworkReply::InsecureRedirectError,
                tr("refused to forward the request's credentials to %1").arg(resolved.toString(QUrl::RemovePath | QUrl::RemoveQuery)));
        } else {
            pending.hop = resolved;
            emit reply->redirectAllowed();
            return;
        }
        reply->abort();
    });
    p.refusedAnswer.reset();
    connect(reply, &QNetworkReply::downloadProgress, this, [this, id, reply](qint64 received, qint64 total) {
        const auto found = m_pending.find(id);
        if (found == m_pending.end() || found->second->refusedAnswer)
            return;
        if (received <= m_maxAnswerBytes && total <= m_maxAnswerBytes)
            return;
        const QString host = found->second->hop.host();
        const QString limit = QString::number(double(m_maxAnswerBytes) / (1024.0 * 1024.0), 'g', 3);
        found->second->refusedAnswer = Error::make(
            QStringLiteral("network.answer_too_large"),
            QStringLiteral("The answer from %1 is larger than %2 MiB, more than any answer of the service should be, so it was refused.")
                .arg(host, limit),
            QStringLiteral("Check that the address points at the service itself and not at a proxy or a download; then try again."));
        reply->abort();
    });
    p.certificateErrors.clear();
    // Never ignored: the reasons only make the refusal explainable.
    connect(reply, &QNetworkReply::sslErrors, this, [this, id](const QList<QSslError>& errors) {
        const auto found = m_pending.find(id);
        if (found == m_pending.end())
            return;
        for (const QSslError& error : errors)
            found->second->certificateErrors << error.errorString();
    });
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onFinished(id, reply); });
}

void HttpClient::onFinished(quint64 id, QNetworkReply* reply) {
    reply->deleteLater();
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    Pending& p = *it->second;
    p.reply = nullptr;

    const QNetworkReply::NetworkError qtError = reply->error();
    // A transport failure after the status line means a cut-short answer: treat it as none.
    const bool transportFailed = qtError > QNetworkReply::NoError && qtError < QNetworkReply::ContentAccessDenied;
    HttpResponse response;
    response.attempts = p.attempt;
    if (!transportFailed && !p.refusedAnswer) {
        response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        response.body = reply->readAll();
        response.headers = reply->rawHeaderPairs();
    }
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    if (response.status == 0)
        networkError = qtError == QNetworkReply::NoError ? QNetworkReply::UnknownNetworkError : qtError;
    QString failure = response.status == 0 ? reply->errorString() : QString();
    // This client aborts only refused redirects and answers, so any other cancellation is the
    // transfer timeout.
    if (networkError == QNetworkReply::OperationCanceledError && !p.refusedRedirect && !p.refusedAnswer) {
        networkError = QNetworkReply::TimeoutError;
        failure = tr("nothing received for %1 s").arg(seconds(p.policy.config().attemptTimeoutMs));
    }

    HttpAttempt info;
    info.requestId = id;
    info.method = p.request.method;
    info.url = redactUrl(p.request.url);
    info.attempt = p.attempt;
    info.status = response.status;
    info.failure = redactText(failure);
    info.elapsedMs = p.sinceAttempt.elapsed();
    info.origin = p.origin;
    qCDebug(lcHttp).noquote() << "←" << info.describe();
    if (response.status >= 400)
        qCDebug(lcHttp).noquote() << "  " << clipped(redactBody(response.header("Content-Type"), response.body));

    if (p.refusedRedirect || p.refusedAnswer) {
        const Error refusal = p.refusedRedirect ? *p.refusedRedirect : *p.refusedAnswer;
        emit attemptFinished(info);
        HttpResponse refused;
        refused.attempts = p.attempt;
        finish(id, refused, refusal);
        return;
    }
    if (response.status >= 200 && response.status < 400) {
        emit attemptFinished(info);
        finish(id, response, std::nullopt);
        return;
    }

    RetryPolicy::Attempt attempt;
    attempt.status = response.status;
    attempt.networkError = networkError;
    attempt.body = response.body;
    attempt.retryAfter = response.header("Retry-After");
    attempt.idempotent = p.request.isIdempotent();
    attempt.replication = p.request.replication;
    attempt.transientRetries = p.transientRetries;
    attempt.replicationRetries = p.replicationRetries;
    attempt.elapsedMs = p.sinceStart.elapsed();
    const RetryPolicy::Decision decision = p.policy.decide(attempt);

    if (decision.retry) {
        if (decision.kind == RetryPolicy::Kind::Replication)
            ++p.replicationRetries;
        else
            ++p.transientRetries;
        info.retryInMs = decision.delayMs;
        info.retryReason = decision.reason;
        qCInfo(lcHttp).noquote() << info.describe();
        emit attemptFinished(info);
        // Precise: a coarse timer may fire up to 5 % early, before the server's Retry-After.
        QTimer::singleShot(int(decision.delayMs), Qt::PreciseTimer, this, [this, id] { startAttempt(id); });
        return;
    }

    emit attemptFinished(info);
    const Error error = response.status != 0 ? Error::fromResponse(p.request.flavor, response.status, response.body)
                        : networkError == QNetworkReply::SslHandshakeFailedError && !p.certificateErrors.isEmpty()
                            ? Error::untrustedCertificate(p.hop, p.certificateErrors)
                            : Error::network(networkError, failure);
    qCInfo(lcHttp).noquote() << p.request.method << info.url << "failed:" << error.code << "after" << p.attempt << "attempt(s)";
    finish(id, response, error);
}

void HttpClient::finish(quint64 id, const HttpResponse& response, const std::optional<Error>& error) {
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    // Off the books before the callback: it may send more requests or delete this client.
    const std::unique_ptr<Pending> pending = std::move(it->second);
    m_pending.erase(it);
    const Origin origin(*this, pending->origin);
    pending->done(response, error);
}

}  // namespace dcr
