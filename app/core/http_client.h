#pragma once

#include "core/error.h"
#include "core/retry_policy.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrl>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace dcr {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method = "GET";
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    QByteArray contentType;
    ErrorFlavor flavor = ErrorFlavor::Plain;  // which Error builder explains a failure
    RetryPolicy::ReplicationRule replication = RetryPolicy::ReplicationRule::None;
    // Whether repeating the request after a lost answer is harmless. Unset: GET, HEAD, PUT,
    // DELETE, PATCH and OPTIONS are, POST is not.
    std::optional<bool> idempotent;
    // Unset: the client's policy. Tests set small caps; long waits set larger budgets.
    std::optional<RetryPolicy::Config> retry;

    bool isIdempotent() const;
    void setBearer(const QString& token);
    void setJsonBody(const QJsonDocument& json);
    // application/x-www-form-urlencoded, every reserved character encoded (a '+' in a secret
    // stays a '+', which QUrlQuery would turn into a space).
    void setFormBody(const QList<QPair<QString, QString>>& fields);
};

struct HttpResponse {
    int status = 0;  // 0: no (complete) HTTP answer
    QByteArray body;
    HttpHeaders headers;
    int attempts = 0;

    QByteArray header(const QByteArray& name) const;  // case-insensitive; the first of that name
    QJsonObject json() const;                         // empty unless the body is a JSON object
    bool isSuccess() const { return status >= 200 && status < 300; }
};

// One attempt of one request, for logs and progress: "GET …/organization → 429 in 80 ms (attempt
// 1); retrying in 2 s because the service is throttling requests".
struct HttpAttempt {
    quint64 requestId = 0;
    QByteArray method;
    QString url;           // redacted
    int attempt = 0;       // 1-based
    int status = 0;        // 0: no HTTP answer
    QString failure;       // the transport's message when status is 0, redacted
    qint64 elapsedMs = 0;  // of this attempt
    qint64 retryInMs = -1; // -1: no retry follows
    QString retryReason;   // why a retry follows
    QString origin;        // the HttpClient::Origin the request was sent under, e.g. a step's id

    QString describe() const;
};

// The one way the project talks HTTP: asynchronous, over the one QNetworkAccessManager it is
// given, with the one retry policy, refusing cleartext except to this computer, and logging only
// redacted text (category "dcr.http", off below warnings unless QT_LOGGING_RULES enables it).
//
// The first HttpClient makes Qt use the system's proxy settings for the whole application
// (QNetworkProxyFactory::setUseSystemConfiguration), so every manager honours them; a manager
// with a proxy of its own keeps it.
class HttpClient : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const HttpResponse& response, const std::optional<Error>& error)>;

    explicit HttpClient(QNetworkAccessManager* network, QObject* parent = nullptr);
    // Requests still in flight are abandoned; their callbacks are not called.
    ~HttpClient() override;

    // While an Origin lives, requests sent through the client carry its name in their HttpAttempts,
    // and so do the requests sent from those requests' callbacks: what runs beside it (another step
    // of the plan) is told apart without each call passing the name down.
    class Origin {
    public:
        Origin(HttpClient& client, QString name);
        ~Origin();
        Origin(const Origin&) = delete;
        Origin& operator=(const Origin&) = delete;

    private:
        QPointer<HttpClient> m_client;
        QString m_previous;
    };

    void setRetryConfig(const RetryPolicy::Config& config) { m_retry = config; }
    const RetryPolicy::Config& retryConfig() const { return m_retry; }

    // No answer of the services this tool talks to comes near this; a larger one (announced by
    // Content-Length or as it arrives) is cut off and refused with an error, never retried.
    static constexpr qint64 kDefaultMaxAnswerBytes = 16 * 1024 * 1024;
    void setMaxAnswerBytes(qint64 bytes) { m_maxAnswerBytes = bytes; }
    qint64 maxAnswerBytes() const { return m_maxAnswerBytes; }

    // Calls done once, always later from the event loop (never from inside send), with the final
    // answer and, unless it is a 2xx or 3xx, the Error its flavor explains; never if this client
    // is destroyed first.
    void send(const HttpRequest& request, Done done);

    // https://, or http:// to a loopback host (127.0.0.0/8, ::1, localhost).
    static bool isAllowedUrl(const QUrl& url);

signals:
    void attemptFinished(const dcr::HttpAttempt& attempt);

private:
    struct Pending;
    void startAttempt(quint64 id);
    void onFinished(quint64 id, QNetworkReply* reply);
    void finish(quint64 id, const HttpResponse& response, const std::optional<Error>& error);

    QNetworkAccessManager* m_network;
    RetryPolicy::Config m_retry;
    qint64 m_maxAnswerBytes = kDefaultMaxAnswerBytes;
    quint64 m_nextId = 1;
    std::map<quint64, std::unique_ptr<Pending>> m_pending;
    QString m_origin;  // of the Origin alive now
};

}  // namespace dcr
