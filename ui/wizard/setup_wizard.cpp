#include "wizard/setup_wizard.h"

#include "wizard/welcome_page.h"

namespace dcr::ui {

SetupWizard::SetupWizard(StartMode startMode, QWidget* parent)
    : QWizard(parent), m_welcome(new WelcomePage(startMode == StartMode::Sandbox || WelcomePage::rememberedSandbox())) {
    setObjectName(QStringLiteral("setupWizard"));
    setWindowTitle(tr("Kong Konnect DCR setup for Microsoft Entra ID"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setPage(Welcome, m_welcome);
    setStartId(Welcome);
}

}  // namespace dcr::ui
