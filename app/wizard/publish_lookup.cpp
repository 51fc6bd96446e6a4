#include "wizard/publish_lookup.h"

#include "engine/session.h"
#include "wizard/wizard_controller.h"

namespace dcr::wizard {

PublishLookup::PublishLookup(WizardController& wizard, QObject* parent) : QObject(parent), m_wizard(wizard) {
    // The session's client goes, and with it every answer on its way: back to square one.
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        ++m_portalsGeneration;
        ++m_apisGeneration;
        if (m_portalsState == State::Loading) {
            m_portalsState = State::Idle;
            emit portalsChanged();
        }
        if (m_apisState == State::Loading) {
            m_apisState = State::Idle;
            emit apisChanged();
        }
    });
}

QString PublishLookup::apiLabel(const KonnectApi& api) {
    return api.version.isEmpty() ? api.name : tr("%1 (%2)").arg(api.name, api.version);
}

void PublishLookup::load() {
    loadPortals();
    loadApis();
}

void PublishLookup::loadPortals() {
    const quint64 generation = ++m_portalsGeneration;
    m_portalsState = State::Loading;
    emit portalsChanged();
    m_wizard.session().context().services.konnect->portals([this, generation](const Result<QList<KonnectPortal>>& r) {
        if (generation != m_portalsGeneration)
            return;
        m_portals = r.ok() ? *r.value : QList<KonnectPortal>{};
        if (!r.ok())
            m_portalsError = *r.error;
        m_portalsState = r.ok() ? State::Ready : State::Failed;
        emit portalsChanged();
    });
}

void PublishLookup::loadApis() {
    const quint64 generation = ++m_apisGeneration;
    m_apisState = State::Loading;
    emit apisChanged();
    m_wizard.session().context().services.konnect->listApis({}, [this, generation](const Result<QList<KonnectApi>>& r) {
        if (generation != m_apisGeneration)
            return;
        m_apis = r.ok() ? *r.value : QList<KonnectApi>{};
        if (!r.ok())
            m_apisError = *r.error;
        m_apisState = r.ok() ? State::Ready : State::Failed;
        emit apisChanged();
    });
}

}  // namespace dcr::wizard
