#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace dcr {

// One field Konnect refused: an entry of problem+json's invalid_parameters.
struct FieldError {
    QString field;   // e.g. "dcr_config.initial_client_secret"; empty for a body-level rule
    QString rule;    // e.g. "required", "is_url", "enum"
    QString source;  // e.g. "body"
    QString reason;  // Konnect's own words, e.g. "must be a valid URL"
};

// The parts of a Graph error body {"error":{"code","message","details":[…],"innerError":{…}}}
// that decide what it means.
struct GraphErrorBody {
    QString code;
    QString message;
    QStringList detailCodes;  // error.details[].code and the codes of nested innerErrors

    static GraphErrorBody parse(const QByteArray& body);
    bool has(QLatin1String code) const { return this->code == code || detailCodes.contains(code); }
    bool says(QLatin1String words) const { return message.contains(words, Qt::CaseInsensitive); }
};

// Which service's error format a failed HTTP answer is in, and so which builder explains it.
enum class ErrorFlavor { Entra, Graph, Konnect, Plain };

// The one error value of the project: clients build it, the engine records it, the wizard and
// the command line only display it. `what` and `remedy` are never empty.
//
// `code` is stable and meant for branching: "insecure_url", "network.<kind>" (an untrusted
// certificate: "network.tls_untrusted"),
// "entra.AADSTS<n>" or "entra.<error>", "graph.<Graph error code>" (or "graph.replication_pending",
// "graph.throttled", "graph.http_<status>"), "konnect.<kind>", "http.<status>".
struct Error {
    QString code;
    QString what;       // one sentence: what happened
    QString remedy;     // one sentence: what to do
    bool retryable = false;  // whether trying again later can help
    int httpStatus = 0;      // 0: no HTTP answer
    QString rawDetail;       // the answer's body or the transport's message, redacted, for the log
    QList<FieldError> fields;

    static Error make(QString code, QString what, QString remedy, bool retryable = false);

    // Token endpoint answers {"error","error_description","error_codes":[…],…}. Decided by
    // `error` and `error_codes` only: the description is for people and changes without notice.
    static Error fromEntraTokenError(int httpStatus, const QByteArray& body);
    // Graph answers {"error":{"code","message","details":[…],"innerError":{…}}}.
    static Error fromGraph(int status, const QByteArray& body);
    // Konnect answers application/problem+json, or {"message"} when rate limited.
    static Error fromKonnect(int status, const QByteArray& body);
    // Any other HTTP service (gateway, discovery documents): only the status is known to mean anything.
    static Error fromHttp(int status, const QByteArray& body);
    static Error fromResponse(ErrorFlavor flavor, int status, const QByteArray& body);

    // No HTTP answer at all. detail: the transport's own message (QNetworkReply::errorString()).
    static Error network(QNetworkReply::NetworkError error, const QString& detail);
    // A request (or a redirect) to anything but https://, or http:// on this computer.
    static Error insecureUrl(const QUrl& url);
    // The TLS handshake failed because the server's certificate did not pass verification.
    // reasons: the verification errors (QSslError::errorString()), e.g. "The certificate is self-signed, and untrusted".
    static Error untrustedCertificate(const QUrl& url, const QStringList& reasons);

    // "what remedy", for a single line of output.
    QString message() const;
};

}  // namespace dcr
