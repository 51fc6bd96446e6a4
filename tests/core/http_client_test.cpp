#include "core/http_client.h"

#include "support/wait.h"

#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>

#include <memory>

namespace {

using namespace dcr;

// A tiny HTTP/1.1 server on 127.0.0.1 that answers each request with the next step of a script
// (the last step repeats). Every answer closes its connection, so each request is a connection.
class CannedServer : public QObject {
public:
    enum class Action { Answer, Close, Hang };
    struct Step {
        Action action = Action::Answer;
        QByteArray raw;
    };

    static Step answer(int status, const QByteArray& body, const QList<QByteArray>& extraHeaders = {},
                       const QByteArray& contentType = "application/json") {
        QByteArray raw = "HTTP/1.1 " + QByteArray::number(status) + " Canned\r\n";
        if (!body.isEmpty())
            raw += "Content-Type: " + contentType + "\r\n";
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n";
        for (const QByteArray& h : extraHeaders)
            raw += h + "\r\n";
        return {Action::Answer, raw + "\r\n" + body};
    }
    static Step close() { return {Action::Close, {}}; }
    static Step hang() { return {Action::Hang, {}}; }

    explicit CannedServer(QList<Step> script) : m_script(std::move(script)) {
        m_clock.start();
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                ++connections;
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    quint16 port() const { return m_server.serverPort(); }
    QUrl url(const QString& path) const { return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path)); }

    int connections = 0;
    QList<QByteArray> requests;  // request line, headers and body, as received
    QList<qint64> arrivals;      // ms since the server started, when each request was complete

private:
    void onReadyRead(QTcpSocket* socket) {
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray& line : buffer.left(headerEnd).split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < headerEnd + 4 + length)
            return;
        requests << buffer.left(headerEnd + 4 + length);
        arrivals << m_clock.elapsed();
        m_buffers.remove(socket);

        const Step step = m_script.at(std::min<qsizetype>(requests.size() - 1, m_script.size() - 1));
        switch (step.action) {
        case Action::Answer:
            socket->write(step.raw);
            socket->disconnectFromHost();
            break;
        case Action::Close:
            socket->abort();
            break;
        case Action::Hang:
            break;
        }
    }

    QTcpServer m_server;
    QList<Step> m_script;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QElapsedTimer m_clock;
};

// Sends every request for a host that is not loopback to a proxy that only counts connections, so
// a test can prove that nothing left for the outside world.
class TrapProxyFactory : public QNetworkProxyFactory {
public:
    explicit TrapProxyFactory(quint16 port) : m_port(port) {}
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override {
        const QString host = query.peerHostName();
        if (host == QLatin1String("localhost") || QHostAddress(host).isLoopback())
            return {QNetworkProxy(QNetworkProxy::NoProxy)};
        return {QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), m_port)};
    }

private:
    quint16 m_port;
};

struct Outcome {
    HttpResponse response;
    std::optional<Error> error;
};

RetryPolicy::Config fastPolicy() {
    RetryPolicy::Config c;
    c.maxAttempts = 4;
    c.maxTotalMs = 10000;
    c.baseDelayMs = 20;
    c.maxDelayMs = 80;
    c.attemptTimeoutMs = 5000;
    c.replicationPollMs = 20;
    c.replicationMaxTotalMs = 10000;
    c.jitter = false;
    return c;
}

class HttpClientTest : public ::testing::Test {
protected:
    HttpClientTest() : trap({CannedServer::hang()}), client(&network) {
        network.setProxyFactory(new TrapProxyFactory(trap.port()));
        client.setRetryConfig(fastPolicy());
        QObject::connect(&client, &HttpClient::attemptFinished, &client, [this](const HttpAttempt& a) { attempts << a; });
    }

    std::optional<Outcome> run(const HttpRequest& request, int timeoutMs = 10000) {
        return test::awaitCallback<Outcome>(
            [&](std::function<void(const Outcome&)> done) {
                client.send(request, [done](const HttpResponse& r, const std::optional<Error>& e) { done(Outcome{r, e}); });
            },
            timeoutMs);
    }

