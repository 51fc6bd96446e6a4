#include "core/retry_policy.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <set>

namespace {

using dcr::RetryPolicy;
using Kind = RetryPolicy::Kind;
using Rule = RetryPolicy::ReplicationRule;

RetryPolicy::Config deterministic() {
    RetryPolicy::Config c;
    c.jitter = false;
    return c;
}

RetryPolicy::Attempt answer(int status, QByteArray body = {}) {
    RetryPolicy::Attempt a;
    a.status = status;
    a.body = std::move(body);
    a.now = QDateTime(QDate(2024, 5, 1), QTime(12, 0, 0), Qt::UTC);
    return a;
}

RetryPolicy::Attempt lost(QNetworkReply::NetworkError error, bool idempotent) {
    RetryPolicy::Attempt a;
    a.networkError = error;
    a.idempotent = idempotent;
    return a;
}

QByteArray graph(const QString& code, const QString& message, const QString& detailCode = {}) {
    QJsonObject error{{"code", code}, {"message", message}};
    if (!detailCode.isEmpty())
        error.insert("details", QJsonArray{QJsonObject{{"code", detailCode}}});
    return QJsonDocument(QJsonObject{{"error", error}}).toJson();
}

TEST(RetryAfter, DeltaSeconds) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("2", now), 2000);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs(" 120 ", now), 120000);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("0", now), 0);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("99999999999999999999", now), 365LL * 24 * 3600 * 1000);
}

TEST(RetryAfter, HttpDates) {
    const QDateTime now(QDate(2015, 10, 21), QTime(7, 27, 30), Qt::UTC);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", now), 30000);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 +0000", now), 30000);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("Wed Oct 21 07:28:10 2015", now), 40000);
    EXPECT_EQ(RetryPolicy::parseRetryAfterMs("Wed, 21 Oct 2015 07:00:00 GMT", now), 0) << "a date in the past means now";
}

TEST(RetryAfter, Unreadable) {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    EXPECT_FALSE(RetryPolicy::parseRetryAfterMs("", now));
    EXPECT_FALSE(RetryPolicy::parseRetryAfterMs("soon", now));
    EXPECT_FALSE(RetryPolicy::parseRetryAfterMs("-5", now));
    EXPECT_FALSE(RetryPolicy::parseRetryAfterMs("1.5", now));
}

TEST(RetryPolicy, ThrottlingHonoursRetryAfter) {
    RetryPolicy policy(deterministic());
    for (int status : {429, 503}) {
        RetryPolicy::Attempt a = answer(status);
        a.retryAfter = "3";
        const auto d = policy.decide(a);
        EXPECT_EQ(d.kind, Kind::Transient);
        EXPECT_TRUE(d.retry);
        EXPECT_EQ(d.delayMs, 3000);
        EXPECT_TRUE(d.reason.contains(QString::number(status))) << d.reason.toStdString();
        EXPECT_TRUE(d.reason.contains("Retry-After"));

        a.retryAfter = "Wed, 01 May 2024 12:00:07 GMT";
        EXPECT_EQ(policy.decide(a).delayMs, 7000);
    }
}

TEST(RetryPolicy, ThrottlingWithoutRetryAfterBacksOff) {
    RetryPolicy::Config c = deterministic();
    c.baseDelayMs = 100;
    c.maxDelayMs = 350;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(429);
    QList<qint64> delays;
    for (int retries = 0; retries < 4; ++retries) {
        a.transientRetries = retries;
        delays << policy.decide(a).delayMs;
    }
    EXPECT_EQ(delays, (QList<qint64>{100, 200, 350, 350}));
}

TEST(RetryPolicy, PostIsRepeatedOnlyWhereTheServerDidNotAct) {
    RetryPolicy policy(deterministic());
    for (int status : {429, 503}) {
        RetryPolicy::Attempt a = answer(status);
        a.idempotent = false;
        EXPECT_TRUE(policy.decide(a).retry) << status;
    }
    for (int status : {500, 502, 504}) {
        RetryPolicy::Attempt a = answer(status);
        a.idempotent = false;
        const auto d = policy.decide(a);
        EXPECT_EQ(d.kind, Kind::Transient);
        EXPECT_FALSE(d.retry) << status;
        a.idempotent = true;
        EXPECT_TRUE(policy.decide(a).retry) << status;
    }
    EXPECT_FALSE(policy.decide(lost(QNetworkReply::ConnectionRefusedError, false)).retry);
    EXPECT_TRUE(policy.decide(lost(QNetworkReply::ConnectionRefusedError, true)).retry);
}

