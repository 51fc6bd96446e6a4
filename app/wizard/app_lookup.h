#pragma once

#include "core/error.h"

#include <QObject>
#include <QTimer>

namespace dcr::wizard {

class WizardController;

// The Azure app page's name field: whether an app registration of that name exists already (the
// setup then adopts it) or will be created; asked of Microsoft Graph when typing pauses.
class AppLookup : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Checking, WillCreate, WillAdopt, Ambiguous, Failed };

    explicit AppLookup(WizardController& wizard, QObject* parent = nullptr);

    void setName(const QString& displayName);

    State state() const { return m_state; }
    QString existingAppId() const { return m_appId; }
    int count() const { return m_count; }
    const Error& error() const { return m_error; }

signals:
    void stateChanged();

private:
    void lookUp();
    void setState(State state);

    WizardController& m_wizard;
    QString m_name;
    State m_state = State::Idle;
    QString m_appId;
    int m_count = 0;
    Error m_error;
    QTimer m_debounce;
    quint64 m_generation = 0;
};

}  // namespace dcr::wizard
