// The sandbox's HTTP front: fault injection, the request log, inspection and control routes,
// exercised over real HTTP on 127.0.0.1.
#include "sandbox/sandbox_fixture.h"

#include <QElapsedTimer>
#include <QTcpSocket>

namespace {

using dcr::test::HttpResult;

class SandboxServerTest : public dcr::test::SandboxFixture {
protected:
    void injectFaults(const QByteArray& json) {
        const HttpResult r = send("POST", QStringLiteral("/_sandbox/faults"), json, {{"Content-Type", "application/json"}});
        ASSERT_EQ(r.status, 200) << r.body.toStdString();
    }
};

TEST_F(SandboxServerTest, InfoNamesEveryServiceAndTheSandboxCredentials) {
    const HttpResult r = getJson(QStringLiteral("/_sandbox/info"));
    ASSERT_EQ(r.status, 200);
    const QJsonObject info = r.json();
    EXPECT_EQ(info.value(QStringLiteral("login_url")).toString(), base + QStringLiteral("/login"));
    EXPECT_EQ(info.value(QStringLiteral("graph_url")).toString(), base + QStringLiteral("/graph"));
    EXPECT_EQ(info.value(QStringLiteral("konnect_url")).toString(), base + QStringLiteral("/konnect"));
    EXPECT_TRUE(info.value(QStringLiteral("konnect_personal_token")).toString().startsWith(QLatin1String("kpat_")));
    EXPECT_TRUE(info.value(QStringLiteral("konnect_system_token")).toString().startsWith(QLatin1String("spat_")));
    EXPECT_TRUE(base.startsWith(QLatin1String("http://127.0.0.1:")));
}

TEST_F(SandboxServerTest, UnknownPathsAre404) {
    EXPECT_EQ(getJson(QStringLiteral("/nowhere")).status, 404);
}

TEST_F(SandboxServerTest, LatencyDelaysOnlyTheMatchingRequestsAndNeverBlocksOthers) {
    injectFaults(R"([{"kind":"latency","ms":1500,"path":"^/_sandbox/state$"}])");
    // Start the slow request, then a fast one on the same server: the fast one must finish first.
    QNetworkReply* slow = nam.get(QNetworkRequest(QUrl(base + QStringLiteral("/_sandbox/state"))));
    bool slowDone = false;
    QObject::connect(slow, &QNetworkReply::finished, [&] { slowDone = true; });
    QElapsedTimer timer;
    timer.start();
    const HttpResult fast = getJson(QStringLiteral("/_sandbox/info"));
    EXPECT_EQ(fast.status, 200);
    EXPECT_FALSE(slowDone) << "a delayed answer held up another request";
    ASSERT_TRUE(dcr::test::waitUntil([&] { return slowDone; }, 10000));
    EXPECT_GE(timer.elapsed(), 1400);
    EXPECT_EQ(slow->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    slow->deleteLater();
}

TEST_F(SandboxServerTest, RateLimitSpeaksEachServicesDialectAndCountsDown) {
    injectFaults(R"([{"kind":"rate_limit","path":"^/konnect/","count":1,"retry_after":7},
                     {"kind":"rate_limit","path":"^/graph/","count":1,"retry_after":3}])");
    const HttpResult konnect = getJson(QStringLiteral("/konnect/v3/organizations/me"));
    EXPECT_EQ(konnect.status, 429);
    EXPECT_EQ(konnect.header("Retry-After"), QByteArray("7"));
    EXPECT_EQ(konnect.json().value(QStringLiteral("message")).toString(), QStringLiteral("API rate limit exceeded"));
    EXPECT_FALSE(konnect.header("Content-Type").contains("problem"));

    const HttpResult graph = getJson(QStringLiteral("/graph/v1.0/organization"));
    EXPECT_EQ(graph.status, 429);
    EXPECT_EQ(graph.header("Retry-After"), QByteArray("3"));
    EXPECT_EQ(graph.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
              QStringLiteral("TooManyRequests"));

    // count 1: the next requests reach the real handlers again.
    EXPECT_NE(getJson(QStringLiteral("/konnect/v3/organizations/me")).status, 429);
    EXPECT_NE(getJson(QStringLiteral("/graph/v1.0/organization")).status, 429);
}

TEST_F(SandboxServerTest, StatusFaultsUseTheServicesErrorFormat) {
    injectFaults(R"([{"kind":"status","status":503,"method":"GET","path":"^/konnect/","count":1}])");
    const HttpResult r = getJson(QStringLiteral("/konnect/v3/organizations/me"));
    EXPECT_EQ(r.status, 503);
    EXPECT_TRUE(r.header("Content-Type").contains("application/problem+json"));
    EXPECT_EQ(r.json().value(QStringLiteral("status")).toInt(), 503);
}

TEST_F(SandboxServerTest, DroppedConnectionsGiveNoAnswer) {
    // Every matching request is dropped: Qt silently re-sends a GET once when a reused connection
    // closes, and that second attempt must be dropped too.
    injectFaults(R"([{"kind":"drop","path":"^/_sandbox/state$"}])");
    const HttpResult dropped = getJson(QStringLiteral("/_sandbox/state"));
    EXPECT_EQ(dropped.status, 0);
    EXPECT_NE(dropped.networkError, QNetworkReply::NoError);
    ASSERT_EQ(send("DELETE", QStringLiteral("/_sandbox/faults")).status, 204);
    EXPECT_EQ(getJson(QStringLiteral("/_sandbox/state")).status, 200);
}

TEST_F(SandboxServerTest, TimeoutsAreNeverAnswered) {
    injectFaults(R"([{"kind":"timeout","path":"^/_sandbox/state$","count":1}])");
    const HttpResult r = send("GET", QStringLiteral("/_sandbox/state"), {}, {}, 700);
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.networkError, QNetworkReply::OperationCanceledError);
    EXPECT_EQ(getJson(QStringLiteral("/_sandbox/state")).status, 200);
}

