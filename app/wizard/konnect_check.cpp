#include "wizard/konnect_check.h"

#include "clients/konnect_client.h"
#include "engine/session.h"
#include "secrets/secret_store.h"
#include "wizard/field_checks.h"
#include "wizard/run_log.h"
#include "wizard/wizard_controller.h"

namespace dcr::wizard {

namespace {
constexpr int kTypingPauseMs = 400;
}

KonnectCheck::KonnectCheck(WizardController& wizard, QObject* parent) : QObject(parent), m_wizard(wizard) {
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kTypingPauseMs);
    connect(&m_debounce, &QTimer::timeout, this, &KonnectCheck::check);
    // A check in flight through a dropped session never answers: ask again through the next one.
    connect(&m_wizard, &WizardController::sessionDropping, this, [this] {
        ++m_generation;
        if (m_state == State::Checking)
            m_debounce.start();
    });
}

void KonnectCheck::setToken(const QString& token) {
    const QString t = token.trimmed();
    if (t == m_token && m_state != State::Empty)
        return;
    m_token = t;
    ++m_generation;
    m_debounce.stop();
    m_orgName.clear();
    m_error = {};
    m_wizard.setKonnectToken(m_token);
    if (m_token.isEmpty()) {
        m_formatProblem.clear();
        setState(State::Empty);
        return;
    }
    m_formatProblem = konnectTokenProblem(m_token);
    if (!m_formatProblem.isEmpty()) {
        setState(State::BadFormat);
        return;
    }
    setState(State::Checking);
    m_debounce.start();
}

void KonnectCheck::recheck() {
    if (m_state == State::Empty || m_state == State::BadFormat)
        return;
    m_debounce.stop();
    check();
}

void KonnectCheck::check() {
    const quint64 generation = ++m_generation;
    m_orgName.clear();
    setState(State::Checking);
    m_wizard.session().context().services.konnect->organization([this, generation](const Result<KonnectOrganization>& r) {
        if (generation != m_generation)
            return;
        if (!r.ok()) {
            m_error = *r.error;
            setState(State::Failed);
            return;
        }
        m_orgName = r.value->name;
        setState(State::Ok);
    });
}

void KonnectCheck::loadRemembered() {
    m_wizard.secrets().read(SecretKey::konnectToken(m_wizard.profile().name, m_wizard.endpoints().konnect), [this](const SecretResult& r) {
        if (r.ok() && !r.value.isEmpty())
            emit tokenLoaded(r.value);
    });
}

void KonnectCheck::remember() {
    m_wizard.secrets().write(SecretKey::konnectToken(m_wizard.profile().name, m_wizard.endpoints().konnect), m_token, [this](const SecretResult& r) {
        m_wizard.log().append(r.ok() ? tr("Kept the Konnect token in the keychain.")
                                     : tr("Could not keep the Konnect token in the keychain: %1").arg(r.message));
    });
}

void KonnectCheck::setState(State state) {
    m_state = state;
    emit stateChanged();
}

}  // namespace dcr::wizard
