#include "cli/unattended.h"

#include "auth/entra_sign_in.h"
#include "core/error.h"
#include "core/http_client.h"
#include "engine/session.h"
#include "secrets/secret_store.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>

#include <cstdio>
#include <unistd.h>

namespace dcr {

namespace {

void err(const QString& line) {
    fprintf(stderr, "%s\n", qPrintable(line));
    fflush(stderr);
}

Error userError(const QString& what, const QString& remedy) {
    Error e;
    e.code = QStringLiteral("user_error");
    e.what = what;
    e.remedy = remedy;
    return e;
}

QString statusWord(engine::StepStatus status) {
    switch (status) {
    case engine::StepStatus::Done:
        return QStringLiteral("done");
    case engine::StepStatus::Failed:
        return QStringLiteral("failed");
    case engine::StepStatus::Skipped:
        return QStringLiteral("skipped");
    case engine::StepStatus::Running:
        return QStringLiteral("running");
    case engine::StepStatus::Pending:
        return QStringLiteral("not run");
    }
    return {};
}

}  // namespace

Unattended::Unattended(Profile profile, Endpoints endpoints, UnattendedOptions options, QNetworkAccessManager* network,
                       QObject* parent)
    : QObject(parent),
      m_profile(std::move(profile)),
      m_endpoints(std::move(endpoints)),
      m_options(std::move(options)),
      m_network(network),
      m_secrets(std::make_unique<SecretStore>()) {}

Unattended::~Unattended() = default;

void Unattended::useSandbox(const QString& konnectToken, const engine::ValidationTargets& targets) {
    m_sandbox = true;
    m_konnectToken = konnectToken;
    m_session = std::make_unique<engine::Session>(m_profile, m_endpoints, m_network, m_secrets.get(), m_options.statePath);
    m_session->setValidationTargets(targets);
}

void Unattended::start() {
    m_clock.start();
    if (!m_session)
        m_session = std::make_unique<engine::Session>(m_profile, m_endpoints, m_network, m_secrets.get(), m_options.statePath);
    if (m_options.requestTimeoutMs > 0) {
        RetryPolicy::Config config = m_session->http().retryConfig();
        config.attemptTimeoutMs = m_options.requestTimeoutMs;
        m_session->http().setRetryConfig(config);
    }
    if (m_profile.blueprint == Profile::Blueprint::DynamicsClient) {
        engine::DynamicsTargets targets;
        // The sandbox approves the test sign-in's device code itself; a real one needs the person
        // running this to enter it, as the test user.
        if (m_sandbox)
            targets.sandboxApproveUrl = m_endpoints.login.resolved(QUrl(QStringLiteral("/_sandbox/device/approve")));
        else
            targets.showDeviceCode = [](const QString& message) { err(tr("Test sign-in: sign in as a test user of the app. %1").arg(message)); };
        m_session->setDynamicsTargets(targets);
    }
    QString error;
    if (!m_session->loadState(m_options.resume || m_options.mode == UnattendedOptions::Mode::Cleanup, &error)) {
        fail(ExitUserError, userError(error, tr("Remove the file or run with --cleanup.")));
        return;
    }
    if (m_options.mode == UnattendedOptions::Mode::Cleanup && m_session->state().steps.isEmpty()) {
        err(tr("Nothing to clean up: no saved progress for the profile '%1' (%2).").arg(m_profile.name, m_session->state().filePath()));
        printSummary(true);
        emit finished(ExitOk);
        return;
    }
    obtainKonnectToken();
}

void Unattended::obtainKonnectToken() {
    const auto accept = [this](const QString& token) {
        if (!token.startsWith(QLatin1String("kpat_")) && !token.startsWith(QLatin1String("spat_"))) {
            fail(ExitUserError, userError(tr("The Konnect token does not look like a personal (kpat_…) or system account (spat_…) token."),
                                          tr("Create a token in Konnect under Personal access tokens or System accounts.")));
            return;
        }
        m_konnectToken = token;
        signIn();
    };
    if (m_sandbox) {
        accept(m_konnectToken);
        return;
    }
    const QString fromEnv = qEnvironmentVariable("DCR_WIZARD_KONNECT_TOKEN").trimmed();
    if (!fromEnv.isEmpty()) {
        accept(fromEnv);
        return;
    }
    if (!isatty(STDIN_FILENO)) {
        QFile in;
        if (in.open(stdin, QIODevice::ReadOnly)) {
            const QString piped = QString::fromUtf8(in.readLine()).trimmed();
            if (!piped.isEmpty()) {
                accept(piped);
                return;
            }
        }
    }
    m_secrets->read(SecretKey::konnectToken(m_profile.name), [this, accept](const SecretResult& r) {
        if (r.ok()) {
            accept(r.value);
            return;
        }
        fail(ExitUserError, userError(tr("No Konnect token was given."),
                                      tr("Set DCR_WIZARD_KONNECT_TOKEN, pipe the token on standard input, or store it in the "
                                         "keychain from the wizard. Tokens are never taken from the command line.")));
    });
}

void Unattended::signIn() {
    m_signIn = std::make_unique<EntraSignIn>(m_session->http(), m_endpoints.login, m_profile.azure.tenant, m_profile.azure.publicClientId,
                                             EntraSignIn::defaultScopes(m_endpoints.graph));
    connect(m_signIn.get(), &EntraSignIn::signedIn, this, &Unattended::onSignedIn);
    connect(m_signIn.get(), &EntraSignIn::failed, this, [this](const Error& e) { fail(ExitAuthFailure, e); });
    if (m_sandbox) {
        connect(m_signIn.get(), &EntraSignIn::browserUrl, this, [this](const QUrl& url) { openSandboxSignInPage(*m_network, url); });
        m_signIn->startBrowserSignIn();
        return;
    }
    const QString pasted = qEnvironmentVariable("DCR_WIZARD_GRAPH_TOKEN").trimmed();
    if (!pasted.isEmpty()) {
        m_signIn->useAccessToken(pasted);
        return;
    }
    connect(m_signIn.get(), &EntraSignIn::deviceCode, this, [](const QString&, const QUrl&, const QString& message, int) {
        err(message);
    });
    m_signIn->startDeviceCode();
}

void Unattended::onSignedIn(const TokenSet& tokens) {
    err(tr("Signed in to Microsoft Entra ID as %1.").arg(tokens.userName.isEmpty() ? tr("the administrator") : tokens.userName));
    m_session->setGraphToken(tokens.accessToken);
    m_session->setKonnectToken(m_konnectToken);
    runPlan();
}

void Unattended::runPlan() {
    engine::Runner& runner = m_session->runner();
    connect(&runner, &engine::Runner::stepFinished, this, &Unattended::onStepFinished);
    connect(&runner, &engine::Runner::finished, this, &Unattended::onRunFinished);
    const auto mode = m_options.mode == UnattendedOptions::Mode::DryRun    ? engine::Runner::Mode::DryRun
                      : m_options.mode == UnattendedOptions::Mode::Cleanup ? engine::Runner::Mode::Cleanup
                                                                           : engine::Runner::Mode::Apply;
    runner.start(mode);
}

void Unattended::onStepFinished(const QString& stepId, const engine::StepResult& result) {
    const qint64 ms = m_session->runner().elapsedMs(stepId);
    if (result.ok()) {
        err(QStringLiteral("[%1] %2: %3 (%4 ms)").arg(engine::outcomeName(result.outcome), stepId, result.summary).arg(ms));
        return;
    }
    err(QStringLiteral("[failed] %1: %2").arg(stepId, result.error->what));
    err(QStringLiteral("         %1").arg(result.error->remedy));
}

void Unattended::onRunFinished(bool ok) {
    int code = ExitOk;
    if (!ok) {
        code = ExitRemoteFailure;
        for (const engine::Step& step : m_session->runner().plan()) {
            if (m_session->runner().status(step.id) != engine::StepStatus::Failed)
                continue;
            const std::optional<Error> failure = m_session->runner().result(step.id).error;
            if (step.id.startsWith(QLatin1String("validate.")))
                code = ExitValidationFailure;
            else if (failure && (failure->httpStatus == 401 || failure->httpStatus == 403))
                code = ExitAuthFailure;
            break;
        }
    }
    printSummary(ok);
    m_exitCode = code;
    emit finished(code);
}

void Unattended::fail(int exitCode, const Error& error) {
    err(tr("Error: %1").arg(error.what));
    err(tr("What to do: %1").arg(error.remedy));
    if (m_options.json) {
        const QJsonObject summary{{QStringLiteral("ok"), false},
                                  {QStringLiteral("exit_code"), exitCode},
                                  {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.code},
                                                                        {QStringLiteral("what"), error.what},
                                                                        {QStringLiteral("remedy"), error.remedy}}}};
        printf("%s\n", QJsonDocument(summary).toJson(QJsonDocument::Indented).constData());
        fflush(stdout);
    }
    m_exitCode = exitCode;
    emit finished(exitCode);
}

