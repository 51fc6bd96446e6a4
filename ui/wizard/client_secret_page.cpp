#include "wizard/client_secret_page.h"

#include "wizard/wizard_controller.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::WizardController;

ClientSecretPage::ClientSecretPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("clientSecretPage"), parent),
      m_explanation(note(QString())),
      m_status(messageLabel(QStringLiteral("keychainStatus"), tr("Keychain status"))),
      m_recheck(new QPushButton(tr("Check the &keychain again"))) {
    setTitle(tr("The client secret"));
    setSubTitle(tr("Konnect's DCR provider signs in as the app with a client secret. The wizard creates it during the setup."));
    m_explanation->setObjectName(QStringLiteral("secretExplanation"));
    m_recheck->setObjectName(QStringLiteral("recheckKeychainButton"));
    m_recheck->setAccessibleName(tr("Check the keychain again"));

    body()->addWidget(m_explanation);
    body()->addSpacing(8);
    body()->addWidget(m_status);
    body()->addWidget(m_recheck, 0, Qt::AlignLeft);
    body()->addStretch();

    connect(m_recheck, &QPushButton::clicked, &controller, &WizardController::probeKeychain);
    connect(&controller, &WizardController::keychainChanged, this, &ClientSecretPage::refresh);
}

void ClientSecretPage::initializePage() {
    const Profile& profile = controller().profile();
    m_explanation->setText(
        tr("The secret is valid for %n month(s). Its value goes straight to Konnect's DCR provider and into the system "
           "keychain (service \"dcr-wizard\", an entry under \"%1/\"); dcr-wizard never writes it to a file, a log or a "
           "report. Only its ID is remembered, to clean up later.",
           nullptr, profile.azure.secretLifetimeMonths)
            .arg(profile.name));
    controller().probeKeychain();
}

bool ClientSecretPage::isComplete() const {
    const WizardController::Keychain k = controller().keychain();
    return k != WizardController::Keychain::Unknown && k != WizardController::Keychain::Checking;
}

void ClientSecretPage::refresh() {
    const WizardController& c = controller();
    switch (c.keychain()) {
    case WizardController::Keychain::Unknown:
    case WizardController::Keychain::Checking:
        setMessage(m_status, tr("Checking the keychain…"), Tone::Neutral);
        break;
    case WizardController::Keychain::Available:
        setMessage(m_status, tr("A keychain is available: the secret will be stored there."), Tone::Good);
        break;
    case WizardController::Keychain::Locked:
        setMessage(m_status, tr("The keychain did not let the wizard in (%1). Unlock it and check again; otherwise the secret "
                                "will be shown once for you to copy.")
                                 .arg(c.keychainMessage()));
        break;
    case WizardController::Keychain::Missing:
        setMessage(m_status, tr("This computer has no keychain. The secret will be shown once, right after it is created, "
                                "with a Copy button: copy it then, because dcr-wizard stores it nowhere. The clipboard is "
                                "cleared 60 seconds later."));
        break;
    }
    m_recheck->setEnabled(c.keychain() != WizardController::Keychain::Checking);
    emit completeChanged();
}

}  // namespace dcr::ui
