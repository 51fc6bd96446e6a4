#include "wizard/welcome_page.h"

#include <QLabel>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>

namespace dcr::ui {

namespace {
constexpr auto kModeKey = "wizard/mode";
constexpr auto kRealMode = "real";
constexpr auto kSandboxMode = "sandbox";
}  // namespace

WelcomePage::WelcomePage(bool preferSandbox, QWidget* parent)
    : QWizardPage(parent),
      m_sandbox(new QRadioButton(tr("&Sandbox (offline demo)"))),
      m_real(new QRadioButton(tr("&Real Microsoft Entra ID and Kong Konnect"))) {
    setObjectName(QStringLiteral("welcomePage"));
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
    (preferSandbox ? m_sandbox : m_real)->setChecked(true);

    auto* explanation = new QLabel(tr("Choose where the setup runs:"));
    explanation->setWordWrap(true);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addWidget(m_sandbox);
    layout->addWidget(m_real);
    layout->addStretch();
}

bool WelcomePage::sandboxSelected() const { return m_sandbox->isChecked(); }

bool WelcomePage::validatePage() {
    QSettings().setValue(QLatin1String(kModeKey), QLatin1String(sandboxSelected() ? kSandboxMode : kRealMode));
    return true;
}

bool WelcomePage::rememberedSandbox() {
    return QSettings().value(QLatin1String(kModeKey)).toString() != QLatin1String(kRealMode);
}

}  // namespace dcr::ui
