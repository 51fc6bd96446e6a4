// End to end: the real dcr-wizard binary, unattended, against a real dcr-sandbox process, with the
// real Secret Service of the test session. Counts what exists through /_sandbox/state.
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <ostream>
#include <string>
#include <csignal>
#include <tuple>
#include <vector>

namespace dcr_e2e {

struct WizardRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject summary() const { return QJsonDocument::fromJson(out).object(); }
};

class UnattendedTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(scratch.isValid());
        QFile seed(scratch.filePath(QStringLiteral("seed.json")));
        ASSERT_TRUE(seed.open(QIODevice::WriteOnly));
        seed.write(R"({"auto_approve_sign_in": true})");
        seed.close();
        sandbox.setProgram(QStringLiteral(DCR_SANDBOX_BIN));
        sandbox.setArguments({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--seed"), seed.fileName()});
        sandbox.start();
        ASSERT_TRUE(sandbox.waitForStarted(10000));
        ASSERT_TRUE(dcr::test::waitUntil([&] { return sandbox.canReadLine(); }, 20000)) << "dcr-sandbox printed nothing";
        info = QJsonDocument::fromJson(sandbox.readLine()).object();
        base = info.value(QStringLiteral("base_url")).toString();
        ASSERT_FALSE(base.isEmpty());
        statePath = scratch.filePath(QStringLiteral("state.json"));
        profilePath = QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json");
    }

    void TearDown() override {
        sandbox.kill();
        sandbox.waitForFinished(5000);
    }

    QStringList wizardArgs(const QStringList& extra) const {
        return QStringList{QStringLiteral("--unattended"), QStringLiteral("--profile"), profilePath, QStringLiteral("--sandbox-url"), base,
                           QStringLiteral("--state-file"), statePath, QStringLiteral("--json")} +
               extra;
    }

    WizardRun wizard(const QStringList& extra = {}, int timeoutMs = 120000) {
        QProcess p;
        p.setProgram(QStringLiteral(DCR_WIZARD_BIN));
        p.setArguments(wizardArgs(extra));
        p.start();
        WizardRun run;
        EXPECT_TRUE(p.waitForStarted(10000));
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished(5000);
        }
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.out = p.readAllStandardOutput();
        run.err = p.readAllStandardError();
        return run;
    }

    QJsonObject http(const QByteArray& method, const QString& path, const QByteArray& body = {}, const QString& bearer = {},
                     const QByteArray& contentType = QByteArrayLiteral("application/json")) {
        QNetworkRequest request(QUrl(base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        if (!bearer.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + bearer.toUtf8());
        QNetworkReply* reply = nam.sendCustomRequest(request, method, body);
        dcr::test::waitUntil([&] { return reply->isFinished(); }, 20000);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return json;
    }

    // Objects that a setup creates, counted from the sandbox's own state.
    struct Counts {
        int apps, sps, providers, strategies, publications;
    };
    Counts counts() {
        const QJsonObject state = http("GET", QStringLiteral("/_sandbox/state"));
        const QJsonObject azure = state.value(QStringLiteral("azure")).toObject();
        const QJsonObject konnect = state.value(QStringLiteral("konnect")).toObject();
        return Counts{static_cast<int>(azure.value(QStringLiteral("applications")).toArray().size()),
                      static_cast<int>(azure.value(QStringLiteral("service_principals")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("dcr_providers")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("auth_strategies")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("publications")).toArray().size())};
    }

    // Nothing a setup makes is left: no app (and so no password credential), service principal,
    // app role assignment, permission grant, provider, strategy, publication or developer app.
    void expectNothingLeft(const WizardRun& cleanup) {
        const QJsonObject state = http("GET", QStringLiteral("/_sandbox/state"));
        const QJsonObject azure = state.value(QStringLiteral("azure")).toObject();
        const QJsonObject konnect = state.value(QStringLiteral("konnect")).toObject();
        for (const char* key : {"applications", "service_principals", "app_role_assignments", "oauth2_permission_grants"})
            EXPECT_TRUE(azure.value(QLatin1String(key)).toArray().isEmpty()) << key << " left: " << cleanup.err.toStdString();
        for (const char* key : {"dcr_providers", "auth_strategies", "publications", "applications"})
            EXPECT_TRUE(konnect.value(QLatin1String(key)).toArray().isEmpty()) << "konnect " << key << " left: " << cleanup.err.toStdString();
    }

    // An administrator's Graph token, got the way a person would: a device code approved by the
    // sandbox's seeded administrator.
    QString graphToken() {
        const QString tenant = info.value(QStringLiteral("tenant_id")).toString();
        const QByteArray scope = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All "
                                 "https://graph.microsoft.com/DelegatedPermissionGrant.ReadWrite.All offline_access openid profile";
        const QByteArray form = "client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&scope=" + QUrl::toPercentEncoding(QString::fromLatin1(scope));
        const QJsonObject code = http("POST", QStringLiteral("/login/%1/oauth2/v2.0/devicecode").arg(tenant), form, {}, "application/x-www-form-urlencoded");
        http("POST", QStringLiteral("/_sandbox/device/approve"),
             QJsonDocument(QJsonObject{{QStringLiteral("user_code"), code.value(QStringLiteral("user_code"))}}).toJson());
        const QByteArray poll = "grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=14d82eec-204b-4c2f-b7e8-296a70dab67e&device_code=" +
                                QUrl::toPercentEncoding(code.value(QStringLiteral("device_code")).toString());
        return http("POST", QStringLiteral("/login/%1/oauth2/v2.0/token").arg(tenant), poll, {}, "application/x-www-form-urlencoded")
            .value(QStringLiteral("access_token"))
            .toString();
    }

    // The demo profile with some of its values changed, written to the scratch folder.
    QString profileWith(const std::function<void(QJsonObject&)>& change, const QString& fileName = QStringLiteral("profile.json")) {
        QFile demo(QStringLiteral(DCR_SOURCE_DIR "/resources/profiles/sandbox-demo.json"));
        EXPECT_TRUE(demo.open(QIODevice::ReadOnly));
        QJsonObject profile = QJsonDocument::fromJson(demo.readAll()).object();
        change(profile);
        QFile out(scratch.filePath(fileName));
        EXPECT_TRUE(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(profile).toJson());
        return out.fileName();
    }

    static void setIn(QJsonObject& profile, const char* section, const char* key, const QJsonValue& value) {
        QJsonObject part = profile.value(QLatin1String(section)).toObject();
        part.insert(QLatin1String(key), value);
        profile.insert(QLatin1String(section), part);
    }

    QJsonArray sandboxList(const char* service, const char* key) {
        return http("GET", QStringLiteral("/_sandbox/state")).value(QLatin1String(service)).toObject().value(QLatin1String(key)).toArray();
    }

    QJsonObject appNamed(const QString& name) {
        for (const QJsonValue& app : sandboxList("azure", "applications"))
            if (app.toObject().value(QStringLiteral("displayName")).toString() == name)
                return app.toObject();
        return {};
    }

    static QStringList outcomes(const WizardRun& run) {
        QStringList list;
        for (const QJsonValue& step : run.summary().value(QStringLiteral("steps")).toArray())
            list << step.toObject().value(QStringLiteral("outcome")).toString();
        return list;
    }

    void expectExactlyOneOfEach() {
        const Counts c = counts();
        EXPECT_EQ(c.apps, 1);
        EXPECT_EQ(c.sps, 1);
        EXPECT_EQ(c.providers, 1);
        EXPECT_EQ(c.strategies, 1);
        EXPECT_EQ(c.publications, 1);
    }

    QTemporaryDir scratch;
    QProcess sandbox;
    QNetworkAccessManager nam;
    QJsonObject info;
    QString base;
    QString statePath;
    QString profilePath;
};

TEST_F(UnattendedTest, TheDemoProfileCompletesWithValidationAndASecondRunCreatesNothing) {
    const WizardRun first = wizard();
    ASSERT_EQ(first.exitCode, 0) << first.err.toStdString();
    const QJsonObject summary = first.summary();
    EXPECT_TRUE(summary.value(QStringLiteral("ok")).toBool());
    EXPECT_TRUE(outcomes(first).contains(QStringLiteral("created")));
    for (const QJsonValue& step : summary.value(QStringLiteral("steps")).toArray())
        EXPECT_EQ(step.toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"))
            << step.toObject().value(QStringLiteral("id")).toString().toStdString() << " " << first.err.toStdString();
    // The DCR round trip's test application was deleted again: one app, the initial one.
    expectExactlyOneOfEach();

    const WizardRun second = wizard();
    ASSERT_EQ(second.exitCode, 0) << second.err.toStdString();
    EXPECT_FALSE(outcomes(second).contains(QStringLiteral("created"))) << second.out.toStdString();
    expectExactlyOneOfEach();

    const WizardRun dry = wizard({QStringLiteral("--dry-run")});
    ASSERT_EQ(dry.exitCode, 0) << dry.err.toStdString();
    EXPECT_FALSE(outcomes(dry).contains(QStringLiteral("would create"))) << dry.out.toStdString();
}

TEST_F(UnattendedTest, CleanupRemovesExactlyWhatItCreated) {
    ASSERT_EQ(wizard().exitCode, 0);
    // First the plan: what will go, and nothing goes yet.
    const WizardRun planned = wizard({QStringLiteral("--cleanup"), QStringLiteral("--dry-run")});
    ASSERT_EQ(planned.exitCode, 0) << planned.err.toStdString();
    EXPECT_TRUE(planned.err.contains("Delete: the app registration 'Kong Konnect DCR (sandbox demo)'")) << planned.err.toStdString();
    EXPECT_TRUE(planned.err.contains("Delete: the client secret")) << planned.err.toStdString();
    EXPECT_TRUE(planned.err.contains("Delete: the DCR provider 'azure-dcr-demo'")) << planned.err.toStdString();
    expectExactlyOneOfEach();

    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    expectNothingLeft(cleanup);
    EXPECT_FALSE(QFile::exists(statePath));
    // Nothing left to clean.
    EXPECT_EQ(wizard({QStringLiteral("--cleanup")}).exitCode, 0);
}

// A tenant that already holds an app this tool did not make, named as a profile asks: without
// --adopt it is neither changed nor used; with it, it is used, and clean-up still never deletes
// it, while the app this setup did make is deleted.
TEST_F(UnattendedTest, AnAppSomeoneElseMadeIsNeverChangedAndNeverDeleted) {
    const QString token = graphToken();
    ASSERT_FALSE(token.isEmpty());
    const QJsonObject contoso = http("POST", QStringLiteral("/graph/v1.0/applications"),
                                     R"({"displayName": "Contoso Prod", "signInAudience": "AzureADMyOrg"})", token);
    ASSERT_FALSE(contoso.value(QStringLiteral("id")).toString().isEmpty()) << QJsonDocument(contoso).toJson().toStdString();

    profilePath = profileWith([](QJsonObject& p) { setIn(p, "azure", "app_display_name", QStringLiteral("Kong A")); });
    const WizardRun first = wizard();
    ASSERT_EQ(first.exitCode, 0) << first.err.toStdString();
    ASSERT_FALSE(appNamed(QStringLiteral("Kong A")).isEmpty());

    profilePath = profileWith([](QJsonObject& p) { setIn(p, "azure", "app_display_name", QStringLiteral("Contoso Prod")); });
    const WizardRun refused = wizard();
    EXPECT_EQ(refused.exitCode, 4) << refused.err.toStdString();
    EXPECT_TRUE(refused.err.contains("The app registration 'Contoso Prod'")) << refused.err.toStdString();
    EXPECT_TRUE(refused.err.contains("not created by dcr-wizard")) << refused.err.toStdString();
    EXPECT_TRUE(refused.err.contains("--adopt")) << refused.err.toStdString();
    const QJsonObject untouched = appNamed(QStringLiteral("Contoso Prod"));
    EXPECT_EQ(untouched.value(QStringLiteral("requiredResourceAccess")).toArray(), QJsonArray()) << "its permissions were changed";
    EXPECT_EQ(untouched.value(QStringLiteral("passwordCredentials")).toInt(), 0) << "a secret was added to it";

    const WizardRun dry = wizard({QStringLiteral("--dry-run")});
    EXPECT_EQ(dry.exitCode, 0) << dry.err.toStdString();
    EXPECT_TRUE(dry.out.contains("not created by dcr-wizard")) << dry.out.toStdString();

    const WizardRun adopted = wizard({QStringLiteral("--adopt")});
    ASSERT_EQ(adopted.exitCode, 0) << adopted.err.toStdString();
    EXPECT_EQ(appNamed(QStringLiteral("Contoso Prod")).value(QStringLiteral("passwordCredentials")).toInt(), 1);

    const WizardRun planned = wizard({QStringLiteral("--cleanup"), QStringLiteral("--dry-run")});
    EXPECT_TRUE(planned.err.contains("Keep: the app registration 'Contoso Prod'")) << planned.err.toStdString();
    EXPECT_TRUE(planned.err.contains("Delete: the app registration 'Kong A'")) << planned.err.toStdString();

    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    const QJsonObject kept = appNamed(QStringLiteral("Contoso Prod"));
    ASSERT_FALSE(kept.isEmpty()) << "clean-up deleted an app it did not create: " << cleanup.err.toStdString();
    EXPECT_EQ(kept.value(QStringLiteral("passwordCredentials")).toInt(), 0) << "the secret this setup added to it is left";
    EXPECT_TRUE(appNamed(QStringLiteral("Kong A")).isEmpty()) << "the app this setup created is left";
    EXPECT_EQ(sandboxList("azure", "applications").size(), 1);
    EXPECT_TRUE(sandboxList("konnect", "dcr_providers").isEmpty());
}

// Objects whose creation was answered after the run was cut short carry the tag but no record:
// clean-up, even without a resume first, finds them by name and removes them.
TEST_F(UnattendedTest, CleanupWithoutAResumeRemovesTaggedObjectsThatWereNeverRecorded) {
    for (const char* path : {"^/graph/v1.0/applications$", "^/konnect/v2/dcr-providers$", "^/konnect/v2/application-auth-strategies$"}) {
        http("POST", QStringLiteral("/_sandbox/reset"));
        QFile::remove(statePath);
        const QJsonObject fault{{QStringLiteral("kind"), QStringLiteral("lost_answer")}, {QStringLiteral("method"), QStringLiteral("POST")},
                                {QStringLiteral("path"), QString::fromLatin1(path)}, {QStringLiteral("count"), 1}};
        http("POST", QStringLiteral("/_sandbox/faults"), QJsonDocument(QJsonArray{fault}).toJson());
        const WizardRun cut = wizard({QStringLiteral("--request-timeout"), QStringLiteral("3")});
        EXPECT_EQ(cut.exitCode, 4) << path << ": " << cut.err.toStdString();
        http("DELETE", QStringLiteral("/_sandbox/faults"));
        const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
        ASSERT_EQ(cleanup.exitCode, 0) << path << ": " << cleanup.err.toStdString();
        expectNothingLeft(cleanup);
    }
}

// A recorded object that lost this setup's tag, or was replaced by another one of the same name,
// is not this setup's any more: clean-up deletes none of it and says which.
TEST_F(UnattendedTest, ARecordedObjectThatLostItsTagOrWasReplacedIsNotDeleted) {
    ASSERT_EQ(wizard().exitCode, 0);
    const QString token = graphToken();
    const QString konnect = info.value(QStringLiteral("konnect_personal_token")).toString();
    const QJsonObject app = appNamed(QStringLiteral("Kong Konnect DCR (sandbox demo)"));
    // Someone took the tag off the app, and replaced the provider by one of their own with the same name.
    http("PATCH", QStringLiteral("/graph/v1.0/applications/%1").arg(app.value(QStringLiteral("id")).toString()), R"({"tags": []})", token);
    const QJsonArray providers = sandboxList("konnect", "dcr_providers");
    ASSERT_EQ(providers.size(), 1);
    const QString providerId = providers.first().toObject().value(QStringLiteral("id")).toString();
    http("PATCH", QStringLiteral("/konnect/v2/dcr-providers/%1").arg(providerId), R"({"labels": {"dcr-wizard-run": null, "owner": "someone-else"}})", konnect);

    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    EXPECT_EQ(cleanup.exitCode, 4) << cleanup.err.toStdString();
    EXPECT_TRUE(cleanup.err.contains("was not deleted")) << cleanup.err.toStdString();
    EXPECT_EQ(sandboxList("konnect", "dcr_providers").size(), 1) << "the relabelled provider was deleted";
    EXPECT_FALSE(appNamed(QStringLiteral("Kong Konnect DCR (sandbox demo)")).isEmpty()) << "the untagged app was deleted";
    EXPECT_TRUE(QFile::exists(statePath)) << "the record of what is left was dropped";
}

// An API already published on the portal with another strategy keeps it, unless the switch is
// allowed; then clean-up puts the previous publication back.
TEST_F(UnattendedTest, AnApiPublishedWithAnotherStrategyKeepsItUnlessAdoptedAndGetsItBack) {
    const QString konnect = info.value(QStringLiteral("konnect_personal_token")).toString();
    const QJsonObject keyAuth = http("POST", QStringLiteral("/konnect/v2/application-auth-strategies"),
                                     R"({"name": "key-auth", "display_name": "Key auth", "strategy_type": "key_auth",
                                         "configs": {"key-auth": {"key_names": ["apikey"]}}})",
                                     konnect);
    const QString keyAuthId = keyAuth.value(QStringLiteral("id")).toString();
    ASSERT_FALSE(keyAuthId.isEmpty()) << QJsonDocument(keyAuth).toJson().toStdString();
    const QString publication = QStringLiteral("/konnect/v3/apis/%1/publications/%2")
                                    .arg(info.value(QStringLiteral("api_id")).toString(), info.value(QStringLiteral("portal_id")).toString());
    const QByteArray before = QJsonDocument(QJsonObject{{QStringLiteral("auth_strategy_ids"), QJsonArray{keyAuthId}},
                                                        {QStringLiteral("visibility"), QStringLiteral("private")},
                                                        {QStringLiteral("auto_approve_registrations"), false}})
                                  .toJson();
    http("PUT", publication, before, konnect);
    const auto strategiesNow = [&] { return http("GET", publication, {}, konnect).value(QStringLiteral("auth_strategy_ids")).toArray(); };
    ASSERT_EQ(strategiesNow(), QJsonArray{keyAuthId});

    const WizardRun refused = wizard();
    EXPECT_EQ(refused.exitCode, 4) << refused.err.toStdString();
    EXPECT_TRUE(refused.err.contains("cut off")) << refused.err.toStdString();
    EXPECT_EQ(strategiesNow(), QJsonArray{keyAuthId}) << "the publication was switched without consent";

    const WizardRun adopted = wizard({QStringLiteral("--adopt"), QStringLiteral("--resume")});
    ASSERT_EQ(adopted.exitCode, 0) << adopted.err.toStdString();
    EXPECT_NE(strategiesNow(), QJsonArray{keyAuthId});

    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    const QJsonObject restored = http("GET", publication, {}, konnect);
    EXPECT_EQ(restored.value(QStringLiteral("auth_strategy_ids")).toArray(), QJsonArray{keyAuthId}) << cleanup.err.toStdString();
    EXPECT_EQ(restored.value(QStringLiteral("visibility")).toString(), QStringLiteral("private"));
    EXPECT_FALSE(restored.value(QStringLiteral("auto_approve_registrations")).toBool());
    EXPECT_EQ(sandboxList("konnect", "auth_strategies").size(), 1) << "only the key-auth strategy is left";
}

