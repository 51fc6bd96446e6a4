#pragma once

#include "wizard/wizard_page.h"

class QLabel;
class QLineEdit;

namespace dcr::ui {

// What admin consent will grant, and the consent link for an administrator with the right role
// when the signed-in account cannot grant it.
class ConsentPage : public WizardPage {
    Q_OBJECT
public:
    explicit ConsentPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;

private:
    QLabel* m_permissions;
    QLineEdit* m_url;
    QLabel* m_urlNote;
};

}  // namespace dcr::ui
