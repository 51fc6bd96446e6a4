#pragma once

#include "wizard/wizard_page.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QWidget;

namespace dcr::ui {

// Microsoft Entra sign-in: cloud, tenant (checked as typed), then the browser, a device code, or
// a token the admin already has. Shows who signed in to which tenant.
class SignInPage : public WizardPage {
    Q_OBJECT
public:
    explicit SignInPage(wizard::WizardController& controller, QWidget* parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;

private:
    void refresh();
    void showBrowserFallback(const QUrl& url);
    void showDeviceCode(const QString& userCode, const QUrl& verificationUri, const QString& message);

    QComboBox* m_cloud;
    QLineEdit* m_tenant;
    QLabel* m_tenantMessage;
    QPushButton* m_browser;
    QPushButton* m_device;
    QPushButton* m_cancel;
    QWidget* m_browserFallback;
    QLineEdit* m_browserUrl;
    QWidget* m_devicePanel;
    QLabel* m_deviceCode;
    QLabel* m_deviceMessage;
    QLineEdit* m_token;
    QPushButton* m_useToken;
    QLabel* m_status;
};

}  // namespace dcr::ui
