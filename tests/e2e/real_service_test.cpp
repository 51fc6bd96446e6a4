// The real-service code path end to end: dcr-wizard unattended with no sandbox option at all,
// against dcr-sandbox serving HTTPS with a certificate of a throwaway CA that only the wizard's
// environment trusts (SSL_CERT_FILE), posing as Microsoft Entra ID, Microsoft Graph and Konnect
// through a profile with azure.cloud and konnect.region "custom". The admin's device code sign-in
// is approved by this test, as the admin would, through the sandbox's control endpoint; the
// Konnect token comes from the environment, standard input or the keychain. Every run is bounded.
#include "e2e/bounded_process.h"

#include <gtest/gtest.h>

#include <QRegularExpression>

#include <unistd.h>

namespace dcr_e2e {
namespace {

const QString kProfileName = QStringLiteral("real-service-e2e");

class RealServiceTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        pki = new QTemporaryDir;
        ASSERT_TRUE(pki->isValid());
        const QString failure = makeThrowawayPki(pki->path());
        ASSERT_TRUE(failure.isEmpty()) << failure.toStdString();
    }
    static void TearDownTestSuite() {
        delete pki;
        pki = nullptr;
    }

    void SetUp() override {
        ASSERT_NE(pki, nullptr);
        ASSERT_TRUE(scratch.isValid());
        // Not approving by itself; a short polling interval keeps the runs quick.
        const QJsonObject seed{{QStringLiteral("device_code_interval_seconds"), 1}};
        ASSERT_TRUE(sandbox.start(scratch.path(), seed, pki->filePath(QStringLiteral("server.pem")), pki->filePath(QStringLiteral("server.key")),
                                  pki->filePath(QStringLiteral("ca.pem"))));
        ASSERT_TRUE(sandbox.base.startsWith(QLatin1String("https://127.0.0.1:"))) << sandbox.base.toStdString();
        konnectToken = sandbox.info.value(QStringLiteral("konnect_personal_token")).toString();
        ASSERT_TRUE(konnectToken.startsWith(QLatin1String("kpat_")));
        statePath = scratch.filePath(QStringLiteral("state.json"));
        profilePath = scratch.filePath(QStringLiteral("profile.json"));
        const QJsonObject profile{
            {QStringLiteral("schema_version"), 1},
            {QStringLiteral("name"), kProfileName},
            {QStringLiteral("azure"), QJsonObject{{QStringLiteral("cloud"), QStringLiteral("custom")},
                                                  {QStringLiteral("login_url"), sandbox.base + QStringLiteral("/login")},
                                                  {QStringLiteral("graph_url"), sandbox.base + QStringLiteral("/graph")},
                                                  // The sandbox's Graph names itself as the global cloud's does.
                                                  {QStringLiteral("graph_resource"), QStringLiteral("https://graph.microsoft.com")},
                                                  {QStringLiteral("tenant"), sandbox.info.value(QStringLiteral("tenant_domain")).toString()},
                                                  {QStringLiteral("app_display_name"), QStringLiteral("Kong Konnect DCR (real-service e2e)")}}},
            {QStringLiteral("konnect"), QJsonObject{{QStringLiteral("region"), QStringLiteral("custom")},
                                                    {QStringLiteral("base_url"), sandbox.base + QStringLiteral("/konnect")},
                                                    {QStringLiteral("dcr_provider_name"), QStringLiteral("azure-dcr-e2e")},
                                                    {QStringLiteral("auth_strategy_name"), QStringLiteral("azure-dcr-e2e")}}},
            {QStringLiteral("publish"), QJsonObject{{QStringLiteral("api_name"), QStringLiteral("Orders API")}}}};
        QFile file(profilePath);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(profile).toJson());
    }

    // The keychain entry of the Konnect token: per profile and per Konnect host (here the TLS
    // sandbox on this machine), so that a token is only ever sent where it was stored for.
    QString konnectTokenEntry() const {
        const QUrl konnect(sandbox.base);
        return kProfileName + QStringLiteral("/konnect-token/127.0.0.1:%1").arg(konnect.port());
    }

    void TearDown() override {
        // The keychain is the test session's own, but entries must not leak into the next case.
        QProcess::execute(QStringLiteral("secret-tool"), {QStringLiteral("clear"), QStringLiteral("server"), QStringLiteral("dcr-wizard"),
                                                          QStringLiteral("user"), konnectTokenEntry()});
    }

    enum class Token { Environment, StandardInput, Keychain, None };
    struct Options {
        Token token = Token::Environment;
        QString tokenValue;       // empty: the sandbox's valid token
        bool approve = true;      // approve the device code when the wizard shows it
        QStringList extra;
        int limitMs = 60000;
        bool closeInput = true;
    };
    static Options opts(Token token, const QString& value = {}, bool approve = true, const QStringList& extra = {}, int limitMs = 60000) {
        Options o;
        o.token = token;
        o.tokenValue = value;
        o.approve = approve;
        o.extra = extra;
        o.limitMs = limitMs;
        return o;
    }

    ProcessRun wizard(const Options& o) {
        Launch launch;
        launch.program = QStringLiteral(DCR_WIZARD_BIN);
        // The profile names the TLS sandbox's hosts: they are allowed the sign-in and the tokens.
        launch.arguments = QStringList{QStringLiteral("--unattended"), QStringLiteral("--profile"), profilePath, QStringLiteral("--state-file"),
                                       statePath, QStringLiteral("--json"), QStringLiteral("--allow-custom-endpoints")} +
                           o.extra;
        launch.environment = cleanEnvironment();
        launch.environment.insert(QStringLiteral("SSL_CERT_FILE"), pki->filePath(QStringLiteral("ca.pem")));
        const QString token = o.tokenValue.isEmpty() ? konnectToken : o.tokenValue;
        switch (o.token) {
        case Token::Environment:
            launch.environment.insert(QStringLiteral("DCR_WIZARD_KONNECT_TOKEN"), token);
            break;
        case Token::StandardInput:
            launch.input = token.toUtf8() + '\n';
            break;
        case Token::Keychain:
            storeInKeychain(token);
            break;
        case Token::None:
            break;
        }
        launch.closeInput = o.closeInput;
        launch.limitMs = o.limitMs;
        approved.clear();
        environmentSeen.clear();
        launch.onStderr = [this, o, token](const QByteArray& err, QProcess& process) {
            static const QRegularExpression code(QStringLiteral("enter the code ([A-Z0-9]+)"));
            const QRegularExpressionMatch m = code.match(QString::fromUtf8(err));
            if (!m.hasMatch() || !approved.isEmpty())
                return;
            approved = m.captured(1);
            // While the wizard waits for the admin: what its environment shows now.
            QFile environ(QStringLiteral("/proc/%1/environ").arg(process.processId()));
            if (environ.open(QIODevice::ReadOnly))
                environmentSeen = environ.readAll();
            if (o.approve) {
                const QJsonObject answer = sandbox.http("POST", QStringLiteral("/_sandbox/device/approve"),
                                                        QJsonDocument(QJsonObject{{QStringLiteral("user_code"), approved}}).toJson());
                EXPECT_EQ(answer.value(QStringLiteral("status")).toString(), QStringLiteral("approved")) << QJsonDocument(answer).toJson().toStdString();
            }
        };
        return runBounded(launch);
    }

    void storeInKeychain(const QString& token) {
        QProcess store;
        store.start(QStringLiteral("secret-tool"), {QStringLiteral("store"), QStringLiteral("--label=dcr-wizard e2e Konnect token"), QStringLiteral("server"),
                                                    QStringLiteral("dcr-wizard"), QStringLiteral("user"), konnectTokenEntry(),
                                                    QStringLiteral("type"), QStringLiteral("plaintext")});
        ASSERT_TRUE(store.waitForStarted(10000));
        store.write(token.toUtf8());
        store.closeWriteChannel();
        ASSERT_TRUE(store.waitForFinished(20000));
        ASSERT_EQ(store.exitCode(), 0) << store.readAllStandardError().toStdString();
    }

    void faultOn(const char* method, const char* path, int status, int count = 50) {
        sandbox.addFault({{QStringLiteral("kind"), QStringLiteral("status")}, {QStringLiteral("status"), status},
                          {QStringLiteral("method"), QLatin1String(method)}, {QStringLiteral("path"), QLatin1String(path)},
                          {QStringLiteral("count"), count}});
    }

    static QTemporaryDir* pki;
    QTemporaryDir scratch;
    SandboxProcess sandbox;
    QString konnectToken;
    QString statePath;
    QString profilePath;
    QString approved;           // the user code this test approved in the last run
    QByteArray environmentSeen; // /proc/<pid>/environ of the wizard while it waited
};

