// The wizard's real widgets, driven with QTest input against the embedded sandbox (offscreen), in
// the private Secret Service session of tests/run-all.sh.
#include "ui/wizard_driver.h"

#include "wizard/run_controller.h"
#include "wizard/run_log.h"

#include <gtest/gtest.h>

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QTreeView>

namespace {

using dcr::test::WizardDriver;
using dcr::test::waitUntil;
using PageId = dcr::ui::SetupWizard::PageId;

constexpr int kApplyTimeoutMs = 180000;

class WizardTest : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().clear();
        driver = std::make_unique<WizardDriver>();
        ASSERT_TRUE(driver->waitForSandbox()) << "the embedded sandbox did not start";
    }
    void TearDown() override { driver.reset(); }

    QString text(const char* labelName) const { return driver->find<QLabel>(labelName)->text(); }

    // Every row of a step list: "<step title>\t<status>".
    static QStringList rows(const QTreeView* view) {
        QStringList out;
        const QAbstractItemModel* model = view->model();
        for (int r = 0; r < model->rowCount(); ++r)
            out << model->index(r, 0).data().toString() + QLatin1Char('\t') + model->index(r, 1).data().toString();
        return out;
    }

    // Saves through the Summary page's export button and its (non-modal) file dialog.
    QByteArray exportThroughDialog(const char* buttonName, const char* dialogName, const QString& path) {
        driver->click(buttonName);
        QFileDialog* dialog = nullptr;
        waitUntil([&] { return (dialog = driver->find<QFileDialog>(dialogName)) != nullptr && dialog->isVisible(); });
        if (!dialog)
            return {};
        dialog->selectFile(path);
        static_cast<QDialog*>(dialog)->accept();  // QFileDialog's override is protected; this is what its Save button calls
        QFile file(path);
        waitUntil([&] { return file.exists(); });
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    QString keychainSecret(const QString& tenantId, const QString& appId) {
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("server"), QStringLiteral("dcr-wizard"),
                                                     QStringLiteral("user"),
                                                     QStringLiteral("sandbox-demo/initial-client-secret/%1/%2").arg(tenantId, appId)});
        lookup.waitForFinished(10000);
        return QString::fromUtf8(lookup.readAllStandardOutput()).trimmed();
    }

    std::unique_ptr<WizardDriver> driver;
};

TEST_F(WizardTest, EveryPageShowsTheSandboxBannerAndStartsInSandboxMode) {
    EXPECT_EQ(driver->page(), PageId::Welcome);
    EXPECT_TRUE(driver->find<QAbstractButton>("modeSandbox")->isChecked());
    const QList<QLabel*> banners = driver->wizard->findChildren<QLabel*>(QStringLiteral("sandboxBanner"));
    EXPECT_EQ(banners.size(), 11);
    for (const QLabel* banner : banners) {
        EXPECT_FALSE(banner->isHidden()) << banner->parentWidget()->objectName().toStdString();
        EXPECT_TRUE(banner->text().contains(QStringLiteral("nothing is created in your Azure or Konnect")));
    }
    EXPECT_TRUE(banners.first()->isVisible() || banners.last()->isVisible());
    driver->click("modeReal");
    for (const QLabel* banner : banners)
        EXPECT_TRUE(banner->isHidden());
    driver->click("modeSandbox");
    EXPECT_FALSE(driver->find<QLabel>("sandboxBanner")->isHidden());
}

// Parts of composite widgets (a spin box's editor, a view's header, a combo box's popup list) are
// Qt's own, named and described by their owner.
bool isPartOfACompositeWidget(const QWidget* widget) {
    if (widget->objectName().startsWith(QLatin1String("qt_")))
        return true;
    for (const QWidget* owner = widget->parentWidget(); owner; owner = owner->parentWidget()) {
        if (qobject_cast<const QAbstractSpinBox*>(owner) || qobject_cast<const QComboBox*>(owner) ||
            qobject_cast<const QAbstractItemView*>(owner) || owner->inherits("QComboBoxPrivateContainer"))
            return true;
    }
    return false;
}

