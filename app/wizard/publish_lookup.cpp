#include "wizard/publish_lookup.h"

#include "clients/konnect_client.h"
#include "engine/session.h"
#include "wizard/wizard_controller.h"

namespace dcr::wizard {

namespace {
constexpr int kTypingPauseMs = 400;
}

PublishLookup::PublishLookup(WizardController& wizard, QObject* parent) : QObject(parent), m_wizard(wizard) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kTypingPauseMs);
    connect(&m_debounce, &QTimer::timeout, this, &PublishLookup::lookUpApi);
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        ++m_portalsGeneration;
        ++m_apiGeneration;
        if (m_portalsState == State::Loading) {
            m_portalsState = State::Idle;
            emit portalsChanged();
        }
        if (m_apiState == State::Loading)
            m_debounce.start();
    });
}

void PublishLookup::loadPortals() {
    const quint64 generation = ++m_portalsGeneration;
    m_portalsState = State::Loading;
    emit portalsChanged();
    m_wizard.session().context().services.konnect->portals([this, generation](const Result<QList<KonnectPortal>>& r) {
        if (generation != m_portalsGeneration)
            return;
        m_portals.clear();
        if (!r.ok()) {
            m_portalsError = *r.error;
            m_portalsState = State::Failed;
            emit portalsChanged();
            return;
        }
        for (const KonnectPortal& portal : *r.value)
            m_portals << portal.name;
        m_portalsState = State::Ready;
        emit portalsChanged();
    });
}

void PublishLookup::setApiName(const QString& name) {
    m_apiName = name.trimmed();
    ++m_apiGeneration;
    m_debounce.stop();
    m_apiFound = false;
    m_apiDescription.clear();
    m_apiState = m_apiName.isEmpty() ? State::Idle : State::Loading;
    emit apiChanged();
    if (!m_apiName.isEmpty())
        m_debounce.start();
}

void PublishLookup::lookUpApi() {
    const quint64 generation = ++m_apiGeneration;
    m_apiState = State::Loading;
    emit apiChanged();
    m_wizard.session().context().services.konnect->findApi(m_apiName, [this, generation](const Result<std::optional<KonnectApi>>& r) {
        if (generation != m_apiGeneration)
            return;
        if (!r.ok()) {
            m_apiError = *r.error;
            m_apiState = State::Failed;
            emit apiChanged();
            return;
        }
        m_apiFound = r.value->has_value();
        if (m_apiFound)
            m_apiDescription = (*r.value)->version.isEmpty() ? (*r.value)->name : QStringLiteral("%1 %2").arg((*r.value)->name, (*r.value)->version);
        m_apiState = State::Ready;
        emit apiChanged();
    });
}

}  // namespace dcr::wizard