TEST_F(SandboxServerTest, InvalidFaultDefinitionsAreRefused) {
    const HttpResult r = send("POST", QStringLiteral("/_sandbox/faults"), R"([{"kind":"earthquake"}])",
                              {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(r.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("earthquake")));
    EXPECT_TRUE(getJson(QStringLiteral("/_sandbox/faults")).json().value(QStringLiteral("faults")).toArray().isEmpty());
}

// Graph over real HTTP as the admin, for the faults that must let a write reach the directory.
class SandboxServerGraphTest : public SandboxServerTest {
protected:
    void adjustSeed(dcr::sandbox::Seed& seed) override { seed.autoApproveSignIn = true; }

    void SetUp() override {
        SandboxServerTest::SetUp();
        ASSERT_FALSE(HasFatalFailure());
        const QString login = QStringLiteral("/login/%1/oauth2/v2.0").arg(infoValue("tenant_id"));
        const QString clientId = QStringLiteral("14d82eec-204b-4c2f-b7e8-296a70dab67e");
        const QString scope = QStringLiteral("https://graph.microsoft.com/Application.ReadWrite.All");
        const HttpResult device = postForm(login + QStringLiteral("/devicecode"),
                                           QUrlQuery{{QStringLiteral("client_id"), clientId}, {QStringLiteral("scope"), scope}});
        ASSERT_EQ(device.status, 200) << device.body.toStdString();
        // The seeded sign-in switch approves the device code at its first poll.
        const QString deviceCode = device.json().value(QStringLiteral("device_code")).toString();
        const HttpResult token = postForm(login + QStringLiteral("/token"),
                                          QUrlQuery{{QStringLiteral("grant_type"), QStringLiteral("urn:ietf:params:oauth:grant-type:device_code")},
                                                    {QStringLiteral("client_id"), clientId},
                                                    {QStringLiteral("device_code"), deviceCode}});
        ASSERT_EQ(token.status, 200) << token.body.toStdString();
        admin = token.json().value(QStringLiteral("access_token")).toString().toLatin1();
    }

    struct RawResult {
        bool closed = false;  // the server closed the connection
        QByteArray received;  // every byte it sent before
    };

    // Creates an application on a connection of its own, with a bare socket: QNetworkAccessManager
    // silently re-sends a request (a POST too) whose connection closes before the answer, which
    // would hide the lost answer and create the object twice.
    RawResult createApp(const QString& name) {
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("displayName"), name}}).toJson(QJsonDocument::Compact);
        const QUrl url(base);
        QTcpSocket socket;
        RawResult result;
        QObject::connect(&socket, &QTcpSocket::readyRead, [&] { result.received += socket.readAll(); });
        socket.connectToHost(url.host(), url.port());
        socket.write("POST /graph/v1.0/applications HTTP/1.1\r\nHost: " + url.authority().toLatin1() +
                     "\r\nAuthorization: Bearer " + admin + "\r\nContent-Type: application/json\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        // Done once the connection is closed or a whole status line and header block has come.
        EXPECT_TRUE(dcr::test::waitUntil(
            [&] { return socket.state() == QAbstractSocket::UnconnectedState || result.received.contains("\r\n\r\n"); }, 10000));
        result.received += socket.readAll();
        result.closed = socket.state() == QAbstractSocket::UnconnectedState;
        return result;
    }

    int appsNamed(const QString& name) {
        const QString filter = QStringLiteral("displayName eq '%1'").arg(name);
        const HttpResult r =
            getJson(QStringLiteral("/graph/v1.0/applications?$filter=") + QString::fromLatin1(QUrl::toPercentEncoding(filter)), admin);
        EXPECT_EQ(r.status, 200) << r.body.toStdString();
        return r.json().value(QStringLiteral("value")).toArray().size();
    }

    // The request log's entries for creating an application.
    QList<QJsonObject> loggedCreations() {
        QList<QJsonObject> entries;
        const QJsonArray requests = getJson(QStringLiteral("/_sandbox/requests")).json().value(QStringLiteral("requests")).toArray();
        for (const QJsonValue& value : requests) {
            const QJsonObject entry = value.toObject();
            if (entry.value(QStringLiteral("method")).toString() == QLatin1String("POST") &&
                entry.value(QStringLiteral("path")).toString() == QLatin1String("/graph/v1.0/applications"))
                entries.append(entry);
        }
        return entries;
    }

    QByteArray admin;
};

