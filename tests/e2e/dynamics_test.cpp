// End to end for the "dynamics-client" blueprint (seed 004): the real dcr-wizard binary,
// unattended, against a real dcr-sandbox process; what exists is read from /_sandbox/state.
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>

namespace {

const QString kCrmAppId = QStringLiteral("00000007-0000-0000-c000-000000000000");
const QString kUserImpersonationId = QStringLiteral("78ce3f0f-a1ce-49c2-8cde-64b5c0896db4");

struct WizardRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject summary() const { return QJsonDocument::fromJson(out).object(); }
    QJsonObject step(const QString& id) const {
        for (const QJsonValue& s : summary().value(QStringLiteral("steps")).toArray())
            if (s.toObject().value(QStringLiteral("id")).toString() == id)
                return s.toObject();
        return {};
    }
    QStringList outcomes() const {
        QStringList list;
        for (const QJsonValue& s : summary().value(QStringLiteral("steps")).toArray())
            list << s.toObject().value(QStringLiteral("outcome")).toString();
        return list;
    }
};

class DynamicsUnattendedTest : public ::testing::Test {
protected:
    // The seed of the sandbox process; a test may change it before startSandbox().
    QJsonObject seed{{QStringLiteral("auto_approve_sign_in"), true}, {QStringLiteral("device_code_interval_seconds"), 1}};

    void SetUp() override {
        ASSERT_TRUE(scratch.isValid());
        statePath = scratch.filePath(QStringLiteral("state.json"));
    }

    void startSandbox() {
        QFile file(scratch.filePath(QStringLiteral("seed.json")));
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(seed).toJson());
        file.close();
        sandbox.setProgram(QStringLiteral(DCR_SANDBOX_BIN));
        sandbox.setArguments({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--seed"), file.fileName()});
        sandbox.start();
        ASSERT_TRUE(sandbox.waitForStarted(10000));
        ASSERT_TRUE(dcr::test::waitUntil([&] { return sandbox.canReadLine(); }, 20000)) << "dcr-sandbox printed nothing";
        info = QJsonDocument::fromJson(sandbox.readLine()).object();
        base = info.value(QStringLiteral("base_url")).toString();
        ASSERT_FALSE(base.isEmpty());
    }

    void TearDown() override {
        sandbox.kill();
        sandbox.waitForFinished(5000);
    }

    WizardRun wizard(const QStringList& extra = {}, bool json = true) {
        QProcess p;
        p.setProgram(QStringLiteral(DCR_WIZARD_BIN));
        QStringList args{QStringLiteral("--unattended"), QStringLiteral("--profile"),
                         QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-dynamics.json"), QStringLiteral("--sandbox-url"), base,
                         QStringLiteral("--state-file"), statePath};
        if (json)
            args << QStringLiteral("--json");
        p.setArguments(args + extra);
        p.start();
        WizardRun run;
        EXPECT_TRUE(p.waitForStarted(10000));
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished(5000);
        }
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
        return run;
    }

