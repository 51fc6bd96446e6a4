#include "core/error.h"

#include <gtest/gtest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace {

using dcr::Error;
using dcr::ErrorFlavor;

QByteArray json(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QByteArray entraBody(const QString& error, QList<int> codes, const QString& description = QStringLiteral("AADSTS…: described")) {
    QJsonArray array;
    for (int c : codes)
        array.append(c);
    return json({{"error", error},
                 {"error_description", description},
                 {"error_codes", array},
                 {"timestamp", "2024-01-01 00:00:00Z"},
                 {"trace_id", "0b7c-trace"},
                 {"correlation_id", "5d9a-correlation"}});
}

QByteArray graphBody(const QString& code, const QString& message, const QString& detailCode = {}) {
    QJsonObject error{{"code", code}, {"message", message}, {"innerError", QJsonObject{{"request-id", "r-1"}, {"date", "2024-01-01T00:00:00"}}}};
    if (!detailCode.isEmpty())
        error.insert("details", QJsonArray{QJsonObject{{"target", "appId"}, {"code", detailCode}}});
    return json({{"error", error}});
}

QByteArray problem(int status, const QString& title, const QString& detail, const QJsonArray& invalid = {}) {
    QJsonObject o{{"status", status}, {"title", title}, {"type", "https://httpstatuses.com/" + QString::number(status)},
                  {"instance", "kong:trace:123"}, {"detail", detail}};
    if (!invalid.isEmpty())
        o.insert("invalid_parameters", invalid);
    return json(o);
}

void expectComplete(const Error& e) {
    EXPECT_FALSE(e.code.isEmpty());
    EXPECT_FALSE(e.what.trimmed().isEmpty()) << e.code.toStdString();
    EXPECT_FALSE(e.remedy.trimmed().isEmpty()) << e.code.toStdString();
}

void expectMentions(const Error& e, const QStringList& words) {
    const QString text = e.what + QLatin1Char(' ') + e.remedy;
    for (const QString& w : words)
        EXPECT_TRUE(text.contains(w, Qt::CaseInsensitive)) << e.code.toStdString() << " should mention '" << w.toStdString()
                                                           << "': " << text.toStdString();
}

// ---- Entra ID ---------------------------------------------------------------------------------

struct AadstsCase {
    int code;
    const char* error;
    QStringList words;
};

// Names the case in test output and in ctest's list instead of dumping its bytes.
void PrintTo(const AadstsCase& c, std::ostream* os) { *os << "AADSTS" << c.code; }

class EntraCodes : public ::testing::TestWithParam<AadstsCase> {};

TEST_P(EntraCodes, ExplainsEachCodeInPlainWords) {
    const AadstsCase& c = GetParam();
    const Error e = Error::fromEntraTokenError(400, entraBody(QLatin1String(c.error), {c.code}));
    EXPECT_EQ(e.code, QStringLiteral("entra.AADSTS%1").arg(c.code));
    EXPECT_EQ(e.httpStatus, 400);
    expectComplete(e);
    expectMentions(e, c.words);
    EXPECT_TRUE(e.rawDetail.contains(QLatin1String("0b7c-trace"))) << "the trace id belongs in the log";
}

INSTANTIATE_TEST_SUITE_P(
    Error, EntraCodes,
    ::testing::Values(AadstsCase{7000215, "invalid_client", {"secret ID", "value"}},
                      AadstsCase{7000222, "invalid_client", {"expired", "new client secret"}},
                      AadstsCase{700016, "unauthorized_client", {"tenant", "client ID", "replicat"}},
                      AadstsCase{65001, "invalid_grant", {"consent"}},
                      AadstsCase{65002, "invalid_request", {"Microsoft Graph Command Line Tools", "14d82eec"}},
                      AadstsCase{65004, "access_denied", {"declined", "consent"}},
                      AadstsCase{90002, "invalid_request", {"tenant", "onmicrosoft.com"}},
                      AadstsCase{50076, "interaction_required", {"multi-factor"}},
                      AadstsCase{50079, "interaction_required", {"register", "multi-factor"}},
                      AadstsCase{53003, "access_denied", {"Conditional Access", "browser"}},
                      AadstsCase{50011, "invalid_request", {"redirect URI", "http://localhost"}},
                      AadstsCase{500011, "invalid_resource", {"service principal", "resource"}},
                      AadstsCase{7000218, "invalid_client", {"public client"}},
                      AadstsCase{900561, "invalid_request", {"POST", "GET"}}),
    [](const ::testing::TestParamInfo<AadstsCase>& info) { return "AADSTS" + std::to_string(info.param.code); });

TEST(Error, EntraDecidesByCodesNeverByDescription) {
    // The description names another code; the machine-readable list is what counts.
    const Error e = Error::fromEntraTokenError(
        401, entraBody("invalid_client", {7000222}, "AADSTS7000215: Invalid client secret provided."));
    EXPECT_EQ(e.code, "entra.AADSTS7000222");
    EXPECT_TRUE(e.what.contains("expired"));
}

TEST(Error, EntraPicksTheFirstKnownCodeOfSeveral) {
    const Error e = Error::fromEntraTokenError(400, entraBody("invalid_grant", {50000, 65001}));
    EXPECT_EQ(e.code, "entra.AADSTS65001");
}

TEST(Error, EntraDeviceCodeErrors) {
    struct Case {
        const char* error;
        QStringList words;
        bool retryable;
    };
    const Case cases[] = {
        {"authorization_declined", {"declined"}, false},
        {"expired_token", {"expired", "15 minutes"}, false},
        {"bad_verification_code", {"device code"}, false},
        {"authorization_pending", {"not finished"}, true},
        {"slow_down", {"less often"}, true},
    };
    for (const Case& c : cases) {
        // Entra sends codes with these too; they are not in the explained list, so `error` decides.
        const Error e = Error::fromEntraTokenError(400, entraBody(QLatin1String(c.error), {70000 + int(qstrlen(c.error))}));
        EXPECT_EQ(e.code, QStringLiteral("entra.") + QLatin1String(c.error));
        expectComplete(e);
        expectMentions(e, c.words);
        EXPECT_EQ(e.retryable, c.retryable) << c.error;
    }
}

TEST(Error, EntraUnknownCodeStillMakesASentence) {
    const Error e = Error::fromEntraTokenError(400, entraBody("something_new", {123456}));
    EXPECT_EQ(e.code, "entra.AADSTS123456");
    expectComplete(e);
    EXPECT_TRUE(e.what.contains("AADSTS123456"));

    const Error noCodes = Error::fromEntraTokenError(400, json({{"error", "something_new"}}));
    EXPECT_EQ(noCodes.code, "entra.something_new");
    expectComplete(noCodes);
}

TEST(Error, EntraBodyThatIsNotJson) {
    const Error e = Error::fromEntraTokenError(502, "<html><body>Bad gateway</body></html>");
    expectComplete(e);
    EXPECT_TRUE(e.retryable);
    EXPECT_EQ(e.httpStatus, 502);
}

TEST(Error, RawDetailIsRedacted) {
    const QByteArray body = json({{"error", "invalid_grant"},
                                  {"error_codes", QJsonArray{65001}},
                                  {"refresh_token", "0.AAAA-refresh-secret"},
                                  {"trace_id", "t-1"}});
    const Error e = Error::fromEntraTokenError(400, body);
    EXPECT_FALSE(e.rawDetail.contains("refresh-secret"));
    EXPECT_TRUE(e.rawDetail.contains("t-1"));
}

// ---- Graph ------------------------------------------------------------------------------------

TEST(Error, GraphAuthorizationRequestDenied) {
    const Error e = Error::fromGraph(403, graphBody("Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
    EXPECT_EQ(e.code, "graph.Authorization_RequestDenied");
    expectComplete(e);
    expectMentions(e, {"Application Administrator", "privileges"});
    EXPECT_FALSE(e.retryable);
}

TEST(Error, GraphResourceNotFoundMentionsReplication) {
    const Error e = Error::fromGraph(404, graphBody("Request_ResourceNotFound", "Resource 'abc' does not exist or one of its queried reference-property objects are not present."));
    EXPECT_EQ(e.code, "graph.Request_ResourceNotFound");
    expectMentions(e, {"replicat"});
    EXPECT_TRUE(e.retryable);
}

TEST(Error, GraphBadRequestQuotesGraphsMessage) {
    const Error e = Error::fromGraph(400, graphBody("Request_BadRequest", "Invalid value specified for property 'displayName' of resource 'Application'."));
    EXPECT_EQ(e.code, "graph.Request_BadRequest");
    EXPECT_TRUE(e.what.contains("displayName"));
    EXPECT_FALSE(e.what.contains(".."));
    expectComplete(e);
    EXPECT_FALSE(e.retryable);
}

TEST(Error, GraphNoBackingApplicationObject) {
    const QString message = QStringLiteral("The appId 'a1b2' of the service principal does not reference a valid application object.");
    for (const QByteArray& body : {graphBody("Request_BadRequest", message, "NoBackingApplicationObject"),
                                   graphBody("Request_BadRequest", message), graphBody("NoBackingApplicationObject", "x")}) {
        const Error e = Error::fromGraph(400, body);
        EXPECT_EQ(e.code, "graph.NoBackingApplicationObject");
        expectMentions(e, {"replicated", "wait"});
        EXPECT_TRUE(e.retryable);
    }
}

TEST(Error, GraphOtherReplicationAnswers) {
    const Error localTenant = Error::fromGraph(
        403, graphBody("Authorization_RequestDenied",
                       "When using this permission, the backing application of the service principal being created must in the local tenant"));
    EXPECT_EQ(localTenant.code, "graph.replication_pending");
    EXPECT_TRUE(localTenant.retryable);
    const Error reference = Error::fromGraph(400, graphBody("Request_BadRequest", "Not a valid reference update."));
    EXPECT_EQ(reference.code, "graph.replication_pending");
    expectMentions(reference, {"replicating"});
}

TEST(Error, GraphConcurrencyTokensIdentityAndDuplicates) {
    const Error concurrency = Error::fromGraph(409, graphBody("Directory_ConcurrencyViolation", "Concurrent modification."));
    EXPECT_EQ(concurrency.code, "graph.Directory_ConcurrencyViolation");
    EXPECT_TRUE(concurrency.retryable);
    expectMentions(concurrency, {"same time"});

    const Error token = Error::fromGraph(401, graphBody("InvalidAuthenticationToken", "Access token has expired or is not yet valid."));
    EXPECT_EQ(token.code, "graph.InvalidAuthenticationToken");
    expectMentions(token, {"access token", "Sign in again"});

    const Error identity = Error::fromGraph(401, graphBody("Authorization_IdentityNotFound", "The identity of the calling application could not be established."));
    EXPECT_EQ(identity.code, "graph.Authorization_IdentityNotFound");
    expectMentions(identity, {"tenant"});

    const Error duplicate = Error::fromGraph(400, graphBody("Request_MultipleObjectsWithSameKeyValue", "Another object with the same value for property identifierUris already exists."));
    EXPECT_EQ(duplicate.code, "graph.Request_MultipleObjectsWithSameKeyValue");
    expectMentions(duplicate, {"already exists"});
}

TEST(Error, GraphThrottling) {
    for (const QByteArray& body : {graphBody("TooManyRequests", "Too many requests"), QByteArray()}) {
        const Error e = Error::fromGraph(429, body);
        EXPECT_EQ(e.code, "graph.throttled");
        EXPECT_TRUE(e.retryable);
        expectMentions(e, {"throttling"});
    }
}

TEST(Error, GraphUnknownCodeAndServerFailure) {
    const Error unknown = Error::fromGraph(400, graphBody("Brand_NewCode", "Something Graph never said before."));
    EXPECT_EQ(unknown.code, "graph.Brand_NewCode");
    expectComplete(unknown);
    EXPECT_TRUE(unknown.what.contains("Something Graph never said before."));

    const Error server = Error::fromGraph(503, graphBody("serviceNotAvailable", "The service is unavailable."));
    expectComplete(server);
    EXPECT_TRUE(server.retryable);
}

// ---- Konnect ----------------------------------------------------------------------------------

TEST(Error, KonnectInvalidParametersBecomeFields) {
    const QJsonArray invalid{
        QJsonObject{{"field", "issuer"}, {"rule", "is_url"}, {"source", "body"}, {"reason", "must be a valid URL"}},
        QJsonObject{{"field", "dcr_config.initial_client_secret"}, {"rule", "required"}, {"source", "body"}, {"reason", "is a required field"}},
    };
    const Error e = Error::fromKonnect(400, problem(400, "Bad Request", "Invalid request", invalid));
    EXPECT_EQ(e.code, "konnect.invalid_parameters");
    ASSERT_EQ(e.fields.size(), 2);
    EXPECT_EQ(e.fields[0].field, "issuer");
    EXPECT_EQ(e.fields[0].rule, "is_url");
    EXPECT_EQ(e.fields[0].source, "body");
    EXPECT_EQ(e.fields[0].reason, "must be a valid URL");
    EXPECT_EQ(e.fields[1].field, "dcr_config.initial_client_secret");
    expectMentions(e, {"issuer", "must be a valid URL", "dcr_config.initial_client_secret"});
    expectComplete(e);
    EXPECT_EQ(e.httpStatus, 400);
}

TEST(Error, KonnectRateLimitWithPlainMessage) {
    const Error e = Error::fromKonnect(429, R"({"message":"API rate limit exceeded"})");
    EXPECT_EQ(e.code, "konnect.rate_limited");
    EXPECT_TRUE(e.retryable);
    expectMentions(e, {"rate limit"});
}

TEST(Error, KonnectStatusSentences) {
    const Error unauthorized = Error::fromKonnect(401, problem(401, "Unauthorized", "Invalid credentials"));
    EXPECT_EQ(unauthorized.code, "konnect.unauthorized");
    expectMentions(unauthorized, {"token", "kpat_", "spat_"});

    const Error forbidden = Error::fromKonnect(403, problem(403, "Forbidden", "Permission denied"));
    EXPECT_EQ(forbidden.code, "konnect.forbidden");
    expectMentions(forbidden, {"not allowed", "Organization Admin"});

    const Error notFound = Error::fromKonnect(404, problem(404, "Not Found", "Not found"));
    EXPECT_EQ(notFound.code, "konnect.not_found");
    expectMentions(notFound, {"region"});

    const Error conflict = Error::fromKonnect(409, problem(409, "Conflict", "Key (org_id, name)=(…, azure-dcr) already exists."));
    EXPECT_EQ(conflict.code, "konnect.conflict");
    expectMentions(conflict, {"conflict", "already exists"});

    const Error server = Error::fromKonnect(500, problem(500, "Internal Server Error", "An unexpected error occurred."));
    EXPECT_EQ(server.code, "konnect.server_error");
    EXPECT_TRUE(server.retryable);
}

// ---- Network, URLs, dispatch ------------------------------------------------------------------

TEST(Error, NetworkErrorsHaveRemedies) {
    struct Case {
        QNetworkReply::NetworkError error;
        const char* code;
        bool retryable;
        QStringList words;
    };
    const Case cases[] = {
        {QNetworkReply::ConnectionRefusedError, "network.refused", true, {"refused", "running"}},
        {QNetworkReply::RemoteHostClosedError, "network.closed", true, {"closed"}},
        {QNetworkReply::HostNotFoundError, "network.host_not_found", false, {"resolved"}},
        {QNetworkReply::TimeoutError, "network.timeout", true, {"in time"}},
        {QNetworkReply::OperationCanceledError, "network.timeout", true, {"in time"}},
        {QNetworkReply::SslHandshakeFailedError, "network.tls", false, {"certificate", "CA"}},
        {QNetworkReply::TemporaryNetworkFailureError, "network.offline", true, {"network"}},
        {QNetworkReply::ProxyAuthenticationRequiredError, "network.proxy_auth", false, {"proxy"}},
        {QNetworkReply::ProxyConnectionRefusedError, "network.proxy", true, {"proxy"}},
        {QNetworkReply::InsecureRedirectError, "network.redirect", false, {"redirect"}},
        {QNetworkReply::ProtocolUnknownError, "network.other", true, {"network"}},
    };
    for (const Case& c : cases) {
        const Error e = Error::network(c.error, QStringLiteral("Qt says: Bearer abcdefghijkl"));
        EXPECT_EQ(e.code, QLatin1String(c.code));
        EXPECT_EQ(e.retryable, c.retryable) << c.code;
        EXPECT_EQ(e.httpStatus, 0);
        expectComplete(e);
        expectMentions(e, c.words);
        EXPECT_FALSE(e.rawDetail.contains("abcdefghijkl")) << "transport messages are redacted too";
    }
}

TEST(Error, InsecureUrl) {
    const Error e = Error::insecureUrl(QUrl("http://login.example.com/token?client_secret=hunter2hunter2"));
    EXPECT_EQ(e.code, "insecure_url");
    expectComplete(e);
    expectMentions(e, {"https://", "login.example.com"});
    EXPECT_FALSE(e.what.contains("hunter2"));
    EXPECT_FALSE(e.rawDetail.contains("hunter2"));
    expectComplete(Error::insecureUrl(QUrl()));
}

TEST(Error, FromResponseDispatchesOnFlavor) {
    EXPECT_EQ(Error::fromResponse(ErrorFlavor::Entra, 400, entraBody("invalid_client", {7000215})).code, "entra.AADSTS7000215");
    EXPECT_EQ(Error::fromResponse(ErrorFlavor::Graph, 404, graphBody("Request_ResourceNotFound", "x")).code,
              "graph.Request_ResourceNotFound");
    EXPECT_EQ(Error::fromResponse(ErrorFlavor::Konnect, 401, problem(401, "Unauthorized", "x")).code, "konnect.unauthorized");
    EXPECT_EQ(Error::fromResponse(ErrorFlavor::Plain, 404, "not here").code, "http.404");
}

TEST(Error, NeverEmptyWhateverTheAnswer) {
    const QList<QByteArray> bodies{QByteArray(), "garbage", "{}", "[]", R"({"error":{}})", R"({"error":42})", R"({"invalid_parameters":[{}]})"};
    for (ErrorFlavor flavor : {ErrorFlavor::Entra, ErrorFlavor::Graph, ErrorFlavor::Konnect, ErrorFlavor::Plain}) {
        for (int status : {0, 301, 400, 401, 402, 403, 404, 405, 408, 409, 410, 412, 415, 422, 429, 500, 501, 502, 503, 504, 599}) {
            for (const QByteArray& body : bodies) {
                const Error e = Error::fromResponse(flavor, status, body);
                ASSERT_FALSE(e.code.isEmpty());
                ASSERT_FALSE(e.what.trimmed().isEmpty()) << int(flavor) << " " << status << " " << body.constData();
                ASSERT_FALSE(e.remedy.trimmed().isEmpty()) << int(flavor) << " " << status << " " << body.constData();
            }
        }
    }
}

TEST(Error, MessageJoinsWhatAndRemedy) {
    const Error e = Error::make("x", "It broke.", "Fix it.");
    EXPECT_EQ(e.message(), "It broke. Fix it.");
    EXPECT_FALSE(e.retryable);
    EXPECT_EQ(e.httpStatus, 0);
}

}  // namespace
