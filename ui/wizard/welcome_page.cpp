#include "wizard/welcome_page.h"

#include "wizard/wizard_controller.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QFileDialog>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QRadioButton>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::WizardController;

WelcomePage::WelcomePage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("welcomePage"), parent),
      m_sandbox(new QRadioButton(tr("&Sandbox (offline demo)"))),
      m_real(new QRadioButton(tr("&Real Microsoft Entra ID and Kong Konnect"))),
      m_kongDcr(new QRadioButton(tr("&Kong Konnect Dev Portal with Dynamic Client Registration in Entra ID"))),
      m_dynamics(new QRadioButton(tr("&Dynamics 365 / Dataverse client app (public client that signs users in)"))),
      m_sandboxStatus(messageLabel(QStringLiteral("sandboxStatus"), tr("Sandbox status"))),
      m_open(new QPushButton(tr("&Open a profile…"))),
      m_profileStatus(messageLabel(QStringLiteral("profileStatus"), tr("Opened profile"))),
      m_allowHosts(new QCheckBox),
      m_resume(new QCheckBox) {
    setTitle(tr("Welcome"));
    setSubTitle(tr("This wizard registers an application in Microsoft Entra ID, grants it the permissions "
                   "Kong needs, and configures Dynamic Client Registration in your Konnect Dev Portal."));

    m_sandbox->setObjectName(QStringLiteral("modeSandbox"));
    m_sandbox->setAccessibleName(tr("Sandbox mode"));
    m_sandbox->setToolTip(tr("Everything runs against an embedded imitation of Azure and Konnect. "
                             "Nothing is created in your tenant or organization."));
    m_real->setObjectName(QStringLiteral("modeReal"));
    m_real->setAccessibleName(tr("Real services mode"));
    m_real->setToolTip(tr("Signs you in to Microsoft Entra ID and uses your Konnect organization."));

    m_open->setObjectName(QStringLiteral("openProfileButton"));
    m_open->setAccessibleName(tr("Open a profile"));
    m_open->setToolTip(tr("Fill in the answers from a profile file (JSON, no secrets), e.g. one support sent you."));

    m_resume->setObjectName(QStringLiteral("resumeCheck"));
    m_resume->setAccessibleName(tr("Resume the interrupted setup"));

    m_kongDcr->setObjectName(QStringLiteral("blueprintKongDcr"));
    m_kongDcr->setAccessibleName(tr("Set up Kong Konnect DCR"));
    m_kongDcr->setToolTip(tr("Registers the Entra ID app Konnect uses, creates the DCR provider and auth strategy, and publishes an API."));
    m_dynamics->setObjectName(QStringLiteral("blueprintDynamics"));
    m_dynamics->setAccessibleName(tr("Set up a Dynamics 365 client app"));
    m_dynamics->setToolTip(tr("Registers an app that a desktop or mobile client uses to sign users in and call Dynamics 365 "
                              "Customer Engagement / Dataverse on their behalf."));
    // Their own group: the mode's radio buttons share this page's layout.
    auto* blueprints = new QButtonGroup(this);
    blueprints->addButton(m_kongDcr);
    blueprints->addButton(m_dynamics);
    body()->addWidget(note(tr("Choose what to set up:")));
    body()->addWidget(m_kongDcr);
    body()->addWidget(m_dynamics);
    body()->addSpacing(12);
    body()->addWidget(note(tr("Choose where the setup runs:")));
    body()->addWidget(m_sandbox);
    body()->addWidget(m_sandboxStatus);
    body()->addWidget(m_real);
    body()->addSpacing(12);
    body()->addWidget(m_resume);
    body()->addSpacing(12);
    body()->addWidget(m_open, 0, Qt::AlignLeft);
    body()->addWidget(m_profileStatus);
    body()->addWidget(m_allowHosts);
    body()->addStretch();

    connect(m_sandbox, &QRadioButton::toggled, this, [this](bool sandbox) {
        this->controller().setMode(sandbox ? WizardController::Mode::Sandbox : WizardController::Mode::Real);
        refresh();
    });
    connect(m_dynamics, &QRadioButton::toggled, this, [this](bool dynamics) {
        this->controller().setBlueprint(dynamics ? Profile::Blueprint::DynamicsClient : Profile::Blueprint::KongDcrAzure);
    });
    connect(m_resume, &QCheckBox::toggled, this, [this](bool resume) { this->controller().setResume(resume); });
    connect(m_open, &QPushButton::clicked, this, &WelcomePage::openProfile);
    // A profile from elsewhere that names its own hosts: nothing is sent there until the user says so.
    m_allowHosts->setObjectName(QStringLiteral("allowCustomHostsCheck"));
    m_allowHosts->setAccessibleName(tr("Send the sign-in and tokens to the profile's own hosts"));
    m_allowHosts->setVisible(false);
    connect(m_allowHosts, &QCheckBox::toggled, this, [this](bool allow) {
        this->controller().allowCustomHosts(allow);
        emit completeChanged();
    });
    connect(&controller, &WizardController::sandboxChanged, this, &WelcomePage::refresh);
    connect(&controller, &WizardController::profileChanged, this, &WelcomePage::refresh);
    (controller.isSandbox() ? m_sandbox : m_real)->setChecked(true);
    refresh();
}

void WelcomePage::initializePage() { refresh(); }

void WelcomePage::refresh() {
    WizardController& c = controller();
    (c.profile().blueprint == Profile::Blueprint::DynamicsClient ? m_dynamics : m_kongDcr)->setChecked(true);
    if (!c.isSandbox())
        setMessage(m_sandboxStatus, {});
    else if (!c.sandboxProblem().isEmpty())
        setMessage(m_sandboxStatus, tr("The sandbox could not start: %1").arg(c.sandboxProblem()));
    else
        setMessage(m_sandboxStatus, c.sandboxReady() ? tr("The sandbox is running on this computer.") : tr("Starting the sandbox…"),
                   c.sandboxReady() ? Tone::Good : Tone::Neutral);
    const bool resumable = c.canResume();
    m_resume->setVisible(resumable);
    if (resumable)
        m_resume->setText(tr("Res&ume: %1").arg(c.resumeDescription()));
    m_resume->setChecked(resumable && c.resume());
}

void WelcomePage::openProfile() {
    // open(), not exec(): the dialog must not run an event loop of its own.
    auto* dialog = new QFileDialog(this, tr("Open a profile"), QString(), tr("Profiles (*.json);;All files (*)"));
    dialog->setObjectName(QStringLiteral("openProfileDialog"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        QStringList errors;
        if (controller().openProfile(path, &errors))
            setMessage(m_profileStatus, tr("Opened the profile '%1'. The next pages show its answers.").arg(controller().profile().name),
                       Tone::Good);
        else
            setMessage(m_profileStatus, tr("This profile cannot be used:\n• %1").arg(errors.join(QStringLiteral("\n• "))));
        const bool ask = controller().customHostsNeedConsent();
        m_allowHosts->setText(tr("&Send my sign-in and Konnect token to the hosts this profile names instead of Microsoft's and Kong's: %1")
                                  .arg(controller().customHosts().join(QStringLiteral(", "))));
        {
            const QSignalBlocker quiet(m_allowHosts);
            m_allowHosts->setChecked(false);
        }
        m_allowHosts->setVisible(ask);
        emit completeChanged();
    });
    dialog->open();
}

bool WelcomePage::isComplete() const { return !controller().customHostsNeedConsent(); }

bool WelcomePage::validatePage() {
    controller().rememberAnswers();
    return true;
}

}  // namespace dcr::ui