    CannedServer trap;
    QNetworkAccessManager network;
    HttpClient client;
    QList<HttpAttempt> attempts;
};

HttpRequest get(const QUrl& url, ErrorFlavor flavor = ErrorFlavor::Plain) {
    HttpRequest r;
    r.url = url;
    r.flavor = flavor;
    return r;
}

TEST_F(HttpClientTest, RetryAfterIsHonouredOnce) {
    CannedServer server({CannedServer::answer(429, R"({"message":"API rate limit exceeded"})", {"Retry-After: 1"}),
                         CannedServer::answer(200, R"({"data":[]})")});
    const auto outcome = run(get(server.url("/v2/dcr-providers"), ErrorFlavor::Konnect));
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error) << outcome->error->message().toStdString();
    EXPECT_EQ(outcome->response.status, 200);
    EXPECT_EQ(outcome->response.attempts, 2);
    EXPECT_TRUE(outcome->response.json().contains("data"));
    ASSERT_EQ(server.requests.size(), 2);
    EXPECT_GE(server.arrivals[1] - server.arrivals[0], 950) << "the retry came before Retry-After allowed";

    ASSERT_EQ(attempts.size(), 2);
    EXPECT_EQ(attempts[0].status, 429);
    EXPECT_EQ(attempts[0].attempt, 1);
    EXPECT_EQ(attempts[0].retryInMs, 1000);
    EXPECT_TRUE(attempts[0].retryReason.contains("429"));
    EXPECT_TRUE(attempts[0].describe().contains("retrying in 1 s because")) << attempts[0].describe().toStdString();
    EXPECT_EQ(attempts[1].status, 200);
    EXPECT_EQ(attempts[1].retryInMs, -1);
    EXPECT_EQ(attempts[0].requestId, attempts[1].requestId);
}

TEST_F(HttpClientTest, ServerErrorsThenSuccess) {
    CannedServer server({CannedServer::answer(500, R"({"error":{"code":"generalException","message":"x"}})"),
                         CannedServer::answer(500, R"({"error":{"code":"generalException","message":"x"}})"),
                         CannedServer::answer(200, R"({"value":[]})")});
    const auto outcome = run(get(server.url("/graph/v1.0/organization"), ErrorFlavor::Graph));
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_EQ(outcome->response.status, 200);
    EXPECT_EQ(server.requests.size(), 3);
    ASSERT_EQ(attempts.size(), 3);
    EXPECT_EQ(attempts[0].retryInMs, 20);
    EXPECT_EQ(attempts[1].retryInMs, 40);
    EXPECT_EQ(attempts[2].attempt, 3);
}

TEST_F(HttpClientTest, GivesUpAfterMaxAttemptsWithTheServicesError) {
    CannedServer server({CannedServer::answer(503, R"({"error":{"code":"serviceNotAvailable","message":"x"}})")});
    const auto outcome = run(get(server.url("/graph/v1.0/me"), ErrorFlavor::Graph));
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->httpStatus, 503);
    EXPECT_TRUE(outcome->error->retryable);
    EXPECT_EQ(server.requests.size(), 4);
    EXPECT_EQ(outcome->response.attempts, 4);
    EXPECT_EQ(outcome->response.status, 503);
}

TEST_F(HttpClientTest, ConnectionClosedWithoutAnswerIsRetried) {
    CannedServer server({CannedServer::close(), CannedServer::close(), CannedServer::close(), CannedServer::answer(200, "{}")});
    const auto outcome = run(get(server.url("/konnect/v3/users/me"), ErrorFlavor::Konnect));
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_EQ(outcome->response.status, 200);
    ASSERT_GE(attempts.size(), 2);
    EXPECT_EQ(attempts[0].status, 0);
    EXPECT_FALSE(attempts[0].failure.isEmpty());
    EXPECT_GE(attempts[0].retryInMs, 0);
}

