#pragma once

#include "wizard/wizard_page.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace dcr::ui {

// The Dynamics 365 / Dataverse client app (seed 004): its name, who may sign in, the mobile and
// desktop redirect URI, the environment's address, admin consent, and the test sign-in.
class DynamicsAppPage : public WizardPage {
    Q_OBJECT
public:
    explicit DynamicsAppPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    void refreshMessages();

    QLineEdit* m_name;
    QLabel* m_nameMessage;
    QRadioButton* m_multipleOrgs;
    QRadioButton* m_myOrg;
    QLineEdit* m_redirectUri;
    QLabel* m_redirectMessage;
    QLineEdit* m_organizationUrl;
    QLabel* m_organizationMessage;
    QCheckBox* m_adminConsent;
    QCheckBox* m_testSignIn;
};

}  // namespace dcr::ui
