// The wizard's browser sign-in in sandbox mode: a sandbox that approves sign-ins by itself is
// followed by the wizard, one that shows its sign-in page gets the user's browser (with the address
// and a Copy button on the page), and no sign-in waits past its deadline.
#include "sandbox/sandbox.h"
#include "support/wait.h"
#include "wizard/sign_in_controller.h"
#include "wizard/sign_in_page.h"
#include "wizard/wizard_controller.h"

#include <gtest/gtest.h>

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUrlQuery>

#include <memory>

namespace {

using dcr::test::waitUntil;
using dcr::wizard::SignInController;
using dcr::wizard::WizardController;

class SandboxSignInTest : public ::testing::TestWithParam<bool> {
protected:
    void SetUp() override {
        // The page's QDesktopServices::openUrl goes through xdg-open to BROWSER: a command that does nothing.
        qputenv("BROWSER", "/bin/true");
        dcr::sandbox::Seed seed;
        seed.autoApproveSignIn = GetParam();
        host = std::make_unique<dcr::sandbox::SandboxHost>(seed);
        QObject::connect(host.get(), &dcr::sandbox::SandboxHost::ready, [this](const QJsonObject& i) { info = i; });
        host->start();
        ASSERT_TRUE(waitUntil([this] { return !info.isEmpty(); }, 20000));
        controller = std::make_unique<WizardController>(WizardController::Mode::Sandbox);
        controller->useSandbox(info, WizardController::SandboxLifetime::OutlivesWizard);
        QObject::connect(&controller->signIn(), &SignInController::openBrowser, [this](const QUrl& url) { opened.append(url); });
    }
    void TearDown() override {
        page.reset();
        controller.reset();
        host.reset();
    }

    SignInController& signIn() { return controller->signIn(); }

    std::unique_ptr<dcr::sandbox::SandboxHost> host;
    QJsonObject info;
    std::unique_ptr<WizardController> controller;
    std::unique_ptr<dcr::ui::SignInPage> page;
    QList<QUrl> opened;
};

TEST_P(SandboxSignInTest, TheBrowserOpensOnlyWhenTheSandboxWaitsForAPerson) {
    const bool autoApprove = GetParam();
    signIn().startBrowser();
    if (autoApprove) {
        // Nothing for a person to do: the wizard follows the redirect itself.
        ASSERT_TRUE(waitUntil([this] { return signIn().state() == SignInController::State::SignedIn; }, 20000))
            << signIn().error().message().toStdString();
        EXPECT_TRUE(opened.isEmpty());
        return;
    }
    ASSERT_TRUE(waitUntil([this] { return !opened.isEmpty(); }, 20000));
    EXPECT_EQ(signIn().state(), SignInController::State::Waiting);
    const QUrl url = opened.first();
    EXPECT_TRUE(url.toString().startsWith(info.value(QStringLiteral("login_url")).toString() + QLatin1Char('/'))) << url.toString().toStdString();
    EXPECT_EQ(QUrlQuery(url).queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
}

TEST_P(SandboxSignInTest, TheSignInPageShowsTheAddressWithACopyButtonWhileItWaits) {
    if (GetParam())
        GTEST_SKIP() << "an auto-approving sandbox opens no browser";
    page = std::make_unique<dcr::ui::SignInPage>(*controller);
    page->initializePage();
    page->show();
    auto* start = page->findChild<QPushButton*>(QStringLiteral("signInButton"));
    ASSERT_NE(start, nullptr);
    ASSERT_TRUE(waitUntil([start] { return start->isEnabled(); }));
    start->click();
    auto* address = page->findChild<QLineEdit*>(QStringLiteral("browserUrlEdit"));
    ASSERT_NE(address, nullptr);
    ASSERT_TRUE(waitUntil([address] { return address->isVisible() && !address->text().isEmpty(); }, 20000));
    EXPECT_EQ(QUrl(address->text()), opened.value(0));
    auto* copy = page->findChild<QPushButton*>(QStringLiteral("copyBrowserUrlButton"));
    ASSERT_NE(copy, nullptr);
    EXPECT_TRUE(copy->isVisible());
    EXPECT_TRUE(page->findChild<QLabel*>(QStringLiteral("browserUrlLabel"))->text().contains(QStringLiteral("open this address"), Qt::CaseInsensitive));
}

TEST_P(SandboxSignInTest, ASignInNobodyFinishesEndsAtItsDeadlineWithASentence) {
    if (GetParam())
        GTEST_SKIP() << "an auto-approving sandbox has nothing to wait for";
    signIn().setTimeoutMs(1500);
    signIn().startBrowser();
    ASSERT_TRUE(waitUntil([this] { return signIn().state() == SignInController::State::Failed; }, 10000));
    EXPECT_EQ(signIn().error().code, QStringLiteral("auth.sign_in_timeout"));
    EXPECT_TRUE(signIn().error().what.contains(QStringLiteral("not completed within 1 second"))) << signIn().error().what.toStdString();
    EXPECT_FALSE(signIn().error().remedy.isEmpty());
    // The sign-in it gave up on answers nothing any more: a late answer does not sign in.
    ASSERT_FALSE(opened.isEmpty());
    waitUntil([] { return false; }, 300);
    EXPECT_EQ(signIn().state(), SignInController::State::Failed);
}

INSTANTIATE_TEST_SUITE_P(Seeds, SandboxSignInTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "AutoApproving" : "WaitingForAPerson"; });

}  // namespace
