#include "wizard/publish_page.h"

#include "wizard/publish_lookup.h"
#include "wizard/wizard_controller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace dcr::ui {

using wizard::PublishLookup;
using wizard::WizardController;

PublishPage::PublishPage(WizardController& controller, QWidget* parent)
    : WizardPage(controller, QStringLiteral("publishPage"), parent),
      m_enabled(new QCheckBox(tr("&Publish an API on a portal with this auth strategy"))),
      m_details(new QWidget),
      m_portal(new QComboBox),
      m_portalMessage(messageLabel(QStringLiteral("portalMessage"), tr("Portal status"))),
      m_api(new QLineEdit),
      m_apiMessage(messageLabel(QStringLiteral("apiMessage"), tr("API status"))),
      m_visibility(new QComboBox),
      m_autoApprove(new QCheckBox(tr("Appro&ve developers' registrations automatically"))),
      m_roundTrip(new QCheckBox(tr("After the setup, register a &test application through the portal and call the API"))) {
    setTitle(tr("Publish an API (optional)"));
    setSubTitle(tr("Developers can register applications for an API once it is published on a portal with the auth strategy."));

    m_enabled->setObjectName(QStringLiteral("publishCheck"));
    m_enabled->setAccessibleName(tr("Publish an API"));
    m_portal->setObjectName(QStringLiteral("portalCombo"));
    m_portal->setAccessibleName(tr("Portal"));
    m_api->setObjectName(QStringLiteral("apiNameEdit"));
    m_api->setAccessibleName(tr("API name"));
    m_api->setPlaceholderText(tr("The API's name in Konnect's API catalog"));
    m_visibility->setObjectName(QStringLiteral("visibilityCombo"));
    m_visibility->setAccessibleName(tr("Visibility"));
    m_visibility->addItem(tr("Public: anyone can see it"), QStringLiteral("public"));
    m_visibility->addItem(tr("Private: only signed-in developers"), QStringLiteral("private"));
    m_autoApprove->setObjectName(QStringLiteral("autoApproveCheck"));
    m_autoApprove->setAccessibleName(tr("Approve registrations automatically"));
    m_roundTrip->setObjectName(QStringLiteral("roundTripCheck"));
    m_roundTrip->setAccessibleName(tr("Validate with a test application"));
    m_roundTrip->setToolTip(tr("Uses the sandbox's developer account; the test application is deleted again."));

    auto* portalLabel = new QLabel(tr("P&ortal:"));
    portalLabel->setBuddy(m_portal);
    auto* apiLabel = new QLabel(tr("&API:"));
    apiLabel->setBuddy(m_api);
    auto* visibilityLabel = new QLabel(tr("Visibilit&y:"));
    visibilityLabel->setBuddy(m_visibility);
    auto* portalColumn = new QVBoxLayout;
    portalColumn->addWidget(m_portal);
    portalColumn->addWidget(m_portalMessage);
    auto* apiColumn = new QVBoxLayout;
    apiColumn->addWidget(m_api);
    apiColumn->addWidget(m_apiMessage);
    auto* form = new QFormLayout(m_details);
    form->addRow(portalLabel, portalColumn);
    form->addRow(apiLabel, apiColumn);
    form->addRow(visibilityLabel, m_visibility);
    form->addRow(QString(), m_autoApprove);

    body()->addWidget(m_enabled);
    body()->addWidget(m_details);
    body()->addSpacing(8);
    body()->addWidget(m_roundTrip);
    body()->addStretch();

    PublishLookup& lookup = controller.publishLookup();
    connect(m_enabled, &QCheckBox::toggled, this, [this](bool enabled) {
        this->controller().setPublishEnabled(enabled);
        refreshEnabled();
    });
    connect(m_portal, &QComboBox::currentTextChanged, this, [this](const QString& portal) {
        if (this->controller().publishLookup().portalsState() == PublishLookup::State::Ready)
            this->controller().setPortalName(portal);
        emit completeChanged();
    });
    connect(m_api, &QLineEdit::textChanged, this, [this](const QString& api) {
        this->controller().setApiName(api);
        this->controller().publishLookup().setApiName(api);
    });
    connect(m_visibility, &QComboBox::currentIndexChanged, this,
            [this] { this->controller().setVisibility(m_visibility->currentData().toString()); });
    connect(m_autoApprove, &QCheckBox::toggled, this, [this](bool on) { this->controller().setAutoApprove(on); });
    connect(m_roundTrip, &QCheckBox::toggled, this, [this](bool on) { this->controller().setDcrRoundTrip(on); });
    connect(&lookup, &PublishLookup::portalsChanged, this, &PublishPage::refreshPortals);
    connect(&lookup, &PublishLookup::apiChanged, this, &PublishPage::refreshApi);
}

