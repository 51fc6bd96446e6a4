// The unattended exit codes through the real dcr-wizard binary in sandbox mode (a dcr-sandbox
// process started without a seed, so nothing approves the sign-in by itself, and the embedded
// sandbox), and the hardening of both binaries. Every process run is bounded in time.
#include "e2e/bounded_process.h"

#include <gtest/gtest.h>

#include <QDateTime>
#include <QDir>
#include <QHash>
#include <QSet>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>

#include <sys/stat.h>
#include <unistd.h>

namespace dcr_e2e {
namespace {

const QString kDemoProfile = QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json");

class SandboxModeTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(scratch.isValid());
        // No seed: the sandbox's sign-in page waits for a password nobody types.
        ASSERT_TRUE(sandbox.start(scratch.path())) << "dcr-sandbox did not start";
        statePath = scratch.filePath(QStringLiteral("state.json"));
    }

    ProcessRun wizard(const QStringList& extra = {}, int limitMs = 60000) {
        Launch launch;
        launch.program = QStringLiteral(DCR_WIZARD_BIN);
        launch.arguments = QStringList{QStringLiteral("--unattended"), QStringLiteral("--profile"), kDemoProfile, QStringLiteral("--sandbox-url"),
                                       sandbox.base, QStringLiteral("--state-file"), statePath, QStringLiteral("--json")} +
                           extra;
        launch.environment = cleanEnvironment();
        launch.limitMs = limitMs;
        return runBounded(launch);
    }

    QTemporaryDir scratch;
    SandboxProcess sandbox;
    QString statePath;
};

TEST_F(SandboxModeTest, ASeparateSandboxWithoutSeedApprovesTheSignInThroughItsControlEndpoint) {
    const ProcessRun first = wizard();
    ASSERT_EQ(first.exitCode, 0) << first.diagnostics();
    EXPECT_TRUE(first.err.contains("control endpoint")) << first.diagnostics();
    EXPECT_TRUE(first.err.contains("/_sandbox/device/approve")) << first.diagnostics();
    EXPECT_TRUE(first.outcomes().contains(QStringLiteral("created")));
    const SandboxProcess::Counts c = sandbox.counts();
    EXPECT_EQ(c.apps, 1);
    EXPECT_EQ(c.providers, 1);
    EXPECT_EQ(c.strategies, 1);

    const ProcessRun second = wizard();
    ASSERT_EQ(second.exitCode, 0) << second.diagnostics();
    EXPECT_FALSE(second.outcomes().contains(QStringLiteral("created"))) << second.diagnostics();
    EXPECT_EQ(sandbox.counts().total(), c.total());

    const ProcessRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.diagnostics();
    EXPECT_EQ(sandbox.counts().total(), 0);
    const ProcessRun nothing = wizard({QStringLiteral("--cleanup")});
    EXPECT_EQ(nothing.exitCode, 0) << nothing.diagnostics();
    EXPECT_TRUE(nothing.err.contains("Nothing to clean up")) << nothing.diagnostics();
}

