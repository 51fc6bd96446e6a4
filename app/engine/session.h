#pragma once

#include "core/endpoints.h"
#include "engine/blueprints/dynamics_client.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "engine/context.h"
#include "engine/run_state.h"
#include "engine/runner.h"

#include <QObject>

#include <memory>

class QNetworkAccessManager;

namespace dcr {
class GraphClient;
class HttpClient;
class KonnectClient;
class PortalClient;
class SecretStore;
class TokenClient;
}  // namespace dcr

namespace dcr::engine {

// One setup, wired: the service clients over the one shared network manager, the context, the
// saved state and the runner of the profile's blueprint. The wizard and the command line both
// drive a Session; neither builds clients itself.
class Session : public QObject {
    Q_OBJECT
public:
    Session(Profile profile, Endpoints endpoints, QNetworkAccessManager* network, SecretStore* secrets,
            QString statePath = {}, QObject* parent = nullptr);
    ~Session() override;

    // Where a profile's objects live with these endpoints: what its saved progress belongs to.
    static RunState::Target targetOf(const Profile& profile, const Endpoints& endpoints);

    // Tokens live in memory only; the clients ask for them at each request.
    void setGraphToken(const QString& token) { m_graphToken = token; }
    void setKonnectToken(const QString& token) { m_konnectToken = token; }
    void setValidationTargets(const ValidationTargets& targets);
    // The Dynamics blueprint's test sign-in: the sandbox's approval endpoint, or how to show the
    // device code to a person (the sign-in authority is the session's).
    void setDynamicsTargets(const DynamicsTargets& targets);

    // Loads the saved progress. Without resume, steps run again (find-or-create) but what an
    // earlier run created is still remembered for cleanup.
    // A state saved for another target (tenant, Konnect, hosts) is refused.
    bool loadState(bool resume, QString* error);
    // Lets this session use objects it did not create (--adopt, or the wizard's choice).
    void allowAdoption(bool allow) { m_context.allowAdopt = allow; }

    Context& context() { return m_context; }
    RunState& state() { return m_state; }
    Runner& runner() { return *m_runner; }
    HttpClient& http() { return *m_http; }
    const Endpoints& endpoints() const { return m_endpoints; }

private:
    void rebuildRunner();

    Endpoints m_endpoints;
    QString m_graphToken;
    QString m_konnectToken;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<GraphClient> m_graph;
    std::unique_ptr<KonnectClient> m_konnect;
    std::unique_ptr<TokenClient> m_tokens;
    std::unique_ptr<PortalClient> m_portal;
    Context m_context;
    RunState::Target m_target;
    RunState m_state;
    ValidationTargets m_targets;
    DynamicsTargets m_dynamicsTargets;
    std::unique_ptr<Runner> m_runner;
};

}  // namespace dcr::engine
