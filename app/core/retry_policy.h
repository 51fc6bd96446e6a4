#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QString>

#include <optional>

namespace dcr {

// Decides, after one failed attempt, whether to try again and after how long. Pure: it sees the
// answer and the request's history, never the network, so every rule is tested without a server.
//
// Transient failures (429 and 503 honouring Retry-After; other 5xx and connection failures with
// exponential backoff and full jitter) are retried within maxAttempts and maxTotalMs. A POST is
// retried on those only when the server cannot have acted on it (429, 503), unless the request
// says it is safe to repeat. Graph's replication-delay answers are retried only for requests that
// opt in, at a short fixed interval and within their own time budget, because Entra ID can take
// from seconds to minutes to replicate.
class RetryPolicy {
public:
    enum class ReplicationRule {
        None,
        // The exact answers Graph gives while a new application or service principal replicates
        // (api-facts §2); anything else of the same status is a real error and is not retried.
        GraphReplication,
    };

    struct Config {
        int maxAttempts = 6;           // attempts in all for transient failures
        int maxTotalMs = 60000;        // from the start of the first attempt to the start of the last
        int baseDelayMs = 1000;        // backoff cap of the first retry; doubles each time
        int maxDelayMs = 20000;        // the cap never grows past this
        int attemptTimeoutMs = 30000;  // a transfer idle this long fails (QNetworkRequest::setTransferTimeout)
        int replicationMaxTotalMs = 120000;
        // While Entra ID replicates, the object becomes usable at a moment nothing announces:
        // asking again at this short, fixed interval ends the wait soon after that moment (a
        // doubling backoff overshoots it by up to its last pause).
        int replicationPollMs = 500;
        bool jitter = true;            // false: always the full backoff, for tests that time delays
        std::optional<quint32> seed;   // set: a private generator with this seed instead of QRandomGenerator::global()
    };

    // One failed attempt and what came before it.
    struct Attempt {
        int status = 0;  // 0: no HTTP answer
        QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
        QByteArray body;
        QByteArray retryAfter;  // the Retry-After header, if any
        bool idempotent = true;
        ReplicationRule replication = ReplicationRule::None;
        int transientRetries = 0;    // retries already made for transient failures
        int replicationRetries = 0;  // retries already made for replication delay
        qint64 elapsedMs = 0;        // since the first attempt started
        QDateTime now;               // to read a Retry-After date; invalid: the current time
    };

    enum class Kind { None, Transient, Replication };

    struct Decision {
        Kind kind = Kind::None;  // what the failure was recognised as, retried or not
        bool retry = false;
        qint64 delayMs = 0;
        QString reason;  // completes "retrying in N s because …"; empty for Kind::None
    };

    // Two constructors, not "Config config = {}": a nested struct's member initialisers cannot
    // serve a default argument inside the enclosing class.
    RetryPolicy();
    explicit RetryPolicy(Config config);

    const Config& config() const { return m_config; }
    // Draws jitter, hence not const.
    Decision decide(const Attempt& attempt);

    // Retry-After as delta-seconds or an HTTP-date (IMF-fixdate or asctime); nullopt if unreadable.
    static std::optional<qint64> parseRetryAfterMs(const QByteArray& value, const QDateTime& now);
    static bool isGraphReplicationError(int status, const QByteArray& body);
    // Failures where the request may not have reached the server, or its answer got lost.
    static bool isTransientNetworkError(QNetworkReply::NetworkError error);

private:
    qint64 transientBackoffMs(int retries);

    Config m_config;
    std::optional<QRandomGenerator> m_seeded;
};

}  // namespace dcr