QTemporaryDir* RealServiceTest::pki = nullptr;

TEST_F(RealServiceTest, HappyPathSecondRunCreatesNothingAndCleanupRemovesIt) {
    // The token from the environment.
    const ProcessRun first = wizard(opts(Token::Environment));
    ASSERT_EQ(first.exitCode, 0) << first.diagnostics();
    EXPECT_FALSE(approved.isEmpty()) << "the wizard showed no device code: " << first.diagnostics();
    EXPECT_TRUE(first.err.contains("--sign-in-timeout")) << "the wait does not say how long it lasts: " << first.diagnostics();
    EXPECT_TRUE(first.outcomes().contains(QStringLiteral("created")));
    EXPECT_EQ(first.stepStatus(QStringLiteral("validate.token")), QStringLiteral("done")) << first.diagnostics();
    const SandboxProcess::Counts c = sandbox.counts();
    EXPECT_EQ(c.apps, 1);
    EXPECT_EQ(c.sps, 1);
    EXPECT_EQ(c.providers, 1);
    EXPECT_EQ(c.strategies, 1);
    EXPECT_EQ(c.publications, 1);
    // The token left the wizard's environment once read, even what /proc shows of it.
    if (geteuid() == 0) {  // root reads it even while the wizard is not dumpable
        EXPECT_TRUE(environmentSeen.contains("SSL_CERT_FILE=")) << "the wizard's environment was not read";
    }
    EXPECT_FALSE(environmentSeen.contains(konnectToken.toUtf8())) << "the Konnect token is still in the environment";
    EXPECT_FALSE(first.err.contains(konnectToken.toUtf8()));
    EXPECT_FALSE(first.out.contains(konnectToken.toUtf8()));

    // From standard input: a second run creates nothing.
    const ProcessRun second = wizard(opts(Token::StandardInput));
    ASSERT_EQ(second.exitCode, 0) << second.diagnostics();
    EXPECT_FALSE(second.outcomes().contains(QStringLiteral("created"))) << second.diagnostics();
    EXPECT_EQ(sandbox.counts().total(), c.total());

    // From the keychain (standard input closed): clean-up removes everything it made.
    const ProcessRun cleanup = wizard(opts(Token::Keychain, QString(), true, {QStringLiteral("--cleanup")}));
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.diagnostics();
    EXPECT_EQ(sandbox.counts().total(), 0) << cleanup.diagnostics();
    EXPECT_FALSE(QFile::exists(statePath));

    // Nothing left: said at once, without signing in, and the run ends.
    const ProcessRun nothing = wizard(opts(Token::None, QString(), false, {QStringLiteral("--cleanup")}, 20000));
    EXPECT_EQ(nothing.exitCode, 0) << nothing.diagnostics();
    EXPECT_TRUE(nothing.err.contains("Nothing to clean up")) << nothing.diagnostics();
}

