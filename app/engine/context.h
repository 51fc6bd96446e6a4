#pragma once

#include "engine/ownership.h"
#include "profile/profile.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace dcr {
class SecretStore;
class GraphClient;
class KonnectClient;
class TokenClient;
class PortalClient;
class HttpClient;
}  // namespace dcr

namespace dcr::engine {

// The services a blueprint's steps talk through; owned by whoever wires the engine (the wizard or
// the command line), all sharing one QNetworkAccessManager.
struct Services {
    GraphClient* graph = nullptr;
    KonnectClient* konnect = nullptr;
    TokenClient* tokens = nullptr;
    PortalClient* portal = nullptr;
    SecretStore* secretStore = nullptr;
    HttpClient* http = nullptr;  // plain requests: the gateway checks
};

// What the steps of one run share: the profile, the ids found or made so far, and the secrets of
// this run, which stay in memory (the secret store keeps them in the keychain; the saved state
// never sees them).
class Context {
public:
    explicit Context(Profile profile, Services services = {}) : profile(std::move(profile)), services(services) {}

    Profile profile;
    Services services;
    QJsonObject outputs;
    // The resource a validation token is asked for (the cloud's Microsoft Graph).
    QString graphResource = QStringLiteral("https://graph.microsoft.com");
    // How long to keep retrying what only fails until Entra ID has replicated new credentials.
    int replicationBudgetMs = 180000;

    // What this setup creates carries this tag (a Graph tag, a Konnect label): an object whose
    // create request was answered after the run was cut short, or whose answer was lost, is then
    // still known as this setup's own when the run resumes, and cleanup deletes it. Kept in the
    // saved state from before the first request.
    QString creationTag;

    // Which objects are this setup's own and which it only uses (see Ownership). A step records an
    // object the moment it exists and calls persist(), so that a run cut short right after a
    // create still knows it.
    Ownership ownership;
    std::function<void()> persist = [] {};
    // The user allowed this setup to use (and, where it says so, change) objects it did not make:
    // --adopt, "adopt": true in the profile, or the wizard's choice.
    bool allowAdopt = false;
    // A sandbox: ids are checked against the recorded target only for real services.
    bool sandbox = false;
    // The hosts of the services, for the ownership record's "where".
    QString graphHost;
    QString konnectHost;

    QString output(const QString& key) const { return outputs.value(key).toString(); }
    void setSecret(const QString& key, const QString& value) { m_secrets.insert(key, value); }
    QString secret(const QString& key) const { return m_secrets.value(key); }
    bool hasSecret(const QString& key) const { return m_secrets.contains(key); }

private:
    QHash<QString, QString> m_secrets;
};

}  // namespace dcr::engine
