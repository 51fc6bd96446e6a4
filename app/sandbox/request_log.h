#pragma once

#include "sandbox/sandbox_http.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMutex>

namespace dcr::sandbox {

// Every request the sandbox answered, with secrets redacted before they are stored, so that
// GET /_sandbox/requests can be shown in a demo and counted by benchmarks.
class RequestLog {
public:
    RequestLog();

    struct Entry {
        int sequence = 0;
        qint64 startedMs = 0;   // since the sandbox started
        qint64 finishedMs = 0;
        QByteArray method;
        QString path;
        QString query;          // redacted
        QByteArray authorization;  // scheme only, e.g. "Bearer ***"
        QByteArray body;           // redacted
        int status = 0;            // 0: dropped or never answered
        QString fault;             // faults applied, if any
    };

    int begin(const Request& request);  // returns the sequence number
    void finish(int sequence, int status, const QString& fault);
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    QJsonArray toJson() const;
    void clear();

private:
    mutable QMutex m_mutex;
    QElapsedTimer m_clock;
    QList<Entry> m_entries;
    int m_next = 1;
};

}  // namespace dcr::sandbox