TEST_F(HttpClientTest, ConnectionAlwaysClosedEndsInANetworkError) {
    CannedServer server({CannedServer::close()});
    const auto outcome = run(get(server.url("/x")));
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "network.closed");
    EXPECT_TRUE(outcome->error->retryable);
    EXPECT_EQ(outcome->response.status, 0);
    EXPECT_EQ(attempts.size(), 4);
    EXPECT_GE(server.connections, 4);
}

TEST_F(HttpClientTest, ClientErrorIsNotRetried) {
    const QByteArray problem = R"({"status":400,"title":"Bad Request","detail":"Invalid request","invalid_parameters":[
        {"field":"issuer","rule":"is_url","source":"body","reason":"must be a valid URL"}]})";
    CannedServer server({CannedServer::answer(400, problem, {}, "application/problem+json"), CannedServer::answer(200, "{}")});
    HttpRequest request = get(server.url("/konnect/v2/dcr-providers/p-1"), ErrorFlavor::Konnect);
    request.method = "patch";
    request.setJsonBody(QJsonDocument(QJsonObject{{"issuer", "not a url"}}));
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "konnect.invalid_parameters");
    ASSERT_EQ(outcome->error->fields.size(), 1);
    EXPECT_EQ(outcome->error->fields[0].field, "issuer");
    EXPECT_EQ(outcome->response.status, 400);
    EXPECT_EQ(outcome->response.body, problem);
    EXPECT_EQ(server.requests.size(), 1);
    EXPECT_TRUE(server.requests[0].startsWith("PATCH /konnect/v2/dcr-providers/p-1 HTTP/1.1"));
    ASSERT_EQ(attempts.size(), 1);
    EXPECT_EQ(attempts[0].retryInMs, -1);
}

TEST_F(HttpClientTest, PostIsNotRepeatedAfterAServerErrorUnlessMarkedSafe) {
    CannedServer server({CannedServer::answer(500, "{}"), CannedServer::answer(201, R"({"id":"1"})")});
    HttpRequest request = get(server.url("/graph/v1.0/applications"), ErrorFlavor::Graph);
    request.method = "POST";
    request.setJsonBody(QJsonDocument(QJsonObject{{"displayName", "x"}}));
    const auto once = run(request);
    ASSERT_TRUE(once);
    ASSERT_TRUE(once->error);
    EXPECT_EQ(server.requests.size(), 1);

    CannedServer again({CannedServer::answer(500, "{}"), CannedServer::answer(201, R"({"id":"1"})")});
    request.url = again.url("/graph/v1.0/applications");
    request.idempotent = true;
    const auto retried = run(request);
    ASSERT_TRUE(retried);
    EXPECT_FALSE(retried->error);
    EXPECT_EQ(retried->response.status, 201);
    EXPECT_EQ(again.requests.size(), 2);
}

// Qt's HTTP stack sends a request again by itself when the connection closes before an answer;
// a create whose answer was lost must not be made twice, so a POST is sent once and fails.
TEST_F(HttpClientTest, APostWhoseAnswerIsLostIsSentOnceAndFails) {
    CannedServer server({CannedServer::close(), CannedServer::answer(201, R"({"id":"2"})")});
    HttpRequest request = get(server.url("/graph/v1.0/applications"), ErrorFlavor::Graph);
    request.method = "POST";
    const QByteArray body = R"({"displayName":"Kong Dev Portal DCR"})";
    request.setJsonBody(QJsonDocument::fromJson(body));
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->response.status, 0);
    EXPECT_EQ(outcome->error->code, "network.answer_lost");
    EXPECT_TRUE(outcome->error->retryable);
    ASSERT_EQ(server.requests.size(), 1) << "the POST was sent again";
    EXPECT_TRUE(server.requests[0].endsWith(QJsonDocument::fromJson(body).toJson(QJsonDocument::Compact)));
    EXPECT_TRUE(server.requests[0].contains("Content-Length: " + QByteArray::number(QJsonDocument::fromJson(body).toJson(QJsonDocument::Compact).size())));

    // What may be repeated still is, with its body each time.
    CannedServer again({CannedServer::close(), CannedServer::answer(200, R"({"id":"2"})")});
    request.url = again.url("/graph/v1.0/applications/2");
    request.method = "PATCH";
    const auto repeated = run(request);
    ASSERT_TRUE(repeated);
    EXPECT_FALSE(repeated->error);
    ASSERT_GE(again.requests.size(), 2);
    EXPECT_EQ(again.requests.first().mid(again.requests.first().indexOf("\r\n\r\n")),
              again.requests.last().mid(again.requests.last().indexOf("\r\n\r\n")));
}

