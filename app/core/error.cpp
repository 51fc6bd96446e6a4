#include "core/error.h"

#include "core/redaction.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace dcr {

namespace {

// For the class's member functions: lupdate files a tr() by the function it is in, so the free
// functions below name their context (the namespace) themselves.
QString tr(const char* text) { return QCoreApplication::translate("dcr::Error", text); }

// Enough of an answer to diagnose it in a log, not so much that an HTML error page floods it.
constexpr qsizetype kMaxRawDetail = 4000;

QString rawDetailOf(const QByteArray& body) {
    QString redacted = QString::fromUtf8(redactJson(body.trimmed()));
    if (redacted.size() > kMaxRawDetail)
        redacted = redacted.left(kMaxRawDetail) + QStringLiteral("…");
    return redacted;
}

QJsonObject parseObject(const QByteArray& body) {
    return QJsonDocument::fromJson(body).object();
}

struct Explanation {
    const char* what;
    const char* remedy;
    bool retryable;
};

Error explained(const QString& code, const Explanation& e, int status, const QByteArray& body) {
    Error error = Error::make(code, tr(e.what), tr(e.remedy), e.retryable);
    error.httpStatus = status;
    error.rawDetail = rawDetailOf(body);
    return error;
}

// What a bare status means whichever service sent it. service: "Microsoft Graph", "Konnect", …
Error byStatus(const QString& codePrefix, const QString& service, int status, const QByteArray& body) {
    Error e;
    e.httpStatus = status;
    e.rawDetail = rawDetailOf(body);
    if (status == 401) {
        e.code = codePrefix + QStringLiteral("unauthorized");
        e.what = QCoreApplication::translate("dcr", "%1 did not accept the credentials sent with the request.").arg(service);
        e.remedy = QCoreApplication::translate("dcr", "Sign in again or enter a new token, then retry.");
    } else if (status == 403) {
        e.code = codePrefix + QStringLiteral("forbidden");
        e.what = QCoreApplication::translate("dcr", "%1 refused the request: the account is not allowed to do this.").arg(service);
        e.remedy = QCoreApplication::translate("dcr", "Use an account or token with the permissions this step needs.");
    } else if (status == 404) {
        e.code = codePrefix + QStringLiteral("not_found");
        e.what = QCoreApplication::translate("dcr", "%1 found nothing at the requested address.").arg(service);
        e.remedy = QCoreApplication::translate("dcr", "Check the address, the region or cloud in the profile, and that the object still exists.");
    } else if (status == 408) {
        e.code = codePrefix + QStringLiteral("timeout");
        e.what = QCoreApplication::translate("dcr", "%1 gave up waiting for the request to arrive (HTTP 408).").arg(service);
        e.remedy = QCoreApplication::translate("dcr", "Check the network connection and proxy settings, then retry.");
        e.retryable = true;
    } else if (status == 429) {
        e.code = codePrefix + QStringLiteral("rate_limited");
        e.what = QCoreApplication::translate("dcr", "%1 asked to slow down (HTTP 429).").arg(service);
        e.remedy = QCoreApplication::translate("dcr", "Wait a minute, then retry.");
        e.retryable = true;
    } else if (status >= 500) {
        e.code = codePrefix + QStringLiteral("server_error");
        e.what = QCoreApplication::translate("dcr", "%1 had a temporary failure (HTTP %2).").arg(service).arg(status);
        e.remedy = QCoreApplication::translate("dcr", "Wait a few minutes, then retry; if it persists, check the service's status page.");
        e.retryable = status != 501 && status != 505;
    } else {
        e.code = codePrefix + QStringLiteral("http_%1").arg(status);
        e.what = QCoreApplication::translate("dcr", "%1 refused the request with HTTP %2.").arg(service).arg(status);
        e.remedy = QCoreApplication::translate("dcr", "Check the values in the profile; the log has the service's answer.");
    }
    return e;
}

// ---- Entra ID -------------------------------------------------------------------------------

struct AadstsCode {
    int code;
    Explanation explanation;
};

const AadstsCode kAadstsCodes[] = {
    {7000215, {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID refused the client secret: it is not a valid secret value of this app, "
                                               "most often because the secret ID was entered instead of the secret's value."),
               QT_TRANSLATE_NOOP("dcr::Error", "Enter the secret's Value (shown only once, when the secret is created), not its "
                                               "Secret ID; if the secret was created moments ago, wait a minute and retry."),
               false}},
    {7000222, {QT_TRANSLATE_NOOP("dcr::Error", "The app's client secret has expired."),
               QT_TRANSLATE_NOOP("dcr::Error", "Create a new client secret for the app and use its value."), false}},
    {700016, {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID found no application with this client ID in this tenant: the tenant or "
                                              "client ID is wrong, or a new app has not replicated yet."),
              QT_TRANSLATE_NOOP("dcr::Error", "Check the tenant and the application (client) ID; if the app was created moments "
                                              "ago, wait a minute and retry."),
              true}},
    {65001, {QT_TRANSLATE_NOOP("dcr::Error", "The app has not been granted consent for the permissions it asks for."),
             QT_TRANSLATE_NOOP("dcr::Error", "Have an administrator grant admin consent for the app's API permissions, then retry."),
             false}},
    {65002, {QT_TRANSLATE_NOOP("dcr::Error", "This sign-in client may not ask for Microsoft Graph permissions dynamically (the "
                                             "Azure CLI client, for one, refuses)."),
             QT_TRANSLATE_NOOP("dcr::Error", "Use Microsoft Graph Command Line Tools (14d82eec-204b-4c2f-b7e8-296a70dab67e) as "
                                             "the sign-in client ID."),
             false}},
    {65004, {QT_TRANSLATE_NOOP("dcr::Error", "The user declined the consent prompt, so no token was issued."),
             QT_TRANSLATE_NOOP("dcr::Error", "Sign in again and accept the requested permissions, or ask an administrator to "
                                             "grant consent for the organization."),
             false}},
    {90002, {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID does not know this tenant."),
             QT_TRANSLATE_NOOP("dcr::Error", "Check the tenant ID or domain (for example contoso.onmicrosoft.com) and the Azure "
                                             "cloud chosen in the profile."),
             false}},
    {50076, {QT_TRANSLATE_NOOP("dcr::Error", "The tenant requires multi-factor authentication for this sign-in."),
             QT_TRANSLATE_NOOP("dcr::Error", "Sign in with the browser and complete the multi-factor prompt."), false}},
    {50079, {QT_TRANSLATE_NOOP("dcr::Error", "The account must register for multi-factor authentication before it can sign in."),
             QT_TRANSLATE_NOOP("dcr::Error", "Register multi-factor authentication for the account (https://aka.ms/mfasetup), "
                                             "then sign in with the browser."),
             false}},
    {53003, {QT_TRANSLATE_NOOP("dcr::Error", "A Conditional Access policy of the tenant blocked this sign-in (device code sign-in "
                                             "is often blocked)."),
             QT_TRANSLATE_NOOP("dcr::Error", "Sign in with the browser instead of a device code, or ask the tenant's administrator "
                                             "which policy applies."),
             false}},
    {50011, {QT_TRANSLATE_NOOP("dcr::Error", "The redirect URI of the sign-in does not match any redirect URI registered for the "
                                             "sign-in client."),
             QT_TRANSLATE_NOOP("dcr::Error", "Register http://localhost as a Mobile and desktop redirect URI of the sign-in client, "
                                             "or use the default Microsoft Graph Command Line Tools client."),
             false}},
    {500011, {QT_TRANSLATE_NOOP("dcr::Error", "The resource the token is asked for has no service principal in this tenant."),
              QT_TRANSLATE_NOOP("dcr::Error", "Check the resource or scope, and have an administrator add the resource to the "
                                              "tenant by consenting to it."),
              false}},
    {7000218, {QT_TRANSLATE_NOOP("dcr::Error", "The sign-in client is not a public client, so Entra ID asks for a secret or "
                                               "assertion it cannot send."),
               QT_TRANSLATE_NOOP("dcr::Error", "Turn on 'Allow public client flows' for the sign-in client, or use the default "
                                               "Microsoft Graph Command Line Tools client."),
               false}},
    {900561, {QT_TRANSLATE_NOOP("dcr::Error", "The token endpoint was called with GET, but it accepts only POST."),
              QT_TRANSLATE_NOOP("dcr::Error", "Send the token request as POST with a form body (curl --request POST --data …)."),
              false}},
};

