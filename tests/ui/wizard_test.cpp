// The wizard's real widgets, driven with QTest input against the embedded sandbox (offscreen), in
// the private Secret Service session of tests/run-all.sh.
#include "ui/wizard_driver.h"

#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/run_state.h"
#include "wizard/run_controller.h"
#include "wizard/translations.h"
#include "wizard/run_log.h"

#include <gtest/gtest.h>

#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QScrollBar>
#include <QSettings>
#include <QTemporaryDir>
#include <QTranslator>
#include <QTreeView>
#include <QXmlStreamReader>

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
    EXPECT_EQ(banners.size(), 12);
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
    // In the sandbox, the admin consent page is the sandbox's own.
    EXPECT_TRUE(driver->find<QLineEdit>("adminConsentUrlEdit")->text().startsWith(
        QStringLiteral("%1/login/%2/adminconsent?client_id=")
            .arg(driver->info.value(QStringLiteral("base_url")).toString(), driver->info.value(QStringLiteral("tenant_id")).toString())))
        << driver->find<QLineEdit>("adminConsentUrlEdit")->text().toStdString();
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
    // Nothing of the sandbox's exists in the real consoles: every link opens the sandbox's state.
    QLabel* links = driver->find<QLabel>("deepLinks");
    const QString sandboxState = driver->info.value(QStringLiteral("base_url")).toString() + QStringLiteral("/_sandbox/state");
    EXPECT_EQ(links->text().count(QStringLiteral("<a href=\"") + sandboxState + QLatin1Char('"')), 4) << links->text().toStdString();
    EXPECT_FALSE(links->text().contains(QStringLiteral("portal.azure.com")));
    EXPECT_TRUE(links->openExternalLinks());
    EXPECT_TRUE(links->textInteractionFlags().testFlag(Qt::LinksAccessibleByKeyboard));
    EXPECT_NE(links->focusPolicy() & Qt::TabFocus, 0);
    EXPECT_GE(driver->find<QTreeView>("summaryObjects")->model()->rowCount(), 7);
    // The admin consent link opens the sandbox's consent page, which grants what is already granted.
    const QString consent = QStringLiteral("/login/%1/adminconsent?client_id=%2").arg(driver->info.value(QStringLiteral("tenant_id")).toString(), appId);
    EXPECT_TRUE(text("adminConsentLink").contains(QStringLiteral("<a href=\"") + driver->info.value(QStringLiteral("base_url")).toString() + consent))
        << text("adminConsentLink").toStdString();
    QByteArray consentPage;
    EXPECT_EQ(driver->sandboxRequest("GET", consent, {}, &consentPage), 200) << consentPage.toStdString();
    EXPECT_TRUE(consentPage.contains(driver->wizard->controller().profile().azure.appDisplayName.toHtmlEscaped().toUtf8()))
        << consentPage.toStdString();
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

// The click on Apply shows the page first and starts the run in the event loop's next turn, so
// that switching the page, painting it and starting the requests never hold the GUI thread
// together (tests/perf/apply_watchdog); a window that is not on screen starts at once.
TEST_F(WizardTest, ApplyShowsThePageBeforeTheRunStarts) {
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    ASSERT_TRUE(driver->waitComplete());
    const auto& run = driver->wizard->controller().run();
    const int steps = run.progressModel().rowCount();
    ASSERT_GT(steps, 0);
    ASSERT_TRUE(driver->next());
    ASSERT_EQ(driver->page(), PageId::Apply);
    EXPECT_NE(run.phase(), dcr::wizard::RunController::Phase::Applying) << "the run started before the page was painted";
    EXPECT_EQ(text("applyStatus"), QStringLiteral("Setting up… 0 of %1 steps finished.").arg(steps));
    EXPECT_FALSE(driver->find<QLabel>("applyStatus")->isHidden());
    EXPECT_FALSE(driver->pageComplete());
    ASSERT_TRUE(waitUntil([&] { return run.phase() == dcr::wizard::RunController::Phase::Applying; }, 5000));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    // The log shows its newest lines.
    const QScrollBar* logBar = driver->find<QPlainTextEdit>("applyLog")->verticalScrollBar();
    EXPECT_GT(logBar->maximum(), 0);
    EXPECT_EQ(logBar->value(), logBar->maximum());
}