void Unattended::printSummary(bool ok) {
    const engine::Context& ctx = m_session->context();
    const engine::Runner& runner = m_session->runner();
    QJsonArray steps;
    QStringList lines;
    for (const engine::Step& step : runner.plan()) {
        const engine::StepResult result = runner.result(step.id);
        const engine::StepStatus status = runner.status(step.id);
        QJsonObject s{{QStringLiteral("id"), step.id},
                      {QStringLiteral("title"), step.title},
                      {QStringLiteral("status"), statusWord(status)},
                      {QStringLiteral("elapsed_ms"), runner.elapsedMs(step.id)}};
        if (status == engine::StepStatus::Done || status == engine::StepStatus::Skipped) {
            s.insert(QStringLiteral("outcome"), engine::outcomeName(result.outcome));
            s.insert(QStringLiteral("summary"), result.summary);
            lines << QStringLiteral("  %1  %2: %3").arg(engine::outcomeName(result.outcome), -12).arg(step.title, result.summary);
        } else if (status == engine::StepStatus::Failed && result.error) {
            s.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), result.error->code},
                                                          {QStringLiteral("what"), result.error->what},
                                                          {QStringLiteral("remedy"), result.error->remedy}});
            lines << QStringLiteral("  %1  %2: %3 %4").arg(QStringLiteral("FAILED"), -12).arg(step.title, result.error->what, result.error->remedy);
        } else {
            lines << QStringLiteral("  %1  %2").arg(statusWord(status), -12).arg(step.title);
        }
        steps.append(s);
    }
    // What the client application's code or app.config needs, once the app exists.
    const bool dynamics = m_profile.blueprint == Profile::Blueprint::DynamicsClient && m_options.mode != UnattendedOptions::Mode::Cleanup;
    const engine::DynamicsClientSettings client = engine::dynamicsClientSettings(m_profile, ctx.outputs, m_endpoints.login.toString());
    if (m_options.json) {
        QJsonObject summary{{QStringLiteral("ok"), ok},
                            {QStringLiteral("profile"), m_profile.name},
                            {QStringLiteral("elapsed_ms"), m_clock.elapsed()},
                            {QStringLiteral("steps"), steps},
                            {QStringLiteral("ids"), ctx.outputs}};
        if (dynamics && !client.clientId.isEmpty())
            summary.insert(QStringLiteral("client_app"), QJsonObject{{QStringLiteral("client_id"), client.clientId},
                                                                     {QStringLiteral("redirect_uri"), client.redirectUri},
                                                                     {QStringLiteral("authority"), client.authority},
                                                                     {QStringLiteral("organization_url"), client.organizationUrl},
                                                                     {QStringLiteral("connection_string"), client.connectionString}});
        printf("%s\n", QJsonDocument(summary).toJson(QJsonDocument::Indented).constData());
    } else {
        if (dynamics && !client.clientId.isEmpty())
            lines << QString() << tr("For the client application's code or app.config:")
                  << tr("  Application (client) ID: %1").arg(client.clientId) << tr("  Redirect URI:            %1").arg(client.redirectUri)
                  << tr("  Authority:               %1").arg(client.authority)
                  << tr("  Connection string:       %1").arg(client.connectionString);
        printf("%s\n%s\n", qPrintable(ok ? tr("Setup of '%1' finished in %2 s:").arg(m_profile.name).arg(m_clock.elapsed() / 1000.0, 0, 'f', 1)
                                          : tr("Setup of '%1' stopped:").arg(m_profile.name)),
               qPrintable(lines.join(QLatin1Char('\n'))));
    }
    fflush(stdout);
    // With no keychain the secret exists nowhere else: show it once, on a terminal only, never in a
    // file or a pipe.
    if (ctx.output(QStringLiteral("secret_storage")) == QLatin1String("shown-once") && ctx.hasSecret(QStringLiteral("client_secret"))) {
        if (isatty(STDERR_FILENO))
            err(tr("No keychain is available. The client secret, shown this once (copy it now): %1").arg(ctx.secret(QStringLiteral("client_secret"))));
        else
            err(tr("No keychain is available and the output is not a terminal, so the client secret is not shown; Konnect's "
                   "DCR provider has it. Create a new one in the Azure portal if you need it elsewhere."));
    }
}

}  // namespace dcr