TEST_F(HttpClientTest, ReplicationRuleRetriesNoBackingApplicationObject) {
    const QByteArray notYet = R"({"error":{"code":"Request_BadRequest","message":"The appId 'a1' of the service principal does not reference a valid application object.","details":[{"target":"appId","code":"NoBackingApplicationObject"}]}})";
    CannedServer server({CannedServer::answer(400, notYet), CannedServer::answer(400, notYet),
                         CannedServer::answer(201, R"({"id":"sp-1","appId":"a1"})")});
    HttpRequest request = get(server.url("/graph/v1.0/servicePrincipals"), ErrorFlavor::Graph);
    request.method = "POST";
    request.setJsonBody(QJsonDocument(QJsonObject{{"appId", "a1"}}));
    request.replication = RetryPolicy::ReplicationRule::GraphReplication;
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_EQ(outcome->response.status, 201);
    EXPECT_EQ(outcome->response.json().value("id").toString(), "sp-1");
    EXPECT_EQ(server.requests.size(), 3);
    ASSERT_EQ(attempts.size(), 3);
    EXPECT_TRUE(attempts[0].retryReason.contains("replicating"));
    EXPECT_EQ(attempts[0].retryInMs, 20);
    EXPECT_EQ(attempts[1].retryInMs, 20) << "replication is polled at a fixed interval, not with a doubling pause";
}

TEST_F(HttpClientTest, ReplicationAnswerWithoutOptInIsAnError) {
    const QByteArray notYet = R"({"error":{"code":"Request_BadRequest","message":"The appId 'a1' of the service principal does not reference a valid application object."}})";
    CannedServer server({CannedServer::answer(400, notYet), CannedServer::answer(201, "{}")});
    HttpRequest request = get(server.url("/graph/v1.0/servicePrincipals"), ErrorFlavor::Graph);
    request.method = "POST";
    request.setJsonBody(QJsonDocument(QJsonObject{{"appId", "a1"}}));
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "graph.NoBackingApplicationObject");
    EXPECT_TRUE(outcome->error->retryable);
    EXPECT_EQ(server.requests.size(), 1);
}

TEST_F(HttpClientTest, InsecureUrlIsRefusedWithoutAnyTraffic) {
    bool called = false;
    std::optional<Error> error;
    client.send(get(QUrl("http://login.example.com/common/oauth2/v2.0/token?client_secret=hunter2")),
                [&](const HttpResponse& r, const std::optional<Error>& e) {
                    called = true;
                    error = e;
                    EXPECT_EQ(r.status, 0);
                    EXPECT_EQ(r.attempts, 0);
                });
    EXPECT_FALSE(called) << "the callback must come from the event loop, not from inside send()";
    ASSERT_TRUE(test::waitUntil([&] { return called; }));
    ASSERT_TRUE(error);
    EXPECT_EQ(error->code, "insecure_url");
    EXPECT_FALSE(error->what.contains("hunter2"));
    test::waitUntil([] { return false; }, 200);
    EXPECT_EQ(trap.connections, 0);
    EXPECT_TRUE(attempts.isEmpty());
}

TEST_F(HttpClientTest, TheTrapSeesTrafficToTheOutsideWorld) {
    // Proves the previous test's trap works: an allowed https:// request for a remote host does reach it.
    HttpRequest request = get(QUrl("https://login.example.com/common/discovery/keys"));
    RetryPolicy::Config c = fastPolicy();
    c.maxAttempts = 1;
    c.attemptTimeoutMs = 300;
    request.retry = c;
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_GE(trap.connections, 1);
}