TEST_F(WizardTest, EveryControlHasAnObjectNameAndAnAccessibleName) {
    QStringList missing;
    for (QWidget* widget : driver->wizard->findChildren<QWidget*>()) {
        const bool control = qobject_cast<QAbstractButton*>(widget) || qobject_cast<QLineEdit*>(widget) ||
                             qobject_cast<QComboBox*>(widget) || qobject_cast<QAbstractSpinBox*>(widget) ||
                             qobject_cast<QAbstractItemView*>(widget) || qobject_cast<QPlainTextEdit*>(widget);
        if (!control || isPartOfACompositeWidget(widget))
            continue;
        if (widget->objectName().isEmpty() || widget->accessibleName().isEmpty())
            missing << QStringLiteral("%1 '%2' in %3")
                           .arg(QLatin1String(widget->metaObject()->className()), widget->objectName(), widget->parentWidget()->objectName());
    }
    EXPECT_TRUE(missing.isEmpty()) << missing.join(QLatin1Char('\n')).toStdString();
}

TEST_F(WizardTest, TheHappyPathClicksThroughEveryPageToAPassedValidation) {
    ASSERT_TRUE(driver->next());  // Welcome
    ASSERT_EQ(driver->page(), PageId::SignIn);
    EXPECT_EQ(driver->find<QLineEdit>("tenantEdit")->text(), driver->info.value(QStringLiteral("tenant_domain")).toString());
    EXPECT_FALSE(driver->forwardButton()->isEnabled()) << "Next must wait for the sign-in";
    driver->click("signInButton");
    ASSERT_TRUE(driver->waitComplete()) << text("signInStatus").toStdString();
    EXPECT_TRUE(text("signInStatus").contains(QStringLiteral("Signed in as")));
    EXPECT_TRUE(text("signInStatus").contains(driver->info.value(QStringLiteral("tenant_id")).toString()));
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::AzureApp);
    ASSERT_TRUE(driver->waitComplete());
    EXPECT_TRUE(waitUntil([&] { return text("appNameMessage").contains(QStringLiteral("registers it")); })) << text("appNameMessage").toStdString();
    EXPECT_TRUE(text("permissionList").contains(QStringLiteral("Application.ReadWrite.OwnedBy")));
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Consent);
    EXPECT_TRUE(driver->find<QLineEdit>("adminConsentUrlEdit")->text().startsWith(
        QStringLiteral("https://login.microsoftonline.com/%1/adminconsent?client_id=").arg(driver->info.value(QStringLiteral("tenant_id")).toString())));
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::ClientSecret);
    ASSERT_TRUE(driver->waitComplete());
    EXPECT_TRUE(text("keychainStatus").contains(QStringLiteral("keychain is available"))) << text("keychainStatus").toStdString();
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Konnect);
    EXPECT_EQ(driver->find<QLineEdit>("konnectTokenEdit")->echoMode(), QLineEdit::Password);
    ASSERT_TRUE(driver->waitComplete()) << text("konnectOrgLabel").toStdString();
    EXPECT_TRUE(text("konnectOrgLabel").contains(QStringLiteral("Contoso Sandbox Org")));
    EXPECT_EQ(driver->find<QLineEdit>("issuerEdit")->text(),
              QStringLiteral("https://sts.windows.net/") + driver->info.value(QStringLiteral("tenant_id")).toString());
    EXPECT_TRUE(driver->find<QLineEdit>("issuerEdit")->isReadOnly());
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Publish);
    ASSERT_TRUE(driver->waitComplete()) << text("apiMessage").toStdString() << text("portalMessage").toStdString();
    EXPECT_EQ(driver->find<QComboBox>("portalCombo")->currentText(), QStringLiteral("Developer Portal"));
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Review);
    ASSERT_TRUE(driver->waitComplete()) << text("reviewStatus").toStdString();
    const QStringList plan = rows(driver->find<QTreeView>("planView"));
    EXPECT_TRUE(plan.filter(QStringLiteral("Register the application\tcreate")).size() == 1) << plan.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(driver->wizard->button(QWizard::CommitButton)->isVisible());
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Apply);
    EXPECT_FALSE(driver->wizard->button(QWizard::BackButton)->isEnabled() && driver->wizard->button(QWizard::BackButton)->isVisible());
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    for (const QString& row : rows(driver->find<QTreeView>("applyView")))
        EXPECT_TRUE(row.endsWith(QLatin1String("\tdone"))) << row.toStdString();
    EXPECT_TRUE(driver->find<QWidget>("applyErrorPanel")->isHidden());
    EXPECT_FALSE(driver->find<QPlainTextEdit>("applyLog")->toPlainText().isEmpty());
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Validate);
    EXPECT_TRUE(text("validateResult").startsWith(QStringLiteral("All checks passed")))
        << text("validateResult").toStdString() << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    const QStringList checks = rows(driver->find<QTreeView>("validateView"));
    EXPECT_EQ(checks.size(), 3) << checks.join(QLatin1Char('\n')).toStdString();
    driver->click("showClaimsButton");
    EXPECT_TRUE(driver->find<QPlainTextEdit>("claimsView")->toPlainText().contains(QStringLiteral("\"appid\"")));
    ASSERT_TRUE(driver->next());

    ASSERT_EQ(driver->page(), PageId::Summary);
    const QString appId = driver->wizard->controller().run().outputs().value(QStringLiteral("app_id")).toString();
    ASSERT_FALSE(appId.isEmpty());
    EXPECT_TRUE(text("azurePortalLink").contains(
        QStringLiteral("https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/") + appId));
    EXPECT_GE(driver->find<QTreeView>("summaryObjects")->model()->rowCount(), 7);
    EXPECT_TRUE(driver->forwardButton()->isVisible());
    driver->click(driver->forwardButton());
    EXPECT_FALSE(driver->wizard->isVisible());
}