TEST_F(SandboxModeTest, EveryExitCode) {
    // 2: user errors, before and after the event loop has started.
    Launch noProfile;
    noProfile.program = QStringLiteral(DCR_WIZARD_BIN);
    noProfile.arguments = {QStringLiteral("--unattended")};
    noProfile.limitMs = 20000;
    EXPECT_EQ(runBounded(noProfile).exitCode, 2);
    const ProcessRun badTimeout = wizard({QStringLiteral("--sign-in-timeout"), QStringLiteral("0")}, 20000);
    EXPECT_EQ(badTimeout.exitCode, 2);
    EXPECT_TRUE(badTimeout.err.contains("--sign-in-timeout")) << badTimeout.diagnostics();
    {
        QFile state(statePath);
        ASSERT_TRUE(state.open(QIODevice::WriteOnly));
        state.write("this is no state file");
    }
    const ProcessRun unreadableState = wizard({QStringLiteral("--resume")}, 20000);
    EXPECT_EQ(unreadableState.exitCode, 2) << unreadableState.diagnostics();
    EXPECT_TRUE(unreadableState.err.contains("What to do")) << unreadableState.diagnostics();
    QFile::remove(statePath);

    // 3: the sign-in is refused.
    sandbox.addFault({{QStringLiteral("kind"), QStringLiteral("status")}, {QStringLiteral("status"), 400},
                      {QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("path"), QStringLiteral("^/login/[^/]+/oauth2/v2.0/devicecode$")},
                      {QStringLiteral("count"), 20}});
    const ProcessRun refused = wizard({}, 60000);
    EXPECT_EQ(refused.exitCode, 3) << refused.diagnostics();
    EXPECT_TRUE(refused.err.contains("What to do")) << refused.diagnostics();
    sandbox.http("DELETE", QStringLiteral("/_sandbox/faults"));

    // 4: a provisioning step fails.
    sandbox.addFault({{QStringLiteral("kind"), QStringLiteral("status")}, {QStringLiteral("status"), 400},
                      {QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("path"), QStringLiteral("^/graph/v1.0/applications$")},
                      {QStringLiteral("count"), 20}});
    const ProcessRun stepFailed = wizard();
    EXPECT_EQ(stepFailed.exitCode, 4) << stepFailed.diagnostics();
    EXPECT_EQ(stepFailed.stepStatus(QStringLiteral("azure.app")), QStringLiteral("failed")) << stepFailed.diagnostics();
    sandbox.http("DELETE", QStringLiteral("/_sandbox/faults"));

    // 5: everything is set up, the proof fails.
    sandbox.addFault({{QStringLiteral("kind"), QStringLiteral("status")}, {QStringLiteral("status"), 401},
                      {QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("path"), QStringLiteral("^/login/[^/]+/oauth2/token$")},
                      {QStringLiteral("count"), 50}});
    const ProcessRun validationFailed = wizard({QStringLiteral("--resume")});
    EXPECT_EQ(validationFailed.exitCode, 5) << validationFailed.diagnostics();
    sandbox.http("DELETE", QStringLiteral("/_sandbox/faults"));

    // 0: and the same setup then completes.
    const ProcessRun ok = wizard({QStringLiteral("--resume")});
    EXPECT_EQ(ok.exitCode, 0) << ok.diagnostics();
}

TEST(EmbeddedSandbox, TheDemoProfileCompletes) {
    QTemporaryDir scratch;
    ASSERT_TRUE(scratch.isValid());
    Launch launch;
    launch.program = QStringLiteral(DCR_WIZARD_BIN);
    launch.arguments = {QStringLiteral("--unattended"), QStringLiteral("--sandbox"), QStringLiteral("--profile"), kDemoProfile,
                        QStringLiteral("--state-file"), scratch.filePath(QStringLiteral("state.json")), QStringLiteral("--json")};
    launch.environment = cleanEnvironment();
    const ProcessRun run = runBounded(launch);
    ASSERT_EQ(run.exitCode, 0) << run.diagnostics();
    EXPECT_TRUE(run.outcomes().contains(QStringLiteral("created")));
    EXPECT_TRUE(run.summary().value(QStringLiteral("ok")).toBool());
}

// ---- hardening ---------------------------------------------------------------------------------

// Runs program as nobody when the test is root: root owns a non-dumpable process's /proc entries,
// which only shows when the process is someone else's.
Launch asOrdinaryUser(const QString& program, const QStringList& args) {
    Launch launch;
    if (geteuid() == 0) {
        launch.program = QStringLiteral("setpriv");
        launch.arguments = QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"), program} + args;
    } else {
        launch.program = program;
        launch.arguments = args;
    }
    launch.environment = cleanEnvironment();
    launch.environment.insert(QStringLiteral("HOME"), QDir::tempPath());
    return launch;
}

