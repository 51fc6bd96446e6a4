#include "core/redaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace dcr {

namespace {

const QString kMask = QStringLiteral("***");

// Names of the fields that carry secrets in the requests and answers of Entra ID, Graph, Konnect
// and the portal. client_assertion is included because a signed assertion is a credential too.
const QStringList& secretNames() {
    static const QStringList names{
        QStringLiteral("client_secret"), QStringLiteral("initial_client_secret"), QStringLiteral("secrettext"),
        QStringLiteral("password"),      QStringLiteral("access_token"),          QStringLiteral("refresh_token"),
        QStringLiteral("id_token"),      QStringLiteral("code_verifier"),         QStringLiteral("device_code"),
        QStringLiteral("assertion"),     QStringLiteral("client_assertion"),      QStringLiteral("token"),
    };
    return names;
}

QString namesAlternation(bool withCode) {
    QStringList names = secretNames();
    if (withCode)
        names << QStringLiteral("code");
    return names.join(QLatin1Char('|'));
}

QJsonValue redactValue(const QJsonValue& value);

QJsonObject redactObject(const QJsonObject& object) {
    QJsonObject out;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QJsonValue v = it.value();
        const bool keepAsIs = v.isNull() || v.isUndefined() || (v.isString() && v.toString().isEmpty());
        // An empty or null secret is kept: "the secret was empty" is what the log must show then.
        if (isSecretFieldName(it.key(), true) && !keepAsIs)
            out.insert(it.key(), kMask);
        else
            out.insert(it.key(), redactValue(v));
    }
    return out;
}

QJsonValue redactValue(const QJsonValue& value) {
    if (value.isObject())
        return redactObject(value.toObject());
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue& item : value.toArray())
            out.append(redactValue(item));
        return out;
    }
    if (value.isString())
        return redactText(value.toString());
    return value;
}

// name=value&name=value, as in forms, queries and the fragments of OAuth redirects.
QString redactPairs(const QString& pairs) {
    QStringList parts = pairs.split(QLatin1Char('&'));
    for (QString& part : parts) {
        const qsizetype eq = part.indexOf(QLatin1Char('='));
        if (eq < 0) {
            part = redactText(part);
            continue;
        }
        const QString key = part.left(eq);
        QString decodedKey = key;
        decodedKey.replace(QLatin1Char('+'), QLatin1Char(' '));
        decodedKey = QUrl::fromPercentEncoding(decodedKey.toUtf8());
        if (isSecretFieldName(decodedKey, false) && eq + 1 < part.size())
            part = key + QLatin1Char('=') + kMask;
        else
            part = key + QLatin1Char('=') + redactText(part.mid(eq + 1));
    }
    return parts.join(QLatin1Char('&'));
}

}  // namespace

bool isSecretFieldName(const QString& name, bool inJson) {
    if (!inJson && name.compare(QLatin1String("code"), Qt::CaseInsensitive) == 0)
        return true;
    for (const QString& secret : secretNames()) {
        if (name.compare(secret, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray redactJson(const QByteArray& json) {
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return redactText(QString::fromUtf8(json)).toUtf8();
    if (doc.isArray())
        return QJsonDocument(redactValue(doc.array()).toArray()).toJson(QJsonDocument::Compact);
    return QJsonDocument(redactObject(doc.object())).toJson(QJsonDocument::Compact);
}

QByteArray redactForm(const QByteArray& form) {
    return redactPairs(QString::fromUtf8(form)).toUtf8();
}

QString redactUrl(const QUrl& url) {
    QString out = url.toString(QUrl::RemovePassword | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::FullyEncoded);
    if (url.hasQuery())
        out += QLatin1Char('?') + redactPairs(url.query(QUrl::FullyEncoded));
    if (url.hasFragment())
        out += QLatin1Char('#') + redactPairs(url.fragment(QUrl::FullyEncoded));
    return redactText(out);
}

QByteArray redactHeaderValue(const QByteArray& name, const QByteArray& value) {
    const QByteArray lower = name.toLower();
    if (lower == "authorization" || lower == "proxy-authorization") {
        const qsizetype space = value.indexOf(' ');
        return space > 0 ? value.left(space) + " ***" : QByteArray("***");
    }
    if (lower == "cookie" || lower == "set-cookie") {
        // Cookie: every pair is a credential. Set-Cookie: one pair, then attributes worth keeping.
        QList<QByteArray> parts = value.split(';');
        for (qsizetype i = 0; i < parts.size(); ++i) {
            if (lower == "set-cookie" && i > 0)
                break;
            const qsizetype eq = parts[i].indexOf('=');
            if (eq >= 0)
                parts[i] = parts[i].left(eq + 1) + "***";
        }
        return parts.join(';');
    }
    if (lower.contains("secret") || lower.contains("token") || lower.contains("password") || lower.contains("api-key")
        || lower.contains("apikey"))
        return "***";
    return redactText(QString::fromLatin1(value)).toLatin1();
}

QString redactText(const QString& text) {
    using RE = QRegularExpression;
    static const RE jwt(QStringLiteral("eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*"));
    static const RE konnectToken(QStringLiteral("\\b(kpat|spat)_[A-Za-z0-9_-]{20,}"));
    // The shape of an Entra client secret value (GitHub's secret scanning pattern, without its upper
    // length bound: a longer match is still a secret).
    static const RE entraSecret(
        QStringLiteral("(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,}"));
    // Not a challenge's auth-params (WWW-Authenticate: Bearer realm="…"), which carry no secret.
    static const RE credentials(QStringLiteral("\\b(Bearer|Basic)\\s+(?![A-Za-z_]+=\")[A-Za-z0-9._~+/=-]{6,}"),
                                RE::CaseInsensitiveOption);
    // Also a string cut off by truncation: a clipped body must not leak the start of a secret.
    static const RE jsonPair(QStringLiteral("\"(%1)\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*(?:\"|$)").arg(namesAlternation(false)),
                             RE::CaseInsensitiveOption);
    static const RE formPair(QStringLiteral("(?<![A-Za-z0-9_])(%1)=[^&\\s\"',;]+").arg(namesAlternation(true)),
                             RE::CaseInsensitiveOption);

    QString out = text;
    out.replace(jwt, QStringLiteral("eyJ***"));
    out.replace(konnectToken, QStringLiteral("\\1_***"));
    out.replace(entraSecret, kMask);
    out.replace(credentials, QStringLiteral("\\1 ***"));
    out.replace(jsonPair, QStringLiteral("\"\\1\":\"***\""));
    out.replace(formPair, QStringLiteral("\\1=***"));
    return out;
}

QString redactBody(const QByteArray& contentType, const QByteArray& body) {
    const QByteArray type = contentType.toLower();
    if (type.contains("json"))
        return QString::fromUtf8(redactJson(body));
    if (type.contains("x-www-form-urlencoded"))
        return QString::fromUtf8(redactForm(body));
    return redactText(QString::fromUtf8(body));
}

}  // namespace dcr
