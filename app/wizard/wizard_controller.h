#pragma once

#include "core/endpoints.h"
#include "engine/blueprints/kong_dcr_azure.h"
#include "profile/profile.h"
#include "secrets/secret_store.h"

#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QObject>

#include <memory>

class QTemporaryDir;

namespace dcr::engine {
class Session;
}

namespace dcr::wizard {

class AppLookup;
class KonnectCheck;
class PublishLookup;
class RunController;
class RunLog;
class SignInController;

// The wizard's model and top-level controller (what ownCloud's account wizard calls its
// controller): it holds the answers the pages collect as a Profile, the mode (the embedded sandbox
// or the real services), and the one engine::Session through which everything talks to the
// services. The per-page controllers it owns do the asynchronous work; the pages only display.
//
// The Session depends on the endpoints, which depend on the cloud, the Konnect region and the
// mode; it is rebuilt when one of them changes (sessionDropping()), and otherwise lives for the
// whole wizard so that sign-in, the checks and the run share one HTTP client.
class WizardController : public QObject {
    Q_OBJECT
public:
    enum class Mode { Sandbox, Real };
    enum class Keychain { Unknown, Checking, Available, Locked, Missing };
    // The embedded sandbox forgets everything when the wizard exits, and so does the progress made
    // on it; a dcr-sandbox running on its own (--sandbox-url) keeps both for the next start.
    enum class SandboxLifetime { EndsWithWizard, OutlivesWizard };

    explicit WizardController(Mode mode, QObject* parent = nullptr);
    ~WizardController() override;

    // The mode chosen at the last start (the sandbox on first start).
    static Mode rememberedMode();

    Mode mode() const { return m_mode; }
    bool isSandbox() const { return m_mode == Mode::Sandbox; }
    void setMode(Mode mode);

    // --- The embedded sandbox (started by the program's main, which links it) ---------------------
    bool sandboxReady() const { return !m_sandboxInfo.isEmpty(); }
    QString sandboxProblem() const { return m_sandboxProblem; }
    // SandboxHost::ready's info: base URLs, tenant, and sandbox-only credentials (kept in memory).
    void useSandbox(const QJsonObject& info, SandboxLifetime lifetime = SandboxLifetime::EndsWithWizard);
    void sandboxFailed(const QString& message);
    QString sandboxKonnectToken() const;
    // GET /_sandbox/state: everything the sandbox holds, where the Summary's links point in sandbox mode.
    QUrl sandboxStateUrl() const;

    // --- The answers -------------------------------------------------------------------------------
    const Profile& profile() const { return m_profile; }
    // Replaces the answers with a profile file's (no secrets in it); false and *errors otherwise.
    bool openProfile(const QString& path, QStringList* errors);

    void setCloud(const QString& cloud);
    void setTenant(const QString& tenant);
    void setAppDisplayName(const QString& name);
    // Names the saved progress and keychain entries. Until set here, it follows the app's name
    // (in real mode; the sandbox's profiles keep theirs).
    void setProfileName(const QString& name);
    bool profileNameChosen() const { return m_profileNameChosen; }
    void setPermissionPreset(Profile::PermissionPreset preset);
    void setSecretLifetimeMonths(int months);
    void setKonnectRegion(const QString& region, const QString& customBaseUrl);
    void setDcrProviderName(const QString& name);
    void setAuthStrategyName(const QString& name);
    void setAuthStrategyDisplayName(const QString& name);
    void setCredentialClaim(const QString& claims);
    void setAuthMethods(const QStringList& methods);
    void setPublishEnabled(bool enabled);
    void setPortalName(const QString& name);
    void setApiName(const QString& name);
    void setVisibility(const QString& visibility);
    void setAutoApprove(bool autoApprove);
    void setDcrRoundTrip(bool roundTrip);
    // The blueprint decides the plan: a new one starts a new session (and the answers' defaults).
    void setBlueprint(Profile::Blueprint blueprint);
    void setDynamicsAudience(const QString& signInAudience);
    void setDynamicsRedirectUri(const QString& uri);
    void setDynamicsOrganizationUrl(const QString& url);
    void setDynamicsAdminConsent(bool consent);
    void setDynamicsTestSignIn(bool test);
    // Problems of the answers as a whole (Profile::validate), before the plan runs.
    QStringList profileProblems() const { return m_profile.validate(); }
    // Keeps the answers (never a secret) for the next start; real mode only.
    void rememberAnswers() const;

