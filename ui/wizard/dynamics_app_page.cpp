#include "wizard/dynamics_app_page.h"

#include "wizard/dynamics_fields.h"
#include "wizard/field_checks.h"
#include "wizard/wizard_controller.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::WizardController;

namespace {
constexpr int kMaxNameLength = 120;
const QString kMultipleOrgs = QStringLiteral("AzureADMultipleOrgs");
const QString kMyOrg = QStringLiteral("AzureADMyOrg");
}  // namespace

DynamicsAppPage::DynamicsAppPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("dynamicsAppPage"), parent),
      m_name(new QLineEdit),
      m_nameMessage(messageLabel(QStringLiteral("dynamicsNameMessage"), tr("App name status"))),
      m_multipleOrgs(new QRadioButton(tr("Accounts in &any organizational directory (multitenant)"))),
      m_myOrg(new QRadioButton(tr("Accounts in &this organizational directory only (single tenant)"))),
      m_redirectUri(new QLineEdit),
      m_redirectMessage(messageLabel(QStringLiteral("dynamicsRedirectUriMessage"), tr("Redirect URI status"))),
      m_organizationUrl(new QLineEdit),
      m_organizationMessage(messageLabel(QStringLiteral("dynamicsOrganizationUrlMessage"), tr("Environment address status"))),
      m_adminConsent(new QCheckBox(tr("&Grant admin consent for all users (no consent prompt at first sign-in)"))),
      m_testSignIn(new QCheckBox(tr("After the setup, &prove it with a test sign-in (device code)"))) {
    setTitle(tr("The Dynamics 365 client app"));
    setSubTitle(tr("Registers the app that your client application uses to sign users in and call Dynamics 365 / Dataverse "
                   "on their behalf. It is a public client: no secret."));

    m_name->setObjectName(QStringLiteral("dynamicsAppName"));
    m_name->setAccessibleName(tr("App display name"));
    m_name->setMaxLength(kMaxNameLength + 1);  // one more, so that the message explains instead of silently cutting
    auto* nameLabel = new QLabel(tr("&Display name:"));
    nameLabel->setBuddy(m_name);
    auto* nameColumn = new QVBoxLayout;
    nameColumn->addWidget(m_name);
    nameColumn->addWidget(m_nameMessage);

    m_multipleOrgs->setObjectName(QStringLiteral("dynamicsAudienceMultipleOrgs"));
    m_multipleOrgs->setAccessibleName(tr("Accounts in any organizational directory"));
    m_multipleOrgs->setToolTip(tr("As the walkthrough recommends: users of other tenants can use your client with their own Dynamics 365."));
    m_myOrg->setObjectName(QStringLiteral("dynamicsAudienceMyOrg"));
    m_myOrg->setAccessibleName(tr("Accounts in this organizational directory only"));
    auto* audience = new QVBoxLayout;
    audience->addWidget(m_multipleOrgs);
    audience->addWidget(m_myOrg);

    m_redirectUri->setObjectName(QStringLiteral("dynamicsRedirectUri"));
    m_redirectUri->setAccessibleName(tr("Redirect URI"));
    m_redirectUri->setPlaceholderText(QStringLiteral("http://localhost"));
    m_redirectUri->setToolTip(tr("Platform 'Mobile and desktop applications': http://localhost, or the custom URI your client uses "
                                 "(for example myapp://auth)."));
    auto* redirectLabel = new QLabel(tr("&Redirect URI:"));
    redirectLabel->setBuddy(m_redirectUri);
    auto* redirectColumn = new QVBoxLayout;
    redirectColumn->addWidget(m_redirectUri);
    redirectColumn->addWidget(m_redirectMessage);

    m_organizationUrl->setObjectName(QStringLiteral("dynamicsOrganizationUrl"));
    m_organizationUrl->setAccessibleName(tr("Dynamics 365 environment address (optional)"));
    m_organizationUrl->setPlaceholderText(QStringLiteral("https://contoso.crm.dynamics.com"));
    m_organizationUrl->setToolTip(tr("Used in the connection string and for the test sign-in; leave empty if you do not know it yet."));
    auto* organizationLabel = new QLabel(tr("&Environment:"));
    organizationLabel->setBuddy(m_organizationUrl);
    auto* organizationColumn = new QVBoxLayout;
    organizationColumn->addWidget(m_organizationUrl);
    organizationColumn->addWidget(m_organizationMessage);

    m_adminConsent->setObjectName(QStringLiteral("dynamicsAdminConsent"));
    m_adminConsent->setAccessibleName(tr("Grant admin consent for all users"));
    m_testSignIn->setObjectName(QStringLiteral("dynamicsTestSignIn"));
    m_testSignIn->setAccessibleName(tr("Prove the app with a test sign-in"));
    m_testSignIn->setToolTip(controller.isSandbox() ? tr("The sandbox signs its test user in at once.")
                                                    : tr("The Apply page's log shows a code to enter at microsoft.com/devicelogin as a test user."));

    auto* form = new QFormLayout;
    form->addRow(nameLabel, nameColumn);
    form->addRow(tr("Who can sign in:"), audience);
    form->addRow(redirectLabel, redirectColumn);
    form->addRow(organizationLabel, organizationColumn);
    form->addRow(tr("API permission:"), note(tr("Dynamics CRM — user_impersonation (delegated): access Dynamics 365 as the signed-in user.")));
    body()->addLayout(form);
    body()->addWidget(m_adminConsent);
    body()->addWidget(m_testSignIn);
    body()->addStretch();

    connect(m_name, &QLineEdit::textChanged, this, [this](const QString& text) {
        this->controller().setAppDisplayName(text);
        refreshMessages();
    });
    connect(m_multipleOrgs, &QRadioButton::toggled, this,
            [this](bool multiple) { this->controller().setDynamicsAudience(multiple ? kMultipleOrgs : kMyOrg); });
    connect(m_redirectUri, &QLineEdit::textChanged, this, [this](const QString& text) {
        this->controller().setDynamicsRedirectUri(text);
        refreshMessages();
    });
    connect(m_organizationUrl, &QLineEdit::textChanged, this, [this](const QString& text) {
        this->controller().setDynamicsOrganizationUrl(text);
        refreshMessages();
    });
    connect(m_adminConsent, &QCheckBox::toggled, this, [this](bool on) { this->controller().setDynamicsAdminConsent(on); });
    connect(m_testSignIn, &QCheckBox::toggled, this, [this](bool on) { this->controller().setDynamicsTestSignIn(on); });
}