TEST_F(RealServiceTest, UserErrorsEndWithExitCode2AndASentence) {
    // A token that is no Konnect token: refused before any request.
    const ProcessRun garbage = wizard(opts(Token::Environment, QStringLiteral("garbage"), false, QStringList(), 20000));
    EXPECT_EQ(garbage.exitCode, 2) << garbage.diagnostics();
    EXPECT_TRUE(garbage.err.contains("does not look like")) << garbage.diagnostics();
    EXPECT_LT(garbage.elapsedMs, 10000);
    // No token anywhere (standard input at its end, nothing in the keychain).
    const ProcessRun none = wizard(opts(Token::None, QString(), false, QStringList(), 20000));
    EXPECT_EQ(none.exitCode, 2) << none.diagnostics();
    EXPECT_TRUE(none.err.contains("No Konnect token was given")) << none.diagnostics();
    // A state file that is not one.
    {
        QFile state(statePath);
        ASSERT_TRUE(state.open(QIODevice::WriteOnly));
        state.write("{ not json");
    }
    const ProcessRun badState = wizard(opts(Token::Environment, QString(), false, {QStringLiteral("--resume")}, 20000));
    EXPECT_EQ(badState.exitCode, 2) << badState.diagnostics();
    EXPECT_TRUE(badState.err.contains("What to do")) << badState.diagnostics();
    QFile::remove(statePath);
    EXPECT_EQ(sandbox.counts().total(), 0);
}

