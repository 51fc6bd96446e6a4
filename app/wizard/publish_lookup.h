#pragma once

#include "core/error.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

namespace dcr::wizard {

class WizardController;

// The Publish page's lists: the organization's portals, and whether the API the user names exists
// in Konnect (looked up when typing pauses).
class PublishLookup : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Ready, Failed };

    explicit PublishLookup(WizardController& wizard, QObject* parent = nullptr);

    void loadPortals();
    void setApiName(const QString& name);

    State portalsState() const { return m_portalsState; }
    const QStringList& portals() const { return m_portals; }  // names
    const Error& portalsError() const { return m_portalsError; }

    State apiState() const { return m_apiState; }
    bool apiFound() const { return m_apiFound; }
    QString apiDescription() const { return m_apiDescription; }  // "Orders API v1"
    const Error& apiError() const { return m_apiError; }

signals:
    void portalsChanged();
    void apiChanged();

private:
    void lookUpApi();

    WizardController& m_wizard;
    State m_portalsState = State::Idle;
    QStringList m_portals;
    Error m_portalsError;
    quint64 m_portalsGeneration = 0;

    QString m_apiName;
    State m_apiState = State::Idle;
    bool m_apiFound = false;
    QString m_apiDescription;
    Error m_apiError;
    QTimer m_debounce;
    quint64 m_apiGeneration = 0;
};

}  // namespace dcr::wizard
