#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

// Everything that may reach a log, an error's rawDetail or a support bundle passes through these
// first. Secrets are replaced by "***"; the shape around them (keys, header schemes, URL paths) is
// kept so that the log still says what was sent.
namespace dcr {

// True for the names of fields that carry secrets (client_secret, secretText, access_token, …),
// compared without regard to case. `code` counts only in forms and URLs, where an OAuth
// authorization code travels; in JSON it is an error code (Graph's error.code) that logs need.
bool isSecretFieldName(const QString& name, bool inJson);

// JSON at any depth: secret keys get "***", other strings go through redactText. Output is
// compact JSON; text that is not JSON is treated as free text.
QByteArray redactJson(const QByteArray& json);
// application/x-www-form-urlencoded: values of secret fields become "***".
QByteArray redactForm(const QByteArray& form);
// Query and fragment parameters of the same names, and any password in the user info.
QString redactUrl(const QUrl& url);
// Authorization and Proxy-Authorization keep their scheme ("Bearer ***"); cookies keep their
// names; headers named like keys, tokens or secrets are replaced whole.
QByteArray redactHeaderValue(const QByteArray& name, const QByteArray& value);
// Free text: JWTs, Konnect tokens (kpat_/spat_), Entra client secret values, Bearer/Basic
// credentials, and "name=value" or "name":"value" pairs of secret fields.
QString redactText(const QString& text);
// A body of the given Content-Type, as text for a log line.
QString redactBody(const QByteArray& contentType, const QByteArray& body);

}  // namespace dcr
