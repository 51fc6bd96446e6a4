#pragma once

#include "sandbox/faults.h"
#include "sandbox/request_log.h"
#include "sandbox/router.h"

#include <QAbstractHttpServer>

namespace dcr::sandbox {

// The HTTP front of the sandbox. Subclasses Qt's abstract server (its routing API changed in Qt
// 6.8; this one did not) and adds what the emulation needs on top of the router: fault injection
// with delayed answers that never block the thread, and the request log.
class SandboxServer : public QAbstractHttpServer {
    Q_OBJECT
public:
    SandboxServer(const Router& router, FaultInjector& faults, RequestLog& log, QObject* parent = nullptr);

    // Serves HTTPS with a PEM certificate (chain, leaf first) and its PEM private key from the next
    // listen() on: for testing that the clients refuse a certificate they do not trust.
    bool useTls(const QString& certificateFile, const QString& keyFile, QString* error);
    bool servesTls() const { return m_tls; }

protected:
    bool handleRequest(const QHttpServerRequest& request, QTcpSocket* socket) override;
    void missingHandler(const QHttpServerRequest& request, QTcpSocket* socket) override;

private:
    const Router& m_router;
    FaultInjector& m_faults;
    RequestLog& m_log;
    bool m_tls = false;
};

}  // namespace dcr::sandbox
