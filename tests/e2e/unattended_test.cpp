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

    QJsonObject http(const QByteArray& method, const QString& path, const QByteArray& body = {}) {
        QNetworkRequest request(QUrl(base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
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
    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    const Counts c = counts();
    EXPECT_EQ(c.apps, 0);
    EXPECT_EQ(c.sps, 0);
    EXPECT_EQ(c.providers, 0);
    EXPECT_EQ(c.strategies, 0);
    EXPECT_EQ(c.publications, 0);
    EXPECT_FALSE(QFile::exists(statePath));
    // Nothing left to clean.
    EXPECT_EQ(wizard({QStringLiteral("--cleanup")}).exitCode, 0);
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
    if (kind != QLatin1String("lost_answer"))
        return;
    // What was made by a request whose answer was lost is still this setup's: clean-up removes it.
    const WizardRun cleanup = wizard({QStringLiteral("--cleanup")});
    ASSERT_EQ(cleanup.exitCode, 0) << cleanup.err.toStdString();
    const Counts c0 = counts();
    EXPECT_EQ(c0.apps, 0) << cleanup.err.toStdString();
    EXPECT_EQ(c0.sps, 0);
    EXPECT_EQ(c0.providers, 0) << cleanup.err.toStdString();
    EXPECT_EQ(c0.strategies, 0) << cleanup.err.toStdString();
    EXPECT_EQ(c0.publications, 0);
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