TEST_F(SandboxServerGraphTest, LostAnswerCreatesTheObjectButClosesWithoutAnswering) {
    injectFaults(R"([{"kind":"lost_answer","method":"POST","path":"^/graph/v1.0/applications$"}])");
    const RawResult lost = createApp(QStringLiteral("Lost answer"));
    EXPECT_TRUE(lost.closed);
    EXPECT_TRUE(lost.received.isEmpty()) << lost.received.toStdString();
    EXPECT_EQ(appsNamed(QStringLiteral("Lost answer")), 1) << "the handler did not run";

    const QList<QJsonObject> logged = loggedCreations();
    ASSERT_EQ(logged.size(), 1);
    EXPECT_EQ(logged.first().value(QStringLiteral("status")).toInt(), 0);
    EXPECT_EQ(logged.first().value(QStringLiteral("fault")).toString(), QStringLiteral("lost_answer"));
}

TEST_F(SandboxServerGraphTest, LostAnswerCountsDown) {
    injectFaults(R"([{"kind":"lost_answer","method":"POST","path":"^/graph/v1.0/applications$","count":1}])");
    const RawResult first = createApp(QStringLiteral("First"));
    EXPECT_TRUE(first.closed);
    EXPECT_TRUE(first.received.isEmpty()) << first.received.toStdString();
    const RawResult second = createApp(QStringLiteral("Second"));
    EXPECT_TRUE(second.received.startsWith("HTTP/1.1 201")) << second.received.toStdString();
    EXPECT_EQ(appsNamed(QStringLiteral("First")), 1);
    EXPECT_EQ(appsNamed(QStringLiteral("Second")), 1);
    EXPECT_EQ(getJson(QStringLiteral("/_sandbox/faults")).json().value(QStringLiteral("faults")).toArray().first().toObject()
                  .value(QStringLiteral("count")).toInt(), 0);
}

TEST_F(SandboxServerTest, LostAnswerRulesRoundTripThroughTheControlEndpoint) {
    injectFaults(R"([{"kind":"lost_answer","method":"post","path":"^/graph/v1.0/applications$","count":1}])");
    const QJsonArray faults = getJson(QStringLiteral("/_sandbox/faults")).json().value(QStringLiteral("faults")).toArray();
    ASSERT_EQ(faults.size(), 1);
    EXPECT_EQ(faults.first().toObject(), (QJsonObject{{QStringLiteral("kind"), QStringLiteral("lost_answer")},
                                                      {QStringLiteral("method"), QStringLiteral("POST")},
                                                      {QStringLiteral("path"), QStringLiteral("^/graph/v1.0/applications$")},
                                                      {QStringLiteral("count"), 1}}));
}

