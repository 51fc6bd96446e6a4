#pragma once

#include "core/error.h"

#include <QObject>
#include <QTimer>

namespace dcr::wizard {

class WizardController;

// The Konnect page's token field: its format is checked as the user types, and a well-formed token
// is checked against Konnect (the organization it belongs to) as soon as typing pauses.
class KonnectCheck : public QObject {
    Q_OBJECT
public:
    enum class State { Empty, BadFormat, Checking, Ok, Failed };

    explicit KonnectCheck(WizardController& wizard, QObject* parent = nullptr);

    void setToken(const QString& token);
    // Checks the current token again at once (region changed, or the user asked).
    void recheck();
    // Real mode: reads the token this profile remembered in the keychain; tokenLoaded() follows.
    void loadRemembered();
    // Real mode: keeps the token in the keychain for the next start and the command line; the
    // outcome goes to the log, since the user has moved on by then.
    void remember();

    State state() const { return m_state; }
    QString formatProblem() const { return m_formatProblem; }
    QString organizationName() const { return m_orgName; }
    const Error& error() const { return m_error; }

signals:
    void stateChanged();
    void tokenLoaded(const QString& token);

private:
    void check();
    void setState(State state);

    WizardController& m_wizard;
    QString m_token;
    State m_state = State::Empty;
    QString m_formatProblem;
    QString m_orgName;
    Error m_error;
    QTimer m_debounce;
    quint64 m_generation = 0;
};

}  // namespace dcr::wizard
