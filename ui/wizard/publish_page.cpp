#include "wizard/publish_page.h"

#include "wizard/publish_lookup.h"
#include "wizard/wizard_controller.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
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
      m_api(new QComboBox),
      m_apiMessage(messageLabel(QStringLiteral("apiMessage"), tr("API status"))),
      m_reload(new QPushButton(tr("Re&load the lists"))),
      m_visibility(new QComboBox),
      m_autoApprove(new QCheckBox(tr("Appro&ve developers' registrations automatically"))),
      m_roundTrip(new QCheckBox(tr("After the setup, register a &test application through the portal and call the API"))) {
    setTitle(tr("Publish an API (optional)"));
    setSubTitle(tr("Developers can register applications for an API once it is published on a portal with the auth strategy."));

    m_enabled->setObjectName(QStringLiteral("publishCheck"));
    m_enabled->setAccessibleName(tr("Publish an API"));
    m_portal->setObjectName(QStringLiteral("portalCombo"));
    m_portal->setAccessibleName(tr("Portal"));
    m_api->setObjectName(QStringLiteral("apiCombo"));
    m_api->setAccessibleName(tr("API"));
    m_api->setToolTip(tr("The APIs of Konnect's API catalog."));
    m_reload->setObjectName(QStringLiteral("publishReloadButton"));
    m_reload->setAccessibleName(tr("Reload the portals and APIs"));
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
    form->addRow(QString(), m_reload);

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
    // Only a choice from a loaded list is an answer: clearing a list while it reloads is not.
    connect(m_portal, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && this->controller().publishLookup().portalsState() == PublishLookup::State::Ready)
            this->controller().setPortalName(m_portal->currentData().toString());
        emit completeChanged();
    });
    connect(m_api, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0 && this->controller().publishLookup().apisState() == PublishLookup::State::Ready) {
            this->controller().setApiName(m_api->currentData().toString());
            setMessage(m_apiMessage, {});
        }
        emit completeChanged();
    });
    connect(m_reload, &QPushButton::clicked, &lookup, &PublishLookup::load);
    connect(m_visibility, &QComboBox::currentIndexChanged, this,
            [this] { this->controller().setVisibility(m_visibility->currentData().toString()); });
    connect(m_autoApprove, &QCheckBox::toggled, this, [this](bool on) { this->controller().setAutoApprove(on); });
    connect(m_roundTrip, &QCheckBox::toggled, this, [this](bool on) { this->controller().setDcrRoundTrip(on); });
    connect(&lookup, &PublishLookup::portalsChanged, this, &PublishPage::refreshPortals);
    connect(&lookup, &PublishLookup::apisChanged, this, &PublishPage::refreshApis);
    refreshReload();
}

void PublishPage::initializePage() {
    WizardController& c = controller();
    // A copy: filling in the fields writes each answer back to the controller as it goes.
    const Profile profile = c.profile();
    m_enabled->setChecked(profile.publish.enabled);
    const int visibility = m_visibility->findData(profile.publish.visibility);
    m_visibility->setCurrentIndex(visibility < 0 ? 0 : visibility);
    m_autoApprove->setChecked(profile.publish.autoApproveRegistrations);
    // The round trip needs a developer account of the portal, which only the sandbox provides.
    m_roundTrip->setVisible(c.isSandbox());
    m_roundTrip->setChecked(c.isSandbox() && profile.validation.dcrRoundTrip);
    c.publishLookup().load();
    refreshEnabled();
}

bool PublishPage::isComplete() const {
    if (!m_enabled->isChecked())
        return true;
    const PublishLookup& lookup = controller().publishLookup();
    return lookup.portalsState() == PublishLookup::State::Ready && m_portal->currentIndex() >= 0 &&
           lookup.apisState() == PublishLookup::State::Ready && m_api->currentIndex() >= 0;
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

void PublishPage::refreshReload() {
    const PublishLookup& lookup = controller().publishLookup();
    m_reload->setVisible(lookup.portalsState() == PublishLookup::State::Failed || lookup.apisState() == PublishLookup::State::Failed);
}

void PublishPage::refreshPortals() {
    const PublishLookup& lookup = controller().publishLookup();
    // Filling the list selects its first entry: the answer is chosen below, not by the filling.
    const QSignalBlocker quiet(m_portal);
    m_portal->clear();
    switch (lookup.portalsState()) {
    case PublishLookup::State::Idle:
    case PublishLookup::State::Loading:
        m_portal->setPlaceholderText(tr("Loading…"));
        setMessage(m_portalMessage, tr("Reading the organization's portals from Konnect…"), Tone::Neutral);
        break;
    case PublishLookup::State::Failed:
        m_portal->setPlaceholderText(tr("Not available"));
        setMessage(m_portalMessage, tr("The portals could not be read. %1\n%2").arg(lookup.portalsError().what, lookup.portalsError().remedy));
        break;
    case PublishLookup::State::Ready: {
        for (const KonnectPortal& portal : lookup.portals())
            m_portal->addItem(portal.displayName.isEmpty() || portal.displayName == portal.name
                                  ? portal.name
                                  : tr("%1 (%2)").arg(portal.displayName, portal.name),
                              portal.name);
        m_portal->setPlaceholderText(tr("Choose a portal"));
        // An empty name in the profile means the organization's only portal.
        const QString wanted = controller().profile().publish.portalName;
        const int index = wanted.isEmpty() && m_portal->count() == 1 ? 0 : m_portal->findData(wanted);
        m_portal->setCurrentIndex(index);
        if (index >= 0)
            controller().setPortalName(m_portal->currentData().toString());
        if (lookup.portals().isEmpty())
            setMessage(m_portalMessage, tr("This organization has no portal yet: create one in Konnect, then reload the lists."));
        else if (index < 0 && !wanted.isEmpty())
            setMessage(m_portalMessage, tr("Konnect has no portal named '%1': choose one from the list.").arg(wanted));
        else
            setMessage(m_portalMessage, {});
        break;
    }
    }
    refreshReload();
    emit completeChanged();
}

void PublishPage::refreshApis() {
    const PublishLookup& lookup = controller().publishLookup();
    const QSignalBlocker quiet(m_api);
    m_api->clear();
    switch (lookup.apisState()) {
    case PublishLookup::State::Idle:
    case PublishLookup::State::Loading:
        m_api->setPlaceholderText(tr("Loading…"));
        setMessage(m_apiMessage, tr("Reading the APIs from Konnect's API catalog…"), Tone::Neutral);
        break;
    case PublishLookup::State::Failed:
        m_api->setPlaceholderText(tr("Not available"));
        setMessage(m_apiMessage, tr("The APIs could not be read. %1\n%2").arg(lookup.apisError().what, lookup.apisError().remedy));
        break;
    case PublishLookup::State::Ready: {
        for (const KonnectApi& api : lookup.apis())
            m_api->addItem(PublishLookup::apiLabel(api), api.name);
        m_api->setPlaceholderText(tr("Choose an API"));
        const QString wanted = controller().profile().publish.apiName;
        const int index = m_api->findData(wanted);
        m_api->setCurrentIndex(index);
        if (lookup.apis().isEmpty())
            setMessage(m_apiMessage, tr("Konnect's API catalog is empty: add the API in Konnect, then reload the lists."));
        else if (index < 0 && !wanted.isEmpty())
            setMessage(m_apiMessage, tr("Konnect has no API named '%1': choose one from the list.").arg(wanted));
        else
            setMessage(m_apiMessage, {});
        break;
    }
    }
    refreshReload();
    emit completeChanged();
}

}  // namespace dcr::ui
