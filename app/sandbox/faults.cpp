#include "sandbox/faults.h"

#include <QJsonObject>

namespace dcr::sandbox {

namespace {
const QMap<QString, FaultRule::Kind>& kindNames() {
    static const QMap<QString, FaultRule::Kind> names{{QStringLiteral("latency"), FaultRule::Kind::Latency},
                                                      {QStringLiteral("status"), FaultRule::Kind::Status},
                                                      {QStringLiteral("rate_limit"), FaultRule::Kind::RateLimit},
                                                      {QStringLiteral("drop"), FaultRule::Kind::Drop},
                                                      {QStringLiteral("lost_answer"), FaultRule::Kind::LostAnswer},
                                                      {QStringLiteral("timeout"), FaultRule::Kind::Timeout},
                                                      {QStringLiteral("replication"), FaultRule::Kind::Replication}};
    return names;
}
}  // namespace

std::optional<FaultRule> FaultRule::fromJson(const QJsonObject& json, QString* error) {
    FaultRule rule;
    const QString kind = json.value(QStringLiteral("kind")).toString();
    if (!kindNames().contains(kind)) {
        *error = QStringLiteral("Unknown fault kind '%1' (use latency, status, rate_limit, drop, lost_answer, timeout or replication).")
                     .arg(kind);
        return std::nullopt;
    }
    rule.kind = kindNames().value(kind);
    rule.method = json.value(QStringLiteral("method")).toString().toUpper().toLatin1();
    rule.path = QRegularExpression(json.value(QStringLiteral("path")).toString());
    if (!rule.path.isValid()) {
        *error = QStringLiteral("Invalid path pattern: %1").arg(rule.path.errorString());
        return std::nullopt;
    }
    rule.remaining = json.value(QStringLiteral("count")).toInt(-1);
    rule.latencyMs = json.value(QStringLiteral("ms")).toInt(0);
    rule.status = json.value(QStringLiteral("status")).toInt(rule.kind == Kind::RateLimit ? 429 : 500);
    rule.retryAfterSeconds = json.value(QStringLiteral("retry_after")).toInt(1);
    if (rule.kind == Kind::Latency && rule.latencyMs <= 0) {
        *error = QStringLiteral("A latency fault needs \"ms\" > 0.");
        return std::nullopt;
    }
    if (rule.kind == Kind::Status && (rule.status < 400 || rule.status > 599)) {
        *error = QStringLiteral("A status fault needs a \"status\" between 400 and 599.");
        return std::nullopt;
    }
    return rule;
}

QJsonObject FaultRule::toJson() const {
    QJsonObject json{{QStringLiteral("kind"), kindNames().key(kind)}, {QStringLiteral("count"), remaining}};
    if (!method.isEmpty())
        json.insert(QStringLiteral("method"), QString::fromLatin1(method));
    if (!path.pattern().isEmpty())
        json.insert(QStringLiteral("path"), path.pattern());
    if (kind == Kind::Latency)
        json.insert(QStringLiteral("ms"), latencyMs);
    if (kind == Kind::Status)
        json.insert(QStringLiteral("status"), status);
    if (kind == Kind::RateLimit)
        json.insert(QStringLiteral("retry_after"), retryAfterSeconds);
    return json;
}

bool FaultRule::matches(const Request& request) const {
    if (remaining == 0)
        return false;
    if (!method.isEmpty() && method != request.method)
        return false;
    return path.pattern().isEmpty() || path.match(request.path).hasMatch();
}

bool FaultInjector::load(const QJsonDocument& document, QString* error) {
    const QJsonArray array = document.isArray() ? document.array()
                                                : document.object().value(QStringLiteral("faults")).toArray();
    if (!document.isArray() && !document.object().value(QStringLiteral("faults")).isArray()) {
        *error = QStringLiteral("Expected a JSON array of faults, or an object with a \"faults\" array.");
        return false;
    }
    QList<FaultRule> rules;
    for (const QJsonValue& value : array) {
        auto rule = FaultRule::fromJson(value.toObject(), error);
        if (!rule)
            return false;
        rules.append(*rule);
    }
    QMutexLocker lock(&m_mutex);
    m_rules = rules;
    return true;
}

void FaultInjector::add(const FaultRule& rule) {
    QMutexLocker lock(&m_mutex);
    m_rules.append(rule);
}

void FaultInjector::clear() {
    QMutexLocker lock(&m_mutex);
    m_rules.clear();
}

QJsonArray FaultInjector::toJson() const {
    QMutexLocker lock(&m_mutex);
    QJsonArray array;
    for (const FaultRule& rule : m_rules)
        array.append(rule.toJson());
    return array;
}

FaultDecision FaultInjector::decide(const Request& request) {
    QMutexLocker lock(&m_mutex);
    FaultDecision decision;
    bool answered = false;
    for (FaultRule& rule : m_rules) {
        if (!rule.matches(request))
            continue;
        // Latency adds up with everything else; of the other kinds only the first match applies.
        if (rule.kind != FaultRule::Kind::Latency && answered)
            continue;
        if (rule.remaining > 0)
            --rule.remaining;
        const QString name = kindNames().key(rule.kind);
        decision.applied += decision.applied.isEmpty() ? name : QLatin1Char(',') + name;
        switch (rule.kind) {
        case FaultRule::Kind::Latency:
            decision.delayMs += rule.latencyMs;
            break;
        case FaultRule::Kind::Status:
            decision.replacement = failureResponse(request.path, rule.status);
            answered = true;
            break;
        case FaultRule::Kind::RateLimit:
            decision.replacement = rateLimitedResponse(request.path, rule.retryAfterSeconds);
            answered = true;
            break;
        case FaultRule::Kind::Drop:
            decision.drop = true;
            answered = true;
            break;
        case FaultRule::Kind::LostAnswer:
            decision.loseAnswer = true;
            answered = true;
            break;
        case FaultRule::Kind::Timeout:
            decision.hang = true;
            answered = true;
            break;
        case FaultRule::Kind::Replication:
            decision.replacement = replicationLagResponse(request);
            answered = true;
            break;
        }
    }
    return decision;
}

Response rateLimitedResponse(const QString& path, int retryAfterSeconds) {
    const QByteArray retryAfter = QByteArray::number(retryAfterSeconds);
    Response r;
    if (path.startsWith(QLatin1String("/graph/"))) {
        r = Response::graphError(429, QStringLiteral("TooManyRequests"),
                                 QStringLiteral("Too many requests are being made to this resource. Retry later."));
    } else if (path.startsWith(QLatin1String("/login/"))) {
        r = Response::entraError(429, QStringLiteral("temporarily_unavailable"), 50196,
                                 QStringLiteral("The server terminated an operation because it encountered a client request loop."));
    } else {
        // Konnect answers its rate limit with a plain JSON message, not problem+json.
        r = Response::json(429, QJsonObject{{QStringLiteral("message"), QStringLiteral("API rate limit exceeded")}});
        r.header("RateLimit-Limit", "100").header("RateLimit-Remaining", "0").header("RateLimit-Reset", retryAfter);
    }
    r.header("Retry-After", retryAfter);
    return r;
}

Response failureResponse(const QString& path, int status) {
    if (path.startsWith(QLatin1String("/graph/"))) {
        return Response::graphError(status, status == 503 ? QStringLiteral("serviceNotAvailable") : QStringLiteral("generalException"),
                                    QStringLiteral("The service encountered an internal error. Please retry the request."));
    }
    if (path.startsWith(QLatin1String("/login/"))) {
        return Response::entraError(status, QStringLiteral("temporarily_unavailable"), 90033,
                                    QStringLiteral("A transient error has occurred. Please try again."));
    }
    if (path.startsWith(QLatin1String("/konnect/")) || path.startsWith(QLatin1String("/portal/")))
        return Response::problem(status, status == 503 ? QStringLiteral("Service Unavailable") : QStringLiteral("Internal Server Error"),
                                 QStringLiteral("An unexpected error occurred."));
    return Response::json(status, QJsonObject{{QStringLiteral("message"), QStringLiteral("An unexpected error occurred")}});
}

Response replicationLagResponse(const Request& request) {
    const QString& path = request.path;
    const auto unknownApplication = [](const QString& clientId, const QString& directory) {
        return QStringLiteral("Application with identifier '%1' was not found in the directory '%2'. This can happen if the "
                              "application has not been installed by the administrator of the tenant or consented to by any user "
                              "in the tenant. You may have sent your authentication request to the wrong tenant.")
            .arg(clientId, directory);
    };
    if (path.startsWith(QLatin1String("/graph/"))) {
        if (request.method == "POST" && path.endsWith(QLatin1String("/servicePrincipals"))) {
            QJsonObject body;
            QString ignored;
            request.jsonObject(&body, &ignored);
            const QString message = QStringLiteral("The appId '%1' of the service principal does not reference a valid application object.")
                                        .arg(body.value(QStringLiteral("appId")).toString());
            return Response::graphError(400, QStringLiteral("Request_BadRequest"), message,
                                        QJsonArray{QJsonObject{{QStringLiteral("code"), QStringLiteral("NoBackingApplicationObject")},
                                                               {QStringLiteral("message"), message},
                                                               {QStringLiteral("target"), QStringLiteral("appId")}}});
        }
        if (request.method == "POST" && (path.endsWith(QLatin1String("/appRoleAssignedTo")) || path.endsWith(QLatin1String("/appRoleAssignments")) ||
                                         path.endsWith(QLatin1String("/oauth2PermissionGrants"))))
            return Response::graphError(400, QStringLiteral("Request_BadRequest"), QStringLiteral("Not a valid reference update."));
        const QString id = path.section(QLatin1Char('/'), 4, 4);
        return Response::graphError(
            404, QStringLiteral("Request_ResourceNotFound"),
            QStringLiteral("Resource '%1' does not exist or one of its queried reference-property objects are not present.").arg(id));
    }
    if (path.startsWith(QLatin1String("/login/")))
        return Response::entraError(400, QStringLiteral("unauthorized_client"), 700016,
                                    unknownApplication(request.formValue(QStringLiteral("client_id")), path.section(QLatin1Char('/'), 2, 2)));
    if (path.startsWith(QLatin1String("/konnect/")) && path.endsWith(QLatin1String("/verify")))
        return Response::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("failed")},
                                               {QStringLiteral("errors"), QJsonArray{QStringLiteral("Unable to get a token for the initial client: AADSTS700016: The "
                                                                                                     "initial client was not found in the directory.")}}});
    // Konnect's own objects are consistent at once; only its view of Entra ID can lag.
    return Response::problem(404, QStringLiteral("Not Found"), QStringLiteral("Not found"));
}

}  // namespace dcr::sandbox
