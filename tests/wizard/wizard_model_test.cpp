// The wizard's models without widgets: field checks, the Azure links and explanations, the step
// list the Review/Apply/Validate pages show, the log's redaction and the report.
#include "engine/blueprints/kong_dcr_azure.h"
#include "wizard/azure_guide.h"
#include "wizard/field_checks.h"
#include "wizard/report.h"
#include "wizard/run_log.h"
#include "wizard/step_list_model.h"

#include <gtest/gtest.h>

namespace {

using namespace dcr;
using namespace dcr::wizard;

TEST(FieldChecks, TenantAcceptsGuidsAndDomainsAndExplainsTheRest) {
    EXPECT_TRUE(tenantProblem(QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f")).isEmpty());
    EXPECT_TRUE(tenantProblem(QStringLiteral(" contoso.onmicrosoft.com ")).isEmpty());
    EXPECT_TRUE(tenantProblem(QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e")).contains(QStringLiteral("not a complete tenant ID")));
    EXPECT_FALSE(tenantProblem(QStringLiteral("contoso")).isEmpty());
    EXPECT_FALSE(tenantProblem(QString()).isEmpty());
}

TEST(FieldChecks, KonnectTokensNeedTheirPrefixAndLength) {
    EXPECT_TRUE(konnectTokenProblem(QStringLiteral("kpat_") + QString(40, QLatin1Char('a'))).isEmpty());
    EXPECT_TRUE(konnectTokenProblem(QStringLiteral("spat_") + QString(40, QLatin1Char('B'))).isEmpty());
    EXPECT_TRUE(konnectTokenProblem(QStringLiteral("pat_") + QString(40, QLatin1Char('a'))).contains(QStringLiteral("kpat_")));
    EXPECT_TRUE(konnectTokenProblem(QStringLiteral("kpat_abc")).contains(QStringLiteral("incomplete")));
    EXPECT_TRUE(konnectTokenProblem(QStringLiteral("kpat_") + QString(30, QLatin1Char('a')) + QStringLiteral(" x")).contains(QStringLiteral("incomplete")));
}

TEST(FieldChecks, NamesUrlsAndLists) {
    EXPECT_FALSE(nameProblem(QStringLiteral("  "), 10).isEmpty());
    EXPECT_FALSE(nameProblem(QString(11, QLatin1Char('x')), 10).isEmpty());
    EXPECT_TRUE(nameProblem(QStringLiteral("azure-dcr"), 10).isEmpty());
    EXPECT_TRUE(serviceUrlProblem(QString(), true).isEmpty());
    EXPECT_FALSE(serviceUrlProblem(QString(), false).isEmpty());
    EXPECT_TRUE(serviceUrlProblem(QStringLiteral("https://eu.api.konghq.com"), false).isEmpty());
    EXPECT_TRUE(serviceUrlProblem(QStringLiteral("http://127.0.0.1:8080/konnect"), false).isEmpty());
    EXPECT_FALSE(serviceUrlProblem(QStringLiteral("http://example.com"), false).isEmpty());
    EXPECT_EQ(splitList(QStringLiteral(" appid, sub  oid,")), (QStringList{QStringLiteral("appid"), QStringLiteral("sub"), QStringLiteral("oid")}));
}

TEST(AzureGuide, LinksFollowTheCloud) {
    Profile p;
    EXPECT_EQ(adminConsentUrl(p, QStringLiteral("tid"), QStringLiteral("aid")).toString(),
              QStringLiteral("https://login.microsoftonline.com/tid/adminconsent?client_id=aid"));
    EXPECT_EQ(azurePortalAppUrl(p, QStringLiteral("aid")).toString(),
              QStringLiteral("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/aid"));
    p.azure.cloud = QStringLiteral("usgov");
    EXPECT_TRUE(adminConsentUrl(p, QStringLiteral("tid"), QStringLiteral("aid")).toString().startsWith(QStringLiteral("https://login.microsoftonline.us/")));
    EXPECT_TRUE(azurePortalAppUrl(p, QStringLiteral("aid")).toString().startsWith(QStringLiteral("https://portal.azure.us/")));
}

TEST(AzureGuide, EveryPermissionOfAPresetIsExplained) {
    const QList<PermissionExplanation> minimal = permissionsExplained(Profile::PermissionPreset::Minimal);
    const QList<PermissionExplanation> legacy = permissionsExplained(Profile::PermissionPreset::Legacy);
    EXPECT_EQ(minimal.size(), engine::presetAppRoles(Profile::PermissionPreset::Minimal).size() +
                                  engine::presetScopes(Profile::PermissionPreset::Minimal).size());
    EXPECT_GT(legacy.size(), minimal.size());
    for (const PermissionExplanation& p : legacy)
        EXPECT_FALSE(p.explanation.contains(QStringLiteral("A Microsoft Graph permission the preset includes"))) << p.value.toStdString();
}

engine::Plan twoStepPlan() {
    engine::Step a;
    a.id = QStringLiteral("azure.app");
    a.title = QStringLiteral("Register the application");
    a.description = QStringLiteral("Finds or creates it.");
    engine::Step b;
    b.id = QStringLiteral("konnect.publish");
    b.title = QStringLiteral("Publish the API");
    b.optional = true;
    return {a, b};
}

TEST(StepListModel, ShowsLiveStatusOrThePlan) {
    StepListModel model;
    model.reset(twoStepPlan(), false);
    ASSERT_EQ(model.rowCount(), 2);
    EXPECT_EQ(model.index(1, StepListModel::TitleColumn).data().toString(), QStringLiteral("Publish the API (optional)"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("pending"));
    model.stepStarted(QStringLiteral("azure.app"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("running"));
    model.stepFinished(QStringLiteral("azure.app"), engine::StepResult::done(engine::Outcome::Created, QStringLiteral("Registered.")), 1500);
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("done"));
    EXPECT_EQ(model.index(0, StepListModel::ElapsedColumn).data().toString(), QStringLiteral("1.5 s"));
    EXPECT_EQ(model.index(0, StepListModel::DetailsColumn).data().toString(), QStringLiteral("Registered."));
    model.stepFinished(QStringLiteral("konnect.publish"),
                       engine::StepResult::failed(Error::make(QStringLiteral("x"), QStringLiteral("It broke."), QStringLiteral("Fix it."))), 10);
    EXPECT_EQ(model.index(1, StepListModel::StatusColumn).data().toString(), QStringLiteral("failed"));
    EXPECT_EQ(model.index(1, StepListModel::DetailsColumn).data().toString(), QStringLiteral("It broke. Fix it."));
    EXPECT_TRUE(model.index(1, 0).data(StepListModel::OptionalRole).toBool());

    model.reset(twoStepPlan(), true);
    model.stepFinished(QStringLiteral("azure.app"), engine::StepResult::done(engine::Outcome::WouldCreate, QStringLiteral("Would.")), 5);
    model.stepFinished(QStringLiteral("konnect.publish"), engine::StepResult::done(engine::Outcome::Skipped, QStringLiteral("Not asked.")), 5);
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("create"));
    EXPECT_EQ(model.index(1, StepListModel::StatusColumn).data().toString(), QStringLiteral("skipped"));
    EXPECT_EQ(model.headerData(StepListModel::StatusColumn, Qt::Horizontal).toString(), QStringLiteral("Plan"));
}

TEST(RunLog, RedactsEveryLine) {
    RunLog log;
    QStringList seen;
    QObject::connect(&log, &RunLog::appended, [&seen](const QString& line) { seen << line; });
    const QString token = QStringLiteral("kpat_") + QString(40, QLatin1Char('z'));
    log.append(QStringLiteral("Authorization: Bearer %1").arg(token));
    log.append(QStringLiteral("client_secret=abc~DEF1234567890abcdefghijklmnopqrstu"));
    ASSERT_EQ(seen.size(), 2);
    EXPECT_FALSE(log.text().contains(token));
    EXPECT_FALSE(log.text().contains(QStringLiteral("abc~DEF1234567890")));
    EXPECT_EQ(seen, log.lines());
}

TEST(Report, ListsWhatExistsAndStepsWithoutSecrets) {
    Profile profile;
    profile.name = QStringLiteral("acme");
    profile.azure.tenant = QStringLiteral("acme.onmicrosoft.com");
    const QJsonObject outputs{{engine::keys::kTenantId, QStringLiteral("tid")},     {engine::keys::kTenantName, QStringLiteral("Acme")},
                              {engine::keys::kAppId, QStringLiteral("aid")},        {engine::keys::kAppObjectId, QStringLiteral("oid")},
                              {engine::keys::kSecretStorage, QStringLiteral("keychain")}, {engine::keys::kProviderId, QStringLiteral("pid")}};
    const QList<ExistingObject> exists = whatExists(profile, outputs);
    ASSERT_EQ(exists.size(), 4);
    EXPECT_TRUE(exists.at(3).details.contains(QStringLiteral("issuer https://sts.windows.net/tid")));
    EXPECT_FALSE(exists.at(3).details.contains(QStringLiteral("tid/")));

    StepListModel steps;
    steps.reset(twoStepPlan(), false);
    const QString leaked = QStringLiteral("kpat_") + QString(40, QLatin1Char('q'));
    steps.stepFinished(QStringLiteral("azure.app"),
                       engine::StepResult::done(engine::Outcome::Created, QStringLiteral("Made | it with %1").arg(leaked)), 1);
    const QString md = markdownReport(profile, true, steps, outputs);
    EXPECT_TRUE(md.startsWith(QStringLiteral("# dcr-wizard setup report: acme")));
    EXPECT_TRUE(md.contains(QStringLiteral("**Sandbox:**")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Register the application | done |")));
    EXPECT_TRUE(md.contains(QStringLiteral("Made \\| it")));
    EXPECT_TRUE(md.contains(QStringLiteral("\"tenant\": \"acme.onmicrosoft.com\"")));
    EXPECT_FALSE(md.contains(leaked));
}

}  // namespace