struct OAuthError {
    const char* error;
    Explanation explanation;
};

// RFC 6749 and RFC 8628 error values, for when no AADSTS code above names the cause.
const OAuthError kOAuthErrors[] = {
    {"authorization_pending", {QT_TRANSLATE_NOOP("dcr::Error", "The sign-in on the device code page is not finished yet."),
                               QT_TRANSLATE_NOOP("dcr::Error", "Finish the sign-in in the browser; the wizard keeps waiting."),
                               true}},
    {"slow_down", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID asked to check on the device code sign-in less often."),
                   QT_TRANSLATE_NOOP("dcr::Error", "Nothing to do: the wizard waits longer between checks."), true}},
    {"authorization_declined", {QT_TRANSLATE_NOOP("dcr::Error", "The sign-in was declined on the device code page."),
                                QT_TRANSLATE_NOOP("dcr::Error", "Start the sign-in again and approve it in the browser."), false}},
    {"expired_token", {QT_TRANSLATE_NOOP("dcr::Error", "The device code expired before the sign-in was completed (codes are "
                                                       "valid for 15 minutes)."),
                       QT_TRANSLATE_NOOP("dcr::Error", "Start the device code sign-in again and enter the new code promptly."),
                       false}},
    {"bad_verification_code", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID did not recognise the device code."),
                               QT_TRANSLATE_NOOP("dcr::Error", "Start the device code sign-in again."), false}},
    {"invalid_client", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID did not accept the client's credentials."),
                        QT_TRANSLATE_NOOP("dcr::Error", "Check the application (client) ID and the client secret's value."),
                        false}},
    {"invalid_grant", {QT_TRANSLATE_NOOP("dcr::Error", "The sign-in grant (authorization code or refresh token) is invalid, "
                                                       "expired or was already used."),
                       QT_TRANSLATE_NOOP("dcr::Error", "Sign in again."), false}},
    {"invalid_scope", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID refused the requested scopes or resource."),
                       QT_TRANSLATE_NOOP("dcr::Error", "Check the scopes or resource, and the Azure cloud chosen in the profile."),
                       false}},
    {"unauthorized_client", {QT_TRANSLATE_NOOP("dcr::Error", "This client is not allowed to use this kind of sign-in."),
                             QT_TRANSLATE_NOOP("dcr::Error", "Use the default Microsoft Graph Command Line Tools client, or "
                                                             "another sign-in method."),
                             false}},
    {"interaction_required", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID needs the user to sign in interactively (consent, "
                                                              "multi-factor authentication or a policy)."),
                              QT_TRANSLATE_NOOP("dcr::Error", "Sign in with the browser."), false}},
    {"consent_required", {QT_TRANSLATE_NOOP("dcr::Error", "Consent is needed before Entra ID issues this token."),
                          QT_TRANSLATE_NOOP("dcr::Error", "Sign in with the browser and accept the requested permissions, or "
                                                          "ask an administrator to grant consent."),
                          false}},
    {"access_denied", {QT_TRANSLATE_NOOP("dcr::Error", "The sign-in was cancelled or denied."),
                       QT_TRANSLATE_NOOP("dcr::Error", "Start the sign-in again and approve it."), false}},
    {"temporarily_unavailable", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID is temporarily unable to issue tokens."),
                                 QT_TRANSLATE_NOOP("dcr::Error", "Wait a minute, then retry."), true}},
    {"invalid_request", {QT_TRANSLATE_NOOP("dcr::Error", "Entra ID rejected the token request as incomplete or malformed."),
                         QT_TRANSLATE_NOOP("dcr::Error", "Check the tenant, the client ID and the Azure cloud in the profile; "
                                                         "the log has Entra ID's answer with its trace ID."),
                         false}},
};

