#include "clients/client_support.h"

#include "core/redaction.h"

#include <QCoreApplication>
#include <QUrl>

namespace dcr::clients {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("dcr::clients", text); }

constexpr qsizetype kMaxRawDetail = 4000;

}  // namespace

QString pathSegment(const QString& value) {
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QString query(std::initializer_list<std::pair<const char*, QString>> items) {
    QStringList pairs;
    for (const auto& [key, value] : items)
        pairs << QLatin1String(key) + QLatin1Char('=') + QString::fromLatin1(QUrl::toPercentEncoding(value, ",'"));
    return QLatin1Char('?') + pairs.join(QLatin1Char('&'));
}

QString odataString(const QString& value) {
    QString escaped = value;
    escaped.replace(QLatin1Char('\''), QLatin1String("''"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

QStringList strings(const QJsonValue& value) {
    QStringList out;
    for (const QJsonValue& item : value.toArray()) {
        if (item.isString())
            out << item.toString();
    }
    return out;
}

QJsonArray toJsonArray(const QStringList& list) {
    QJsonArray out;
    for (const QString& s : list)
        out.append(s);
    return out;
}

Error unexpectedAnswer(const QString& codePrefix, const QString& service, const HttpResponse& response) {
    Error e = Error::make(codePrefix + QStringLiteral("unexpected_answer"),
                          tr("%1 answered HTTP %2, but not with what was asked for.").arg(service).arg(response.status),
                          tr("Check that the address in the profile points at %1 itself, not a proxy or login page; "
                             "the log has the answer.")
                              .arg(service),
                          true);
    e.httpStatus = response.status;
    e.rawDetail = redactBody(response.header("Content-Type"), response.body).left(kMaxRawDetail);
    return e;
}

HttpClient::Done deliverNothing(const QObject* owner, Callback<Nothing> done, bool notFoundIsDone) {
    return [guard = QPointer<const QObject>(owner), done = std::move(done), notFoundIsDone](
               const HttpResponse&, const std::optional<Error>& error) {
        if (!guard)
            return;
        if (error && !(notFoundIsDone && error->httpStatus == 404)) {
            done(Result<Nothing>::failure(*error));
            return;
        }
        done(Result<Nothing>::success({}));
    };
}

}  // namespace dcr::clients
