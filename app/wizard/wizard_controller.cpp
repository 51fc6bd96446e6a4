#include "wizard/wizard_controller.h"

#include "core/http_client.h"
#include "engine/run_state.h"
#include "engine/session.h"
#include "wizard/app_lookup.h"
#include "wizard/field_checks.h"
#include "wizard/konnect_check.h"
#include "wizard/publish_lookup.h"
#include "wizard/report.h"
#include "wizard/run_controller.h"
#include "wizard/run_log.h"
#include "wizard/sign_in_controller.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>

namespace dcr::wizard {

namespace {

constexpr auto kModeKey = "wizard/mode";
constexpr auto kAnswersKey = "wizard/answers";
constexpr auto kRealMode = "real";
constexpr auto kSandboxMode = "sandbox";

bool sameEndpoints(const Endpoints& a, const Endpoints& b) {
    return a.login == b.login && a.graph == b.graph && a.graphResource == b.graphResource && a.konnect == b.konnect &&
           a.konnectGlobal == b.konnectGlobal && a.portal == b.portal && a.gateway == b.gateway;
}

// The answers of the sandbox demo: the same setup as resources/profiles/sandbox-demo.json, with
// the API that the sandbox's seed publishes.
Profile sandboxProfile(const QString& tenant) {
    Profile p;
    p.name = QStringLiteral("sandbox-demo");
    p.azure.tenant = tenant.isEmpty() ? QStringLiteral("contoso.onmicrosoft.com") : tenant;
    p.azure.appDisplayName = QStringLiteral("Kong Konnect DCR (sandbox demo)");
    p.konnect.dcrProviderName = QStringLiteral("azure-dcr-demo");
    p.konnect.authStrategyName = QStringLiteral("azure-dcr-demo");
    p.konnect.authStrategyDisplayName = QStringLiteral("Azure AD (demo)");
    p.publish.enabled = true;
    p.publish.apiName = QStringLiteral("Orders API");
    p.publish.autoApproveRegistrations = true;
    p.validation.dcrRoundTrip = true;
    return p;
}

// The Dynamics 365 client app's answers: in the sandbox resources/profiles/sandbox-dynamics.json,
// with the sandbox's own Dynamics environment and its test sign-in.
Profile dynamicsProfile(bool sandbox, const QJsonObject& sandboxInfo) {
    Profile p;
    p.blueprint = Profile::Blueprint::DynamicsClient;
    p.name = sandbox ? QStringLiteral("sandbox-dynamics") : QStringLiteral("dynamics-client");
    p.azure.appDisplayName = sandbox ? QStringLiteral("Dynamics 365 client (sandbox demo)") : QStringLiteral("Dynamics 365 client app");
    if (sandbox) {
        p.dynamics.organizationUrl = sandboxInfo.value(QStringLiteral("dynamics_url")).toString();
        p.dynamics.testSignIn = true;
    }
    return p;
}

Profile rememberedRealProfile() {
    const QByteArray json = QSettings().value(QLatin1String(kAnswersKey)).toByteArray();
    QStringList ignored;
    const std::optional<Profile> p = Profile::fromJson(QJsonDocument::fromJson(json).object(), &ignored);
    return p.value_or(Profile{});
}

}  // namespace

WizardController::WizardController(Mode mode, QObject* parent)
    : QObject(parent),
      m_mode(mode),
      m_secrets(std::make_unique<SecretStore>()),
      m_log(std::make_unique<RunLog>()),
      m_signIn(std::make_unique<SignInController>(*this)),
      m_konnect(std::make_unique<KonnectCheck>(*this)),
      m_appLookup(std::make_unique<AppLookup>(*this)),
      m_publishLookup(std::make_unique<PublishLookup>(*this)),
      m_run(std::make_unique<RunController>(*this)) {
    applyModeDefaults();
    requestSandboxIfNeeded();
}

WizardController::~WizardController() {
    // The sign-in holds the session's HTTP client and every controller has callbacks waiting on its
    // clients: they go before the session does.
    m_run.reset();
    m_publishLookup.reset();
    m_appLookup.reset();
    m_konnect.reset();
    m_signIn.reset();
    m_session.reset();
}

WizardController::Mode WizardController::rememberedMode() {
    return QSettings().value(QLatin1String(kModeKey)).toString() == QLatin1String(kRealMode) ? Mode::Real : Mode::Sandbox;
}

void WizardController::setMode(Mode mode) {
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_resume = false;
    dropSession();
    m_signIn->reset();
    m_konnectToken.clear();
    m_tenantId.clear();
    applyModeDefaults();
    emit modeChanged();
    emit profileChanged();
    requestSandboxIfNeeded();
}

void WizardController::applyModeDefaults() {
    if (m_mode == Mode::Sandbox) {
        m_profile = sandboxProfile(m_sandboxInfo.value(QStringLiteral("tenant_domain")).toString());
        m_konnectToken = sandboxKonnectToken();
    } else {
        m_profile = rememberedRealProfile();
    }
}

void WizardController::requestSandboxIfNeeded() {
    if (m_mode != Mode::Sandbox || sandboxReady() || m_sandboxRequested)
        return;
    m_sandboxRequested = true;
    // Queued: the program connects to this after building the wizard, and the sandbox's cold
    // start should begin only once the first page is on screen.
    QTimer::singleShot(0, this, [this] { emit sandboxRequested(); });
}

void WizardController::useSandbox(const QJsonObject& info, SandboxLifetime lifetime) {
    m_sandboxInfo = info;
    m_sandboxLifetime = lifetime;
    m_sandboxProblem.clear();
    if (m_mode == Mode::Sandbox) {
        m_profile.azure.tenant = info.value(QStringLiteral("tenant_domain")).toString();
        if (m_profile.blueprint == Profile::Blueprint::DynamicsClient && m_profile.dynamics.organizationUrl.isEmpty())
            m_profile.dynamics.organizationUrl = info.value(QStringLiteral("dynamics_url")).toString();
        m_konnectToken = sandboxKonnectToken();
        dropSession();
        emit profileChanged();
    }
    emit sandboxChanged();
}

void WizardController::sandboxFailed(const QString& message) {
    m_sandboxProblem = message;
    m_sandboxRequested = false;
    emit sandboxChanged();
}

QString WizardController::sandboxKonnectToken() const { return m_sandboxInfo.value(QStringLiteral("konnect_personal_token")).toString(); }

QUrl WizardController::sandboxStateUrl() const {
    const QString base = m_sandboxInfo.value(QStringLiteral("base_url")).toString();
    return base.isEmpty() ? QUrl() : joinUrl(QUrl(base), QStringLiteral("/_sandbox/state"));
}

bool WizardController::openProfile(const QString& path, QStringList* errors) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errors = QStringList{tr("Cannot read %1: %2").arg(path, file.errorString())};
        return false;
    }
    // Never read whole: a profile is a few kilobytes, and anything past the cap is not one.
    const QByteArray bytes = file.read(Profile::kMaxFileBytes + 1);
    if (bytes.size() > Profile::kMaxFileBytes) {
        *errors = QStringList{QStringLiteral("%1 is larger than %2 KiB, which no profile is; check that it is the right file.")
                                  .arg(path)
                                  .arg(Profile::kMaxFileBytes / 1024)};
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *errors = QStringList{tr("%1 is not a JSON object: %2").arg(path, parseError.errorString())};
        return false;
    }
    std::optional<Profile> loaded = Profile::fromJson(doc.object(), errors);
    if (!loaded)
        return false;
    // The embedded sandbox impersonates one tenant, chosen when it started.
    if (m_mode == Mode::Sandbox && sandboxReady())
        loaded->azure.tenant = m_sandboxInfo.value(QStringLiteral("tenant_domain")).toString();
    m_profile = *loaded;
    // An opened profile has its name: it is kept, whatever the app is renamed to.
    m_profileNameChosen = true;
    m_customHostsFromProfile = (m_profile.azure.cloud == QLatin1String("custom") || m_profile.konnect.region == QLatin1String("custom"));
    m_customHostsAllowed = false;
    m_resume = false;
    dropSession();
    m_signIn->reset();
    emit profileChanged();
    return true;
}

