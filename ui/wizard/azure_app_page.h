#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace dcr::ui {

// The app registration: its name (with whether it exists already), who may sign in, the
// permission preset with each permission explained, and the client secret's lifetime; and the
// name of the profile, which keeps this setup's progress and keychain entries apart from others'.
class AzureAppPage : public WizardPage {
    Q_OBJECT
public:
    explicit AzureAppPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    void refreshName();
    void refreshPermissions();

    void refreshProfileName();

    QLineEdit* m_name;
    QLabel* m_nameMessage;
    QLineEdit* m_profileName;
    QLabel* m_profileNameMessage;
    QRadioButton* m_minimal;
    QRadioButton* m_legacy;
    QLabel* m_permissions;
    QSpinBox* m_lifetime;
};

}  // namespace dcr::ui