    QJsonObject http(const QByteArray& method, const QString& path, const QByteArray& body = {}) {
        QNetworkRequest request(QUrl(base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply* reply = nam.sendCustomRequest(request, method, body);
        dcr::test::waitUntil([&] { return reply->isFinished(); }, 20000);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return json;
    }

    QJsonObject azure() { return http("GET", QStringLiteral("/_sandbox/state")).value(QStringLiteral("azure")).toObject(); }
    static QJsonArray list(const QJsonObject& azure, const char* key) { return azure.value(QLatin1String(key)).toArray(); }

    // Exactly one app with every property seed 004 asks for, its service principal, and the
    // tenant-wide consent for user_impersonation; returns the app.
    QJsonObject expectTheRegistration() {
        const QJsonObject state = azure();
        const QJsonArray apps = list(state, "applications");
        const QJsonArray sps = list(state, "service_principals");
        const QJsonArray grants = list(state, "oauth2_permission_grants");
        EXPECT_EQ(apps.size(), 1);
        EXPECT_EQ(sps.size(), 1);
        EXPECT_EQ(grants.size(), 1);
        const QJsonObject app = apps.first().toObject();
        EXPECT_EQ(app.value(QStringLiteral("displayName")).toString(), QStringLiteral("Dynamics 365 client (sandbox demo)"));
        EXPECT_EQ(app.value(QStringLiteral("signInAudience")).toString(), QStringLiteral("AzureADMultipleOrgs"));
        EXPECT_TRUE(app.value(QStringLiteral("isFallbackPublicClient")).toBool());
        EXPECT_EQ(app.value(QStringLiteral("publicClientRedirectUris")).toArray(), QJsonArray{QStringLiteral("http://localhost")});
        EXPECT_EQ(app.value(QStringLiteral("passwordCredentials")).toInt(), 0) << "a public client has no secret";
        const QJsonArray access{QJsonObject{
            {QStringLiteral("resourceAppId"), kCrmAppId},
            {QStringLiteral("resourceAccess"),
             QJsonArray{QJsonObject{{QStringLiteral("id"), kUserImpersonationId}, {QStringLiteral("type"), QStringLiteral("Scope")}}}}}};
        EXPECT_EQ(app.value(QStringLiteral("requiredResourceAccess")).toArray(), access);
        const QJsonObject sp = sps.first().toObject();
        EXPECT_EQ(sp.value(QStringLiteral("appId")).toString(), app.value(QStringLiteral("appId")).toString());
        const QJsonObject grant = grants.first().toObject();
        EXPECT_EQ(grant.value(QStringLiteral("clientId")).toString(), sp.value(QStringLiteral("id")).toString());
        EXPECT_EQ(grant.value(QStringLiteral("consentType")).toString(), QStringLiteral("AllPrincipals"));
        EXPECT_EQ(grant.value(QStringLiteral("scope")).toString(), QStringLiteral("user_impersonation"));
        return app;
    }

    QTemporaryDir scratch;
    QProcess sandbox;
    QNetworkAccessManager nam;
    QJsonObject info;
    QString base;
    QString statePath;
};

TEST_F(DynamicsUnattendedTest, CreatesExactlyTheRegistrationProvesItAndASecondRunCreatesNothing) {
    startSandbox();
    const WizardRun first = wizard();
    ASSERT_EQ(first.exitCode, 0) << first.err.toStdString();
    const QJsonObject app = expectTheRegistration();
    const QString appId = app.value(QStringLiteral("appId")).toString();
    EXPECT_EQ(first.step(QStringLiteral("dynamics.app")).value(QStringLiteral("outcome")).toString(), QStringLiteral("created"));
    EXPECT_EQ(first.step(QStringLiteral("validate.registration")).value(QStringLiteral("outcome")).toString(), QStringLiteral("verified"));
    const QJsonObject signIn = first.step(QStringLiteral("validate.test-sign-in"));
    EXPECT_EQ(signIn.value(QStringLiteral("outcome")).toString(), QStringLiteral("verified"));
    EXPECT_TRUE(signIn.value(QStringLiteral("summary")).toString().contains(QStringLiteral("https://contoso.crm.dynamics.com")));

    const QJsonObject client = first.summary().value(QStringLiteral("client_app")).toObject();
    EXPECT_EQ(client.value(QStringLiteral("client_id")).toString(), appId);
    EXPECT_EQ(client.value(QStringLiteral("redirect_uri")).toString(), QStringLiteral("http://localhost"));
    EXPECT_EQ(client.value(QStringLiteral("authority")).toString(), base + QStringLiteral("/login/organizations"));
    EXPECT_EQ(client.value(QStringLiteral("connection_string")).toString(),
              QStringLiteral("AuthType=OAuth;Url=https://contoso.crm.dynamics.com;AppId=%1;RedirectUri=http://localhost;LoginPrompt=Auto").arg(appId));

    const WizardRun second = wizard();
    ASSERT_EQ(second.exitCode, 0) << second.err.toStdString();
    EXPECT_FALSE(second.outcomes().contains(QStringLiteral("created"))) << second.out.toStdString();
    EXPECT_FALSE(second.outcomes().contains(QStringLiteral("updated"))) << second.out.toStdString();
    EXPECT_EQ(expectTheRegistration().value(QStringLiteral("appId")).toString(), appId);
}

TEST_F(DynamicsUnattendedTest, TheTextSummaryShowsWhatTheClientApplicationNeeds) {
    startSandbox();
    const WizardRun run = wizard({}, false);
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QString appId = azure().value(QStringLiteral("applications")).toArray().first().toObject().value(QStringLiteral("appId")).toString();
    ASSERT_FALSE(appId.isEmpty());
    const QString out = QString::fromUtf8(run.out);
    EXPECT_TRUE(out.contains(QStringLiteral("Application (client) ID: ") + appId)) << run.out.toStdString();
    EXPECT_TRUE(out.contains(QStringLiteral("Redirect URI:            http://localhost"))) << run.out.toStdString();
    EXPECT_TRUE(out.contains(QStringLiteral("AppId=%1;RedirectUri=http://localhost").arg(appId))) << run.out.toStdString();
}

TEST_F(DynamicsUnattendedTest, CleanupRemovesTheAppItsPrincipalAndTheConsent) {
    startSandbox();
    ASSERT_EQ(wizard().exitCode, 0);
    expectTheRegistration();
    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    const QJsonObject state = azure();
    EXPECT_TRUE(list(state, "applications").isEmpty());
    EXPECT_TRUE(list(state, "service_principals").isEmpty());
    EXPECT_TRUE(list(state, "oauth2_permission_grants").isEmpty());
    EXPECT_FALSE(QFile::exists(statePath));
}

TEST_F(DynamicsUnattendedTest, AnInterruptedRunResumesWithoutMakingASecondApp) {
    startSandbox();
    // Admin consent is refused once, after the app and its principal exist.
    http("POST", QStringLiteral("/_sandbox/faults"),
         R"([{"kind":"status","status":403,"method":"POST","path":"^/graph/v1.0/oauth2PermissionGrants$","count":1}])");
    const WizardRun interrupted = wizard();
    ASSERT_EQ(interrupted.exitCode, 3) << interrupted.err.toStdString();
    EXPECT_EQ(interrupted.step(QStringLiteral("dynamics.app")).value(QStringLiteral("outcome")).toString(), QStringLiteral("created"));
    EXPECT_EQ(interrupted.step(QStringLiteral("dynamics.consent")).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    EXPECT_TRUE(list(azure(), "oauth2_permission_grants").isEmpty());

    const WizardRun resumed = wizard({QStringLiteral("--resume")});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err.toStdString();
    EXPECT_EQ(resumed.step(QStringLiteral("dynamics.consent")).value(QStringLiteral("outcome")).toString(), QStringLiteral("created"));
    expectTheRegistration();
    // What the first run created is still known to be this tool's: cleanup removes all of it.
    ASSERT_EQ(wizard({QStringLiteral("--cleanup")}).exitCode, 0);
    EXPECT_TRUE(list(azure(), "applications").isEmpty());
}

TEST_F(DynamicsUnattendedTest, AnAppWhoseCreationWasNeverAnsweredIsStillThisSetupsOwn) {
    startSandbox();
    // Entra ID registers the app, but its answer never arrives.
    http("POST", QStringLiteral("/_sandbox/faults"), R"([{"kind":"lost_answer","method":"POST","path":"^/graph/v1.0/applications$","count":1}])");
    const WizardRun interrupted = wizard();
    ASSERT_NE(interrupted.exitCode, 0) << interrupted.err.toStdString();
    EXPECT_EQ(interrupted.step(QStringLiteral("dynamics.app")).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    EXPECT_EQ(list(azure(), "applications").size(), 1) << "sent once, made once";

    const WizardRun resumed = wizard({QStringLiteral("--resume")});
    ASSERT_EQ(resumed.exitCode, 0) << resumed.err.toStdString();
    EXPECT_EQ(resumed.step(QStringLiteral("dynamics.app")).value(QStringLiteral("outcome")).toString(), QStringLiteral("created"));
    expectTheRegistration();
    ASSERT_EQ(wizard({QStringLiteral("--cleanup")}).exitCode, 0);
    EXPECT_TRUE(list(azure(), "applications").isEmpty());
}

TEST_F(DynamicsUnattendedTest, ATenantWithoutDynamicsIsToldSoAndNothingIsCreated) {
    seed.insert(QStringLiteral("dynamics_crm"), false);
    startSandbox();
    const WizardRun run = wizard();
    EXPECT_EQ(run.exitCode, 4) << run.err.toStdString();
    const QJsonObject error = run.step(QStringLiteral("dynamics.resource")).value(QStringLiteral("error")).toObject();
    EXPECT_TRUE(error.value(QStringLiteral("what")).toString().contains(QStringLiteral("AADSTS500011"))) << run.out.toStdString();
    EXPECT_TRUE(error.value(QStringLiteral("what")).toString().contains(QStringLiteral("Dynamics")));
    EXPECT_FALSE(error.value(QStringLiteral("remedy")).toString().isEmpty());
    EXPECT_TRUE(run.err.contains("AADSTS500011"));
    EXPECT_TRUE(list(azure(), "applications").isEmpty());
}

TEST_F(DynamicsUnattendedTest, ADryRunCreatesNothing) {
    startSandbox();
    const WizardRun run = wizard({QStringLiteral("--dry-run")});
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    EXPECT_EQ(run.step(QStringLiteral("dynamics.app")).value(QStringLiteral("outcome")).toString(), QStringLiteral("would create"));
    EXPECT_TRUE(list(azure(), "applications").isEmpty());
}

}  // namespace