TEST_F(WizardTest, AnInjectedFaultShowsItsRemedyAndRetryRecovers) {
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    ASSERT_TRUE(driver->waitComplete());
    ASSERT_EQ(driver->sandboxRequest("POST", QStringLiteral("/_sandbox/faults"),
                                     R"([{"kind":"status","status":500,"path":"^/konnect/v2/application-auth-strategies$","method":"POST","count":20}])"),
              200);
    ASSERT_TRUE(driver->next());
    ASSERT_EQ(driver->page(), PageId::Apply);
    QWidget* errorPanel = driver->find<QWidget>("applyErrorPanel");
    ASSERT_TRUE(waitUntil([&] { return errorPanel->isVisible(); }, kApplyTimeoutMs));
    EXPECT_TRUE(text("applyErrorWhat").startsWith(QStringLiteral("Create the auth strategy: "))) << text("applyErrorWhat").toStdString();
    EXPECT_TRUE(text("applyErrorRemedy").startsWith(QStringLiteral("What to do: ")));
    EXPECT_GT(text("applyErrorRemedy").size(), QStringLiteral("What to do: ").size() + 10) << text("applyErrorRemedy").toStdString();
    EXPECT_TRUE(driver->find<QAbstractButton>("applySkipButton")->isHidden()) << "the auth strategy is not optional";
    EXPECT_FALSE(driver->find<QAbstractButton>("applyCleanupButton")->isHidden());
    EXPECT_FALSE(driver->pageComplete());
    EXPECT_TRUE(rows(driver->find<QTreeView>("applyView")).contains(QStringLiteral("Create the auth strategy\tfailed")));

    ASSERT_EQ(driver->sandboxRequest("DELETE", QStringLiteral("/_sandbox/faults")), 204);
    driver->click("applyRetryButton");
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    EXPECT_TRUE(errorPanel->isHidden());
    ASSERT_TRUE(driver->next());
    EXPECT_TRUE(text("validateResult").startsWith(QStringLiteral("All checks passed"))) << text("validateResult").toStdString();
}