// A sandbox replay and a real run of one profile never share saved progress, and progress saved
// for another target is refused rather than acted on.
TEST_F(UnattendedTest, SavedProgressOfAnotherTargetIsRefused) {
    ASSERT_EQ(wizard().exitCode, 0);
    // The same state file, now for a profile whose services are elsewhere (real ones, on this machine).
    profilePath = profileWith([&](QJsonObject& p) {
        setIn(p, "azure", "cloud", QStringLiteral("custom"));
        setIn(p, "azure", "login_url", base + QStringLiteral("/login"));
        setIn(p, "azure", "graph_url", base + QStringLiteral("/graph"));
        setIn(p, "konnect", "region", QStringLiteral("custom"));
        setIn(p, "konnect", "base_url", base + QStringLiteral("/konnect"));
    });
    QProcess p;
    p.setProgram(QStringLiteral(DCR_WIZARD_BIN));
    p.setArguments({QStringLiteral("--unattended"), QStringLiteral("--profile"), profilePath, QStringLiteral("--state-file"), statePath,
                    QStringLiteral("--cleanup"), QStringLiteral("--allow-custom-endpoints")});
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DCR_WIZARD_KONNECT_TOKEN"), info.value(QStringLiteral("konnect_personal_token")).toString());
    p.setProcessEnvironment(env);
    p.start();
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    const QByteArray err = p.readAllStandardError();
    EXPECT_TRUE(err.contains("belongs to the sandbox")) << err.toStdString();
    expectExactlyOneOfEach();

    // The same profile without the permission to use its hosts: nothing is sent there at all.
    p.setArguments({QStringLiteral("--unattended"), QStringLiteral("--profile"), profilePath, QStringLiteral("--state-file"),
                    scratch.filePath(QStringLiteral("other-state.json"))});
    const int before = static_cast<int>(http("GET", QStringLiteral("/_sandbox/requests")).value(QStringLiteral("requests")).toArray().size());
    p.start();
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    const QByteArray refused = p.readAllStandardError();
    EXPECT_TRUE(refused.contains("--allow-custom-endpoints")) << refused.toStdString();
    EXPECT_TRUE(refused.contains("127.0.0.1")) << "the hosts are named: " << refused.toStdString();
    const int after = static_cast<int>(http("GET", QStringLiteral("/_sandbox/requests")).value(QStringLiteral("requests")).toArray().size());
    EXPECT_EQ(after, before + 1) << "a request reached the custom hosts (the one counted is this test's own look at the log)";
}