TEST(RetryPolicy, ClientErrorsAreNeverRetried) {
    RetryPolicy policy(deterministic());
    for (int status : {400, 401, 403, 404, 405, 409, 410, 412, 422, 501, 505}) {
        for (Rule rule : {Rule::None, Rule::GraphReplication}) {
            RetryPolicy::Attempt a = answer(status, graph("Request_BadRequest", "Property 'displayName' is invalid."));
            a.replication = rule;
            const auto d = policy.decide(a);
            EXPECT_FALSE(d.retry) << status;
            EXPECT_EQ(d.kind, Kind::None) << status;
        }
    }
}

TEST(RetryPolicy, NetworkErrors) {
    RetryPolicy policy(deterministic());
    for (auto e : {QNetworkReply::ConnectionRefusedError, QNetworkReply::RemoteHostClosedError, QNetworkReply::TimeoutError,
                   QNetworkReply::OperationCanceledError, QNetworkReply::TemporaryNetworkFailureError}) {
        const auto d = policy.decide(lost(e, true));
        EXPECT_TRUE(d.retry) << e;
        EXPECT_FALSE(d.reason.isEmpty());
    }
    for (auto e : {QNetworkReply::HostNotFoundError, QNetworkReply::SslHandshakeFailedError, QNetworkReply::ProxyAuthenticationRequiredError,
                   QNetworkReply::ProtocolUnknownError}) {
        const auto d = policy.decide(lost(e, true));
        EXPECT_FALSE(d.retry) << e;
        EXPECT_EQ(d.kind, Kind::None) << e;
    }
}

TEST(RetryPolicy, BoundedAttempts) {
    RetryPolicy::Config c = deterministic();
    c.maxAttempts = 3;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(500);
    a.transientRetries = 0;
    EXPECT_TRUE(policy.decide(a).retry);
    a.transientRetries = 1;
    EXPECT_TRUE(policy.decide(a).retry);
    a.transientRetries = 2;  // this was the third attempt
    EXPECT_FALSE(policy.decide(a).retry);
}

TEST(RetryPolicy, BoundedTotalTime) {
    RetryPolicy::Config c = deterministic();
    c.maxTotalMs = 10000;
    c.baseDelayMs = 2000;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(502);
    a.elapsedMs = 8000;
    EXPECT_TRUE(policy.decide(a).retry);
    a.elapsedMs = 8001;
    EXPECT_FALSE(policy.decide(a).retry);

    RetryPolicy::Attempt throttled = answer(429);
    throttled.retryAfter = "11";
    EXPECT_FALSE(policy.decide(throttled).retry) << "waiting longer than the budget is giving up";
}

TEST(RetryPolicy, FullJitterStaysUnderTheCapAndVaries) {
    RetryPolicy::Config c;
    c.baseDelayMs = 1000;
    c.maxDelayMs = 4000;
    c.seed = 42;
    c.maxTotalMs = 1000000;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(500);
    a.transientRetries = 3;  // cap: min(4000, 8000)
    std::set<qint64> seen;
    for (int i = 0; i < 50; ++i) {
        const qint64 delay = policy.decide(a).delayMs;
        EXPECT_GE(delay, 0);
        EXPECT_LE(delay, 4000);
        seen.insert(delay);
    }
    EXPECT_GT(seen.size(), 10u);
}

TEST(RetryPolicy, SeedMakesJitterReproducible) {
    RetryPolicy::Config c;
    c.seed = 7;
    RetryPolicy first(c);
    RetryPolicy second(c);
    for (int retries = 0; retries < 5; ++retries) {
        RetryPolicy::Attempt a = answer(503);
        a.transientRetries = retries;
        EXPECT_EQ(first.decide(a).delayMs, second.decide(a).delayMs);
    }
}

