#include "core/retry_policy.h"

#include "core/error.h"

#include <QCoreApplication>

#include <algorithm>

namespace dcr {

namespace {

// For the class's member functions: lupdate files a tr() by the function it is in, so the free
// functions below name their context (the namespace) themselves.
QString tr(const char* text) { return QCoreApplication::translate("dcr::RetryPolicy", text); }

// Beyond a year a Retry-After is nonsense; clamping keeps the arithmetic from overflowing.
constexpr qint64 kMaxRetryAfterSeconds = 365LL * 24 * 3600;

qint64 exponential(int baseMs, int maxMs, int retries) {
    const int doublings = std::clamp(retries, 0, 30);
    return std::min<qint64>(maxMs, qint64(baseMs) << doublings);
}

QString networkReason(QNetworkReply::NetworkError error) {
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QCoreApplication::translate("dcr", "the connection was refused");
    case QNetworkReply::RemoteHostClosedError:
        return QCoreApplication::translate("dcr", "the server closed the connection without answering");
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QCoreApplication::translate("dcr", "the server did not answer in time");
    default:
        return QCoreApplication::translate("dcr", "the network connection failed");
    }
}

}  // namespace

RetryPolicy::RetryPolicy() : RetryPolicy(Config{}) {}

RetryPolicy::RetryPolicy(Config config) : m_config(std::move(config)) {
    if (m_config.seed)
        m_seeded.emplace(*m_config.seed);
}

RetryPolicy::Decision RetryPolicy::decide(const Attempt& attempt) {
    Decision d;
    if (attempt.replication == ReplicationRule::GraphReplication && isGraphReplicationError(attempt.status, attempt.body)) {
        d.kind = Kind::Replication;
        // No jitter: nobody else is waiting for this object, and waiting is the point.
        d.delayMs = m_config.replicationPollMs;
        d.reason = tr("Entra ID is still replicating the new object (HTTP %1)").arg(attempt.status);
        d.retry = attempt.elapsedMs + d.delayMs <= m_config.replicationMaxTotalMs;
        return d;
    }

    std::optional<qint64> retryAfter;
    if (attempt.status == 429 || attempt.status == 503) {
        // The server did not act on the request, so even a POST may be repeated.
        retryAfter = parseRetryAfterMs(attempt.retryAfter,
                                       attempt.now.isValid() ? attempt.now : QDateTime::currentDateTimeUtc());
        if (attempt.status == 429)
            d.reason = retryAfter ? tr("the service is throttling requests and said when to come back (HTTP 429, Retry-After)")
                                  : tr("the service is throttling requests (HTTP 429)");
        else
            d.reason = retryAfter ? tr("the service is temporarily unavailable and said when to come back (HTTP 503, Retry-After)")
                                  : tr("the service is temporarily unavailable (HTTP 503)");
    } else if (attempt.status >= 500 && attempt.status != 501 && attempt.status != 505) {
        d.reason = tr("the service had a temporary failure (HTTP %1)").arg(attempt.status);
    } else if (attempt.status == 0 && isTransientNetworkError(attempt.networkError)) {
        d.reason = networkReason(attempt.networkError);
    } else {
        return d;
    }
    d.kind = Kind::Transient;
    // Past these, a request that changes something may have been carried out already.
    const bool serverActedMaybe = attempt.status != 429 && attempt.status != 503;
    if (serverActedMaybe && !attempt.idempotent)
        return d;

    d.delayMs = retryAfter ? *retryAfter : transientBackoffMs(attempt.transientRetries);
    // A request allowed to wait for replication may also wait that long for a busy service.
    const qint64 budget = attempt.replication == ReplicationRule::None
                              ? m_config.maxTotalMs
                              : std::max(m_config.maxTotalMs, m_config.replicationMaxTotalMs);
    d.retry = attempt.transientRetries + 1 < m_config.maxAttempts && attempt.elapsedMs + d.delayMs <= budget;
    return d;
}

std::optional<qint64> RetryPolicy::parseRetryAfterMs(const QByteArray& value, const QDateTime& now) {
    const QByteArray trimmed = value.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    if (std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const qint64 seconds = trimmed.size() > 12 ? kMaxRetryAfterSeconds : std::min(trimmed.toLongLong(), kMaxRetryAfterSeconds);
        return seconds * 1000;
    }
    // Qt 6.4 reads RFC 2822 dates but not the "GMT" zone name that HTTP-dates must use.
    QString text = QString::fromLatin1(trimmed);
    if (text.endsWith(QLatin1String(" GMT")) || text.endsWith(QLatin1String(" UTC")))
        text = text.chopped(4) + QLatin1String(" +0000");
    const QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!when.isValid())
        return std::nullopt;
    return std::clamp<qint64>(now.msecsTo(when), 0, kMaxRetryAfterSeconds * 1000);
}

bool RetryPolicy::isGraphReplicationError(int status, const QByteArray& body) {
    const GraphErrorBody graph = GraphErrorBody::parse(body);
    switch (status) {
    case 400:
        return graph.has(QLatin1String("NoBackingApplicationObject"))
               || (graph.code == QLatin1String("Request_BadRequest")
                   && graph.says(QLatin1String("does not reference a valid application object")))
               || graph.says(QLatin1String("Not a valid reference update"));
    case 403:
        return graph.says(QLatin1String("backing application of the service principal being created must in the local tenant"));
    case 404:
        return graph.code == QLatin1String("Request_ResourceNotFound");
    case 409:
        return graph.has(QLatin1String("Directory_ConcurrencyViolation"));
    default:
        return false;
    }
}

bool RetryPolicy::isTransientNetworkError(QNetworkReply::NetworkError error) {
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownNetworkError:
        return true;
    default:
        return false;
    }
}

qint64 RetryPolicy::transientBackoffMs(int retries) {
    const qint64 cap = exponential(m_config.baseDelayMs, m_config.maxDelayMs, retries);
    if (!m_config.jitter || cap <= 0)
        return std::max<qint64>(cap, 0);
    // Full jitter: anywhere between no wait and the cap, so clients that failed together spread out.
    QRandomGenerator* generator = m_seeded ? &*m_seeded : QRandomGenerator::global();
    return generator->bounded(quint32(cap) + 1);
}

}  // namespace dcr