TEST_F(UnattendedTest, ReplicationDelayIsAbsorbed) {
    http("PUT", QStringLiteral("/_sandbox/replication-delay"), R"({"ms": 3000})");
    const WizardRun run = wizard();
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    expectExactlyOneOfEach();
}

TEST_F(UnattendedTest, KilledAtEveryStepBoundaryAndResumedLeavesOneOfEach) {
    // Every boundary of the plan: before the first step has ended, between any two, before the last.
    const WizardRun reference = wizard();
    ASSERT_EQ(reference.exitCode, 0) << reference.err.toStdString();
    const int planSteps = static_cast<int>(reference.summary().value(QStringLiteral("steps")).toArray().size());
    ASSERT_GE(planSteps, 12);
    for (int boundary = 0; boundary < planSteps; ++boundary) {
        http("POST", QStringLiteral("/_sandbox/reset"));
        QFile::remove(statePath);
        // Slow every answer down so that the kill lands while the run is really in progress.
        http("POST", QStringLiteral("/_sandbox/faults"), R"([{"kind":"latency","ms":40}])");
        QProcess p;
        p.setProgram(QStringLiteral(DCR_WIZARD_BIN));
        p.setArguments(wizardArgs({}));
        p.start();
        ASSERT_TRUE(p.waitForStarted(10000));
        int steps = 0;
        QByteArray pending;
        const bool reached = dcr::test::waitUntil([&] {
            pending += p.readAllStandardError();
            steps = static_cast<int>(pending.count("\n[")) + (pending.startsWith('[') ? 1 : 0);
            return steps >= boundary || p.state() == QProcess::NotRunning;
        }, 60000);
        ASSERT_TRUE(reached);
        EXPECT_EQ(p.state(), QProcess::Running) << "the run ended before it could be killed after " << boundary << " steps";
        ::kill(static_cast<pid_t>(p.processId()), SIGKILL);
        p.waitForFinished(5000);
        http("DELETE", QStringLiteral("/_sandbox/faults"));

        const WizardRun resumed = wizard({QStringLiteral("--resume")});
        ASSERT_EQ(resumed.exitCode, 0) << "killed after " << boundary << " steps: " << resumed.err.toStdString();
        expectExactlyOneOfEach();
        const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
        ASSERT_EQ(cleanup.exitCode, 0) << "killed after " << boundary << " steps: " << cleanup.err.toStdString();
        expectNothingLeft(cleanup);
    }
}

