#pragma once

// A QNetworkAccessManager that answers every request from memory with the next of a list of
// canned answers (the last one repeats), so that the real service clients and their real
// HttpClient parse whatever a fuzzer or a test makes up, thousands of times a second, without a
// socket. Everything above the transport is the production code.
#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPair>
#include <QTimer>

#include <algorithm>

namespace dcr::fuzz {

struct CannedAnswer {
    int status = 200;  // 0: the connection closed without an answer
    QList<QPair<QByteArray, QByteArray>> headers{{"Content-Type", "application/json"}};
    QByteArray body;
};

class CannedReply : public QNetworkReply {
public:
    CannedReply(QNetworkAccessManager::Operation operation, const QNetworkRequest& request, const CannedAnswer& answer, QObject* parent)
        : QNetworkReply(parent), m_body(answer.body) {
        setRequest(request);
        setUrl(request.url());
        setOperation(operation);
        if (answer.status > 0) {
            setAttribute(QNetworkRequest::HttpStatusCodeAttribute, answer.status);
            for (const auto& [name, value] : answer.headers)
                setRawHeader(name, value);
        }
        open(QIODevice::ReadOnly | QIODevice::Unbuffered);
        // Like a real reply: everything arrives later, from the event loop.
        QTimer::singleShot(0, this, [this, status = answer.status] {
            if (status == 0)
                setError(QNetworkReply::RemoteHostClosedError, QStringLiteral("Connection closed"));
            emit metaDataChanged();
            if (!m_body.isEmpty())
                emit readyRead();
            finish();
        });
    }

    void abort() override {
        if (isFinished())
            return;
        setError(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
        finish();
    }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_body.size() - m_read + QNetworkReply::bytesAvailable(); }

protected:
    qint64 readData(char* data, qint64 maxSize) override {
        const qint64 n = std::min<qint64>(maxSize, m_body.size() - m_read);
        if (n <= 0)
            return isFinished() ? -1 : 0;
        std::copy_n(m_body.constData() + m_read, n, data);
        m_read += n;
        return n;
    }

private:
    void finish() {
        if (isFinished())
            return;
        setFinished(true);
        emit finished();
    }

    QByteArray m_body;
    qint64 m_read = 0;
};

class CannedNetwork : public QNetworkAccessManager {
public:
    explicit CannedNetwork(QList<CannedAnswer> answers) : m_answers(std::move(answers)) {}
    int requests() const { return m_requests; }

protected:
    QNetworkReply* createRequest(Operation operation, const QNetworkRequest& request, QIODevice*) override {
        const CannedAnswer answer = m_answers.isEmpty() ? CannedAnswer{} : m_answers.value(std::min<qsizetype>(m_requests, m_answers.size() - 1));
        ++m_requests;
        return new CannedReply(operation, request, answer, this);
    }

private:
    QList<CannedAnswer> m_answers;
    int m_requests = 0;
};

}  // namespace dcr::fuzz