// The child of setpriv is the program itself (setpriv execs it), so the pid is the program's. The
// files in /proc/<pid> (not the directory) belong to root while the process is not dumpable.
void expectHardened(QProcess& process, const char* what) {
    const QString proc = QStringLiteral("/proc/%1").arg(process.processId());
    struct stat st {};
    ASSERT_EQ(::stat(QFile::encodeName(proc).constData(), &st), 0);
    ASSERT_NE(st.st_uid, 0u) << "the process under test runs as root, which shows nothing";
    ASSERT_EQ(::stat(QFile::encodeName(proc + QStringLiteral("/environ")).constData(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u) << what << " is dumpable: /proc/<pid>/environ belongs to uid " << st.st_uid;
    QFile limits(proc + QStringLiteral("/limits"));
    ASSERT_TRUE(limits.open(QIODevice::ReadOnly));
    const QByteArray text = limits.readAll();
    static const QRegularExpression core(QStringLiteral("Max core file size\\s+(\\S+)\\s+(\\S+)"));
    const QRegularExpressionMatch m = core.match(QString::fromLatin1(text));
    ASSERT_TRUE(m.hasMatch()) << text.toStdString();
    EXPECT_EQ(m.captured(1), QStringLiteral("0")) << what;
    EXPECT_EQ(m.captured(2), QStringLiteral("0")) << what;
}

TEST(Hardening, BothBinariesAreNotDumpableAndWriteNoCoreFile) {
    // dcr-sandbox runs until killed; checked once it has printed its line.
    Launch sandbox = asOrdinaryUser(QStringLiteral(DCR_SANDBOX_BIN), {QStringLiteral("--port"), QStringLiteral("0")});
    {
        QProcess p;
        p.setProgram(sandbox.program);
        p.setArguments(sandbox.arguments);
        p.setProcessEnvironment(sandbox.environment);
        p.start();
        ASSERT_TRUE(p.waitForStarted(10000));
        ASSERT_TRUE(dcr::test::waitUntil([&] { return p.canReadLine() || p.state() == QProcess::NotRunning; }, 30000));
        ASSERT_EQ(p.state(), QProcess::Running) << p.readAllStandardError().toStdString();
        expectHardened(p, "dcr-sandbox");
        p.kill();
        p.waitForFinished(5000);
    }
    // dcr-wizard, unattended for real services, waits a few seconds for a token on its silent
    // standard input: checked while it waits.
    Launch wizard = asOrdinaryUser(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--unattended"), QStringLiteral("--profile"), kDemoProfile});
    QProcess p;
    p.setProgram(wizard.program);
    p.setArguments(wizard.arguments);
    p.setProcessEnvironment(wizard.environment);
    p.start();  // standard input stays open and silent
    ASSERT_TRUE(p.waitForStarted(10000));
    dcr::test::waitUntil([&] { return p.state() == QProcess::NotRunning; }, 1000);
    ASSERT_EQ(p.state(), QProcess::Running) << p.readAllStandardError().toStdString();
    expectHardened(p, "dcr-wizard");
    ASSERT_TRUE(dcr::test::waitUntil([&] { return p.state() == QProcess::NotRunning; }, 30000)) << "the wizard never gave up on its standard input";
    EXPECT_EQ(p.exitCode(), 2) << p.readAllStandardError().toStdString();
}

TEST(Hardening, ASilentStandardInputIsGivenUpOnWithExitCode2) {
    Launch launch;
    launch.program = QStringLiteral(DCR_WIZARD_BIN);
    launch.arguments = {QStringLiteral("--unattended"), QStringLiteral("--profile"), kDemoProfile};
    launch.environment = cleanEnvironment();
    launch.closeInput = false;  // open and silent, as a script's inherited pipe can be
    launch.limitMs = 30000;
    const ProcessRun run = runBounded(launch);
    EXPECT_EQ(run.exitCode, 2) << run.diagnostics();
    EXPECT_TRUE(run.err.contains("standard input")) << run.diagnostics();
    EXPECT_TRUE(run.err.contains("What to do")) << run.diagnostics();
    EXPECT_GE(run.elapsedMs, 4000);
    EXPECT_LT(run.elapsedMs, 20000);
}

// A stand-in for Microsoft Graph and Konnect on 127.0.0.1 that answers every request with the
// same bytes: to see what the wizard makes of what a service says.
class FixedAnswerServer : public QObject {
public:
    explicit FixedAnswerServer(QByteArray answer) : m_answer(std::move(answer)) {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    m_buffers[socket] += socket->readAll();
                    if (!m_buffers[socket].contains("\r\n\r\n") || m_answered.contains(socket))
                        return;
                    m_answered.insert(socket);
                    ++requests;
                    socket->write(m_answer);
                    socket->disconnectFromHost();
                });
            }
        });
        m_server.listen(QHostAddress::LocalHost, 0);
    }
    QString base() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()); }
    int requests = 0;

private:
    QTcpServer m_server;
    QByteArray m_answer;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QSet<QTcpSocket*> m_answered;
};

