#include "cli/unattended.h"

#include "auth/entra_sign_in.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/redaction.h"
#include "engine/session.h"
#include "secrets/secret_store.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>

namespace dcr {

namespace {

// A line of progress or error on stderr. Much of it is the services' own words (error messages,
// ids): it is redacted the way the wizard's log is, so that no token a service echoes reaches a
// terminal or a script's log.
void err(const QString& line) {
    fprintf(stderr, "%s\n", qPrintable(redactText(line)));
    fflush(stderr);
}

// The one line that must show a secret as it is (the client secret, once, on a terminal).
void errUnredacted(const QString& line) {
    fprintf(stderr, "%s\n", qPrintable(line));
    fflush(stderr);
}

// The Konnect token on standard input is one line; anything longer is not a token.
constexpr qsizetype kMaxStdinBytes = 8192;

QString seconds(int ms) {
    return QString::number(ms / 1000.0, 'g', 4);
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
    // Queued: whatever fails at once (a bad token, an unreadable state file) then ends the run
    // from inside the caller's event loop, where finished() is heard.
    QMetaObject::invokeMethod(this, &Unattended::begin, Qt::QueuedConnection);
}

void Unattended::begin() {
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
    if (m_options.adopt)
        m_session->allowAdoption(true);
    // A profile from a ticket can name any host: none of them gets a token without being named
    // here and allowed.
    const bool custom = m_profile.azure.cloud == QLatin1String("custom") || m_profile.konnect.region == QLatin1String("custom");
    if (!m_sandbox && custom && !m_options.allowCustomEndpoints) {
        fail(ExitUserError,
             userError(tr("The profile names its own hosts instead of Microsoft's and Kong's: sign-in %1, Microsoft Graph %2, Konnect %3. "
                          "Nothing was sent to them.")
                           .arg(m_endpoints.login.host(), m_endpoints.graph.host(), m_endpoints.konnect.host()),
                       tr("If you trust these hosts with your sign-in and Konnect token, run again with --allow-custom-endpoints; "
                          "otherwise use a profile with a named cloud and region.")));
        return;
    }
    const bool cleanup = m_options.mode == UnattendedOptions::Mode::Cleanup || m_options.mode == UnattendedOptions::Mode::CleanupPlan;
    QString error;
    if (!m_session->loadState(m_options.resume || cleanup, &error)) {
        fail(ExitUserError, userError(error, tr("Give this profile's own --state-file, or remove the file if it is of no use any more.")));
        return;
    }
    const engine::RunState& state = m_session->state();
    if (cleanup && state.steps.isEmpty() && state.ownership.isEmpty()) {
        err(tr("Nothing to clean up: no saved progress for the profile '%1' (%2).").arg(m_profile.name, state.filePath()));
        printSummary(true);
        m_done = true;
        emit finished(ExitOk);
        return;
    }
    if (cleanup) {
        // What clean-up will delete and keep, before it signs in or deletes anything.
        err(tr("Clean-up of '%1' (%2):").arg(m_profile.name, state.filePath()));
        const QList<engine::CleanupPlanLine> plan = engine::cleanupPlan(state.ownership);
        for (const engine::CleanupPlanLine& line : plan)
            err(QStringLiteral("  ") + line.text);
        if (plan.isEmpty())
            err(tr("  Nothing recorded; objects carrying this setup's tag (from a run cut short) are looked for and deleted."));
        err(tr("  The keychain copy of each client secret it deletes goes with it."));
    }
    if (m_options.mode == UnattendedOptions::Mode::CleanupPlan) {
        if (m_options.json) {
            QJsonArray lines;
            for (const engine::CleanupPlanLine& line : engine::cleanupPlan(state.ownership))
                lines.append(QJsonObject{{QStringLiteral("action"), line.remove ? QStringLiteral("delete") : QStringLiteral("keep")},
                                         {QStringLiteral("object"), line.object.toJson()},
                                         {QStringLiteral("text"), line.text}});
            printf("%s\n", QJsonDocument(QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("cleanup_plan"), lines}})
                                .toJson(QJsonDocument::Indented)
                                .constData());
            fflush(stdout);
        }
        m_done = true;
        emit finished(ExitOk);
        return;
    }
    obtainKonnectToken();
}

