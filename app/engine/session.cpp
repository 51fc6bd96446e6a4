#include "engine/session.h"

#include "clients/graph_client.h"
#include "clients/konnect_client.h"
#include "clients/portal_client.h"
#include "clients/token_client.h"
#include "core/http_client.h"

#include <QCoreApplication>

namespace dcr::engine {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("dcr::engine::Session", text); }

}  // namespace

RunState::Target Session::targetOf(const Profile& profile, const Endpoints& endpoints) {
    RunState::Target t;
    t.sandbox = endpoints.isSandbox;
    t.tenant = profile.azure.tenant;
    t.login = endpoints.login.toString();
    t.graph = endpoints.graph.toString();
    t.konnect = endpoints.konnect.toString();
    return t;
}

Session::Session(Profile profile, Endpoints endpoints, QNetworkAccessManager* network, SecretStore* secrets,
                 QString statePath, QObject* parent)
    : QObject(parent),
      m_endpoints(std::move(endpoints)),
      m_http(std::make_unique<HttpClient>(network)),
      m_context(std::move(profile)),
      m_target(targetOf(m_context.profile, m_endpoints)),
      m_state(statePath.isEmpty() ? RunState::defaultPath(m_context.profile.name, m_target) : statePath) {
    m_graph = std::make_unique<GraphClient>(*m_http, m_endpoints.graph, [this] { return m_graphToken; });
    m_konnect = std::make_unique<KonnectClient>(*m_http, m_endpoints.konnect, m_endpoints.konnectGlobal,
                                                [this] { return m_konnectToken; });
    m_tokens = std::make_unique<TokenClient>(*m_http, m_endpoints.login);
    if (m_endpoints.portal.isValid())
        m_portal = std::make_unique<PortalClient>(*m_http, m_endpoints.portal);
    m_context.services = Services{m_graph.get(), m_konnect.get(), m_tokens.get(), m_portal.get(), secrets, m_http.get()};
    m_context.graphResource = m_endpoints.graphResource;
    m_context.sandbox = m_endpoints.isSandbox;
    m_context.allowAdopt = m_context.profile.adopt;
    m_context.graphHost = m_endpoints.graph.host();
    m_context.konnectHost = m_endpoints.konnect.host();
    rebuildRunner();
}

Session::~Session() = default;

void Session::setValidationTargets(const ValidationTargets& targets) {
    m_targets = targets;
    rebuildRunner();
}

void Session::setDynamicsTargets(const DynamicsTargets& targets) {
    m_dynamicsTargets = targets;
    rebuildRunner();
}

void Session::rebuildRunner() {
    DynamicsTargets dynamics = m_dynamicsTargets;
    dynamics.login = m_endpoints.login;
    Plan plan = m_context.profile.blueprint == Profile::Blueprint::DynamicsClient ? dynamicsClientPlan(dynamics)
                                                                                   : kongDcrAzurePlan(m_targets);
    m_runner = std::make_unique<Runner>(std::move(plan), m_context, &m_state);
}

bool Session::loadState(bool resume, QString* error) {
    if (!m_state.load(error))
        return false;
    // The ids in a state mean something only where they were made: never act on them elsewhere.
    if (!m_state.target.isEmpty() && !m_state.target.sameAs(m_target)) {
        *error = tr("The saved progress in %1 belongs to %2, not to %3; it is left as it is.")
                     .arg(m_state.filePath(), m_state.target.describe(), m_target.describe());
        return false;
    }
    m_state.target = m_target;
    if (!resume) {
        for (RunState::StepRecord& record : m_state.steps)
            record.status = QStringLiteral("previous");
    }
    return true;
}

}  // namespace dcr::engine