void WizardController::setCloud(const QString& cloud) {
    if (m_profile.azure.cloud == cloud)
        return;
    m_profile.azure.cloud = cloud;
    m_signIn->reset();
    dropSessionIfEndpointsChanged();
}

void WizardController::setTenant(const QString& tenant) {
    const QString t = tenant.trimmed();
    if (m_profile.azure.tenant == t)
        return;
    m_profile.azure.tenant = t;
    m_signIn->reset();
}

void WizardController::setAppDisplayName(const QString& name) {
    m_profile.azure.appDisplayName = name.trimmed();
    if (!m_profileNameChosen && !isSandbox())
        m_profile.name = profileNameFor(m_profile.azure.appDisplayName);
}

void WizardController::setProfileName(const QString& name) {
    m_profile.name = name.trimmed();
    m_profileNameChosen = true;
}
void WizardController::setPermissionPreset(Profile::PermissionPreset preset) { m_profile.azure.permissionPreset = preset; }
void WizardController::setSecretLifetimeMonths(int months) { m_profile.azure.secretLifetimeMonths = months; }

void WizardController::setKonnectRegion(const QString& region, const QString& customBaseUrl) {
    m_profile.konnect.region = region;
    m_profile.konnect.baseUrl = region == QLatin1String("custom") ? customBaseUrl.trimmed() : QString();
    dropSessionIfEndpointsChanged();
}