void PublishPage::initializePage() {
    WizardController& c = controller();
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = c.profile();
    m_enabled->setChecked(profile.publish.enabled);
    m_api->setText(profile.publish.apiName);
    const int visibility = m_visibility->findData(profile.publish.visibility);
    m_visibility->setCurrentIndex(visibility < 0 ? 0 : visibility);
    m_autoApprove->setChecked(profile.publish.autoApproveRegistrations);
    // The round trip needs a developer account of the portal, which only the sandbox provides.
    m_roundTrip->setVisible(c.isSandbox());
    m_roundTrip->setChecked(c.isSandbox() && profile.validation.dcrRoundTrip);
    c.publishLookup().loadPortals();
    c.publishLookup().setApiName(m_api->text());
    refreshEnabled();
}

bool PublishPage::isComplete() const {
    if (!m_enabled->isChecked())
        return true;
    const PublishLookup& lookup = controller().publishLookup();
    return lookup.portalsState() == PublishLookup::State::Ready && m_portal->currentIndex() >= 0 &&
           lookup.apiState() == PublishLookup::State::Ready && lookup.apiFound();
}

bool PublishPage::validatePage() {
    controller().rememberAnswers();
    return true;
}

void PublishPage::refreshEnabled() {
    m_details->setEnabled(m_enabled->isChecked());
    m_roundTrip->setEnabled(m_enabled->isChecked());
    emit completeChanged();
}

void PublishPage::refreshPortals() {
    const PublishLookup& lookup = controller().publishLookup();
    switch (lookup.portalsState()) {
    case PublishLookup::State::Idle:
    case PublishLookup::State::Loading:
        m_portal->clear();
        setMessage(m_portalMessage, tr("Reading the organization's portals…"), Tone::Neutral);
        break;
    case PublishLookup::State::Failed:
        m_portal->clear();
        setMessage(m_portalMessage, tr("%1\n%2").arg(lookup.portalsError().what, lookup.portalsError().remedy));
        break;
    case PublishLookup::State::Ready: {
        const QString wanted = controller().profile().publish.portalName;
        m_portal->clear();
        m_portal->addItems(lookup.portals());
        const int index = m_portal->findText(wanted);
        m_portal->setCurrentIndex(index >= 0 ? index : 0);
        setMessage(m_portalMessage, lookup.portals().isEmpty() ? tr("This organization has no portal yet: create one in Konnect first.")
                                                               : QString());
        break;
    }
    }
    emit completeChanged();
}

void PublishPage::refreshApi() {
    const PublishLookup& lookup = controller().publishLookup();
    switch (lookup.apiState()) {
    case PublishLookup::State::Idle:
        setMessage(m_apiMessage, m_api->text().isEmpty() ? tr("Name the API to publish.") : QString(), Tone::Neutral);
        break;
    case PublishLookup::State::Loading:
        setMessage(m_apiMessage, tr("Looking for the API in Konnect…"), Tone::Neutral);
        break;
    case PublishLookup::State::Failed:
        setMessage(m_apiMessage, tr("%1\n%2").arg(lookup.apiError().what, lookup.apiError().remedy));
        break;
    case PublishLookup::State::Ready:
        if (lookup.apiFound())
            setMessage(m_apiMessage, tr("Found: %1").arg(lookup.apiDescription()), Tone::Good);
        else
            setMessage(m_apiMessage, tr("Konnect has no API named '%1'. Check its name in the API catalog.").arg(m_api->text().trimmed()));
        break;
    }
    emit completeChanged();
}

}  // namespace dcr::ui