TEST_F(RealServiceTest, AuthenticationRefusedEndsWithExitCode3) {
    // Nobody completes the sign-in: the wait ends at --sign-in-timeout with a sentence.
    const ProcessRun unattendedSignIn = wizard(opts(Token::Environment, QString(), false, {QStringLiteral("--sign-in-timeout"), QStringLiteral("3")}, 30000));
    EXPECT_EQ(unattendedSignIn.exitCode, 3) << unattendedSignIn.diagnostics();
    EXPECT_FALSE(approved.isEmpty()) << "the device code was not shown: " << unattendedSignIn.diagnostics();
    EXPECT_TRUE(unattendedSignIn.err.contains("not completed within 3 s")) << unattendedSignIn.diagnostics();
    // It waited for the person (a coarse timer may end the wait up to 5 % early).
    EXPECT_GE(unattendedSignIn.elapsedMs, 2500);
    // A well-formed Konnect token that Konnect does not know.
    const ProcessRun wrongToken = wizard(opts(Token::Environment, QStringLiteral("kpat_") + QString(40, QLatin1Char('Z'))));
    EXPECT_EQ(wrongToken.exitCode, 3) << wrongToken.diagnostics();
}

TEST_F(RealServiceTest, AFailedStepEndsWithExitCode4AndAFailedValidationWith5) {
    faultOn("POST", "^/graph/v1.0/applications$", 400);
    const ProcessRun stepFailed = wizard(opts(Token::Environment));
    EXPECT_EQ(stepFailed.exitCode, 4) << stepFailed.diagnostics();
    EXPECT_EQ(stepFailed.stepStatus(QStringLiteral("azure.app")), QStringLiteral("failed")) << stepFailed.diagnostics();
    sandbox.http("DELETE", QStringLiteral("/_sandbox/faults"));

    // The v1 token the validation asks for (resource: azure.graph_resource) is refused.
    faultOn("POST", "^/login/[^/]+/oauth2/token$", 401);
    const ProcessRun validationFailed = wizard(opts(Token::Environment, QString(), true, {QStringLiteral("--resume")}));
    EXPECT_EQ(validationFailed.exitCode, 5) << validationFailed.diagnostics();
    sandbox.http("DELETE", QStringLiteral("/_sandbox/faults"));

    const ProcessRun ok = wizard(opts(Token::Environment, QString(), true, {QStringLiteral("--resume")}));
    EXPECT_EQ(ok.exitCode, 0) << ok.diagnostics();
    EXPECT_EQ(ok.stepStatus(QStringLiteral("validate.token")), QStringLiteral("done")) << ok.diagnostics();
}

}  // namespace
}  // namespace dcr_e2e
