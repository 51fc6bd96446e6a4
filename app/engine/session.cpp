#include "engine/session.h"

#include "clients/graph_client.h"
#include "clients/konnect_client.h"
#include "clients/portal_client.h"
#include "clients/token_client.h"
#include "core/http_client.h"

namespace dcr::engine {

Session::Session(Profile profile, Endpoints endpoints, QNetworkAccessManager* network, SecretStore* secrets,
                 QString statePath, QObject* parent)
    : QObject(parent),
      m_endpoints(std::move(endpoints)),
      m_http(std::make_unique<HttpClient>(network)),
      m_context(std::move(profile)),
      m_state(statePath.isEmpty() ? RunState::defaultPath(m_context.profile.name) : statePath) {
    m_graph = std::make_unique<GraphClient>(*m_http, m_endpoints.graph, [this] { return m_graphToken; });
    m_konnect = std::make_unique<KonnectClient>(*m_http, m_endpoints.konnect, m_endpoints.konnectGlobal,
                                                [this] { return m_konnectToken; });
    m_tokens = std::make_unique<TokenClient>(*m_http, m_endpoints.login);
    if (m_endpoints.portal.isValid())
        m_portal = std::make_unique<PortalClient>(*m_http, m_endpoints.portal);
    m_context.services = Services{m_graph.get(), m_konnect.get(), m_tokens.get(), m_portal.get(), secrets, m_http.get()};
    m_context.graphResource = m_endpoints.graphResource;
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
    if (!resume) {
        for (RunState::StepRecord& record : m_state.steps)
            record.status = QStringLiteral("previous");
    }
    return true;
}

}  // namespace dcr::engine
