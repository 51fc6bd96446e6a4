#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace dcr::sandbox {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A request as the emulated services see it: copied out of Qt's server types at once, so handlers
// never depend on the lifetime of Qt's request object.
struct Request {
    QByteArray method;       // upper case
    QString path;            // decoded path, e.g. "/graph/v1.0/applications(appId='…')"
    QUrlQuery query;
    QMap<QByteArray, QByteArray> headers;  // names in lower case
    QByteArray body;
    QHostAddress peer;
    QStringList params;      // captures of the route pattern that matched

    QByteArray header(const QByteArray& name) const { return headers.value(name.toLower()); }
    QString queryValue(const QString& key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
    QUrlQuery form() const;                        // application/x-www-form-urlencoded body
    QString formValue(const QString& key) const;   // fully decoded ('+' is a space)
    // Parses a JSON object body. On failure returns false and *error says why.
    bool jsonObject(QJsonObject* out, QString* error) const;
    QString bearerToken() const;                   // the token after "Bearer ", or empty
};

struct Response {
    int status = 200;
    HeaderList headers;
    QByteArray body;

    Response& header(const QByteArray& name, const QByteArray& value) {
        headers.append({name, value});
        return *this;
    }

    static Response json(int status, const QJsonObject& object);
    static Response json(int status, const QJsonDocument& document);
    static Response empty(int status);
    static Response html(int status, const QString& page);
    static Response redirect(const QUrl& location);  // 302
    // Konnect's application/problem+json. invalidParameters: the 400 field list.
    static Response problem(int status, const QString& title, const QString& detail,
                            const QJsonArray& invalidParameters = {});
    // Microsoft Graph's {"error":{"code","message","innerError":{…}}}
    static Response graphError(int status, const QString& code, const QString& message);
    // The same with the "details" list Graph adds to some errors ([{code, message, target}]).
    static Response graphError(int status, const QString& code, const QString& message, const QJsonArray& details);
    // The Microsoft identity platform token endpoint's error body with an AADSTS code.
    static Response entraError(int status, const QString& error, int aadstsCode, const QString& description);
};

// One entry of Konnect's invalid_parameters list.
QJsonObject invalidParameter(const QString& field, const QString& rule, const QString& reason,
                             const QString& source = QStringLiteral("body"));

QString newGuid();
QString isoNow();  // UTC timestamp in ISO 8601 with milliseconds, as the services print them

}  // namespace dcr::sandbox