// ---- Graph ----------------------------------------------------------------------------------

struct GraphCode {
    const char* code;
    Explanation explanation;
};

const GraphCode kGraphCodes[] = {
    {"Authorization_RequestDenied",
     {QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph denied the request: the signed-in account lacks the privileges (a "
                                      "directory role), or the token the permission, for this operation."),
      QT_TRANSLATE_NOOP("dcr::Error", "Sign in as an Application Administrator or Cloud Application Administrator (a Privileged "
                                      "Role Administrator or Global Administrator to grant admin consent) and accept the "
                                      "requested permissions."),
      false}},
    {"Request_ResourceNotFound",
     {QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph found no such directory object: it was deleted, or it was created moments "
                                      "ago and has not replicated yet."),
      QT_TRANSLATE_NOOP("dcr::Error", "If it was just created, wait a minute and retry; otherwise run the setup again to "
                                      "recreate it."),
      true}},
    {"Directory_ConcurrencyViolation",
     {QT_TRANSLATE_NOOP("dcr::Error", "Another change to the same directory object was being made at the same time."),
      QT_TRANSLATE_NOOP("dcr::Error", "Retry in a few seconds."), true}},
    {"InvalidAuthenticationToken",
     {QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph did not accept the access token: it expired, or it was issued for "
                                      "another tenant, cloud or resource."),
      QT_TRANSLATE_NOOP("dcr::Error", "Sign in again to the tenant being set up."), false}},
    {"Authorization_IdentityNotFound",
     {QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph could not find the identity of the calling application in this tenant."),
      QT_TRANSLATE_NOOP("dcr::Error", "Check that you signed in to the right tenant, and that the sign-in client has been "
                                      "consented to in it."),
      false}},
    {"Request_MultipleObjectsWithSameKeyValue",
     {QT_TRANSLATE_NOOP("dcr::Error", "An object with the same unique value (name or identifier) already exists in the "
                                      "directory."),
      QT_TRANSLATE_NOOP("dcr::Error", "Choose another value, or let the wizard adopt the existing object."), false}},
    {"Request_BadRequest",
     {QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph rejected the request as invalid."),
      QT_TRANSLATE_NOOP("dcr::Error", "Check the values in the profile; the log has Graph's message."), false}},
};

