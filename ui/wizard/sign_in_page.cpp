#include "wizard/sign_in_page.h"

#include "wizard/field_checks.h"
#include "wizard/sign_in_controller.h"
#include "wizard/wizard_controller.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDesktopServices>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::SignInController;
using wizard::WizardController;

namespace {

QPushButton* copyButton(const QString& text, const QString& objectName, const QString& accessibleName) {
    auto* button = new QPushButton(text);
    button->setObjectName(objectName);
    button->setAccessibleName(accessibleName);
    return button;
}

}  // namespace

SignInPage::SignInPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("signInPage"), parent),
      m_cloud(new QComboBox),
      m_tenant(new QLineEdit),
      m_tenantMessage(messageLabel(QStringLiteral("tenantMessage"), tr("Tenant problem"))),
      m_browser(new QPushButton(tr("&Sign in with the browser"))),
      m_device(new QPushButton(tr("Sign in with a &device code"))),
      m_cancel(new QPushButton(tr("Sto&p waiting"))),
      m_browserFallback(new QWidget),
      m_browserUrl(new QLineEdit),
      m_devicePanel(new QWidget),
      m_deviceCode(new QLabel),
      m_deviceMessage(new QLabel),
      m_token(new QLineEdit),
      m_useToken(new QPushButton(tr("&Use this token"))),
      m_status(messageLabel(QStringLiteral("signInStatus"), tr("Sign-in status"))) {
    setTitle(tr("Sign in to Microsoft Entra ID"));
    setSubTitle(tr("Sign in as an administrator of the tenant where the app will be registered. "
                   "Your tokens stay in memory and are forgotten when the wizard closes."));

    m_cloud->setObjectName(QStringLiteral("cloudCombo"));
    m_cloud->setAccessibleName(tr("Cloud"));
    m_cloud->addItem(tr("Microsoft Azure (global)"), QStringLiteral("global"));
    m_cloud->addItem(tr("Azure Government (US)"), QStringLiteral("usgov"));
    m_cloud->addItem(tr("Azure operated by 21Vianet (China)"), QStringLiteral("china"));
    m_tenant->setObjectName(QStringLiteral("tenantEdit"));
    m_tenant->setAccessibleName(tr("Tenant ID or domain"));
    m_tenant->setPlaceholderText(tr("contoso.onmicrosoft.com or 00000000-0000-0000-0000-000000000000"));

    auto* form = new QFormLayout;
    auto* cloudLabel = new QLabel(tr("&Cloud:"));
    cloudLabel->setBuddy(m_cloud);
    form->addRow(cloudLabel, m_cloud);
    auto* tenantLabel = new QLabel(tr("&Tenant:"));
    tenantLabel->setBuddy(m_tenant);
    auto* tenantColumn = new QVBoxLayout;
    tenantColumn->addWidget(m_tenant);
    tenantColumn->addWidget(m_tenantMessage);
    form->addRow(tenantLabel, tenantColumn);
    body()->addLayout(form);

    m_browser->setObjectName(QStringLiteral("signInButton"));
    m_browser->setAccessibleName(tr("Sign in with the browser"));
    m_device->setObjectName(QStringLiteral("deviceCodeButton"));
    m_device->setAccessibleName(tr("Sign in with a device code"));
    m_device->setToolTip(tr("For a computer without a browser: enter a code on another device."));
    m_cancel->setObjectName(QStringLiteral("cancelSignInButton"));
    m_cancel->setAccessibleName(tr("Stop waiting for the sign-in"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_browser);
    buttons->addWidget(m_device);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    body()->addLayout(buttons);

    // When no browser opens, the address to paste into one.
    m_browserUrl->setObjectName(QStringLiteral("browserUrlEdit"));
    m_browserUrl->setAccessibleName(tr("Sign-in address"));
    m_browserUrl->setReadOnly(true);
    auto* copyUrl = copyButton(tr("Cop&y"), QStringLiteral("copyBrowserUrlButton"), tr("Copy the sign-in address"));
    auto* fallback = new QHBoxLayout(m_browserFallback);
    fallback->setContentsMargins(0, 0, 0, 0);
    auto* fallbackLabel = new QLabel(tr("No browser opened. Open this address in one:"));
    fallbackLabel->setObjectName(QStringLiteral("browserUrlLabel"));
    fallback->addWidget(fallbackLabel);
    fallback->addWidget(m_browserUrl, 1);
    fallback->addWidget(copyUrl);
    body()->addWidget(m_browserFallback);
    m_browserFallback->setVisible(false);

    m_deviceCode->setObjectName(QStringLiteral("deviceCodeLabel"));
    m_deviceCode->setAccessibleName(tr("Device code"));
    m_deviceCode->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont large = m_deviceCode->font();
    large.setPointSizeF(large.pointSizeF() * 2.2);
    large.setBold(true);
    large.setLetterSpacing(QFont::PercentageSpacing, 115);
    m_deviceCode->setFont(large);
    m_deviceMessage->setObjectName(QStringLiteral("deviceCodeMessage"));
    m_deviceMessage->setWordWrap(true);
    m_deviceMessage->setOpenExternalLinks(true);
    m_deviceMessage->setTextInteractionFlags(Qt::TextBrowserInteraction);
    auto* copyCode = copyButton(tr("C&opy the code"), QStringLiteral("copyDeviceCodeButton"), tr("Copy the device code"));
    auto* device = new QVBoxLayout(m_devicePanel);
    device->setContentsMargins(0, 0, 0, 0);
    auto* codeRow = new QHBoxLayout;
    codeRow->addWidget(m_deviceCode);
    codeRow->addWidget(copyCode);
    codeRow->addStretch();
    device->addWidget(m_deviceMessage);
    device->addLayout(codeRow);
    body()->addWidget(m_devicePanel);
    m_devicePanel->setVisible(false);

    m_token->setObjectName(QStringLiteral("graphTokenEdit"));
    m_token->setAccessibleName(tr("Microsoft Graph access token"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("eyJ0eXAiOiJKV1Qi…"));
    m_useToken->setObjectName(QStringLiteral("useTokenButton"));
    m_useToken->setAccessibleName(tr("Sign in with the pasted token"));
    auto* tokenLabel = new QLabel(tr("Or paste a Microsoft Graph &access token you already have:"));
    tokenLabel->setBuddy(m_token);
    auto* tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(m_useToken);
    body()->addSpacing(8);
    body()->addWidget(tokenLabel);
    body()->addLayout(tokenRow);
    body()->addSpacing(8);
    body()->addWidget(m_status);
    body()->addStretch();

    SignInController& signIn = controller.signIn();
    connect(m_cloud, &QComboBox::currentIndexChanged, this, [this] {
        this->controller().setCloud(m_cloud->currentData().toString());
        refresh();
    });
    connect(m_tenant, &QLineEdit::textChanged, this, [this](const QString& text) {
        this->controller().setTenant(text);
        refresh();
    });
    connect(m_browser, &QPushButton::clicked, &signIn, &SignInController::startBrowser);
    connect(m_device, &QPushButton::clicked, &signIn, &SignInController::startDeviceCode);
    connect(m_cancel, &QPushButton::clicked, &signIn, &SignInController::reset);
    connect(m_useToken, &QPushButton::clicked, this, [this] {
        this->controller().signIn().useToken(m_token->text());
        m_token->clear();
    });
    connect(copyUrl, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_browserUrl->text()); });
    connect(copyCode, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_deviceCode->text()); });
    // The address stays on the page while the sign-in waits, with a Copy button: a browser that
    // was started may still fail to show up, and then the user has something to do.
    connect(&signIn, &SignInController::openBrowser, this, [this, fallbackLabel](const QUrl& url) {
        const bool opened = QDesktopServices::openUrl(url);
        fallbackLabel->setText(opened ? tr("If no browser window opened, open this address in one:")
                                      : tr("No browser opened. Open this address in one:"));
        showBrowserFallback(url);
    });
    connect(&signIn, &SignInController::deviceCode, this,
            [this](const QString& code, const QUrl& uri, const QString& message, int) { showDeviceCode(code, uri, message); });
    connect(&signIn, &SignInController::stateChanged, this, &SignInPage::refresh);
    // The sandbox names its tenant only once it has started.
    connect(&controller, &WizardController::sandboxChanged, this, [this] {
        if (this->controller().isSandbox())
            m_tenant->setText(this->controller().profile().azure.tenant);
        refresh();
    });
}