struct ReplicationCase {
    int status;
    QByteArray body;
};

const QList<ReplicationCase>& replicationAnswers() {
    static const QList<ReplicationCase> cases{
        {400, graph("Request_BadRequest", "The appId 'a1' of the service principal does not reference a valid application object.",
                    "NoBackingApplicationObject")},
        {400, graph("Request_BadRequest", "The appId 'a1' of the service principal does not reference a valid application object.")},
        {403, graph("Authorization_RequestDenied", "When using this permission, the backing application of the service principal "
                                                   "being created must in the local tenant")},
        {404, graph("Request_ResourceNotFound", "Resource 'x' does not exist or one of its queried reference-property objects are not present.")},
        {409, graph("Directory_ConcurrencyViolation", "Concurrent modification.")},
        {400, graph("Request_BadRequest", "Not a valid reference update.")},
    };
    return cases;
}

TEST(RetryPolicy, ReplicationAnswersRetriedOnlyWhenOptedIn) {
    RetryPolicy policy(deterministic());
    for (const ReplicationCase& c : replicationAnswers()) {
        EXPECT_TRUE(RetryPolicy::isGraphReplicationError(c.status, c.body)) << c.body.constData();
        RetryPolicy::Attempt a = answer(c.status, c.body);
        a.idempotent = false;  // POST /servicePrincipals
        const auto plain = policy.decide(a);
        EXPECT_FALSE(plain.retry);
        EXPECT_EQ(plain.kind, Kind::None);

        a.replication = Rule::GraphReplication;
        const auto d = policy.decide(a);
        EXPECT_TRUE(d.retry) << c.body.constData();
        EXPECT_EQ(d.kind, Kind::Replication);
        EXPECT_TRUE(d.reason.contains("replicating"));
    }
}

TEST(RetryPolicy, LookalikesAreNotReplication) {
    const QList<ReplicationCase> lookalikes{
        {400, graph("Request_BadRequest", "Invalid value specified for property 'displayName'.")},
        {403, graph("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")},
        {404, graph("ResourceNotFound", "Not found.")},
        {409, graph("Request_MultipleObjectsWithSameKeyValue", "Another object with the same value already exists.")},
        {500, graph("Request_ResourceNotFound", "x")},
        {404, "not json"},
    };
    for (const ReplicationCase& c : lookalikes)
        EXPECT_FALSE(RetryPolicy::isGraphReplicationError(c.status, c.body)) << c.status << " " << c.body.constData();
}

// Replication ends at a moment nothing announces: the policy asks again at a short fixed interval
// (never a doubling pause that overshoots that moment), within its own budget.
TEST(RetryPolicy, ReplicationIsPolledAtAShortFixedIntervalWithinItsOwnBudget) {
    RetryPolicy::Config c;  // jitter on: replication ignores it
    c.maxAttempts = 2;
    c.replicationPollMs = 750;
    c.replicationMaxTotalMs = 30000;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(404, graph("Request_ResourceNotFound", "gone"));
    a.replication = Rule::GraphReplication;
    QList<qint64> delays;
    for (int retries = 0; retries < 6; ++retries) {
        a.replicationRetries = retries;
        const auto d = policy.decide(a);
        EXPECT_TRUE(d.retry) << "maxAttempts counts transient failures only";
        delays << d.delayMs;
    }
    EXPECT_EQ(delays, (QList<qint64>{750, 750, 750, 750, 750, 750}));
    a.elapsedMs = 29250;
    EXPECT_TRUE(policy.decide(a).retry);
    a.elapsedMs = 29251;
    EXPECT_FALSE(policy.decide(a).retry);
}

TEST(RetryPolicy, OptedInRequestsMayWaitLongerForABusyService) {
    RetryPolicy::Config c = deterministic();
    c.maxTotalMs = 60000;
    c.replicationMaxTotalMs = 120000;
    RetryPolicy policy(c);
    RetryPolicy::Attempt a = answer(429);
    a.retryAfter = "1";
    a.elapsedMs = 70000;
    EXPECT_FALSE(policy.decide(a).retry);
    a.replication = Rule::GraphReplication;
    EXPECT_TRUE(policy.decide(a).retry);
}

}  // namespace
