#include "sandbox/sandbox.h"

#include "sandbox/services.h"

#include <QJsonObject>

namespace dcr::sandbox {

Sandbox::Sandbox(Seed seed, QObject* parent) : QObject(parent), m_server(m_router, m_state.faults, m_state.log, this) {
    m_state.seed = std::move(seed);
    m_state.applySeed();
    registerEntra(m_router, m_state);
    registerGraph(m_router, m_state);
    registerKonnect(m_router, m_state);
    registerPortal(m_router, m_state);
    registerGateway(m_router, m_state);
    registerInspection(m_router, m_state);
}

quint16 Sandbox::listen(const QHostAddress& address, quint16 port) {
    const quint16 bound = m_server.listen(address, port);
    if (bound != 0) {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QStringLiteral("[%1]").arg(address.toString())
                                 : address.toString();
        m_state.baseUrl = QStringLiteral("%1://%2:%3").arg(m_server.servesTls() ? QLatin1String("https") : QLatin1String("http"), host).arg(bound);
    }
    return bound;
}

QJsonObject Sandbox::info() const { return sandboxInfo(m_state); }

SandboxHost::SandboxHost(Seed seed, QObject* parent) : QObject(parent), m_seed(std::move(seed)) {
    m_thread.setObjectName(QStringLiteral("dcr-sandbox"));
}

SandboxHost::~SandboxHost() { stop(); }

void SandboxHost::start() {
    if (m_thread.isRunning())
        return;
    // started() is emitted on the new thread: everything, key generation included, happens there,
    // and the signals below reach the caller's thread queued.
    connect(
        &m_thread, &QThread::started, this,
        [this] {
            m_sandbox = new Sandbox(m_seed);
            connect(&m_thread, &QThread::finished, m_sandbox, &QObject::deleteLater);
            const quint16 port = m_sandbox->listen();
            if (port == 0) {
                emit failed(tr("The sandbox could not listen on 127.0.0.1."));
                return;
            }
            emit ready(m_sandbox->info());
        },
        static_cast<Qt::ConnectionType>(Qt::DirectConnection | Qt::SingleShotConnection));
    m_thread.start();
}

void SandboxHost::stop() {
    if (!m_thread.isRunning())
        return;
    m_thread.quit();
    m_thread.wait();
    m_sandbox = nullptr;
}

}  // namespace dcr::sandbox
