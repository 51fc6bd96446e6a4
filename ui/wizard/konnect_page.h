#pragma once

#include "wizard/wizard_page.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;

namespace dcr::ui {

// Kong Konnect: the region, the token (masked, checked at once against the organization), the
// DCR provider and auth strategy names, the credential claim and auth methods, and the issuer
// they will use (derived from the tenant, read-only).
class KonnectPage : public WizardPage {
    Q_OBJECT
public:
    explicit KonnectPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    void regionChanged();
    void refreshToken();
    void refreshFields();
    QStringList authMethods() const;

    QComboBox* m_region;
    QLineEdit* m_regionUrl;
    QLabel* m_regionUrlMessage;
    QLineEdit* m_token;
    QLabel* m_tokenMessage;
    QLabel* m_org;
    QCheckBox* m_remember;
    QLineEdit* m_provider;
    QLabel* m_providerMessage;
    QLineEdit* m_strategy;
    QLabel* m_strategyMessage;
    QLineEdit* m_strategyDisplay;
    QLabel* m_strategyDisplayMessage;
    QLineEdit* m_claim;
    QLabel* m_claimMessage;
    QCheckBox* m_clientCredentials;
    QCheckBox* m_bearer;
    QCheckBox* m_session;
    QLabel* m_methodsMessage;
    QLineEdit* m_issuer;
};

}  // namespace dcr::ui