TEST_F(WizardTest, FieldsExplainWhatIsWrongUnderneath) {
    ASSERT_TRUE(driver->next());
    ASSERT_EQ(driver->page(), PageId::SignIn);
    auto* tenant = driver->find<QLineEdit>("tenantEdit");
    QLabel* tenantMessage = driver->find<QLabel>("tenantMessage");
    tenant->clear();
    QTest::keyClicks(tenant, QStringLiteral("not a tenant"));
    EXPECT_TRUE(tenantMessage->isVisible());
    EXPECT_TRUE(tenantMessage->text().contains(QStringLiteral("tenant ID"))) << tenantMessage->text().toStdString();
    EXPECT_FALSE(driver->find<QAbstractButton>("signInButton")->isEnabled());
    EXPECT_FALSE(driver->forwardButton()->isEnabled());
    tenant->clear();
    QTest::keyClicks(tenant, QStringLiteral("6b1f0c3e-2d4a-4f8b"));
    EXPECT_TRUE(tenantMessage->text().contains(QStringLiteral("not a complete tenant ID"))) << tenantMessage->text().toStdString();
    tenant->clear();
    QTest::keyClicks(tenant, driver->info.value(QStringLiteral("tenant_domain")).toString());
    EXPECT_FALSE(tenantMessage->isVisible());
    EXPECT_TRUE(driver->find<QAbstractButton>("signInButton")->isEnabled());

    ASSERT_TRUE(driver->advanceTo(PageId::Konnect));
    ASSERT_TRUE(driver->waitComplete());
    auto* token = driver->find<QLineEdit>("konnectTokenEdit");
    QLabel* tokenMessage = driver->find<QLabel>("konnectTokenMessage");
    token->clear();
    QTest::keyClicks(token, QStringLiteral("pat_abcdefghijklmnopqrstuvwxyz"));
    EXPECT_TRUE(tokenMessage->isVisible());
    EXPECT_TRUE(tokenMessage->text().contains(QStringLiteral("kpat_"))) << tokenMessage->text().toStdString();
    EXPECT_FALSE(driver->forwardButton()->isEnabled());
    token->clear();
    QTest::keyClicks(token, QStringLiteral("kpat_short"));
    EXPECT_TRUE(tokenMessage->text().contains(QStringLiteral("incomplete"))) << tokenMessage->text().toStdString();
    // A well-formed token that Konnect refuses is explained under the field too.
    token->clear();
    QTest::keyClicks(token, QStringLiteral("kpat_") + QString(40, QLatin1Char('x')));
    EXPECT_FALSE(tokenMessage->isVisible());
    QLabel* org = driver->find<QLabel>("konnectOrgLabel");
    EXPECT_TRUE(waitUntil([&] { return !org->text().startsWith(QStringLiteral("Checking")) && !org->text().isEmpty(); }));
    EXPECT_FALSE(org->text().contains(QStringLiteral("Organization:"))) << org->text().toStdString();
    EXPECT_FALSE(driver->pageComplete());
    token->clear();
    QTest::keyClicks(token, driver->info.value(QStringLiteral("konnect_personal_token")).toString());
    EXPECT_TRUE(driver->waitComplete());

    driver->find<QLineEdit>("credentialClaimEdit")->clear();
    EXPECT_TRUE(driver->find<QLabel>("credentialClaimMessage")->isVisible());
    EXPECT_FALSE(driver->pageComplete());
}

TEST_F(WizardTest, NoSecretReachesTheLogPaneTheExportedProfileOrTheReport) {
    ASSERT_TRUE(driver->advanceTo(PageId::Apply));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs));
    ASSERT_TRUE(driver->advanceTo(PageId::Summary));

    const QJsonObject ids = driver->wizard->controller().run().outputs();
    const QString secret = keychainSecret(ids.value(QStringLiteral("tenant_id")).toString(), ids.value(QStringLiteral("app_id")).toString());
    ASSERT_GE(secret.size(), 16) << "the client secret is not in the keychain";
    const QStringList secrets{secret, driver->info.value(QStringLiteral("konnect_personal_token")).toString(),
                              driver->info.value(QStringLiteral("developer_password")).toString()};

    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QByteArray profile = exportThroughDialog("exportProfileButton", "exportProfileDialog", dir.filePath(QStringLiteral("profile.json")));
    const QByteArray report = exportThroughDialog("exportReportButton", "exportReportDialog", dir.filePath(QStringLiteral("report.md")));
    ASSERT_TRUE(profile.contains("\"sandbox-demo\"")) << profile.toStdString();
    ASSERT_TRUE(report.contains(ids.value(QStringLiteral("app_id")).toString().toUtf8())) << report.toStdString();
    const QString log = driver->find<QPlainTextEdit>("applyLog")->toPlainText();
    ASSERT_TRUE(log.contains(QStringLiteral("Create the client secret")));
    driver->click("applyCopyLogButton");
    const QString copied = QApplication::clipboard()->text();

    for (const QString& s : secrets) {
        ASSERT_FALSE(s.isEmpty());
        EXPECT_FALSE(log.contains(s));
        EXPECT_FALSE(copied.contains(s));
        EXPECT_FALSE(driver->wizard->controller().log().text().contains(s));
        EXPECT_FALSE(profile.contains(s.toUtf8()));
        EXPECT_FALSE(report.contains(s.toUtf8()));
    }
}

TEST_F(WizardTest, CleanUpOnTheSummaryDeletesWhatTheSetupCreated) {
    ASSERT_TRUE(driver->advanceTo(PageId::Apply));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs));
    ASSERT_TRUE(driver->advanceTo(PageId::Summary));
    driver->click("summaryCleanupButton");
    driver->click("summaryCleanupButtonConfirm");
    EXPECT_TRUE(waitUntil([&] { return text("summaryHeadline").startsWith(QStringLiteral("Everything this tool created was deleted")); }, 60000))
        << text("summaryHeadline").toStdString();
    EXPECT_EQ(driver->find<QTreeView>("summaryObjects")->model()->rowCount(), 0);
}

}  // namespace