TEST_F(UnattendedTest, NoSecretReachesStdoutStderrOrTheStateFile) {
    const WizardRun run = wizard();
    ASSERT_EQ(run.exitCode, 0) << run.err.toStdString();
    const QString appId = run.summary().value(QStringLiteral("ids")).toObject().value(QStringLiteral("app_id")).toString();
    const QString tenantId = run.summary().value(QStringLiteral("ids")).toObject().value(QStringLiteral("tenant_id")).toString();
    ASSERT_FALSE(appId.isEmpty());
    // The secret is in the keychain…
    QProcess lookup;
    lookup.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("dcr-wizard"), QStringLiteral("user"),
                                                 QStringLiteral("sandbox-demo/initial-client-secret/%1/%2").arg(tenantId, appId)});
    ASSERT_TRUE(lookup.waitForFinished(10000));
    const QByteArray secret = lookup.readAllStandardOutput();
    ASSERT_GE(secret.size(), 16) << "the client secret is not in the keychain";
    // …and nowhere else: not in stdout, stderr, the state file, or the sandbox's request log.
    EXPECT_FALSE(run.out.contains(secret));
    EXPECT_FALSE(run.err.contains(secret));
    QFile state(statePath);
    ASSERT_TRUE(state.open(QIODevice::ReadOnly));
    EXPECT_FALSE(state.readAll().contains(secret));
    const QByteArray log = QJsonDocument(http("GET", QStringLiteral("/_sandbox/requests"))).toJson();
    EXPECT_FALSE(log.contains(secret));
    EXPECT_FALSE(log.contains(info.value(QStringLiteral("konnect_personal_token")).toString().toUtf8()));
}