const Explanation kGraphNoBackingApplication{
    QT_TRANSLATE_NOOP("dcr::Error", "The new application has not replicated in Entra ID yet, so its service principal cannot be "
                                    "created."),
    QT_TRANSLATE_NOOP("dcr::Error", "Wait a minute and retry; replication usually completes within a few minutes."), true};

const Explanation kGraphReplication{
    QT_TRANSLATE_NOOP("dcr::Error", "Entra ID has not finished replicating a newly created object, so it cannot be used yet."),
    QT_TRANSLATE_NOOP("dcr::Error", "Wait a minute and retry; replication usually completes within a few minutes."), true};

const Explanation kGraphThrottled{
    QT_TRANSLATE_NOOP("dcr::Error", "Microsoft Graph is throttling requests from this tenant or app."),
    QT_TRANSLATE_NOOP("dcr::Error", "Wait a few minutes, then retry."), true};

// ---- Konnect --------------------------------------------------------------------------------

QString konnectDetail(const QJsonObject& problem) {
    const QString detail = problem.value(QStringLiteral("detail")).toString();
    return detail.isEmpty() ? problem.value(QStringLiteral("title")).toString() : detail;
}

QList<FieldError> konnectFields(const QJsonObject& problem) {
    QList<FieldError> fields;
    for (const QJsonValue& item : problem.value(QStringLiteral("invalid_parameters")).toArray()) {
        const QJsonObject p = item.toObject();
        FieldError f;
        f.field = p.value(QStringLiteral("field")).toString();
        f.rule = p.value(QStringLiteral("rule")).toString();
        f.source = p.value(QStringLiteral("source")).toString();
        f.reason = p.value(QStringLiteral("reason")).toString();
        if (!f.field.isEmpty() || !f.rule.isEmpty() || !f.reason.isEmpty())
            fields << f;
    }
    return fields;
}

