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
    // DynamicsApp comes last so that the Kong pages keep their ids; nextId() puts it after SignIn.
    enum PageId { Welcome = 0, SignIn, AzureApp, Consent, ClientSecret, Konnect, Publish, Review, Apply, Validate, Summary, DynamicsApp };

    explicit SetupWizard(StartMode startMode = StartMode::Remembered, QWidget* parent = nullptr);
    ~SetupWizard() override;

    wizard::WizardController& controller() const { return *m_controller; }

    void done(int result) override;  // remembers the window's geometry
    // The Dynamics 365 client app goes Sign-in → DynamicsApp → Review, past the Kong pages.
    int nextId() const override;
    // Cancel, Escape and the window's close button: while a run is busy, asks first.
    void reject() override;

private:
    wizard::WizardController* m_controller;
    bool m_closeWhileBusyConfirmed = false;
};

}  // namespace dcr::ui