TEST_F(UnattendedTest, AMissingProfileOrBadArgumentsAreUserErrors) {
    QProcess p;
    p.start(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--unattended")});
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 2);
    p.start(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--unattended"), QStringLiteral("--profile"), QStringLiteral("/nonexistent.json")});
    ASSERT_TRUE(p.waitForFinished(10000));
    EXPECT_EQ(p.exitCode(), 2);
    EXPECT_TRUE(p.readAllStandardError().contains("cannot read the profile"));
}

}  // namespace dcr_e2e

namespace dcr_e2e {

struct FaultCase {
    const char* step;
    const char* method;
    const char* path;
    const char* kind;  // rate_limit, status500, status503, drop, timeout, replication_delay, lost_answer
};

// The main request of every step, and the sign-in, each hit by every fault kind.
std::vector<FaultCase> faultMatrix() {
    const std::vector<std::tuple<const char*, const char*, const char*>> targets{
        {"sign-in", "POST", "^/login/[^/]+/oauth2/v2.0/token$"},
        {"azure.tenant", "GET", "^/graph/v1.0/organization$"},
        {"azure.graph-permissions", "GET", "^/graph/v1.0/servicePrincipals$"},
        {"azure.app", "POST", "^/graph/v1.0/applications$"},
        {"azure.service-principal", "POST", "^/graph/v1.0/servicePrincipals$"},
        {"azure.consent-application", "POST", "^/graph/v1.0/servicePrincipals/[^/]+/appRoleAssignedTo$"},
        {"azure.consent-delegated", "POST", "^/graph/v1.0/oauth2PermissionGrants$"},
        {"azure.client-secret", "POST", "^/graph/v1.0/applications/[^/]+/addPassword$"},
        {"konnect.organization", "GET", "^/konnect/v3/organizations/me$"},
        {"konnect.dcr-provider", "POST", "^/konnect/v2/dcr-providers$"},
        {"konnect.verify-provider", "POST", "^/konnect/v2/dcr-providers/[^/]+/verify$"},
        {"konnect.auth-strategy", "POST", "^/konnect/v2/application-auth-strategies$"},
        {"konnect.publish", "PUT", "^/konnect/v3/apis/[^/]+/publications/[^/]+$"},
        {"validate.token", "POST", "^/login/[^/]+/oauth2/token$"},
    };
    // Replication delay only means something to a request that refers to an object created moments
    // before: there the sandbox answers as a lagging Entra ID replica does.
    const std::vector<std::string> refersToANewObject{"azure.service-principal", "azure.consent-application", "azure.consent-delegated",
                                                      "azure.client-secret", "konnect.verify-provider", "validate.token"};
    std::vector<FaultCase> cases;
    for (const auto& [step, method, path] : targets) {
        for (const char* kind : {"rate_limit", "status500", "status503", "drop", "timeout", "lost_answer"})
            cases.push_back({step, method, path, kind});
        if (std::find(refersToANewObject.begin(), refersToANewObject.end(), step) != refersToANewObject.end())
            cases.push_back({step, method, path, "replication_delay"});
    }
    return cases;
}

// Names the case in ctest's listing instead of dumping its bytes.
void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.step << " " << c.kind; }