// "issuer (must be a valid URL), name (is required)"
QString describeFields(const QList<FieldError>& fields) {
    QStringList parts;
    for (const FieldError& f : fields) {
        const QString why = f.reason.isEmpty() ? f.rule : f.reason;
        if (f.field.isEmpty())
            parts << why;
        else if (why.isEmpty())
            parts << f.field;
        else
            parts << QStringLiteral("%1 (%2)").arg(f.field, why);
    }
    return parts.join(QStringLiteral(", "));
}

// Ends a sentence built around someone else's words without doubling their full stop.
QString sentence(QString text) {
    text = text.trimmed();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('!')) && !text.endsWith(QLatin1Char('?')))
        text += QLatin1Char('.');
    return text;
}

}  // namespace

GraphErrorBody GraphErrorBody::parse(const QByteArray& body) {
    GraphErrorBody out;
    const QJsonObject error = parseObject(body).value(QStringLiteral("error")).toObject();
    out.code = error.value(QStringLiteral("code")).toString();
    out.message = error.value(QStringLiteral("message")).toString();
    for (const QJsonValue& detail : error.value(QStringLiteral("details")).toArray())
        out.detailCodes << detail.toObject().value(QStringLiteral("code")).toString();
    for (QJsonObject inner = error.value(QStringLiteral("innerError")).toObject(); !inner.isEmpty();
         inner = inner.value(QStringLiteral("innerError")).toObject())
        out.detailCodes << inner.value(QStringLiteral("code")).toString();
    out.detailCodes.removeAll(QString());
    return out;
}

Error Error::make(QString code, QString what, QString remedy, bool retryable) {
    Error e;
    e.code = std::move(code);
    e.what = std::move(what);
    e.remedy = std::move(remedy);
    e.retryable = retryable;
    return e;
}

Error Error::fromEntraTokenError(int httpStatus, const QByteArray& body) {
    const QJsonObject json = parseObject(body);
    const QString error = json.value(QStringLiteral("error")).toString();
    QList<int> codes;
    for (const QJsonValue& v : json.value(QStringLiteral("error_codes")).toArray()) {
        // Anything but a positive number is no AADSTS code (and would read as "AADSTS0").
        if (v.isDouble() && v.toInt() > 0)
            codes << v.toInt();
    }

    for (int code : codes) {
        for (const AadstsCode& known : kAadstsCodes) {
            if (known.code == code)
                return explained(QStringLiteral("entra.AADSTS%1").arg(code), known.explanation, httpStatus, body);
        }
    }
    for (const OAuthError& known : kOAuthErrors) {
        if (error == QLatin1String(known.error))
            return explained(QStringLiteral("entra.") + error, known.explanation, httpStatus, body);
    }
    if (error.isEmpty() && codes.isEmpty())
        return byStatus(QStringLiteral("entra."), QStringLiteral("Entra ID"), httpStatus, body);

    Error e = byStatus(QStringLiteral("entra."), QStringLiteral("Entra ID"), httpStatus, body);
    e.code = codes.isEmpty() ? QStringLiteral("entra.") + error : QStringLiteral("entra.AADSTS%1").arg(codes.first());
    e.what = codes.isEmpty() ? tr("Entra ID refused the token request (%1).").arg(error)
                             : tr("Entra ID refused the token request (AADSTS%1).").arg(codes.first());
    e.remedy = tr("Look up the code at https://login.microsoftonline.com/error; the log has Entra ID's answer with its trace ID.");
    return e;
}