    // --- Resuming an interrupted setup (real mode, or a sandbox that outlives the wizard) -------------
    bool canResume() const;
    QString resumeDescription() const;
    bool resume() const { return m_resume; }
    void setResume(bool resume);
    // The user allowed the setup to use (and change where the Review says so) objects that exist
    // but were not created by dcr-wizard. Not part of the profile: a profile sent to someone else
    // never carries this consent with it.
    // An opened profile that names its own hosts (a custom cloud or Konnect region) sends nothing
    // there until the user allows it; hosts the user typed in are theirs to choose.
    bool customHostsNeedConsent() const { return !isSandbox() && m_customHostsFromProfile && !m_customHostsAllowed; }
    QStringList customHosts() const;
    void allowCustomHosts(bool allow) { m_customHostsAllowed = allow; }
    bool allowAdoption() const { return m_allowAdoption; }
    void setAllowAdoption(bool allow);

    // --- Tokens, in memory only ----------------------------------------------------------------------
    void setGraphToken(const QString& token);
    void setKonnectToken(const QString& token);
    const QString& konnectToken() const { return m_konnectToken; }
    QString tenantIdSignedIn() const { return m_tenantId; }
    void setTenantIdSignedIn(const QString& tenantId) { m_tenantId = tenantId; }

    // --- The keychain --------------------------------------------------------------------------------
    Keychain keychain() const { return m_keychain; }
    QString keychainMessage() const { return m_keychainMessage; }
    void probeKeychain();
    SecretStore& secrets() { return *m_secrets; }

    // --- The engine ----------------------------------------------------------------------------------
    Endpoints endpoints() const;
    // The session for the current endpoints, built on first use; its profile is kept in step with
    // the answers.
    engine::Session& session();
    QNetworkAccessManager& network() { return m_network; }

    SignInController& signIn() { return *m_signIn; }
    KonnectCheck& konnect() { return *m_konnect; }
    AppLookup& appLookup() { return *m_appLookup; }
    PublishLookup& publishLookup() { return *m_publishLookup; }
    RunController& run() { return *m_run; }
    // Everything the wizard sent and what the steps did, redacted: the Apply page's log pane.
    RunLog& log() { return *m_log; }

    // Writes the answers as a profile (never a secret) or the run as a Markdown report.
    bool exportProfile(const QString& path, QString* error) const;
    bool exportReport(const QString& path, QString* error);
    QString reportMarkdown();

signals:
    void modeChanged();
    // The sandbox is wanted and not running yet: the program's main starts it.
    void sandboxRequested();
    void sandboxChanged();
    void profileChanged();
    // The session is about to go: what is in flight through it will never answer, and anything
    // holding its clients must let go now.
    void sessionDropping();
    void keychainChanged();

private:
    void applyModeDefaults();
    // Where the progress of the current answers is saved: the user's data folder for the real
    // services and for a sandbox that outlives the wizard, a temporary folder otherwise.
    QString statePath() const;
    void requestSandboxIfNeeded();
    // Forgets the session (and with it every request in flight); the next session() builds anew.
    void dropSession();
    void dropSessionIfEndpointsChanged();

    Mode m_mode;
    Profile m_profile;
    QJsonObject m_sandboxInfo;
    SandboxLifetime m_sandboxLifetime = SandboxLifetime::EndsWithWizard;
    QString m_sandboxProblem;
    bool m_sandboxRequested = false;
    bool m_resume = false;
    bool m_allowAdoption = false;
    bool m_profileNameChosen = false;
    bool m_customHostsFromProfile = false;
    bool m_customHostsAllowed = false;
    QString m_graphToken;
    QString m_konnectToken;
    QString m_tenantId;
    Keychain m_keychain = Keychain::Unknown;
    QString m_keychainMessage;

    QNetworkAccessManager m_network;
    std::unique_ptr<SecretStore> m_secrets;
    // The embedded sandbox forgets everything at exit; so does its state. Made on first use.
    mutable std::unique_ptr<QTemporaryDir> m_sandboxStateDir;
    std::unique_ptr<engine::Session> m_session;
    Endpoints m_sessionEndpoints;

    std::unique_ptr<RunLog> m_log;
    std::unique_ptr<SignInController> m_signIn;
    std::unique_ptr<KonnectCheck> m_konnect;
    std::unique_ptr<AppLookup> m_appLookup;
    std::unique_ptr<PublishLookup> m_publishLookup;
    std::unique_ptr<RunController> m_run;
};

}  // namespace dcr::wizard