void WizardController::setDcrProviderName(const QString& name) { m_profile.konnect.dcrProviderName = name.trimmed(); }
void WizardController::setAuthStrategyName(const QString& name) { m_profile.konnect.authStrategyName = name.trimmed(); }
void WizardController::setAuthStrategyDisplayName(const QString& name) { m_profile.konnect.authStrategyDisplayName = name.trimmed(); }
void WizardController::setCredentialClaim(const QString& claims) { m_profile.konnect.credentialClaim = splitList(claims); }
void WizardController::setAuthMethods(const QStringList& methods) { m_profile.konnect.authMethods = methods; }
void WizardController::setPublishEnabled(bool enabled) { m_profile.publish.enabled = enabled; }
void WizardController::setPortalName(const QString& name) { m_profile.publish.portalName = name; }
void WizardController::setApiName(const QString& name) { m_profile.publish.apiName = name.trimmed(); }
void WizardController::setVisibility(const QString& visibility) { m_profile.publish.visibility = visibility; }
void WizardController::setAutoApprove(bool autoApprove) { m_profile.publish.autoApproveRegistrations = autoApprove; }
void WizardController::setDcrRoundTrip(bool roundTrip) { m_profile.validation.dcrRoundTrip = roundTrip; }

void WizardController::setBlueprint(Profile::Blueprint blueprint) {
    if (m_profile.blueprint == blueprint)
        return;
    const bool dynamics = blueprint == Profile::Blueprint::DynamicsClient;
    const Profile kongDefaults = isSandbox() ? sandboxProfile({}) : Profile{};
    const Profile dynamicsDefaults = dynamicsProfile(isSandbox(), m_sandboxInfo);
    const Profile& from = dynamics ? kongDefaults : dynamicsDefaults;
    const Profile& to = dynamics ? dynamicsDefaults : kongDefaults;
    m_profile.blueprint = blueprint;
    // Names still at the other blueprint's defaults follow the choice; the saved progress is per
    // profile name, so the two setups never share it.
    if (m_profile.name == from.name)
        m_profile.name = to.name;
    if (m_profile.azure.appDisplayName == from.azure.appDisplayName)
        m_profile.azure.appDisplayName = to.azure.appDisplayName;
    if (dynamics)
        m_profile.dynamics = to.dynamics;
    m_resume = false;
    dropSession();
    emit profileChanged();
}

