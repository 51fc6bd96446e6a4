#pragma once

#include "core/endpoints.h"
#include "profile/profile.h"

#include <QElapsedTimer>
#include <QObject>

#include <memory>

class QNetworkAccessManager;
class QSocketNotifier;
class QTimer;

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
    // CleanupPlan: what --cleanup would delete and keep, read from the saved progress alone.
    enum class Mode { Apply, DryRun, Cleanup, CleanupPlan };
    Mode mode = Mode::Apply;
    bool resume = false;
    // Objects that exist but were not made by dcr-wizard may be used (--adopt).
    bool adopt = false;
    // A profile's custom (not Microsoft's or Kong's) hosts may receive the sign-in and the tokens
    // (--allow-custom-endpoints).
    bool allowCustomEndpoints = false;
    bool json = false;
    QString statePath;  // empty: the user's data directory
    int requestTimeoutMs = 0;  // 0: the HTTP layer's default
    // How long a sign-in may wait for the person (device code, browser) before the run gives up
    // with ExitAuthFailure.
    int signInTimeoutMs = 600000;
    // How long a standard input that is not a terminal may stay silent before the run gives up
    // waiting for the Konnect token on it (ExitUserError).
    int stdinTimeoutMs = 5000;
    // Taken from the environment (DCR_WIZARD_KONNECT_TOKEN, DCR_WIZARD_GRAPH_TOKEN) at start,
    // which then no longer holds them. Empty: not given.
    QString konnectTokenFromEnvironment;
    QString graphTokenFromEnvironment;
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

    // In the sandbox the wizard knows the credentials: no prompt. The admin's sign-in is approved
    // by the sandbox's own sign-in page when it does that by itself, otherwise through its control
    // endpoint (POST /_sandbox/device/approve) for a device code sign-in.
    void useSandbox(const QString& konnectToken, const engine::ValidationTargets& targets);
    // Begins in the next turn of the event loop, so that finished() is never emitted before the
    // caller's event loop runs.
    void start();

signals:
    void finished(int exitCode);

private:
    void begin();
    void obtainKonnectToken();
    void acceptKonnectToken(const QString& token);
    void readKonnectTokenFromStdin();
    void readKonnectTokenFromKeychain();
    void signIn();
    void followSandboxSignInPage(const QUrl& url);
    void approveInSandbox(const QString& userCode);
    void finishSignInWait();
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
    QTimer* m_signInDeadline = nullptr;
    QTimer* m_stdinDeadline = nullptr;
    QSocketNotifier* m_stdinNotifier = nullptr;
    QByteArray m_stdinBuffer;
    bool m_done = false;
    int m_exitCode = ExitOk;
};

}  // namespace dcr
