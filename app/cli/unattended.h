#pragma once

#include "core/endpoints.h"
#include "profile/profile.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class QNetworkAccessManager;

namespace dcr {
class EntraSignIn;
class SecretStore;
struct Error;
struct TokenSet;
namespace engine {
class Session;
struct StepResult;
struct ValidationTargets;
}  // namespace engine

// Exit codes of `dcr-wizard --unattended`.
enum ExitCode {
    ExitOk = 0,
    ExitUserError = 2,        // bad arguments or profile, missing token
    ExitAuthFailure = 3,      // sign-in or Konnect token refused
    ExitRemoteFailure = 4,    // a provisioning step failed
    ExitValidationFailure = 5,  // everything was set up, but a validation step failed
};

struct UnattendedOptions {
    enum class Mode { Apply, DryRun, Cleanup };
    Mode mode = Mode::Apply;
    bool resume = false;
    bool json = false;
    QString statePath;  // empty: the user's data directory
    int requestTimeoutMs = 0;  // 0: the HTTP layer's default
};

// Runs one profile without a window, for support staff replaying a customer's setup: signs the
// admin in (device code in a terminal; in the sandbox, the authorization-code flow completes
// without a browser), takes the Konnect token from the environment, stdin or the keychain (never
// from argv), runs the plan, prints a line per step on stderr and a summary on stdout.
class Unattended : public QObject {
    Q_OBJECT
public:
    Unattended(Profile profile, Endpoints endpoints, UnattendedOptions options, QNetworkAccessManager* network,
               QObject* parent = nullptr);
    ~Unattended() override;

    // In the sandbox the wizard knows the credentials: no prompt, no device code.
    void useSandbox(const QString& konnectToken, const engine::ValidationTargets& targets);
    void start();

signals:
    void finished(int exitCode);

private:
    void obtainKonnectToken();
    void signIn();
    void onSignedIn(const TokenSet& tokens);
    void runPlan();
    void onStepFinished(const QString& stepId, const engine::StepResult& result);
    void onRunFinished(bool ok);
    void fail(int exitCode, const Error& error);
    void printSummary(bool ok);

    Profile m_profile;
    Endpoints m_endpoints;
    UnattendedOptions m_options;
    QNetworkAccessManager* m_network;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<engine::Session> m_session;
    std::unique_ptr<EntraSignIn> m_signIn;
    bool m_sandbox = false;
    QString m_konnectToken;
    QElapsedTimer m_clock;
    int m_exitCode = ExitOk;
};

}  // namespace dcr
