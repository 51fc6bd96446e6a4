#include "wizard/setup_wizard.h"

#include "wizard/apply_page.h"
#include "wizard/azure_app_page.h"
#include "wizard/client_secret_page.h"
#include "wizard/consent_page.h"
#include "wizard/konnect_page.h"
#include "wizard/publish_page.h"
#include "wizard/review_page.h"
#include "wizard/sign_in_page.h"
#include "wizard/summary_page.h"
#include "wizard/validate_page.h"
#include "wizard/welcome_page.h"
#include "wizard/wizard_controller.h"

#include <QAbstractButton>
#include <QSettings>

namespace dcr::ui {

namespace {
constexpr auto kGeometryKey = "wizard/geometry";
}

using wizard::WizardController;

SetupWizard::SetupWizard(StartMode startMode, QWidget* parent)
    : QWizard(parent),
      m_controller(new WizardController(startMode == StartMode::Sandbox ? WizardController::Mode::Sandbox : WizardController::rememberedMode(),
                                        this)) {
    setObjectName(QStringLiteral("setupWizard"));
    setWindowTitle(tr("Kong Konnect DCR setup for Microsoft Entra ID"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);

    WizardController& c = *m_controller;
    setPage(Welcome, new WelcomePage(c));
    setPage(SignIn, new SignInPage(c));
    setPage(AzureApp, new AzureAppPage(c));
    setPage(Consent, new ConsentPage(c));
    setPage(ClientSecret, new ClientSecretPage(c));
    setPage(Konnect, new KonnectPage(c));
    setPage(Publish, new PublishPage(c));
    setPage(Review, new ReviewPage(c));
    setPage(Apply, new ApplyPage(c));
    setPage(Validate, new ValidatePage(c));
    setPage(Summary, new SummaryPage(c));
    setStartId(Welcome);

    const struct {
        WizardButton which;
        const char* objectName;
        const char* accessibleName;
    } buttons[] = {{BackButton, "backButton", QT_TR_NOOP("Back")},       {NextButton, "nextButton", QT_TR_NOOP("Next")},
                   {CommitButton, "commitButton", QT_TR_NOOP("Apply")},  {FinishButton, "finishButton", QT_TR_NOOP("Finish")},
                   {CancelButton, "cancelButton", QT_TR_NOOP("Cancel")}};
    for (const auto& b : buttons) {
        button(b.which)->setObjectName(QLatin1String(b.objectName));
        button(b.which)->setAccessibleName(tr(b.accessibleName));
    }

    if (!restoreGeometry(QSettings().value(QLatin1String(kGeometryKey)).toByteArray()))
        resize(920, 720);
}

SetupWizard::~SetupWizard() = default;

void SetupWizard::done(int result) {
    QSettings().setValue(QLatin1String(kGeometryKey), saveGeometry());
    QWizard::done(result);
}

}  // namespace dcr::ui
