#include "wizard/konnect_page.h"

#include "wizard/field_checks.h"
#include "wizard/konnect_check.h"
#include "wizard/wizard_controller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::KonnectCheck;
using wizard::WizardController;

namespace {

constexpr int kMaxNameLength = 256;

QVBoxLayout* fieldWithMessage(QWidget* field, QLabel* message) {
    auto* column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(field);
    column->addWidget(message);
    return column;
}

QLineEdit* lineEdit(const QString& objectName, const QString& accessibleName) {
    auto* edit = new QLineEdit;
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    return edit;
}

QLabel* buddyLabel(const QString& text, QWidget* buddy) {
    auto* label = new QLabel(text);
    label->setBuddy(buddy);
    return label;
}

}  // namespace

KonnectPage::KonnectPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("konnectPage"), parent),
      m_region(new QComboBox),
      m_regionUrl(lineEdit(QStringLiteral("regionUrlEdit"), tr("Custom Konnect API address"))),
      m_regionUrlMessage(messageLabel(QStringLiteral("regionUrlMessage"), tr("Konnect address problem"))),
      m_token(lineEdit(QStringLiteral("konnectTokenEdit"), tr("Konnect token"))),
      m_tokenMessage(messageLabel(QStringLiteral("konnectTokenMessage"), tr("Konnect token status"))),
      m_org(messageLabel(QStringLiteral("konnectOrgLabel"), tr("Konnect organization"))),
      m_remember(new QCheckBox(tr("Re&member the token in the keychain"))),
      m_provider(lineEdit(QStringLiteral("providerNameEdit"), tr("DCR provider name"))),
      m_providerMessage(messageLabel(QStringLiteral("providerNameMessage"), tr("DCR provider name problem"))),
      m_strategy(lineEdit(QStringLiteral("strategyNameEdit"), tr("Auth strategy name"))),
      m_strategyMessage(messageLabel(QStringLiteral("strategyNameMessage"), tr("Auth strategy name problem"))),
      m_strategyDisplay(lineEdit(QStringLiteral("strategyDisplayNameEdit"), tr("Auth strategy display name"))),
      m_strategyDisplayMessage(messageLabel(QStringLiteral("strategyDisplayNameMessage"), tr("Display name problem"))),
      m_claim(lineEdit(QStringLiteral("credentialClaimEdit"), tr("Credential claim"))),
      m_claimMessage(messageLabel(QStringLiteral("credentialClaimMessage"), tr("Credential claim problem"))),
      m_clientCredentials(new QCheckBox(tr("Client cre&dentials"))),
      m_bearer(new QCheckBox(tr("Beare&r token"))),
      m_session(new QCheckBox(tr("Sessi&on"))),
      m_methodsMessage(messageLabel(QStringLiteral("authMethodsMessage"), tr("Auth methods problem"))),
      m_issuer(lineEdit(QStringLiteral("issuerEdit"), tr("Issuer"))) {
    setTitle(tr("Kong Konnect"));
    setSubTitle(tr("The DCR provider lets the Dev Portal create developers' apps in your tenant; the auth strategy "
                   "applies it to the APIs you publish."));

    m_region->setObjectName(QStringLiteral("regionCombo"));
    m_region->setAccessibleName(tr("Konnect region"));
    for (const auto& [name, label] : {std::pair{"us", QT_TR_NOOP("United States (us)")}, {"eu", QT_TR_NOOP("Europe (eu)")},
                                      {"au", QT_TR_NOOP("Australia (au)")}, {"me", QT_TR_NOOP("Middle East (me)")},
                                      {"in", QT_TR_NOOP("India (in)")}, {"sg", QT_TR_NOOP("Singapore (sg)")},
                                      {"custom", QT_TR_NOOP("Another address")}})
        m_region->addItem(tr(label), QLatin1String(name));
    m_regionUrl->setPlaceholderText(QStringLiteral("https://us.api.konghq.com"));

    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("kpat_… or spat_…"));
    m_token->setToolTip(tr("Create one in Konnect under your account's Personal access tokens, or a system account's token."));
    m_remember->setObjectName(QStringLiteral("rememberTokenCheck"));
    m_remember->setAccessibleName(tr("Remember the Konnect token in the keychain"));
    m_remember->setToolTip(tr("Lets the next start and dcr-wizard --unattended use it without asking."));

    m_claim->setToolTip(tr("The token claim that names the developer's app. Azure puts the client ID in appid."));
    m_clientCredentials->setObjectName(QStringLiteral("authMethodClientCredentials"));
    m_clientCredentials->setAccessibleName(tr("Client credentials auth method"));
    m_bearer->setObjectName(QStringLiteral("authMethodBearer"));
    m_bearer->setAccessibleName(tr("Bearer auth method"));
    m_session->setObjectName(QStringLiteral("authMethodSession"));
    m_session->setAccessibleName(tr("Session auth method"));
    m_issuer->setReadOnly(true);
    m_issuer->setToolTip(tr("Derived from the tenant, without a trailing slash: Kong compares it exactly."));

    auto* regionRow = new QHBoxLayout;
    regionRow->addWidget(m_region);
    regionRow->addLayout(fieldWithMessage(m_regionUrl, m_regionUrlMessage), 1);
    auto* tokenColumn = fieldWithMessage(m_token, m_tokenMessage);
    tokenColumn->addWidget(m_org);
    tokenColumn->addWidget(m_remember);
    auto* methods = new QHBoxLayout;
    methods->addWidget(m_clientCredentials);
    methods->addWidget(m_bearer);
    methods->addWidget(m_session);
    methods->addStretch();
    auto* methodsColumn = new QVBoxLayout;
    methodsColumn->addLayout(methods);
    methodsColumn->addWidget(m_methodsMessage);

    auto* form = new QFormLayout;
    form->addRow(buddyLabel(tr("Re&gion:"), m_region), regionRow);
    form->addRow(buddyLabel(tr("&Token:"), m_token), tokenColumn);
    form->addRow(buddyLabel(tr("DCR &provider name:"), m_provider), fieldWithMessage(m_provider, m_providerMessage));
    form->addRow(buddyLabel(tr("Auth &strategy name:"), m_strategy), fieldWithMessage(m_strategy, m_strategyMessage));
    form->addRow(buddyLabel(tr("Strategy displa&y name:"), m_strategyDisplay), fieldWithMessage(m_strategyDisplay, m_strategyDisplayMessage));
    form->addRow(buddyLabel(tr("Credential c&laim:"), m_claim), fieldWithMessage(m_claim, m_claimMessage));
    form->addRow(tr("Auth methods:"), methodsColumn);
    form->addRow(buddyLabel(tr("&Issuer:"), m_issuer), m_issuer);
    body()->addLayout(form);
    body()->addStretch();

    KonnectCheck& check = controller.konnect();
    connect(m_region, &QComboBox::currentIndexChanged, this, &KonnectPage::regionChanged);
    connect(m_regionUrl, &QLineEdit::textChanged, this, &KonnectPage::regionChanged);
    connect(m_token, &QLineEdit::textChanged, &check, &KonnectCheck::setToken);
    connect(&check, &KonnectCheck::stateChanged, this, &KonnectPage::refreshToken);
    connect(&check, &KonnectCheck::tokenLoaded, this, [this](const QString& token) {
        if (m_token->text().isEmpty()) {
            m_token->setText(token);
            m_remember->setChecked(true);
        }
    });
    connect(m_provider, &QLineEdit::textChanged, this, [this](const QString& t) {
        this->controller().setDcrProviderName(t);
        refreshFields();
    });
    connect(m_strategy, &QLineEdit::textChanged, this, [this](const QString& t) {
        this->controller().setAuthStrategyName(t);
        refreshFields();
    });
    connect(m_strategyDisplay, &QLineEdit::textChanged, this, [this](const QString& t) {
        this->controller().setAuthStrategyDisplayName(t);
        refreshFields();
    });
    connect(m_claim, &QLineEdit::textChanged, this, [this](const QString& t) {
        this->controller().setCredentialClaim(t);
        refreshFields();
    });
    for (QCheckBox* method : {m_clientCredentials, m_bearer, m_session}) {
        connect(method, &QCheckBox::toggled, this, [this] {
            this->controller().setAuthMethods(authMethods());
            refreshFields();
        });
    }
}

