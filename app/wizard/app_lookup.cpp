#include "wizard/app_lookup.h"

#include "clients/graph_client.h"
#include "engine/session.h"
#include "wizard/field_checks.h"
#include "wizard/sign_in_controller.h"
#include "wizard/wizard_controller.h"

namespace dcr::wizard {

namespace {
constexpr int kTypingPauseMs = 400;
constexpr int kMaxNameLength = 120;  // what Entra ID accepts for a display name
}  // namespace

AppLookup::AppLookup(WizardController& wizard, QObject* parent) : QObject(parent), m_wizard(wizard) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kTypingPauseMs);
    connect(&m_debounce, &QTimer::timeout, this, &AppLookup::lookUp);
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        ++m_generation;
        if (m_state == State::Checking)
            m_debounce.start();
    });
}

void AppLookup::setName(const QString& displayName) {
    m_name = displayName.trimmed();
    ++m_generation;
    m_debounce.stop();
    m_appId.clear();
    m_count = 0;
    // Only a signed-in admin can ask Graph; a bad name is the field's own message.
    if (!nameProblem(m_name, kMaxNameLength).isEmpty() || m_wizard.signIn().state() != SignInController::State::SignedIn) {
        setState(State::Idle);
        return;
    }
    setState(State::Checking);
    m_debounce.start();
}

void AppLookup::lookUp() {
    const quint64 generation = ++m_generation;
    setState(State::Checking);
    m_wizard.session().context().services.graph->findApplicationsByDisplayName(
        m_name, [this, generation](const Result<QList<GraphApplication>>& r) {
            if (generation != m_generation)
                return;
            if (!r.ok()) {
                m_error = *r.error;
                setState(State::Failed);
                return;
            }
            m_count = static_cast<int>(r.value->size());
            if (m_count == 1)
                m_appId = r.value->first().appId;
            setState(m_count == 0 ? State::WillCreate : m_count == 1 ? State::WillAdopt : State::Ambiguous);
        });
}

void AppLookup::setState(State state) {
    m_state = state;
    emit stateChanged();
}

}  // namespace dcr::wizard