TEST_F(SandboxServerTest, InvalidLostAnswerRulesAreRefusedAndTheRulesInForceStay) {
    injectFaults(R"([{"kind":"lost_answer","method":"POST","path":"^/graph/v1.0/applications$"}])");
    const HttpResult badPath = send("POST", QStringLiteral("/_sandbox/faults"), R"([{"kind":"lost_answer","path":"(unclosed"}])",
                                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(badPath.status, 400);
    EXPECT_TRUE(badPath.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("Invalid path pattern")));
    const HttpResult unknown = send("POST", QStringLiteral("/_sandbox/faults"), R"([{"kind":"lost-answer"}])",
                                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(unknown.status, 400);
    EXPECT_TRUE(unknown.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("lost_answer")))
        << "the list of kinds in the error names the new one";
    const QJsonArray faults = getJson(QStringLiteral("/_sandbox/faults")).json().value(QStringLiteral("faults")).toArray();
    ASSERT_EQ(faults.size(), 1);
    EXPECT_EQ(faults.first().toObject().value(QStringLiteral("path")).toString(), QStringLiteral("^/graph/v1.0/applications$"));
}

TEST_F(SandboxServerTest, TheRequestLogRedactsSecrets) {
    const QByteArray secret = "Zq8Q~averysecretvalue1234567890abcdefgh";
    postForm(QStringLiteral("/login/contoso.onmicrosoft.com/oauth2/token"),
             QUrlQuery{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                       {QStringLiteral("client_id"), QStringLiteral("11111111-2222-3333-4444-555555555555")},
                       {QStringLiteral("client_secret"), QString::fromLatin1(secret)}});
    sendJson("POST", QStringLiteral("/konnect/v2/dcr-providers"),
             QJsonObject{{QStringLiteral("dcr_config"),
                          QJsonObject{{QStringLiteral("initial_client_secret"), QString::fromLatin1(secret)}}}},
             "kpat_" + QByteArray(46, 'a'));
    const HttpResult log = getJson(QStringLiteral("/_sandbox/requests"));
    ASSERT_EQ(log.status, 200);
    EXPECT_FALSE(log.body.contains(secret));
    EXPECT_FALSE(log.body.contains("kpat_aaaaaaaa"));
    const QJsonArray requests = log.json().value(QStringLiteral("requests")).toArray();
    ASSERT_GE(requests.size(), 2);
    EXPECT_EQ(requests.at(0).toObject().value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
    EXPECT_TRUE(requests.at(1).toObject().value(QStringLiteral("authorization")).toString().startsWith(QLatin1String("Bearer")));
}

TEST_F(SandboxServerTest, ResetRestoresTheSeedAndClearsFaultsAndLog) {
    injectFaults(R"([{"kind":"latency","ms":10}])");
    ASSERT_EQ(send("PUT", QStringLiteral("/_sandbox/replication-delay"), R"({"ms":2500})",
                   {{"Content-Type", "application/json"}}).status, 200);
    EXPECT_EQ(getJson(QStringLiteral("/_sandbox/state")).json().value(QStringLiteral("azure")).toObject()
                  .value(QStringLiteral("replication_delay_ms")).toInt(), 2500);
    ASSERT_EQ(send("POST", QStringLiteral("/_sandbox/reset")).status, 204);
    EXPECT_TRUE(getJson(QStringLiteral("/_sandbox/faults")).json().value(QStringLiteral("faults")).toArray().isEmpty());
    const QJsonObject azure = getJson(QStringLiteral("/_sandbox/state")).json().value(QStringLiteral("azure")).toObject();
    EXPECT_EQ(azure.value(QStringLiteral("replication_delay_ms")).toInt(), 0);
    EXPECT_TRUE(azure.value(QStringLiteral("applications")).toArray().isEmpty());
    // The log holds only what came after the reset: the two reads above and this one.
    const QJsonArray requests = getJson(QStringLiteral("/_sandbox/requests")).json().value(QStringLiteral("requests")).toArray();
    ASSERT_EQ(requests.size(), 3);
    EXPECT_EQ(requests.first().toObject().value(QStringLiteral("path")).toString(), QStringLiteral("/_sandbox/faults"));
}

}  // namespace