void KonnectPage::initializePage() {
    WizardController& c = controller();
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = c.profile();
    const bool sandbox = c.isSandbox();
    const int region = m_region->findData(profile.konnect.region);
    m_region->setCurrentIndex(region < 0 ? 0 : region);
    m_regionUrl->setText(profile.konnect.baseUrl);
    // The sandbox serves Konnect on this computer and hands out its own token.
    m_region->setEnabled(!sandbox);
    m_regionUrl->setEnabled(!sandbox);
    m_remember->setVisible(!sandbox);
    m_token->setText(c.konnectToken());
    c.konnect().setToken(m_token->text());
    if (!sandbox && m_token->text().isEmpty())
        c.konnect().loadRemembered();
    m_provider->setText(profile.konnect.dcrProviderName);
    m_strategy->setText(profile.konnect.authStrategyName);
    m_strategyDisplay->setText(profile.konnect.authStrategyDisplayName);
    m_claim->setText(profile.konnect.credentialClaim.join(QStringLiteral(", ")));
    m_clientCredentials->setChecked(profile.konnect.authMethods.contains(QStringLiteral("client_credentials")));
    m_bearer->setChecked(profile.konnect.authMethods.contains(QStringLiteral("bearer")));
    m_session->setChecked(profile.konnect.authMethods.contains(QStringLiteral("session")));
    const QString tenantId = c.tenantIdSignedIn();
    m_issuer->setText(tenantId.isEmpty() ? tr("(known once you are signed in)") : Profile::issuerFor(tenantId));
    regionChanged();
    refreshToken();
    refreshFields();
}