void Unattended::obtainKonnectToken() {
    if (m_sandbox) {
        acceptKonnectToken(m_konnectToken);
        return;
    }
    if (!m_options.konnectTokenFromEnvironment.isEmpty()) {
        acceptKonnectToken(m_options.konnectTokenFromEnvironment);
        return;
    }
    if (!isatty(STDIN_FILENO)) {
        readKonnectTokenFromStdin();
        return;
    }
    readKonnectTokenFromKeychain();
}

void Unattended::acceptKonnectToken(const QString& token) {
    if (!token.startsWith(QLatin1String("kpat_")) && !token.startsWith(QLatin1String("spat_"))) {
        fail(ExitUserError, userError(tr("The Konnect token does not look like a personal (kpat_…) or system account (spat_…) token."),
                                      tr("Create a token in Konnect under Personal access tokens or System accounts.")));
        return;
    }
    m_konnectToken = token;
    signIn();
}

// One line from a standard input that is not a terminal, read as it arrives from the event loop
// (never a blocking read): a pipe that stays open and silent is given up on after a few seconds.
// Nothing on it (end of input at once, e.g. </dev/null) means: look in the keychain.
void Unattended::readKonnectTokenFromStdin() {
    const int flags = fcntl(STDIN_FILENO, F_GETFL);
    if (flags < 0) {
        readKonnectTokenFromKeychain();  // no standard input at all
        return;
    }
    fcntl(STDIN_FILENO, F_SETFL, flags | O_NONBLOCK);
    const auto done = [this, flags] {
        m_stdinNotifier->setEnabled(false);
        m_stdinNotifier->deleteLater();
        m_stdinNotifier = nullptr;
        m_stdinDeadline->stop();
        fcntl(STDIN_FILENO, F_SETFL, flags);
        const qsizetype newline = m_stdinBuffer.indexOf('\n');
        const QString token = QString::fromUtf8(newline >= 0 ? m_stdinBuffer.left(newline) : m_stdinBuffer).trimmed();
        m_stdinBuffer.fill('\0');
        m_stdinBuffer.clear();
        if (token.isEmpty())
            readKonnectTokenFromKeychain();
        else
            acceptKonnectToken(token);
    };
    m_stdinDeadline = new QTimer(this);
    m_stdinDeadline->setSingleShot(true);
    connect(m_stdinDeadline, &QTimer::timeout, this, [this, flags] {
        m_stdinNotifier->setEnabled(false);
        m_stdinNotifier->deleteLater();
        m_stdinNotifier = nullptr;
        fcntl(STDIN_FILENO, F_SETFL, flags);
        m_stdinBuffer.fill('\0');
        m_stdinBuffer.clear();
        fail(ExitUserError,
             userError(QStringLiteral("Waited %1 s for the Konnect token on standard input, which is not a terminal, and no line came.").arg(seconds(m_options.stdinTimeoutMs)),
                       QStringLiteral("Pipe the token followed by a newline (printf '%s\\n' \"$TOKEN\" | dcr-wizard …), set DCR_WIZARD_KONNECT_TOKEN, or "
                          "use the keychain's token with standard input closed or from /dev/null (</dev/null).")));
    });
    m_stdinNotifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
    connect(m_stdinNotifier, &QSocketNotifier::activated, this, [this, done] {
        char chunk[1024];
        for (;;) {
            const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
            if (n > 0) {
                m_stdinBuffer.append(chunk, n);
                memset(chunk, 0, sizeof chunk);
                if (m_stdinBuffer.contains('\n') || m_stdinBuffer.size() > kMaxStdinBytes) {
                    done();
                    return;
                }
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;  // more later
            done();  // end of input (or an error reading it): what came is all there is
            return;
        }
    });
    m_stdinDeadline->start(m_options.stdinTimeoutMs);
}

void Unattended::readKonnectTokenFromKeychain() {
    m_secrets->read(SecretKey::konnectToken(m_profile.name, m_endpoints.konnect), [this](const SecretResult& r) {
        if (r.ok()) {
            acceptKonnectToken(r.value);
            return;
        }
        fail(ExitUserError, userError(tr("No Konnect token was given."),
                                      tr("Set DCR_WIZARD_KONNECT_TOKEN, pipe the token on standard input, or store it in the "
                                         "keychain from the wizard. Tokens are never taken from the command line.")));
    });
}

void Unattended::signIn() {
    // The delegated scopes name Graph by its resource identifier (the profile's
    // azure.graph_resource for a custom cloud), which need not be where Graph is served.
    m_signIn = std::make_unique<EntraSignIn>(m_session->http(), m_endpoints.login, m_profile.azure.tenant, m_profile.azure.publicClientId,
                                             EntraSignIn::defaultScopes(QUrl(m_endpoints.graphResource)));
    connect(m_signIn.get(), &EntraSignIn::signedIn, this, &Unattended::onSignedIn);
    connect(m_signIn.get(), &EntraSignIn::failed, this, [this](const Error& e) { fail(ExitAuthFailure, e); });
    const QString pasted = m_options.graphTokenFromEnvironment;
    if (!m_sandbox && !pasted.isEmpty()) {
        m_signIn->useAccessToken(pasted);
        return;
    }
    // Every wait for a person has a deadline.
    m_signInDeadline = new QTimer(this);
    m_signInDeadline->setSingleShot(true);
    connect(m_signInDeadline, &QTimer::timeout, this, [this] {
        m_signIn->cancel();
        Error e = Error::make(QStringLiteral("auth.sign_in_timeout"),
                              QStringLiteral("The sign-in to Microsoft Entra ID was not completed within %1 s.").arg(seconds(m_options.signInTimeoutMs)),
                              m_sandbox ? QStringLiteral("Check that the sandbox is running and answers; --sign-in-timeout SECONDS gives the sign-in more time.")
                                        : QStringLiteral("Run again and complete the sign-in in a browser while the code is shown; "
                                                         "--sign-in-timeout SECONDS gives more time."));
        fail(ExitAuthFailure, e);
    });
    m_signInDeadline->start(m_options.signInTimeoutMs);
    connect(m_signIn.get(), &EntraSignIn::deviceCode, this,
            [this](const QString& userCode, const QUrl& verificationUri, const QString& message, int) {
                if (m_sandbox) {
                    approveInSandbox(userCode);
                    return;
                }
                err(message.isEmpty() ? QStringLiteral("To sign in, use a web browser to open the page %1 and enter the code %2 to authenticate.")
                                            .arg(verificationUri.toString(), userCode)
                                      : message);
                err(QStringLiteral("Waiting up to %1 s for the sign-in to be completed (--sign-in-timeout SECONDS changes this).")
                        .arg(seconds(m_options.signInTimeoutMs)));
            });
    if (m_sandbox) {
        // The sandbox's own sign-in page, as a browser would open it: it signs the admin in by
        // itself when the sandbox was started to do so, otherwise it asks for a password.
        connect(m_signIn.get(), &EntraSignIn::browserUrl, this, &Unattended::followSandboxSignInPage);
        m_signIn->startBrowserSignIn();
        return;
    }
    m_signIn->startDeviceCode();
}

void Unattended::followSandboxSignInPage(const QUrl& url) {
    // The redirect is followed by hand, once: Qt following it sometimes sent the page twice.
    QNetworkRequest page(url);
    page.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = m_network->get(page);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        if (m_done)
            return;
        const QUrl location = reply->header(QNetworkRequest::LocationHeader).toUrl();
        if (!location.isEmpty()) {
            QNetworkReply* loopback = m_network->get(QNetworkRequest(reply->url().resolved(location)));
            connect(loopback, &QNetworkReply::finished, loopback, &QObject::deleteLater);
            return;
        }
        if (reply->error() != QNetworkReply::NoError && reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() == 0) {
            fail(ExitAuthFailure, Error::network(reply->error(), reply->errorString()));
            return;
        }
        err(QStringLiteral("The sandbox's sign-in page waits for the administrator's password; signing in with a device code "
                           "that the sandbox's control endpoint approves instead."));
        m_signIn->startDeviceCode();
    });
}

