#include "sandbox/sandbox_server.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace dcr::sandbox {

namespace {

// A request that is never answered still must not hold its socket forever.
constexpr int kHangLimitMs = 5 * 60 * 1000;

Request toRequest(const QHttpServerRequest& in) {
    Request r;
    r.method = in.method() == QHttpServerRequest::Method::Get       ? QByteArray("GET")
               : in.method() == QHttpServerRequest::Method::Post    ? QByteArray("POST")
               : in.method() == QHttpServerRequest::Method::Put     ? QByteArray("PUT")
               : in.method() == QHttpServerRequest::Method::Patch   ? QByteArray("PATCH")
               : in.method() == QHttpServerRequest::Method::Delete  ? QByteArray("DELETE")
               : in.method() == QHttpServerRequest::Method::Head    ? QByteArray("HEAD")
               : in.method() == QHttpServerRequest::Method::Options ? QByteArray("OPTIONS")
                                                                     : QByteArray("OTHER");
    r.path = in.url().path(QUrl::FullyDecoded);
    r.query = in.query();
    for (const auto& [name, value] : in.headers())
        r.headers.insert(name.toLower(), value);
    r.body = in.body();
    r.peer = in.remoteAddress();
    return r;
}

void writeResponse(QHttpServerResponder& responder, const Response& response) {
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    for (const auto& [name, value] : response.headers)
        responder.writeHeader(name, value);
    responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(response.body.size()));
    responder.writeBody(response.body);
}

}  // namespace

SandboxServer::SandboxServer(const Router& router, FaultInjector& faults, RequestLog& log, QObject* parent)
    : QAbstractHttpServer(parent), m_router(router), m_faults(faults), m_log(log) {}

bool SandboxServer::useTls(const QString& certificateFile, const QString& keyFile, QString* error) {
    const auto read = [error](const QString& path, QByteArray* out) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            return false;
        }
        *out = file.readAll();
        return true;
    };
    QByteArray certificatePem, keyPem;
    if (!read(certificateFile, &certificatePem) || !read(keyFile, &keyPem))
        return false;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificatePem, QSsl::Pem);
    if (chain.isEmpty()) {
        *error = QStringLiteral("%1 holds no PEM certificate").arg(certificateFile);
        return false;
    }
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        *error = QStringLiteral("%1 holds no unencrypted PEM RSA or EC private key").arg(keyFile);
        return false;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    sslSetup(configuration);
    m_tls = true;
    return true;
}

bool SandboxServer::handleRequest(const QHttpServerRequest& qrequest, QTcpSocket* socket) {
    const Request request = toRequest(qrequest);
    const int sequence = m_log.begin(request);
    const FaultDecision fault = m_faults.decide(request);

    if (fault.drop) {
        m_log.finish(sequence, 0, fault.applied);
        socket->abort();
        return true;
    }
    if (fault.hang) {
        m_log.finish(sequence, 0, fault.applied);
        QTimer::singleShot(kHangLimitMs, socket, [socket] { socket->abort(); });
        return true;
    }

    const Response response = fault.replacement ? *fault.replacement : m_router.dispatch(request);
    if (fault.loseAnswer) {
        // The handler has run and its change stays: the client must find out by reading the state
        // again, as after an answer lost on the network once the service had committed.
        m_log.finish(sequence, 0, fault.applied);
        socket->abort();
        return true;
    }
    if (fault.delayMs <= 0) {
        QHttpServerResponder responder = makeResponder(qrequest, socket);
        writeResponse(responder, response);
        m_log.finish(sequence, response.status, fault.applied);
        return true;
    }

    // Delayed answers go through a timer: the server thread keeps serving other requests meanwhile.
    auto responder = std::make_shared<QHttpServerResponder>(makeResponder(qrequest, socket));
    QPointer<QTcpSocket> guard(socket);
    QTimer::singleShot(fault.delayMs, this, [this, responder, guard, response, sequence, applied = fault.applied] {
        if (!guard || guard->state() != QAbstractSocket::ConnectedState) {
            m_log.finish(sequence, 0, applied);
            return;
        }
        writeResponse(*responder, response);
        m_log.finish(sequence, response.status, applied);
    });
    return true;
}

void SandboxServer::missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) {
    // Unreachable while handleRequest answers everything; kept correct for the base class contract.
    QHttpServerResponder responder = makeResponder(request, socket);
    writeResponse(responder, Response::empty(404));
}

}  // namespace dcr::sandbox
