#include "wizard/azure_app_page.h"

#include "wizard/app_lookup.h"
#include "wizard/azure_guide.h"
#include "wizard/field_checks.h"
#include "wizard/wizard_controller.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::AppLookup;
using wizard::WizardController;

namespace {
constexpr int kMaxNameLength = 120;
}

AzureAppPage::AzureAppPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("azureAppPage"), parent),
      m_name(new QLineEdit),
      m_nameMessage(messageLabel(QStringLiteral("appNameMessage"), tr("App name status"))),
      m_profileName(new QLineEdit),
      m_profileNameMessage(messageLabel(QStringLiteral("profileNameMessage"), tr("Profile name status"))),
      m_minimal(new QRadioButton(tr("&Minimal (recommended)"))),
      m_legacy(new QRadioButton(tr("&Legacy, as in Kong's earlier guide"))),
      m_permissions(new QLabel),
      m_lifetime(new QSpinBox) {
    setTitle(tr("The app registration"));
    setSubTitle(tr("Konnect uses this app's identity to register developers' applications in your tenant."));

    m_name->setObjectName(QStringLiteral("appNameEdit"));
    m_name->setAccessibleName(tr("App display name"));
    m_name->setMaxLength(kMaxNameLength + 1);  // one more, so that the message explains instead of silently cutting
    auto* nameLabel = new QLabel(tr("&Display name:"));
    nameLabel->setBuddy(m_name);
    auto* nameColumn = new QVBoxLayout;
    nameColumn->addWidget(m_name);
    nameColumn->addWidget(m_nameMessage);

    m_profileName->setObjectName(QStringLiteral("profileNameEdit"));
    m_profileName->setAccessibleName(tr("Profile name"));
    m_profileName->setToolTip(tr("Names this setup's saved progress and keychain entries, so that two customers' setups never share them. "
                                 "Letters, digits, dots, dashes and underscores."));
    auto* profileLabel = new QLabel(tr("P&rofile name:"));
    profileLabel->setBuddy(m_profileName);
    auto* profileColumn = new QVBoxLayout;
    profileColumn->addWidget(m_profileName);
    profileColumn->addWidget(m_profileNameMessage);

    auto* audience = new QLabel(tr("Accounts in this organizational directory only (single tenant)"));
    audience->setObjectName(QStringLiteral("accountTypeLabel"));
    audience->setAccessibleName(tr("Supported account types"));
    audience->setToolTip(tr("Kong's DCR works with single-tenant apps; developers' apps are created in this tenant too."));

    m_minimal->setObjectName(QStringLiteral("presetMinimal"));
    m_minimal->setAccessibleName(tr("Minimal permissions"));
    m_legacy->setObjectName(QStringLiteral("presetLegacy"));
    m_legacy->setAccessibleName(tr("Legacy permissions"));
    auto* presets = new QVBoxLayout;
    presets->addWidget(m_minimal);
    presets->addWidget(m_legacy);
    m_permissions->setObjectName(QStringLiteral("permissionList"));
    m_permissions->setAccessibleName(tr("Permissions of the preset"));
    m_permissions->setWordWrap(true);
    m_permissions->setTextFormat(Qt::RichText);
    presets->addWidget(m_permissions);

    m_lifetime->setObjectName(QStringLiteral("secretLifetimeSpin"));
    m_lifetime->setAccessibleName(tr("Client secret lifetime in months"));
    m_lifetime->setRange(1, 24);
    m_lifetime->setSuffix(tr(" months"));
    m_lifetime->setToolTip(tr("Microsoft allows at most 24 months. Put a reminder in your calendar: Konnect stops "
                              "registering applications when the secret expires."));
    auto* lifetimeLabel = new QLabel(tr("Client secret l&ifetime:"));
    lifetimeLabel->setBuddy(m_lifetime);

    auto* form = new QFormLayout;
    form->addRow(nameLabel, nameColumn);
    form->addRow(profileLabel, profileColumn);
    form->addRow(tr("Who can sign in:"), audience);
    auto* presetLabel = new QLabel(tr("Permissions:"));
    form->addRow(presetLabel, presets);
    form->addRow(lifetimeLabel, m_lifetime);
    body()->addLayout(form);
    body()->addStretch();

    connect(m_name, &QLineEdit::textChanged, this, [this](const QString& text) {
        this->controller().setAppDisplayName(text);
        this->controller().appLookup().setName(text);
        // Until the user names the profile, it follows the app's name.
        if (!this->controller().profileNameChosen()) {
            const QSignalBlocker quiet(m_profileName);
            m_profileName->setText(this->controller().profile().name);
        }
        refreshProfileName();
    });
    connect(m_profileName, &QLineEdit::textEdited, this, [this](const QString& text) {
        this->controller().setProfileName(text);
        refreshProfileName();
    });
    connect(&controller.appLookup(), &AppLookup::stateChanged, this, &AzureAppPage::refreshName);
    connect(m_minimal, &QRadioButton::toggled, this, [this](bool minimal) {
        this->controller().setPermissionPreset(minimal ? Profile::PermissionPreset::Minimal : Profile::PermissionPreset::Legacy);
        refreshPermissions();
    });
    connect(m_lifetime, &QSpinBox::valueChanged, this, [this](int months) { this->controller().setSecretLifetimeMonths(months); });
}