void SignInPage::initializePage() {
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = controller().profile();
    const int cloud = m_cloud->findData(profile.azure.cloud);
    if (cloud >= 0) {
        m_cloud->setCurrentIndex(cloud);
    } else {
        // A custom cloud comes only from a profile, with its own URLs.
        m_cloud->addItem(tr("Custom (from the profile)"), profile.azure.cloud);
        m_cloud->setCurrentIndex(m_cloud->count() - 1);
    }
    m_tenant->setText(profile.azure.tenant);
    refresh();
}

bool SignInPage::isComplete() const {
    return wizard::tenantProblem(m_tenant->text()).isEmpty() && controller().signIn().state() == SignInController::State::SignedIn;
}

void SignInPage::refresh() {
    const WizardController& c = controller();
    const SignInController& signIn = controller().signIn();
    const QString tenantProblem = m_tenant->text().isEmpty() ? QString() : wizard::tenantProblem(m_tenant->text());
    setMessage(m_tenantMessage, tenantProblem);
    // The sandbox answers for the tenant it was started with, in the global cloud.
    m_cloud->setEnabled(!c.isSandbox());
    const bool waiting = signIn.state() == SignInController::State::Waiting;
    const bool ready = !c.isSandbox() || c.sandboxReady();
    const bool canStart = ready && !waiting && wizard::tenantProblem(m_tenant->text()).isEmpty();
    m_browser->setEnabled(canStart);
    m_device->setEnabled(canStart);
    m_useToken->setEnabled(canStart);
    m_token->setEnabled(!waiting);
    m_cancel->setVisible(waiting);
    if (!waiting) {
        m_devicePanel->setVisible(false);
        m_browserFallback->setVisible(false);
    }

    switch (signIn.state()) {
    case SignInController::State::SignedOut:
        setMessage(m_status, ready ? QString() : tr("Starting the sandbox…"), Tone::Neutral);
        break;
    case SignInController::State::Waiting:
        setMessage(m_status, tr("Waiting for you to finish signing in…"), Tone::Neutral);
        break;
    case SignInController::State::SignedIn:
        setMessage(m_status,
                   tr("Signed in as %1 to the tenant %2 (%3).")
                       .arg(signIn.userName().isEmpty() ? tr("an administrator") : signIn.userName(), signIn.tenantName(), signIn.tenantId()),
                   Tone::Good);
        break;
    case SignInController::State::Failed:
        setMessage(m_status, tr("%1\n%2").arg(signIn.error().what, signIn.error().remedy));
        break;
    }
    emit completeChanged();
}

void SignInPage::showBrowserFallback(const QUrl& url) {
    m_browserUrl->setText(url.toString(QUrl::FullyEncoded));
    m_browserFallback->setVisible(true);
}

void SignInPage::showDeviceCode(const QString& userCode, const QUrl& verificationUri, const QString& message) {
    m_deviceCode->setText(userCode);
    const QString uri = verificationUri.toString().toHtmlEscaped();
    m_deviceMessage->setText(message.isEmpty() ? tr("Open <a href=\"%1\">%1</a> on any device and enter this code:").arg(uri)
                                               : message.toHtmlEscaped());
    m_devicePanel->setVisible(true);
}

}  // namespace dcr::ui
