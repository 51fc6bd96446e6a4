#pragma once

#include "wizard/wizard_page.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QWidget;

namespace dcr::ui {

// Optional: publish an API on a portal with the new auth strategy, both chosen from lists read
// from Konnect. In the sandbox, also whether to prove the setup with a test application.
class PublishPage : public WizardPage {
    Q_OBJECT
public:
    explicit PublishPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    bool validatePage() override;

private:
    void refreshPortals();
    void refreshApis();
    void refreshReload();
    void refreshEnabled();

    QCheckBox* m_enabled;
    QWidget* m_details;
    QComboBox* m_portal;
    QLabel* m_portalMessage;
    QComboBox* m_api;
    QLabel* m_apiMessage;
    QPushButton* m_reload;
    QComboBox* m_visibility;
    QCheckBox* m_autoApprove;
    QCheckBox* m_roundTrip;
};

}  // namespace dcr::ui
