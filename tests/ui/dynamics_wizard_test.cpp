// The wizard's "Dynamics 365 / Dataverse client app" blueprint (seed 004), clicked through with
// the real widgets against the embedded sandbox.
#include "ui/wizard_driver.h"

#include "wizard/run_controller.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTreeView>

namespace {

using dcr::test::WizardDriver;
using dcr::test::waitUntil;
using PageId = dcr::ui::SetupWizard::PageId;

constexpr int kApplyTimeoutMs = 180000;

class DynamicsWizardTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        driver = std::make_unique<WizardDriver>();
        ASSERT_TRUE(driver->waitForSandbox()) << "the embedded sandbox did not start";
    }
    void TearDown() override { driver.reset(); }

    QLabel* label(const char* name) const { return driver->find<QLabel>(name); }
    QLineEdit* edit(const char* name) const { return driver->find<QLineEdit>(name); }

    static QStringList rows(const QTreeView* view) {
        QStringList out;
        const QAbstractItemModel* model = view->model();
        for (int r = 0; r < model->rowCount(); ++r)
            out << model->index(r, 0).data().toString() + QLatin1Char('\t') + model->index(r, 1).data().toString();
        return out;
    }

    void retype(const char* name, const QString& text) {
        QLineEdit* field = edit(name);
        field->selectAll();
        QTest::keyClick(field, Qt::Key_Delete);
        QTest::keyClicks(field, text);
    }

    // Welcome (Dynamics chosen) → Sign-in → the Dynamics app page.
    void openTheDynamicsPage() {
        driver->click("blueprintDynamics");
        ASSERT_TRUE(driver->find<QAbstractButton>("blueprintDynamics")->isChecked());
        ASSERT_TRUE(driver->next());
        ASSERT_EQ(driver->page(), PageId::SignIn);
        ASSERT_TRUE(driver->signIn());
        ASSERT_TRUE(driver->next());
        ASSERT_EQ(driver->page(), PageId::DynamicsApp);
    }

    std::unique_ptr<WizardDriver> driver;
};

