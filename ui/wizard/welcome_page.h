#pragma once

#include <QWizardPage>

class QRadioButton;

namespace dcr::ui {

// First page: choose between the offline sandbox and real Microsoft Entra ID + Kong Konnect.
class WelcomePage : public QWizardPage {
    Q_OBJECT
public:
    explicit WelcomePage(bool preferSandbox, QWidget* parent = nullptr);

    bool sandboxSelected() const;
    bool validatePage() override;  // remembers the choice for the next start

    static bool rememberedSandbox();

private:
    QRadioButton* m_sandbox;
    QRadioButton* m_real;
};

}  // namespace dcr::ui