TEST_F(WizardTest, ApplyInAWindowThatIsNotOnScreenStartsAtOnce) {
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    ASSERT_TRUE(driver->waitComplete());
    driver->wizard->hide();
    driver->wizard->next();
    ASSERT_EQ(driver->page(), PageId::Apply);
    EXPECT_EQ(driver->wizard->controller().run().phase(), dcr::wizard::RunController::Phase::Applying);
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
}

TEST_F(WizardTest, ApplyStartsEvenWhenThePageIsNeverPainted) {
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    ASSERT_TRUE(driver->waitComplete());
    driver->wizard->setUpdatesEnabled(false);
    ASSERT_TRUE(driver->next());
    const auto& run = driver->wizard->controller().run();
    EXPECT_NE(run.phase(), dcr::wizard::RunController::Phase::Applying);
    EXPECT_TRUE(waitUntil([&] { return run.phase() == dcr::wizard::RunController::Phase::Applying; }, 2000));
    driver->wizard->setUpdatesEnabled(true);
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
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

QString statusOf(const QTreeView* view, const QString& title);

// A DCR provider someone made, named as the profile's: the Review says so and asks, Apply waits for
// the answer, and clean-up later keeps the provider.
TEST_F(WizardTest, TheReviewAsksBeforeUsingAnObjectDcrWizardDidNotCreate) {
    const QByteArray provider = QJsonDocument(QJsonObject{
        {QStringLiteral("name"), QStringLiteral("azure-dcr-demo")},
        {QStringLiteral("provider_type"), QStringLiteral("azureAd")},
        {QStringLiteral("issuer"), QStringLiteral("https://sts.windows.net/") + driver->info.value(QStringLiteral("tenant_id")).toString()},
        {QStringLiteral("dcr_config"), QJsonObject{{QStringLiteral("initial_client_id"), QStringLiteral("00000000-0000-0000-0000-00000000beef")},
                                                   {QStringLiteral("initial_client_secret"), QStringLiteral("someone-elses-secret")}}}}).toJson();
    ASSERT_EQ(driver->konnectRequest("POST", QStringLiteral("/v2/dcr-providers"), provider), 201);
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    auto* adopt = driver->find<QCheckBox>("reviewAdoptCheck");
    ASSERT_TRUE(waitUntil([&] { return adopt->isVisible(); }, 30000)) << text("reviewStatus").toStdString();
    EXPECT_TRUE(text("reviewStatus").contains(QStringLiteral("not created by dcr-wizard"))) << text("reviewStatus").toStdString();
    EXPECT_TRUE(statusOf(driver->find<QTreeView>("planView"), QStringLiteral("Create the DCR provider")).size() > 0);
    EXPECT_FALSE(driver->pageComplete()) << "Apply is offered before the user answered";

    driver->click(adopt);
    ASSERT_TRUE(driver->waitComplete()) << text("reviewStatus").toStdString();
    ASSERT_TRUE(driver->next());
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    ASSERT_TRUE(driver->advanceTo(PageId::Summary));
    const QAbstractItemModel* objects = driver->find<QTreeView>("summaryObjects")->model();
    QString providerOwner;
    for (int r = 0; r < objects->rowCount(); ++r)
        if (objects->index(r, 0).data().toString() == QStringLiteral("DCR provider"))
            providerOwner = objects->index(r, 2).data().toString();
    EXPECT_TRUE(providerOwner.contains(QStringLiteral("not created by dcr-wizard"))) << providerOwner.toStdString();

    driver->click("summaryCleanupButton");
    driver->click("summaryCleanupButtonConfirm");
    EXPECT_TRUE(waitUntil([&] { return text("summaryHeadline").startsWith(QStringLiteral("Everything this tool created was deleted")); }, 60000))
        << text("summaryHeadline").toStdString();
    EXPECT_EQ(driver->sandboxState().value(QStringLiteral("konnect")).toObject().value(QStringLiteral("dcr_providers")).toArray().size(), 1)
        << "clean-up deleted the provider it did not create";
}

// Each row of a step list by its title: the status column's text.
QString statusOf(const QTreeView* view, const QString& title) {
    const QAbstractItemModel* model = view->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data().toString() == title)
            return model->index(r, 1).data().toString();
    }
    return {};
}

