// The wizard where no keychain exists (run by tests/support/without-keychain.sh no-service): the
// user is warned before the setup, and the client secret is shown once, masked, with a Copy
// button, and still never reaches the log or the report.
#include "ui/wizard_driver.h"

#include "wizard/run_controller.h"
#include "wizard/run_log.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QMimeData>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>

namespace {

using dcr::test::WizardDriver;
using PageId = dcr::ui::SetupWizard::PageId;

TEST(WizardWithoutKeychain, WarnsFirstThenShowsTheSecretOnceToCopy) {
    QSettings().clear();
    WizardDriver driver;
    ASSERT_TRUE(driver.waitForSandbox());
    ASSERT_TRUE(driver.advanceTo(PageId::ClientSecret));
    ASSERT_TRUE(driver.waitComplete());
    const QString warning = driver.find<QLabel>("keychainStatus")->text();
    EXPECT_TRUE(warning.contains(QStringLiteral("no keychain"))) << warning.toStdString();
    EXPECT_TRUE(warning.contains(QStringLiteral("shown once")));

    ASSERT_TRUE(driver.advanceTo(PageId::Apply));
    ASSERT_TRUE(driver.waitComplete(180000)) << driver.find<QPlainTextEdit>("applyLog")->toPlainText().toStdString();
    QWidget* panel = driver.find<QWidget>("secretOncePanel");
    ASSERT_TRUE(panel->isVisible());
    auto* value = driver.find<QLineEdit>("secretOnceEdit");
    EXPECT_EQ(value->echoMode(), QLineEdit::Password);
    EXPECT_TRUE(value->isReadOnly());
    const QString secret = value->text();
    ASSERT_GE(secret.size(), 16);
    driver.click("secretOnceCopyButton");
    EXPECT_EQ(QApplication::clipboard()->text(), secret);
    // Marked as a password, so that clipboard managers keep it out of their history.
    const QMimeData* copied = QApplication::clipboard()->mimeData();
    ASSERT_NE(copied, nullptr);
    EXPECT_EQ(copied->data(QStringLiteral("x-kde-passwordManagerHint")), QByteArrayLiteral("secret"));
    EXPECT_TRUE(driver.find<QLabel>("secretOnceStatus")->text().contains(QStringLiteral("60 seconds")));

    EXPECT_FALSE(driver.find<QPlainTextEdit>("applyLog")->toPlainText().contains(secret));
    EXPECT_FALSE(driver.wizard->controller().reportMarkdown().contains(secret));
    ASSERT_TRUE(driver.advanceTo(PageId::Summary));
    EXPECT_TRUE(driver.find<QLabel>("summaryHeadline")->text().startsWith(QStringLiteral("Done"))) << driver.find<QLabel>("summaryHeadline")->text().toStdString();
}

}  // namespace
