#pragma once

#include "sandbox/sandbox_http.h"

#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>

#include <optional>

namespace dcr::sandbox {

// One injected misbehaviour, matched by method and path. JSON form (a file or the control endpoint):
//   {"kind":"latency","ms":50}                                 every request 50 ms slower
//   {"kind":"rate_limit","path":"^/konnect/","count":1,"retry_after":2}
//   {"kind":"status","status":503,"method":"POST","path":"^/graph/v1.0/applications$","count":2}
//   {"kind":"drop","count":1}     the connection is closed without an answer
//   {"kind":"lost_answer","method":"POST","path":"^/graph/v1.0/applications$","count":1}
//                                 the request is served, its change stays, and then the connection
//                                 is closed without the answer: a response lost after the commit
//   {"kind":"timeout","count":1}  the request is never answered
//   {"kind":"replication","method":"POST","path":"^/graph/v1.0/servicePrincipals$","count":2}
//                                 the answer of an Entra ID replica that has not yet received the
//                                 object the request refers to (replicationLagResponse)
// count: how many matching requests it affects (omitted or -1: all of them).
struct FaultRule {
    enum class Kind { Latency, Status, RateLimit, Drop, LostAnswer, Timeout, Replication };
    Kind kind = Kind::Latency;
    QByteArray method;          // empty: any
    QRegularExpression path;    // empty pattern: any
    int remaining = -1;
    int latencyMs = 0;
    int status = 500;
    int retryAfterSeconds = 1;

    static std::optional<FaultRule> fromJson(const QJsonObject& json, QString* error);
    QJsonObject toJson() const;
    bool matches(const Request& request) const;
};

// What the server does with one request after consulting the rules.
struct FaultDecision {
    int delayMs = 0;
    std::optional<Response> replacement;  // answer this instead of the real handler
    bool drop = false;
    bool loseAnswer = false;  // run the real handler, then close the connection instead of answering
    bool hang = false;
    QString applied;  // names of the faults applied, for the request log
};

class FaultInjector {
public:
    // Replaces the rules with those in a JSON array (or {"faults":[…]}). Leaves them unchanged on error.
    bool load(const QJsonDocument& document, QString* error);
    void add(const FaultRule& rule);
    void clear();
    QJsonArray toJson() const;

    FaultDecision decide(const Request& request);

private:
    mutable QMutex m_mutex;  // the control endpoint and tests may change rules from another thread
    QList<FaultRule> m_rules;
};

// The service's own way of saying "slow down" / "unavailable" for the path's prefix.
Response rateLimitedResponse(const QString& path, int retryAfterSeconds);
Response failureResponse(const QString& path, int status);
// What a lagging Entra ID replica answers: Graph's NoBackingApplicationObject for a new service
// principal, "Not a valid reference update" for a consent, Request_ResourceNotFound otherwise;
// the token endpoint's AADSTS700016; and Konnect's provider check failing with AADSTS700016.
Response replicationLagResponse(const Request& request);

}  // namespace dcr::sandbox