TEST_F(HttpClientTest, OtherSchemesAndLoopbackRules) {
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("https://graph.microsoft.com/v1.0/me")));
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("http://127.0.0.1:8080/x")));
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("http://127.3.4.5/x")));
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("http://[::1]:9000/x")));
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("http://localhost:5000/")));
    EXPECT_TRUE(HttpClient::isAllowedUrl(QUrl("HTTP://LOCALHOST:5000/")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl("http://10.0.0.1/x")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl("http://localhost.example.com/x")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl("http://127.0.0.1.nip.io/x")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl("ftp://127.0.0.1/x")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl("file:///etc/passwd")));
    EXPECT_FALSE(HttpClient::isAllowedUrl(QUrl()));
}

TEST_F(HttpClientTest, RedirectToCleartextIsRefused) {
    CannedServer server({CannedServer::answer(302, {}, {"Location: http://portal.example.com/next"})});
    const auto outcome = run(get(server.url("/portal/p-1/api/v3/applications")));
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "insecure_url");
    EXPECT_TRUE(outcome->error->what.contains("portal.example.com"));
    EXPECT_EQ(server.requests.size(), 1);
    test::waitUntil([] { return false; }, 200);
    EXPECT_EQ(trap.connections, 0);
}

TEST_F(HttpClientTest, RedirectOnLoopbackIsFollowed) {
    CannedServer server({CannedServer::answer(302, {}, {"Location: /next"}), CannedServer::answer(200, R"({"ok":true})")});
    const auto outcome = run(get(server.url("/first")));
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_EQ(outcome->response.status, 200);
    ASSERT_EQ(server.requests.size(), 2);
    EXPECT_TRUE(server.requests[1].startsWith("GET /next HTTP/1.1"));
}

TEST_F(HttpClientTest, CredentialsAreNotForwardedToAnotherOrigin) {
    CannedServer elsewhere({CannedServer::answer(200, "{}")});
    const QByteArray location = "Location: " + elsewhere.url("/steal").toEncoded();
    CannedServer server({CannedServer::answer(307, {}, {location})});
    HttpRequest request = get(server.url("/gateway/api"));
    request.headers.append({QByteArray("Authorization"), QByteArray("Basic YTpi")});
    const auto withCredentials = run(request);
    ASSERT_TRUE(withCredentials);
    ASSERT_TRUE(withCredentials->error);
    EXPECT_EQ(withCredentials->error->code, "network.redirect");
    EXPECT_FALSE(withCredentials->error->rawDetail.contains("YTpi"));
    EXPECT_TRUE(elsewhere.requests.isEmpty());

    const auto without = run(get(server.url("/gateway/api")));
    ASSERT_TRUE(without);
    EXPECT_FALSE(without->error);
    EXPECT_EQ(elsewhere.requests.size(), 1);
}

TEST_F(HttpClientTest, TimeoutPerAttempt) {
    CannedServer server({CannedServer::hang()});
    HttpRequest request = get(server.url("/slow"));
    RetryPolicy::Config c = fastPolicy();
    c.maxAttempts = 2;
    c.attemptTimeoutMs = 200;
    request.retry = c;
    QElapsedTimer clock;
    clock.start();
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "network.timeout");
    EXPECT_EQ(attempts.size(), 2);
    EXPECT_EQ(server.requests.size(), 2);
    EXPECT_GE(clock.elapsed(), 350) << "two attempts of 200 ms each";
    EXPECT_LT(clock.elapsed(), 5000);
}

