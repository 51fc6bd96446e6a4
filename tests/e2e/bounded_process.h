#pragma once

// What the end-to-end tests of exit codes and of the real-service path share: every process they
// run has a wall-clock limit (a run that hangs is killed and fails the test), a dcr-sandbox
// process over HTTP or HTTPS, and a throwaway CA made with the openssl CLI.
#include "support/wait.h"

#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>

#include <functional>
#include <optional>

namespace dcr_e2e {

struct ProcessRun {
    int exitCode = -1;  // -1: killed, crashed or never started
    bool timedOut = false;
    qint64 elapsedMs = 0;
    QByteArray out;
    QByteArray err;
    QJsonObject summary() const { return QJsonDocument::fromJson(out).object(); }
    QStringList outcomes() const {
        QStringList list;
        for (const QJsonValue& step : summary().value(QStringLiteral("steps")).toArray())
            list << step.toObject().value(QStringLiteral("outcome")).toString();
        return list;
    }
    QString stepStatus(const QString& id) const {
        for (const QJsonValue& step : summary().value(QStringLiteral("steps")).toArray())
            if (step.toObject().value(QStringLiteral("id")).toString() == id)
                return step.toObject().value(QStringLiteral("status")).toString();
        return {};
    }
    std::string diagnostics() const { return (QByteArray("stderr:\n") + err + "\nstdout:\n" + out).toStdString(); }
};

struct Launch {
    QString program;
    QStringList arguments;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    std::optional<QByteArray> input;  // written to standard input; with closeInput the channel then closes
    bool closeInput = true;           // false: standard input stays open and silent
    int limitMs = 60000;
    // Called whenever stderr grows, with all of it so far and the running process.
    std::function<void(const QByteArray& err, QProcess& process)> onStderr;
};

// Runs a process to its end, or kills it at the limit and fails the test that ran it.
inline ProcessRun runBounded(const Launch& launch) {
    QProcess p;
    p.setProgram(launch.program);
    p.setArguments(launch.arguments);
    p.setProcessEnvironment(launch.environment);
    ProcessRun run;
    QElapsedTimer clock;
    clock.start();
    p.start();
    if (!p.waitForStarted(10000)) {
        ADD_FAILURE() << "could not start " << launch.program.toStdString();
        return run;
    }
    if (launch.input)
        p.write(*launch.input);
    if (launch.closeInput)
        p.closeWriteChannel();
    const bool ended = dcr::test::waitUntil([&] {
        const QByteArray more = p.readAllStandardError();
        if (!more.isEmpty()) {
            run.err += more;
            if (launch.onStderr)
                launch.onStderr(run.err, p);
        }
        run.out += p.readAllStandardOutput();
        return p.state() == QProcess::NotRunning;
    }, launch.limitMs);
    if (!ended) {
        run.timedOut = true;
        p.kill();
        p.waitForFinished(5000);
    }
    run.elapsedMs = clock.elapsed();
    run.out += p.readAllStandardOutput();
    run.err += p.readAllStandardError();
    run.exitCode = !run.timedOut && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    if (run.timedOut)
        ADD_FAILURE() << launch.program.toStdString() << " " << launch.arguments.join(QLatin1Char(' ')).toStdString()
                      << " did not end within " << launch.limitMs / 1000 << " s and was killed\n" << run.diagnostics();
    return run;
}

// The environment of a wizard under test: the session's, without any token a developer may have set.
inline QProcessEnvironment cleanEnvironment() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DCR_WIZARD_KONNECT_TOKEN"));
    env.remove(QStringLiteral("DCR_WIZARD_GRAPH_TOKEN"));
    return env;
}

// Runs openssl with args in dir; empty on success, otherwise what it said.
inline QString openssl(const QString& dir, const QStringList& args) {
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return QStringLiteral("openssl %1: %2").arg(args.join(QLatin1Char(' ')), QString::fromUtf8(p.readAllStandardError()));
    return {};
}

// A CA (ca.pem) and a server certificate for 127.0.0.1 signed by it (server.pem, server.key) in dir.
inline QString makeThrowawayPki(const QString& dir) {
    QFile ext(dir + QStringLiteral("/server.ext"));
    if (!ext.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write server.ext");
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
              "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
    ext.close();
    for (const QStringList& args : {
             QStringList{"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
                         "/CN=dcr-wizard throwaway test CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                         "keyUsage=critical,keyCertSign,cRLSign"},
             QStringList{"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"},
             QStringList{"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem",
                         "-days", "2", "-extfile", "server.ext"},
         }) {
        const QString failure = openssl(dir, args);
        if (!failure.isEmpty())
            return failure;
    }
    return {};
}

// A dcr-sandbox process on a free port of 127.0.0.1, and requests to its control endpoints.
class SandboxProcess {
public:
    ~SandboxProcess() { stop(); }

    // seed: written to a file and given with --seed unless empty. caFile: set for HTTPS.
    bool start(const QString& directory, const QJsonObject& seed = {}, const QString& certFile = {}, const QString& keyFile = {},
               const QString& caFile = {}) {
        QStringList args{QStringLiteral("--port"), QStringLiteral("0")};
        if (!seed.isEmpty()) {
            QFile file(directory + QStringLiteral("/seed.json"));
            if (!file.open(QIODevice::WriteOnly))
                return false;
            file.write(QJsonDocument(seed).toJson());
            file.close();
            args << QStringLiteral("--seed") << file.fileName();
        }
        if (!certFile.isEmpty())
            args << QStringLiteral("--tls-cert") << certFile << QStringLiteral("--tls-key") << keyFile;
        if (!caFile.isEmpty()) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.setCaCertificates(tls.caCertificates() + QSslCertificate::fromPath(caFile));
            m_tls = tls;
        }
        m_process.setProgram(QStringLiteral(DCR_SANDBOX_BIN));
        m_process.setArguments(args);
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        if (!dcr::test::waitUntil([&] { return m_process.canReadLine() || m_process.state() == QProcess::NotRunning; }, 30000))
            return false;
        info = QJsonDocument::fromJson(m_process.readLine()).object();
        base = info.value(QStringLiteral("base_url")).toString();
        return !base.isEmpty();
    }

    void stop() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    qint64 pid() const { return m_process.processId(); }

    QJsonObject http(const QByteArray& method, const QString& path, const QByteArray& body = {}) {
        QNetworkRequest request(QUrl(base + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (m_tls)
            request.setSslConfiguration(*m_tls);
        QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
        dcr::test::waitUntil([&] { return reply->isFinished(); }, 20000);
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return json;
    }

    struct Counts {
        int apps, sps, providers, strategies, publications;
        int total() const { return apps + sps + providers + strategies + publications; }
    };
    Counts counts() {
        const QJsonObject state = http("GET", QStringLiteral("/_sandbox/state"));
        const QJsonObject azure = state.value(QStringLiteral("azure")).toObject();
        const QJsonObject konnect = state.value(QStringLiteral("konnect")).toObject();
        return Counts{static_cast<int>(azure.value(QStringLiteral("applications")).toArray().size()),
                      static_cast<int>(azure.value(QStringLiteral("service_principals")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("dcr_providers")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("auth_strategies")).toArray().size()),
                      static_cast<int>(konnect.value(QStringLiteral("publications")).toArray().size())};
    }

    void addFault(const QJsonObject& fault) { http("POST", QStringLiteral("/_sandbox/faults"), QJsonDocument(QJsonArray{fault}).toJson()); }

    QJsonObject info;
    QString base;

private:
    QProcess m_process;
    QNetworkAccessManager m_network;
    std::optional<QSslConfiguration> m_tls;
};

}  // namespace dcr_e2e