std::string faultCaseName(const FaultCase& c) {
    std::string name = std::string(c.step) + "_" + c.kind;
    for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch)))
            ch = '_';
    return name;
}

// Each cell leaves "started", then "passed" or "failed", in a file of its own, so that the summary
// (DISABLED_FaultMatrixSummary, run by ctest after every cell's own process) also sees cells that
// crashed or were killed by ctest's timeout.
QString cellRecord(const FaultCase& c) {
    return QStringLiteral(DCR_FAULT_MATRIX_DIR "/") + QString::fromStdString(faultCaseName(c));
}

void record(const FaultCase& c, const QByteArray& outcome) {
    QDir().mkpath(QStringLiteral(DCR_FAULT_MATRIX_DIR));
    QFile file(cellRecord(c));
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(outcome);
}

// The figure of the cells this process ran, for a plain run of the binary: "fault matrix: 90/90
// cells passed".
struct MatrixTally {
    int run = 0;
    int passed = 0;
};
MatrixTally& tally() {
    static MatrixTally t;
    return t;
}

class MatrixReport : public ::testing::Environment {
public:
    void TearDown() override {
        if (tally().run > 0)
            std::printf("fault matrix: %d/%d cells passed\n", tally().passed, tally().run);
    }
};
::testing::Environment* const kMatrixReport = ::testing::AddGlobalTestEnvironment(new MatrixReport);