TEST_F(DynamicsWizardTest, TheBlueprintClicksThroughToAPassedValidationAndASummaryToCopyFrom) {
    openTheDynamicsPage();
    EXPECT_EQ(edit("dynamicsAppName")->text(), QStringLiteral("Dynamics 365 client (sandbox demo)"));
    EXPECT_TRUE(driver->find<QAbstractButton>("dynamicsAudienceMultipleOrgs")->isChecked());
    EXPECT_EQ(edit("dynamicsRedirectUri")->text(), QStringLiteral("http://localhost"));
    EXPECT_EQ(edit("dynamicsOrganizationUrl")->text(), driver->info.value(QStringLiteral("dynamics_url")).toString());
    EXPECT_TRUE(driver->find<QAbstractButton>("dynamicsAdminConsent")->isChecked());
    EXPECT_TRUE(driver->find<QAbstractButton>("dynamicsTestSignIn")->isChecked());

    // A plain-http redirect elsewhere than this computer is refused where it is typed.
    retype("dynamicsRedirectUri", QStringLiteral("http://example.com/callback"));
    EXPECT_FALSE(label("dynamicsRedirectUriMessage")->isHidden());
    EXPECT_TRUE(label("dynamicsRedirectUriMessage")->text().contains(QStringLiteral("localhost")));
    EXPECT_FALSE(driver->forwardButton()->isEnabled());
    retype("dynamicsRedirectUri", QStringLiteral("myapp://auth"));
    EXPECT_TRUE(label("dynamicsRedirectUriMessage")->isHidden());
    ASSERT_TRUE(driver->next());

    // The Kong pages are skipped.
    ASSERT_EQ(driver->page(), PageId::Review);
    ASSERT_TRUE(driver->waitComplete());
    const QStringList plan = rows(driver->find<QTreeView>("planView"));
    EXPECT_EQ(plan.filter(QStringLiteral("Register the client application")).size(), 1) << plan.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(plan.filter(QStringLiteral("DCR")).isEmpty()) << plan.join(QLatin1Char('\n')).toStdString();
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Apply);
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    for (const QString& row : rows(driver->find<QTreeView>("applyView")))
        EXPECT_TRUE(row.endsWith(QLatin1String("\tdone"))) << row.toStdString();
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Validate);
    EXPECT_TRUE(label("validateResult")->text().startsWith(QStringLiteral("All checks passed")))
        << label("validateResult")->text().toStdString() << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    EXPECT_TRUE(label("validateResult")->text().contains(QStringLiteral("Dynamics 365")));
    EXPECT_EQ(rows(driver->find<QTreeView>("validateView")).size(), 2);
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Summary);
    const QJsonArray apps = driver->sandboxState().value(QStringLiteral("azure")).toObject().value(QStringLiteral("applications")).toArray();
    ASSERT_EQ(apps.size(), 1);
    const QJsonObject app = apps.first().toObject();
    const QString appId = app.value(QStringLiteral("appId")).toString();
    EXPECT_EQ(app.value(QStringLiteral("publicClientRedirectUris")).toArray(), QJsonArray{QStringLiteral("myapp://auth")});
    EXPECT_TRUE(app.value(QStringLiteral("isFallbackPublicClient")).toBool());
    EXPECT_EQ(app.value(QStringLiteral("signInAudience")).toString(), QStringLiteral("AzureADMultipleOrgs"));

    EXPECT_FALSE(driver->find<QWidget>("dynamicsSummary")->isHidden());
    EXPECT_EQ(edit("dynamicsClientId")->text(), appId);
    EXPECT_EQ(edit("dynamicsSummaryRedirectUri")->text(), QStringLiteral("myapp://auth"));
    EXPECT_TRUE(edit("dynamicsAuthority")->text().endsWith(QStringLiteral("/organizations")));
    EXPECT_EQ(edit("dynamicsConnectionString")->text(),
              QStringLiteral("AuthType=OAuth;Url=%1;AppId=%2;RedirectUri=myapp://auth;LoginPrompt=Auto")
                  .arg(driver->info.value(QStringLiteral("dynamics_url")).toString(), appId));
    driver->click("copyClientIdButton");
    EXPECT_EQ(QApplication::clipboard()->text(), appId);
    driver->click("copyConnectionStringButton");
    EXPECT_EQ(QApplication::clipboard()->text(), edit("dynamicsConnectionString")->text());
    driver->click("copyRedirectUriButton");
    EXPECT_EQ(QApplication::clipboard()->text(), QStringLiteral("myapp://auth"));
    EXPECT_TRUE(label("summaryHeadline")->text().contains(QStringLiteral("Dynamics 365")));
    EXPECT_EQ(driver->forwardButton(), driver->wizard->button(QWizard::FinishButton));
}

TEST_F(DynamicsWizardTest, SingleTenantIsAnOptionAndBackReturnsToTheSignIn) {
    openTheDynamicsPage();
    driver->click("dynamicsAudienceMyOrg");
    EXPECT_EQ(driver->wizard->controller().profile().dynamics.signInAudience, QStringLiteral("AzureADMyOrg"));
    retype("dynamicsOrganizationUrl", QStringLiteral("contoso.crm.dynamics.com"));
    EXPECT_FALSE(label("dynamicsOrganizationUrlMessage")->isHidden());
    EXPECT_FALSE(driver->forwardButton()->isEnabled());
    retype("dynamicsOrganizationUrl", QStringLiteral("https://contoso.crm4.dynamics.com"));
    EXPECT_TRUE(label("dynamicsOrganizationUrlMessage")->isHidden());
    EXPECT_TRUE(driver->forwardButton()->isEnabled());
    driver->click(driver->wizard->button(QWizard::BackButton));
    EXPECT_EQ(driver->page(), PageId::SignIn);
    ASSERT_TRUE(driver->next());
    EXPECT_EQ(driver->page(), PageId::DynamicsApp);
    // Choosing the other blueprint again brings back the Kong pages.
    driver->click(driver->wizard->button(QWizard::BackButton));
    driver->click(driver->wizard->button(QWizard::BackButton));
    ASSERT_EQ(driver->page(), PageId::Welcome);
    driver->click("blueprintKongDcr");
    ASSERT_TRUE(driver->next());
    ASSERT_TRUE(driver->signIn());
    ASSERT_TRUE(driver->next());
    EXPECT_EQ(driver->page(), PageId::AzureApp);
}

}  // namespace