TEST_F(HttpClientTest, SendsHeadersAndAnExactlyEncodedForm) {
    CannedServer server({CannedServer::answer(200, R"({"access_token":"x","expires_in":"3599"})")});
    HttpRequest request = get(server.url("/login/tenant/oauth2/token"), ErrorFlavor::Entra);
    request.method = "POST";
    request.setFormBody({{"grant_type", "client_credentials"}, {"client_id", "a1"}, {"client_secret", "p+q/r s~t"},
                         {"resource", "https://graph.microsoft.com"}});
    request.setBearer("stale");
    request.setBearer("fresh-token");
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    EXPECT_FALSE(outcome->error);
    EXPECT_EQ(outcome->response.header("content-type"), "application/json");
    ASSERT_EQ(server.requests.size(), 1);
    const QByteArray sent = server.requests[0];
    EXPECT_TRUE(sent.startsWith("POST /login/tenant/oauth2/token HTTP/1.1\r\n"));
    EXPECT_TRUE(sent.endsWith("\r\n\r\ngrant_type=client_credentials&client_id=a1&client_secret=p%2Bq%2Fr%20s~t"
                              "&resource=https%3A%2F%2Fgraph.microsoft.com"))
        << sent.constData();
    const QByteArray lower = sent.toLower();
    EXPECT_TRUE(lower.contains("content-type: application/x-www-form-urlencoded\r\n"));
    EXPECT_TRUE(lower.contains("accept: application/json\r\n"));
    EXPECT_TRUE(lower.contains("user-agent: dcr-wizard/"));
    EXPECT_TRUE(sent.contains("Bearer fresh-token\r\n"));
    EXPECT_FALSE(sent.contains("stale"));
}

TEST_F(HttpClientTest, EntraFlavorExplainsTheTokenError) {
    CannedServer server({CannedServer::answer(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215],"trace_id":"t"})")});
    HttpRequest request = get(server.url("/login/t/oauth2/token"), ErrorFlavor::Entra);
    request.method = "POST";
    request.setFormBody({{"client_secret", "wrong"}});
    const auto outcome = run(request);
    ASSERT_TRUE(outcome);
    ASSERT_TRUE(outcome->error);
    EXPECT_EQ(outcome->error->code, "entra.AADSTS7000215");
    EXPECT_EQ(outcome->error->httpStatus, 401);
    EXPECT_EQ(server.requests.size(), 1);
}

TEST_F(HttpClientTest, DestroyedClientAbandonsRequestsWithoutCallingBack) {
    CannedServer server({CannedServer::hang()});
    auto doomed = std::make_unique<HttpClient>(&network);
    bool called = false;
    doomed->send(get(server.url("/never")), [&](const HttpResponse&, const std::optional<Error>&) { called = true; });
    ASSERT_TRUE(test::waitUntil([&] { return server.requests.size() == 1; }));
    doomed.reset();
    test::waitUntil([] { return false; }, 200);
    EXPECT_FALSE(called);
}

TEST_F(HttpClientTest, CallbackMaySendTheNextRequest) {
    CannedServer server({CannedServer::answer(200, R"({"step":1})"), CannedServer::answer(200, R"({"step":2})")});
    int steps = 0;
    client.send(get(server.url("/one")), [&](const HttpResponse& first, const std::optional<Error>&) {
        steps = first.json().value("step").toInt();
        client.send(get(server.url("/two")), [&](const HttpResponse& second, const std::optional<Error>&) {
            steps = second.json().value("step").toInt();
        });
    });
    ASSERT_TRUE(test::waitUntil([&] { return steps == 2; }));
}