void WizardController::setDynamicsAudience(const QString& signInAudience) { m_profile.dynamics.signInAudience = signInAudience; }
void WizardController::setDynamicsRedirectUri(const QString& uri) { m_profile.dynamics.redirectUri = uri.trimmed(); }
void WizardController::setDynamicsOrganizationUrl(const QString& url) { m_profile.dynamics.organizationUrl = url.trimmed(); }
void WizardController::setDynamicsAdminConsent(bool consent) { m_profile.dynamics.adminConsent = consent; }
void WizardController::setDynamicsTestSignIn(bool test) { m_profile.dynamics.testSignIn = test; }

void WizardController::rememberAnswers() const {
    QSettings settings;
    settings.setValue(QLatin1String(kModeKey), QLatin1String(isSandbox() ? kSandboxMode : kRealMode));
    // The sandbox's answers are its demo's and would only hide the real ones.
    if (!isSandbox())
        settings.setValue(QLatin1String(kAnswersKey), QJsonDocument(m_profile.toJson()).toJson(QJsonDocument::Compact));
}

QString WizardController::statePath() const {
    if (!isSandbox())
        return engine::RunState::defaultPath(m_profile.name, engine::Session::targetOf(m_profile, Endpoints::forProfile(m_profile)));
    if (m_sandboxLifetime == SandboxLifetime::OutlivesWizard && sandboxReady()) {
        // Each start (and reset) of a sandbox makes a new portal id: progress made on an earlier
        // instance, whose objects are gone, is never offered for resuming.
        const QString instance = QStringLiteral("sandbox-") + m_sandboxInfo.value(QStringLiteral("portal_id")).toString();
        engine::RunState::Target sandbox;
        sandbox.sandbox = true;
        return engine::RunState::defaultPath(instance + QLatin1Char('/') + m_profile.name, sandbox);
    }
    if (!m_sandboxStateDir)
        m_sandboxStateDir = std::make_unique<QTemporaryDir>();
    return m_sandboxStateDir->filePath(m_profile.name + QStringLiteral(".json"));
}

bool WizardController::canResume() const {
    if (isSandbox() && (m_sandboxLifetime == SandboxLifetime::EndsWithWizard || !sandboxReady()))
        return false;
    return engine::RunState(statePath()).exists();
}

QString WizardController::resumeDescription() const {
    engine::RunState state(statePath());
    QString error;
    if (!state.load(&error))
        return tr("The saved progress of '%1' cannot be read: %2").arg(m_profile.name, error);
    int done = 0;
    QString last;
    for (const engine::RunState::StepRecord& record : std::as_const(state.steps)) {
        done += record.status == QLatin1String("done") || record.status == QLatin1String("skipped");
        last = std::max(last, record.updatedAt);
    }
    return tr("A setup of '%1' was interrupted with %n step(s) done (last change %2).", nullptr, done).arg(m_profile.name, last);
}

QStringList WizardController::customHosts() const {
    const Endpoints e = Endpoints::forProfile(m_profile);
    QStringList hosts;
    for (const QUrl& url : {e.login, e.graph, e.konnect})
        if (!url.host().isEmpty() && !hosts.contains(url.host()))
            hosts << url.host();
    return hosts;
}

void WizardController::setAllowAdoption(bool allow) {
    m_allowAdoption = allow;
    if (m_session)
        m_session->allowAdoption(allow);
}

void WizardController::setResume(bool resume) {
    if (m_resume == resume)
        return;
    m_resume = resume;
    dropSession();
}

void WizardController::setGraphToken(const QString& token) {
    m_graphToken = token;
    if (m_session)
        m_session->setGraphToken(token);
}

void WizardController::setKonnectToken(const QString& token) {
    m_konnectToken = token.trimmed();
    if (m_session)
        m_session->setKonnectToken(m_konnectToken);
}

