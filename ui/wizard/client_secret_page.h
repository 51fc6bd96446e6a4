#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QPushButton;

namespace dcr::ui {

// Where the client secret will live: the system keychain when one answers; otherwise the user is
// told now that the secret will be shown once, to copy, and stored nowhere.
class ClientSecretPage : public WizardPage {
    Q_OBJECT
public:
    explicit ClientSecretPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

private:
    void refresh();

    QLabel* m_explanation;
    QLabel* m_status;
    QPushButton* m_recheck;
};

}  // namespace dcr::ui
