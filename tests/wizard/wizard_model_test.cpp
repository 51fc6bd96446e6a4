// The wizard's models without widgets: field checks, the Azure links and explanations, the step
// list the Review/Apply/Validate pages show, the log's redaction and the report.
#include "engine/blueprints/kong_dcr_azure.h"
#include "core/endpoints.h"
#include "engine/session.h"
#include "wizard/azure_guide.h"
#include "wizard/deep_links.h"
#include "wizard/dynamics_fields.h"
#include "wizard/field_checks.h"
#include "wizard/report.h"
#include "wizard/run_log.h"
#include "wizard/step_list_model.h"
#include "wizard/wizard_controller.h"

#include "support/wait.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

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
    EXPECT_EQ(adminConsentUrl(Endpoints::forProfile(p).login, QStringLiteral("tid"), QStringLiteral("aid")).toString(),
              QStringLiteral("https://login.microsoftonline.com/tid/adminconsent?client_id=aid"));
    EXPECT_EQ(adminConsentUrl(Endpoints::sandbox(8080).login, QStringLiteral("tid"), QStringLiteral("aid")).toString(),
              QStringLiteral("http://127.0.0.1:8080/login/tid/adminconsent?client_id=aid"));
    EXPECT_EQ(azurePortalAppUrl(p, QStringLiteral("aid")).toString(),
              QStringLiteral("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/aid"));
    p.azure.cloud = QStringLiteral("usgov");
    EXPECT_TRUE(adminConsentUrl(Endpoints::forProfile(p).login, QStringLiteral("tid"), QStringLiteral("aid"))
                    .toString()
                    .startsWith(QStringLiteral("https://login.microsoftonline.us/")));
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

TEST(StepListModel, RunningTheSamePlanAgainClearsOnlyTheRowsThatShowedProgress) {
    StepListModel model;
    int resets = 0;
    QList<int> changedRows;
    QObject::connect(&model, &QAbstractItemModel::modelReset, [&] { ++resets; });
    QObject::connect(&model, &QAbstractItemModel::dataChanged, [&](const QModelIndex& from, const QModelIndex& to) {
        for (int row = from.row(); row <= to.row(); ++row)
            changedRows << row;
    });
    model.reset(twoStepPlan(), false);
    EXPECT_EQ(resets, 1);
    model.stepStarted(QStringLiteral("azure.app"));
    model.stepFinished(QStringLiteral("azure.app"), engine::StepResult::done(engine::Outcome::Created, QStringLiteral("Registered.")), 1500);
    changedRows.clear();

    // Views keep their layout: no reset, and only the row that had a status is repainted.
    model.reset(twoStepPlan(), false);
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(changedRows, QList<int>{0});
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("pending"));
    EXPECT_EQ(model.index(0, StepListModel::ElapsedColumn).data().toString(), QString());
    StepListModel fresh;
    fresh.reset(twoStepPlan(), false);
    EXPECT_EQ(model.index(0, StepListModel::DetailsColumn).data().toString(), fresh.index(0, StepListModel::DetailsColumn).data().toString());

    // A dry run of the same steps shows other words in every row; other steps are a new list.
    changedRows.clear();
    model.reset(twoStepPlan(), true);
    EXPECT_EQ(resets, 1);
    EXPECT_EQ(changedRows, (QList<int>{0, 1}));
    engine::Plan other = twoStepPlan();
    other[1].title = QStringLiteral("Publish the API on the portal");
    model.reset(other, true);
    EXPECT_EQ(resets, 2);
    EXPECT_EQ(model.index(1, StepListModel::TitleColumn).data().toString(), QStringLiteral("Publish the API on the portal (optional)"));
}