class FaultMatrixTest : public UnattendedTest, public ::testing::WithParamInterface<FaultCase> {
protected:
    void SetUp() override {
        record(GetParam(), "started");
        UnattendedTest::SetUp();
    }
    void TearDown() override {
        UnattendedTest::TearDown();
        const bool passed = !HasFailure();
        ++tally().run;
        tally().passed += passed ? 1 : 0;
        record(GetParam(), passed ? "passed" : "failed");
    }
};

TEST_P(FaultMatrixTest, EachFaultIsSurvivedOrReportedAndThenResumed) {
    const FaultCase c = GetParam();
    QJsonObject fault{{QStringLiteral("method"), QString::fromLatin1(c.method)}, {QStringLiteral("path"), QString::fromLatin1(c.path)}};
    const QString kind = QString::fromLatin1(c.kind);
    if (kind == QLatin1String("rate_limit")) {
        fault.insert(QStringLiteral("kind"), kind);
        fault.insert(QStringLiteral("retry_after"), 1);
        fault.insert(QStringLiteral("count"), 2);
    } else if (kind == QLatin1String("replication_delay")) {
        fault.insert(QStringLiteral("kind"), QStringLiteral("replication"));
        fault.insert(QStringLiteral("count"), 2);
    } else if (kind.startsWith(QLatin1String("status"))) {
        fault.insert(QStringLiteral("kind"), QStringLiteral("status"));
        fault.insert(QStringLiteral("status"), kind.mid(6).toInt());
        fault.insert(QStringLiteral("count"), 2);
    } else {
        fault.insert(QStringLiteral("kind"), kind);
        // A lost answer once: the service did what was asked and the tool never heard of it.
        fault.insert(QStringLiteral("count"), kind == QLatin1String("timeout") || kind == QLatin1String("lost_answer") ? 1 : 2);
    }
    http("POST", QStringLiteral("/_sandbox/faults"), QJsonDocument(QJsonArray{fault}).toJson());

    const WizardRun first = wizard({QStringLiteral("--request-timeout"), QStringLiteral("3")});
    // A cell whose fault never hit its request would pass without testing anything.
    const QJsonObject left = http("GET", QStringLiteral("/_sandbox/faults")).value(QStringLiteral("faults")).toArray().first().toObject();
    EXPECT_LT(left.value(QStringLiteral("count")).toInt(), fault.value(QStringLiteral("count")).toInt())
        << "the fault never hit " << c.method << " " << c.path;
    if (first.exitCode != 0) {
        // Stopped: the user was told what happened and what to do, and a resume finishes the job.
        EXPECT_TRUE(first.err.contains("What to do") || first.err.contains("[failed]")) << first.err.toStdString();
        http("DELETE", QStringLiteral("/_sandbox/faults"));
        const WizardRun resumed = wizard({QStringLiteral("--resume")});
        ASSERT_EQ(resumed.exitCode, 0) << c.step << "/" << c.kind << ": " << resumed.err.toStdString();
    }
    expectExactlyOneOfEach();
    // Whatever the fault did, clean-up then removes everything the setup made (what a request whose
    // answer was lost made included), and nothing else.
    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    expectNothingLeft(cleanup);
}