void DynamicsAppPage::initializePage() {
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = controller().profile();
    m_name->setText(profile.azure.appDisplayName);
    (profile.dynamics.signInAudience == kMyOrg ? m_myOrg : m_multipleOrgs)->setChecked(true);
    m_redirectUri->setText(profile.dynamics.redirectUri);
    m_organizationUrl->setText(profile.dynamics.organizationUrl);
    m_adminConsent->setChecked(profile.dynamics.adminConsent);
    m_testSignIn->setChecked(profile.dynamics.testSignIn);
    refreshMessages();
}

bool DynamicsAppPage::isComplete() const {
    return wizard::nameProblem(m_name->text(), kMaxNameLength).isEmpty() && wizard::dynamicsRedirectUriProblem(m_redirectUri->text()).isEmpty() &&
           wizard::dynamicsOrganizationUrlProblem(m_organizationUrl->text()).isEmpty();
}

bool DynamicsAppPage::validatePage() {
    controller().rememberAnswers();
    return true;
}

void DynamicsAppPage::refreshMessages() {
    setMessage(m_nameMessage, m_name->text().isEmpty() ? QString() : wizard::nameProblem(m_name->text(), kMaxNameLength));
    setMessage(m_redirectMessage, wizard::dynamicsRedirectUriProblem(m_redirectUri->text()));
    setMessage(m_organizationMessage, wizard::dynamicsOrganizationUrlProblem(m_organizationUrl->text()));
    emit completeChanged();
}

}  // namespace dcr::ui