TEST_F(WizardTest, ARateLimitedStepCountsDownToItsRetry) {
    ASSERT_TRUE(driver->advanceTo(PageId::Review));
    ASSERT_TRUE(driver->waitComplete());
    ASSERT_EQ(driver->sandboxRequest("POST", QStringLiteral("/_sandbox/faults"),
                                     R"([{"kind":"rate_limit","path":"^/konnect/v2/dcr-providers$","method":"POST","count":1,"retry_after":4}])"),
              200);
    ASSERT_TRUE(driver->next());
    const QTreeView* view = driver->find<QTreeView>("applyView");
    const QString provider = QStringLiteral("Create the DCR provider");
    ASSERT_TRUE(waitUntil([&] { return statusOf(view, provider).startsWith(QStringLiteral("retrying in ")); }, kApplyTimeoutMs))
        << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    const QString first = statusOf(view, provider);
    EXPECT_TRUE(first == QStringLiteral("retrying in 4 s") || first == QStringLiteral("retrying in 3 s")) << first.toStdString();
    EXPECT_TRUE(text("applyStatus").contains(provider + QStringLiteral(": retrying in "))) << text("applyStatus").toStdString();
    EXPECT_TRUE(text("applyStatus").contains(QStringLiteral("throttling"))) << text("applyStatus").toStdString();
    // It counts down while the page is left alone.
    EXPECT_TRUE(waitUntil([&] { return statusOf(view, provider) == QStringLiteral("retrying in 1 s"); }, 6000)) << statusOf(view, provider).toStdString();
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    EXPECT_EQ(statusOf(view, provider), QStringLiteral("done"));
    EXPECT_FALSE(text("applyStatus").contains(QStringLiteral("retrying")));
    EXPECT_EQ(driver->sandboxState().value(QStringLiteral("konnect")).toObject().value(QStringLiteral("dcr_providers")).toArray().size(), 1);
}

