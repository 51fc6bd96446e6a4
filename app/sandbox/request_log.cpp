#include "sandbox/request_log.h"

#include "core/redaction.h"

#include <QJsonObject>
#include <QUrl>

namespace dcr::sandbox {

RequestLog::RequestLog() { m_clock.start(); }

int RequestLog::begin(const Request& request) {
    Entry e;
    e.startedMs = m_clock.elapsed();
    e.method = request.method;
    e.path = request.path;
    if (!request.query.isEmpty()) {
        QUrl url;
        url.setQuery(request.query);
        e.query = dcr::redactUrl(url).mid(1);  // without the leading '?'
    }
    const QByteArray auth = request.header("authorization");
    if (!auth.isEmpty())
        e.authorization = dcr::redactHeaderValue(QByteArrayLiteral("Authorization"), auth);
    e.body = dcr::redactBody(request.header("content-type"), request.body).toUtf8();
    QMutexLocker lock(&m_mutex);
    e.sequence = m_next++;
    m_entries.append(e);
    return e.sequence;
}

void RequestLog::finish(int sequence, int status, const QString& fault) {
    QMutexLocker lock(&m_mutex);
    for (auto it = m_entries.rbegin(); it != m_entries.rend(); ++it) {
        if (it->sequence == sequence) {
            it->status = status;
            it->fault = fault;
            it->finishedMs = m_clock.elapsed();
            return;
        }
    }
}

QJsonArray RequestLog::toJson() const {
    QMutexLocker lock(&m_mutex);
    QJsonArray array;
    for (const Entry& e : m_entries) {
        QJsonObject o{{QStringLiteral("sequence"), e.sequence},
                      {QStringLiteral("started_ms"), e.startedMs},
                      {QStringLiteral("finished_ms"), e.finishedMs},
                      {QStringLiteral("method"), QString::fromLatin1(e.method)},
                      {QStringLiteral("path"), e.path},
                      {QStringLiteral("status"), e.status}};
        if (!e.query.isEmpty())
            o.insert(QStringLiteral("query"), e.query);
        if (!e.authorization.isEmpty())
            o.insert(QStringLiteral("authorization"), QString::fromLatin1(e.authorization));
        if (!e.body.isEmpty())
            o.insert(QStringLiteral("body"), QString::fromUtf8(e.body));
        if (!e.fault.isEmpty())
            o.insert(QStringLiteral("fault"), e.fault);
        array.append(o);
    }
    return array;
}

void RequestLog::clear() {
    QMutexLocker lock(&m_mutex);
    m_entries.clear();
}

}  // namespace dcr::sandbox