std::string faultCaseParamName(const ::testing::TestParamInfo<FaultCase>& info) {
    return faultCaseName(info.param);
}

INSTANTIATE_TEST_SUITE_P(EveryStepEveryFault, FaultMatrixTest, ::testing::ValuesIn(faultMatrix()), faultCaseParamName);

// Run by ctest once every cell has run in its own process (tests/CMakeLists.txt, fixture
// e2e_fault_matrix); disabled otherwise, since it reads what the cells recorded.
TEST(DISABLED_FaultMatrixSummary, EveryCellThatRanPassed) {
    int passed = 0;
    int notRun = 0;
    QStringList broken;
    const std::vector<FaultCase> cells = faultMatrix();
    for (const FaultCase& c : cells) {
        QFile file(cellRecord(c));
        if (!file.open(QIODevice::ReadOnly)) {
            ++notRun;
            continue;
        }
        const QByteArray outcome = file.readAll();
        if (outcome == "passed")
            ++passed;
        else
            broken << QString::fromStdString(faultCaseName(c)) + QLatin1Char(' ') + QString::fromLatin1(outcome == "started" ? "crashed or timed out" : "failed");
    }
    QString figure = QStringLiteral("fault matrix: %1/%2 cells passed").arg(passed).arg(cells.size());
    if (notRun > 0)
        figure += QStringLiteral(" (%1 not run)").arg(notRun);
    std::printf("%s\n", qPrintable(figure));
    // ctest shows no output of a passing test: tests/run-all.sh prints this file after the run.
    QFile summary(QStringLiteral(DCR_FAULT_MATRIX_DIR "/SUMMARY"));
    if (summary.open(QIODevice::WriteOnly | QIODevice::Truncate))
        summary.write(figure.toUtf8() + '\n');
    EXPECT_TRUE(broken.isEmpty()) << broken.join(QLatin1Char('\n')).toStdString();
}

}  // namespace dcr_e2e
