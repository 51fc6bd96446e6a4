#include "wizard/setup_wizard.h"

#include "wizard/apply_page.h"
#include "wizard/azure_app_page.h"
#include "wizard/client_secret_page.h"
#include "wizard/consent_page.h"
#include "wizard/dynamics_app_page.h"
#include "wizard/konnect_page.h"
#include "wizard/publish_page.h"
#include "wizard/review_page.h"
#include "wizard/run_controller.h"
#include "wizard/sign_in_page.h"
#include "wizard/summary_page.h"
#include "wizard/validate_page.h"
#include "wizard/welcome_page.h"
#include "wizard/wizard_controller.h"

#include <QAbstractButton>
#include <QMessageBox>
#include <QPushButton>
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
    setPage(DynamicsApp, new DynamicsAppPage(c));
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

void SetupWizard::reject() {
    const wizard::RunController& run = m_controller->run();
    if (!run.isBusy() || m_closeWhileBusyConfirmed) {
        QWizard::reject();
        return;
    }
    QStringList running;
    for (const wizard::StepListModel::Row& row : run.progressModel().rows()) {
        if (row.status == engine::StepStatus::Running)
            running << row.step.title;
    }
    auto* box = new QMessageBox(QMessageBox::Warning, tr("The setup is still running"),
                                tr("Still running: %1.").arg(running.join(QStringLiteral(", "))), QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("closeWhileBusyBox"));
    box->setInformativeText(tr("Progress is saved after every finished step. If you close now, the next start offers to resume "
                               "the setup; a step cut short runs again then and finds what it already made."));
    QPushButton* close = box->addButton(tr("&Close anyway"), QMessageBox::DestructiveRole);
    close->setObjectName(QStringLiteral("closeAnywayButton"));
    close->setAccessibleName(tr("Close the wizard anyway"));
    QPushButton* keep = box->addButton(tr("&Keep setting up"), QMessageBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepRunningButton"));
    keep->setAccessibleName(tr("Keep the wizard open"));
    box->setDefaultButton(keep);
    box->setEscapeButton(keep);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, close](QAbstractButton* clicked) {
        if (clicked != close)
            return;
        m_closeWhileBusyConfirmed = true;
        reject();
    });
    // open(), not exec(): the run goes on while the question waits.
    box->open();
}

int SetupWizard::nextId() const {
    const bool dynamics = m_controller->profile().blueprint == Profile::Blueprint::DynamicsClient;
    switch (currentId()) {
    case SignIn:
        return dynamics ? DynamicsApp : AzureApp;
    case DynamicsApp:
        return Review;
    case Summary:
        return -1;
    default:
        return QWizard::nextId();
    }
}

void SetupWizard::done(int result) {
    QSettings().setValue(QLatin1String(kGeometryKey), saveGeometry());
    QWizard::done(result);
}

}  // namespace dcr::ui