void Unattended::approveInSandbox(const QString& userCode) {
    HttpRequest request;
    request.method = "POST";
    request.url = m_endpoints.login.resolved(QUrl(QStringLiteral("/_sandbox/device/approve")));
    request.flavor = ErrorFlavor::Entra;
    request.setJsonBody(QJsonDocument(QJsonObject{{QStringLiteral("user_code"), userCode}}));
    err(QStringLiteral("Sandbox: approving the device code sign-in %1 through %2.").arg(userCode, request.url.toString()));
    m_session->http().send(request, [this](const HttpResponse&, const std::optional<Error>& error) {
        if (error && !m_done)
            fail(ExitAuthFailure, *error);
    });
}

void Unattended::finishSignInWait() {
    if (m_signInDeadline)
        m_signInDeadline->stop();
}

void Unattended::onSignedIn(const TokenSet& tokens) {
    finishSignInWait();
    if (m_done)
        return;
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
    if (m_done)
        return;
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
    m_done = true;
    emit finished(code);
}

void Unattended::fail(int exitCode, const Error& error) {
    // One ending only: a deadline and a late answer may both arrive.
    if (m_done)
        return;
    m_done = true;
    finishSignInWait();
    if (m_signIn)
        m_signIn->cancel();
    err(tr("Error: %1").arg(error.what));
    err(tr("What to do: %1").arg(error.remedy));
    if (m_options.json) {
        const QJsonObject summary{{QStringLiteral("ok"), false},
                                  {QStringLiteral("exit_code"), exitCode},
                                  {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), error.code},
                                                                        {QStringLiteral("what"), error.what},
                                                                        {QStringLiteral("remedy"), error.remedy}}}};
        printf("%s\n", qPrintable(redactText(QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Indented)))));
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
        printf("%s\n", qPrintable(redactText(QString::fromUtf8(QJsonDocument(summary).toJson(QJsonDocument::Indented)))));
    } else {
        if (dynamics && !client.clientId.isEmpty())
            lines << QString() << tr("For the client application's code or app.config:")
                  << tr("  Application (client) ID: %1").arg(client.clientId) << tr("  Redirect URI:            %1").arg(client.redirectUri)
                  << tr("  Authority:               %1").arg(client.authority)
                  << tr("  Connection string:       %1").arg(client.connectionString);
        printf("%s\n%s\n", qPrintable(ok ? tr("Setup of '%1' finished in %2 s:").arg(m_profile.name).arg(m_clock.elapsed() / 1000.0, 0, 'f', 1)
                                          : tr("Setup of '%1' stopped:").arg(m_profile.name)),
               qPrintable(redactText(lines.join(QLatin1Char('\n')))));
    }
    fflush(stdout);
    // With no keychain the secret exists nowhere else: show it once, on a terminal only, never in a
    // file or a pipe.
    if (ctx.output(QStringLiteral("secret_storage")) == QLatin1String("shown-once") && ctx.hasSecret(QStringLiteral("client_secret"))) {
        if (isatty(STDERR_FILENO))
            errUnredacted(tr("No keychain is available. The client secret, shown this once (copy it now): %1").arg(ctx.secret(QStringLiteral("client_secret"))));
        else
            err(tr("No keychain is available and the output is not a terminal, so the client secret is not shown; Konnect's "
                   "DCR provider has it. Create a new one in the Azure portal if you need it elsewhere."));
    }
}

}  // namespace dcr