void WizardController::probeKeychain() {
    m_keychain = Keychain::Checking;
    emit keychainChanged();
    // Reading an entry that may not exist tells whether a keychain answers, without writing.
    m_secrets->read(SecretKey::konnectToken(m_profile.name, endpoints().konnect), [this](const SecretResult& r) {
        switch (r.status) {
        case SecretStatus::Ok:
        case SecretStatus::NotFound:
            m_keychain = Keychain::Available;
            m_keychainMessage.clear();
            break;
        case SecretStatus::NoKeychain:
            m_keychain = Keychain::Missing;
            m_keychainMessage = r.message;
            break;
        case SecretStatus::AccessDenied:
        case SecretStatus::TooLarge:
        case SecretStatus::Failed:
            m_keychain = Keychain::Locked;
            m_keychainMessage = r.message;
            break;
        }
        emit keychainChanged();
    });
}

Endpoints WizardController::endpoints() const {
    return isSandbox() ? Endpoints::fromSandboxInfo(m_sandboxInfo) : Endpoints::forProfile(m_profile);
}

engine::Session& WizardController::session() {
    // A new profile name means other saved progress (and keychain entries): a new session.
    if (m_session && m_session->state().filePath() != statePath())
        dropSession();
    if (m_session) {
        m_session->context().profile = m_profile;
        m_session->allowAdoption(m_allowAdoption);
        return *m_session;
    }
    m_sessionEndpoints = endpoints();
    m_session = std::make_unique<engine::Session>(m_profile, m_sessionEndpoints, &m_network, m_secrets.get(), statePath());
    m_session->setGraphToken(m_graphToken);
    m_session->setKonnectToken(m_konnectToken);
    m_session->allowAdoption(m_allowAdoption);
    engine::ValidationTargets targets;
    if (isSandbox()) {
        targets.gatewayUrl = m_sandboxInfo.value(QStringLiteral("gateway_url")).toString();
        targets.developerEmail = m_sandboxInfo.value(QStringLiteral("developer_email")).toString();
        targets.developerPassword = m_sandboxInfo.value(QStringLiteral("developer_password")).toString();
    }
    m_session->setValidationTargets(targets);
    if (m_profile.blueprint == Profile::Blueprint::DynamicsClient) {
        engine::DynamicsTargets dynamics;
        if (isSandbox())
            dynamics.sandboxApproveUrl = QUrl(m_sandboxInfo.value(QStringLiteral("device_approve_url")).toString());
        else
            // The Apply page's log is where the user watches the run.
            dynamics.showDeviceCode = [this](const QString& message) {
                m_log->append(tr("Test sign-in: sign in as a test user of the app. %1").arg(message));
            };
        m_session->setDynamicsTargets(dynamics);
    }
    QString error;
    if (!m_session->loadState(m_resume, &error))
        m_log->append(tr("The saved progress cannot be read (%1); the setup starts over, finding what exists.").arg(error));
    connect(&m_session->http(), &HttpClient::attemptFinished, m_log.get(),
            [log = m_log.get()](const HttpAttempt& attempt) { log->append(attempt.describe()); });
    return *m_session;
}

void WizardController::dropSession() {
    if (!m_session)
        return;
    emit sessionDropping();
    m_session.reset();
}

void WizardController::dropSessionIfEndpointsChanged() {
    if (m_session && !sameEndpoints(endpoints(), m_sessionEndpoints))
        dropSession();
}

bool WizardController::exportProfile(const QString& path, QString* error) const {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(m_profile.toJson()).toJson(QJsonDocument::Indented)) < 0 ||
        !file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

QString WizardController::reportMarkdown() {
    return markdownReport(m_profile, isSandbox(), m_run->progressModel(), m_run->outputs(), m_run->ownership());
}

bool WizardController::exportReport(const QString& path, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(reportMarkdown().toUtf8()) < 0 || !file.commit()) {
        *error = file.errorString();
        return false;
    }
    return true;
}

}  // namespace dcr::wizard