TEST_F(WizardTest, ThePortalAndTheApiAreChosenFromKonnectsLists) {
    ASSERT_EQ(driver->konnectRequest("POST", QStringLiteral("/v3/apis"), R"({"name":"Payments API","version":"v2"})"), 201);
    ASSERT_TRUE(driver->advanceTo(PageId::Publish));
    ASSERT_TRUE(driver->waitComplete()) << text("apiMessage").toStdString() << text("portalMessage").toStdString();
    auto* apis = driver->find<QComboBox>("apiCombo");
    auto* portals = driver->find<QComboBox>("portalCombo");
    ASSERT_EQ(apis->count(), 2);
    EXPECT_EQ(apis->itemText(0), QStringLiteral("Orders API (v1)"));
    EXPECT_EQ(apis->itemText(1), QStringLiteral("Payments API (v2)"));
    EXPECT_EQ(apis->currentText(), QStringLiteral("Orders API (v1)")) << "the profile's API is preselected";
    ASSERT_EQ(portals->count(), 1);
    EXPECT_EQ(portals->currentText(), QStringLiteral("Developer Portal"));
    EXPECT_TRUE(driver->find<QAbstractButton>("publishReloadButton")->isHidden());

    // By keyboard, as the label's mnemonic leads there.
    apis->setFocus();
    QTest::keyClick(apis, Qt::Key_Down);
    EXPECT_EQ(apis->currentText(), QStringLiteral("Payments API (v2)"));
    EXPECT_EQ(driver->wizard->controller().profile().publish.apiName, QStringLiteral("Payments API"));
    EXPECT_EQ(driver->wizard->controller().profile().publish.portalName, QStringLiteral("Developer Portal"));

    // A list Konnect refuses is explained, and can be read again once the cause is gone.
    ASSERT_EQ(driver->sandboxRequest("POST", QStringLiteral("/_sandbox/faults"),
                                     R"([{"kind":"status","status":403,"method":"GET","path":"^/konnect/v3/apis$","count":1}])"),
              200);
    driver->click(driver->wizard->button(QWizard::BackButton));
    ASSERT_EQ(driver->page(), PageId::Konnect);
    ASSERT_TRUE(driver->next());
    ASSERT_EQ(driver->page(), PageId::Publish);
    QLabel* apiMessage = driver->find<QLabel>("apiMessage");
    ASSERT_TRUE(waitUntil([&] { return apiMessage->text().startsWith(QStringLiteral("The APIs could not be read.")); }))
        << apiMessage->text().toStdString();
    EXPECT_TRUE(apiMessage->text().contains(QStringLiteral("not allowed"))) << apiMessage->text().toStdString();
    EXPECT_FALSE(driver->pageComplete());
    EXPECT_EQ(apis->count(), 0);
    ASSERT_TRUE(driver->find<QAbstractButton>("publishReloadButton")->isVisible());
    driver->click("publishReloadButton");
    ASSERT_TRUE(driver->waitComplete()) << apiMessage->text().toStdString();
    EXPECT_EQ(apis->currentText(), QStringLiteral("Payments API (v2)")) << "the choice made before is kept";

    ASSERT_TRUE(driver->advanceTo(PageId::Apply));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    const QJsonObject konnect = driver->sandboxState().value(QStringLiteral("konnect")).toObject();
    QString paymentsId;
    for (const QJsonValue& api : konnect.value(QStringLiteral("apis")).toArray()) {
        if (api.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("Payments API"))
            paymentsId = api.toObject().value(QStringLiteral("id")).toString();
    }
    const QJsonArray publications = konnect.value(QStringLiteral("publications")).toArray();
    ASSERT_EQ(publications.size(), 1);
    EXPECT_EQ(publications.first().toObject().value(QStringLiteral("api_id")).toString(), paymentsId);
}

