#pragma once

#include "wizard/wizard_page.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QRadioButton;

namespace dcr::ui {

// First page: what to set up (Kong Konnect DCR, or a Dynamics 365 client app); the offline sandbox
// or the real Microsoft Entra ID + Kong Konnect; open a profile;
// resume an interrupted setup when its saved progress exists.
class WelcomePage : public WizardPage {
    Q_OBJECT
public:
    explicit WelcomePage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool validatePage() override;
    bool isComplete() const override;

private:
    void openProfile();
    void refresh();

    QRadioButton* m_sandbox;
    QRadioButton* m_real;
    QRadioButton* m_kongDcr;
    QRadioButton* m_dynamics;
    QLabel* m_sandboxStatus;
    QPushButton* m_open;
    QLabel* m_profileStatus;
    QCheckBox* m_allowHosts;
    QCheckBox* m_resume;
};

}  // namespace dcr::ui