void AzureAppPage::initializePage() {
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = controller().profile();
    m_name->setText(profile.azure.appDisplayName);
    m_profileName->setText(controller().profile().name);
    // Same text, no signal: ask again, since the tenant or the sign-in may have changed.
    controller().appLookup().setName(m_name->text());
    (profile.azure.permissionPreset == Profile::PermissionPreset::Legacy ? m_legacy : m_minimal)->setChecked(true);
    m_lifetime->setValue(profile.azure.secretLifetimeMonths);
    refreshPermissions();
    refreshName();
}

bool AzureAppPage::isComplete() const {
    const AppLookup::State state = controller().appLookup().state();
    return wizard::nameProblem(m_name->text(), kMaxNameLength).isEmpty() && wizard::profileNameProblem(m_profileName->text()).isEmpty() &&
           state != AppLookup::State::Checking && state != AppLookup::State::Ambiguous;
}

bool AzureAppPage::validatePage() {
    controller().rememberAnswers();
    return true;
}

void AzureAppPage::refreshName() {
    const QString problem = wizard::nameProblem(m_name->text(), kMaxNameLength);
    const AppLookup& lookup = controller().appLookup();
    if (!problem.isEmpty()) {
        setMessage(m_nameMessage, m_name->text().isEmpty() ? QString() : problem);
    } else {
        switch (lookup.state()) {
        case AppLookup::State::Idle:
            setMessage(m_nameMessage, {});
            break;
        case AppLookup::State::Checking:
            setMessage(m_nameMessage, tr("Looking for an app with this name…"), Tone::Neutral);
            break;
        case AppLookup::State::WillCreate:
            setMessage(m_nameMessage, tr("No app has this name yet: the setup registers it."), Tone::Good);
            break;
        case AppLookup::State::WillAdopt:
            setMessage(m_nameMessage,
                       tr("An app with this name exists (client ID %1). If dcr-wizard did not create it, the Review asks before "
                          "the setup uses it; or choose another name.")
                           .arg(lookup.existingAppId()),
                       Tone::Neutral);
            break;
        case AppLookup::State::Ambiguous:
            setMessage(m_nameMessage, tr("%1 apps have this name: choose a name no other app registration uses.").arg(lookup.count()));
            break;
        case AppLookup::State::Failed:
            setMessage(m_nameMessage, tr("Could not check the name: %1").arg(lookup.error().what));
            break;
        }
    }
    emit completeChanged();
}

void AzureAppPage::refreshProfileName() {
    setMessage(m_profileNameMessage, wizard::profileNameProblem(m_profileName->text()));
    emit completeChanged();
}

void AzureAppPage::refreshPermissions() {
    QString html = QStringLiteral("<ul style=\"margin-left:0\">");
    for (const wizard::PermissionExplanation& p : wizard::permissionsExplained(controller().profile().azure.permissionPreset)) {
        html += QStringLiteral("<li><b>%1</b> (%2): %3</li>")
                    .arg(p.value.toHtmlEscaped(), p.application ? tr("application permission") : tr("delegated permission"),
                         p.explanation.toHtmlEscaped());
    }
    m_permissions->setText(html + QStringLiteral("</ul>"));
}

}  // namespace dcr::ui