// What the Runner relies on to tell a step's retries from those of a step running beside it.
TEST_F(HttpClientTest, AnOriginFollowsItsRequestsRetriesAndCallbacks) {
    CannedServer server({CannedServer::answer(500, R"({"error":"x"})"), CannedServer::answer(200, R"({"step":1})"),
                         CannedServer::answer(200, R"({"step":2})"), CannedServer::answer(200, R"({"step":3})")});
    bool chained = false;
    {
        const HttpClient::Origin origin(client, QStringLiteral("azure.app"));
        client.send(get(server.url("/one")), [&](const HttpResponse&, const std::optional<Error>&) {
            client.send(get(server.url("/two")), [&](const HttpResponse&, const std::optional<Error>&) { chained = true; });
        });
    }
    ASSERT_TRUE(test::waitUntil([&] { return chained; }));
    ASSERT_TRUE(run(get(server.url("/three"))));
    ASSERT_EQ(attempts.size(), 4);
    EXPECT_TRUE(attempts[0].url.endsWith(QLatin1String("/one")));
    EXPECT_GE(attempts[0].retryInMs, 0);
    EXPECT_EQ(attempts[0].origin, QStringLiteral("azure.app"));
    EXPECT_EQ(attempts[1].origin, QStringLiteral("azure.app")) << "the retry keeps its origin";
    EXPECT_TRUE(attempts[2].url.endsWith(QLatin1String("/two")));
    EXPECT_EQ(attempts[2].origin, QStringLiteral("azure.app")) << "a request sent from the callback inherits it";
    EXPECT_TRUE(attempts[3].url.endsWith(QLatin1String("/three")));
    EXPECT_TRUE(attempts[3].origin.isEmpty()) << "the origin ends with its scope";
}

TEST_F(HttpClientTest, AnAnswerLargerThanTheCapIsRefusedWithASentenceAndNotRetried) {
    EXPECT_EQ(HttpClient::kDefaultMaxAnswerBytes, 16 * 1024 * 1024);
    client.setMaxAnswerBytes(1000);
    // Announced by Content-Length.
    CannedServer announced({CannedServer::answer(200, QByteArray(5000, 'x'))});
    const auto big = run(get(announced.url("/graph/v1.0/applications"), ErrorFlavor::Graph));
    ASSERT_TRUE(big);
    ASSERT_TRUE(big->error);
    EXPECT_EQ(big->error->code, "network.answer_too_large");
    EXPECT_TRUE(big->error->what.contains("larger than")) << big->error->what.toStdString();
    EXPECT_FALSE(big->error->remedy.isEmpty());
    EXPECT_FALSE(big->error->retryable);
    EXPECT_TRUE(big->response.body.isEmpty());
    EXPECT_EQ(announced.requests.size(), 1);

    // Without a length: cut off as it arrives.
    CannedServer streamed({{CannedServer::Action::Answer, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + QByteArray(200000, 'y')}});
    const auto stream = run(get(streamed.url("/konnect/v3/apis")));
    ASSERT_TRUE(stream);
    ASSERT_TRUE(stream->error);
    EXPECT_EQ(stream->error->code, "network.answer_too_large");
    EXPECT_EQ(streamed.requests.size(), 1);

    // At the cap: accepted.
    CannedServer fits({CannedServer::answer(200, QByteArray(1000, 'z'))});
    const auto ok = run(get(fits.url("/x")));
    ASSERT_TRUE(ok);
    EXPECT_FALSE(ok->error) << ok->error->message().toStdString();
    EXPECT_EQ(ok->response.body.size(), 1000);
}

TEST(HttpRequest, IdempotentByMethodUnlessSaid) {
    HttpRequest r;
    for (const char* m : {"GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "get"}) {
        r.method = m;
        EXPECT_TRUE(r.isIdempotent()) << m;
    }
    r.method = "POST";
    EXPECT_FALSE(r.isIdempotent());
    r.idempotent = true;
    EXPECT_TRUE(r.isIdempotent());
    r.method = "GET";
    r.idempotent = false;
    EXPECT_FALSE(r.isIdempotent());
}

TEST(HttpResponse, HeaderLookupIsCaseInsensitive) {
    HttpResponse r;
    r.headers = {{"Retry-After", "5"}, {"retry-after", "9"}, {"Content-Type", "application/json"}};
    EXPECT_EQ(r.header("retry-after"), "5");
    EXPECT_EQ(r.header("CONTENT-TYPE"), "application/json");
    EXPECT_TRUE(r.header("X-Missing").isEmpty());
    r.body = "[1,2]";
    EXPECT_TRUE(r.json().isEmpty());
}

}  // namespace
