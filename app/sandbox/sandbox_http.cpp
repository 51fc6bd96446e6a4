#include "sandbox/sandbox_http.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonParseError>
#include <QUrl>
#include <QUuid>

namespace dcr::sandbox {

QUrlQuery Request::form() const {
    // '+' means space in form bodies; QUrlQuery leaves it alone.
    QByteArray normalised = body;
    normalised.replace('+', ' ');
    return QUrlQuery(QString::fromUtf8(normalised));
}

QString Request::formValue(const QString& key) const { return form().queryItemValue(key, QUrl::FullyDecoded); }

bool Request::jsonObject(QJsonObject* out, QString* error) const {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("The request body is not valid JSON: %1 at offset %2")
                     .arg(parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("The request body must be a JSON object.");
        return false;
    }
    *out = doc.object();
    return true;
}

QString Request::bearerToken() const {
    const QByteArray auth = header("authorization");
    if (auth.size() > 7 && auth.left(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
        return QString::fromLatin1(auth.mid(7).trimmed());
    return {};
}

Response Response::json(int status, const QJsonObject& object) { return json(status, QJsonDocument(object)); }

Response Response::json(int status, const QJsonDocument& document) {
    Response r;
    r.status = status;
    r.body = document.toJson(QJsonDocument::Compact);
    r.header("Content-Type", "application/json; charset=utf-8");
    return r;
}

Response Response::empty(int status) {
    Response r;
    r.status = status;
    return r;
}

Response Response::html(int status, const QString& page) {
    Response r;
    r.status = status;
    r.body = page.toUtf8();
    r.header("Content-Type", "text/html; charset=utf-8");
    return r;
}

Response Response::redirect(const QUrl& location) {
    Response r;
    r.status = 302;
    r.header("Location", location.toEncoded());
    return r;
}

Response Response::problem(int status, const QString& title, const QString& detail, const QJsonArray& invalidParameters) {
    QJsonObject body{{QStringLiteral("status"), status},
                     {QStringLiteral("title"), title},
                     {QStringLiteral("type"), QStringLiteral("https://httpstatuses.com/%1").arg(status)},
                     {QStringLiteral("instance"), QStringLiteral("kong:trace:%1").arg(newGuid())},
                     {QStringLiteral("detail"), detail}};
    if (!invalidParameters.isEmpty())
        body.insert(QStringLiteral("invalid_parameters"), invalidParameters);
    Response r = json(status, body);
    r.headers.clear();
    r.header("Content-Type", "application/problem+json");
    return r;
}

Response Response::graphError(int status, const QString& code, const QString& message) {
    return graphError(status, code, message, QJsonArray());
}

Response Response::graphError(int status, const QString& code, const QString& message, const QJsonArray& details) {
    const QJsonObject inner{{QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                            {QStringLiteral("request-id"), newGuid()},
                            {QStringLiteral("client-request-id"), newGuid()}};
    QJsonObject error{{QStringLiteral("code"), code},
                      {QStringLiteral("message"), message},
                      {QStringLiteral("innerError"), inner}};
    if (!details.isEmpty())
        error.insert(QStringLiteral("details"), details);
    return json(status, QJsonObject{{QStringLiteral("error"), error}});
}

Response Response::entraError(int status, const QString& error, int aadstsCode, const QString& description) {
    const QString traceId = newGuid();
    const QString correlationId = newGuid();
    const QString timestamp = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss'Z'"));
    QJsonObject body{{QStringLiteral("error"), error},
                     {QStringLiteral("error_description"),
                      QStringLiteral("AADSTS%1: %2 Trace ID: %3 Correlation ID: %4 Timestamp: %5")
                          .arg(aadstsCode)
                          .arg(description, traceId, correlationId, timestamp)},
                     {QStringLiteral("error_codes"), QJsonArray{aadstsCode}},
                     {QStringLiteral("timestamp"), timestamp},
                     {QStringLiteral("trace_id"), traceId},
                     {QStringLiteral("correlation_id"), correlationId},
                     {QStringLiteral("error_uri"),
                      QStringLiteral("https://login.microsoftonline.com/error?code=%1").arg(aadstsCode)}};
    return json(status, body);
}

QJsonObject invalidParameter(const QString& field, const QString& rule, const QString& reason, const QString& source) {
    return QJsonObject{{QStringLiteral("field"), field},
                       {QStringLiteral("rule"), rule},
                       {QStringLiteral("source"), source},
                       {QStringLiteral("reason"), reason}};
}

QString newGuid() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

QString isoNow() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

}  // namespace dcr::sandbox
