#pragma once

#include <QWizard>

namespace dcr::wizard {
class WizardController;
}

namespace dcr::ui {

// Sandbox forces the offline demo; Remembered starts in the mode chosen last time (sandbox on first start).
enum class StartMode { Sandbox, Remembered };

// The top-level wizard: one page per step of the setup, all thin views over one WizardController.
// Page ids are fixed so that tests and nextId() can name pages.
class SetupWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { Welcome = 0, SignIn, AzureApp, Consent, ClientSecret, Konnect, Publish, Review, Apply, Validate, Summary };

    explicit SetupWizard(StartMode startMode = StartMode::Remembered, QWidget* parent = nullptr);
    ~SetupWizard() override;

    wizard::WizardController& controller() const { return *m_controller; }

    void done(int result) override;  // remembers the window's geometry

private:
    wizard::WizardController* m_controller;
};

}  // namespace dcr::ui