Error Error::fromGraph(int status, const QByteArray& body) {
    const GraphErrorBody graph = GraphErrorBody::parse(body);
    if (status == 429 || graph.code == QLatin1String("TooManyRequests") || graph.code == QLatin1String("activityLimitReached"))
        return explained(QStringLiteral("graph.throttled"), kGraphThrottled, status, body);
    if (graph.has(QLatin1String("NoBackingApplicationObject")) || graph.says(QLatin1String("does not reference a valid application object")))
        return explained(QStringLiteral("graph.NoBackingApplicationObject"), kGraphNoBackingApplication, status, body);
    if (graph.says(QLatin1String("backing application of the service principal being created must in the local tenant"))
        || graph.says(QLatin1String("Not a valid reference update")))
        return explained(QStringLiteral("graph.replication_pending"), kGraphReplication, status, body);

    for (const GraphCode& known : kGraphCodes) {
        if (graph.code != QLatin1String(known.code))
            continue;
        Error e = explained(QStringLiteral("graph.") + graph.code, known.explanation, status, body);
        // Graph's messages for bad requests name the offending property: worth showing as is.
        if (graph.code == QLatin1String("Request_BadRequest") && !graph.message.isEmpty())
            e.what = tr("Microsoft Graph rejected the request: %1").arg(sentence(graph.message));
        return e;
    }

    Error e = byStatus(QStringLiteral("graph."), QStringLiteral("Microsoft Graph"), status, body);
    if (!graph.code.isEmpty()) {
        e.code = QStringLiteral("graph.") + graph.code;
        if (status < 500 && !graph.message.isEmpty())
            e.what = tr("Microsoft Graph refused the request (%1): %2").arg(graph.code, sentence(graph.message));
    }
    return e;
}

Error Error::fromKonnect(int status, const QByteArray& body) {
    const QJsonObject problem = parseObject(body);
    const QString detail = konnectDetail(problem);
    Error e;
    e.httpStatus = status;
    e.rawDetail = rawDetailOf(body);
    e.fields = konnectFields(problem);

    if (!e.fields.isEmpty()) {
        e.code = QStringLiteral("konnect.invalid_parameters");
        e.what = tr("Konnect refused these fields: %1.").arg(describeFields(e.fields));
        e.remedy = tr("Correct the named fields in the profile or on the wizard's page, then retry.");
        return e;
    }
    switch (status) {
    case 400:
        e.code = QStringLiteral("konnect.bad_request");
        e.what = detail.isEmpty() ? tr("Konnect rejected the request as invalid.")
                                  : tr("Konnect rejected the request: %1").arg(sentence(detail));
        e.remedy = tr("Check the values in the profile; the log has Konnect's answer.");
        return e;
    case 401:
        e.code = QStringLiteral("konnect.unauthorized");
        e.what = tr("Konnect did not accept the access token: it is mistyped, expired or revoked.");
        e.remedy = tr("Create a personal access token (kpat_…) or a system account token (spat_…) in Konnect and enter it again.");
        return e;
    case 403:
        e.code = QStringLiteral("konnect.forbidden");
        e.what = tr("Konnect accepted the token, but its user or system account is not allowed to do this.");
        e.remedy = tr("Use the token of an Organization Admin, or give the account roles for Dev Portals, APIs and "
                      "application auth strategies.");
        return e;
    case 404:
        e.code = QStringLiteral("konnect.not_found");
        e.what = tr("Konnect has no such object in this region.");
        e.remedy = tr("Check the Konnect region in the profile and that the object was not deleted.");
        return e;
    case 409:
        e.code = QStringLiteral("konnect.conflict");
        e.what = detail.isEmpty() ? tr("Konnect reported a conflict: the name is taken or the object is still in use.")
                                  : tr("Konnect reported a conflict: %1").arg(sentence(detail));
        e.remedy = tr("Choose another name or adopt the existing object; to delete, first remove what still uses it.");
        return e;
    case 429:
        e.code = QStringLiteral("konnect.rate_limited");
        e.what = tr("Konnect's API rate limit was exceeded.");
        e.remedy = tr("Wait a minute, then retry.");
        e.retryable = true;
        return e;
    default:
        break;
    }
    Error generic = byStatus(QStringLiteral("konnect."), QStringLiteral("Konnect"), status, body);
    if (status < 500 && !detail.isEmpty())
        generic.what = tr("Konnect refused the request with HTTP %1: %2").arg(status).arg(sentence(detail));
    return generic;
}

Error Error::fromHttp(int status, const QByteArray& body) {
    Error e = byStatus(QStringLiteral("http."), tr("The server"), status, body);
    e.code = QStringLiteral("http.%1").arg(status);
    return e;
}

Error Error::fromResponse(ErrorFlavor flavor, int status, const QByteArray& body) {
    switch (flavor) {
    case ErrorFlavor::Entra:
        return fromEntraTokenError(status, body);
    case ErrorFlavor::Graph:
        return fromGraph(status, body);
    case ErrorFlavor::Konnect:
        return fromKonnect(status, body);
    case ErrorFlavor::Plain:
        break;
    }
    return fromHttp(status, body);
}

