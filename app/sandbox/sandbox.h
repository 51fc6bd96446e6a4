#pragma once

#include "sandbox/router.h"
#include "sandbox/sandbox_server.h"
#include "sandbox/state.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

namespace dcr::sandbox {

// The whole offline imitation of Microsoft Entra ID, Microsoft Graph, Kong Konnect, a portal and a
// gateway, served over real HTTP on one port. Lives on one thread; see SandboxHost to run it on
// its own thread inside another program.
class Sandbox : public QObject {
    Q_OBJECT
public:
    explicit Sandbox(Seed seed, QObject* parent = nullptr);

    // Starts serving; returns the port, or 0 when the address is taken.
    quint16 listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    SandboxState& state() { return m_state; }
    SandboxServer& server() { return m_server; }
    // Base URLs of each service and the seeded (sandbox-only) credentials.
    QJsonObject info() const;

private:
    SandboxState m_state;
    Router m_router;
    SandboxServer m_server;
};

// Runs a Sandbox on its own thread so that nothing it does can stall the caller's event loop
// (the embedded sandbox of the wizard, and the tests).
class SandboxHost : public QObject {
    Q_OBJECT
public:
    explicit SandboxHost(Seed seed = {}, QObject* parent = nullptr);
    ~SandboxHost() override;

    void start();  // asynchronous: ready() or failed() follows
    void stop();

signals:
    void ready(const QJsonObject& info);
    void failed(const QString& message);

private:
    Seed m_seed;
    QThread m_thread;
    Sandbox* m_sandbox = nullptr;  // owned by m_thread's lifetime, deleted on finish
};

}  // namespace dcr::sandbox