TEST(StepListModel, ARunningStepCountsDownToItsNextAttempt) {
    StepListModel model;
    model.reset(twoStepPlan(), false);
    // Only a running step waits: a retry reported for a pending one is someone else's.
    model.retryScheduled(QStringLiteral("azure.app"), 3000, QStringLiteral("the service is throttling requests"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("pending"));

    model.stepStarted(QStringLiteral("azure.app"));
    model.retryScheduled(QStringLiteral("azure.app"), 2500, QStringLiteral("the service is throttling requests"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("retrying in 3 s"));
    EXPECT_EQ(model.index(0, StepListModel::DetailsColumn).data().toString(),
              QStringLiteral("Waiting to repeat a request because the service is throttling requests."));
    const qint64 remaining = StepListModel::retryRemainingMs(*model.row(QStringLiteral("azure.app")));
    EXPECT_GT(remaining, 2000);
    EXPECT_LE(remaining, 2500);
    // The view learns of each second without being asked: the model's own tick repaints the row.
    int repaints = 0;
    QObject::connect(&model, &QAbstractItemModel::dataChanged, [&](const QModelIndex& from, const QModelIndex& to) {
        repaints += from.row() == 0 && from.column() <= StepListModel::StatusColumn && to.column() >= StepListModel::StatusColumn;
    });
    ASSERT_TRUE(dcr::test::waitUntil(
        [&] { return model.index(0, StepListModel::StatusColumn).data().toString() == QStringLiteral("retrying in 1 s"); }, 5000));
    EXPECT_GE(repaints, 2);
    ASSERT_TRUE(dcr::test::waitUntil(
        [&] { return model.index(0, StepListModel::StatusColumn).data().toString() == QStringLiteral("running"); }, 5000));

    model.retryScheduled(QStringLiteral("azure.app"), 60000, QStringLiteral("the service had a temporary failure (HTTP 503)"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("retrying in 60 s"));
    model.retryAttempted(QStringLiteral("azure.app"));
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("running"));
    model.retryScheduled(QStringLiteral("azure.app"), 60000, QStringLiteral("again"));
    model.stepFinished(QStringLiteral("azure.app"), engine::StepResult::done(engine::Outcome::Created, QStringLiteral("Registered.")), 1500);
    EXPECT_EQ(model.index(0, StepListModel::StatusColumn).data().toString(), QStringLiteral("done"));
    EXPECT_EQ(StepListModel::retryRemainingMs(*model.row(QStringLiteral("azure.app"))), -1);
    EXPECT_EQ(StepListModel::retryCountdown(1), QStringLiteral("retrying in 1 s"));
    EXPECT_EQ(StepListModel::retryCountdown(1000), QStringLiteral("retrying in 1 s"));
    EXPECT_EQ(StepListModel::retryCountdown(1001), QStringLiteral("retrying in 2 s"));
}

TEST(DeepLinks, OpenTheConsolesOfTheProfilesCloudAndRegion) {
    Profile p;
    const QJsonObject outputs{{engine::keys::kAppId, QStringLiteral("aid")},
                              {engine::keys::kProviderId, QStringLiteral("pid")},
                              {engine::keys::kStrategyId, QStringLiteral("sid")},
                              {engine::keys::kPortalId, QStringLiteral("portal")}};
    QList<DeepLink> links = deepLinks(p, outputs);
    ASSERT_EQ(links.size(), 4);
    EXPECT_TRUE(links.at(0).text.contains(QStringLiteral("app registration")));
    EXPECT_EQ(links.at(0).url.toString(),
              QStringLiteral("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/aid"));
    EXPECT_TRUE(links.at(1).text.contains(QStringLiteral("DCR provider")));
    EXPECT_EQ(links.at(1).url.toString(), QStringLiteral("https://cloud.konghq.com/us/portals/application-auth"));
    EXPECT_TRUE(links.at(2).text.contains(QStringLiteral("auth strategy")));
    EXPECT_EQ(links.at(2).url.toString(), QStringLiteral("https://cloud.konghq.com/us/portals/application-auth"));
    EXPECT_TRUE(links.at(3).text.contains(QStringLiteral("Dev Portal")));
    EXPECT_EQ(links.at(3).url.toString(), QStringLiteral("https://cloud.konghq.com/us/portals"));

    p.azure.cloud = QStringLiteral("china");
    p.konnect.region = QStringLiteral("EU");
    links = deepLinks(p, outputs);
    ASSERT_EQ(links.size(), 4);
    EXPECT_TRUE(links.at(0).url.toString().startsWith(QStringLiteral("https://portal.azure.cn/#view/Microsoft_AAD_RegisteredApps/")));
    EXPECT_EQ(links.at(3).url.toString(), QStringLiteral("https://cloud.konghq.com/eu/portals"));

    // A custom Konnect host has no known console: only the Azure link remains.
    p.konnect.region = QStringLiteral("custom");
    links = deepLinks(p, outputs);
    ASSERT_EQ(links.size(), 1);
    EXPECT_TRUE(links.at(0).url.toString().startsWith(QStringLiteral("https://portal.azure.cn/")));

    // Only what the run made or found is linked.
    EXPECT_TRUE(deepLinks(Profile{}, QJsonObject{}).isEmpty());
    EXPECT_EQ(deepLinks(Profile{}, QJsonObject{{engine::keys::kStrategyId, QStringLiteral("sid")}}).size(), 1);
}

TEST(DeepLinks, InTheSandboxEveryLinkOpensTheSandboxsState) {
    const QUrl state(QStringLiteral("http://127.0.0.1:8080/_sandbox/state"));
    const QList<DeepLink> links = deepLinks(Profile{}, QJsonObject{{engine::keys::kAppId, QStringLiteral("aid")},
                                                                   {engine::keys::kProviderId, QStringLiteral("pid")}},
                                            state);
    ASSERT_EQ(links.size(), 2);
    for (const DeepLink& link : links) {
        EXPECT_EQ(link.url, state);
        EXPECT_TRUE(link.text.contains(QStringLiteral("sandbox"))) << link.text.toStdString();
    }
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
    // The app was found (someone else's, used with consent); the provider was made by this setup.
    engine::Ownership ownership;
    ownership.recordAdopted({engine::kinds::kApplication, QStringLiteral("oid"), QStringLiteral("azure.app"), {}, QStringLiteral("Acme"), {}, {}, {}});
    ownership.recordCreated({engine::kinds::kDcrProvider, QStringLiteral("pid"), QStringLiteral("konnect.dcr-provider"), {}, {}, {}, {}, {}});
    const QList<ExistingObject> exists = whatExists(profile, outputs, ownership);
    ASSERT_EQ(exists.size(), 4);
    EXPECT_TRUE(exists.at(3).details.contains(QStringLiteral("issuer https://sts.windows.net/tid")));
    EXPECT_FALSE(exists.at(3).details.contains(QStringLiteral("tid/")));
    EXPECT_TRUE(exists.at(0).owner.isEmpty()) << "the tenant is nobody's to make or delete";
    EXPECT_TRUE(exists.at(1).owner.contains(QStringLiteral("not created by dcr-wizard"))) << exists.at(1).owner.toStdString();
    EXPECT_TRUE(exists.at(3).owner.contains(QStringLiteral("created by this setup"))) << exists.at(3).owner.toStdString();

    StepListModel steps;
    steps.reset(twoStepPlan(), false);
    const QString leaked = QStringLiteral("kpat_") + QString(40, QLatin1Char('q'));
    steps.stepFinished(QStringLiteral("azure.app"),
                       engine::StepResult::done(engine::Outcome::Created, QStringLiteral("Made | it with %1").arg(leaked)), 1);
    const QString md = markdownReport(profile, true, steps, outputs, ownership);
    EXPECT_TRUE(md.startsWith(QStringLiteral("# dcr-wizard setup report: acme")));
    EXPECT_TRUE(md.contains(QStringLiteral("**Sandbox:**")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Register the application | done |")));
    EXPECT_TRUE(md.contains(QStringLiteral("Made \\| it")));
    EXPECT_TRUE(md.contains(QStringLiteral("| Made by |")));
    EXPECT_TRUE(md.contains(QStringLiteral("clean-up keeps it |")));
    EXPECT_TRUE(md.contains(QStringLiteral("\"tenant\": \"acme.onmicrosoft.com\"")));
    EXPECT_FALSE(md.contains(leaked));
}

// A profile name names files and keychain entries; until chosen it follows the app's name.
TEST(ProfileName, FollowsTheAppNameUntilChosenAndIsAlwaysAFileSafeName) {
    EXPECT_EQ(profileNameFor(QStringLiteral("Kong Konnect DCR")), QStringLiteral("Kong-Konnect-DCR"));
    EXPECT_EQ(profileNameFor(QStringLiteral("  Contoso / Prod (EU)  ")), QStringLiteral("Contoso-Prod-EU"));
    EXPECT_EQ(profileNameFor(QStringLiteral("日本語")), QStringLiteral("default"));
    EXPECT_EQ(profileNameFor(QString(100, QLatin1Char('a'))).size(), 64);
    for (const QString& app : {QStringLiteral("Kong Konnect DCR"), QStringLiteral("a/b\\c:d"), QStringLiteral("..")})
        EXPECT_TRUE(profileNameProblem(profileNameFor(app)).isEmpty()) << app.toStdString();
    EXPECT_FALSE(profileNameProblem(QStringLiteral("a b")).isEmpty());
    EXPECT_FALSE(profileNameProblem(QStringLiteral("../etc")).isEmpty());
    EXPECT_FALSE(profileNameProblem(QString()).isEmpty());

    WizardController controller(WizardController::Mode::Real);
    controller.setAppDisplayName(QStringLiteral("Contoso Kong"));
    EXPECT_EQ(controller.profile().name, QStringLiteral("Contoso-Kong"));
    controller.setProfileName(QStringLiteral("contoso-eu"));
    controller.setAppDisplayName(QStringLiteral("Contoso Kong 2"));
    EXPECT_EQ(controller.profile().name, QStringLiteral("contoso-eu")) << "a chosen name stays";
}

// A profile received from elsewhere that names its own hosts gets no sign-in or token until the
// user allows those hosts; a profile of Microsoft's and Kong's services needs no question.
TEST(CustomHosts, AnOpenedProfileWithItsOwnHostsAsksFirst) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const auto write = [&](const QString& name, const QJsonObject& json) {
        QFile f(dir.filePath(name));
        EXPECT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(json).toJson());
        return f.fileName();
    };
    const QString custom = write(QStringLiteral("custom.json"),
        QJsonObject{{QStringLiteral("schema_version"), 1},
                    {QStringLiteral("name"), QStringLiteral("ticket-123")},
                    {QStringLiteral("azure"), QJsonObject{{QStringLiteral("tenant"), QStringLiteral("contoso.onmicrosoft.com")}}},
                    {QStringLiteral("konnect"), QJsonObject{{QStringLiteral("region"), QStringLiteral("custom")},
                                                            {QStringLiteral("base_url"), QStringLiteral("https://konnect.attacker.example")}}}});
    const QString plain = write(QStringLiteral("plain.json"),
        QJsonObject{{QStringLiteral("schema_version"), 1},
                    {QStringLiteral("azure"), QJsonObject{{QStringLiteral("tenant"), QStringLiteral("contoso.onmicrosoft.com")}}}});
    WizardController controller(WizardController::Mode::Real);
    QStringList errors;
    ASSERT_TRUE(controller.openProfile(custom, &errors)) << errors.join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(controller.customHostsNeedConsent());
    EXPECT_TRUE(controller.customHosts().contains(QStringLiteral("konnect.attacker.example")));
    controller.allowCustomHosts(true);
    EXPECT_FALSE(controller.customHostsNeedConsent());
    ASSERT_TRUE(controller.openProfile(custom, &errors));
    EXPECT_TRUE(controller.customHostsNeedConsent()) << "each opened profile is asked about anew";
    ASSERT_TRUE(controller.openProfile(plain, &errors));
    EXPECT_FALSE(controller.customHostsNeedConsent());
}

TEST(DynamicsFields, RedirectUrisAndTheEnvironmentAreCheckedAsEntraWould) {
    EXPECT_TRUE(dynamicsRedirectUriProblem(QStringLiteral("http://localhost")).isEmpty());
    EXPECT_TRUE(dynamicsRedirectUriProblem(QStringLiteral("http://127.0.0.1:8400/cb")).isEmpty());
    EXPECT_TRUE(dynamicsRedirectUriProblem(QStringLiteral("myapp://auth")).isEmpty());
    EXPECT_TRUE(dynamicsRedirectUriProblem(QStringLiteral("https://login.microsoftonline.com/common/oauth2/nativeclient")).isEmpty());
    EXPECT_TRUE(dynamicsRedirectUriProblem(QStringLiteral("http://example.com/cb")).contains(QStringLiteral("localhost")));
    EXPECT_FALSE(dynamicsRedirectUriProblem(QStringLiteral("localhost")).isEmpty());
    EXPECT_FALSE(dynamicsRedirectUriProblem(QStringLiteral("https://app.example.com/#frag")).isEmpty());
    EXPECT_FALSE(dynamicsRedirectUriProblem(QString()).isEmpty());
    EXPECT_TRUE(dynamicsOrganizationUrlProblem(QString()).isEmpty());
    EXPECT_TRUE(dynamicsOrganizationUrlProblem(QStringLiteral("https://contoso.crm4.dynamics.com/")).isEmpty());
    EXPECT_FALSE(dynamicsOrganizationUrlProblem(QStringLiteral("contoso.crm.dynamics.com")).isEmpty());
    EXPECT_FALSE(dynamicsOrganizationUrlProblem(QStringLiteral("https://contoso.crm.dynamics.com/main.aspx")).isEmpty());
}

TEST(DynamicsFields, TheClientSettingsFollowTheAudience) {
    Profile p;
    p.blueprint = Profile::Blueprint::DynamicsClient;
    p.azure.tenant = QStringLiteral("contoso.onmicrosoft.com");
    const QJsonObject outputs{{engine::keys::kAppId, QStringLiteral("11111111-2222-3333-4444-555555555555")},
                              {engine::keys::kTenantId, QStringLiteral("6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f")}};
    engine::DynamicsClientSettings s = engine::dynamicsClientSettings(p, outputs, QStringLiteral("https://login.microsoftonline.com/"));
    EXPECT_EQ(s.authority, QStringLiteral("https://login.microsoftonline.com/organizations"));
    EXPECT_EQ(s.connectionString, QStringLiteral("AuthType=OAuth;Url=https://<your-org>.crm.dynamics.com;AppId=11111111-2222-3333-4444-555555555555;"
                                                 "RedirectUri=http://localhost;LoginPrompt=Auto"));
    p.dynamics.signInAudience = QStringLiteral("AzureADMyOrg");
    p.dynamics.organizationUrl = QStringLiteral("https://contoso.crm.dynamics.com/");
    s = engine::dynamicsClientSettings(p, outputs, QStringLiteral("https://login.microsoftonline.com"));
    EXPECT_EQ(s.authority, QStringLiteral("https://login.microsoftonline.com/6b1f0c3e-2d4a-4f8b-9c7e-1a2b3c4d5e6f"));
    EXPECT_TRUE(s.connectionString.contains(QStringLiteral("Url=https://contoso.crm.dynamics.com;")));
    EXPECT_TRUE(engine::dynamicsClientSettings(p, {}, QStringLiteral("https://login.microsoftonline.com")).connectionString.isEmpty());
}

TEST(WizardControllerBlueprint, ChoosingABlueprintSwitchesItsDefaultsAndKeepsTheUsersOwn) {
    WizardController c(WizardController::Mode::Sandbox);
    ASSERT_EQ(c.profile().blueprint, Profile::Blueprint::KongDcrAzure);
    c.setBlueprint(Profile::Blueprint::DynamicsClient);
    EXPECT_EQ(c.profile().blueprint, Profile::Blueprint::DynamicsClient);
    EXPECT_EQ(c.profile().name, QStringLiteral("sandbox-dynamics"));
    EXPECT_EQ(c.profile().azure.appDisplayName, QStringLiteral("Dynamics 365 client (sandbox demo)"));
    EXPECT_TRUE(c.profile().dynamics.testSignIn);
    EXPECT_EQ(c.session().runner().plan().first().id, QStringLiteral("azure.tenant"));
    EXPECT_EQ(c.session().runner().plan().at(2).id, QStringLiteral("dynamics.app"));
    c.setAppDisplayName(QStringLiteral("CRM sync tool"));
    c.setBlueprint(Profile::Blueprint::KongDcrAzure);
    EXPECT_EQ(c.profile().name, QStringLiteral("sandbox-demo"));
    EXPECT_EQ(c.profile().azure.appDisplayName, QStringLiteral("CRM sync tool"));
    EXPECT_EQ(c.session().runner().plan().at(2).id, QStringLiteral("azure.app"));
}

}  // namespace