bool KonnectPage::isComplete() const {
    const bool custom = m_region->currentData().toString() == QLatin1String("custom");
    return controller().konnect().state() == KonnectCheck::State::Ok && (!custom || wizard::serviceUrlProblem(m_regionUrl->text(), false).isEmpty()) &&
           wizard::nameProblem(m_provider->text(), kMaxNameLength).isEmpty() &&
           wizard::nameProblem(m_strategy->text(), kMaxNameLength).isEmpty() &&
           wizard::nameProblem(m_strategyDisplay->text(), kMaxNameLength).isEmpty() && !wizard::splitList(m_claim->text()).isEmpty() &&
           !authMethods().isEmpty();
}

bool KonnectPage::validatePage() {
    controller().rememberAnswers();
    if (m_remember->isVisible() && m_remember->isChecked())
        controller().konnect().remember();
    return true;
}

void KonnectPage::regionChanged() {
    const bool custom = m_region->currentData().toString() == QLatin1String("custom");
    m_regionUrl->setVisible(custom);
    setMessage(m_regionUrlMessage, custom && !m_regionUrl->text().isEmpty() ? wizard::serviceUrlProblem(m_regionUrl->text(), false) : QString());
    if (controller().isSandbox())
        return;
    controller().setKonnectRegion(m_region->currentData().toString(), m_regionUrl->text());
    // The same token may belong to another region's organization.
    controller().konnect().recheck();
    emit completeChanged();
}

void KonnectPage::refreshToken() {
    const KonnectCheck& check = controller().konnect();
    switch (check.state()) {
    case KonnectCheck::State::Empty:
        setMessage(m_tokenMessage, {});
        setMessage(m_org, {});
        break;
    case KonnectCheck::State::BadFormat:
        setMessage(m_tokenMessage, check.formatProblem());
        setMessage(m_org, {});
        break;
    case KonnectCheck::State::Checking:
        setMessage(m_tokenMessage, {});
        setMessage(m_org, tr("Checking the token with Konnect…"), Tone::Neutral);
        break;
    case KonnectCheck::State::Ok:
        setMessage(m_tokenMessage, {});
        setMessage(m_org, tr("Organization: %1").arg(check.organizationName()), Tone::Good);
        break;
    case KonnectCheck::State::Failed:
        setMessage(m_tokenMessage, {});
        setMessage(m_org, tr("%1\n%2").arg(check.error().what, check.error().remedy));
        break;
    }
    emit completeChanged();
}

void KonnectPage::refreshFields() {
    const auto nameMessage = [](QLineEdit* edit) { return wizard::nameProblem(edit->text(), kMaxNameLength); };
    setMessage(m_providerMessage, nameMessage(m_provider));
    setMessage(m_strategyMessage, nameMessage(m_strategy));
    setMessage(m_strategyDisplayMessage, nameMessage(m_strategyDisplay));
    const QStringList claims = wizard::splitList(m_claim->text());
    if (claims.isEmpty())
        setMessage(m_claimMessage, tr("Name at least one claim; for Azure it is appid."));
    else if (!claims.contains(QStringLiteral("appid")))
        setMessage(m_claimMessage, tr("Azure puts the client ID in appid; without it Konnect cannot match tokens to apps."), Tone::Neutral);
    else
        setMessage(m_claimMessage, {});
    setMessage(m_methodsMessage, authMethods().isEmpty() ? tr("Choose at least one way developers' apps authenticate.") : QString());
    emit completeChanged();
}

QStringList KonnectPage::authMethods() const {
    QStringList methods;
    if (m_clientCredentials->isChecked())
        methods << QStringLiteral("client_credentials");
    if (m_bearer->isChecked())
        methods << QStringLiteral("bearer");
    if (m_session->isChecked())
        methods << QStringLiteral("session");
    return methods;
}

}  // namespace dcr::ui
