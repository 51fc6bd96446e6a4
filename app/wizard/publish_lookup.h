#pragma once

#include "clients/konnect_client.h"
#include "core/error.h"

#include <QList>
#include <QObject>

namespace dcr::wizard {

class WizardController;

// The Publish page's two lists, read from Konnect: the organization's portals and its APIs. Each
// loads on its own and may fail on its own; a reload forgets any answer still on its way.
class PublishLookup : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Ready, Failed };

    explicit PublishLookup(WizardController& wizard, QObject* parent = nullptr);

    // (Re)reads both lists.
    void load();

    State portalsState() const { return m_portalsState; }
    const QList<KonnectPortal>& portals() const { return m_portals; }
    const Error& portalsError() const { return m_portalsError; }

    State apisState() const { return m_apisState; }
    const QList<KonnectApi>& apis() const { return m_apis; }
    const Error& apisError() const { return m_apisError; }

    // What a list shows for an API: "Orders API (v1)", or the name alone without a version.
    static QString apiLabel(const KonnectApi& api);

signals:
    void portalsChanged();
    void apisChanged();

private:
    void loadPortals();
    void loadApis();

    WizardController& m_wizard;
    State m_portalsState = State::Idle;
    QList<KonnectPortal> m_portals;
    Error m_portalsError;
    quint64 m_portalsGeneration = 0;

    State m_apisState = State::Idle;
    QList<KonnectApi> m_apis;
    Error m_apisError;
    quint64 m_apisGeneration = 0;
};

}  // namespace dcr::wizard