// An access token the wizard accepts offline (a JWT that has not expired); nothing checks its signature here.
QString unsignedJwt() {
    const auto part = [](const QByteArray& json) { return json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals); };
    const QByteArray claims = "{\"exp\":" + QByteArray::number(QDateTime::currentSecsSinceEpoch() + 3600) +
                              ",\"tid\":\"6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f\",\"upn\":\"admin@contoso.onmicrosoft.com\"}";
    return QString::fromLatin1(part("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + '.' + part(claims) + '.' + part("signature"));
}

ProcessRun runAgainst(const FixedAnswerServer& server, const QString& dir) {
    QJsonObject profile{
        {QStringLiteral("schema_version"), 1},
        {QStringLiteral("name"), QStringLiteral("fixed-answer")},
        {QStringLiteral("azure"), QJsonObject{{QStringLiteral("cloud"), QStringLiteral("custom")},
                                              {QStringLiteral("login_url"), server.base() + QStringLiteral("/login")},
                                              {QStringLiteral("graph_url"), server.base() + QStringLiteral("/graph")},
                                              {QStringLiteral("tenant"), QStringLiteral("contoso.onmicrosoft.com")}}},
        {QStringLiteral("konnect"), QJsonObject{{QStringLiteral("region"), QStringLiteral("custom")},
                                                {QStringLiteral("base_url"), server.base() + QStringLiteral("/konnect")}}}};
    QFile file(dir + QStringLiteral("/profile.json"));
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(profile).toJson());
    file.close();
    Launch launch;
    launch.program = QStringLiteral(DCR_WIZARD_BIN);
    launch.arguments = {QStringLiteral("--unattended"), QStringLiteral("--profile"), file.fileName(), QStringLiteral("--state-file"),
                        dir + QStringLiteral("/state.json"), QStringLiteral("--request-timeout"), QStringLiteral("10"),
                        QStringLiteral("--allow-custom-endpoints")};
    launch.environment = cleanEnvironment();
    launch.environment.insert(QStringLiteral("DCR_WIZARD_KONNECT_TOKEN"), QStringLiteral("kpat_") + QString(40, QLatin1Char('A')));
    launch.environment.insert(QStringLiteral("DCR_WIZARD_GRAPH_TOKEN"), unsignedJwt());
    launch.limitMs = 60000;
    return runBounded(launch);
}

TEST(Hardening, WhatAServiceSaysIsRedactedInTheErrorLines) {
    const QByteArray leakedJwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsZWFrZWQtc3ViamVjdCJ9.c2lnbmF0dXJlLW9mLXRoZS1sZWFr";
    const QByteArray leakedKpat = "kpat_LeakedTokenOfSomeoneElse0123456789abcdefXYZ";
    const QByteArray body = "{\"error\":{\"code\":\"Request_BadRequest\",\"message\":\"Token " + leakedJwt + " and " + leakedKpat +
                            " are not valid here.\"}}";
    FixedAnswerServer server("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
                             "\r\nConnection: close\r\n\r\n" + body);
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const ProcessRun run = runAgainst(server, dir.path());
    EXPECT_GT(server.requests, 0);
    EXPECT_EQ(run.exitCode, 4) << run.diagnostics();
    EXPECT_TRUE(run.err.contains("not valid here")) << "the service's words should still be shown: " << run.diagnostics();
    EXPECT_FALSE(run.err.contains(leakedJwt)) << run.diagnostics();
    EXPECT_FALSE(run.err.contains(leakedKpat)) << run.diagnostics();
    EXPECT_FALSE(run.out.contains(leakedJwt)) << run.diagnostics();
    EXPECT_FALSE(run.out.contains(leakedKpat)) << run.diagnostics();
}

TEST(Hardening, AnAnswerLargerThan16MiBIsRefusedWithASentence) {
    // Announced as 17 MiB and then sent: the wizard stops reading and says why.
    const qint64 size = 17LL * 1024 * 1024;
    QByteArray answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(size) +
                        "\r\nConnection: close\r\n\r\n{\"value\":\"";
    answer += QByteArray(size - 13, 'x');
    answer += "\"}";
    FixedAnswerServer server(answer);
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const ProcessRun run = runAgainst(server, dir.path());
    EXPECT_EQ(run.exitCode, 4) << run.diagnostics();
    EXPECT_TRUE(run.err.contains("larger than 16 MiB")) << run.diagnostics();
}

TEST(Hardening, AProfileFileLargerThanTheCapIsRefused) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QFile big(dir.filePath(QStringLiteral("big.json")));
    ASSERT_TRUE(big.open(QIODevice::WriteOnly));
    big.write(QByteArray(2 * 1024 * 1024, ' '));
    big.close();
    Launch launch;
    launch.program = QStringLiteral(DCR_WIZARD_BIN);
    launch.arguments = {QStringLiteral("--unattended"), QStringLiteral("--profile"), big.fileName()};
    launch.environment = cleanEnvironment();
    launch.limitMs = 20000;
    const ProcessRun run = runBounded(launch);
    EXPECT_EQ(run.exitCode, 2);
    EXPECT_TRUE(run.err.contains("larger than 1024 KiB")) << run.diagnostics();
}

}  // namespace
}  // namespace dcr_e2e