Error Error::network(QNetworkReply::NetworkError error, const QString& detail) {
    Error e;
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        e = make(QStringLiteral("network.refused"), tr("The connection was refused: nothing is listening at that address."),
                 tr("Check the address and that the service (or the sandbox) is running."), true);
        break;
    case QNetworkReply::RemoteHostClosedError:
        e = make(QStringLiteral("network.closed"), tr("The server closed the connection without answering."),
                 tr("Retry in a moment; if it keeps happening, check for a proxy or firewall in between."), true);
        break;
    case QNetworkReply::ContentReSendError:
        // A request that must not be sent twice lost its connection before the answer came.
        e = make(QStringLiteral("network.answer_lost"),
                 tr("The connection closed before the service answered, so it may have done what was asked."),
                 tr("Retry: the setup first looks for what already exists, so nothing is made twice."), true);
        break;
    case QNetworkReply::HostNotFoundError:
        e = make(QStringLiteral("network.host_not_found"), tr("The server's name could not be resolved."),
                 tr("Check the address, the region or cloud in the profile, and this computer's network connection."));
        break;
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        e = make(QStringLiteral("network.timeout"), tr("The server did not answer in time."),
                 tr("Check the network connection and proxy settings, then retry."), true);
        break;
    case QNetworkReply::SslHandshakeFailedError:
        e = make(QStringLiteral("network.tls"),
                 tr("The secure connection failed: the server's certificate is not trusted or the TLS handshake failed."),
                 tr("Check the system clock and CA certificates; behind a TLS-inspecting proxy, install its CA certificate "
                    "in the system store."));
        break;
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        e = make(QStringLiteral("network.offline"), tr("The network connection was lost."),
                 tr("Reconnect to the network, then retry."), true);
        break;
    case QNetworkReply::ProxyAuthenticationRequiredError:
        e = make(QStringLiteral("network.proxy_auth"), tr("The proxy asks for credentials that were not given."),
                 tr("Put the proxy's credentials in the proxy settings (for example https_proxy=http://user:password@host:port)."));
        break;
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::UnknownProxyError:
        e = make(QStringLiteral("network.proxy"), tr("The proxy server could not be reached or refused the connection."),
                 tr("Check the proxy settings (https_proxy and no_proxy, or the desktop's proxy settings)."), true);
        break;
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
        e = make(QStringLiteral("network.redirect"), tr("The server redirected too often or to an insecure address."),
                 tr("Check the address in the profile; it may point to a login page or an old host."));
        break;
    default:
        e = make(QStringLiteral("network.other"), tr("The request failed before the server answered."),
                 tr("Check the network connection and proxy settings, then retry."), true);
        break;
    }
    e.rawDetail = redactText(detail);
    return e;
}

Error Error::insecureUrl(const QUrl& url) {
    Error e = make(QStringLiteral("insecure_url"),
                   tr("Refused to send a request to %1: only https:// addresses are allowed.")
                       .arg(url.isEmpty() ? tr("an empty address") : url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery)),
                   tr("Use an https:// address; plain http:// is accepted only for this computer (127.0.0.1, ::1, localhost)."));
    e.rawDetail = redactUrl(url);
    return e;
}

Error Error::untrustedCertificate(const QUrl& url, const QStringList& reasons) {
    Error e = make(QStringLiteral("network.tls_untrusted"),
                   tr("Refused the secure connection to %1: its certificate is not trusted (%2).")
                       .arg(url.host(), reasons.isEmpty() ? tr("no reason given") : reasons.join(QStringLiteral("; "))),
                   tr("If a TLS-inspecting proxy or a private certificate authority is in between, install its CA certificate "
                      "in the system's store (update-ca-certificates); otherwise check the address and the system clock."));
    e.rawDetail = redactText(reasons.join(QLatin1Char('\n')));
    return e;
}

QString Error::message() const {
    return what + QLatin1Char(' ') + remedy;
}

}  // namespace dcr