// What a user of dcr-wizard --sandbox-url sees: the sandbox runs on its own, the wizard is closed
// while a step runs, and the next start on the same sandbox resumes the setup.
TEST_F(WizardTest, ASetupClosedMidStepIsResumedByTheNextStart) {
    driver.reset();
    auto first = std::make_unique<WizardDriver>(WizardDriver::Lifetime::OutlivesWizard);
    ASSERT_TRUE(first->waitForSandbox());
    dcr::engine::RunState::Target sandboxTarget;
    sandboxTarget.sandbox = true;
    const QString stateFile = dcr::engine::RunState::defaultPath(
        QStringLiteral("sandbox-%1/sandbox-demo").arg(first->info.value(QStringLiteral("portal_id")).toString()), sandboxTarget);
    ASSERT_FALSE(QFile::exists(stateFile)) << "a fresh sandbox has no saved progress";
    ASSERT_TRUE(first->advanceTo(PageId::Review));
    ASSERT_TRUE(first->waitComplete());
    // The DCR provider's creation takes 4 s: long enough to close the wizard in the middle of it.
    ASSERT_EQ(first->sandboxRequest("POST", QStringLiteral("/_sandbox/faults"),
                                    R"([{"kind":"latency","ms":4000,"path":"^/konnect/v2/dcr-providers$","method":"POST","count":1}])"),
              200);
    ASSERT_TRUE(first->next());
    const QString provider = QStringLiteral("Create the DCR provider");
    ASSERT_TRUE(waitUntil([&] { return statusOf(first->find<QTreeView>("applyView"), provider) == QStringLiteral("running"); }, kApplyTimeoutMs));

    // Closing asks first; keeping the wizard open changes nothing.
    first->wizard->close();
    QMessageBox* box = first->find<QMessageBox>("closeWhileBusyBox");
    ASSERT_NE(box, nullptr);
    ASSERT_TRUE(waitUntil([&] { return box->isVisible(); }));
    EXPECT_TRUE(box->text().contains(provider)) << box->text().toStdString();
    EXPECT_TRUE(first->wizard->isVisible());
    first->click("keepRunningButton");
    EXPECT_TRUE(waitUntil([&] { return first->find<QMessageBox>("closeWhileBusyBox") == nullptr; }));
    EXPECT_TRUE(first->wizard->isVisible());
    EXPECT_TRUE(first->wizard->controller().run().isBusy());

    first->wizard->close();
    box = first->find<QMessageBox>("closeWhileBusyBox");
    ASSERT_NE(box, nullptr);
    ASSERT_TRUE(waitUntil([&] { return box->isVisible(); }));
    first->click("closeAnywayButton");
    ASSERT_TRUE(waitUntil([&] { return !first->wizard->isVisible(); }));
    // What a closed window leaves behind: the progress of every finished step, and no secret.
    QFile saved(stateFile);
    ASSERT_TRUE(saved.open(QIODevice::ReadOnly)) << stateFile.toStdString();
    const QByteArray state = saved.readAll();
    const QJsonObject steps = QJsonDocument::fromJson(state).object().value(QStringLiteral("steps")).toObject();
    EXPECT_EQ(steps.value(QStringLiteral("azure.app")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("done"));
    EXPECT_FALSE(steps.contains(QStringLiteral("konnect.dcr-provider"))) << state.toStdString();
    EXPECT_FALSE(state.contains(first->info.value(QStringLiteral("konnect_personal_token")).toString().toUtf8()));
    std::unique_ptr<dcr::sandbox::SandboxHost> sandbox = std::move(first->host);
    const QJsonObject info = first->info;
    first.reset();
    // The request cut short still reaches the sandbox, which makes the provider after its latency.
    waitUntil([] { return false; }, 4500);

    driver = std::make_unique<WizardDriver>(std::move(sandbox), info);
    ASSERT_TRUE(driver->waitForSandbox());
    auto* resume = driver->find<QCheckBox>("resumeCheck");
    ASSERT_TRUE(waitUntil([&] { return resume->isVisible(); }));
    EXPECT_EQ(resume->accessibleName(), QStringLiteral("Resume the interrupted setup"));
    EXPECT_TRUE(resume->text().contains(QStringLiteral("was interrupted"))) << resume->text().toStdString();
    driver->click(resume);
    ASSERT_TRUE(resume->isChecked());
    ASSERT_TRUE(driver->advanceTo(PageId::Apply));
    ASSERT_TRUE(driver->waitComplete(kApplyTimeoutMs)) << driver->find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    ASSERT_TRUE(driver->next());
    EXPECT_TRUE(text("validateResult").startsWith(QStringLiteral("All checks passed"))) << text("validateResult").toStdString();

    const QJsonObject sandboxState = driver->sandboxState();
    const QJsonObject azure = sandboxState.value(QStringLiteral("azure")).toObject();
    const QJsonObject konnect = sandboxState.value(QStringLiteral("konnect")).toObject();
    int apps = 0;
    for (const QJsonValue& app : azure.value(QStringLiteral("applications")).toArray())
        apps += app.toObject().value(QStringLiteral("displayName")).toString() == driver->wizard->controller().profile().azure.appDisplayName;
    EXPECT_EQ(apps, 1);
    const QString appId = driver->wizard->controller().run().outputs().value(QStringLiteral("app_id")).toString();
    int sps = 0;
    for (const QJsonValue& sp : azure.value(QStringLiteral("service_principals")).toArray())
        sps += sp.toObject().value(QStringLiteral("appId")).toString() == appId;
    EXPECT_EQ(sps, 1);
    EXPECT_EQ(konnect.value(QStringLiteral("dcr_providers")).toArray().size(), 1);
    EXPECT_EQ(konnect.value(QStringLiteral("auth_strategies")).toArray().size(), 1);
    EXPECT_EQ(konnect.value(QStringLiteral("publications")).toArray().size(), 1);
    // The finished setup's progress stays: clean-up needs to know what this tool created.
    EXPECT_TRUE(QFile::exists(stateFile));
    QFile::remove(stateFile);
}

// The wizard in the language of the session, through the same call dcr-wizard's main makes.
class TranslatedWizardTest : public ::testing::Test {
protected:
    void TearDown() override {
        for (QTranslator* translator : qApp->findChildren<QTranslator*>(QString(), Qt::FindDirectChildrenOnly)) {
            QCoreApplication::removeTranslator(translator);
            delete translator;
        }
    }
};

TEST_F(TranslatedWizardTest, JapaneseSessionsGetJapanesePagesAndButtons) {
    EXPECT_EQ(dcr::ui::installTranslations(*qApp, QLocale(QLocale::Japanese, QLocale::Japan)), QStringLiteral("ja"));
    dcr::ui::SetupWizard wizard(dcr::ui::StartMode::Sandbox);
    EXPECT_EQ(wizard.page(PageId::Welcome)->title(), QStringLiteral("ようこそ"));
    EXPECT_EQ(wizard.page(PageId::Apply)->title(), QStringLiteral("セットアップ中"));
    EXPECT_EQ(wizard.page(PageId::Summary)->title(), QStringLiteral("概要"));
    EXPECT_TRUE(wizard.findChild<QLabel*>(QStringLiteral("sandboxBanner"))->text().contains(QStringLiteral("サンドボックス")));
    EXPECT_EQ(wizard.button(QWizard::CommitButton)->accessibleName(), QStringLiteral("適用"));
    // Product names stay as they are; mnemonics take the (&X) form of Japanese menus.
    EXPECT_TRUE(wizard.findChild<QAbstractButton*>(QStringLiteral("modeReal"))->text().contains(QStringLiteral("Microsoft Entra ID")));
    EXPECT_TRUE(wizard.findChild<QAbstractButton*>(QStringLiteral("modeReal"))->text().endsWith(QStringLiteral("(&R)")));
    // What the models and the engine say reaches the pages translated too: their texts are filed
    // under the contexts they are looked up in.
    EXPECT_EQ(dcr::engine::kongDcrAzurePlan({}).first().title, QStringLiteral("Microsoft Entra テナントを確認する"));
    EXPECT_EQ(dcr::wizard::StepListModel::retryCountdown(2500), QStringLiteral("3 秒後に再試行"));
    EXPECT_EQ(dcr::wizard::StepListModel::statusWord(dcr::engine::StepStatus::Running), QStringLiteral("実行中"));
    EXPECT_TRUE(dcr::Error::fromResponse(dcr::ErrorFlavor::Plain, 503, {}).what.contains(QStringLiteral("一時的な障害")));
    // Qt's own buttons come from Qt's translations (qt6-translations-l10n), when they are installed.
    const QString qtTranslations = QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_ja.qm");
    if (QFile::exists(qtTranslations))
        EXPECT_TRUE(wizard.button(QWizard::NextButton)->text().contains(QStringLiteral("次へ"))) << wizard.button(QWizard::NextButton)->text().toStdString();
    else
        EXPECT_TRUE(wizard.button(QWizard::NextButton)->text().contains(QStringLiteral("Next")));
}

TEST_F(TranslatedWizardTest, EnglishAndTheCLocaleGetEnglish) {
    EXPECT_EQ(dcr::ui::installTranslations(*qApp, QLocale(QLocale::English, QLocale::UnitedKingdom)), QStringLiteral("en"));
    EXPECT_EQ(dcr::ui::installTranslations(*qApp, QLocale::c()), QStringLiteral("en"));
    EXPECT_EQ(dcr::ui::installTranslations(*qApp, QLocale(QLocale::Swahili)), QStringLiteral("en"));
    dcr::ui::SetupWizard wizard(dcr::ui::StartMode::Sandbox);
    EXPECT_EQ(wizard.page(PageId::Welcome)->title(), QStringLiteral("Welcome"));
    EXPECT_EQ(wizard.button(QWizard::CommitButton)->accessibleName(), QStringLiteral("Apply"));
    EXPECT_TRUE(wizard.button(QWizard::NextButton)->text().contains(QStringLiteral("Next")));
}

// The program itself, as a desktop session starts it: the language comes from LANGUAGE or LANG.
// --help is read before any window exists, so the choice is seen without a display.
TEST_F(TranslatedWizardTest, TheProgramFollowsTheSessionsLanguage) {
    const auto help = [](const QStringList& environment) {
        QProcess program;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"})
            env.remove(QLatin1String(name));
        for (const QString& assignment : environment)
            env.insert(assignment.section(QLatin1Char('='), 0, 0), assignment.section(QLatin1Char('='), 1));
        program.setProcessEnvironment(env);
        program.start(QStringLiteral(DCR_WIZARD_BIN), {QStringLiteral("--help")});
        program.waitForFinished(30000);
        return QString::fromUtf8(program.readAllStandardOutput());
    };
    const QString japanese = QStringLiteral("動的クライアント登録");
    const QString english = QStringLiteral("registers applications in Microsoft Entra ID through Dynamic Client Registration");
    EXPECT_TRUE(help({QStringLiteral("LANG=ja_JP.UTF-8")}).contains(japanese));
    EXPECT_TRUE(help({QStringLiteral("LANGUAGE=ja"), QStringLiteral("LANG=en_US.UTF-8")}).contains(japanese));
    EXPECT_TRUE(help({QStringLiteral("LANG=C")}).contains(english));
    EXPECT_TRUE(help({QStringLiteral("LANG=en_US.UTF-8")}).contains(english));
    EXPECT_TRUE(help({}).contains(english));
}

// Every message of the sources is in the Japanese translation and translated, keeps its
// placeholders, and keeps a mnemonic where the English has one. The file is first brought up to
// date with the sources (on a copy, as dcr_ui_lupdate would), so a new tr() nobody translated fails.
TEST(Translations, JapaneseIsCompleteAndKeepsPlaceholdersAndMnemonics) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString copy = dir.filePath(QStringLiteral("dcr-wizard_ja.ts"));
    ASSERT_TRUE(QFile::copy(QStringLiteral(DCR_SOURCE_DIR "/resources/translations/dcr-wizard_ja.ts"), copy));
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(DCR_LUPDATE),
                  {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"), QStringLiteral("none"), QStringLiteral("-I"),
                   QStringLiteral(DCR_SOURCE_DIR "/app"), QStringLiteral("-I"), QStringLiteral(DCR_SOURCE_DIR "/ui"),
                   QStringLiteral("@" DCR_TRANSLATABLE_SOURCES), QStringLiteral("-ts"), copy});
    ASSERT_TRUE(lupdate.waitForFinished(120000));
    ASSERT_EQ(lupdate.exitCode(), 0) << lupdate.readAll().toStdString();
    QFile ts(copy);
    ASSERT_TRUE(ts.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&ts);
    QString source;
    QStringList problems;
    int messages = 0;
    static const QRegularExpression placeholder(QStringLiteral("%(\\d+|n)"));
    const auto placeholders = [](const QString& text) {
        QStringList found;
        for (auto it = placeholder.globalMatch(text); it.hasNext();)
            found << it.next().captured();
        found.sort();
        found.removeDuplicates();
        return found;
    };
    const auto hasMnemonic = [](QString text) { return text.remove(QStringLiteral("&&")).contains(QLatin1Char('&')); };
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
            continue;
        }
        if (xml.name() != QLatin1String("translation") && xml.name() != QLatin1String("numerusform"))
            continue;
        if (xml.name() == QLatin1String("translation") && xml.attributes().value(QLatin1String("type")) == QLatin1String("unfinished"))
            problems << QStringLiteral("untranslated: ") + source;
        const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
        if (translation.isEmpty())
            continue;  // a numerus message: its forms follow
        ++messages;
        if (placeholders(translation) != placeholders(source))
            problems << QStringLiteral("placeholders differ: %1 → %2").arg(source, translation);
        if (hasMnemonic(source) != hasMnemonic(translation))
            problems << QStringLiteral("mnemonic differs: %1 → %2").arg(source, translation);
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    EXPECT_GT(messages, 500);
    EXPECT_TRUE(problems.isEmpty()) << problems.size() << " problems:\n" << problems.join(QLatin1Char('\n')).toStdString();
}

}  // namespace
